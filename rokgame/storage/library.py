"""The library: tracks the player added, their charts, and what song select shows.

Two tables (see :mod:`rokgame.storage.db`): ``tracks`` (one per source: a link,
``file:<path>``, ``builtin:<name>`` or ``chart:<path>``) and ``charts`` (the chart
files of a track: ``generated`` in the cache, ``builtin`` in the repository's
``charts/``, ``authored`` in the player's charts folder). When a track has several
charts, an authored one (the player's edit) wins over a built-in one, which wins
over a generated one.

Rules kept here:

* A row is written in one transaction and only once its files are in place.
* Removing a track deletes files only inside the cache: never the player's own
  audio file, never a chart in the player's charts folder.
* :func:`scan_charts` finds JSON charts in ``charts/`` and the user charts folder,
  skipping files whose size and mtime have not changed since the last scan.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rokgame import paths
from rokgame.core.chart import DIFFICULTY_NAMES, Chart
from rokgame.core.chart_io import atomic_write_text, file_sha256, read_chart, read_regular_file, resolve_audio
from rokgame.core.text import clean_text, needs_cleaning, terminal_text
from rokgame.errors import StorageError
from rokgame.storage.db import transaction

#: Which chart of a track is played: the player's edit first, the generated one last.
ORIGIN_RANK = {"authored": 0, "builtin": 1, "generated": 2}
DOWNLOADED_KINDS = ("youtube", "url")


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- paths as the database keeps them

#: Files in rokgame's own folders are stored relative to the folder, so a home reached by a symlink,
#: a moved portable home or a renamed HOME still names them (an absolute string named the old place, and
#: the start-up sweep deleted every download it no longer recognised).
_ROOTS = {"<cache>": paths.cache_dir, "<data>": paths.data_dir}


def stored_path(path: str | os.PathLike[str]) -> str:
    """How the database writes ``path``: ``<cache>/…`` or ``<data>/…`` inside our folders, else absolute."""
    path = Path(path)
    for token, root in _ROOTS.items():
        folder = root()
        # As written first (no file system calls); resolved when the two were reached by different routes.
        with contextlib.suppress(ValueError):
            return f"{token}/{path.relative_to(folder).as_posix()}"
        with contextlib.suppress(OSError, ValueError):
            return f"{token}/{path.resolve().relative_to(folder.resolve()).as_posix()}"
    return str(path)


def loaded_path(text: str) -> Path:
    """The path a stored string names today (see :func:`stored_path`).

    Rows written before paths were stored relative hold absolute ones: when such a file
    is gone but a file of the same name sits in the same sub-folder of today's folders
    (``audio/``, ``charts/``), the home moved and that file is the one meant.
    """
    token, _, rest = text.partition("/")
    if token in _ROOTS and rest:
        return _ROOTS[token]() / rest
    path = Path(text)
    if path.parent.name in ("audio", "charts") and path.is_absolute() and not path.exists():
        for root in _ROOTS.values():
            moved = root() / path.parent.name / path.name
            if moved.exists():
                return moved
    return path


@dataclass(frozen=True, slots=True)
class TrackRow:
    id: int
    source: str
    kind: str
    title: str
    artist: str
    duration: float | None
    audio_path: Path | None
    audio_sha256: str | None
    webpage_url: str | None
    thumbnail_url: str | None
    added_at: str
    last_played_at: str | None
    play_count: int
    #: A local file's own hash (``audio_sha256`` is the hash of what plays: a converted copy for an m4a).
    source_sha256: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> TrackRow:
        return cls(
            id=row["id"], source=row["source"], kind=row["kind"], title=clean_text(row["title"]),
            artist=clean_text(row["artist"]),
            duration=row["duration"], audio_path=loaded_path(row["audio_path"]) if row["audio_path"] else None,
            audio_sha256=row["audio_sha256"], webpage_url=row["webpage_url"], thumbnail_url=row["thumbnail_url"],
            added_at=row["added_at"], last_played_at=row["last_played_at"], play_count=row["play_count"],
            source_sha256=row["source_sha256"],
        )

    @property
    def local_file(self) -> Path | None:
        """The player's own audio file, for ``file:`` tracks."""
        return Path(self.source.removeprefix("file:")) if self.source.startswith("file:") else None


