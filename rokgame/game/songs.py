"""What song select lists: the library's entries, or a plain folder scan when there is no library.

:func:`list_songs` opens the library with :func:`rokgame.tracks.open_library` (the
start-up sweep of what a killed download left, then the scan of ``charts/`` and the
player's charts folder; no network) and lists :func:`rokgame.storage.library.list_entries`.
Without a library it reads the charts shipped with the game and the player's own
charts folder directly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rokgame import paths
from rokgame.core.chart import Chart
from rokgame.core.chart_io import file_sha256, read_chart, resolve_audio


@dataclass
class SongEntry:
    title: str
    artist: str
    duration: float | None
    chart_path: Path
    audio_path: Path | None
    difficulties: tuple[str, ...]
    lanes: int = 5
    chart_sha256: str = ""
    bpm: float | None = None
    #: Best score per difficulty: {"expert": {"score": 123, "accuracy": 0.97, "stars": 4}, ...}
    bests: dict[str, dict[str, Any]] = field(default_factory=dict)
    track_id: int | None = None
    source: str | None = None
    #: Set when another row has the same title and artist: what tells them apart (file name, site...).
    origin: str | None = None


def audio_search_dirs() -> list[Path]:
    return [paths.builtin_songs_dir(), paths.audio_cache_dir()]


def chart_audio(chart: Chart, chart_path: Path) -> Path | None:
    """The chart's audio found from the chart alone (beside it, or by name and hash among our songs)."""
    return resolve_audio(chart, chart_path, audio_search_dirs())


@dataclass(frozen=True, slots=True)
class SongAudio:
    """Which file a play's music comes from, or why there is none (one sentence for the player)."""

    path: Path | None
    problem: str | None = None


def song_audio(chart: Chart, chart_path: Path | None, *, track_id: int | None = None) -> SongAudio:
    """The one answer to "which file plays with this chart", for every way a song is started.

    The library knows where a track's audio really is (a local file stays where the player
    keeps it; the chart in the cache only names it), so it is asked first: the track the
    play belongs to, else the track that owns this chart file, else any track with the
    chart's audio hash. Without a library answer the chart itself is asked (beside it, or by
    name and hash among the demo songs and downloads). A track whose file is gone says so.
    """
    if chart_path is None:
        return SongAudio(None)
    try:
        from rokgame.storage import library
        from rokgame.storage.db import connect

        conn = connect()
    except Exception:  # no library (read-only home, newer schema): the chart alone still finds its audio
        return SongAudio(chart_audio(chart, chart_path))
    try:
        track = library.get_track(conn, track_id) if track_id is not None else None
        if track is None:
            track = library.track_of_chart(conn, chart_path)
        if track is not None and track.audio_path is not None and track.audio_path.is_file():
            return SongAudio(track.audio_path)
        found = library.audio_for_chart(conn, chart, chart_path)
        if found is not None:
            return SongAudio(found)
        return SongAudio(None, library.missing_audio_reason(track) if track is not None else None)
    finally:
        conn.close()


def entry_for_chart(path: Path, chart: Chart) -> SongEntry:
    duration = chart.song.duration
    if duration is None:
        ends = [n.end for d in chart.difficulties.values() for n in d.notes]
        duration = max(ends) if ends else None
    return SongEntry(
        title=chart.song.title or path.stem,
        artist=chart.song.artist,
        duration=duration,
        chart_path=path,
        audio_path=chart_audio(chart, path),
        difficulties=tuple(chart.difficulties),
        lanes=chart.lanes,
        chart_sha256=file_sha256(path),
        bpm=chart.tempo.bpm if chart.tempo else None,
        source=chart.song.source,
    )


def scan_chart_folders(folders: Iterable[Path]) -> list[SongEntry]:
    """Every playable chart in ``folders`` (broken ones are skipped: ``rokgame chart validate`` explains them)."""
    entries: list[SongEntry] = []
    seen: set[str] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            result = read_chart(path)
            if result.chart is None:
                continue
            entry = entry_for_chart(path, result.chart)
            if entry.chart_sha256 in seen:
                continue
            seen.add(entry.chart_sha256)
            entries.append(entry)
    return entries


