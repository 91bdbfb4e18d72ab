"""Keyboard and controllers -> lane presses and menu actions.

Every physical input is first named as a *control* — a string such as ``key:d``,
``pad:a``, ``pad:lefttrigger+``, ``joy:button:3``, ``joy:hat:0:up`` or
``joy:axis:2:-`` — and controls are then looked up in two tables: lanes and menu
navigation. The same control may be both (a pad's A is lane 0 and "confirm"); each
screen takes what it needs. Remapping a lane stores control names in
:class:`~rokgame.settings.Settings` (``keys`` for the keyboard, ``controller`` for
pads and joysticks), per lane count.

Default keys (osu!mania's layout, the hands resting on the home row):

======  ==========================
lanes   keys
======  ==========================
3       F  Space  J
4       D  F  J  K
5       D  F  Space  J  K
6       S  D  F  J  K  L
7       S  D  F  Space  J  K  L
======  ==========================

Game controllers (anything SDL knows as a gamepad) use the Guitar Hero colours:
A green, B red, Y yellow, X blue, LB orange (then RB, left trigger). Other
joysticks — guitar controllers among them — use buttons 0, 1, 2, … as lanes and the
first hat as the strum bar. In *strum mode* lane controls become frets: a lane is
pressed when the strum bar moves while its fret is held (Guitar Hero), which is a
layer on top of the same lane events.

:class:`InputMapper` is pure apart from opening devices on hot-plug: feed it a
pygame event and the song time at which it left the queue, get actions back. Tests
post synthetic events (``JOYBUTTONDOWN`` works with the dummy driver).

A held keyboard arrow repeats through SDL; a held controller direction (d-pad, hat, stick)
repeats through :meth:`InputMapper.repeats`, which the app asks once per menu frame with its
clock (:mod:`rokgame.game.nav_repeat` has the timing). Either way a repeat is a
``NavAction(..., repeat=True)``, never a lane press.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pygame

from rokgame.core.chart import MAX_LANES, MIN_LANES
from rokgame.core.judge import OPEN_STRUM
from rokgame.game.nav_repeat import HeldDirection

DEFAULT_KEYS: dict[int, tuple[str, ...]] = {
    3: ("f", "space", "j"),
    4: ("d", "f", "j", "k"),
    5: ("d", "f", "space", "j", "k"),
    6: ("s", "d", "f", "j", "k", "l"),
    7: ("s", "d", "f", "space", "j", "k", "l"),
}
PAD_LANE_ORDER: tuple[str, ...] = (
    "pad:a", "pad:b", "pad:y", "pad:x", "pad:leftshoulder", "pad:rightshoulder", "pad:lefttrigger+",
)
#: Lanes for joysticks that are not gamepads: button N for lane N (frets on most guitars).
JOY_LANE_ORDER: tuple[str, ...] = tuple(f"joy:button:{i}" for i in range(MAX_LANES))

KEY_STRUM: tuple[str, ...] = ("key:up", "key:down")
PAD_STRUM: tuple[str, ...] = ("pad:dpup", "pad:dpdown")
JOY_STRUM: tuple[str, ...] = ("joy:hat:0:up", "joy:hat:0:down")

#: An axis counts as pressed past PRESS and released below RELEASE (hysteresis: no chatter).
AXIS_PRESS = 0.5
AXIS_RELEASE = 0.35


class Nav(enum.Enum):
    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"
    CONFIRM = "confirm"
    BACK = "back"
    PAUSE = "pause"
    SCROLL_FASTER = "scroll_faster"   # less time on screen
    SCROLL_SLOWER = "scroll_slower"
    FULLSCREEN = "fullscreen"
    PAGE_UP = "page_up"
    PAGE_DOWN = "page_down"
    DAILY = "daily"   # the main menu's one key for today's Daily Track
    # A controller's X and Y where a screen takes text (the on-screen keyboard); no keyboard key sends them,
    # so typing on a keyboard never does. Y also opens song select's search.
    DELETE = "delete"
    SPACE = "space"


#: The moves a held controller direction repeats; confirm, back, pause and the rest never repeat from a controller.
REPEATING_NAVS = frozenset({Nav.UP, Nav.DOWN, Nav.LEFT, Nav.RIGHT, Nav.PAGE_UP, Nav.PAGE_DOWN})

NAV_CONTROLS: dict[str, Nav] = {
    "key:up": Nav.UP, "key:down": Nav.DOWN, "key:left": Nav.LEFT, "key:right": Nav.RIGHT,
    "key:return": Nav.CONFIRM, "key:enter": Nav.CONFIRM,
    "key:escape": Nav.BACK,
    "key:f11": Nav.FULLSCREEN,
    "key:f3": Nav.SCROLL_SLOWER, "key:-": Nav.SCROLL_SLOWER,
    "key:f4": Nav.SCROLL_FASTER, "key:=": Nav.SCROLL_FASTER,
    "key:page up": Nav.PAGE_UP, "key:page down": Nav.PAGE_DOWN,
    # D for Daily, Y on a gamepad, the fourth button of a joystick. These are lane controls too; only the
    # main menu (where lanes do nothing) listens for DAILY, so a song never hears it.
    "key:d": Nav.DAILY, "pad:y": Nav.DAILY, "joy:button:3": Nav.DAILY,
    "pad:dpup": Nav.UP, "pad:dpdown": Nav.DOWN, "pad:dpleft": Nav.LEFT, "pad:dpright": Nav.RIGHT,
    "pad:lefty-": Nav.UP, "pad:lefty+": Nav.DOWN, "pad:leftx-": Nav.LEFT, "pad:leftx+": Nav.RIGHT,
    "pad:a": Nav.CONFIRM, "pad:b": Nav.BACK, "pad:back": Nav.BACK, "pad:start": Nav.PAUSE,
    "joy:hat:0:up": Nav.UP, "joy:hat:0:down": Nav.DOWN, "joy:hat:0:left": Nav.LEFT, "joy:hat:0:right": Nav.RIGHT,
    "joy:axis:1:-": Nav.UP, "joy:axis:1:+": Nav.DOWN,
    "joy:button:0": Nav.CONFIRM, "joy:button:1": Nav.BACK, "joy:button:7": Nav.PAUSE, "joy:button:9": Nav.PAUSE,
}
#: Escape and Start also pause; a screen that has no pause treats PAUSE as BACK.
PAUSE_CONTROLS = frozenset({"key:escape", "pad:start", "joy:button:7", "joy:button:9"})
#: Text editing with a controller, sent besides what NAV_CONTROLS says: Y is DAILY on the main menu and
#: both X and Y are lanes, and screens hear only the meaning they listen for (as Escape is BACK and PAUSE).
TEXT_CONTROLS: dict[str, Nav] = {
    "pad:x": Nav.DELETE, "pad:y": Nav.SPACE, "joy:button:2": Nav.DELETE, "joy:button:3": Nav.SPACE,
}

_PAD_BUTTONS: dict[int, str] = {}
_PAD_AXES: dict[int, str] = {}
for _name, _const in (
    ("a", "CONTROLLER_BUTTON_A"), ("b", "CONTROLLER_BUTTON_B"), ("x", "CONTROLLER_BUTTON_X"),
    ("y", "CONTROLLER_BUTTON_Y"), ("back", "CONTROLLER_BUTTON_BACK"), ("guide", "CONTROLLER_BUTTON_GUIDE"),
    ("start", "CONTROLLER_BUTTON_START"), ("leftstick", "CONTROLLER_BUTTON_LEFTSTICK"),
    ("rightstick", "CONTROLLER_BUTTON_RIGHTSTICK"), ("leftshoulder", "CONTROLLER_BUTTON_LEFTSHOULDER"),
    ("rightshoulder", "CONTROLLER_BUTTON_RIGHTSHOULDER"), ("dpup", "CONTROLLER_BUTTON_DPAD_UP"),
    ("dpdown", "CONTROLLER_BUTTON_DPAD_DOWN"), ("dpleft", "CONTROLLER_BUTTON_DPAD_LEFT"),
    ("dpright", "CONTROLLER_BUTTON_DPAD_RIGHT"),
):
    if hasattr(pygame, _const):
        _PAD_BUTTONS[getattr(pygame, _const)] = _name
for _name, _const in (
    ("leftx", "CONTROLLER_AXIS_LEFTX"), ("lefty", "CONTROLLER_AXIS_LEFTY"), ("rightx", "CONTROLLER_AXIS_RIGHTX"),
    ("righty", "CONTROLLER_AXIS_RIGHTY"), ("lefttrigger", "CONTROLLER_AXIS_TRIGGERLEFT"),
    ("righttrigger", "CONTROLLER_AXIS_TRIGGERRIGHT"),
):
    if hasattr(pygame, _const):
        _PAD_AXES[getattr(pygame, _const)] = _name

_HAT_DIRECTIONS = (("left", 0, -1), ("right", 0, 1), ("down", 1, -1), ("up", 1, 1))

# --------------------------------------------------------------------------- actions


@dataclass(frozen=True, slots=True)
class LaneAction:
    """A lane went down or up at song time ``t`` (the clock reading when the event left the queue)."""

    lane: int
    down: bool
    t: float
    control: str = ""


@dataclass(frozen=True, slots=True)
class NavAction:
    nav: Nav
    control: str = ""
    repeat: bool = False


@dataclass(frozen=True, slots=True)
class DeviceAction:
    """A controller was plugged in or pulled out (either pauses a song being played)."""

    added: bool
    name: str
    instance_id: int


@dataclass(frozen=True, slots=True)
class TextAction:
    """Typed text (for search boxes and the Add track box)."""

    text: str


Action = LaneAction | NavAction | DeviceAction | TextAction


def from_controller(action: Action) -> bool:
    """A menu action sent by a gamepad or joystick (``pad:…``, ``joy:…``), not by the keyboard."""
    return isinstance(action, NavAction) and action.control.startswith(("pad:", "joy:"))


# --------------------------------------------------------------------------- bindings


def default_keys(lanes: int) -> tuple[str, ...]:
    return DEFAULT_KEYS[min(MAX_LANES, max(MIN_LANES, lanes))]


def lane_controls(lanes: int, keys: Mapping[str, Any], controller: Mapping[str, Any]) -> list[list[str]]:
    """For each lane, every control bound to it: the keyboard key, then the pad and joystick controls."""
    chosen_keys = _valid_list(keys.get(str(lanes)), lanes) or list(default_keys(lanes))
    pad = _valid_list(_get(controller, "pad", lanes), lanes) or list(PAD_LANE_ORDER[:lanes])
    joy = _valid_list(_get(controller, "joystick", lanes), lanes) or list(JOY_LANE_ORDER[:lanes])
    out = []
    for lane in range(lanes):
        key = chosen_keys[lane]
        controls = [key if ":" in key else f"key:{key}", pad[lane], joy[lane]]
        out.append([c for c in controls if c])
    return out


def _get(controller: Mapping[str, Any], kind: str, lanes: int) -> Any:
    table = controller.get(kind)
    return table.get(str(lanes)) if isinstance(table, Mapping) else None


def _valid_list(value: Any, lanes: int) -> list[str] | None:
    if isinstance(value, list) and len(value) == lanes and all(isinstance(v, str) and v for v in value):
        return list(value)
    return None


def control_label(control: str) -> str:
    """What a player calls a control: ``key:space`` -> SPACE, ``pad:a`` -> Pad A, ``joy:hat:0:up`` -> Hat 0 up."""
    kind, _, rest = control.partition(":")
    if kind == "key":
        return rest.upper() if len(rest) <= 2 else rest.title()
    if kind == "pad":
        return "Pad " + rest.replace("+", " +").replace("-", " -").upper() if len(rest) <= 1 else "Pad " + rest
    if kind == "joy":
        return rest.replace(":", " ").capitalize()
    return control


# --------------------------------------------------------------------------- strum layer


@dataclass
class StrumLayer:
    """Guitar Hero strumming: frets are held, a strum presses every held fret at the strum's time.

    A strum with no fret held presses :data:`~rokgame.core.judge.OPEN_STRUM`, a lane with no
    notes: the judge hears an overstrum (it costs the combo when ghost taps break it).
    """

    frets: set[int] = field(default_factory=set)
    pressed: set[int] = field(default_factory=set)

    def fret(self, lane: int, down: bool, t: float) -> list[tuple[int, bool, float]]:
        if down:
            self.frets.add(lane)
            return []
        self.frets.discard(lane)
        if lane in self.pressed:
            self.pressed.discard(lane)
            return [(lane, False, t)]
        return []

    def strum(self, t: float) -> list[tuple[int, bool, float]]:
        if not self.frets:
            return [(OPEN_STRUM, True, t)]  # never held, so never released
        out: list[tuple[int, bool, float]] = []
        for lane in sorted(self.frets):
            if lane in self.pressed:
                out.append((lane, False, t))  # a re-strum is a new press of a held fret
            out.append((lane, True, t))
            self.pressed.add(lane)
        return out

    def clear(self) -> None:
        self.frets.clear()
        self.pressed.clear()


# --------------------------------------------------------------------------- devices


@dataclass
class Device:
    instance_id: int
    name: str
    kind: str  # "pad" (SDL game controller) or "joy" (anything else: guitars, arcade sticks)
    handle: Any = None
    controller: Any = None


class InputMapper:
    """Translates pygame events into lane, navigation, device and text actions."""

    def __init__(self, lanes: int = 5, *, keys: Mapping[str, Any] | None = None,
                 controller: Mapping[str, Any] | None = None, strum_mode: bool = False) -> None:
        self.keys: dict[str, Any] = dict(keys or {})
        self.controller: dict[str, Any] = dict(controller or {})
        self.strum_mode = strum_mode
        self.devices: dict[int, Device] = {}
        self._down: set[str] = set()            # controls currently held (edge detection, key repeat)
        self._hats: dict[tuple[int, int], tuple[int, int]] = {}
        self._held_direction: HeldDirection | None = None   # the controller direction that repeats
        self._strum = StrumLayer()
        self.lanes = lanes
        self.rebuild()

    @classmethod
    def from_settings(cls, settings: Any, lanes: int = 5) -> InputMapper:
        return cls(lanes, keys=settings.keys, controller=settings.controller, strum_mode=settings.strum_mode)

    def set_lanes(self, lanes: int) -> None:
        if lanes != self.lanes:
            self.lanes = lanes
            self.rebuild()

    def rebuild(self) -> None:
        """Recompute the lookup tables (after a remap or a change of lane count)."""
        self.lane_of: dict[str, int] = {}
        for lane, controls in enumerate(lane_controls(self.lanes, self.keys, self.controller)):
            for control in controls:
                self.lane_of[control] = lane
        strum = self.controller.get("strum")
        extra = tuple(strum) if isinstance(strum, list) and all(isinstance(s, str) for s in strum) else ()
        self.strum_controls = frozenset((*KEY_STRUM, *PAD_STRUM, *JOY_STRUM, *extra))
        self._strum.clear()

    def bindings(self) -> list[list[str]]:
        return lane_controls(self.lanes, self.keys, self.controller)

    def bind(self, lane: int, control: str) -> None:
        """Bind ``control`` to ``lane`` for the current lane count, on the device kind it belongs to."""
        kind = control.partition(":")[0]
        current = lane_controls(self.lanes, self.keys, self.controller)
        column = {"key": 0, "pad": 1, "joy": 2}[kind]
        row = [controls[column] for controls in current]
        if control in row:  # swap, so a control is never bound to two lanes
            row[row.index(control)] = row[lane]
        row[lane] = control
        if kind == "key":
            self.keys[str(self.lanes)] = [c.partition(":")[2] for c in row]
        else:
            table = dict(self.controller.get("pad" if kind == "pad" else "joystick") or {})
            table[str(self.lanes)] = row
            self.controller["pad" if kind == "pad" else "joystick"] = table
        self.rebuild()

    def reset_bindings(self) -> None:
        self.keys.pop(str(self.lanes), None)
        for kind in ("pad", "joystick"):
            table = self.controller.get(kind)
            if isinstance(table, dict):
                table.pop(str(self.lanes), None)
        self.rebuild()

    def release_all(self, t: float) -> list[LaneAction]:
        """Forget held inputs (after a pause or a device loss): lanes held go up at ``t``."""
        out = []
        lanes = {self.lane_of[c] for c in self._down if c in self.lane_of}
        if self.strum_mode:
            lanes = set(self._strum.pressed)
        out = [LaneAction(lane, False, t, "") for lane in sorted(lanes)]
        self._down.clear()
        self._hats.clear()
        self._strum.clear()
        self._held_direction = None
        return out

    def held_lanes(self) -> set[int]:
        if self.strum_mode:
            return set(self._strum.pressed)
        return {self.lane_of[c] for c in self._down if c in self.lane_of}

    # -- events -> controls

    def controls(self, event: pygame.event.Event) -> list[tuple[str, bool]]:
        """The (control, pressed) edges in one event; empty for events that are not input."""
        etype = event.type
        if etype in (pygame.KEYDOWN, pygame.KEYUP):
            name = pygame.key.name(event.key) or f"#{event.key}"
            return [(f"key:{name}", etype == pygame.KEYDOWN)]
        if etype in (pygame.CONTROLLERBUTTONDOWN, pygame.CONTROLLERBUTTONUP):
            name = _PAD_BUTTONS.get(event.button, f"button{event.button}")
            return [(f"pad:{name}", etype == pygame.CONTROLLERBUTTONDOWN)]
        if etype == pygame.CONTROLLERAXISMOTION:
            name = _PAD_AXES.get(event.axis, f"axis{event.axis}")
            return self._axis(f"pad:{name}", event.value)
        joy = etype in (pygame.JOYBUTTONDOWN, pygame.JOYBUTTONUP, pygame.JOYHATMOTION, pygame.JOYAXISMOTION)
        if joy:
            device = self.devices.get(getattr(event, "instance_id", -1))
            if device is not None and device.kind == "pad":
                return []  # the same press arrives as a CONTROLLER event with standard names
        if etype in (pygame.JOYBUTTONDOWN, pygame.JOYBUTTONUP):
            return [(f"joy:button:{event.button}", etype == pygame.JOYBUTTONDOWN)]
        if etype == pygame.JOYAXISMOTION:
            return self._axis(f"joy:axis:{event.axis}:", event.value)
        if etype == pygame.JOYHATMOTION:
            key = (getattr(event, "instance_id", 0), event.hat)
            old = self._hats.get(key, (0, 0))
            new = tuple(event.value)
            self._hats[key] = new  # type: ignore[assignment]
            edges = []
            for direction, axis, sign in _HAT_DIRECTIONS:
                was, now = old[axis] == sign, new[axis] == sign
                if was != now:
                    edges.append((f"joy:hat:{event.hat}:{direction}", now))
            return edges
        return []

    def _axis(self, base: str, value: float) -> list[tuple[str, bool]]:
        value = float(value)
        if abs(value) > 1.5:  # controller axes are -32768..32767, joystick axes -1..1
            value /= 32767.0
        edges = []
        for sign, control in ((1, f"{base}+"), (-1, f"{base}-")):
            v = value * sign
            held = control in self._down
            if not held and v >= AXIS_PRESS:
                edges.append((control, True))
            elif held and v < AXIS_RELEASE:
                edges.append((control, False))
        return edges

    # -- the translator

    def translate(self, event: pygame.event.Event, t: float, *, now: float | None = None) -> list[Action]:
        """Actions for one event; ``t`` is the song time when it left the queue.

        ``now`` is the clock :meth:`repeats` is asked with, read at the same moment (the app's wall
        time; it defaults to ``t``): a controller direction pressed now repeats from then on.
        """
        etype = event.type
        if etype == pygame.TEXTINPUT:
            return [TextAction(event.text)]
        if etype in (pygame.JOYDEVICEADDED, pygame.CONTROLLERDEVICEADDED):
            return self._added(event)
        if etype in (pygame.JOYDEVICEREMOVED, pygame.CONTROLLERDEVICEREMOVED):
            return self._removed(getattr(event, "instance_id", -1))
        out: list[Action] = []
        for control, pressed in self.controls(event):
            out.extend(self._edge(control, pressed, t, t if now is None else now))
        return out

    def repeats(self, now: float) -> list[NavAction]:
        """The repeats a held controller direction has earned by ``now`` (call once per menu frame)."""
        held = self._held_direction
        if held is None:
            return []
        nav = NAV_CONTROLS[held.control]
        return [NavAction(nav, held.control, True) for _ in range(held.due(now))]

    def stop_repeats(self) -> None:
        """Forget the held direction until it is pressed again (in play, a held strum bar is no menu move)."""
        self._held_direction = None

    def _edge(self, control: str, pressed: bool, t: float, now: float) -> list[Action]:
        out: list[Action] = []
        repeat = pressed and control in self._down
        if pressed:
            self._down.add(control)
        else:
            self._down.discard(control)
        nav = NAV_CONTROLS.get(control)
        if nav in REPEATING_NAVS and control.startswith(("pad:", "joy:")) and not repeat:
            self._hold_direction(control, pressed, now)
        if pressed and nav is not None:
            out.append(NavAction(nav, control, repeat))
        if pressed and control in PAUSE_CONTROLS and nav is not Nav.PAUSE:
            out.append(NavAction(Nav.PAUSE, control, repeat))
        if pressed and control in TEXT_CONTROLS:
            out.append(NavAction(TEXT_CONTROLS[control], control, repeat))
        if repeat:
            return out  # key repeat never presses a lane twice
        lane = self.lane_of.get(control)
        if self.strum_mode:
            if lane is not None:
                out.extend(LaneAction(ln, d, tt, control) for ln, d, tt in self._strum.fret(lane, pressed, t))
            elif control in self.strum_controls and pressed:
                out.extend(LaneAction(ln, d, tt, control) for ln, d, tt in self._strum.strum(t))
        elif lane is not None:
            out.append(LaneAction(lane, pressed, t, control))
        return out

    def _hold_direction(self, control: str, pressed: bool, now: float) -> None:
        # The last direction pressed is the one that repeats (as with keys); letting go of it stops it,
        # letting go of an earlier one does not.
        if pressed:
            self._held_direction = HeldDirection(control, now)
        elif self._held_direction is not None and self._held_direction.control == control:
            self._held_direction = None

    def _added(self, event: pygame.event.Event) -> list[Action]:
        index = getattr(event, "device_index", None)
        if index is None:
            return []
        try:
            joystick = pygame.joystick.Joystick(index)
            instance_id = joystick.get_instance_id()
        except (pygame.error, AttributeError):
            return []
        if instance_id in self.devices:
            return []  # JOYDEVICEADDED and CONTROLLERDEVICEADDED both announce a gamepad
        device = Device(instance_id, joystick.get_name(), "joy", joystick)
        try:
            from pygame._sdl2 import controller

            if not controller.get_init():
                controller.init()
            if controller.is_controller(index):
                device.controller = controller.Controller(index)
                device.kind = "pad"
        except (ImportError, pygame.error):
            pass
        self.devices[instance_id] = device
        return [DeviceAction(True, device.name, instance_id)]

    def _removed(self, instance_id: int) -> list[Action]:
        self._held_direction = None  # its release will never arrive
        device = self.devices.pop(instance_id, None)
        if device is None:
            # A device we never opened (or a synthetic event in a test) still means "a controller is gone".
            return [DeviceAction(False, "controller", instance_id)]
        for handle in (device.controller, device.handle):
            try:
                if handle is not None:
                    handle.quit()
            except (pygame.error, AttributeError):
                pass
        return [DeviceAction(False, device.name, instance_id)]

    def capture(self, event: pygame.event.Event) -> str | None:
        """The control a press in ``event`` names, for remapping (no state is changed)."""
        saved = set(self._down), dict(self._hats)
        try:
            for control, pressed in self.controls(event):
                if pressed:
                    return control
        finally:
            self._down, self._hats = saved
        return None


def open_present_devices(mapper: InputMapper) -> list[DeviceAction]:
    """Open every controller already plugged in (SDL also announces them as JOYDEVICEADDED; either is fine)."""
    out: list[DeviceAction] = []
    try:
        if not pygame.joystick.get_init():
            pygame.joystick.init()
        count = pygame.joystick.get_count()
    except pygame.error:
        return out
    for index in range(count):
        for action in mapper._added(pygame.event.Event(pygame.JOYDEVICEADDED, device_index=index)):
            if isinstance(action, DeviceAction):
                out.append(action)
    return out


def iter_lane_actions(actions: Iterable[Action]) -> Iterable[LaneAction]:
    return (a for a in actions if isinstance(a, LaneAction))
