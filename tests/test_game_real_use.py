"""What a player meets in the window: alt-tab pauses, quitting asks once, results lead back where they came from."""

from __future__ import annotations

import pygame

from rokgame.core.chart_io import save_chart
from rokgame.game.input import Nav, NavAction


def press(app, key: int) -> None:  # type: ignore[no-untyped-def]
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0))
    app.frame(1 / 60)


def test_enter_on_quit_asks_once_before_the_game_closes(app) -> None:  # type: ignore[no-untyped-def]
    from rokgame.game.scenes.menu import MainMenuScene

    app.push(MainMenuScene(app))
    press(app, pygame.K_ESCAPE)  # Esc highlights Quit...
    press(app, pygame.K_RETURN)  # ...and an Enter meant for something else only asks
    assert app.running
    assert app.top.menu.selected.label == "Really quit?"
    app.frame(1 / 60)
    app.screenshot("tests/artifacts/screens/menu-quit-asks.png")
    press(app, pygame.K_ESCAPE)  # Esc on the question: stay
    assert app.running and app.top.menu.selected.label == "Quit"
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    assert not app.running


def test_losing_window_focus_mid_song_pauses(app, make_chart, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rokgame.game.scenes.flow import start_chart
    from rokgame.game.scenes.menu import MainMenuScene
    from rokgame.game.scenes.pause import PauseScene

    app.headless = False  # the focus rule is for windows; the fixture's app only skips the real display
    path = tmp_path / "c.json"
    save_chart(make_chart(), path)
    app.push(MainMenuScene(app))
    game = start_chart(app, path, "expert")
    app.frame(1 / 60)
    pygame.event.post(pygame.event.Event(pygame.WINDOWFOCUSLOST))
    app.frame(1 / 60)
    assert isinstance(app.top, PauseScene) and game.paused
    assert app.top.reason == "The window lost focus"
    app.headless = True


def test_a_daily_track_leads_back_to_the_daily_screen(app, make_chart, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rokgame.game.scenes.daily import DailyScene
    from rokgame.game.scenes.flow import start_chart
    from rokgame.game.scenes.menu import MainMenuScene
    from rokgame.game.scenes.pause import PauseScene

    path = tmp_path / "c.json"
    save_chart(make_chart(), path)
    app.push(MainMenuScene(app))
    daily = app.push(DailyScene(app, None, state="none"))
    game = start_chart(app, path, "expert", daily_date="2026-12-08")
    game.pause()
    pause = app.top
    assert isinstance(pause, PauseScene)
    assert [item.label for item in pause.menu.items][-1] == "Quit to Daily Track"
    pause.choose("quit")
    assert app.top is daily


def test_a_song_from_add_track_says_it_quits_to_the_main_menu(app, make_chart, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rokgame.game.scenes.add_track import AddTrackScene
    from rokgame.game.scenes.flow import start_chart
    from rokgame.game.scenes.menu import MainMenuScene
    from rokgame.game.scenes.pause import PauseScene

    path = tmp_path / "c.json"
    save_chart(make_chart(), path)
    menu = app.push(MainMenuScene(app))
    app.push(AddTrackScene(app))
    game = start_chart(app, path, "expert")
    game.pause()
    assert isinstance(app.top, PauseScene)
    assert app.top.menu.items[-1].label == "Quit to main menu"
    app.top.handle(NavAction(Nav.UP))
    app.top.choose("quit")
    assert app.top is menu


def test_notices_in_a_song_stay_off_the_highway(app, make_chart, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rokgame.game.scenes.flow import start_chart

    path = tmp_path / "c.json"
    save_chart(make_chart(), path)
    game = start_chart(app, path, "expert")
    for text in ("Scroll time 1.6 s", "Can't play song.ogg (unknown format); playing silently.",
                 "Controller connected: a very long controller name that goes on and on"):
        app.notify(text, 30.0)
    app.frame(1 / 60)
    app.screenshot("tests/artifacts/screens/gameplay-notices.png")
    area = game.notice_area(app.screen.get_size())
    layout = game.highway.ensure(app.screen.get_size(), app.backgrounds.get(app.screen.get_size()))
    assert area.left > layout.right and area.bottom < layout.hit_y  # beside the highway, above the frets
    # And something is drawn there: the panel's border colour shows in the area.
    pixels = {app.screen.get_at((x, y))[:3] for x in range(area.left, area.right, 3)
              for y in range(area.top, min(area.bottom, area.top + 60), 3)}
    from rokgame.game import theme

    assert tuple(theme.ACCENT) in pixels


def test_without_a_display_the_game_says_so_and_exits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    for driver in (None, "", "x11"):  # unset (SDL falls back to an invisible window), empty, a named one
        env = {**base, "SDL_AUDIODRIVER": "dummy", **({"SDL_VIDEODRIVER": driver} if driver is not None else {})}
        done = subprocess.run([sys.executable, "-m", "rokgame"], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 1, driver
        assert "rokgame: there is no display to open the game window on" in done.stderr
        assert "Traceback" not in done.stderr


def test_calibration_shows_a_late_result_on_its_plot_and_counts_taps_in_words(app) -> None:  # type: ignore[no-untyped-def]
    from rokgame.game.scenes.calibration import (
        BEAT,
        COUNT_IN,
        LEAD,
        TAP_BEATS,
        CalibrationScene,
        plot_half_width,
        summarise,
        tap_errors,
    )

    calibration = app.push(CalibrationScene(app))
    late = [0.183 + 0.004 * (k % 3) for k in range(TAP_BEATS)]  # a +183 ms player (Bluetooth headphones)
    calibration.taps = [LEAD + (COUNT_IN + k) * BEAT + e for k, e in enumerate(late)]
    calibration.state, calibration.too_few = "audio_result", False
    calibration.median_ms, calibration.spread_ms = summarise(tap_errors(calibration.taps))
    assert plot_half_width([e * 1000 for e in late], calibration.median_ms, calibration.spread_ms) == 200
    app.frame(1 / 60)
    app.screenshot("tests/artifacts/screens/calibration-late-result.png")
    calibration.taps = [LEAD + (COUNT_IN + 1) * BEAT]
    calibration.finish_audio()
    app.frame(1 / 60)
    drawn = [key[2] for key in app.text._cache]  # every string drawn (role, size, text, colour)
    assert any(text.startswith("Only 1 tap counted") for text in drawn)
