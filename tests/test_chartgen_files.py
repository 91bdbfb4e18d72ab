"""Saved charts: where they go, how they find their audio, the cache, and the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from rokgame import paths
from rokgame.analysis import generate, generate_chart_file
from rokgame.analysis.testsignals import SR, arrange
from rokgame.cli import main
from rokgame.core.chart_io import file_sha256, load_chart, resolve_audio

ROCK = {"kick": "x.......x.x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."}


@pytest.fixture
def song(tmp_path: Path) -> Path:
    folder = tmp_path / "music"
    folder.mkdir()
    path = folder / "Test Band - Groove.wav"
    sf.write(path, arrange(bpm=118, bars=6, drums=ROCK).y, SR)
    return path


def test_default_goes_to_the_cache_and_names_the_audio(song: Path) -> None:
    path = generate_chart_file(song, title="Groove", artist="Test Band")
    assert path.parent == paths.generated_charts_dir()
    chart = load_chart(path)
    assert chart.song.audio == song.name
    assert chart.song.audio_sha256 == file_sha256(song)
    assert (chart.song.title, chart.song.artist) == ("Groove", "Test Band")
    assert chart.generator["name"] == "rokgame" and chart.generator["version"] == generate.GENERATOR_VERSION
    features = chart.generator["features"]
    assert set(features) >= {"bpm", "onset_rate", "energy", "density"}
    assert features["density"]["easy"] < features["density"]["expert"]
    # The audio is found by name and hash in the folder it lives in.
    assert resolve_audio(chart, path, [song.parent]) == song


def test_beside_the_audio_the_path_is_relative(song: Path) -> None:
    out = song.parent / "charts" / "groove.json"
    path = generate_chart_file(song, out=out.parent.parent / "groove.json")
    assert load_chart(path).song.audio == song.name
    assert resolve_audio(load_chart(path), path) == song
    elsewhere = generate_chart_file(song, out=out)
    assert load_chart(elsewhere).song.audio == song.name  # never "../": charts may not leave their folder


def test_second_generation_comes_from_the_cache(song: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = generate_chart_file(song)
    text = first.read_text(encoding="utf-8")

    def analysis_must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached chart should have been used")

    monkeypatch.setattr(generate, "analyze", analysis_must_not_run)
    stages: list[str] = []
    second = generate_chart_file(song, progress=lambda f, stage: stages.append(stage))
    assert second == first and second.read_text(encoding="utf-8") == text
    assert stages[-1] == "done" and "cached" in stages
    # New metadata is written without analysing again.
    renamed = generate_chart_file(song, title="Another Name")
    assert load_chart(renamed).song.title == "Another Name"
    with pytest.raises(AssertionError, match="cached chart"):
        generate_chart_file(song, use_cache=False)


def test_options_and_versions_have_their_own_cache_entries(song: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    five = generate_chart_file(song)
    seven = generate_chart_file(song, lanes=7)
    assert five != seven and load_chart(seven).lanes == 7
    monkeypatch.setattr(generate, "GENERATOR_VERSION", "999")
    assert generate.cache_path(song) not in (five, seven)


def test_a_damaged_cache_entry_is_made_again(song: Path) -> None:
    first = generate_chart_file(song)
    good = first.read_text(encoding="utf-8")
    first.write_text("{ not json", encoding="utf-8")
    again = generate_chart_file(song)
    assert again.read_text(encoding="utf-8") == good


def test_bad_lane_count_is_one_sentence(song: Path) -> None:
    from rokgame.errors import RokError

    with pytest.raises(RokError, match="3 to 7 lanes"):
        generate_chart_file(song, lanes=9)


def test_cli_generate_writes_the_chart(song: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    assert main(["chart", "generate", str(song), "-o", str(out), "--lanes", "4", "--title", "Groove"]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "expert" in printed
    chart = load_chart(out)
    assert chart.lanes == 4 and chart.song.title == "Groove"
    assert main(["chart", "info", str(out)]) == 0


def test_cli_generate_without_output_says_how_to_play_it(song: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chart", "generate", str(song)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert Path(lines[0]).parent == paths.generated_charts_dir()
    # The cached chart names its audio but is not beside it: the library plays it from the audio file.
    assert lines[-1] == f"  play it: rokgame play '{song}'"


def test_cli_warns_about_silence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "silence.flac"
    sf.write(path, np.zeros(SR * 8, dtype=np.float32), SR)
    assert main(["chart", "generate", str(path), "-o", str(tmp_path / "silence.json")]) == 0
    assert "warning: the track is silent" in capsys.readouterr().err


def test_cli_not_audio_is_one_line(tmp_path: Path, rokgame_home: Path) -> None:
    path = tmp_path / "letter.ogg"
    path.write_text("Dear player, this is not a song.\n" * 20, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "rokgame", "chart", "generate", str(path)], capture_output=True,
                          text=True, env={"ROKGAME_HOME": str(rokgame_home), "PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rokgame: letter.ogg is not an audio file"), done.stderr


#: Every format issue 3 names, encoded with the ffmpeg rokgame ships (imageio-ffmpeg): raw AAC (ADTS) too,
#: which libsndfile cannot read and which has no container to say where its audio starts.
FORMATS = {
    "ogg": ["-c:a", "libvorbis", "-q:a", "4"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", "128k"],
    "wav": ["-c:a", "pcm_s16le"],
    "flac": ["-c:a", "flac"],
    "opus": ["-c:a", "libopus", "-b:a", "96k"],
    "m4a": ["-c:a", "aac", "-b:a", "128k"],
    "aac": ["-c:a", "aac", "-b:a", "128k"],
    "webm": ["-c:a", "libopus", "-b:a", "96k"],
}


@pytest.mark.parametrize("extension", list(FORMATS))
def test_cli_charts_every_format(extension: str, song: Path, tmp_path: Path) -> None:
    import mir_eval

    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    # As players' files are: 44.1 kHz stereo (a codec at 22 kHz smears attacks more than any real file).
    source = song.with_name("groove-cd.wav")
    y = arrange(bpm=118, bars=6, drums=ROCK, sr=44100).y
    sf.write(source, np.stack([y, y], axis=1), 44100, subtype="PCM_16")
    audio = song.with_name(f"groove.{extension}")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(source),
                    *FORMATS[extension], str(audio)], check=True)
    out = audio.with_suffix(".json")
    assert main(["chart", "generate", str(audio), "-o", str(out)]) == 0
    chart = load_chart(out)
    assert chart.song.audio == audio.name and resolve_audio(chart, out) == audio
    # The same notes as the uncompressed original. A raw .aac starts with the encoder's priming
    # (1024 samples: 23 ms at 44.1 kHz) and no container says so: every player, and rokgame's own
    # conversion for playing, plays it that late, so its notes are that much later too.
    reference = load_chart(generate_chart_file(source))
    expected = np.unique([n.t for n in reference.difficulties["expert"].notes])
    found = np.unique([n.t for n in chart.difficulties["expert"].notes])
    delay = float(np.median([found[np.argmin(np.abs(found - t))] - t for t in expected]))
    assert (0.02 < delay < 0.026) if extension == "aac" else abs(delay) < 0.004, (extension, delay)
    assert mir_eval.onset.f_measure(expected + delay, found, window=0.01)[0] >= 0.95, extension


def _damaged_mp3(song: Path) -> Path:
    """The song as an mp3 with 10 kB of garbage a third of the way in (a damaged download)."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    mp3 = song.with_name("damaged.mp3")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(song),
                    "-c:a", "libmp3lame", "-b:a", "128k", str(mp3)], check=True)
    data = bytearray(mp3.read_bytes())
    start = len(data) // 3
    data[start : start + 10_000] = np.random.default_rng(3).integers(0, 256, 10_000, dtype=np.uint8).tobytes()
    mp3.write_bytes(bytes(data))
    return mp3


def test_cli_a_damaged_mp3_is_charted_whole_and_quietly(song: Path, tmp_path: Path, rokgame_home: Path) -> None:
    """libsndfile stops at the damage (and its mp3 decoder prints notes about it on stderr); the
    chart still covers the whole song and the player reads nothing but the result."""
    mp3 = _damaged_mp3(song)
    out = tmp_path / "damaged.json"
    done = subprocess.run([sys.executable, "-m", "rokgame", "chart", "generate", str(mp3), "-o", str(out)],
                          capture_output=True, text=True, check=False,
                          env={"ROKGAME_HOME": str(rokgame_home), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    length = sf.info(song).duration
    chart = load_chart(out)
    assert chart.song.duration > 0.9 * length
    assert chart.difficulties["expert"].notes[-1].t > 0.8 * length
