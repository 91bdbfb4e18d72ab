""""For you" on the player's machine: library + charts + play history → :func:`rokgame.core.recommend.for_you`.

What describes a track comes from its chart: ``tempo.bpm``, the note density of a
reference difficulty (medium if it has one) and, for generated charts,
``generator.features`` (``energy``, ``onset_rate``; ``bpm`` and ``density`` when the
chart itself lacks them). Reading every chart on each menu visit would be slow for a big
library, so the figures are cached in ``<cache>/daily/features.json``, keyed by chart
path and re-read only when the file's size or modification time changes; and a chart is
read for them with :func:`json.loads` alone, not the full chart check.

Nothing about the player leaves the machine: this module reads the local database and
local files, and writes one cache file.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from rokgame import paths
from rokgame.core.chart import Chart
from rokgame.core.chart_io import MAX_CHART_BYTES, atomic_write_text, read_regular_file
from rokgame.core.recommend import ForYouPick, TrackHistory, TrackProfile, for_you
from rokgame.core.stats import difficulty_stats
from rokgame.daily.local import LocalTrack, local_tracks
from rokgame.storage.history import track_plays

#: The difficulty whose density describes a track, first one the chart has.
REFERENCE_DIFFICULTIES = ("medium", "hard", "easy", "expert")
_FEATURES = ("bpm", "density", "energy", "onset_rate")


def features_cache_path() -> Path:
    return paths.cache_dir() / "daily" / "features.json"


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return float(value)
    return None


def _generated(features: Mapping[str, Any]) -> dict[str, float]:
    # The generator writes density per difficulty ({"medium": 3.2, ...}); the reference one describes the track.
    out: dict[str, float] = {}
    for name in _FEATURES:
        value = features.get(name)
        if isinstance(value, Mapping):
            value = next((value[d] for d in REFERENCE_DIFFICULTIES if _number(value.get(d)) is not None), None)
        if (number := _number(value)) is not None:
            out[name] = number
    return out


def chart_features(chart: Chart) -> dict[str, float]:
    """Tempo, density, energy and onset rate of a chart, as far as it tells them."""
    generated: Mapping[str, Any] = {}
    if chart.generator is not None and isinstance(chart.generator.get("features"), Mapping):
        generated = chart.generator["features"]
    out = _generated(generated)
    if chart.tempo is not None and (bpm := _number(chart.tempo.bpm)) is not None:
        out["bpm"] = bpm
    for name in REFERENCE_DIFFICULTIES:
        difficulty = chart.difficulties.get(name)
        if difficulty is not None and len(difficulty.notes) >= 2:
            density = _number(difficulty_stats(difficulty).mean_nps)
            if density is not None:
                out["density"] = density
            break
    return out


def chart_file_features(path: Path) -> dict[str, float]:
    """:func:`chart_features` of a chart file, read without the full check (many charts, on the menu's clock).

    A chart that is not valid JSON, or not an object, has no figures; the game reports
    broken charts where they are played, not here.
    """
    try:
        data = json.loads(read_regular_file(path, MAX_CHART_BYTES).decode("utf-8-sig"))
    except (OSError, ValueError):  # ValueError: not JSON, not UTF-8, a pipe, or too large
        return {}
    if not isinstance(data, dict):
        return {}
    generator = data.get("generator")
    generated = generator.get("features") if isinstance(generator, dict) else None
    out = _generated(generated) if isinstance(generated, dict) else {}
    tempo = data.get("tempo")
    if isinstance(tempo, dict) and (bpm := _number(tempo.get("bpm"))) is not None:
        out["bpm"] = bpm
    difficulties = data.get("difficulties")
    if isinstance(difficulties, dict):
        for name in REFERENCE_DIFFICULTIES:
            block = difficulties.get(name)
            notes = block.get("notes") if isinstance(block, dict) else None
            times = [n["t"] for n in notes if isinstance(n, dict) and _number(n.get("t")) is not None] \
                if isinstance(notes, list) else []
            if len(times) >= 2:
                span = max(times) - min(times)
                density = _number(len(times) / span) if span > 0 else None
                if density is not None:
                    out["density"] = density
                break
    return out


class FeatureCache:
    """Chart figures by path, remembered between runs; :meth:`save` writes only when something changed."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or features_cache_path()
        self.changed = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.entries: dict[str, dict[str, Any]] = data if isinstance(data, dict) else {}

    def features(self, chart_path: Path) -> dict[str, float]:
        key = str(chart_path)
        try:
            stat = chart_path.stat()
        except OSError:
            return {}
        stamp = [stat.st_size, stat.st_mtime_ns]
        cached = self.entries.get(key)
        if isinstance(cached, dict) and cached.get("stamp") == stamp and isinstance(cached.get("features"), dict):
            return {k: float(v) for k, v in cached["features"].items() if _number(v) is not None}
        found = chart_file_features(chart_path)
        self.entries[key] = {"stamp": stamp, "features": found}
        self.changed = True
        return found

    def forget(self, chart_paths: Iterable[Path]) -> None:
        """Drop the figures of these charts (their track was removed)."""
        for path in chart_paths:
            if self.entries.pop(str(path), None) is not None:
                self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        with contextlib.suppress(OSError):  # a cache that can't be written is only slower next time
            atomic_write_text(self.path, json.dumps(self.entries, sort_keys=True) + "\n")
        self.changed = False


def profile(track: LocalTrack, cache: FeatureCache) -> TrackProfile:
    figures = cache.features(track.chart_path)
    return TrackProfile(key=track.source, title=track.title, artist=track.artist, **{
        name: figures.get(name) for name in _FEATURES})


def library_profiles(connection: sqlite3.Connection, cache: FeatureCache | None = None) -> list[TrackProfile]:
    """Every playable library track, described for the recommender."""
    cache = cache or FeatureCache()
    profiles = [profile(track, cache) for track in local_tracks(connection)]
    cache.save()
    return profiles


def library_histories(connection: sqlite3.Connection, tracks: Iterable[LocalTrack]) -> list[TrackHistory]:
    by_id = {track.track_id: track.source for track in tracks}
    return [
        TrackHistory(by_id[p.track_id], p.plays, p.mean_accuracy, p.best_stars, p.last_played)
        for p in track_plays(connection)
        if p.track_id in by_id
    ]


def for_you_today(
    connection: sqlite3.Connection,
    day: date,
    *,
    exclude: Iterable[str] = (),
    cache_path: str | os.PathLike[str] | None = None,
) -> ForYouPick | None:
    """The day's "For you" pick from the player's library (None when the library is empty)."""
    tracks = local_tracks(connection)
    if not tracks:
        return None
    cache = FeatureCache(Path(cache_path) if cache_path is not None else None)
    profiles = [profile(track, cache) for track in tracks]
    cache.save()
    return for_you(day, profiles, library_histories(connection, tracks), exclude=exclude)


def warm_feature_cache() -> int:
    """Read every library chart's figures into the cache (the first run's slow part); return how many.

    Meant for a worker thread at start-up (``prefetch_daily`` calls it), so the menu's
    "For you" only ever reads the cache. Opens its own database connection: SQLite
    connections stay on the thread that made them.
    """
    from rokgame.storage.db import connect

    connection = connect()
    try:
        tracks = local_tracks(connection)
    finally:
        connection.close()
    cache = FeatureCache()
    for track in tracks:
        cache.features(track.chart_path)
    cache.save()
    return len(tracks)
