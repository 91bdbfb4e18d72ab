"""Source → audio → chart → library: one pipeline for the CLI and the game.

:func:`prepare_track` takes what the player typed (a link, a search, an audio file),
and returns a :class:`PreparedTrack` whose chart and audio are on disk and in the
library. The game runs it in a worker thread behind its loading screen; the CLI
runs it in the foreground. Both pass:

* ``progress(fraction, stage)`` — 0..1 over the whole job, and what is happening;
* ``cancel`` — a ``threading.Event`` or a function returning ``True`` to stop;
  then :class:`~rokgame.fetch.errors.Cancelled` is raised;
* ``choose(results) -> int | None`` — picks a search result (``None`` cancels).

Nothing half-done survives. Each attempt works in its own temp dir inside the
cache (``.attempt-<pid>-<random>``), removed when it ends however it ends; the
finished audio and chart are moved into place, and only then is the library row
written, in one transaction. A process killed outright leaves a temp dir (or,
in a window of milliseconds, files with no row): :func:`sweep` removes both at the
next start, leaving other running attempts alone.

Tracks already in the library are reused without touching the network.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rokgame import paths
from rokgame.core.chart_io import atomic_write_text, file_sha256, parse_chart, read_chart
from rokgame.core.text import clean_text, needs_cleaning, terminal_text
from rokgame.errors import AudioError, FetchError
from rokgame.fetch.errors import Cancelled, NoNetwork, TooLong
from rokgame.fetch.sources import (
    PLAYABLE_EXTENSIONS,
    NoSuchFile,
    SourceKind,
    canonical_url,
    classify_source,
    youtube_id,
)
from rokgame.native import quiet_native_stderr
from rokgame.storage import library
from rokgame.storage.db import connect

log = logging.getLogger("rokgame.tracks")

Progress = Callable[[float, str], None]
Cancel = threading.Event | Callable[[], bool] | None
ATTEMPT_PREFIX = ".attempt-"
#: A temp dir older than this is stale whatever its pid says (pids get reused).
STALE_ATTEMPT_SECONDS = 24 * 3600
#: Names of the files this module puts in the cache; the sweep never touches anything else there
#: (the analysis cache beside them is called "<stem>.<key>.json": two dots, never matched).
CACHE_NAME = re.compile(r"^(?:yt-[A-Za-z0-9_-]{6,20}|url-[0-9a-f]{16}|file-[0-9a-f]{16})"
                        r"\.(?:ogg|oga|opus|mp3|wav|flac|json)$")

# Shares of the progress bar, by step.
_LOOKUP = (0.0, 0.05)
_DOWNLOAD = (0.05, 0.45)
_CONVERT_AFTER_DOWNLOAD = (0.45, 0.5)
_CONVERT = (0.05, 0.25)
_CHART_AFTER_DOWNLOAD = (0.5, 1.0)
_CHART_AFTER_FILE = (0.25, 1.0)


@dataclass(frozen=True, slots=True)
class PreparedTrack:
    """A track ready to play: its library id, chart and audio files, and what to show."""

    track_id: int
    chart_path: Path
    audio_path: Path
    title: str
    artist: str
    source: str
    #: True when the library already had it (nothing was downloaded or charted).
    reused: bool = False
    #: Something the player should read, e.g. that a playlist link gave its first track.
    note: str | None = None


SearchChoice = Callable[[Sequence[Any]], "int | None"]


def _is_cancelled(cancel: Cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def _check(cancel: Cancel) -> None:
    if _is_cancelled(cancel):
        raise Cancelled("cancelled")


def _span(progress: Progress | None, part: tuple[float, float]) -> Progress | None:
    if progress is None:
        return None
    start, end = part

    def report(fraction: float, stage: str) -> None:
        progress(start + (end - start) * max(0.0, min(1.0, fraction)), stage)

    return report


def _say(progress: Progress | None, fraction: float, stage: str) -> None:
    if progress is not None:
        progress(fraction, stage)


# --------------------------------------------------------------------------- the library at start-up


def open_library(*, scan: bool = True) -> sqlite3.Connection:
    """Open the library for the game or the CLI: sweep what a killed attempt left, find chart files.

    Touches no network.
    """
    conn = connect()
    try:
        sweep(conn)
        if scan:
            report = library.scan_charts(conn)
            for problem in report.problems:
                log.info("chart skipped: %s", problem)
    except BaseException:
        conn.close()
        raise
    return conn


def remove_track(conn: sqlite3.Connection, track_id: int) -> library.RemovedTrack:
    """Remove a track and what rokgame stored for it; never the player's own files, never their plays.

    :func:`rokgame.storage.library.remove_track` deletes the row and the track's files in
    the cache; the Daily Track's note of a prepared chart and the "For you" figures of the
    track's charts are dropped here too.
    """
    charts = [c.path for c in library.charts_of(conn, track_id)]
    removed = library.remove_track(conn, track_id)
    from rokgame.daily.local import forget_prepared
    from rokgame.recommend import FeatureCache

    gone = [*removed.deleted, *(c for c in charts if c not in removed.kept)]
    with contextlib.suppress(OSError):  # caches: an entry left behind names a file that is gone
        forget_prepared(gone)
    figures = FeatureCache()
    figures.forget(gone)
    figures.save()
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows; trust the age check
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _attempt_is_live(folder: Path) -> bool:
    try:
        pid = int(folder.name[len(ATTEMPT_PREFIX):].split("-")[0])
        age = time.time() - folder.stat().st_mtime
    except (ValueError, OSError):
        return False
    return age < STALE_ATTEMPT_SECONDS and _pid_alive(pid)


def sweep(conn: sqlite3.Connection) -> list[Path]:
    """Remove what interrupted attempts left behind; return what was removed.

    Temp dirs of processes that are gone are deleted. Cache files named like ours
    (``yt-*``, ``url-*``, ``file-*``) that no library row names are deleted too, but
    only while no other attempt is running (one may be about to write its row).
    """
    removed: list[Path] = sweep_temp_files()
    from rokgame.storage.scores import remove_stray_replays

    remove_stray_replays(conn)
    folders = [paths.audio_cache_dir(), paths.generated_charts_dir()]
    live = False
    for folder in folders:
        for attempt in folder.glob(f"{ATTEMPT_PREFIX}*"):
            if _attempt_is_live(attempt):
                live = True
                continue
            shutil.rmtree(attempt, ignore_errors=True)
            removed.append(attempt)
    if live:
        return removed
    named = library.referenced_paths(conn)
    for folder in folders:
        for file in folder.iterdir():
            # Resolved on both sides: a home reached through a symlink names the same files.
            if CACHE_NAME.match(file.name) and file.is_file() and file.resolve() not in named:
                with contextlib.suppress(OSError):
                    file.unlink()
                    removed.append(file)
    return removed


#: An atomic write's temp file (``.<name>.<random>.tmp``) older than this was left by a killed process.
STALE_TEMP_SECONDS = 3600


def sweep_temp_files(*, min_age: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Remove the temp files of atomic writes that a killed rokgame left (settings, charts, caches)."""
    folders = [paths.config_dir(), paths.data_dir(), paths.user_charts_dir(), paths.cache_dir(),
               paths.audio_cache_dir(), paths.generated_charts_dir(), paths.cache_dir() / "daily"]
    cutoff = time.time() - min_age
    removed = []
    for folder in folders:
        for file in folder.glob(".*.tmp") if folder.is_dir() else ():
            with contextlib.suppress(OSError):  # best-effort tidying: gone already, or not ours
                if file.is_file() and not file.is_symlink() and file.stat().st_mtime <= cutoff:
                    file.unlink()
                    removed.append(file)
    return removed


