"""Onsets: where something starts in the music, found in the spectrogram, timed in the waveform.

The onset strength is librosa's (``onset_strength`` with ``lag=1, max_size=3``: the
positive change of a log-power mel spectrogram, each band compared with the
loudest of its neighbours a frame earlier, which ignores vibrato), with one change
that matters for charts: each band's change is weighed by how loud that band is
*compared with its own loudest moments in the song*. A hi-hat is loud for the top
bands even when it is quiet overall, so it counts; a soft arpeggio under a lead
is quiet for its bands, so a chart does not follow it.

A spectral-flux peak says *roughly* when a sound starts: one frame of 11.6 ms at
best, later when the attack is slow. :func:`refine_onsets` moves every onset to
the attack a player hears, found in the waveform itself: the last point before the
short-time energy peak where the (pre-emphasised) energy was still below the
midpoint, in dB, between the preceding minimum and that peak.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: Mel band edges (Hz) between the low (kick, bass), mid (voice, leads, snare body) and high
#: (hats, cymbals, snare rattle) groups reported with every onset.
BAND_EDGES = (200.0, 2500.0)


def onset_strength(S_db: np.ndarray, *, groups: list[np.ndarray] | None = None, ref_percentile: float = 99.5,
                   gate_db: float = 20.0, gate_width_db: float = 20.0,
                   block: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """Onset strength envelope of a dB mel spectrogram.

    Parameters
    ----------
    S_db : np.ndarray [shape=(n_mels, n)]
        Log-power mel spectrogram (:func:`~rokgame.analysis.spectral.power_to_db`).
    groups : list of boolean masks over the bands, optional
        When given, the flux is returned per group (mean over its bands) instead of per band,
        and never held for every band at once (long tracks are done ``block`` frames at a time).
    ref_percentile : float
        Each band's reference level: this percentile of its values over the whole song.
    gate_db, gate_width_db : float
        A band's change counts fully when the band is within ``gate_db`` of its reference
        level, and fades to nothing over the next ``gate_width_db`` below that.

    Returns
    -------
    envelope : np.ndarray [shape=(n,), dtype=float32]
        Mean weighted flux over all bands, scaled so its 99th percentile is 1.
    flux : np.ndarray [shape=(n_mels or len(groups), n), dtype=float32]
        The weighted flux of every band, or of every group.
    """
    S_db = np.asarray(S_db, dtype=np.float32)
    n_mels, n = S_db.shape
    rows = n_mels if groups is None else len(groups)
    flux_out = np.zeros((rows, n), dtype=np.float32)
    envelope = np.zeros(n, dtype=np.float32)
    if n < 2:
        return envelope, flux_out
    reference = np.percentile(S_db, ref_percentile, axis=1, keepdims=True).astype(np.float32)
    for start in range(1, n, block):
        stop = min(n, start + block)
        current = S_db[:, start:stop]
        # Reference: the largest of each band and its two neighbours, one frame back (librosa's max_size=3).
        previous = S_db[:, start - 1 : stop - 1].copy()
        np.maximum(previous[1:], S_db[:-1, start - 1 : stop - 1], out=previous[1:])
        np.maximum(previous[:-1], S_db[1:, start - 1 : stop - 1], out=previous[:-1])
        flux = current - previous
        np.maximum(flux, 0.0, out=flux)
        weight = current - reference
        weight += gate_db
        weight *= 1.0 / gate_width_db
        np.clip(weight, 0.0, 1.0, out=weight)
        flux *= weight
        envelope[start:stop] = flux.mean(axis=0)
        if groups is None:
            flux_out[:, start:stop] = flux
        else:
            for g, mask in enumerate(groups):
                if np.any(mask):
                    flux_out[g, start:stop] = flux[mask].mean(axis=0)
    scale = float(np.percentile(envelope, 99))
    if scale > 0:
        envelope /= scale
    return envelope, flux_out


def band_groups(mel_freqs: np.ndarray, edges: tuple[float, ...] = BAND_EDGES) -> list[np.ndarray]:
    """Boolean masks over mel bands, one per group between ``edges`` (low to high)."""
    bounds = (0.0, *edges, np.inf)
    return [(mel_freqs >= lo) & (mel_freqs < hi) for lo, hi in itertools.pairwise(bounds)]


def band_envelopes(group_flux: np.ndarray) -> np.ndarray:
    """The onset strength of each band group (``onset_strength(..., groups=...)``), each scaled
    so its 99th percentile is 1.

    Scaled apart, a kick (three low bands) counts as much as a hi-hat (twenty high ones):
    their mean is the envelope the beat tracker follows. No band is scaled up by more than
    four times the loudest band's scale.

    Returns
    -------
    envelopes : np.ndarray [shape=(len(groups), n)]
    """
    envelopes = np.array(group_flux, dtype=np.float32)
    scale = np.percentile(envelopes, 99, axis=1, keepdims=True)
    # A band with next to nothing in it (no drums in a piano piece) is not blown up to look like one.
    scale = np.maximum(scale, 0.25 * scale.max())
    return envelopes / np.where(scale > 0, scale, 1.0)


def peak_pick(x: np.ndarray, *, pre_max: int, post_max: int, pre_avg: int, post_avg: int, delta: float,
              wait: int) -> np.ndarray:
    """Peaks of ``x``, as ``librosa.util.peak_pick``.

    A frame is a peak when it is the maximum of ``x[n - pre_max : n + post_max + 1]``, at
    least ``delta`` above the mean of ``x[n - pre_avg : n + post_avg + 1]``, and more than
    ``wait`` frames after the previous peak.

    Returns
    -------
    peaks : np.ndarray [dtype=int]
        Frame indices.
    """
    x = np.asarray(x, dtype=np.float64)
    if len(x) == 0:
        return np.zeros(0, dtype=int)
    padded = np.pad(x, (pre_max, post_max), mode="constant", constant_values=-np.inf)
    local_max = sliding_window_view(padded, pre_max + post_max + 1).max(axis=1)
    width = pre_avg + post_avg + 1
    cumulative = np.concatenate(([0.0], np.cumsum(np.pad(x, (pre_avg, post_avg), mode="edge"))))
    local_mean = (cumulative[width:] - cumulative[:-width]) / width
    candidates = np.flatnonzero((x == local_max) & (x >= local_mean + delta))
    if wait <= 0 or len(candidates) < 2:
        return candidates
    keep = []
    last = -wait - 1
    for index in candidates.tolist():
        if index - last > wait:
            keep.append(index)
            last = index
    return np.asarray(keep, dtype=int)


def onset_detect(envelope: np.ndarray, *, sr: int, hop: int, delta: float = 0.1) -> np.ndarray:
    """Onset frames of an onset strength envelope (librosa's ``onset_detect`` windows).

    Parameters
    ----------
    envelope : np.ndarray [shape=(n,)]
        Onset strength, scaled as :func:`onset_strength` scales it.
    sr, hop : int
        Sampling rate and hop length of the envelope.
    delta : float
        How far above its surroundings (100 ms either side) a peak must be.
    """
    fps = sr / hop
    return peak_pick(envelope, pre_max=int(0.03 * fps) + 1, post_max=1, pre_avg=int(0.1 * fps),
                     post_avg=int(0.1 * fps), delta=delta, wait=int(0.03 * fps))


def merge_onsets(*frames: np.ndarray, tolerance: int) -> np.ndarray:
    """The union of several onset lists (frame indices); onsets within ``tolerance`` frames of an
    earlier one are the same sound and dropped."""
    merged = np.unique(np.concatenate([np.asarray(f, dtype=int) for f in frames])) if frames else np.zeros(0, int)
    keep: list[int] = []
    for frame in merged.tolist():
        if not keep or frame - keep[-1] > tolerance:
            keep.append(frame)
    return np.asarray(keep, dtype=int)


def _gather(y: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``y[index]`` with zeros outside the signal (no padded copy of a long signal)."""
    inside = (index >= 0) & (index < len(y))
    values = y[np.clip(index, 0, max(0, len(y) - 1))] if len(y) else np.zeros(index.shape, np.float32)
    return np.where(inside, values, np.float32(0.0)).astype(np.float32, copy=False)


def _windows(y: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """``y[s : s + n]`` for every ``s`` in ``starts``, as rows (zeros outside the signal).

    Windows inside the signal are copied row by row from a strided view, ~15x faster than
    gathering sample by sample; only those crossing an end go through :func:`_gather`."""
    starts = np.asarray(starts, dtype=np.int64)
    out = np.empty((len(starts), n), dtype=np.float32)
    inside = (starts >= 0) & (starts + n <= len(y))
    if np.any(inside):
        out[inside] = sliding_window_view(y, n)[starts[inside]]
    if not np.all(inside):
        outside = ~inside
        out[outside] = _gather(y, starts[outside][:, None] + np.arange(n)[None, :])
    return out


def refine_onsets(y: np.ndarray, times: np.ndarray, *, sr: int, search_before: float = 0.010,
                  search_after: float = 0.025, floor_window: float = 0.030, fraction: float = 0.4,
                  win: int = 64, step: int = 8, block: int = 512) -> np.ndarray:
    """Move each onset to its attack in the waveform.

    Around each rough onset time, the pre-emphasised signal's energy is measured in
    ``win``-sample frames every ``step`` samples. The loudest frame within
    ``[t - search_before, t + search_after]`` is the sound; the quietest frame in the
    ``floor_window`` before it is what came before. The attack is where the energy last
    crossed ``fraction`` of the way (in dB) from that floor to the peak.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        The signal.
    times : np.ndarray [shape=(k,)]
        Rough onset times in seconds.
    sr : int
        Sampling rate of ``y``.

    Returns
    -------
    refined : np.ndarray [shape=(k,), dtype=float64]
        Onset times in seconds.
    """
    times = np.asarray(times, dtype=np.float64)
    if len(times) == 0:
        return times.copy()
    before = round((search_before + floor_window) * sr) + win
    after = round(search_after * sr) + win
    length = before + after + 1
    centres = np.round(times * sr).astype(np.int64)
    n_frames = (length - 1 - win) // step + 1
    frame_end = np.arange(n_frames) * step + win - before  # sample offsets from the rough time
    frame_mid = frame_end - win // 2
    search = np.flatnonzero((frame_mid >= -search_before * sr) & (frame_mid <= search_after * sr))
    floor_frames = round(floor_window * sr / step)
    refined = np.empty_like(times)
    columns = np.arange(n_frames)[None, :]
    # Blocks of onsets keep the snippet matrix small on long, busy tracks.
    for start in range(0, len(times), block):
        idx = centres[start : start + block]
        snippets = _windows(y, idx - before - 1, length)
        emphasised = snippets[:, 1:] - 0.97 * snippets[:, :-1]  # pre-emphasis: attacks are broadband
        frames = sliding_window_view(emphasised, win, axis=1)[:, ::step][:, :n_frames]
        level = 10.0 * np.log10(np.einsum("kfw,kfw->kf", frames, frames) / win + 1e-12)
        peak = search[np.argmax(level[:, search], axis=1)]
        # For every onset at once: the floor is the minimum over [lo, peak], the attack the frame
        # after the last one in [lo, peak) below the threshold (lo itself when there is none).
        lo = np.maximum(0, peak - floor_frames)
        window = (columns >= lo[:, None]) & (columns <= peak[:, None])
        floor = np.where(window, level, np.inf).min(axis=1)
        rows = np.arange(len(idx))
        threshold = floor + fraction * (level[rows, peak] - floor)
        window[rows, peak] = False
        below = window & (level < threshold[:, None])
        last = np.where(below, columns, -1).max(axis=1)
        j = np.where(last >= 0, last + 1, lo)
        refined[start : start + len(idx)] = (idx + frame_end[j]) / sr
    return refined
