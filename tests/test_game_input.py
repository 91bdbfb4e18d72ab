"""Keyboard, joystick and controller events become the right lane presses and menu actions."""

from __future__ import annotations

import itertools
from pathlib import Path

import pygame
import pytest

from rokgame.game.input import (
    DEFAULT_KEYS,
    DeviceAction,
    InputMapper,
    LaneAction,
    Nav,
    NavAction,
    control_label,
)


def key(kind: int, name: str) -> pygame.event.Event:
    return pygame.event.Event(kind, key=pygame.key.key_code(name), mod=0)


def lanes(actions) -> list[tuple[int, bool, float]]:
    return [(a.lane, a.down, a.t) for a in actions if isinstance(a, LaneAction)]


def navs(actions) -> list[Nav]:
    return [a.nav for a in actions if isinstance(a, NavAction)]


@pytest.fixture(autouse=True)
def _pygame():
    pygame.display.init()
    yield


@pytest.mark.parametrize(("count", "keys"), sorted(DEFAULT_KEYS.items()))
def test_default_keys_for_every_lane_count(count, keys):
    mapper = InputMapper(count)
    for lane, name in enumerate(keys):
        assert lanes(mapper.translate(key(pygame.KEYDOWN, name), 1.5)) == [(lane, True, 1.5)]
        assert lanes(mapper.translate(key(pygame.KEYUP, name), 1.6)) == [(lane, False, 1.6)]


def test_five_lane_layout_is_d_f_space_j_k():
    assert DEFAULT_KEYS[5] == ("d", "f", "space", "j", "k")
    assert DEFAULT_KEYS[4] == ("d", "f", "j", "k")


def test_key_repeat_never_presses_a_lane_twice_but_repeats_menu_moves():
    mapper = InputMapper(5)
    assert lanes(mapper.translate(key(pygame.KEYDOWN, "d"), 1.0)) == [(0, True, 1.0)]
    assert lanes(mapper.translate(key(pygame.KEYDOWN, "d"), 1.3)) == []  # SDL key repeat
    mapper.translate(key(pygame.KEYDOWN, "down"), 0)
    repeat = mapper.translate(key(pygame.KEYDOWN, "down"), 0)
    assert navs(repeat) == [Nav.DOWN] and repeat[0].repeat


def test_escape_is_back_and_pause_enter_confirms():
    mapper = InputMapper(5)
    assert navs(mapper.translate(key(pygame.KEYDOWN, "escape"), 0)) == [Nav.BACK, Nav.PAUSE]
    assert navs(mapper.translate(key(pygame.KEYDOWN, "return"), 0)) == [Nav.CONFIRM]
    assert navs(mapper.translate(key(pygame.KEYDOWN, "f11"), 0)) == [Nav.FULLSCREEN]


def test_remapped_keys_swap_instead_of_doubling():
    mapper = InputMapper(5)
    mapper.bind(0, "key:a")
    assert lanes(mapper.translate(key(pygame.KEYDOWN, "a"), 2.0)) == [(0, True, 2.0)]
    assert lanes(mapper.translate(key(pygame.KEYDOWN, "d"), 2.0)) == []
    mapper.bind(1, "key:a")  # A moves to lane 1; lane 0 takes lane 1's old key (F)
    assert mapper.keys["5"] == ["f", "a", "space", "j", "k"]
    again = InputMapper(5, keys=mapper.keys)
    assert lanes(again.translate(key(pygame.KEYDOWN, "f"), 0)) == [(0, True, 0)]


