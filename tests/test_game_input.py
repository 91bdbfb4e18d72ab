"""Keyboard, joystick and controller events become the right lane presses and menu actions."""

from __future__ import annotations

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
