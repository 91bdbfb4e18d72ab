"""A damaged cache is made again, and what a killed process left behind is swept; the player's files stay."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from test_fetch_support import fake_generate_chart_file, make_audio

from rokgame.core.chart_io import read_chart
from rokgame.storage.db import connect
from rokgame.tracks import open_library, prepare_track


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rokgame.analysis.generate_chart_file", fake_generate_chart_file)


def test_a_damaged_generated_chart_is_made_again_on_fetch(quick_charts: None, tmp_path: Path) -> None:
    song = make_audio(tmp_path / "song.wav", 6.0, seed=20)
    track = prepare_track(str(song))
    track.chart_path.write_text('{"format": "rokgame-chart", "song": {"tit', encoding="utf-8")
    again = prepare_track(str(song))  # `rokgame fetch FILE` said "already in your library"
    assert again.track_id == track.track_id
    assert read_chart(again.chart_path).chart is not None
    assert again.note is not None and "made again" in again.note


def test_a_damaged_chart_picked_in_song_select_is_made_again_and_played(quick_charts: None, tmp_path: Path,
                                                                       app) -> None:  # type: ignore[no-untyped-def]
    from rokgame.game.scenes.flow import start_chart
    from rokgame.game.scenes.gameplay import GameplayScene
    from rokgame.game.scenes.menu import MainMenuScene

    song = make_audio(tmp_path / "song.wav", 6.0, seed=21)
    track = prepare_track(str(song))
    track.chart_path.write_bytes(b"\x00" * 100)
    app.push(MainMenuScene(app))
    start_chart(app, track.chart_path, None, track_id=track.track_id)
    for _ in range(3000):
        if isinstance(app.top, GameplayScene):
            break
        app.frame(1 / 60)
        time.sleep(0.001)
    assert isinstance(app.top, GameplayScene)
    assert read_chart(track.chart_path).chart is not None


def test_temp_files_of_a_killed_process_are_swept_at_start(rokgame_home: Path) -> None:
    from rokgame import paths

    old = time.time() - 7200
    left = [paths.replays_dir() / ".play.json.x1y2.tmp", paths.settings_path().with_name(".settings.json.ab.tmp"),
            paths.generated_charts_dir() / ".file-0123456789abcdef.json.zz.tmp"]
    young = paths.replays_dir() / ".other.json.q.tmp"  # another rokgame may be writing it right now
    stray = paths.replays_dir() / "0f0f.json"  # a replay whose play row was never written
    mine = paths.user_charts_dir() / "my-chart.json"
    for file in [*left, young, stray, mine]:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("{}")
    for file in [*left, stray, mine]:
        os.utime(file, (old, old))
    open_library(scan=False).close()
    assert [f.exists() for f in left] == [False, False, False]
    assert young.exists() and mine.exists() and not stray.exists()
    connect().close()


def test_a_silent_file_is_not_offered_as_an_empty_song(tmp_path: Path) -> None:
    import numpy as np
    import soundfile as sf

    from rokgame.errors import FetchError
    from rokgame.storage import library

    silent = tmp_path / "quiet.wav"
    sf.write(str(silent), np.zeros(44100 * 8, dtype=np.float32), 44100)
    with pytest.raises(FetchError, match="sounds silent"):
        prepare_track(str(silent))  # the real charter
    assert [e for e in library.list_entries(connect()) if e.kind == "file"] == []


def test_a_truncated_file_is_listed_at_the_length_that_plays(tmp_path: Path) -> None:
    import subprocess

    from rokgame.fetch.ffmpeg import ffmpeg_exe
    from rokgame.storage import library

    wav = make_audio(tmp_path / "src.wav", 40.0, seed=22)
    full = tmp_path / "full.mp3"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(wav), "-b:a", "128k", str(full)], check=True)
    cut = tmp_path / "partial download.mp3"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])  # its header still says 40 s
    prepare_track(str(cut))
    [entry] = [e for e in library.list_entries(connect()) if e.kind == "file"]
    assert entry.duration == pytest.approx(20.0, abs=1.5)
