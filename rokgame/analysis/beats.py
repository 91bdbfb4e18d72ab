"""Tempo and beats from an onset strength envelope.

These are librosa's algorithms, written in numpy: :func:`tempo` is
``librosa.feature.tempo`` (autocorrelation tempogram, log-normal prior around
120 BPM) and :func:`beat_track` is ``librosa.beat.beat_track`` (Ellis' dynamic
programme, 2007), including its time-varying tempo mode. librosa compiles that
dynamic programme with numba on *every* import (``cache=False``), which costs
several seconds per process here; this version runs the same recursion a
half-beat block at a time in numpy (every frame of a block only looks back at
least half a beat, so a whole block can be scored at once). The tests check that
both give the same beats.

:func:`local_tempo` follows tempo changes (a song that moves from 150 to 170 BPM)
by taking the tempogram peak window by window near the global tempo.

:func:`double_time` settles the one thing periodicity cannot: whether drum and bass is
170 BPM or 85. Its drums repeat every half bar, so the strongest periodicity (and
librosa's estimate) is the slower one, while musicians count the beat the kick and the
snare alternate on (Goto 2001 finds the quarter-note level from that same pattern).
"""

from __future__ import annotations

import numpy as np

#: Tempogram window: 8.9 s, as librosa's 384 frames at hop 512.
TEMPOGRAM_SECONDS = 8.9
START_BPM = 120.0
#: A tempo's strength: the mean autocorrelation at these multiples of its beat.
COMB = (0.5, 1, 2, 4)
MIN_BPM = 40.0
MAX_BPM = 240.0
#: :func:`double_time` never doubles past this: faster than this, the slower beat is the one counted.
MAX_DOUBLED_BPM = 200.0
#: The fastest tempo a chart is written at (charters write 165-210 BPM songs at that tempo).
MAX_CHARTING_BPM = 220.0
#: The snare is "on every beat" when its weaker beat has at least this share of its stronger one.
SNARE_EVERY_BEAT = 0.7


def _autocorrelation(frames: np.ndarray, max_lag: int) -> np.ndarray:
    """Autocorrelation of each row up to ``max_lag`` (inclusive), via the FFT."""
    n = frames.shape[-1]
    size = 1 << int(np.ceil(np.log2(2 * n - 1)))
    spectrum = np.fft.rfft(frames, n=size, axis=-1)
    acf = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, n=size, axis=-1)
    return acf[..., : max_lag + 1]