class _Attempt:
    """A per-attempt temp dir inside the cache, removed on exit whatever happens."""

    def __init__(self) -> None:
        self.dir = paths.audio_cache_dir() / f"{ATTEMPT_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> Path:
        self.dir.mkdir(parents=True)
        return self.dir

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------- the pipeline


def prepare_track(
    source: str,
    *,
    progress: Progress | None = None,
    cancel: Cancel = None,
    choose: SearchChoice | None = None,
    conn: sqlite3.Connection | None = None,
    max_minutes: float | None = None,
) -> PreparedTrack:
    """Get ``source`` ready to play: find or download the audio, chart it, record it in the library.

    ``source`` is a link, a search, or an audio file's path (not a chart: the game
    plays those itself). ``conn`` defaults to a connection of its own, so this is
    safe to call from a worker thread. ``max_minutes`` defaults to the player's
    ``max_track_minutes`` setting. Raises a :class:`~rokgame.errors.RokError` with
    one sentence for anything that goes wrong, or :class:`Cancelled`.
    """
    try:
        what = classify_source(source)
    except NoSuchFile:
        _raise_if_moved(source, conn)
        raise
    if what.kind is SourceKind.CHART:
        raise FetchError(f"{what.value} is a chart; play it with: rokgame play {what.value}")
    if max_minutes is None:
        from rokgame.settings import load_settings

        max_minutes = load_settings().max_track_minutes
    max_seconds = max_minutes * 60.0
    own = conn is None
    conn = conn if conn is not None else connect()
    try:
        sweep(conn)
        if what.kind is SourceKind.FILE:
            return _prepare_file(conn, Path(what.value), progress=progress, cancel=cancel, max_seconds=max_seconds)
        if what.kind is SourceKind.SEARCH:
            url = _search_and_choose(conn, what.value, progress=progress, cancel=cancel, choose=choose)
        else:
            url = what.value
        return _prepare_link(conn, url, progress=progress, cancel=cancel, max_seconds=max_seconds)
    finally:
        if own:
            conn.close()


