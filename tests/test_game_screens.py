"""Every screen renders at 1280×720 and 1920×1080 (PNGs in tests/artifacts/ to look at) and works by keyboard."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pygame
import pytest

from rokgame.core.judge import InputEvent
from rokgame.core.replay import autoplay
from rokgame.game import hooks
from rokgame.game.app import App
from rokgame.game.audio import ManualPlayer
from rokgame.game.scenes.flow import make_gameplay

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "screens"
SIZES = [(1280, 720), (1920, 1080)]


def shoot(app: App, name: str, size: tuple[int, int]) -> pygame.Surface:
    app.resize(size)
    app.frame(1 / 60)
    path = app.screenshot(ARTIFACTS / f"{name}-{size[0]}x{size[1]}.png")
    assert path.stat().st_size > 0
    surface = pygame.display.get_surface()
    # A screen that drew nothing is one flat colour; a finished one has text and panels.
    small = pygame.transform.smoothscale(surface, (64, 36))
    colours = {small.get_at((x, y))[:3] for x in range(64) for y in range(36)}
    assert len(colours) > 40, f"{name} at {size} looks empty"
    return surface


def listed(app: App, scene):
    """Frames until song select has read the library on its worker (the list arrives as an event)."""
    end = time.monotonic() + 10
    while scene.loading:
        assert time.monotonic() < end, "the song list never arrived"
        app.frame(1 / 60)
        time.sleep(0.002)
    return scene


def play_until(app: App, scene, t: float, events=()) -> None:
    """Advance a gameplay scene on its manual clock to song time ``t``, feeding ``events`` as key presses."""
    keys = [pygame.key.key_code(c[0].partition(":")[2]) for c in app.input.bindings()]
    clock = scene.player.clock
    for event in sorted(events, key=lambda e: e.t):
        if event.t > t:
            break
        clock.set(event.t)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN if event.down else pygame.KEYUP, key=keys[event.lane]))
        app.pump()
        scene.update(0)
    clock.set(t)
    scene.update(0)


def gameplay(app: App, make_chart, **kw):
    from rokgame.core.clock import ManualClock

    chart = make_chart(**kw)
    scene = make_gameplay(app, chart, None, "expert", player=ManualPlayer(ManualClock()), record=False)
    app.push(scene)
    return chart, scene


@pytest.mark.parametrize("size", SIZES)
def test_menus_render(app, size, make_chart):
    from rokgame.game.scenes.add_track import AddTrackScene
    from rokgame.game.scenes.daily import DailyScene
    from rokgame.game.scenes.menu import MainMenuScene
    from rokgame.game.scenes.song_select import SongSelectScene

    menu = app.push(MainMenuScene(app))
    menu.daily = hooks.DailyView("Neon Drive", "rokgame demo", ["Picked for a Friday: fast and bright",
                                                                "Not played yet today · suggested: hard",
                                                                "Streak: 3 days", "Next track in 5 h 12 min"],
                                 difficulty="hard", chart_path=Path("charts/neon-drive.json"))
    shoot(app, "menu", size)
    listed(app, app.push(SongSelectScene(app)))
    shoot(app, "song-select", size)
    app.pop()
    app.push(DailyScene(app, menu.daily))
    shoot(app, "daily", size)
    app.pop()
    app.push(AddTrackScene(app, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"))
    shoot(app, "add-track", size)


@pytest.mark.parametrize("size", SIZES)
def test_settings_and_calibration_render(app, size):
    from rokgame.game.scenes.calibration import CalibrationScene
    from rokgame.game.scenes.settings import RemapScene, SettingsScene

    app.push(SettingsScene(app))
    shoot(app, "settings", size)
    app.push(RemapScene(app, 5))
    shoot(app, "remap", size)
    app.pop()
    calibration = app.push(CalibrationScene(app))
    shoot(app, "calibration-intro", size)
    from rokgame.game.scenes.calibration import BEAT, COUNT_IN, LEAD, TAP_BEATS, summarise, tap_errors

    drift = [0.012 + 0.003 * (k % 5) + (0.045 if k == 9 else 0.0) for k in range(TAP_BEATS)]  # one stray tap
    calibration.taps = [LEAD + (COUNT_IN + k) * BEAT + e for k, e in enumerate(drift)]
    calibration.state, calibration.too_few = "audio_result", False
    calibration.median_ms, calibration.spread_ms = summarise(tap_errors(calibration.taps))
    shoot(app, "calibration-result", size)
    calibration.start_visual()
    shoot(app, "calibration-visual", size)


@pytest.mark.parametrize("size", SIZES)
def test_loading_renders_progress_and_errors(app, size):
    from rokgame.game.scenes.loading import LoadingScene

    loading = app.push(LoadingScene(app, "Some Artist - Some Song", None))
    loading.fraction = loading.shown_fraction = 0.42
    loading.stage = "Finding the beats"
    shoot(app, "loading", size)
    loading.error = "This video is private: rokgame can't download it."
    shoot(app, "loading-error", size)


@pytest.mark.parametrize("size", SIZES)
def test_gameplay_pause_and_results_render(app, size, make_chart):
    chart, scene = gameplay(app, make_chart)
    notes = chart.difficulty("expert").notes
    # Early and late presses, one missed note, then the hold at 7.0 s held through the screenshot.
    events = [InputEvent(e.t + (0.03 if i % 3 == 0 else 0.0), e.lane, e.down)
              for i, e in enumerate(autoplay(notes)) if e.t != 3.0]
    play_until(app, scene, 7.3, events)
    assert scene.session.judge.holding(1) is not None, "the hold in lane 1 is being held"
    shoot(app, "gameplay", size)
    scene.pause()
    shoot(app, "pause", size)
    app.pop()
    scene.paused = False
    play_until(app, scene, scene.session.end_time + 2.0)
    scene.finish()
    shoot(app, "results", size)


def test_lefty_colourblind_seven_lanes(app, make_chart):
    app.settings.lefty = True
    app.settings.colorblind = True
    _, scene = gameplay(app, make_chart, lanes=7,
                            notes=[(1.0 + 0.15 * i, i % 7, 0.6 if i % 5 == 0 else 0.0) for i in range(30)])
    play_until(app, scene, 1.2)
    shoot(app, "gameplay-7-lanes-lefty-colourblind", (1280, 720))
    app.settings.lefty = app.settings.colorblind = False


def test_keyboard_alone_reaches_gameplay_and_back(app, tmp_path, monkeypatch):
    from rokgame.game.scenes.gameplay import GameplayScene
    from rokgame.game.scenes.menu import MainMenuScene
    from rokgame.game.scenes.pause import PauseScene
    from rokgame.game.scenes.song_select import SongSelectScene

    app.push(MainMenuScene(app))

    def press(key: int) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0))
        app.frame(1 / 60)

    press(pygame.K_RETURN)                      # Play
    assert isinstance(app.top, SongSelectScene)
    assert listed(app, app.top).visible, "the demo songs are listed"
    press(pygame.K_RIGHT)                       # a harder difficulty
    press(pygame.K_RETURN)
    assert isinstance(app.top, GameplayScene)
    press(pygame.K_ESCAPE)
    assert isinstance(app.top, PauseScene)
    press(pygame.K_ESCAPE)                      # Esc on the pause screen resumes, with a count-in
    assert isinstance(app.top, GameplayScene) and app.top.count_in_until is not None
    press(pygame.K_ESCAPE)
    press(pygame.K_DOWN)
    press(pygame.K_DOWN)
    press(pygame.K_RETURN)                      # Quit to song list
    assert isinstance(app.top, SongSelectScene) and app.top.visible, "the list stays while it is read again"
    listed(app, app.top)
    press(pygame.K_ESCAPE)
    assert isinstance(app.top, MainMenuScene)


def test_song_select_type_to_search(app):
    from rokgame.game.scenes.song_select import SongSelectScene

    scene = listed(app, app.push(SongSelectScene(app)))
    everything = len(scene.visible)
    assert everything >= 3
    for ch in "groove":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    app.frame(1 / 60)
    assert [e.title for e in scene.visible] == ["Sunday Groove"]
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0))
    app.frame(1 / 60)
    assert len(scene.visible) == everything and app.top is scene  # Esc clears the search first


@pytest.mark.parametrize("size", [*SIZES, (640, 360), (800, 600)])
@pytest.mark.parametrize("lanes", [5, 7])
def test_the_judgement_pop_up_never_covers_the_highway(app, make_chart, size, lanes):
    from rokgame.game.render.highway import Layout
    from rokgame.game.render.hud import HudInfo, Popup, draw_hud

    _, scene = gameplay(app, make_chart, lanes=lanes)
    app.resize(size)
    L = Layout.for_size(size, lanes)
    info = HudInfo("Test Song", "Test Artist", "expert", 0.5, 1.5, False, False)
    canvases = []
    for popup in (None, Popup("perfect", None, app.now), Popup("great", "LATE", app.now)):
        canvas = pygame.Surface(size)
        draw_hud(app, canvas, L, scene.session.score, info, popup, failed=False)
        canvases.append(canvas)
    without = pygame.surfarray.array3d(canvases[0])
    for with_popup in canvases[1:]:
        xs, ys = (pygame.surfarray.array3d(with_popup) != without).any(axis=2).nonzero()
        assert len(xs), "the pop-up is drawn"
        for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
            s = (y - L.vanish_y) / (L.hit_y - L.vanish_y)  # the highway's perspective scale on this row
            assert not L.cx - L.half_width(s) <= x <= L.cx + L.half_width(s), \
                f"the pop-up covers the highway at {(x, y)}"
        assert ys.min() <= L.hit_y <= ys.max(), "the pop-up sits level with the strike line"


def test_song_select_reads_the_library_off_the_main_thread(app, monkeypatch):
    from rokgame.game import songs
    from rokgame.game.scenes.song_select import SongSelectScene

    real = songs.list_songs
    readers: list[threading.Thread] = []
    go = threading.Event()

    def slow_library():  # type: ignore[no-untyped-def]
        readers.append(threading.current_thread())
        go.wait(10)  # a big library, or a folder of new charts seen for the first time
        return real()

    monkeypatch.setattr(songs, "list_songs", slow_library)
    scene = app.push(SongSelectScene(app))
    app.frame(1 / 60)
    assert readers and readers[0] is not threading.main_thread(), "the screen opened before the library was read"
    assert scene.loading and not scene.visible
    shoot(app, "song-select-reading", (1280, 720))
    go.set()
    listed(app, scene)
    assert len(scene.visible) >= 3


def test_a_score_is_in_the_song_list_when_the_player_comes_back(app):
    from rokgame.core.replay import autoplay
    from rokgame.game.input import LaneAction
    from rokgame.game.scenes.gameplay import GameplayScene
    from rokgame.game.scenes.menu import MainMenuScene
    from rokgame.game.scenes.results import ResultsScene
    from rokgame.game.scenes.song_select import SongSelectScene

    def enter() -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_RETURN, mod=0))
        app.frame(1 / 60)

    app.push(MainMenuScene(app))
    enter()                                     # Play
    songs = listed(app, app.top)
    entry = songs.selected
    assert isinstance(songs, SongSelectScene) and entry is not None and not entry.bests, "never played yet"
    enter()
    play = app.top
    assert isinstance(play, GameplayScene)
    # Play it perfectly at each note's own time (the real song clock would take the song's length).
    for event in autoplay(play.notes):
        play.handle(LaneAction(event.lane, event.down, event.t))
    play.session.update(play.session.end_time + 1)
    play.finish()
    assert isinstance(app.top, ResultsScene) and app.top.new_best
    enter()                                     # Continue
    assert app.top is songs
    listed(app, songs)
    assert songs.selected is not None and songs.selected.chart_path == entry.chart_path, "the same song stays chosen"
    best = songs.selected.bests[play.difficulty]
    assert best["score"] == play.session.score.score > 0 and best["stars"] == 5
    shoot(app, "song-select-after-a-play", (1280, 720))
