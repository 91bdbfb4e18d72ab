"""Decode any audio file a player has into one mono float32 signal at the analysis rate.

libsndfile (through :mod:`soundfile`) reads wav, flac, ogg/vorbis, ogg/opus and mp3
in-process; it is tried first. What it cannot read (m4a/aac, webm, video files)
goes to the ffmpeg binary that ships with :mod:`imageio_ffmpeg`, run with an
argument list (never a shell) and asked for raw ``f32le`` mono on stdout.

Either way the signal is resampled exactly once: by soxr for libsndfile input,
by ffmpeg's soxr resampler for ffmpeg input.

Long files are read in blocks and resampled as a stream, so the only full-length
array ever held is the output (4 bytes per sample at 22050 Hz: 5 MB a minute).
Ogg/Vorbis and FLAC decode in two threads, each taking one half of the file:
libsndfile seeks those sample-exactly, and decoding Vorbis is the single largest
cost of charting a song.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from rokgame.errors import AudioError
from rokgame.native import quiet_native_stderr

#: The rate every analysis runs at: a 1024-point FFT then spans 46 ms.
SR = 22050
#: Shorter than this is not a song anyone wants to play.
MIN_DURATION = 5.0
#: Frames read from libsndfile per call: large enough for speed, small enough for memory.
BLOCK = 1 << 17
#: Frames decoded twice at each seam between threads, for the resampler to settle.
SEAM = 8192
#: Container formats whose seeking libsndfile does sample-exactly (checked in the tests).
_EXACT_SEEK = {"OGG": {"VORBIS"}, "FLAC": None, "WAV": None, "WAVEX": None, "AIFF": None}


#: Called in the decoding thread with the output array and the index range ``[lo, hi)`` of it
#: that is now final: lets the caller analyse each part while the others still decode.
PartDone = Callable[[np.ndarray, int, int], None]


def load_audio(path: str | os.PathLike[str], *, sr: int = SR, threads: int = 2, parts: int | None = None,
               on_part: PartDone | None = None) -> np.ndarray:
    """Decode ``path`` to a mono float32 signal at ``sr`` Hz.

    Parameters
    ----------
    path : path-like
        Any audio (or video) file: wav, flac, ogg, opus, mp3, m4a/aac, webm, ...
    sr : int > 0
        Output sampling rate.
    threads : int >= 1
        Decoding threads for formats libsndfile seeks exactly (ogg/vorbis, flac, wav).
    parts : int, optional
        Pieces the file is decoded in (at least ``threads``; more pieces balance the threads).
    on_part : callable, optional
        ``on_part(y, lo, hi)`` is called (in a decoding thread) as soon as ``y[lo:hi]`` is final.
        Without it, or when ffmpeg decodes, nothing is called: check what was covered.

    Returns
    -------
    y : np.ndarray [shape=(n,), dtype=float32]
        The signal, channels averaged.

    Raises
    ------
    AudioError
        The file is missing, empty, not audio, or shorter than :data:`MIN_DURATION`.
    """
    path = Path(path)
    if not path.exists():
        raise AudioError(f"no such audio file: {path}")
    if path.is_dir():
        raise AudioError(f"{path} is a folder, not an audio file")
    if path.stat().st_size == 0:
        raise AudioError(f"{path.name} is empty (0 bytes); it has no audio to chart")
    y = _read_soundfile(path, sr, threads, max(threads, parts or threads), on_part)
    if y is None:
        y = _read_ffmpeg(path, sr)
    duration = len(y) / sr
    if duration < MIN_DURATION:
        if len(y) == 0:
            raise AudioError(f"{path.name} has no audio in it")
        raise AudioError(f"{path.name} is only {duration:.1f} s long; a song needs at least {MIN_DURATION:g} s")
    # A damaged frame can decode to NaN or inf; silence is the honest stand-in. (Checked a
    # block at a time: whole-signal masks would cost a byte per sample, 40 MB an hour.)
    for start in range(0, len(y), BLOCK):
        part = y[start : start + BLOCK]
        if not np.isfinite(part).all():
            np.nan_to_num(part, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    return y


def _read_soundfile(path: Path, sr: int, threads: int, pieces: int, on_part: PartDone | None) -> np.ndarray | None:
    """libsndfile's decode, or ``None`` when it cannot read the file (ffmpeg gets a go)."""
    with quiet_native_stderr():  # libmpg123 prints its warnings on odd mp3s straight to the terminal
        return _read_soundfile_loud(path, sr, threads, pieces, on_part)