@dataclass(frozen=True, slots=True)
class ChartRow:
    id: int
    track_id: int | None
    path: Path
    origin: str
    chart_sha256: str
    generator_version: str | None
    difficulties: tuple[str, ...]
    lanes: int
    added_at: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ChartRow:
        names = tuple(n for n in (row["difficulties"] or "").split(",") if n)
        return cls(id=row["id"], track_id=row["track_id"], path=loaded_path(row["path"]), origin=row["origin"],
                   chart_sha256=row["chart_sha256"], generator_version=row["generator_version"],
                   difficulties=names, lanes=row["lanes"], added_at=row["added_at"])


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One line of song select: what to show, and the two files to play."""

    track_id: int
    title: str
    artist: str
    duration: float | None
    kind: str
    source: str
    #: The chart to play (the player's edit when there is one), or ``None`` when it is gone.
    chart_path: Path | None
    chart_origin: str | None
    chart_sha256: str | None
    #: The audio file, or ``None`` when it is missing (``missing`` says why, in one sentence).
    audio_path: Path | None
    difficulties: tuple[str, ...]
    lanes: int
    #: Best score per difficulty of *this* chart (plays that reached the end without failing).
    best_scores: Mapping[str, int] = field(default_factory=dict)
    play_count: int = 0
    last_played_at: str | None = None
    added_at: str = ""
    webpage_url: str | None = None
    thumbnail_url: str | None = None
    missing: str | None = None

    @property
    def playable(self) -> bool:
        return self.chart_path is not None and self.audio_path is not None


@dataclass(slots=True)
class ScanReport:
    added: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    #: Chart files that could not be used, one sentence each.
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RemovedTrack:
    title: str
    deleted: tuple[Path, ...]
    #: Files of the track rokgame would not delete: the player's audio file, their edited charts.
    kept: tuple[Path, ...]


# --------------------------------------------------------------------------- reading


def get_track(conn: sqlite3.Connection, track_id: int) -> TrackRow | None:
    row = conn.execute("SELECT * FROM tracks WHERE id = ?", (track_id,)).fetchone()
    return TrackRow.from_row(row) if row else None


def find_track(conn: sqlite3.Connection, source: str) -> TrackRow | None:
    row = conn.execute("SELECT * FROM tracks WHERE source = ?", (source,)).fetchone()
    return TrackRow.from_row(row) if row else None


def tracks_with_audio(conn: sqlite3.Connection, audio_sha256: str) -> list[TrackRow]:
    """Tracks whose audio (or the local file it was converted from) has this hash, real tracks first."""
    rows = conn.execute("SELECT * FROM tracks WHERE audio_sha256 = ? OR source_sha256 = ? ORDER BY kind = 'chart', id",
                        (audio_sha256, audio_sha256)).fetchall()
    return [TrackRow.from_row(r) for r in rows]


def all_tracks(conn: sqlite3.Connection) -> list[TrackRow]:
    return [TrackRow.from_row(r) for r in conn.execute("SELECT * FROM tracks ORDER BY id")]


def charts_of(conn: sqlite3.Connection, track_id: int) -> list[ChartRow]:
    rows = conn.execute("SELECT * FROM charts WHERE track_id = ? ORDER BY id", (track_id,)).fetchall()
    return [ChartRow.from_row(r) for r in rows]


def active_chart(charts: Iterable[ChartRow]) -> ChartRow | None:
    """The chart that is played: authored, else built-in, else generated; the newest of a kind."""
    present = [c for c in charts if c.path.is_file()]
    if not present:
        return None
    return min(present, key=lambda c: (ORIGIN_RANK.get(c.origin, 9), -c.id))


def best_scores(conn: sqlite3.Connection, chart_sha256: str) -> dict[str, int]:
    """The best qualifying score of each difficulty of a chart (see :mod:`rokgame.storage.scores`)."""
    from rokgame.storage.scores import bests

    return {name: int(row["score"]) for name, row in bests(conn, chart_sha256).items()}


def missing_audio_reason(track: TrackRow) -> str:
    if track.kind == "file":
        return f"file moved or deleted: {track.local_file}"
    if track.kind in DOWNLOADED_KINDS:
        return f"the downloaded audio of “{track.title}” is gone; add {track.source} again to download it"
    return f"the audio of “{track.title}” was not found"


def list_entries(conn: sqlite3.Connection) -> list[LibraryEntry]:
    """Everything song select shows, sorted by title then artist. Reads the database and stats files only."""
    charts_by_track: dict[int, list[ChartRow]] = {}
    for row in conn.execute("SELECT * FROM charts WHERE track_id IS NOT NULL ORDER BY id"):
        chart = ChartRow.from_row(row)
        charts_by_track.setdefault(chart.track_id or 0, []).append(chart)
    entries = []
    for track in all_tracks(conn):
        chart = active_chart(charts_by_track.get(track.id, []))
        audio = track.audio_path if track.audio_path is not None and track.audio_path.is_file() else None
        missing = None
        if chart is None:
            missing = f"the chart of “{track.title}” is gone; add the track again to make a new one"
        elif audio is None:
            missing = missing_audio_reason(track)
        entries.append(LibraryEntry(
            track_id=track.id,
            title=track.title,
            artist=track.artist,
            duration=track.duration,
            kind=track.kind,
            source=track.source,
            chart_path=chart.path if chart else None,
            chart_origin=chart.origin if chart else None,
            chart_sha256=chart.chart_sha256 if chart else None,
            audio_path=audio,
            difficulties=chart.difficulties if chart else (),
            lanes=chart.lanes if chart else 5,
            best_scores=best_scores(conn, chart.chart_sha256) if chart else {},
            play_count=track.play_count,
            last_played_at=track.last_played_at,
            added_at=track.added_at,
            webpage_url=track.webpage_url,
            thumbnail_url=track.thumbnail_url,
            missing=missing,
        ))
    entries.sort(key=lambda e: (e.title.casefold(), e.artist.casefold(), e.track_id))
    return entries


def audio_for_chart(conn: sqlite3.Connection, chart: Chart, chart_path: str | os.PathLike[str]) -> Path | None:
    """The audio of any chart: beside it, among built-in and downloaded songs, or the library track it belongs to."""
    found = resolve_audio(chart, chart_path, [paths.builtin_songs_dir(), paths.audio_cache_dir()])
    if found is not None or not chart.song.audio_sha256:
        return found
    for track in tracks_with_audio(conn, chart.song.audio_sha256):
        if track.audio_path is not None and track.audio_path.is_file():
            return track.audio_path
    return None


def referenced_paths(conn: sqlite3.Connection) -> set[Path]:
    """Every file the library names (audio and charts), resolved: compare with ``Path.resolve()`` only."""
    texts = [r[0] for r in conn.execute("SELECT audio_path FROM tracks WHERE audio_path IS NOT NULL")]
    texts += [r[0] for r in conn.execute("SELECT path FROM charts")]
    return {_resolved(loaded_path(text)) for text in texts}


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: the path as written is all there is
        return path


def track_of_chart(conn: sqlite3.Connection, chart_path: str | os.PathLike[str]) -> TrackRow | None:
    """The track a chart file belongs to, by the chart's path (however the folder was reached)."""
    row = conn.execute("SELECT track_id FROM charts WHERE path = ? AND track_id IS NOT NULL",
                       (stored_path(chart_path),)).fetchone()
    if row is None:
        wanted = _resolved(Path(chart_path))
        for chart in conn.execute("SELECT path, track_id FROM charts WHERE track_id IS NOT NULL"):
            if _resolved(loaded_path(chart["path"])) == wanted:
                row = chart
                break
    return get_track(conn, row["track_id"]) if row is not None else None


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True, slots=True)
class ChartFacts:
    """What the charts table keeps about a chart file."""

    sha256: str
    difficulties: tuple[str, ...]
    lanes: int
    generator_version: str | None
    size: int
    mtime_ns: int