def _from_library() -> list[SongEntry] | None:
    try:
        from rokgame.storage import library
        from rokgame.tracks import open_library  # no yt-dlp or librosa at import: only the sweep and the scan
    except ImportError:
        return None
    try:
        conn = open_library()
        try:
            rows = library.list_entries(conn)
        finally:
            conn.close()
    except Exception:  # the library is optional here: a broken one must not stop the menu
        return None
    out = []
    for row in rows:
        chart_path = Path(_attr(row, "chart_path", "") or "")
        if not chart_path.is_file():
            continue
        audio = _attr(row, "audio_path", None)
        out.append(SongEntry(
            title=_attr(row, "title", chart_path.stem), artist=_attr(row, "artist", "") or "",
            duration=_attr(row, "duration", None), chart_path=chart_path,
            audio_path=Path(audio) if audio else None,
            difficulties=tuple(_attr(row, "difficulties", ()) or ()),
            lanes=int(_attr(row, "lanes", 5) or 5),
            chart_sha256=_attr(row, "chart_sha256", "") or file_sha256(chart_path),
            track_id=_attr(row, "track_id", None), source=_attr(row, "source", None),
            bpm=_bpm(_attr(row, "bpm", None)),
            bests=_normal_bests(_attr(row, "bests", None) or _attr(row, "best_scores", None)),
        ))
    return out


def _bpm(value: Any) -> float | None:
    # Only what the library row already knows: reading every chart for its tempo would slow song select down.
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def _attr(row: Any, name: str, default: Any) -> Any:
    if isinstance(row, Mapping):
        return row.get(name, default)
    return getattr(row, name, default)


def _normal_bests(value: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if isinstance(value, Mapping):
        for name, best in value.items():
            if isinstance(best, Mapping) or hasattr(best, "keys"):
                out[str(name)] = {k: best[k] for k in best.keys()}  # noqa: SIM118 (sqlite3.Row)
            elif isinstance(best, (int, float)):
                out[str(name)] = {"score": int(best)}
    return out


def attach_bests(entries: list[SongEntry]) -> None:
    """Fill each entry's best score per difficulty from the plays table (when scores can be read)."""
    try:
        from rokgame.storage.db import connect
        from rokgame.storage.scores import bests
    except ImportError:
        return
    try:
        conn = connect()
    except Exception:
        return
    try:
        for entry in entries:
            # The library knows each best's score only: the list shows its accuracy and stars too.
            if not entry.chart_sha256 or (entry.bests and all("stars" in b for b in entry.bests.values())):
                continue
            try:
                entry.bests = _normal_bests(bests(conn, entry.chart_sha256))
            except Exception:
                continue
    finally:
        conn.close()


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that reads numbers as numbers: "Track 2" before "Track 17", as a person sorts."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in _NUMBERS.split(text.casefold()) if part)


_NUMBERS = re.compile(r"(\d+)")
_WORDS = re.compile(r"\w+", re.UNICODE)


def list_songs(*, use_library: bool = True) -> list[SongEntry]:
    """The songs to show in song select, sorted naturally by title; demo songs included."""
    entries = _from_library() if use_library and not os.environ.get("ROKGAME_NO_LIBRARY") else None
    if not entries:
        entries = scan_chart_folders([paths.builtin_charts_dir(), paths.user_charts_dir()])
    attach_bests(entries)
    entries.sort(key=lambda e: (natural_key(e.title), natural_key(e.artist), str(e.chart_path)))
    _tell_apart(entries)
    return entries


def _tell_apart(entries: list[SongEntry]) -> None:
    """Rows that would read the same (one song added as .ogg and as .flac) each say where they come from."""
    groups: dict[tuple[str, str], list[SongEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.title.casefold(), entry.artist.casefold()), []).append(entry)
    for same in groups.values():
        if len(same) > 1:
            for entry in same:
                entry.origin = origin_label(entry)


def origin_label(entry: SongEntry) -> str:
    """Where a song comes from, in a few words: its file name, its site, a demo song or a chart file."""
    source = entry.source or ""
    if source.startswith("file:"):
        return Path(source.removeprefix("file:")).name
    if source.startswith(("http://", "https://")):
        host = urlsplit(source).hostname or source
        return host.removeprefix("www.")
    if source.startswith("builtin:"):
        return "demo song"
    return entry.chart_path.name


def matches(entry: SongEntry, query: str) -> bool:
    """Type-to-search: every word of ``query`` starts a word of the title, artist or origin ("band 2" finds
    "Band 2" and "Band 21", not "Band 0 · Track 12")."""
    words = _WORDS.findall(f"{entry.title} {entry.artist} {entry.origin or ''}".casefold())
    return all(any(word.startswith(part) for word in words) for part in _WORDS.findall(query.casefold()))