def test_joystick_buttons_hats_and_axes_are_lanes_and_menus():
    mapper = InputMapper(5)
    down = pygame.event.Event(pygame.JOYBUTTONDOWN, instance_id=3, button=2)
    up = pygame.event.Event(pygame.JOYBUTTONUP, instance_id=3, button=2)
    assert lanes(mapper.translate(down, 4.0)) == [(2, True, 4.0)]
    assert lanes(mapper.translate(up, 4.1)) == [(2, False, 4.1)]
    hat_up = pygame.event.Event(pygame.JOYHATMOTION, instance_id=3, hat=0, value=(0, 1))
    assert navs(mapper.translate(hat_up, 0)) == [Nav.UP]
    mapper.bind(4, "joy:axis:2:+")  # a whammy/tilt axis as the orange lane
    mapper.bind(3, "joy:hat:0:left")
    past = pygame.event.Event(pygame.JOYAXISMOTION, instance_id=3, axis=2, value=0.8)
    wobble = pygame.event.Event(pygame.JOYAXISMOTION, instance_id=3, axis=2, value=0.45)
    back = pygame.event.Event(pygame.JOYAXISMOTION, instance_id=3, axis=2, value=0.1)
    assert lanes(mapper.translate(past, 5.0)) == [(4, True, 5.0)]
    assert lanes(mapper.translate(wobble, 5.1)) == []  # hysteresis: no chatter around the threshold
    assert lanes(mapper.translate(back, 5.2)) == [(4, False, 5.2)]
    left = pygame.event.Event(pygame.JOYHATMOTION, instance_id=3, hat=0, value=(-1, 0))
    centre = pygame.event.Event(pygame.JOYHATMOTION, instance_id=3, hat=0, value=(0, 0))
    assert lanes(mapper.translate(left, 6.0)) == [(3, True, 6.0)]
    assert lanes(mapper.translate(centre, 6.2)) == [(3, False, 6.2)]


def test_game_controller_buttons_use_guitar_hero_colours():
    mapper = InputMapper(5)
    order = [pygame.CONTROLLER_BUTTON_A, pygame.CONTROLLER_BUTTON_B, pygame.CONTROLLER_BUTTON_Y,
             pygame.CONTROLLER_BUTTON_X, pygame.CONTROLLER_BUTTON_LEFTSHOULDER]
    for lane, button in enumerate(order):
        event = pygame.event.Event(pygame.CONTROLLERBUTTONDOWN, instance_id=0, button=button)
        assert lanes(mapper.translate(event, 1.0)) == [(lane, True, 1.0)]
    start = pygame.event.Event(pygame.CONTROLLERBUTTONDOWN, instance_id=0, button=pygame.CONTROLLER_BUTTON_START)
    assert navs(mapper.translate(start, 0)) == [Nav.PAUSE]
    dpad = pygame.event.Event(pygame.CONTROLLERBUTTONDOWN, instance_id=0,
                              button=pygame.CONTROLLER_BUTTON_DPAD_DOWN)
    assert navs(mapper.translate(dpad, 0)) == [Nav.DOWN]
    trigger = pygame.event.Event(pygame.CONTROLLERAXISMOTION, instance_id=0,
                                 axis=pygame.CONTROLLER_AXIS_TRIGGERLEFT, value=30000)
    assert mapper.capture(trigger) == "pad:lefttrigger+"


def test_strum_mode_presses_held_frets_at_the_strum():
    mapper = InputMapper(5, strum_mode=True)
    assert lanes(mapper.translate(key(pygame.KEYDOWN, "d"), 1.00)) == []   # frets alone do nothing
    assert lanes(mapper.translate(key(pygame.KEYDOWN, "space"), 1.01)) == []
    strum = pygame.event.Event(pygame.JOYHATMOTION, instance_id=1, hat=0, value=(0, -1))
    assert lanes(mapper.translate(strum, 1.05)) == [(0, True, 1.05), (2, True, 1.05)]  # a chord, at strum time
    mapper.translate(pygame.event.Event(pygame.JOYHATMOTION, instance_id=1, hat=0, value=(0, 0)), 1.1)
    again = mapper.translate(pygame.event.Event(pygame.JOYHATMOTION, instance_id=1, hat=0, value=(0, 1)), 1.3)
    assert lanes(again) == [(0, False, 1.3), (0, True, 1.3), (2, False, 1.3), (2, True, 1.3)]
    assert lanes(mapper.translate(key(pygame.KEYUP, "space"), 1.4)) == [(2, False, 1.4)]
    assert mapper.held_lanes() == {0}