def _raise_if_moved(text: str, conn: sqlite3.Connection | None) -> None:
    """A missing file the library knows: say it moved, and what it was."""
    path = Path(text.strip()).expanduser().absolute()
    own = conn is None
    conn = conn if conn is not None else connect()
    try:
        track = library.find_track(conn, f"file:{path}")
    finally:
        if own:
            conn.close()
    if track is not None:
        raise NoSuchFile(f"file moved or deleted: {path} (“{track.title}” in your library); "
                         "give its new path to play it again")


def search(query: str, *, progress: Progress | None = None, cancel: Cancel = None) -> list[Any]:
    """The top five YouTube results for ``query`` (``SearchResult`` with title, channel, duration, url)."""
    from rokgame.fetch.network import check_reachable
    from rokgame.fetch.ytdlp import YtDlp

    check_reachable("https://www.youtube.com/")
    with YtDlp(None, progress=progress, cancelled=lambda: _is_cancelled(cancel),
               cache_dir=paths.cache_dir() / "yt-dlp") as ytdlp:
        return ytdlp.search(query)


def _library_matches(conn: sqlite3.Connection, query: str) -> list[Any]:
    """Library tracks whose title/artist hold every word of ``query``, as search results (offline search)."""
    from rokgame.fetch.ytdlp import SearchResult

    words = query.casefold().split()
    results = []
    for entry in library.list_entries(conn):
        text = f"{entry.artist} {entry.title}".casefold()
        if entry.playable and all(w in text for w in words):
            results.append(SearchResult(id=str(entry.track_id), title=entry.title, channel=entry.artist,
                                        duration=entry.duration, url=entry.source))
    return results[:5]


def _search_and_choose(conn: sqlite3.Connection, query: str, *, progress: Progress | None, cancel: Cancel,
                       choose: SearchChoice | None) -> str:
    try:
        results = search(query, progress=_span(progress, _LOOKUP), cancel=cancel)
    except NoNetwork:
        # Offline, a search can still find what the library already has.
        results = _library_matches(conn, query)
        if not results:
            raise
    _check(cancel)
    index = 0 if choose is None else choose(results)
    if index is None:
        raise Cancelled("no search result was picked")
    if not 0 <= index < len(results):
        raise FetchError(f"pick a number from 1 to {len(results)}")
    return str(results[index].url)


def _reusable(conn: sqlite3.Connection, source: str, *, progress: Progress | None = None,
              cancel: Cancel = None) -> PreparedTrack | None:
    """The library's track for ``source`` when its audio is there; a generated chart that no longer reads
    (damaged on disk) is made again from that audio first, without the network."""
    track = library.find_track(conn, source)
    if track is None or track.audio_path is None or not track.audio_path.is_file():
        return None
    chart = library.active_chart(library.charts_of(conn, track.id))
    if chart is None:
        return None
    if chart.origin == "generated" and read_chart(chart.path).chart is None:
        return rebuild_chart(conn, track.id, progress=progress, cancel=cancel)
    return PreparedTrack(track.id, chart.path, track.audio_path, track.title, track.artist, track.source,
                         reused=True)


