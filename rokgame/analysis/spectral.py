"""One short-time Fourier transform, reduced to a mel spectrogram block by block.

librosa's ``melspectrogram`` keeps the whole complex STFT (1025 x frames complex64:
170 MB for a 4-minute song at hop 256) before reducing it; here each block of frames
is transformed and reduced at once, so memory stays at the mel spectrogram (64 x
frames float32: 5 MB for 4 minutes, 40 MB for 30) however long the track is.

The filterbank is librosa's default (Slaney mel scale, Slaney area normalisation),
written out in numpy: ``import librosa.filters`` alone costs two seconds here.
"""

from __future__ import annotations

import numpy as np

#: Analysis parameters at 22050 Hz: a 46 ms window every 11.6 ms.
N_FFT = 1024
HOP = 256
N_MELS = 64
FMIN = 30.0
#: Frames transformed per block: 1024 frames ~ 4 MB of complex spectrum (as fast as bigger blocks).
BLOCK_FRAMES = 1024


def hz_to_mel(frequencies: np.ndarray | float) -> np.ndarray:
    """Slaney's mel scale (linear below 1 kHz, logarithmic above), as ``librosa.hz_to_mel``."""
    f = np.asanyarray(frequencies, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, min_log_hz) / min_log_hz) / logstep, mels)


def mel_to_hz(mels: np.ndarray | float) -> np.ndarray:
    """Inverse of :func:`hz_to_mel`."""
    m = np.asanyarray(mels, dtype=np.float64)
    f_sp = 200.0 / 3
    freqs = f_sp * m
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), freqs)


def mel_frequencies(n_mels: int, *, fmin: float, fmax: float) -> np.ndarray:
    """``n_mels`` centre frequencies (Hz) evenly spaced on the mel scale."""
    return mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels))


def mel_filterbank(*, sr: int, n_fft: int = N_FFT, n_mels: int = N_MELS, fmin: float = FMIN,
                   fmax: float | None = None) -> np.ndarray:
    """Triangular mel filters, as ``librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, ...)``.

    Returns
    -------
    weights : np.ndarray [shape=(n_mels, 1 + n_fft // 2), dtype=float32]
    """
    fmax = sr / 2.0 if fmax is None else fmax
    fft_freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    mel_f = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax)
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.astype(np.float32)


def frame_count(n_samples: int, hop: int = HOP) -> int:
    """Frames of a centred STFT of ``n_samples`` samples (as librosa's ``center=True``)."""
    return 1 + n_samples // hop


def mel_power(y: np.ndarray, *, sr: int, n_fft: int = N_FFT, hop: int = HOP, n_mels: int = N_MELS,
              fmin: float = FMIN, center: bool = True) -> np.ndarray:
    """Mel power spectrogram of a Hann-windowed STFT, computed in blocks.

    With ``center`` (the default), frame ``k`` is centred on sample ``k * hop``, the signal
    zero-padded by ``n_fft // 2`` at both ends (``librosa.stft(center=True, pad_mode="constant")``);
    without it, frame ``k`` starts at sample ``k * hop``.

    Returns
    -------
    S : np.ndarray [shape=(n_mels, frames), dtype=float32]
    """
    y = np.asarray(y, dtype=np.float32)
    if center:
        pad = n_fft // 2
        padded = np.zeros(len(y) + 2 * pad, dtype=np.float32)
        padded[pad : pad + len(y)] = y
    else:
        padded = y
    n_frames = max(0, 1 + (len(padded) - n_fft) // hop)
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop][:n_frames] if n_frames else None
    window = np.hanning(n_fft + 1)[:-1].astype(np.float32)  # periodic Hann, as scipy/librosa
    basis = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin)
    out = np.empty((n_mels, n_frames), dtype=np.float32)
    for start in range(0, n_frames, BLOCK_FRAMES):
        assert frames is not None
        block = frames[start : start + BLOCK_FRAMES] * window
        spectrum = np.fft.rfft(block, axis=1)
        power = spectrum.real**2
        power += spectrum.imag**2
        out[:, start : start + len(block)] = basis @ power.T
    return out


def power_to_db(S: np.ndarray, *, ref: float | None = None, amin: float = 1e-10, top_db: float = 80.0,
                out: np.ndarray | None = None) -> np.ndarray:
    """``10 log10(S / ref)``, floored ``top_db`` below the maximum, as ``librosa.power_to_db``.

    ``ref`` defaults to the maximum of ``S``, so the loudest cell is 0 dB. With ``out`` (which
    may be ``S`` itself, float32) the result is written there instead of a new array.
    """
    ref = float(S.max()) if ref is None else ref
    if out is None:
        out = np.empty(S.shape, dtype=np.float32)
    np.maximum(S, amin, out=out)
    np.log10(out, out=out)
    out *= 10.0
    out -= 10.0 * np.log10(max(ref, amin))
    if top_db is not None:
        np.maximum(out, out.max() - top_db, out=out)
    return out
