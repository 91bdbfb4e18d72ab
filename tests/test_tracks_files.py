"""The player's own audio files: referenced where they are, by path and hash; moving one is noticed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import soundfile as sf
from test_fetch_support import fake_generate_chart_file, library_files, make_audio

from rokgame.core.chart_io import file_sha256, load_chart
from rokgame.errors import FetchError, RokError
from rokgame.fetch.errors import TooLong
from rokgame.fetch.ffmpeg import ffmpeg_exe
from rokgame.storage.db import connect
from rokgame.storage.library import list_entries
from rokgame.tracks import prepare_track


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rokgame.analysis.generate_chart_file", fake_generate_chart_file)


@pytest.fixture
def music(tmp_path: Path) -> Path:
    folder = tmp_path / "Music"
    make_audio(folder / "The Band - Night Drive.wav", 6.0, seed=3)
    return folder


def test_a_local_file_is_played_where_it_is(music: Path, quick_charts: None, rokgame_home: Path) -> None:
    song = music / "The Band - Night Drive.wav"
    before = song.read_bytes()
    track = prepare_track(str(song))
    assert track.audio_path == song.resolve()
    assert (track.title, track.artist) == ("Night Drive", "The Band")
    assert track.source == f"file:{song.resolve()}"
    assert track.chart_path.parent == rokgame_home / "cache" / "charts"
    chart = load_chart(track.chart_path)
    assert chart.song.audio == song.name and chart.song.audio_sha256 == file_sha256(song)
    assert song.read_bytes() == before
    # No copy of the audio in the cache, and the second time nothing is done again.
    assert not any(name.endswith((".wav", ".ogg")) for name in library_files(rokgame_home))
    again = prepare_track(str(song))
    assert again.reused and again.chart_path == track.chart_path


def test_a_tilde_path_works(music: Path, quick_charts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(music.parent))
    track = prepare_track("~/Music/The Band - Night Drive.wav")
    assert track.audio_path == (music / "The Band - Night Drive.wav").resolve()


def test_a_moved_file_is_noticed_and_followed(music: Path, quick_charts: None, tmp_path: Path) -> None:
    song = music / "The Band - Night Drive.wav"
    track = prepare_track(str(song))
    moved = tmp_path / "Elsewhere" / "night.wav"
    moved.parent.mkdir()
    shutil.move(song, moved)

    [entry] = list_entries(connect())
    assert entry.audio_path is None and not entry.playable
    assert entry.missing == f"file moved or deleted: {song.resolve()}"
    with pytest.raises(FetchError, match=r"^file moved or deleted: .*Night Drive\.wav"):
        prepare_track(str(song))

    found = prepare_track(str(moved))
    assert found.track_id == track.track_id and found.audio_path == moved.resolve()
    assert found.note is not None and "found night.wav again" in found.note
    [entry] = list_entries(connect())
    assert entry.audio_path == moved.resolve() and entry.missing is None


def test_a_changed_file_is_charted_again_in_the_same_row(music: Path, quick_charts: None,
                                                         rokgame_home: Path) -> None:
    song = music / "The Band - Night Drive.wav"
    first = prepare_track(str(song))
    make_audio(song, 7.0, seed=9)
    second = prepare_track(str(song))
    assert second.track_id == first.track_id and not second.reused
    assert second.chart_path != first.chart_path and not first.chart_path.exists()
    assert load_chart(second.chart_path).song.audio_sha256 == file_sha256(song)
    assert len([n for n in library_files(rokgame_home) if n.startswith("cache/charts/file-")]) == 1


def test_m4a_is_converted_into_the_cache_and_charted(tmp_path: Path, rokgame_home: Path) -> None:
    wav = make_audio(tmp_path / "src.wav", 6.0, seed=4)
    m4a = tmp_path / "song.m4a"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(wav), "-c:a", "aac", str(m4a)], check=True)
    stages: list[str] = []
    track = prepare_track(str(m4a), progress=lambda f, s: stages.append(s))  # the real charter
    assert "Converting" in stages
    assert track.audio_path.parent == rokgame_home / "cache" / "audio"
    info = sf.info(str(track.audio_path))
    assert (info.format, info.subtype) == ("OGG", "VORBIS") and info.duration == pytest.approx(6.0, abs=0.1)
    assert m4a.is_file()
    assert len(load_chart(track.chart_path).difficulties) == 4


def test_a_local_file_over_the_limit_is_refused(music: Path, quick_charts: None, rokgame_home: Path) -> None:
    with pytest.raises(TooLong, match="“Night Drive” is 0:06 long"):
        prepare_track(str(music / "The Band - Night Drive.wav"), max_minutes=0.05)
    assert library_files(rokgame_home) == []


def test_a_file_that_is_not_audio_is_one_sentence(tmp_path: Path, rokgame_home: Path) -> None:
    fake = tmp_path / "song.mp3"
    fake.write_text("this is not audio")
    with pytest.raises(RokError) as caught:
        prepare_track(str(fake))
    assert "\n" not in str(caught.value) and "song.mp3" in str(caught.value)
    assert library_files(rokgame_home) == []


def test_a_chart_file_is_not_prepared(tmp_path: Path) -> None:
    chart = tmp_path / "song.json"
    chart.write_text("{}")
    with pytest.raises(FetchError, match="is a chart; play it with: rokgame play"):
        prepare_track(str(chart))
