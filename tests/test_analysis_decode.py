"""Decoding: every format a player has, in sync, and one clear sentence for what is not audio."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from rokgame.analysis.decode import SR, load_audio
from rokgame.analysis.onsets import refine_onsets
from rokgame.errors import AudioError

CLICKS = np.array([0.5, 1.25, 2.0, 3.1, 4.4, 5.2])
SOURCE_RATE = 44100
DURATION = 6.0


def _clicks(rate: int = SOURCE_RATE) -> np.ndarray:
    """Stereo: short decaying noise bursts at CLICKS over a quiet tone (so codecs have something to chew)."""
    n = int(DURATION * rate)
    t = np.arange(n) / rate
    y = 0.02 * np.sin(2 * np.pi * 220 * t)
    rng = np.random.default_rng(7)
    burst = rng.standard_normal(int(0.05 * rate)) * np.exp(-np.arange(int(0.05 * rate)) / (0.008 * rate))
    for c in CLICKS:
        start = int(c * rate)
        y[start : start + len(burst)] += 0.6 * burst
    return np.stack([y, 0.8 * y], axis=1).astype(np.float32)


@pytest.fixture(scope="module")
def wav_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "clicks.wav"
    sf.write(path, _clicks(), SOURCE_RATE, subtype="PCM_16")
    return path


def _ffmpeg() -> str:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    return imageio_ffmpeg.get_ffmpeg_exe()


ENCODINGS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "128k"],
    "opus": ["-c:a", "libopus", "-b:a", "96k"],
    "m4a": ["-c:a", "aac", "-b:a", "128k"],
    "webm": ["-c:a", "libopus", "-b:a", "96k"],
    "flac": ["-c:a", "flac"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "4"],
    "wav": ["-c:a", "pcm_s16le"],
}


@pytest.mark.parametrize("extension", sorted(ENCODINGS))
def test_every_format_decodes_in_sync(extension: str, wav_source: Path, tmp_path: Path) -> None:
    target = tmp_path / f"clicks.{extension}"
    subprocess.run([_ffmpeg(), "-nostdin", "-loglevel", "error", "-i", str(wav_source), *ENCODINGS[extension],
                    str(target)], check=True)
    y = load_audio(target)
    assert y.dtype == np.float32 and y.ndim == 1
    assert abs(len(y) / SR - DURATION) < 0.06, "duration changed by decoding"
    # The clicks are where they were: a note charted from an mp3 lands where the wav has it.
    found = refine_onsets(y, CLICKS, sr=SR)
    assert np.max(np.abs(found - CLICKS)) < 0.004, (extension, np.round((found - CLICKS) * 1000, 1))


def test_threaded_decode_is_identical_to_single_threaded(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    stereo = (0.3 * rng.standard_normal((SOURCE_RATE * 40, 2))).astype(np.float32)
    path = tmp_path / "noise.ogg"
    sf.write(path, stereo, SOURCE_RATE, format="OGG", subtype="VORBIS")
    one = load_audio(path, threads=1)
    two = load_audio(path, threads=2)
    assert len(one) == len(two)
    assert np.max(np.abs(one - two)) < 1e-5


def test_resamples_to_the_analysis_rate(tmp_path: Path) -> None:
    path = tmp_path / "tone48k.flac"
    t = np.arange(48000 * 6) / 48000
    sf.write(path, (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32), 48000)
    y = load_audio(path)
    assert abs(len(y) - 6 * SR) <= 2
    spectrum = np.abs(np.fft.rfft(y[SR : 3 * SR]))
    assert abs(np.argmax(spectrum) * SR / (2 * SR) - 1000) < 2


@pytest.mark.parametrize(
    ("name", "content", "sentence"),
    [
        ("notes.mp3", b"these are my notes, not music\n" * 40, "not an audio file"),
        ("empty.ogg", b"", "empty"),
    ],
)
def test_not_audio_is_one_sentence(name: str, content: bytes, sentence: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AudioError, match=sentence) as caught:
        load_audio(path)
    assert "\n" not in str(caught.value)


def test_corrupt_file_is_one_sentence(wav_source: Path, tmp_path: Path) -> None:
    target = tmp_path / "broken.mp3"
    subprocess.run([_ffmpeg(), "-nostdin", "-loglevel", "error", "-i", str(wav_source), "-c:a", "libmp3lame",
                    str(target)], check=True)
    data = bytearray(target.read_bytes())
    target.write_bytes(bytes(data[:400]) + bytes(len(data) - 400))  # header kept, frames zeroed
    with pytest.raises(AudioError) as caught:
        load_audio(target)
    assert "\n" not in str(caught.value)


def test_too_short_says_how_long(tmp_path: Path) -> None:
    path = tmp_path / "blip.wav"
    sf.write(path, np.zeros(SR * 2, dtype=np.float32), SR)
    with pytest.raises(AudioError, match=r"only 2\.0 s long"):
        load_audio(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="no such audio file"):
        load_audio(tmp_path / "nope.ogg")
    with pytest.raises(AudioError, match="is a folder"):
        load_audio(tmp_path)


def test_video_without_audio_says_so(tmp_path: Path) -> None:
    target = tmp_path / "silent-film.webm"
    done = subprocess.run([_ffmpeg(), "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                           "color=c=black:s=32x32:d=6", "-c:v", "libvpx", str(target)], check=False)
    if done.returncode != 0:
        pytest.skip("this ffmpeg cannot encode a test video")
    with pytest.raises(AudioError, match="no audio"):
        load_audio(target)
