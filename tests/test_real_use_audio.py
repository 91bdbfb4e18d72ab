"""What a player notices first: which file the mixer played, and that nothing they own is lost.

These tests take the player's path: the real (windowed) App with the mixer available
(``SDL_AUDIODRIVER=dummy`` is a working, silent device), real audio files on disk, a
data folder reached through a symlink or moved, and they assert what the player would
notice: the file that played, the tracks that are still there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_fetch_support import fake_generate_chart_file, library_files, make_audio

from rokgame.core.chart_io import load_chart
from rokgame.fetch.ffmpeg import ffmpeg_exe
from rokgame.storage import library
from rokgame.storage.db import connect
from rokgame.tracks import open_library, prepare_track, remove_track


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rokgame.analysis.generate_chart_file", fake_generate_chart_file)


@pytest.fixture
def window_app():
    """The game as a player opens it: not headless, so the real mixer is there (silent dummy device)."""
    from rokgame.game import hooks
    from rokgame.game.app import App
    from rokgame.settings import Settings

    hooks.set_daily_provider(None)
    app = App(Settings(), size=(960, 540))
    assert app.audio.available, "the dummy audio driver should give a working mixer"
    yield app
    app.shutdown()
    hooks.set_daily_provider(None, use_default=True)


def _played(app) -> Path | None:  # type: ignore[no-untyped-def]
    loaded = app.audio._music_loaded
    return Path(loaded) if loaded is not None else None


def _start_and_run(app, start) -> object:  # type: ignore[no-untyped-def]
    """Start a song with ``start()`` and run frames until gameplay is on top; return the gameplay scene."""
    from rokgame.game.input import Nav, NavAction
    from rokgame.game.scenes.gameplay import GameplayScene
    from rokgame.game.scenes.loading import LoadingScene

    start()
    for _ in range(2000):
        if isinstance(app.top, GameplayScene):
            return app.top
        if isinstance(app.top, LoadingScene) and app.top.levels is not None:
            app.top.handle(NavAction(Nav.CONFIRM))  # the difficulty the list offers first
            continue
        app.frame(1 / 120)
        import time

        time.sleep(0.002)
    raise AssertionError(f"gameplay never started; on top: {app.top!r}")


def test_a_local_file_added_in_the_game_plays_that_file(window_app, quick_charts: None, tmp_path: Path) -> None:
    from rokgame.game.scenes.flow import start_source

    song = make_audio(tmp_path / "Music" / "The Band - Night Drive.wav", 6.0, seed=5)
    scene = _start_and_run(window_app, lambda: start_source(window_app, str(song), None))
    assert _played(window_app) == song.resolve()
    assert scene.info.audio_path == song.resolve() and not scene.silent


def test_a_local_file_from_song_select_plays_that_file(window_app, quick_charts: None, tmp_path: Path) -> None:
    from rokgame.game.scenes.flow import start_chart

    song = make_audio(tmp_path / "Music" / "Night Drive.ogg", 6.0, seed=6)
    track = prepare_track(str(song))  # `rokgame fetch FILE`, then play it from the list
    [entry] = [e for e in library.list_entries(connect()) if e.track_id == track.track_id]
    _start_and_run(window_app, lambda: start_chart(window_app, entry.chart_path, None, track_id=entry.track_id))
    assert _played(window_app) == song.resolve()


def test_an_edited_copy_of_a_local_tracks_chart_plays_the_file(window_app, quick_charts: None,
                                                                tmp_path: Path) -> None:
    from rokgame.game.scenes.flow import start_chart

    song = make_audio(tmp_path / "Music" / "Edit me.wav", 6.0, seed=7)
    track = prepare_track(str(song))
    copy, _ = library.editable_copy(connect(), track.track_id)  # `rokgame library edit ID`
    # Opened as a chart file (no track id), as `rokgame play COPY.json` does.
    _start_and_run(window_app, lambda: start_chart(window_app, copy, None))
    assert _played(window_app) == song.resolve()


def test_a_demo_song_plays_its_ogg(window_app, repo: Path) -> None:
    from rokgame.game.scenes.flow import start_chart

    chart = repo / "charts" / "neon-drive.json"
    _start_and_run(window_app, lambda: start_chart(window_app, chart, "easy"))
    played = _played(window_app)
    assert played is not None and played.resolve() == (repo / "assets" / "songs" / "neon-drive.ogg").resolve()


def test_a_moved_local_file_says_where_it_was(window_app, quick_charts: None, tmp_path: Path) -> None:
    from rokgame.game.scenes.flow import start_chart

    song = make_audio(tmp_path / "Music" / "Gone.wav", 6.0, seed=8)
    track = prepare_track(str(song))
    song.rename(tmp_path / "Gone-elsewhere.wav")
    scene = _start_and_run(window_app, lambda: start_chart(window_app, track.chart_path, None,
                                                           track_id=track.track_id))
    assert _played(window_app) is None and scene.silent
    assert any(f"moved or deleted: {song.resolve()}" in n.text for n in window_app.notices)


def test_the_headless_report_names_the_audio_file(quick_charts: None, tmp_path: Path, capsys) -> None:
    import json

    from rokgame.cli import main

    song = make_audio(tmp_path / "Music" / "Report.wav", 6.0, seed=9)
    track = prepare_track(str(song))
    out = tmp_path / "report.json"
    assert main(["play", str(track.chart_path), "--headless", "--autoplay", "--report", str(out)]) == 0
    assert json.loads(out.read_text())["audio"] == str(song.resolve())
    song.unlink()
    assert main(["play", str(track.chart_path), "--headless", "--autoplay", "--report", str(out)]) == 0
    assert json.loads(out.read_text())["audio"] is None


# --------------------------------------------------------------------------- nothing the player owns is lost


def test_a_data_folder_reached_by_a_symlink_keeps_every_download(quick_charts: None, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "A"
    monkeypatch.setenv("ROKGAME_HOME", str(real))
    song = make_audio(tmp_path / "Music" / "song.wav", 6.0, seed=10)
    m4a = tmp_path / "Music" / "song.m4a"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(song), "-c:a", "aac", str(m4a)], check=True)
    prepare_track(str(m4a))  # converted into the cache: a file the start-up sweep could delete
    before = library_files(real)
    assert any(name.startswith("cache/audio/") for name in before)

    link = tmp_path / "B"
    link.symlink_to(real)
    monkeypatch.setenv("ROKGAME_HOME", str(link))
    open_library().close()  # what every start does: sweep, then scan
    assert library_files(real) == before
    [entry] = [e for e in library.list_entries(connect()) if e.kind == "file"]
    assert entry.playable


def test_a_moved_portable_home_keeps_working(quick_charts: None, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "stick" / "rokgame"
    monkeypatch.setenv("ROKGAME_HOME", str(old))
    song = make_audio(tmp_path / "Music" / "song.wav", 6.0, seed=11)
    m4a = tmp_path / "Music" / "song.m4a"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(song), "-c:a", "aac", str(m4a)], check=True)
    prepare_track(str(m4a))
    before = library_files(old)
    new = tmp_path / "other-stick" / "rokgame"
    new.parent.mkdir()
    shutil.move(old, new)
    monkeypatch.setenv("ROKGAME_HOME", str(new))
    open_library().close()
    assert library_files(new) == before
    [entry] = [e for e in library.list_entries(connect()) if e.kind == "file"]
    assert entry.playable and entry.audio_path is not None and entry.audio_path.is_relative_to(new)
    again = prepare_track(str(m4a))  # the same file: nothing made again
    assert again.reused


def test_two_copies_of_one_song_are_two_tracks_and_removing_one_keeps_the_other(
        quick_charts: None, tmp_path: Path) -> None:
    first = make_audio(tmp_path / "one" / "song.wav", 6.0, seed=12)
    second = tmp_path / "two" / "song.wav"
    second.parent.mkdir()
    shutil.copyfile(first, second)
    a = prepare_track(str(first))
    b = prepare_track(str(second))
    assert a.track_id != b.track_id and a.chart_path != b.chart_path
    conn = connect()
    assert all(e.playable for e in library.list_entries(conn) if e.kind == "file")
    remove_track(conn, a.track_id)
    [left] = [e for e in library.list_entries(conn) if e.kind == "file"]
    assert left.track_id == b.track_id and left.playable and b.chart_path.is_file()
    assert load_chart(b.chart_path).difficulties


def test_two_copies_of_one_m4a_share_nothing_removal_could_break(tmp_path: Path, quick_charts: None) -> None:
    wav = make_audio(tmp_path / "src.wav", 6.0, seed=13)
    one, two = tmp_path / "one.m4a", tmp_path / "d" / "one.m4a"
    two.parent.mkdir()
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(wav), "-c:a", "aac", str(one)], check=True)
    shutil.copyfile(one, two)
    a, b = prepare_track(str(one)), prepare_track(str(two))
    remove_track(connect(), a.track_id)
    assert b.audio_path.is_file() and b.chart_path.is_file()


def test_a_converted_file_is_not_converted_or_charted_again(tmp_path: Path, quick_charts: None,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    wav = make_audio(tmp_path / "src.wav", 6.0, seed=14)
    m4a = tmp_path / "song.m4a"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(wav), "-c:a", "aac", str(m4a)], check=True)
    first = prepare_track(str(m4a))
    calls: list[object] = []
    monkeypatch.setattr("rokgame.fetch.ffmpeg.convert_to_ogg", lambda *a, **k: calls.append(a))
    monkeypatch.setattr("rokgame.analysis.generate_chart_file", lambda *a, **k: calls.append(a))
    again = prepare_track(str(m4a))
    assert again.reused and again.audio_path == first.audio_path and calls == []


def test_the_blas_threads_are_limited_before_numpy_loads() -> None:
    # soundfile (for a new file's length) brought numpy in before the analysis set the limit: two BLAS
    # pools fought over two cores. Whatever imports numpy first, rokgame's own import comes before it.
    code = ("import rokgame.tracks, soundfile, numpy, threadpoolctl; "
            "print(max(p['num_threads'] for p in threadpoolctl.threadpool_info() if p['user_api'] == 'blas'))")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"


def test_a_track_from_add_track_lets_the_player_pick_the_difficulty(app, quick_charts: None,
                                                                    tmp_path: Path) -> None:
    import time

    from rokgame.game.input import Nav, NavAction
    from rokgame.game.scenes.add_track import AddTrackScene
    from rokgame.game.scenes.gameplay import GameplayScene
    from rokgame.game.scenes.loading import LoadingScene
    from rokgame.game.scenes.menu import MainMenuScene

    song = make_audio(tmp_path / "Pick me.wav", 8.0, seed=15)
    app.settings.last_difficulty = "expert"
    app.push(MainMenuScene(app))
    add = app.push(AddTrackScene(app, str(song)))
    add.handle(NavAction(Nav.CONFIRM))
    loading = app.top
    assert isinstance(loading, LoadingScene)
    for _ in range(3000):
        if loading.levels is not None:
            break
        app.frame(1 / 60)
        time.sleep(0.001)
    assert isinstance(app.top, LoadingScene) and loading.levels is not None, "it must not start on its own"
    rows = [(item.key, item.detail) for item in loading.levels.items]
    assert [key for key, _ in rows] == ["easy", "expert"]  # what this chart has, easiest first
    assert all(value and value.split()[1] == "notes" for _, value in rows)
    assert loading.levels.selected.key == "expert"  # the last difficulty played is offered first
    app.frame(1 / 60)
    app.screenshot(Path("tests/artifacts/screens/loading-pick-difficulty.png"))
    loading.handle(NavAction(Nav.UP))
    loading.handle(NavAction(Nav.CONFIRM))
    assert isinstance(app.top, GameplayScene) and app.top.difficulty == "easy"


def test_a_downloaded_link_plays_its_cached_file(window_app, quick_charts: None, tmp_path: Path) -> None:
    from test_fetch_support import serve

    from rokgame.game.scenes.flow import start_source

    root = tmp_path / "www"
    make_audio(root / "tune.wav", 6.0, seed=16)
    for server in serve(root):  # the fixture-style generator: the server stops when the loop ends
        link = server.link("tune.wav")
        _start_and_run(window_app, lambda link=link: start_source(window_app, link, None))
        played = _played(window_app)
        assert played is not None and played.parent.name == "audio" and played.name.startswith("url-")
        assert played.read_bytes() == (root / "tune.wav").read_bytes()


def test_the_daily_track_plays_its_demo_song(window_app, repo: Path) -> None:
    from rokgame.game.scenes.flow import start_chart

    # The offline Daily Track is a demo song's chart, started with its date (as the Daily screen does).
    chart = repo / "charts" / "sunday-groove.json"
    _start_and_run(window_app, lambda: start_chart(window_app, chart, "easy", daily_date="2026-12-08"))
    played = _played(window_app)
    assert played is not None and played.resolve() == (repo / "assets" / "songs" / "sunday-groove.ogg").resolve()
