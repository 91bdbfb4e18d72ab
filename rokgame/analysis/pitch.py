"""The pitch a note starts, cheaply: a harmonic sum over one FFT per onset.

pyin would track pitch frame by frame for the whole song (seconds of work); a
chart needs one pitch per note. So each onset gets one 93 ms window just after its
attack, and the candidate fundamental whose first harmonics hold the most
(compressed) energy wins. Comparing the same harmonics in a window just *before*
the onset says whether this onset starts a pitched note at all (its harmonics
appear or grow) or is a drum hit over whatever was already sounding.
"""

from __future__ import annotations

import numpy as np

#: Candidate fundamentals: MIDI 52 (E3, 165 Hz) to 96 (C7, 2093 Hz) in quarter tones. Below E3
#: lives the bass, which a chart's melody lanes should not follow.
MIDI_LOW = 52.0
MIDI_HIGH = 96.0
N_HARMONICS = 6
WINDOW = 2048


def midi_to_hz(midi: np.ndarray | float) -> np.ndarray:
    return 440.0 * 2.0 ** ((np.asarray(midi, dtype=np.float64) - 69.0) / 12.0)


def _magnitudes(y: np.ndarray, starts: np.ndarray, n: int, window: np.ndarray) -> np.ndarray:
    """Magnitude spectra (float32) of ``n``-sample windows starting at ``starts`` (zeros outside ``y``)."""
    from rokgame.analysis.onsets import _windows

    frames = _windows(y, starts, n)
    frames *= window
    return np.abs(np.fft.rfft(frames, axis=1))


def _whiten(magnitude: np.ndarray, bins: int = 31) -> np.ndarray:
    """Each bin divided by the mean of the ``bins`` around it (~330 Hz at 22050 Hz and 2048 points):
    partials stand out as peaks whatever the spectral tilt, so a loud bass no longer outweighs
    the melody above it."""
    half = bins // 2
    cumulative = np.cumsum(np.pad(magnitude, ((0, 0), (half + 1, half)), mode="edge"), axis=1)
    local_mean = (cumulative[:, bins:] - cumulative[:, :-bins]) / bins
    return magnitude / (local_mean + 1e-6)


def _comb(midi: np.ndarray, *, sr: int, n: int) -> np.ndarray:
    """Harmonic comb matrix (bins x candidates): each candidate's first harmonics, weighted
    0.8^h, spread over the two bins either side of each harmonic's frequency."""
    n_bins = n // 2 + 1
    comb = np.zeros((n_bins, len(midi)), dtype=np.float32)
    f0 = midi_to_hz(midi)
    for h in range(1, N_HARMONICS + 1):
        position = h * f0 * n / sr
        low = np.floor(position).astype(int)
        frac = position - low
        ok = low + 1 < n_bins
        columns = np.flatnonzero(ok)
        weight = 0.8 ** (h - 1)
        np.add.at(comb, (low[ok], columns), weight * (1 - frac[ok]))
        np.add.at(comb, (low[ok] + 1, columns), weight * frac[ok])
    return comb


def onset_pitches(y: np.ndarray, times: np.ndarray, *, sr: int, delay: float = 0.012,
                  step: float = 0.25) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The predominant pitch starting at each onset.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        The signal.
    times : np.ndarray [shape=(k,)]
        Onset times (seconds).
    sr : int
        Sampling rate.
    delay : float
        Seconds after the onset where the analysis window starts (past the attack's noise).
    step : float
        Resolution of the candidate grid in semitones.

    Returns
    -------
    pitch : np.ndarray [shape=(k,)]
        MIDI pitch (fractional) of the strongest harmonic series after each onset.
    clarity : np.ndarray [shape=(k,)]
        How much that series stands out of the candidates (peak / median salience, >= 1).
    rise : np.ndarray [shape=(k,)]
        Ratio of that series' energy after the onset to just before it: well above 1 when
        the onset starts the note, about 1 when the note was already sounding.
    """
    times = np.asarray(times, dtype=np.float64)
    k = len(times)
    if k == 0:
        empty = np.zeros(0)
        return empty, empty, empty
    n = WINDOW
    midi = np.arange(MIDI_LOW, MIDI_HIGH + step / 2, step)
    comb = _comb(midi, sr=sr, n=n)
    at = np.round(times * sr).astype(np.int64)
    window = np.hanning(n).astype(np.float32)
    pitch = np.empty(k)
    clarity = np.empty(k)
    rise = np.empty(k)
    for start in range(0, k, 256):
        part = at[start : start + 256]
        after = _magnitudes(y, part + int(delay * sr), n, window)
        before = _magnitudes(y, part - n - int(0.004 * sr), n, window)
        salience = _whiten(after) @ comb
        best = np.argmax(salience, axis=1)
        rows = np.arange(len(part))
        peak = salience[rows, best]
        pitch[start : start + len(part)] = midi[best]
        clarity[start : start + len(part)] = peak / np.maximum(np.median(salience, axis=1), 1e-9)
        # Growth is measured on plain magnitudes: whitening would call a decayed tone as clear as a fresh one.
        chosen = comb[:, best].T  # (onsets, bins)
        grown = np.einsum("kb,kb->k", after, chosen)
        was = np.einsum("kb,kb->k", before, chosen)
        rise[start : start + len(part)] = grown / np.maximum(was, 1e-9 + 1e-3 * grown)
    return pitch, clarity, rise
