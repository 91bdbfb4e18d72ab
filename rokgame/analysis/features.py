"""From a signal to everything a chart is made of: onsets, their sound, the beat grid, intensity.

:func:`analyze` is the whole analysis, arrays in and a :class:`TrackFeatures` out. It
keeps one full-length array per quantity (the signal, the mel spectrogram, a few
envelopes) and never a full-length complex STFT, so memory grows with the
length of the track by about 1.3x the decoded signal.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from rokgame.analysis import beats as beat_tracking
from rokgame.analysis.grid import Grid, align_beats, build_grid, snap
from rokgame.analysis.onsets import (
    band_envelopes,
    band_groups,
    merge_onsets,
    onset_detect,
    onset_strength,
    refine_onsets,
)
from rokgame.analysis.pitch import midi_to_hz, onset_pitches
from rokgame.analysis.spectral import FMIN, HOP, N_FFT, N_MELS, mel_frequencies, mel_power, power_to_db

#: An onset whose harmonics grow this much starts a pitched note (a drum over a held note: ~1).
PITCHED_RISE = 2.5
#: Peak-picking thresholds: the all-band onset envelope, and the cymbal band's own envelope.
ONSET_DELTA = 0.1
CYMBAL_DELTA = 0.15
#: An onset whose harmonics grow this much re-strikes the pitch already sounding.
RESTRIKE_RISE = 1.5
#: A pitched note is sustained while its band stays within this of its attack level (dB).
SUSTAIN_DROP_DB = 15.0
#: Beats keep to the (local) tempo this strictly: librosa's 100 lets a syncopated kick pull
#: the grid off the beat; the tempo itself already follows changes window by window.
BEAT_TIGHTNESS = 1000.0
#: Longest hold a chart writes, in seconds.
MAX_SUSTAIN = 4.0
#: Seconds of music over which intensity is judged (a few bars).
INTENSITY_SECONDS = 4.0
#: Loudness (dB below the song's loud passages) that counts as silence for the intensity scale.
INTENSITY_RANGE_DB = 24.0
#: Loudness span (dB) of the loudness half of intensity: a verse 3 dB down is a quarter less intense.
LOUDNESS_SPAN_DB = 12.0

Progress = Callable[[float, str], None]
#: A cancel flag: an Event, or any callable that says whether to stop.
Cancel = threading.Event | Callable[[], bool] | None


def is_cancelled(cancel: Cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def check_cancel(cancel: Cancel) -> None:
    """Raise :class:`~rokgame.errors.Cancelled` when ``cancel`` says so."""
    if is_cancelled(cancel):
        from rokgame.errors import Cancelled

        raise Cancelled("chart generation was cancelled")


@dataclass(frozen=True, slots=True)
class Onsets:
    """Every onset of a track, one entry per array (sorted by time).

    ``bands`` holds the low/mid/high onset strength (each band scaled so its loud
    onsets are ~1); ``level`` the metrical level of the nearest grid point (0 beat,
    1 eighth, 2 sixteenth/triplet, 3 thirty-second, 4 off the grid); ``pitch`` the
    MIDI pitch of the note an onset starts (NaN for drum hits); ``sustain`` how long
    that note rings (0 for drum hits); ``loudness`` the local level in dB relative to
    the song's loud passages (0 = as loud as it gets).
    """

    times: np.ndarray
    strength: np.ndarray
    bands: np.ndarray
    level: np.ndarray
    pitch: np.ndarray
    sustain: np.ndarray
    intensity: np.ndarray
    loudness: np.ndarray

    def __len__(self) -> int:
        return len(self.times)

    @property
    def pitched(self) -> np.ndarray:
        return np.isfinite(self.pitch)


@dataclass(frozen=True, slots=True)
class TrackFeatures:
    """What the chart generator knows about a track."""

    duration: float
    bpm: float
    grid: Grid
    onsets: Onsets
    #: Mean intensity (0..1) over the track, and the share of it that is (near) silent.
    energy: float
    silent_fraction: float


class _Stages:
    """Progress reporting and cancellation between the stages of an analysis."""

    def __init__(self, progress: Progress | None, cancel: Cancel, start: float, end: float) -> None:
        self.progress, self.cancel, self.start, self.end = progress, cancel, start, end

    def __call__(self, fraction: float, stage: str) -> None:
        check_cancel(self.cancel)
        if self.progress is not None:
            self.progress(self.start + (self.end - self.start) * fraction, stage)


def analyze(y: np.ndarray, *, sr: int, progress: Progress | None = None, cancel: Cancel = None,
            progress_span: tuple[float, float] = (0.0, 1.0), S: np.ndarray | None = None) -> TrackFeatures:
    """Analyse a mono signal for charting.

    Parameters
    ----------
    y : np.ndarray [shape=(n,), dtype=float32]
        The signal (:func:`~rokgame.analysis.decode.load_audio`).
    sr : int
        Its sampling rate.
    progress : callable, optional
        ``progress(fraction, stage)``, called between stages.
    cancel : threading.Event or callable, optional
        Checked between stages; when set (or true), :class:`~rokgame.errors.Cancelled` is raised.
    progress_span : (float, float)
        The part of the caller's progress bar this analysis fills.
    S : np.ndarray [shape=(n_mels, frames)], optional
        The mel power spectrogram, when the caller already has it (:func:`decode_with_spectrum`).

    Returns
    -------
    features : TrackFeatures
    """
    stage = _Stages(progress, cancel, *progress_span)
    duration = len(y) / sr
    stage(0.0, "spectrum")
    if S is None:
        S = _mel_frames_threaded(y, 0, 1 + len(y) // HOP, sr=sr)
    stage(0.35, "onsets")
    total_power = S.sum(axis=0)
    S_db = power_to_db(S, out=S)  # in place: one full-length spectrogram at a time
    del S
    freqs = mel_frequencies(N_MELS, fmin=FMIN, fmax=sr / 2)
    envelope, group_flux = onset_strength(S_db, groups=band_groups(freqs))
    band_env = band_envelopes(group_flux)
    # Cymbals get a second look on their own: a 16th-note hi-hat under a full mix barely moves the
    # all-band envelope, yet it is the rhythm a drummer plays and a player hears.
    frames = merge_onsets(onset_detect(envelope, sr=sr, hop=HOP, delta=ONSET_DELTA),
                          onset_detect(band_env[2], sr=sr, hop=HOP, delta=CYMBAL_DELTA),
                          tolerance=round(0.035 * sr / HOP))
    loudness_db, intensity_curve = _intensity(total_power, sr=sr)
    # Nothing in silence: an onset must be audible against the song's loud passages.
    audible = loudness_db[frames] > -INTENSITY_RANGE_DB - 12.0
    frames = frames[audible]
    rough = frames * HOP / sr
    stage(0.5, "timing")
    times = refine_onsets(y, rough, sr=sr)
    # Pitch (FFTs, which release the GIL) runs in a worker while the beat tracker (a Python
    # loop) runs here; snapping to the grid later moves an onset by 5 ms at most.
    with ThreadPoolExecutor(1) as pool:
        pitches = pool.submit(onset_pitches, y, times, sr=sr)
        stage(0.6, "beats")
        # The beat is where the kick and the snare are; hi-hats count half: they fill the off-beats the
        # tracker must not settle on (a dev-set song was tracked on its off-beats for half its length).
        beat_envelope = (band_env[0] + band_env[1] + 0.5 * band_env[2]) / 2.5
        bpm = beat_tracking.tempo(beat_envelope, sr=sr, hop=HOP) if len(frames) >= 8 else 0.0
        if bpm > 0:
            local = beat_tracking.local_tempo(beat_envelope, sr=sr, hop=HOP, bpm=bpm)
            beat_frames = beat_tracking.beat_track(beat_envelope, sr=sr, hop=HOP, bpm=local,
                                                   tightness=BEAT_TIGHTNESS)
            beat_times = beat_frames * HOP / sr
            if beat_tracking.double_time(band_env[0], band_env[2], beat_times, sr=sr, hop=HOP) \
                    or beat_tracking.busy_subdivisions(beat_times, np.sort(times)):
                # Found at half its tempo (drum and bass; J-core's sixteenths): the half-beats are beats too.
                halves = np.empty(2 * len(beat_times) - 1)
                halves[0::2], halves[1::2] = beat_times, (beat_times[:-1] + beat_times[1:]) / 2
                beat_times, local = halves, 2 * local
            beat_times = beat_tracking.extend_beats(beat_times, float(times.min()) - 0.05,
                                                    float(times.max()) + 0.05)
            beat_times = align_beats(beat_times, times)
        else:
            beat_times = np.zeros(0)
        grid = build_grid(beat_times, times)
        if len(beat_times) > 1:
            # The tempo most of the song is played at (a tempo change moves it, a fill does not).
            bpm = float(np.median(local))
        stage(0.75, "pitch")
        raw_pitch, _clarity, rise = pitches.result()
    times, levels = snap(times, grid, tolerance=0.005)
    order = np.argsort(times, kind="stable")
    times, levels, frames = times[order], levels[order], frames[order]
    raw_pitch, rise = raw_pitch[order], rise[order]
    pitch = np.where(rise >= PITCHED_RISE, raw_pitch, np.nan)
    # A note also ends where the same pitch is struck again (its harmonics grow, if less
    # than a new note's): a repeated note is two short notes, not one long one.
    restrike = rise >= RESTRIKE_RISE
    sustain = _sustain(S_db, times, pitch, raw_pitch, restrike, freqs, sr=sr)
    stage(0.95, "features")
    onsets = Onsets(
        times=times,
        strength=envelope[frames].astype(np.float64),
        bands=band_env[:, frames].T.astype(np.float64),
        level=levels,
        pitch=pitch,
        sustain=sustain,
        intensity=_onset_intensity(times, loudness_db[frames]),
        loudness=loudness_db[frames],
    )
    silent = _silent_fraction(y, sr=sr)
    return TrackFeatures(duration=duration, bpm=float(bpm), grid=grid, onsets=onsets,
                         energy=float(np.mean(intensity_curve)) if len(intensity_curve) else 0.0,
                         silent_fraction=silent)


def mel_frames(y: np.ndarray, first: int, last: int, *, sr: int) -> np.ndarray:
    """Frames ``first:last`` of the centred mel power spectrogram of ``y`` (zeros beyond its ends)."""
    pad = N_FFT // 2
    lo = first * HOP - pad  # where frame `first` starts, in signal samples
    hi = (last - 1) * HOP - pad + N_FFT
    if lo >= 0 and hi <= len(y):
        return mel_power(y[lo:hi], sr=sr, center=False)
    chunk = np.zeros(hi - lo, dtype=np.float32)
    src_lo, src_hi = max(0, lo), min(len(y), hi)
    if src_hi > src_lo:
        chunk[src_lo - lo : src_hi - lo] = y[src_lo:src_hi]
    return mel_power(chunk, sr=sr, center=False)


def decode_with_spectrum(path: str | os.PathLike[str], *, sr: int, threads: int = 2,
                         parts: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Decode ``path`` and compute its mel power spectrogram, each piece as soon as it is decoded.

    Decoding (Vorbis above all) and the STFT are the two big costs of charting; done piece
    by piece in the same threads, one piece's spectrum is computed while another piece
    still decodes, keeping both cores busy.

    Returns
    -------
    y : np.ndarray [shape=(n,), dtype=float32]
    S : np.ndarray [shape=(n_mels, 1 + n // HOP), dtype=float32]
    """
    from rokgame.analysis.decode import load_audio

    pad = N_FFT // 2
    lock = threading.Lock()
    shared: dict[str, np.ndarray] = {}

    def on_part(out: np.ndarray, lo: int, hi: int) -> None:
        # The frames whose whole window lies in this finished piece, straight into the spectrogram.
        first = -(-(lo + pad) // HOP)
        last = (hi - pad) // HOP + 1
        if last <= first:
            return
        block = mel_frames(out, first, last, sr=sr)
        with lock:
            if "S" not in shared:
                shared["out"] = out
                frames = 1 + len(out) // HOP
                shared["S"] = np.empty((N_MELS, frames), dtype=np.float32)
                shared["done"] = np.zeros(frames, dtype=bool)
            last = min(last, shared["S"].shape[1])
            shared["S"][:, first:last] = block[:, : last - first]
            shared["done"][first:last] = True

    y = load_audio(path, sr=sr, threads=threads, parts=parts, on_part=on_part)
    n_frames = 1 + len(y) // HOP
    # Spectra of a decode that was abandoned for ffmpeg's (a damaged file) are not of this signal.
    if "S" in shared and np.shares_memory(y, shared["out"]):
        S, done = shared["S"][:, :n_frames], shared["done"][:n_frames]
    else:
        S, done = np.empty((N_MELS, n_frames), dtype=np.float32), np.zeros(n_frames, dtype=bool)
    missing = np.flatnonzero(~done)
    if len(missing):
        # The frames across seams and at the ends (or everything, after an ffmpeg decode).
        runs = np.split(missing, np.flatnonzero(np.diff(missing) > 1) + 1)
        big = [r for r in runs if len(r) >= 4096]
        for run in runs:
            if len(run) < 4096:
                S[:, run[0] : run[-1] + 1] = mel_frames(y, int(run[0]), int(run[-1]) + 1, sr=sr)
        for run in big:
            S[:, run[0] : run[-1] + 1] = _mel_frames_threaded(y, int(run[0]), int(run[-1]) + 1, sr=sr,
                                                                parts=threads)
    return y, S


def _mel_frames_threaded(y: np.ndarray, first: int, last: int, *, sr: int, parts: int = 2) -> np.ndarray:
    """:func:`mel_frames` in ``parts`` threads (numpy's FFT releases the GIL)."""
    if parts < 2 or last - first < 4096:
        return mel_frames(y, first, last, sr=sr)
    cuts = [first + (last - first) * i // parts for i in range(parts + 1)]
    with ThreadPoolExecutor(parts) as pool:
        blocks = list(pool.map(lambda i: mel_frames(y, cuts[i], cuts[i + 1], sr=sr), range(parts)))
    return np.concatenate(blocks, axis=1)


def _intensity(total_power: np.ndarray, *, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """Local loudness (dB re the song's loud passages) and intensity (0 quiet .. 1 loud) per frame."""
    n = len(total_power)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    width = max(1, int(INTENSITY_SECONDS * sr / HOP))
    kernel = np.hanning(width + 2)[1:-1]
    kernel /= kernel.sum()
    smooth = np.convolve(total_power.astype(np.float64), kernel, mode="same")
    db = 10.0 * np.log10(np.maximum(smooth, 1e-12))
    reference = float(np.percentile(db, 95))
    loudness = db - reference
    intensity = np.clip(1.0 + loudness / INTENSITY_RANGE_DB, 0.0, 1.0)
    return loudness, intensity


def _onset_intensity(times: np.ndarray, loudness: np.ndarray) -> np.ndarray:
    """How intense the music is around each onset, 0..1: half how loud it is (within
    :data:`LOUDNESS_SPAN_DB` of the loud passages), half how busy (onsets in the
    surrounding :data:`INTENSITY_SECONDS`, against the busiest passages). A chorus is
    usually both louder and busier than the verse before it."""
    if len(times) == 0:
        return np.zeros(0)
    half = INTENSITY_SECONDS / 2
    count = np.searchsorted(times, times + half, side="right") - np.searchsorted(times, times - half)
    busy = np.clip(count / max(1.0, float(np.percentile(count, 90))), 0.0, 1.0)
    loud = np.clip(1.0 + loudness / LOUDNESS_SPAN_DB, 0.0, 1.0)
    return 0.5 * (busy + loud)


def _silent_fraction(y: np.ndarray, *, sr: int, block_seconds: float = 0.1, floor_dbfs: float = -60.0) -> float:
    """The share of the track (in 100 ms blocks) quieter than ``floor_dbfs`` (RMS re full scale)."""
    block = max(1, int(block_seconds * sr))
    n = len(y) // block
    if n == 0:
        return 1.0
    blocks = y[: n * block].reshape(n, block)
    rms = np.sqrt(np.einsum("ij,ij->i", blocks, blocks) / block)
    return float(np.mean(rms < 10 ** (floor_dbfs / 20)))


def _sustain(S_db: np.ndarray, times: np.ndarray, pitch: np.ndarray, raw_pitch: np.ndarray, restrike: np.ndarray,
             freqs: np.ndarray, *, sr: int) -> np.ndarray:
    """How long each pitched note keeps sounding: until its fundamental's (or octave's) mel band
    falls :data:`SUSTAIN_DROP_DB` below its attack, the next pitched note starts, or the same
    pitch is struck again."""
    sustain = np.zeros(len(times))
    pitched = np.flatnonzero(np.isfinite(pitch))
    if len(pitched) == 0:
        return sustain
    n_frames = S_db.shape[1]
    fps = sr / HOP
    f0 = midi_to_hz(pitch[pitched])
    fundamental = np.abs(freqs[None, :] - f0[:, None]).argmin(axis=1)
    octave = np.abs(freqs[None, :] - 2 * f0[:, None]).argmin(axis=1)
    # A running maximum over ~60 ms bridges the dips a kick's side-chain pumps into a held note
    # (only for the bands some note needs).
    rows = np.unique(np.concatenate((fundamental, octave)))
    padded = np.pad(S_db[rows], ((0, 0), (2, 2)), mode="edge")
    smoothed = np.maximum.reduce([padded[:, i : i + n_frames] for i in range(5)])
    level_all = {int(band): smoothed[r] for r, band in enumerate(rows)}
    next_start = np.append(times[pitched[1:]], np.inf)
    limit = int(MAX_SUSTAIN * fps) + 3
    for j, i in enumerate(pitched.tolist()):
        end_time = float(next_start[j])
        again = np.flatnonzero(restrike[i + 1 :] & (np.abs(raw_pitch[i + 1 :] - pitch[i]) < 0.6))
        if len(again):
            end_time = min(end_time, float(times[i + 1 + again[0]]))
        k = round(times[i] * fps)
        stop = min(n_frames, k + limit, int(np.ceil(min(end_time, times[i] + MAX_SUSTAIN) * fps)))
        if stop <= k + 5:
            sustain[i] = max(0.0, min(end_time, stop / fps) - times[i])
            continue
        level = np.maximum(level_all[int(fundamental[j])][k:stop], level_all[int(octave[j])][k:stop])
        attack = level[1:5].max()
        below = np.flatnonzero(level[5:] < attack - SUSTAIN_DROP_DB)
        end_frame = k + 5 + int(below[0]) if len(below) else stop
        sustain[i] = max(0.0, min(end_frame / fps, end_time) - times[i])
    return sustain