def chart_facts(path: str | os.PathLike[str], chart: Chart | None = None) -> ChartFacts:
    """Hash and describe a chart file (loading it when ``chart`` is not given)."""
    path = Path(path)
    if chart is None:
        result = read_chart(path)
        if result.chart is None:
            raise StorageError(f"{path} is not a playable chart: {result.errors[0]}")
        chart = result.chart
    stat = path.stat()
    generator = chart.generator or {}
    version = generator.get("version") if isinstance(generator, Mapping) else None
    return ChartFacts(
        sha256=file_sha256(path),
        difficulties=tuple(n for n in DIFFICULTY_NAMES if n in chart.difficulties),
        lanes=chart.lanes,
        generator_version=str(version) if version is not None else None,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
    )


def _upsert_chart(conn: sqlite3.Connection, track_id: int | None, path: Path, origin: str, facts: ChartFacts) -> None:
    conn.execute(
        """INSERT INTO charts (track_id, path, origin, chart_sha256, generator_version, added_at,
                               difficulties, lanes, file_size, file_mtime_ns)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (path) DO UPDATE SET track_id = excluded.track_id, origin = excluded.origin,
               chart_sha256 = excluded.chart_sha256, generator_version = excluded.generator_version,
               difficulties = excluded.difficulties, lanes = excluded.lanes,
               file_size = excluded.file_size, file_mtime_ns = excluded.file_mtime_ns""",
        (track_id, stored_path(path), origin, facts.sha256, facts.generator_version, now_utc(),
         ",".join(facts.difficulties), facts.lanes, facts.size, facts.mtime_ns),
    )


