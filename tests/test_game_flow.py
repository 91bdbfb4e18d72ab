"""Workers behind the loading screen, scores saved after a play, controller-only menus."""

from __future__ import annotations

import threading
import time

import pygame
import pytest

from rokgame.core.chart_io import save_chart
from rokgame.core.clock import ManualClock
from rokgame.core.replay import autoplay
from rokgame.game import hooks
from rokgame.game.app import App
from rokgame.game.audio import ManualPlayer
from rokgame.game.input import LaneAction
from rokgame.game.scenes.flow import make_gameplay
from rokgame.game.scenes.loading import LoadingScene
from rokgame.game.workers import Worker


@pytest.fixture
def app_size() -> tuple[int, int]:
    return (640, 360)  # small: these tests are about the flow between screens, not their look


def wait_for(app: App, condition, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        app.frame(0.01)
        time.sleep(0.005)


def test_loading_screen_shows_progress_then_hands_over(app):
    from rokgame.game.scenes.menu import MainMenuScene

    app.push(MainMenuScene(app))
    gate = threading.Event()
    results = []

    def job(worker: Worker):
        worker.progress(0.25, "Downloading")
        gate.wait(5)
        worker.progress(0.8, "Charting")
        return "the chart"

    loading = app.push(LoadingScene(app, "A song", job, on_done=results.append))
    wait_for(app, lambda: loading.stage == "Downloading")
    assert loading.fraction == 0.25
    gate.set()
    wait_for(app, lambda: results == ["the chart"])


def test_cancel_stops_the_worker_and_leaves(app):
    from rokgame.game.scenes.menu import MainMenuScene

    menu = app.push(MainMenuScene(app))

    def job(worker: Worker):
        while not worker.cancelled:
            worker.progress(0.1, "Downloading")
            time.sleep(0.01)
        raise RuntimeError("stopped")

    app.push(LoadingScene(app, "A song", job))
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0))
    wait_for(app, lambda: app.top is menu)


def test_a_failure_is_one_sentence_on_screen(app, monkeypatch):
    import rokgame.tracks
    from rokgame.errors import FetchError
    from rokgame.game.scenes.add_track import AddTrackScene

    def refuse(source, **kw):
        raise FetchError("This video is private: rokgame can't download it.")

    monkeypatch.setattr(rokgame.tracks, "prepare_track", refuse)
    add = app.push(AddTrackScene(app))
    for ch in "https://youtu.be/x":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_RETURN, mod=0))
    wait_for(app, lambda: isinstance(app.top, LoadingScene) and app.top.error is not None)
    assert app.top.error == "This video is private: rokgame can't download it."
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0))
    app.frame(0.01)
    assert app.top is add


def test_a_prepared_track_opens_in_gameplay(app, monkeypatch, make_chart, tmp_path):
    import rokgame.tracks
    from rokgame.game.scenes.flow import start_source
    from rokgame.game.scenes.gameplay import GameplayScene

    path = tmp_path / "prepared.json"
    save_chart(make_chart(), path)
    seen = {}

    def prepare(source, *, progress=None, cancel=None, choose=None):
        seen["source"] = source
        progress(0.5, "Charting")
        return rokgame.tracks.PreparedTrack(track_id=None, chart_path=path, audio_path=tmp_path / "x.ogg",
                                            title="T", artist="A", source=source)

    monkeypatch.setattr(rokgame.tracks, "prepare_track", prepare)
    from rokgame.game.scenes.menu import MainMenuScene

    app.push(MainMenuScene(app))
    start_source(app, "some artist - some song", "expert")
    wait_for(app, lambda: isinstance(app.top, GameplayScene))
    assert seen["source"] == "some artist - some song" and app.top.difficulty == "expert"


def test_a_finished_play_is_saved_and_is_a_new_best(app, make_chart, tmp_path):
    from rokgame.game.scenes.results import ResultsScene
    from rokgame.game.songs import scan_chart_folders

    path = tmp_path / "song.json"
    chart = make_chart()
    save_chart(chart, path)
    clock = ManualClock()
    scene = make_gameplay(app, chart, path, "expert", player=ManualPlayer(clock), show_results=True)
    app.push(scene)
    for event in autoplay(chart.difficulty("expert").notes):
        clock.set(event.t)
        scene.handle(LaneAction(event.lane, event.down, event.t))
    clock.set(scene.session.end_time)
    scene.update(0)
    assert app.top is scene  # a moment to see the last judgement
    clock.set(scene.session.end_time + 1.5)
    scene.update(0)
    assert isinstance(app.top, ResultsScene) and app.top.new_best
    entry = scan_chart_folders([tmp_path])[0]
    from rokgame.game.songs import attach_bests

    attach_bests([entry])
    assert entry.bests["expert"]["score"] == scene.session.score.score > 0