def _read_soundfile_loud(path: Path, sr: int, threads: int, pieces: int,
                         on_part: PartDone | None) -> np.ndarray | None:
    import soundfile as sf

    try:
        with sf.SoundFile(path) as handle:
            frames, rate, channels = handle.frames, handle.samplerate, handle.channels
            fmt, subtype, seekable = handle.format, handle.subtype, handle.seekable()
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError):
        return None
    if frames <= 0 or rate <= 0 or channels <= 0:
        return None
    exact = fmt in _EXACT_SEEK and (_EXACT_SEEK[fmt] is None or subtype in _EXACT_SEEK[fmt])
    parts = pieces if exact and seekable and frames > 4 * BLOCK * pieces else 1
    cuts = [frames * i // parts for i in range(parts + 1)]
    out = np.zeros(int(np.ceil(frames * sr / rate)) + 16, dtype=np.float32)
    ends: list[int] = []

    total = int(np.ceil(frames * sr / rate))

    def decode(i: int) -> int:
        # Each part reads a little past both of its seams so the resampler has settled there.
        start, stop = max(0, cuts[i] - SEAM), min(frames, cuts[i + 1] + SEAM)
        limit = len(out) if i == parts - 1 else round(cuts[i + 1] * sr / rate)
        end = _decode_range(path, start, stop, rate, sr, out[:limit], round(start * sr / rate),
                            skip=round((cuts[i] - start) * sr / rate))
        if on_part is not None:
            on_part(out, round(cuts[i] * sr / rate), min(end, total))
        return end

    try:
        if parts == 1:
            ends = [decode(0)]
        else:
            with ThreadPoolExecutor(min(parts, threads)) as pool:
                ends = list(pool.map(decode, range(parts)))
    except (sf.LibsndfileError, RuntimeError):
        # Opens but fails mid-way: damaged, or a codec libsndfile only half supports. ffmpeg gets a go.
        return None
    # libsndfile also gives up quietly at a damaged stretch it cannot resync past (mpg123 after a run
    # of garbage or zeros in an mp3) and returns what it has: a song cut short without a word. ffmpeg
    # skips such a stretch and goes on; a file really shorter than its header says is short there too.
    wanted = [round(cuts[i + 1] * sr / rate) for i in range(parts - 1)] + [total]
    if any(end < want - sr // 10 for end, want in zip(ends, wanted, strict=True)):
        return None
    return out[: min(ends[-1], total)]


def _decode_range(
    path: Path, start: int, stop: int, rate: int, sr: int, out: np.ndarray, at: int, *, skip: int = 0
) -> int:
    """Decode frames ``start:stop``, downmix, resample into ``out[at:]`` (minus the first ``skip``
    output samples, which another part writes); return the end index."""
    import soundfile as sf
    import soxr

    stream = None if rate == sr else soxr.ResampleStream(rate, sr, 1, dtype="float32", quality="HQ")
    pos = at
    with sf.SoundFile(path) as handle:
        if start:
            handle.seek(start)
        remaining = stop - start
        while remaining > 0:
            block = handle.read(min(BLOCK, remaining), dtype="float32", always_2d=True)
            if len(block) == 0:
                break
            remaining -= len(block)
            mono = _downmix(block)
            chunk = mono if stream is None else stream.resample_chunk(mono, last=remaining <= 0)
            if skip:
                dropped = min(skip, len(chunk))
                chunk, skip, pos = chunk[dropped:], skip - dropped, pos + dropped
            pos = _put(out, pos, chunk)
        if stream is not None and remaining > 0:  # the file was shorter than its header said
            pos = _put(out, pos, stream.resample_chunk(np.zeros(0, np.float32), last=True))
    return pos


def _downmix(block: np.ndarray) -> np.ndarray:
    # Summing columns beats block.mean(axis=1) by ~10x on interleaved float32.
    if block.shape[1] == 1:
        return np.ascontiguousarray(block[:, 0])
    mono = block[:, 0].copy()
    for c in range(1, block.shape[1]):
        mono += block[:, c]
    mono *= np.float32(1.0 / block.shape[1])
    return mono


def _put(out: np.ndarray, pos: int, chunk: np.ndarray) -> int:
    n = max(0, min(len(chunk), len(out) - pos))
    out[pos : pos + n] = chunk[:n]
    return pos + n


def _read_ffmpeg(path: Path, sr: int) -> np.ndarray:
    """Decode with the bundled ffmpeg binary: raw f32le mono at ``sr`` on stdout."""
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise AudioError(f"can't read {path.name}: it needs ffmpeg, which is not available ({exc})") from None
    command = [exe, "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:a:0", "-vn",
               "-ac", "1", "-af", "aresample=resampler=soxr", "-ar", str(sr), "-f", "f32le", "pipe:1"]
    try:
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
            assert process.stdout is not None
            # Grow a bytearray in place: the samples end up in one writable buffer, never copied.
            raw = bytearray()
            while chunk := process.stdout.read(1 << 20):
                raw += chunk
            status = process.wait()
            errors.seek(0)
            stderr = errors.read()
    except OSError as exc:
        raise AudioError(f"can't run ffmpeg to read {path.name}: {exc.strerror or exc}") from None
    if status != 0:
        raise AudioError(f"{path.name} is not an audio file rokgame can read ({_ffmpeg_reason(stderr)})")
    del raw[len(raw) - len(raw) % 4 :]
    return np.frombuffer(raw, dtype="<f4").astype(np.float32, copy=False)


def _ffmpeg_reason(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace")
    if "matches no streams" in text or "does not contain any stream" in text or "Output file does not contain" in text:
        return "it has no audio track"
    if "Invalid data found" in text or "could not find codec" in text.lower():
        return "the data is not audio, or the file is damaged"
    lines = text.strip().splitlines()
    # ffmpeg prefixes messages with the file name; the player already knows that.
    return lines[-1].split(": ", 1)[-1][:160] if lines else "ffmpeg could not decode it"
