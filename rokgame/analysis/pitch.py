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


def _spectra(y: np.ndarray, starts: np.ndarray, n: int, *, whiten_bins: int = 31) -> tuple[np.ndarray, np.ndarray]:
    """Magnitude spectra of ``n``-sample Hann windows starting at ``starts``, plain and whitened.

    Each bin is divided by the mean of the ``whiten_bins`` around it (~330 Hz at 22050 Hz
    and 2048 points): partials stand out as peaks whatever the overall spectral tilt, so
    a loud bass no longer outweighs the melody above it.
    """
    padded = np.zeros(len(y) + 2 * n, dtype=np.float32)
    padded[n : n + len(y)] = y
    index = np.clip(starts, -n, len(y)) + n
    frames = padded[index[:, None] + np.arange(n)[None, :]]
    frames *= np.hanning(n).astype(np.float32)
    magnitude = np.abs(np.fft.rfft(frames, axis=1))
    half = whiten_bins // 2
    cumulative = np.cumsum(np.pad(magnitude, ((0, 0), (half + 1, half)), mode="edge"), axis=1)
    local_mean = (cumulative[:, whiten_bins:] - cumulative[:, :-whiten_bins]) / whiten_bins
    return magnitude, magnitude / (local_mean + 1e-6)


def _harmonic_salience(spectra: np.ndarray, *, sr: int, n: int, midi: np.ndarray, pick: bool = False) -> np.ndarray:
    """Weighted sum of each candidate's harmonics (peak of the two nearest bins) per spectrum.

    With ``pick``, ``midi`` has one candidate per spectrum (shape ``(k, 1)``) and the result
    is that candidate's salience in its own spectrum (shape ``(k,)``).
    """
    if pick:
        f0 = midi_to_hz(midi[:, 0])
        bins = np.arange(1, N_HARMONICS + 1)[None, :] * f0[:, None] * n / sr  # (spectra, harmonics)
        low = np.floor(bins).astype(int)
        valid = low + 1 < spectra.shape[1]
        low = np.where(valid, low, 0)
        rows = np.arange(len(spectra))[:, None]
        peak = np.maximum(spectra[rows, low], spectra[rows, low + 1]) * valid
        return peak @ (0.8 ** np.arange(N_HARMONICS))
    f0 = midi_to_hz(midi)
    bins = np.arange(1, N_HARMONICS + 1)[:, None] * f0[None, :] * n / sr  # (harmonics, candidates)
    low = np.floor(bins).astype(int)
    valid = low + 1 < spectra.shape[1]
    low = np.where(valid, low, 0)
    peak = np.maximum(spectra[:, low], spectra[:, low + 1]) * valid[None]
    weights = 0.8 ** np.arange(N_HARMONICS)
    return np.einsum("khc,h->kc", peak, weights)


def onset_pitches(y: np.ndarray, times: np.ndarray, *, sr: int, delay: float = 0.012,
                  step: float = 0.25) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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
        Ratio of that series' salience after the onset to just before it: well above 1
        when the onset starts the note, about 1 when the note was already sounding.
    before : np.ndarray [shape=(k,)]
        The predominant pitch just before the onset (what was sounding).
    """
    times = np.asarray(times, dtype=np.float64)
    k = len(times)
    if k == 0:
        empty = np.zeros(0)
        return empty, empty, empty, empty
    n = WINDOW
    midi = np.arange(MIDI_LOW, MIDI_HIGH + step / 2, step)
    at = np.round(times * sr).astype(np.int64)
    pitch = np.empty(k)
    clarity = np.empty(k)
    rise = np.empty(k)
    previous = np.empty(k)
    for start in range(0, k, 256):
        part = at[start : start + 256]
        after_raw, after = _spectra(y, part + int(delay * sr), n)
        before_raw, before = _spectra(y, part - n - int(0.004 * sr), n)
        salience = _harmonic_salience(after, sr=sr, n=n, midi=midi)
        best = np.argmax(salience, axis=1)
        rows = np.arange(len(part))
        peak = salience[rows, best]
        pitch[start : start + len(part)] = midi[best]
        clarity[start : start + len(part)] = peak / np.maximum(np.median(salience, axis=1), 1e-9)
        # Growth is measured on plain magnitudes: whitening would call a decayed tone as clear as a fresh one.
        grown = _harmonic_salience(after_raw, sr=sr, n=n, midi=midi[best][:, None], pick=True)
        was = _harmonic_salience(before_raw, sr=sr, n=n, midi=midi[best][:, None], pick=True)
        rise[start : start + len(part)] = grown / np.maximum(was, 1e-9 + 1e-3 * grown)
        previous[start : start + len(part)] = midi[np.argmax(_harmonic_salience(before, sr=sr, n=n, midi=midi),
                                                             axis=1)]
    return pitch, clarity, rise, previous