def rebuild_chart(conn: sqlite3.Connection, track_id: int, *, progress: Progress | None = None,
                  cancel: Cancel = None) -> PreparedTrack:
    """Chart a library track's audio again into its generated chart (which was damaged or lost)."""
    track = library.get_track(conn, track_id)
    if track is None or track.audio_path is None or not track.audio_path.is_file():
        raise FetchError(library.missing_audio_reason(track) if track else f"there is no track {track_id}")
    generated = [c for c in library.charts_of(conn, track_id) if c.origin == "generated"]
    target = generated[-1].path if generated else paths.generated_charts_dir() / f"{_stem_of(track)}.json"
    sha = track.audio_sha256 or file_sha256(track.audio_path)
    with _Attempt() as work:
        chart = work / target.name
        _generate(track.audio_path, chart, title=track.title, artist=track.artist, source=track.source, sha=sha,
                  progress=progress, cancel=cancel, fresh=True)
        _check(cancel)
        prepared = _commit(conn, work_files=[(chart, target)], source=track.source, kind=track.kind,
                           title=track.title, artist=track.artist, duration=track.duration, audio_sha256=sha,
                           webpage_url=track.webpage_url, thumbnail_url=track.thumbnail_url,
                           audio_path=track.audio_path, source_sha256=track.source_sha256)
    return replace(prepared, note=f"the chart of “{track.title}” was damaged; it was made again")


def _stem_of(track: library.TrackRow) -> str:
    if track.audio_path is not None and CACHE_NAME.match(track.audio_path.name):
        return track.audio_path.stem
    return _file_stem(track.source_sha256 or track.audio_sha256 or "", track.source)


def _file_stem(sha: str, source: str) -> str:
    """A local file's cache name, by its bytes *and* its place: the same song in two folders is two tracks,
    and neither may overwrite (or, removed, delete) the other's chart."""
    return "file-" + hashlib.sha256(f"{sha}\n{source}".encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _stem_for(url: str, extractor_id: str | None, is_youtube: bool) -> str:
    video = youtube_id(url) or (extractor_id if is_youtube else None)
    if video and all(c.isalnum() or c in "-_" for c in video):
        return f"yt-{video}"
    return "url-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def _prepare_link(conn: sqlite3.Connection, url: str, *, progress: Progress | None, cancel: Cancel,
                  max_seconds: float) -> PreparedTrack:
    from rokgame.fetch.network import check_reachable, site_name
    from rokgame.fetch.ytdlp import YtDlp

    source = canonical_url(url)
    if (ready := _reusable(conn, source, progress=progress, cancel=cancel)) is not None:
        _say(progress, 1.0, "Ready")
        return ready
    if source.startswith("file:") or source.startswith("builtin:") or source.startswith("chart:"):
        # An offline search picked a library track whose files are gone.
        track = library.find_track(conn, source)
        raise FetchError(library.missing_audio_reason(track) if track else f"{source} is not in the library")
    _check(cancel)
    check_reachable(source)
    with _Attempt() as work, YtDlp(work, progress=_span(progress, _LOOKUP), cancelled=lambda: _is_cancelled(cancel),
                                    cache_dir=paths.cache_dir() / "yt-dlp") as ytdlp:
        info = ytdlp.lookup(source, max_seconds=max_seconds)
        source = info.webpage_url or source
        if (ready := _reusable(conn, source)) is not None:
            _say(progress, 1.0, "Ready")
            return replace(ready, note=info.note)
        ytdlp.progress = _span(progress, _DOWNLOAD)
        downloaded = ytdlp.download(info)
        stem = _stem_for(source, info.id, info.is_youtube)
        try:
            audio, duration = _playable(downloaded, work, stem, title=info.title, max_seconds=max_seconds,
                                        progress=_span(progress, _CONVERT_AFTER_DOWNLOAD), cancel=cancel)
        except AudioError as exc:
            # The message names our temp file ("audio.ogg"); the player knows the link.
            said = str(exc).partition(" ")[2]
            raise AudioError(f"what {site_name(source)} sent for “{info.title}” {said}") from exc
        if audio == downloaded:  # kept as it came (an mp3 link): only renamed to its cache name
            audio = work / f"{stem}{downloaded.suffix.lower()}"
            os.replace(downloaded, audio)
        duration = duration or info.duration
        sha = file_sha256(audio)
        chart = work / f"{stem}.json"
        duration = _generate(audio, chart, title=info.title, artist=info.artist, source=source, sha=sha,
                             progress=_span(progress, _CHART_AFTER_DOWNLOAD), cancel=cancel) or duration
        _check(cancel)
        folder = paths.audio_cache_dir()
        prepared = _commit(conn, work_files=[(audio, folder / audio.name), (chart, folder / chart.name)],
                           source=source, kind="youtube" if info.is_youtube else "url", title=info.title,
                           artist=info.artist, duration=duration, audio_sha256=sha, webpage_url=info.webpage_url,
                           thumbnail_url=info.thumbnail)
    _say(progress, 1.0, "Ready")
    return replace(prepared, note=info.note)