def _upsert_track(conn: sqlite3.Connection, values: Mapping[str, Any]) -> int:
    """Insert or update the track with this source; keeps its id, play count and added date."""
    existing = conn.execute("SELECT id FROM tracks WHERE source = ?", (values["source"],)).fetchone()
    columns = ("kind", "title", "artist", "duration", "audio_path", "audio_sha256", "webpage_url", "thumbnail_url",
               "source_sha256")
    if existing is not None:
        conn.execute(f"UPDATE tracks SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                     (*(values.get(c) for c in columns), existing["id"]))
        return int(existing["id"])
    cursor = conn.execute(
        f"INSERT INTO tracks (source, added_at, {', '.join(columns)}) VALUES (?, ?, {', '.join('?' * len(columns))})",
        (values["source"], now_utc(), *(values.get(c) for c in columns)),
    )
    return int(cursor.lastrowid or 0)


def add_track(
    conn: sqlite3.Connection,
    *,
    source: str,
    kind: str,
    title: str,
    artist: str = "",
    duration: float | None,
    audio_path: str | os.PathLike[str],
    audio_sha256: str,
    chart_path: str | os.PathLike[str],
    chart_origin: str = "generated",
    webpage_url: str | None = None,
    thumbnail_url: str | None = None,
    source_sha256: str | None = None,
) -> tuple[int, list[Path]]:
    """Record a track and its chart, in one transaction, once both files are in place.

    The same source again updates the row (keeping its id, plays and added date) and
    replaces its generated chart. Charts the player wrote for the same audio that were
    waiting on their own (``chart:`` tracks) join this track. Returns the track id and
    the generated chart files that are no longer named by any row (the caller deletes them).
    """
    chart_path = Path(chart_path)
    facts = chart_facts(chart_path)
    values = {"source": source, "kind": kind, "title": title, "artist": artist, "duration": duration,
              "audio_path": stored_path(audio_path), "audio_sha256": audio_sha256, "webpage_url": webpage_url,
              "thumbnail_url": thumbnail_url, "source_sha256": source_sha256}
    with transaction(conn):
        track_id = _upsert_track(conn, values)
        stale = [loaded_path(r["path"]) for r in conn.execute(
            "SELECT path FROM charts WHERE track_id = ? AND origin = ? AND path != ?",
            (track_id, chart_origin, stored_path(chart_path)))]
        conn.execute("DELETE FROM charts WHERE track_id = ? AND origin = ? AND path != ?",
                     (track_id, chart_origin, stored_path(chart_path)))
        _upsert_chart(conn, track_id, chart_path, chart_origin, facts)
        # The player's charts for this audio, waiting on a chart-only track: they belong here now.
        for waiting in conn.execute("SELECT id FROM tracks WHERE audio_sha256 = ? AND kind = 'chart' AND id != ?",
                                    (audio_sha256, track_id)).fetchall():
            conn.execute("UPDATE charts SET track_id = ? WHERE track_id = ?", (track_id, waiting["id"]))
            conn.execute("UPDATE plays SET track_id = ? WHERE track_id = ?", (track_id, waiting["id"]))
            conn.execute("DELETE FROM tracks WHERE id = ?", (waiting["id"],))
    return track_id, stale


def move_track(conn: sqlite3.Connection, track_id: int, *, source: str, audio_path: str | os.PathLike[str]) -> None:
    """A local file found again under a new name: point its track there, keeping charts and scores."""
    with transaction(conn):
        conn.execute("UPDATE tracks SET source = ?, audio_path = ? WHERE id = ?",
                     (source, stored_path(audio_path), track_id))


def mark_played(conn: sqlite3.Connection, track_id: int) -> None:
    """Count a play of a track that did not go through ``scores.record_play`` (e.g. a quit)."""
    with transaction(conn):
        conn.execute("UPDATE tracks SET play_count = play_count + 1, last_played_at = ? WHERE id = ?",
                     (now_utc(), track_id))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


#: The charter's cache names its charts "<audio stem>.<16 hex key>.json" (rokgame.analysis.generate.cache_path).
_CACHE_COPY = re.compile(r".+\.[0-9a-f]{16}\.json")
#: A canonical chart names its audio's hash in its first lines ("song" comes right after the format).
_HEAD_BYTES = 8192


def analysis_cache_copies(audio_sha256: str | None) -> list[Path]:
    """The charter's own cached charts of this audio (any generator version, lane count or file name).

    Charting keeps a copy of every chart it makes in the generated-charts folder, keyed by
    the audio's hash; the track's chart is a second file. A copy is recognised by its name
    and by the ``song.audio_sha256`` inside it, so charts of other audio are never touched,
    and a copy made before the player moved or renamed the file is found too.
    """
    if not audio_sha256:
        return []
    found = []
    for candidate in paths.generated_charts_dir().glob("*.json"):
        if not _CACHE_COPY.fullmatch(candidate.name):
            continue
        try:
            with candidate.open("rb") as file:
                if audio_sha256.encode("ascii") not in file.read(_HEAD_BYTES):
                    continue
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        song = data.get("song") if isinstance(data, dict) else None
        if isinstance(song, dict) and song.get("audio_sha256") == audio_sha256:
            found.append(candidate)
    return sorted(found)


def remove_track(conn: sqlite3.Connection, track_id: int) -> RemovedTrack:
    """Forget a track; delete its files that live in the cache (and only those).

    That is the downloaded or converted audio, the generated chart, and the charter's
    cached copies of it (unless another track has the same audio). The player's own
    audio file and their charts are kept, and so are their plays.
    """
    track = get_track(conn, track_id)
    if track is None:
        raise StorageError(f"there is no track {track_id} in the library (see: rokgame library)")
    if track.kind == "builtin":
        raise StorageError(f"“{track.title}” is a built-in demo song; it can't be removed")
    charts = charts_of(conn, track_id)
    if track.kind == "chart":
        where = charts[0].path if charts else "your charts folder"
        raise StorageError(f"“{track.title}” comes from your chart file {where}; delete that file to remove it")
    files = [c.path for c in charts]
    if track.audio_path is not None:
        files.append(track.audio_path)
    cache = paths.cache_dir()
    doomed = [f for f in files if _inside(f, cache)]
    kept = [f for f in files if f not in doomed and f.exists()]
    with transaction(conn):
        # Plays keep their rows (track_id becomes NULL); the player's edited charts stay on disk and,
        # unlinked from the track, show up on their own at the next scan.
        conn.execute("DELETE FROM charts WHERE track_id = ?", (track_id,))
        conn.execute("DELETE FROM tracks WHERE id = ?", (track_id,))
    if not tracks_with_audio(conn, track.audio_sha256 or ""):  # no other track shares the charter's cache
        doomed += [f for f in analysis_cache_copies(track.audio_sha256) if f not in doomed]
    # Two tracks of the same bytes (one file in two folders) may share a converted copy: what another
    # row still names stays.
    still_named = referenced_paths(conn)
    doomed = [f for f in doomed if _resolved(f) not in still_named]
    deleted = []
    for file in doomed:
        try:
            file.unlink()
            deleted.append(file)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise StorageError(f"removed “{track.title}” from the library but couldn't delete {file}: "
                               f"{exc.strerror or exc}") from exc
    return RemovedTrack(track.title, tuple(deleted), tuple(kept))


# --------------------------------------------------------------------------- scanning chart folders


def _slug(path: Path, folder: Path) -> str:
    relative = path.relative_to(folder).with_suffix("")
    return "/".join(relative.parts)


def scan_charts(
    conn: sqlite3.Connection,
    folders: Sequence[tuple[str | os.PathLike[str], str]] | None = None,
) -> ScanReport:
    """Bring the library up to date with the chart files in ``charts/`` and the player's charts folder.

    ``folders`` is a list of ``(folder, origin)``, origin ``'builtin'`` or ``'authored'``.
    An authored chart whose ``song.audio_sha256`` matches a track joins that track (and,
    being authored, is the one played); any other chart becomes a track of its own.
    Unchanged files (same size and mtime) are not read again.
    """
    if folders is None:
        folders = [(paths.builtin_charts_dir(), "builtin"), (paths.user_charts_dir(), "authored")]
    report = ScanReport()
    search_dirs = [paths.builtin_songs_dir(), paths.audio_cache_dir()]
    invalid = _InvalidCharts.load()
    for folder_name, origin in folders:
        folder = Path(folder_name)
        seen: set[str] = set()
        files = sorted(p for p in folder.rglob("*.json") if not any(part.startswith(".") for part in
                                                                     p.relative_to(folder).parts)) \
            if folder.is_dir() else []
        for path in files:
            seen.add(str(path))
            if needs_cleaning(str(path)):
                report.problems.append(f"{terminal_text(str(path))}: the file name is not text (not UTF-8); "
                                       "rename it to play it")
                continue
            try:
                _scan_one(conn, path, folder, origin, search_dirs, report, invalid)
            except OSError as exc:
                report.problems.append(f"{path}: can't read it ({exc.strerror or exc})")
        # Chart files that are gone from this folder.
        for row in conn.execute("SELECT * FROM charts WHERE origin = ?", (origin,)).fetchall():
            chart = ChartRow.from_row(row)
            if str(chart.path) not in seen and _inside_lexically(chart.path, folder):
                with transaction(conn):
                    conn.execute("DELETE FROM charts WHERE id = ?", (chart.id,))
                report.removed.append(chart.path)
    with transaction(conn):
        conn.execute("DELETE FROM tracks WHERE kind IN ('builtin', 'chart') "
                     "AND id NOT IN (SELECT track_id FROM charts WHERE track_id IS NOT NULL)")
    invalid.save()
    return report


class _InvalidCharts:
    """Chart files that did not read, by path, size and mtime: not read again until they change.

    An invalid 1 GB file in the charts folder was read at every start. Kept in the cache
    (``invalid-charts.json``); losing it only costs one more read.
    """

    def __init__(self, path: Path, known: dict[str, list[Any]]) -> None:
        self.path = path
        self.known = known
        self.seen: set[str] = set()
        self.changed = False

    @classmethod
    def load(cls) -> _InvalidCharts:
        path = paths.cache_dir() / "invalid-charts.json"
        try:
            data = json.loads(read_regular_file(path, 4 << 20).decode("utf-8"))
        except (OSError, ValueError):
            data = {}
        known = {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 3} \
            if isinstance(data, dict) else {}
        return cls(path, known)

    def problem(self, path: Path, size: int, mtime_ns: int) -> str | None:
        key = stored_path(path)
        self.seen.add(key)
        entry = self.known.get(key)
        return str(entry[2]) if entry and entry[0] == size and entry[1] == mtime_ns else None

    def remember(self, path: Path, size: int, mtime_ns: int, problem: str) -> None:
        self.known[stored_path(path)] = [size, mtime_ns, problem]
        self.changed = True

    def save(self) -> None:
        # Files no longer there are forgotten (this scan saw every file that is).
        gone = [key for key in self.known if key not in self.seen]
        for key in gone:
            del self.known[key]
        if self.changed or gone:
            with contextlib.suppress(OSError):  # a cache: if it can't be written, the next start reads again
                atomic_write_text(self.path, json.dumps(self.known, ensure_ascii=False) + "\n")


def _inside_lexically(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _scan_one(conn: sqlite3.Connection, path: Path, folder: Path, origin: str, search_dirs: list[Path],
              report: ScanReport, invalid: _InvalidCharts) -> None:
    stat = path.stat()
    known_problem = invalid.problem(path, stat.st_size, stat.st_mtime_ns)
    if known_problem is not None:
        report.problems.append(f"{path}: {known_problem}")
        return
    row = conn.execute("SELECT * FROM charts WHERE path = ?", (stored_path(path),)).fetchone()
    if row is not None and row["file_size"] == stat.st_size and row["file_mtime_ns"] == stat.st_mtime_ns:
        track = get_track(conn, row["track_id"]) if row["track_id"] is not None else None
        if track is None or (track.audio_path is not None and track.audio_path.is_file()) \
                or track.kind not in ("builtin", "chart"):
            return
        # Unchanged chart, but its audio was missing: it may have arrived since (demo songs rendered later).
    result = read_chart(path)
    if result.chart is None:
        report.problems.append(f"{path}: {result.errors[0]}")
        invalid.remember(path, stat.st_size, stat.st_mtime_ns, str(result.errors[0]))
        if row is not None:
            with transaction(conn):
                conn.execute("DELETE FROM charts WHERE id = ?", (row["id"],))
        return
    chart = result.chart
    facts = chart_facts(path, chart)
    song = chart.song
    owner: TrackRow | None = None
    if origin == "authored" and song.audio_sha256:
        owner = next((t for t in tracks_with_audio(conn, song.audio_sha256) if t.kind != "chart"), None)
    audio = None
    if owner is None:
        audio = resolve_audio(chart, path, search_dirs)
    with transaction(conn):
        if owner is not None:
            track_id = owner.id
        else:
            source = f"builtin:{_slug(path, folder)}" if origin == "builtin" else f"chart:{path}"
            audio_sha = song.audio_sha256 or (file_sha256(audio) if audio is not None else None)
            track_id = _upsert_track(conn, {
                "source": source, "kind": "builtin" if origin == "builtin" else "chart",
                "title": song.title, "artist": song.artist, "duration": song.duration,
                "audio_path": stored_path(audio) if audio is not None else None, "audio_sha256": audio_sha,
                "webpage_url": song.source if song.source and song.source.startswith("http") else None,
                "thumbnail_url": None,
            })
        _upsert_chart(conn, track_id, path, origin, facts)
    (report.updated if row is not None else report.added).append(path)


# --------------------------------------------------------------------------- an editable copy


def _file_slug(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.casefold(), flags=re.UNICODE).strip("-")
    return slug[:60] or "chart"


def editable_copy(conn: sqlite3.Connection, track_id: int) -> tuple[Path, bool]:
    """A copy of a track's chart in the player's charts folder, to edit; ``(path, created)``.

    The copy names the track's audio by file name and hash, so it finds the audio
    wherever the library keeps it, and it wins over the generated chart from now on:
    regenerating the track never touches it. An existing copy is returned as it is.
    """
    from dataclasses import replace

    from rokgame.core.chart_io import load_chart, save_chart

    track = get_track(conn, track_id)
    if track is None:
        raise StorageError(f"there is no track {track_id} in the library (see: rokgame library)")
    charts = charts_of(conn, track_id)
    authored = [c for c in charts if c.origin == "authored" and c.path.is_file()]
    if authored:
        return authored[-1].path, False
    original = active_chart(charts)
    if original is None:
        raise StorageError(f"“{track.title}” has no chart to copy; add the track again to make one")
    chart = load_chart(original.path)
    audio_name = track.audio_path.name if track.audio_path is not None else Path(chart.song.audio).name
    sha = chart.song.audio_sha256 or track.audio_sha256
    if sha is None and track.audio_path is not None and track.audio_path.is_file():
        sha = file_sha256(track.audio_path)
    copy = replace(chart, song=replace(chart.song, audio=audio_name, audio_sha256=sha))
    folder = paths.user_charts_dir()
    stem = _file_slug(f"{track.artist} {track.title}" if track.artist else track.title)
    destination = folder / f"{stem}.json"
    number = 2
    while destination.exists():
        destination = folder / f"{stem}-{number}.json"
        number += 1
    save_chart(copy, destination)
    facts = chart_facts(destination, copy)
    with transaction(conn):
        _upsert_chart(conn, track_id, destination, "authored", facts)
    return destination, True