def test_device_removed_is_reported():
    mapper = InputMapper(5)
    actions = mapper.translate(pygame.event.Event(pygame.JOYDEVICEREMOVED, instance_id=9), 0)
    assert [type(a) for a in actions] == [DeviceAction] and not actions[0].added


def test_controller_pulled_out_mid_song_pauses(make_chart):
    from rokgame.core.clock import ManualClock
    from rokgame.game.app import App
    from rokgame.game.audio import ManualPlayer
    from rokgame.game.scenes.flow import make_gameplay
    from rokgame.game.scenes.pause import PauseScene
    from rokgame.settings import Settings

    app = App(Settings(), headless=True, size=(640, 360))
    try:
        scene = make_gameplay(app, make_chart(), None, "expert", player=ManualPlayer(ManualClock()), record=False)
        app.push(scene)
        app.frame(0.01)
        pygame.event.post(pygame.event.Event(pygame.JOYDEVICEREMOVED, instance_id=0))
        app.frame(0.01)
        assert isinstance(app.top, PauseScene) and scene.paused
        assert "disconnected" in (app.top.reason or "").lower()
        # The paused song does not move, whatever time passes.
        before = scene.input_time()
        app.frame(0.5)
        assert scene.input_time() == before
    finally:
        app.shutdown()


def test_events_posted_to_the_queue_are_stamped_with_the_song_clock(make_chart):
    from rokgame.core.clock import ManualClock
    from rokgame.game.app import App
    from rokgame.game.audio import ManualPlayer
    from rokgame.game.scenes.flow import make_gameplay
    from rokgame.settings import Settings

    app = App(Settings(), headless=True, size=(640, 360))
    try:
        clock = ManualClock()
        scene = make_gameplay(app, make_chart(), None, "expert", player=ManualPlayer(clock), record=False)
        app.push(scene)
        clock.set(1.021)  # the first note is at 1.0 in lane 0 (D)
        pygame.event.post(key(pygame.KEYDOWN, "d"))
        app.pump()
        clock.set(1.5)  # a slow frame later: the judgement keeps the press's own time
        app.frame(0.5)
        assert scene.session.score.offsets_ms[0] == pytest.approx(21.0)
    finally:
        app.shutdown()


def test_control_labels_read_like_a_person_would_say_them():
    assert control_label("key:space") == "Space"
    assert control_label("key:d") == "D"
    assert control_label("joy:hat:0:up") == "Hat 0 up"


def test_controller_plugged_in_mid_song_pauses(make_chart):
    from rokgame.core.clock import ManualClock
    from rokgame.game.app import App
    from rokgame.game.audio import ManualPlayer
    from rokgame.game.scenes.flow import make_gameplay
    from rokgame.game.scenes.pause import PauseScene
    from rokgame.settings import Settings

    app = App(Settings(), headless=True, size=(640, 360))
    try:
        scene = make_gameplay(app, make_chart(), None, "expert", player=ManualPlayer(ManualClock()), record=False)
        app.push(scene)
        app.frame(0.01)
        # The dummy video driver has no joysticks to plug in: hand the scene what the mapper would say.
        scene.handle(DeviceAction(True, "Guitar Hero Guitar", 3))
        assert isinstance(app.top, PauseScene) and scene.paused
        assert "connected" in (app.top.reason or "").lower()
    finally:
        app.shutdown()


