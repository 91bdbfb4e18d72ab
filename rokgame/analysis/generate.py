"""Audio file in, chart out: :func:`generate_chart` and the cached :func:`generate_chart_file`.

Where charts go, and how they find their audio
----------------------------------------------
Without ``out``, a chart is written to the generated-charts cache
(:func:`rokgame.paths.generated_charts_dir`) as ``<audio stem>.<key>.json``, where the
key is made of the audio's SHA-256, :data:`GENERATOR_VERSION` and the options. Nothing
is copied: ``song.audio`` is the audio's *file name* and ``song.audio_sha256`` its hash,
so :func:`rokgame.core.chart_io.resolve_audio` finds it in the search folders the game
passes (the downloaded-audio cache, the built-in songs) and never plays a different file
that happens to have that name. For a player's own file elsewhere on disk, the library
keeps the path (``tracks.audio_path``); ``rokgame chart generate song.mp3 -o song.json``
in the audio's own folder gives a self-contained pair.

With ``out``, ``song.audio`` is the audio's path relative to the chart's folder when the
audio is inside that folder, and its file name otherwise (chart files may not point
outside their folder).

The cache
---------
The same audio and options always give the same bytes (no clocks, no randomness,
threads only split work whose result does not depend on them), so a chart made once
is kept and handed back at once the next time; title, artist and source are not
part of the key and are updated on the cached chart when they differ.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from rokgame.analysis.charting import STYLES, chart_notes
from rokgame.analysis.decode import SR, load_audio
from rokgame.analysis.features import Cancel, Progress, TrackFeatures, analyze, check_cancel, decode_with_spectrum
from rokgame.analysis.spectral import HOP
from rokgame.core.chart import DIFFICULTY_NAMES, MAX_LANES, MIN_LANES, Chart, Difficulty, Song, Tempo
from rokgame.core.chart_io import file_sha256, loads_chart, save_chart
from rokgame.errors import ChartError, RokError

GENERATOR_NAME = "rokgame"
#: Bump whenever the generated notes can change: it is part of every cache key.
GENERATOR_VERSION = "2.0"
#: Fewer expert notes than this per minute of music and the chart gets a warning.
SPARSE_NOTES_PER_MINUTE = 20


def generate_chart(audio_path: str | os.PathLike[str], *, lanes: int = 5, progress: Progress | None = None,
                   cancel: Cancel = None, title: str | None = None, artist: str | None = None,
                   source: str | None = None, _sha256: str | None = None) -> Chart:
    """Chart an audio file in all four difficulties.

    Parameters
    ----------
    audio_path : path-like
        Any audio file (:func:`~rokgame.analysis.decode.load_audio`).
    lanes : int
        Lanes of hard and expert (easy uses at most 3, medium at most 4).
    progress : callable, optional
        ``progress(fraction, stage)`` with ``fraction`` from 0 to 1.
    cancel : threading.Event or callable, optional
        Checked between stages; raises :class:`~rokgame.errors.Cancelled` when set.
    title, artist, source : str, optional
        Song metadata; the title defaults to the file name.

    Returns
    -------
    chart : Chart
        ``song.audio`` is the file's name. ``chart.generator["warnings"]`` lists what a
        player should know (a silent track gives a chart without notes and a warning).

    Raises
    ------
    AudioError
        The file cannot be read as audio, or is too short.
    """
    _check_lanes(lanes)
    path = Path(audio_path)
    report = progress or (lambda fraction, stage: None)
    check_cancel(cancel)
    report(0.0, "decoding")
    y, S = decode_with_spectrum(path, sr=SR)
    check_cancel(cancel)
    sha = _sha256 or file_sha256(path)
    features = analyze(y, sr=SR, progress=report, cancel=cancel, progress_span=(0.3, 0.9), S=S)
    del y, S
    check_cancel(cancel)
    report(0.9, "charting")
    notes = chart_notes(features, lanes=lanes)
    chart = _build_chart(features, notes, lanes=lanes, audio=path.name, sha=sha,
                         title=title if title and title.strip() else _title_from(path), artist=artist or "",
                         source=source)
    report(1.0, "done")
    return chart


def generate_chart_file(audio_path: str | os.PathLike[str], *, out: str | os.PathLike[str] | None = None,
                        lanes: int = 5, progress: Progress | None = None, cancel: Cancel = None,
                        use_cache: bool = True, title: str | None = None, artist: str | None = None,
                        source: str | None = None) -> Path:
    """Chart an audio file and save the chart; a chart made before comes from the cache at once.

    Parameters
    ----------
    audio_path : path-like
        The audio.
    out : path-like, optional
        Where to write the chart; by default the generated-charts cache (see the module notes).
    use_cache : bool
        Reuse (and refresh) the cached chart for this audio and these options.
    lanes, progress, cancel, title, artist, source
        As :func:`generate_chart`.

    Returns
    -------
    path : Path
        The chart file.
    """
    _check_lanes(lanes)
    path = Path(audio_path)
    if not path.is_file():
        load_audio(path)  # raises the right one-sentence AudioError (missing, a folder, ...)
    report = progress or (lambda fraction, stage: None)
    sha = file_sha256(path)
    cached = cache_path(path, sha=sha, lanes=lanes)
    chart: Chart | None = None
    if use_cache and cached.is_file():
        try:
            chart = loads_chart(cached.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ChartError):
            chart = None  # a damaged cache entry is made again
        if chart is not None and (chart.generator or {}).get("version") != GENERATOR_VERSION:
            chart = None
        if chart is not None:
            report(1.0, "cached")
    if chart is None:
        chart = generate_chart(path, lanes=lanes, progress=report, cancel=cancel, title=title, artist=artist,
                               source=source, _sha256=sha)
        report(1.0, "saving")
        _save(chart, cached)
    target = Path(out) if out is not None else cached
    song = chart.song
    wanted = Song(
        title=title if title and title.strip() else song.title,
        artist=artist if artist is not None else song.artist,
        audio=_relative_audio(path, target),
        duration=song.duration,
        source=source if source is not None else song.source,
        audio_sha256=sha,
        extra=song.extra,
    )
    if wanted != song or target != cached:
        chart = Chart(song=wanted, difficulties=chart.difficulties, lanes=chart.lanes, offset=chart.offset,
                      tempo=chart.tempo, generator=chart.generator, extra=chart.extra)
        _save(chart, target)
    report(1.0, "done")
    return target


def cache_path(audio_path: str | os.PathLike[str], *, sha: str | None = None, lanes: int = 5) -> Path:
    """Where the generated chart of this audio (and these options) is cached."""
    from rokgame import paths

    path = Path(audio_path)
    sha = sha or file_sha256(path)
    key = hashlib.sha256(f"{sha}|{GENERATOR_NAME} {GENERATOR_VERSION}|lanes={lanes}".encode()).hexdigest()[:16]
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in path.stem)[:60] or "track"
    return paths.generated_charts_dir() / f"{stem}.{key}.json"


def _save(chart: Chart, target: Path) -> None:
    try:
        save_chart(chart, target)
    except OSError as exc:
        raise RokError(f"can't write the chart to {target}: {exc.strerror or exc}") from None


def _relative_audio(audio: Path, chart_path: Path) -> str:
    """``song.audio`` for a chart at ``chart_path``: relative when the audio is in its folder."""
    folder = chart_path.resolve().parent
    try:
        return audio.resolve().relative_to(folder).as_posix()
    except ValueError:
        return audio.name


def _title_from(path: Path) -> str:
    stem = path.stem.replace("_", " ").strip()
    return stem or path.name


def _check_lanes(lanes: int) -> None:
    if not isinstance(lanes, int) or isinstance(lanes, bool) or not MIN_LANES <= lanes <= MAX_LANES:
        raise RokError(f"a chart has {MIN_LANES} to {MAX_LANES} lanes, not {lanes}")


def _build_chart(features: TrackFeatures, notes: dict, *, lanes: int, audio: str, sha: str, title: str,
                 artist: str, source: str | None) -> Chart:
    duration = round(features.duration, 3)
    difficulties = {name: Difficulty(name=name, notes=tuple(notes.get(name, ()))) for name in DIFFICULTY_NAMES}
    beats = tuple(round(float(b), 3) for b in features.grid.beats)
    tempo = Tempo(bpm=round(features.bpm, 3), beats=beats) if features.bpm > 0 and len(beats) >= 2 else None
    warnings = _warnings(features, difficulties)
    density = {name: round(_density(d, features.duration), 3) for name, d in difficulties.items()}
    generator = {
        "name": GENERATOR_NAME,
        "version": GENERATOR_VERSION,
        "params": {"lanes": lanes, "sr": SR, "hop": HOP,
                   "min_gap": {name: STYLES[name].gap_loud for name in DIFFICULTY_NAMES}},
        "features": {
            "bpm": round(features.bpm, 2),
            "onset_rate": round(len(features.onsets) / max(features.duration, 1e-9), 3),
            "energy": round(features.energy, 3),
            "pitched_share": round(float(features.onsets.pitched.mean()) if len(features.onsets) else 0.0, 3),
            "density": density,
        },
    }
    if warnings:
        generator["warnings"] = warnings
    return Chart(
        song=Song(title=title, artist=artist, audio=audio, duration=duration, source=source, audio_sha256=sha),
        difficulties=difficulties,
        lanes=lanes,
        offset=0.0,
        tempo=tempo,
        generator=generator,
    )


def _density(difficulty: Difficulty, duration: float) -> float:
    """Notes per second of music (chords count once: they are one moment to hit)."""
    moments = len({note.t for note in difficulty.notes})
    return moments / duration if duration > 0 else 0.0


def _warnings(features: TrackFeatures, difficulties: dict[str, Difficulty]) -> list[str]:
    expert = difficulties["expert"].notes
    if not expert:
        if features.silent_fraction > 0.95:
            return ["the track is silent: the chart has no notes"]
        return ["no beats or notes could be found in this track: the chart has no notes"]
    warnings = []
    per_minute = 60.0 * len(expert) / max(features.duration, 1e-9)
    if per_minute < SPARSE_NOTES_PER_MINUTE:
        warnings.append(f"the track has few clear onsets ({per_minute:.0f} notes a minute on expert)")
    if features.silent_fraction > 0.5:
        warnings.append(f"{features.silent_fraction:.0%} of the track is (nearly) silent")
    return warnings