def _audio_duration(path: Path) -> float | None:
    try:
        import soundfile

        with quiet_native_stderr():
            info = soundfile.info(str(path))
        return float(info.frames) / float(info.samplerate) if info.samplerate else None
    except Exception:  # soundfile raises its own RuntimeError family for unreadable files
        from rokgame.fetch.ffmpeg import media_duration

        return media_duration(path)


def _prepare_file(conn: sqlite3.Connection, path: Path, *, progress: Progress | None, cancel: Cancel,
                  max_seconds: float) -> PreparedTrack:

    source = f"file:{path}"
    if needs_cleaning(str(path)):
        # The library keeps paths as text: a name that is not UTF-8 (or holds control characters) can't be kept.
        raise FetchError(f"the file name {terminal_text(str(path))} has bytes that are not text (not UTF-8); "
                         "rename the file, then add it again")
    _say(progress, 0.0, "Reading file")
    try:
        sha = file_sha256(path)
    except OSError as exc:
        raise FetchError(f"can't read {path}: {exc.strerror or exc}") from exc
    track = library.find_track(conn, source)
    unchanged = track is not None and sha in (track.audio_sha256, track.source_sha256)
    if unchanged and (ready := _reusable(conn, source, progress=progress, cancel=cancel)) is not None:
        _say(progress, 1.0, "Ready")
        return ready
    # The same audio already in the library under a path that is gone: the file was moved. Follow it.
    for other in library.tracks_with_audio(conn, sha):
        local = other.local_file
        if other.kind == "file" and local is not None and not local.exists() and track is None:
            in_place = other.audio_path == local
            library.move_track(conn, other.id, source=source, audio_path=path if in_place else other.audio_path)
            if (ready := _reusable(conn, source)) is not None:
                _say(progress, 1.0, "Ready")
                return replace(ready, note=f"found {path.name} again (it was at {local})")
    _check(cancel)
    title, artist = _title_from_file(path)
    stem = _file_stem(sha, source)
    with _Attempt() as work:
        audio, duration = _playable(path, work, stem, title=title, max_seconds=max_seconds,
                                    progress=_span(progress, _CONVERT), cancel=cancel)
        audio_sha = sha if audio == path else file_sha256(audio)
        chart = work / f"{stem}.json"
        duration = _generate(audio, chart, title=title, artist=artist, source=source, sha=audio_sha,
                             progress=_span(progress, _CHART_AFTER_FILE), cancel=cancel) or duration
        _check(cancel)
        moves = [(chart, paths.generated_charts_dir() / chart.name)]
        if audio != path:
            moves.append((audio, paths.audio_cache_dir() / audio.name))
        prepared = _commit(conn, work_files=moves, source=source, kind="file", title=title, artist=artist,
                           duration=duration, audio_sha256=audio_sha, audio_path=path if audio == path else None,
                           source_sha256=sha)
    _say(progress, 1.0, "Ready")
    return prepared


def _playable(source: Path, work: Path, stem: str, *, title: str, max_seconds: float, progress: Progress | None,
              cancel: Cancel) -> tuple[Path, float | None]:
    """Audio the mixer plays and the charter decodes: ``source`` itself when it already is (ogg, mp3, flac,
    wav...), else a Vorbis copy in ``work``. Re-encoding an mp3 that plays as it is cost 5.7 s a track.

    Returns the file and its length; a track over ``max_seconds`` is refused before it is converted.
    """
    from rokgame.fetch.ffmpeg import convert_to_ogg, media_duration
    from rokgame.fetch.ytdlp import too_long_message

    duration = _audio_duration(source) if source.suffix.lower() in PLAYABLE_EXTENSIONS else None
    if duration is not None:
        audio = source
    else:
        duration = media_duration(source)
        if duration is not None and duration > max_seconds + 1:
            raise TooLong(too_long_message(title, duration, max_seconds))
        audio = work / f"{stem}.ogg"
        _say(progress, 0.0, "Converting")
        try:
            convert_to_ogg(source, audio, duration=duration,
                           progress=(lambda f: _say(progress, f, "Converting")),
                           cancelled=lambda: _is_cancelled(cancel))
        except InterruptedError as exc:
            raise Cancelled("cancelled") from exc
        duration = _audio_duration(audio) or duration
    if duration is not None and duration > max_seconds + 1:
        raise TooLong(too_long_message(title, duration, max_seconds))
    return audio, duration