def test_x_and_y_edit_text_on_a_controller_and_stay_lanes_while_no_key_sends_them():
    mapper = InputMapper(5)
    x = pygame.event.Event(pygame.CONTROLLERBUTTONDOWN, instance_id=0, button=pygame.CONTROLLER_BUTTON_X)
    y = pygame.event.Event(pygame.CONTROLLERBUTTONDOWN, instance_id=0, button=pygame.CONTROLLER_BUTTON_Y)
    x_actions, y_actions = mapper.translate(x, 1.0), mapper.translate(y, 1.0)
    assert navs(x_actions) == [Nav.DELETE] and lanes(x_actions) == [(3, True, 1.0)]
    assert navs(y_actions) == [Nav.DAILY, Nav.SPACE] and lanes(y_actions) == [(2, True, 1.0)]
    joy = [pygame.event.Event(pygame.JOYBUTTONDOWN, instance_id=1, button=b) for b in (2, 3)]
    assert [navs(mapper.translate(e, 0)) for e in joy] == [[Nav.DELETE], [Nav.DAILY, Nav.SPACE]]
    # Typing on a keyboard is never mistaken for the on-screen keyboard's Delete and Space.
    for name in ("x", "y", "space", "backspace", "delete", "d", "return", "escape"):
        assert not {Nav.DELETE, Nav.SPACE} & set(navs(mapper.translate(key(pygame.KEYDOWN, name), 0)))
        mapper.translate(key(pygame.KEYUP, name), 0)


# --------------------------------------------------------------------------- a held controller direction repeats


def pad_button(button: int, down: bool = True) -> pygame.event.Event:
    kind = pygame.CONTROLLERBUTTONDOWN if down else pygame.CONTROLLERBUTTONUP
    return pygame.event.Event(kind, instance_id=0, button=button)


def repeat_times(mapper: InputMapper, start: float, end: float, fps: float = 240.0) -> list[float]:
    """When repeats come out of ``mapper`` asked once per frame from ``start`` to ``end``, one time per repeat."""
    times: list[float] = []
    frame = 0
    while (now := start + frame / fps) <= end + 1e-9:
        times += [now] * len(mapper.repeats(now))
        frame += 1
    return times