def tempogram(envelope: np.ndarray, *, sr: int, hop: int, step_seconds: float = 1.0,
              max_seconds: float = 60.0 / MIN_BPM) -> tuple[np.ndarray, np.ndarray]:
    """Autocorrelation tempogram of ``envelope``, one column every ``step_seconds``, lags up to
    ``max_seconds``.

    Returns
    -------
    tg : np.ndarray [shape=(n_lags, n_windows)]
        Normalised autocorrelation of each Hann-windowed stretch (lag 0 is 1).
    centres : np.ndarray [shape=(n_windows,)]
        Frame index at the centre of each window.
    """
    envelope = np.asarray(envelope, dtype=np.float64)
    fps = sr / hop
    win = round(TEMPOGRAM_SECONDS * fps)
    max_lag = int(np.ceil(fps * max_seconds))
    step = max(1, round(step_seconds * fps))
    padded = np.pad(envelope, (win // 2, win - win // 2), mode="linear_ramp", end_values=0.0)
    centres = np.arange(0, len(envelope), step)
    frames = np.stack([padded[c : c + win] for c in centres]) * np.hanning(win)
    acf = _autocorrelation(frames, min(max_lag, win - 1))
    acf /= np.maximum(acf[:, :1], 1e-10)
    return acf.T, centres


def _prior(bpms: np.ndarray, start_bpm: float = START_BPM, std_octaves: float = 1.0) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.exp(-0.5 * ((np.log2(bpms) - np.log2(start_bpm)) / std_octaves) ** 2)


def _lag_bpms(n_lags: int, fps: float) -> np.ndarray:
    lags = np.arange(n_lags, dtype=np.float64)
    with np.errstate(divide="ignore"):
        bpms = 60.0 * fps / lags
    bpms[0] = np.inf
    return bpms


def _peak_bpm(strength: np.ndarray, bpms: np.ndarray, fps: float) -> float:
    """The tempo at the maximum of ``strength`` (over lags), refined by a parabola through it."""
    lag = int(np.argmax(strength))
    if 0 < lag < len(strength) - 1 and np.all(np.isfinite(strength[lag - 1 : lag + 2])):
        a, b, c = strength[lag - 1], strength[lag], strength[lag + 1]
        denominator = a - 2 * b + c
        offset = 0.5 * (a - c) / denominator if denominator < 0 else 0.0
        return float(60.0 * fps / (lag + np.clip(offset, -0.5, 0.5)))
    return float(bpms[lag])


def tempo(envelope: np.ndarray, *, sr: int, hop: int, start_bpm: float = START_BPM) -> float:
    """The song's main tempo in BPM.

    librosa's estimate (the mean tempogram times a log-normal prior around
    ``start_bpm``) with one change: a tempo's strength is the mean autocorrelation at
    half a beat, one, two and four beats (:data:`COMB`), not at one beat alone. A
    syncopated drum pattern (drum and bass's kick on 1 and the "and" of 2) correlates
    at 2/3 of the beat, but it does not repeat every two and four of those false
    beats, while the real beat does (half bars, bars); and where every eighth note is
    played, three eighths repeat as well as two, but only the real beat is split in
    halves that repeat too (the prior around 120 BPM otherwise picks 116 for 174).

    Returns 0.0 for an envelope with no periodicity at all (silence).
    """
    if not np.any(envelope > 0):
        return 0.0
    fps = sr / hop
    tg, _ = tempogram(envelope, sr=sr, hop=hop, max_seconds=4 * 60.0 / MIN_BPM)
    acf = tg.mean(axis=1)
    # Undo the window's own fall-off with lag, so a bar-long lag is not penalised for being long.
    win = round(TEMPOGRAM_SECONDS * fps)
    window_acf = _autocorrelation(np.hanning(win)[None, :], len(acf) - 1)[0]
    acf = acf / np.maximum(window_acf / window_acf[0], 0.05)
    # A tenth-of-a-frame lag grid: four beats at 170 BPM are 121.6 frames, not 4 x 30.
    lags = np.arange(fps * 60.0 / MAX_BPM, min(fps * 60.0 / MIN_BPM, (len(acf) - 2) / 4), 0.1)
    comb = _comb_strength(acf, lags)
    bpms = 60.0 * fps / lags
    strength = comb * _prior(bpms, start_bpm)
    return float(bpms[int(np.argmax(strength))])


def _comb_strength(acf: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Mean autocorrelation at the :data:`COMB` multiples of every lag (rows of ``acf`` are lags)."""
    total = 0.0
    for k in COMB:
        # Linear interpolation between integer lags, written as np.interp computes it
        # (slope * offset + value) so that every column gets the same numbers, all at once.
        position = k * lags
        below = np.minimum(np.floor(position).astype(np.int64), acf.shape[0] - 2)
        offset = position - below
        if acf.ndim > 1:
            offset = offset[:, None]
        total = total + ((acf[below + 1] - acf[below]) * offset + acf[below])
    return total / len(COMB)


def local_tempo(envelope: np.ndarray, *, sr: int, hop: int, bpm: float, spread: float = 0.3,
                std_octaves: float = 0.25, smooth_seconds: float = 9.0) -> np.ndarray:
    """Tempo at every frame, following changes of up to ``±spread`` from ``bpm``.

    Each tempogram window takes the tempo with the strongest autocorrelation at half a
    beat, one, two and four beats (as :func:`tempo`), weighed by closeness to the main tempo (a
    log-normal of ``std_octaves``); a running median over ``smooth_seconds`` keeps one
    odd window (a fill, a break) from bending the beat grid.

    Returns
    -------
    bpm : np.ndarray [shape=(n,)]
    """
    fps = sr / hop
    tg, centres = tempogram(envelope, sr=sr, hop=hop, max_seconds=4 * 60.0 / (bpm * (1 - spread)))
    win = round(TEMPOGRAM_SECONDS * fps)
    window_acf = _autocorrelation(np.hanning(win)[None, :], tg.shape[0] - 1)[0]
    tg = tg / np.maximum(window_acf / window_acf[0], 0.05)[:, None]
    lags = np.arange(fps * 60.0 / (bpm * (1 + spread)), min(fps * 60.0 / (bpm * (1 - spread)),
                                                              (tg.shape[0] - 2) / 4), 0.1)
    bpms = 60.0 * fps / lags
    weight = _prior(bpms, bpm, std_octaves)
    strength = _comb_strength(tg, lags) * weight[:, None]
    local = bpms[np.argmax(strength, axis=0)]
    # Windows with nothing in them say nothing: they take the main tempo.
    energy = np.array([envelope[max(0, c - 200) : c + 200].sum() for c in centres])
    local[energy <= 1e-6] = bpm
    half = max(1, round(smooth_seconds / 2 / (centres[1] - centres[0]) * fps)) if len(centres) > 1 else 0
    if half:
        padded = np.pad(local, half, mode="edge")
        local = np.median(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1), axis=1)
    return np.interp(np.arange(len(envelope)), centres, local)


def _local_score(onsets: np.ndarray, frames_per_beat: np.ndarray) -> np.ndarray:
    """The envelope smoothed by a Gaussian 1/32 beat wide (time-varying when the tempo is)."""
    result = np.empty_like(onsets)
    for fpb in np.unique(frames_per_beat):
        offsets = np.arange(-fpb, fpb + 1)
        window = np.exp(-0.5 * (offsets * 32.0 / fpb) ** 2)
        smoothed = np.convolve(onsets, window, mode="same")
        mask = frames_per_beat == fpb
        result[mask] = smoothed[mask]
    return result


def beat_track(envelope: np.ndarray, *, sr: int, hop: int, bpm: float | np.ndarray,
               tightness: float = 100.0, trim: bool = True) -> np.ndarray:
    """Beat frames by dynamic programming, as ``librosa.beat.beat_track(onset_envelope=..., bpm=...)``.

    Parameters
    ----------
    envelope : np.ndarray [shape=(n,)]
        Onset strength.
    bpm : float or np.ndarray [shape=(n,)]
        The tempo, or the tempo at every frame.
    tightness : float > 0
        How strictly beats keep to the tempo.
    trim : bool
        Drop weak leading and trailing beats.

    Returns
    -------
    beats : np.ndarray [dtype=int]
        Frame indices of the beats.
    """
    onsets = np.asarray(envelope, dtype=np.float64)
    n = len(onsets)
    if n == 0 or not np.any(onsets > 0):
        return np.zeros(0, dtype=int)
    fps = sr / hop
    bpm_frames = np.broadcast_to(np.asarray(bpm, dtype=np.float64), (n,))
    if np.any(bpm_frames <= 0):
        raise ValueError("bpm must be positive")
    frames_per_beat = np.round(fps * 60.0 / bpm_frames)
    onsets = onsets / (onsets.std(ddof=1) + np.finfo(np.float64).tiny)
    localscore = _local_score(onsets, frames_per_beat)
    backlink, cumscore = _dynamic_programme(localscore, frames_per_beat, tightness)
    tail = _last_beat(cumscore)
    beats = np.zeros(n, dtype=bool)
    i = tail
    while i >= 0:
        beats[i] = True
        i = backlink[i]
    if trim:
        beats = _trim(localscore, beats)
    return np.flatnonzero(beats)


def _dynamic_programme(localscore: np.ndarray, frames_per_beat: np.ndarray,
                       tightness: float) -> tuple[np.ndarray, np.ndarray]:
    n = len(localscore)
    backlink = np.full(n, -1, dtype=np.int64)
    # librosa's candidates for frame i, nearest first: i - round(fpb/2) down to i - 2*fpb. A
    # candidate's penalty depends only on its distance and the frame's tempo, so it is computed
    # once per distinct tempo (a handful) instead of once per frame.
    tempos, which = np.unique(frames_per_beat, return_inverse=True)
    near = np.round(tempos / 2).astype(np.int64)
    far = (2 * tempos).astype(np.int64)
    width = int((far - near).max()) + 1
    block = max(1, int(near.min()))  # every frame in a block looks back past the block's start
    steps = np.arange(width)
    distance = np.maximum(near[:, None] + steps[None, :], 1)
    penalty = tightness * (np.log(distance) - np.log(tempos)[:, None]) ** 2
    penalty[steps[None, :] > (far - near)[:, None]] = np.inf
    # cumscore behind a pad of -inf: a candidate before the first frame is never chosen.
    pad = int(far.max()) + 1
    padded = np.full(pad + n, -np.inf)
    back = pad - near[:, None] - steps[None, :]  # candidate index in `padded`, relative to the frame
    for start in range(0, n, block):
        stop = min(n, start + block)
        rows = np.arange(start, stop)
        w = which[start:stop]
        if w[0] == w[-1]:  # one tempo in the block (nearly always)
            locs = rows[:, None] + back[w[0]]
            scores = padded[locs]
            scores -= penalty[w[0]]
        else:
            locs = rows[:, None] + back[w]
            scores = padded[locs]
            scores -= penalty[w]
        best = scores.argmax(axis=1)  # first maximum = nearest candidate, as librosa's strict '>'
        picked = np.arange(stop - start)
        best_score = scores[picked, best]
        found = best_score > -np.inf
        padded[pad + start : pad + stop] = localscore[start:stop] + np.where(found, best_score, 0.0)
        backlink[start:stop] = np.where(found, locs[picked, best] - pad, -1)
    cumscore = padded[pad:]
    # Frames before the first clear onset start a beat sequence rather than continue one.
    threshold = 0.01 * localscore.max()
    first = int(np.argmax(localscore >= threshold))
    backlink[:first] = -1
    return backlink, cumscore


def _local_max(x: np.ndarray) -> np.ndarray:
    padded = np.pad(x, 1, mode="edge")
    return (x > padded[:-2]) & (x >= padded[2:])


def _last_beat(cumscore: np.ndarray) -> int:
    peaks = _local_max(cumscore)
    if not np.any(peaks):
        return len(cumscore) - 1
    threshold = 0.5 * np.median(cumscore[peaks])
    candidates = np.flatnonzero(peaks & (cumscore >= threshold))
    return int(candidates[-1]) if len(candidates) else len(cumscore) - 1


def _trim(localscore: np.ndarray, beats: np.ndarray) -> np.ndarray:
    beats = beats.copy()
    window = np.hanning(5)
    smooth = np.convolve(localscore[beats], window)[len(window) // 2 : len(localscore) + len(window) // 2]
    threshold = 0.5 * np.sqrt(np.mean(smooth**2)) if len(smooth) else 0.0
    n = 0
    while n < len(localscore) and localscore[n] <= threshold:
        beats[n] = False
        n += 1
    n = len(localscore) - 1
    while n >= 0 and localscore[n] <= threshold:
        beats[n] = False
        n -= 1
    return beats


def double_time(kick: np.ndarray, snare: np.ndarray, beats: np.ndarray, *, sr: int, hop: int) -> bool:
    """Whether the real beat is twice as fast as ``beats``: the backbeat falls on every one of them.

    In music with a backbeat the kick and the snare alternate on the beats (kick on 1 and 3,
    snare on 2 and 4), so the snare comes every *other* beat. When the snare instead comes on
    every beat (or every off-beat) and the kick sits in between, on the half-beats the snare
    leaves free, the beat a musician counts is the half beat: drum and bass tracked at 85 BPM
    is 170 BPM. A snare on every beat *with* the kick (Motown's four-on-the-floor snare, a
    march) is not a backbeat and changes nothing, nor does music without drums.

    Parameters
    ----------
    kick, snare : np.ndarray [shape=(n,)]
        Onset strength of the low band (kick, bass) and the high band (snare, cymbals).
    beats : np.ndarray
        Beat times in seconds (from :func:`beat_track`), at least 16 of them.

    Returns
    -------
    double : bool
    """
    beats = np.asarray(beats, dtype=np.float64)
    if len(beats) < 16 or len(kick) == 0:
        return False
    period = float(np.median(np.diff(beats)))
    if period <= 0 or 2 * 60.0 / period > MAX_DOUBLED_BPM:
        return False
    kick_slots, snare_slots = _drum_slots(kick, snare, beats, sr=sr, hop=hop)
    top = int(np.argmax(snare_slots))
    accent = snare_slots[top]
    if accent <= 0.0:
        return False
    snare_every_beat = snare_slots[(top + 2) % 4] >= SNARE_EVERY_BEAT * accent
    kick_between = kick_slots[[(top + 1) % 4, (top + 3) % 4]].sum() > kick_slots[[top, (top + 2) % 4]].sum()
    return bool(snare_every_beat and kick_between)


def _drum_slots(kick: np.ndarray, snare: np.ndarray, beats: np.ndarray, *, sr: int, hop: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Both envelopes at every beat and half-beat (the loudest frame within +-2, ~23 ms), folded over
    two beats: four slots, beat - half - beat - half, less what is in every slot (hi-hats on every
    eighth are not an accent: only the excess counts)."""
    frames = beats * sr / hop
    half = np.empty(2 * len(frames) - 1)
    half[0::2], half[1::2] = frames, (frames[:-1] + frames[1:]) / 2
    window = np.clip(np.round(half).astype(int)[:, None] + np.arange(-2, 3)[None, :], 0, len(kick) - 1)
    usable = (len(half) // 4) * 4
    slots = np.stack([np.asarray(kick)[window].max(axis=1), np.asarray(snare)[window].max(axis=1)])
    slots = slots[:, :usable].reshape(2, -1, 4).mean(axis=1)
    slots = slots - slots.min(axis=1, keepdims=True)
    return slots[0], slots[1]


#: "Most" quarter-beats are played: more than half of them carry an onset.
BUSY_SUBDIVISIONS = 0.5
#: How far from a quarter-beat an onset may be and still be on it (s).
SUBDIVISION_TOLERANCE = 0.035


def busy_subdivisions(beats: np.ndarray, onsets: np.ndarray, *, max_bpm: float = MAX_CHARTING_BPM) -> bool:
    """Whether the music moves at twice the tempo of ``beats``: most of their quarter-beats are played.

    A charter counts the pulse the notes move at. J-core, chiptune and breakcore tracked at 80-100 BPM
    (their drums repeat every half bar) are charted at 160-200: there, the sixteenths of the slower
    reading (its quarter-beats, the eighths of the real tempo) carry notes almost throughout. A hip-hop
    or funk groove at 90 has its eighths played (hi-hats) but not most of its sixteenths, and a ballad
    neither. A doubled tempo above ``max_bpm`` is never chosen.

    Parameters
    ----------
    beats : np.ndarray
        Beat times in seconds, at least 16 of them.
    onsets : np.ndarray
        Onset times in seconds, sorted.

    Returns
    -------
    double : bool
    """
    beats = np.asarray(beats, dtype=np.float64)
    onsets = np.asarray(onsets, dtype=np.float64)
    if len(beats) < 16 or len(onsets) < 16:
        return False
    period = float(np.median(np.diff(beats)))
    if period <= 0 or 2 * 60.0 / period > max_bpm:
        return False
    lengths = np.diff(beats)
    quarters = np.concatenate((beats[:-1] + 0.25 * lengths, beats[:-1] + 0.75 * lengths))
    ones = np.ones(len(onsets))
    played = _strength_near(np.sort(quarters), onsets, ones, SUBDIVISION_TOLERANCE) > 0
    return float(np.mean(played)) > BUSY_SUBDIVISIONS


def _strength_near(points: np.ndarray, onsets: np.ndarray, strength: np.ndarray, tolerance: float = 0.035
                   ) -> np.ndarray:
    after = np.clip(np.searchsorted(onsets, points), 1, len(onsets) - 1)
    before = after - 1
    near_after = np.abs(onsets[after] - points) <= tolerance
    near_before = np.abs(onsets[before] - points) <= tolerance
    return np.maximum(np.where(near_after, strength[after], 0.0), np.where(near_before, strength[before], 0.0))


def extend_beats(beats: np.ndarray, start: float, end: float, *, span: int = 8) -> np.ndarray:
    """``beats`` carried on at the tempo of their first and last ``span`` beats to cover ``start``..``end``.

    The tracker often locks on only when the drums come in (a 31 s intro left without beats was
    seen): the pulse goes on through an intro and an outro, and their notes belong on it, not off
    any grid.
    """
    beats = np.asarray(beats, dtype=np.float64)
    if len(beats) < 2:
        return beats
    head = float(np.median(np.diff(beats[: span + 1])))
    tail = float(np.median(np.diff(beats[-span - 1 :])))
    before = beats[0] - head * np.arange(int(np.floor((beats[0] - start) / head)), 0, -1) if head > 0 else []
    after = beats[-1] + tail * np.arange(1, int(np.floor((end - beats[-1]) / tail)) + 1) if tail > 0 else []
    return np.concatenate((np.asarray(before, dtype=np.float64), beats, np.asarray(after, dtype=np.float64)))