def test_menus_work_with_a_controller_alone(app):
    from rokgame.game.scenes.menu import MainMenuScene
    from rokgame.game.scenes.settings import SettingsScene
    from rokgame.game.scenes.song_select import SongSelectScene

    menu = app.push(MainMenuScene(app))

    def pad(button: int) -> None:
        pygame.event.post(pygame.event.Event(pygame.CONTROLLERBUTTONDOWN, instance_id=0, button=button))
        pygame.event.post(pygame.event.Event(pygame.CONTROLLERBUTTONUP, instance_id=0, button=button))
        app.frame(0.01)

    pad(pygame.CONTROLLER_BUTTON_A)
    assert isinstance(app.top, SongSelectScene)
    pad(pygame.CONTROLLER_BUTTON_B)
    assert app.top is menu
    for _ in range(3):
        pad(pygame.CONTROLLER_BUTTON_DPAD_DOWN)
    pad(pygame.CONTROLLER_BUTTON_A)
    assert isinstance(app.top, SettingsScene)
    pad(pygame.CONTROLLER_BUTTON_DPAD_DOWN)
    before = app.settings.visual_offset_ms
    pad(pygame.CONTROLLER_BUTTON_DPAD_RIGHT)
    assert app.settings.visual_offset_ms == before + 1
    pad(pygame.CONTROLLER_BUTTON_B)
    assert app.top is menu


def test_daily_provider_fills_the_menu_panel_without_blocking(app):
    from rokgame.game.scenes.menu import MainMenuScene

    hooks.set_daily_provider(lambda: hooks.DailyView("Neon Drive", "rokgame demo", ["why"]))
    menu = app.push(MainMenuScene(app))
    assert menu.daily_state == "loading"
    wait_for(app, lambda: menu.daily is not None)
    assert menu.daily.title == "Neon Drive"


def test_background_work_waits_while_a_song_is_played_and_goes_on_after(app, make_chart, tmp_path, monkeypatch):
    from rokgame.game import workers
    from rokgame.game.scenes.results import ResultsScene

    monkeypatch.setattr(workers, "HOLD_LEASE", 60.0)  # a slow test machine must not let the lease lapse
    steps: list[str] = []
    song_started = threading.Event()

    def charting(worker: Worker) -> str:  # the Daily Track prefetch's shape: work, report, work
        steps.append("decoded")
        song_started.wait(10)
        worker.progress(0.3, "Analysing")
        steps.append("charted")
        return "chart"

    worker = Worker(charting, name="prefetch-like", post=lambda event: None).start()  # from the menu
    try:
        wait_for(app, lambda: steps == ["decoded"])
        path = tmp_path / "song.json"
        chart = make_chart()
        save_chart(chart, path)
        clock = ManualClock()
        scene = make_gameplay(app, chart, path, "expert", player=ManualPlayer(clock), show_results=True)
        app.push(scene)
        app.frame(0.01)
        waits = workers.background.waits
        song_started.set()
        wait_for(app, lambda: workers.background.waits > waits)
        for event in autoplay(chart.difficulty("expert").notes):
            clock.set(event.t)
            scene.handle(LaneAction(event.lane, event.down, event.t))
            app.frame(0.01)
        clock.set(scene.session.end_time)
        app.frame(0.01)
        assert steps == ["decoded"] and worker.thread.is_alive(), "no background work while the song plays"
        clock.set(scene.session.end_time + 1.5)
        app.frame(0.01)
        assert isinstance(app.top, ResultsScene)
        worker.thread.join(10)
        assert steps == ["decoded", "charted"], "the work goes on once the song is over"
    finally:
        workers.background.release()
        worker.cancel()


def test_a_gameplay_screen_that_vanishes_never_stops_background_work_for_good():
    from rokgame.game.workers import BackgroundWork

    gate = BackgroundWork()
    gate.hold(0.05)  # a screen renewed its hold once, then was never updated again
    waited = gate.wait(threading.Event())
    assert waited > 0 and not gate.held
    gate.hold(60.0)
    cancel = threading.Event()
    cancel.set()
    assert gate.wait(cancel) < 1.0, "quitting the game (cancel) wakes a waiting worker at once"


def test_a_worker_started_while_a_song_plays_begins_when_it_is_over(monkeypatch):
    from rokgame.game import workers

    gate = workers.BackgroundWork()
    gate.hold(60.0)  # `rokgame play SONG` opens straight into gameplay, then starts the Daily prefetch
    began = threading.Event()
    worker = Worker(lambda _w: began.set(), name="prefetch-like", post=lambda event: None, gate=gate).start()
    assert not began.wait(0.2) and worker.thread.is_alive(), "nothing runs while the song plays"
    gate.release()
    assert began.wait(10), "the song is over: the work begins"