def test_a_held_dpad_repeats_after_a_delay_then_faster_and_a_tap_never_does():
    from rokgame.game import nav_repeat

    mapper = InputMapper(5)
    tap = mapper.translate(pad_button(pygame.CONTROLLER_BUTTON_DPAD_DOWN), 10.0)
    assert tap == [NavAction(Nav.DOWN, "pad:dpdown", False)]  # the press itself moves once, at once
    mapper.translate(pad_button(pygame.CONTROLLER_BUTTON_DPAD_DOWN, down=False), 10.15)
    assert repeat_times(mapper, 10.0, 13.0) == []  # a tap is one move

    mapper.translate(pad_button(pygame.CONTROLLER_BUTTON_DPAD_DOWN), 20.0)
    assert mapper.repeats(20.0) == [] and mapper.repeats(20.0 + nav_repeat.DELAY - 0.01) == []
    first = mapper.repeats(20.0 + nav_repeat.DELAY)
    assert first == [NavAction(Nav.DOWN, "pad:dpdown", True)]  # exactly what a held arrow key sends
    assert mapper.repeats(20.0 + nav_repeat.DELAY) == []  # asking twice at one time moves once
    times = [20.0 + nav_repeat.DELAY, *repeat_times(mapper, 20.0 + nav_repeat.DELAY + 1 / 240, 24.0)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[:10] == pytest.approx([nav_repeat.INTERVAL] * 10, abs=1 / 240)
    assert gaps[-10:] == pytest.approx([nav_repeat.FAST_INTERVAL] * 10, abs=1 / 240)
    assert nav_repeat.FAST_INTERVAL < nav_repeat.INTERVAL  # a long list goes by faster the longer it is held
    assert 40 < len(times) < 4.0 / nav_repeat.FAST_INTERVAL


def test_releasing_a_held_direction_stops_it_and_a_second_direction_takes_over():
    mapper = InputMapper(5)
    mapper.translate(pad_button(pygame.CONTROLLER_BUTTON_DPAD_DOWN), 0.0)
    assert len(repeat_times(mapper, 0.0, 1.0)) > 5
    mapper.translate(pad_button(pygame.CONTROLLER_BUTTON_DPAD_DOWN, down=False), 1.0)
    assert repeat_times(mapper, 1.0, 5.0) == []

    mapper.translate(pad_button(pygame.CONTROLLER_BUTTON_DPAD_DOWN), 10.0)
    repeat_times(mapper, 10.0, 11.0)
    mapper.translate(pad_button(pygame.CONTROLLER_BUTTON_DPAD_RIGHT), 11.0)  # down still held
    assert repeat_times(mapper, 11.0, 11.35) == []  # the new direction waits its own delay
    assert mapper.repeats(11.4) == [NavAction(Nav.RIGHT, "pad:dpright", True)]
    mapper.translate(pad_button(pygame.CONTROLLER_BUTTON_DPAD_DOWN, down=False), 11.6)  # not the one repeating
    assert len(repeat_times(mapper, 11.6, 12.6)) > 5
    mapper.translate(pad_button(pygame.CONTROLLER_BUTTON_DPAD_RIGHT, down=False), 12.6)
    assert repeat_times(mapper, 12.6, 15.0) == []


@pytest.mark.parametrize(("press", "release", "nav"), [
    (pygame.event.Event(pygame.CONTROLLERAXISMOTION, instance_id=0, axis=pygame.CONTROLLER_AXIS_LEFTY, value=30000),
     pygame.event.Event(pygame.CONTROLLERAXISMOTION, instance_id=0, axis=pygame.CONTROLLER_AXIS_LEFTY, value=2000),
     Nav.DOWN),
    (pygame.event.Event(pygame.CONTROLLERAXISMOTION, instance_id=0, axis=pygame.CONTROLLER_AXIS_LEFTX, value=-30000),
     pygame.event.Event(pygame.CONTROLLERAXISMOTION, instance_id=0, axis=pygame.CONTROLLER_AXIS_LEFTX, value=0),
     Nav.LEFT),
    (pygame.event.Event(pygame.JOYHATMOTION, instance_id=2, hat=0, value=(0, 1)),
     pygame.event.Event(pygame.JOYHATMOTION, instance_id=2, hat=0, value=(0, 0)), Nav.UP),
    (pygame.event.Event(pygame.JOYAXISMOTION, instance_id=2, axis=1, value=0.9),
     pygame.event.Event(pygame.JOYAXISMOTION, instance_id=2, axis=1, value=0.1), Nav.DOWN),
])
def test_a_held_stick_or_joystick_hat_repeats_too(press, release, nav):
    mapper = InputMapper(5)
    assert navs(mapper.translate(press, 0.0)) == [nav]
    wobble = pygame.event.Event(press.type, **{**press.dict, "value": press.value})
    mapper.translate(wobble, 0.3)  # a stick held still still sends motion: it does not restart the delay
    held = [a for now in (0.4, 0.5, 0.6, 0.7) for a in mapper.repeats(now)]
    assert {a.nav for a in held} == {nav} and len(held) >= 3 and all(a.repeat for a in held)
    mapper.translate(release, 0.75)
    assert repeat_times(mapper, 0.75, 3.0) == []


def test_lanes_confirm_back_pause_and_keys_never_repeat_from_a_held_control():
    mapper = InputMapper(5, strum_mode=True)
    held = [
        pad_button(pygame.CONTROLLER_BUTTON_A),          # green and confirm
        pad_button(pygame.CONTROLLER_BUTTON_B),          # red and back
        pad_button(pygame.CONTROLLER_BUTTON_Y),          # yellow and the Daily Track
        pad_button(pygame.CONTROLLER_BUTTON_START),      # pause
        pygame.event.Event(pygame.JOYBUTTONDOWN, instance_id=1, button=0),  # a guitar's green fret, confirm
        pygame.event.Event(pygame.JOYBUTTONDOWN, instance_id=1, button=7),
        key(pygame.KEYDOWN, "down"),                     # SDL repeats the keyboard itself
        key(pygame.KEYDOWN, "return"),
    ]
    for event in held:
        mapper.translate(event, 0.0)
    assert repeat_times(mapper, 0.0, 3.0) == []
    # The strum bar held with frets down moves the menu again, but never strums again.
    mapper.translate(pygame.event.Event(pygame.JOYHATMOTION, instance_id=1, hat=0, value=(0, -1)), 3.0)
    repeated = [a for now in (3.5, 3.6, 3.7) for a in mapper.repeats(now)]
    assert repeated and all(isinstance(a, NavAction) and a.nav is Nav.DOWN for a in repeated)


def song_entries(count: int):
    from rokgame.game.songs import SongEntry

    return [SongEntry(f"Song {i:03d}", "Artist", 180.0, Path(f"/nowhere/song-{i:03d}.json"), None, ("expert",))
            for i in range(count)]


def hold_for(app, seconds: float, fps: float = 60.0) -> None:
    for _ in range(round(seconds * fps)):
        app.frame(1 / fps)


def test_holding_the_dpad_down_in_song_select_runs_down_the_list(app):
    from rokgame.game.scenes.song_select import SongSelectScene

    scene = app.push(SongSelectScene(app, song_entries(200)))
    app.frame(1 / 60)
    pygame.event.post(pad_button(pygame.CONTROLLER_BUTTON_DPAD_DOWN))
    hold_for(app, 2.0)
    held_to = scene.menu.index
    assert 20 <= held_to < 60  # one press, two seconds: many rows, not one (and not the whole list)
    pygame.event.post(pad_button(pygame.CONTROLLER_BUTTON_DPAD_DOWN, down=False))
    hold_for(app, 1.0)
    assert scene.menu.index == held_to  # let go: it stops where it is
    pygame.event.post(pad_button(pygame.CONTROLLER_BUTTON_DPAD_UP))
    pygame.event.post(pad_button(pygame.CONTROLLER_BUTTON_DPAD_UP, down=False))
    hold_for(app, 1.0)
    assert scene.menu.index == held_to - 1  # a tap is still one row
    app.screenshot(Path(__file__).resolve().parent / "artifacts" / "screens" / "song-select-held-down-1280x720.png")


def test_holding_the_dpad_moves_across_the_on_screen_keyboard(app):
    from rokgame.game.scenes.song_select import SongSelectScene

    scene = app.push(SongSelectScene(app, song_entries(5)))
    pygame.event.post(pad_button(pygame.CONTROLLER_BUTTON_Y))  # search: the keyboard opens
    pygame.event.post(pad_button(pygame.CONTROLLER_BUTTON_Y, down=False))
    app.frame(1 / 60)
    assert scene.keyboard.shown
    pygame.event.post(pad_button(pygame.CONTROLLER_BUTTON_DPAD_RIGHT))
    columns = []
    for _ in range(60):
        app.frame(1 / 60)
        columns.append(scene.keyboard.column)
    moves = sum(a != b for a, b in itertools.pairwise(columns))
    assert moves >= 5 and scene.query == ""  # the cursor runs along the row; nothing is typed
    assert scene.menu.index == 0  # the song list under it stays put


def test_a_held_strum_bar_never_reaches_the_song_being_played(app, make_chart):
    from rokgame.core.clock import ManualClock
    from rokgame.game.audio import ManualPlayer
    from rokgame.game.scenes.flow import make_gameplay
    from rokgame.game.scenes.pause import PauseScene

    scene = make_gameplay(app, make_chart(), None, "expert", player=ManualPlayer(ManualClock()), record=False)
    app.push(scene)
    heard: list = []
    real_handle = scene.handle
    scene.handle = lambda action: (heard.append(action), real_handle(action))  # type: ignore[method-assign]
    pygame.event.post(pad_button(pygame.CONTROLLER_BUTTON_DPAD_DOWN))
    hold_for(app, 2.0)
    assert [a for a in heard if isinstance(a, NavAction)] == [NavAction(Nav.DOWN, "pad:dpdown", False)]
    # Still held when the pause menu opens: it does not start scrolling the pause menu either.
    pygame.event.post(pad_button(pygame.CONTROLLER_BUTTON_START))
    app.frame(1 / 60)
    assert isinstance(app.top, PauseScene)
    pause = app.top
    hold_for(app, 2.0)
    assert pause.menu.index == 0
