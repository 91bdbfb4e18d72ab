"""What is already on this machine: library tracks with a chart, the demo songs, and Daily Tracks fetched before.

Catalogue sources are a YouTube search (``ytsearch1:artist - title``), a link, a demo
song (``builtin:slug``) or a file (``file:/path``). The library stores the link a search
resolved to, not the search, so every Daily Track that was prepared is remembered in a
small JSON file in the cache (``<cache>/daily/prepared.json``: source → chart path): the
menu then finds today's track on disk without asking the network.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rokgame import paths
from rokgame.core.chart_io import atomic_write_text
from rokgame.core.daily import CatalogueEntry, DailyPick, offline_pick
from rokgame.storage.library import loaded_path

#: Which chart of a track to use when it has several: the player's own edits win.
_ORIGIN_RANK = "CASE origin WHEN 'authored' THEN 0 WHEN 'generated' THEN 1 ELSE 2 END"


@dataclass(frozen=True, slots=True)
class LocalTrack:
    """A library track that can be played without the network."""

    track_id: int
    source: str
    title: str
    artist: str
    chart_path: Path

    def entry(self) -> CatalogueEntry:
        return CatalogueEntry(title=self.title, source=self.source, artist=self.artist)


def local_tracks(connection: sqlite3.Connection) -> list[LocalTrack]:
    """Library tracks whose chart file is on disk, sorted by source (the stable key)."""
    rows = connection.execute(
        f"""
        SELECT tracks.id, tracks.source, tracks.title, tracks.artist, charts.path
        FROM tracks JOIN charts ON charts.track_id = tracks.id
        ORDER BY tracks.source, {_ORIGIN_RANK}, charts.added_at DESC, charts.id DESC
        """
    )
    found: dict[str, LocalTrack] = {}
    for track_id, source, title, artist, chart in rows:
        if source in found:
            continue
        path = loaded_path(chart)
        if path.is_file():
            found[source] = LocalTrack(int(track_id), source, title, artist or "", path)
    return list(found.values())


def builtin_slug(source: str) -> str | None:
    return source.removeprefix("builtin:") if source.startswith("builtin:") else None


def builtin_chart(source: str) -> Path | None:
    """The shipped chart of a demo song, when it is there."""
    slug = builtin_slug(source)
    if slug is None:
        return None
    path = paths.builtin_charts_dir() / f"{slug}.json"
    return path if path.is_file() else None


def fetch_argument(source: str) -> str:
    """What to hand :func:`rokgame.tracks.prepare_track` for a catalogue source.

    ``prepare_track`` takes what a player would type: a link, a path, or words to search
    for (never a chart: the game opens charts itself, see :func:`local_chart_for`). A
    ``ytsearch1:`` prefix becomes the search words (``prepare_track`` takes the first
    result, as ``ytsearch1`` would); a demo song becomes its audio file; ``file:`` the path.
    """
    if source.startswith("ytsearch"):
        return source.partition(":")[2].strip()
    slug = builtin_slug(source)
    if slug is not None:
        return str(paths.builtin_songs_dir() / f"{slug}.ogg")
    if source.startswith("file:"):
        rest = source.removeprefix("file:")
        return rest.removeprefix("//") if rest.startswith("///") else rest
    return source


# --------------------------------------------------------------------------- prepared Daily Tracks


def prepared_path() -> Path:
    return paths.cache_dir() / "daily" / "prepared.json"


def _read_prepared() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(prepared_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a cache: missing or broken means "nothing prepared yet"
    return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def remember_prepared(source: str, prepared: Any) -> None:
    """Note that catalogue ``source`` is ready: ``prepared`` is a ``rokgame.tracks.PreparedTrack``."""
    data = _read_prepared()
    data[source] = {
        "chart_path": str(prepared.chart_path),
        "track_id": getattr(prepared, "track_id", None),
        "title": getattr(prepared, "title", ""),
        "artist": getattr(prepared, "artist", ""),
        "prepared_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write_text(prepared_path(), json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def forget_prepared(chart_paths: Iterable[Path]) -> None:
    """Drop the Daily Tracks that were prepared into these charts (their track was removed)."""
    gone = {str(path) for path in chart_paths}
    data = _read_prepared()
    kept = {source: entry for source, entry in data.items() if entry.get("chart_path") not in gone}
    if kept != data:
        atomic_write_text(prepared_path(), json.dumps(kept, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def prepared_chart(source: str) -> Path | None:
    """The chart a Daily Track was prepared into, if it is still on disk."""
    entry = _read_prepared().get(source)
    if not entry or not isinstance(entry.get("chart_path"), str):
        return None
    path = Path(entry["chart_path"])
    return path if path.is_file() else None


def local_chart_for(source: str, connection: sqlite3.Connection | None = None) -> Path | None:
    """A chart for ``source`` on this machine: a demo song's, a prepared one, or the library's."""
    chart = builtin_chart(source) or prepared_chart(source)
    if chart is not None or connection is None:
        return chart
    row = connection.execute(
        f"""
        SELECT charts.path FROM tracks JOIN charts ON charts.track_id = tracks.id
        WHERE tracks.source = ? OR tracks.webpage_url = ?
        ORDER BY {_ORIGIN_RANK}, charts.added_at DESC, charts.id DESC LIMIT 1
        """,
        (source, source),
    ).fetchone()
    if row is None:
        return None
    path = loaded_path(row[0])
    return path if path.is_file() else None


# --------------------------------------------------------------------------- the offline pick, kept for the day


def offline_pick_path() -> Path:
    return paths.cache_dir() / "daily" / "offline-pick.json"


def todays_offline_pick(day: date, library: list[CatalogueEntry]) -> DailyPick:
    """The offline pick of ``day``, the same all day long.

    The pick is a function of the library, which changes as the player adds tracks (eight
    different "today" picks were seen in one day). The first pick of a local date is written
    down and kept while its track is still there.
    """
    try:
        kept = json.loads(offline_pick_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}  # a cache: missing or broken means "not picked yet today"
    source = kept.get("source") if isinstance(kept, dict) and kept.get("date") == day.isoformat() else None
    pick = offline_pick(day, library, keep=source if isinstance(source, str) else None)
    if pick.source != source:
        # An unwritable cache: the pick is still today's, it just may not survive a library change.
        with contextlib.suppress(OSError):
            atomic_write_text(offline_pick_path(), json.dumps({"date": day.isoformat(), "source": pick.source}) + "\n")
    return pick