def _title_from_file(path: Path) -> tuple[str, str]:
    """Title and artist from the file's tags, else from an "Artist - Title" file name."""
    try:
        import mutagen

        tags = mutagen.File(str(path), easy=True)
    except Exception:  # mutagen is optional and raises many kinds of errors on odd files
        tags = None
    if tags is not None and tags.tags is not None:
        title = clean_text(str(next(iter(tags.tags.get("title") or []), ""))).strip()
        artist = clean_text(str(next(iter(tags.tags.get("artist") or []), ""))).strip()
        if title:
            return title, artist
    # A file name that is not UTF-8 arrives with lone surrogates: shown as U+FFFD, never as a crash.
    stem = clean_text(path.stem.replace("_", " ")).strip()
    if " - " in stem:
        artist, title = stem.split(" - ", 1)
        return title.strip() or stem, artist.strip()
    return stem or clean_text(path.name), ""


def _generate(audio: Path, chart: Path, *, title: str, artist: str, source: str, sha: str,
              progress: Progress | None, cancel: Cancel, fresh: bool = False) -> float | None:
    """Chart ``audio`` into ``chart`` and make the chart name its audio by file name and hash.

    ``fresh`` skips the charter's own cache (the chart is being made again because one was damaged).
    Returns the length the charter heard: the decoded audio's, which a truncated file's header overstates.
    """
    from rokgame.analysis import generate_chart_file

    _say(progress, 0.0, "Charting")
    options = {"use_cache": False} if fresh else {}
    written = Path(generate_chart_file(audio, out=chart, progress=progress, cancel=cancel, title=title,
                                       artist=artist, source=source, **options))
    if written != chart:
        os.replace(written, chart)
    # The chart lives in the cache while a local file stays where the player keeps it: the chart names its
    # audio by file name and hash, and the library row gives the path.
    data = json.loads(chart.read_text(encoding="utf-8"))
    song = data.setdefault("song", {})
    song["audio"] = audio.name
    song["audio_sha256"] = sha
    song.setdefault("source", source)
    text = json.dumps(data, ensure_ascii=False)
    result = parse_chart(text)
    if result.chart is None:
        raise FetchError(f"the chart made for “{title}” is not playable: {result.errors[0]}")
    if not any(d.notes for d in result.chart.difficulties.values()):
        # Silence (or nothing but a hum) charts to an empty highway: say so instead of offering a song to play.
        raise FetchError(f"“{title}” sounds silent to rokgame: there is nothing to chart, so it was not added")
    from rokgame.core.chart_io import dumps_chart

    atomic_write_text(chart, dumps_chart(result.chart))
    return result.chart.song.duration


def _commit(conn: sqlite3.Connection, *, work_files: list[tuple[Path, Path]], source: str, kind: str, title: str,
            artist: str, duration: float | None, audio_sha256: str, webpage_url: str | None = None,
            thumbnail_url: str | None = None, audio_path: Path | None = None,
            source_sha256: str | None = None) -> PreparedTrack:
    """Move the finished files into place, then write the library row (one transaction)."""
    placed: list[Path] = []
    try:
        for temp, final in work_files:
            os.replace(temp, final)
            placed.append(final)
        chart_final = next(final for _, final in work_files if final.suffix == ".json")
        audio_final = audio_path or next(final for _, final in work_files if final.suffix != ".json")
        track_id, stale = library.add_track(
            conn, source=source, kind=kind, title=title, artist=artist, duration=duration,
            audio_path=audio_final, audio_sha256=audio_sha256, chart_path=chart_final,
            webpage_url=webpage_url, thumbnail_url=thumbnail_url, source_sha256=source_sha256)
    except BaseException:
        # No row: take the files back out, so nothing is left that the library does not name.
        for final in placed:
            with contextlib.suppress(OSError):
                final.unlink()
        raise
    named = library.referenced_paths(conn) if stale else set()
    for old in stale:
        if old not in placed and CACHE_NAME.match(old.name) and old.resolve() not in named:
            with contextlib.suppress(OSError):
                old.unlink()
    # The player's edited chart, if there is one, is what gets played; the new generated one waits behind it.
    active = library.active_chart(library.charts_of(conn, track_id))
    return PreparedTrack(track_id, active.path if active else chart_final, Path(audio_final), title, artist, source)
