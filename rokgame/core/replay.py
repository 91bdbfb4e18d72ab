"""Replays: the input events of a play, which reproduce it exactly through the judge.

A replay file is JSON::

    {"format": "rokgame.replay", "version": 1, ...metadata..., "ghost_taps": "break",
     "events": [{"t": 1.234, "lane": 0, "type": "down"}, {"t": 1.274, "lane": 0, "type": "up"}, ...]}

``t`` is song time in seconds, written with full float precision so a replay gives
back the very same judgements. Metadata keys (chart hash, difficulty, the report,
settings) are free-form; only ``events`` is required to load one. Three are read back,
the rules the play was judged by, so a replay reproduces its play whatever the
settings are now: ``ghost_taps`` ("free" or "break",
:class:`~rokgame.core.scoring.GhostTapRule`), ``precision`` ("normal", "tight" or
"strict", :data:`~rokgame.core.timing.PRECISIONS`) and ``no_fail`` (true or false). A
replay without them was recorded before they were saved: it plays back with ghost
taps free, normal precision, and no-fail as the player's settings have it.

Version 2 adds one event, ``{"t": 2.5, "type": "strum"}``: a strum with no fret held
(strum mode), which hits nothing (:data:`~rokgame.core.judge.OPEN_STRUM`). A replay
without one is still written as version 1, so an older rokgame reads it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rokgame.core.chart import Note
from rokgame.core.chart_io import atomic_write_text, read_regular_file
from rokgame.core.judge import OPEN_STRUM, InputEvent, event_order
from rokgame.core.scoring import GhostTapRule
from rokgame.core.timing import PRECISIONS
from rokgame.errors import StorageError

REPLAY_FORMAT = "rokgame.replay"
REPLAY_VERSION = 2
#: The version a replay without open strums is written as (every rokgame reads it).
REPLAY_VERSION_TAPS = 1
#: How long autoplay holds a tap note's key.
TAP_HOLD = 0.040


class ReplayError(StorageError):
    """A replay file could not be read; the message names the JSON path of the problem."""


@dataclass(frozen=True, slots=True)
class Replay:
    events: tuple[InputEvent, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ghost_taps(self) -> GhostTapRule:
        """The ghost-tap rule the play was judged by (free for replays older than the option)."""
        return GhostTapRule.parse(self.meta.get("ghost_taps", GhostTapRule.FREE.value))

    @property
    def precision(self) -> str:
        """The precision setting the play was judged with ("normal" for replays older than this key)."""
        return str(self.meta.get("precision", "normal"))

    @property
    def no_fail(self) -> bool | None:
        """Whether the play had no-fail on; ``None`` when the replay does not say."""
        value = self.meta.get("no_fail")
        return value if isinstance(value, bool) else None


def sorted_events(events: Iterable[InputEvent]) -> list[InputEvent]:
    """Events in the order they happened (releases first when a release and a press coincide).

    The sort is stable, so presses stamped at the same instant keep their recorded order.
    """
    return sorted(events, key=event_order)


def autoplay(notes: Sequence[Note]) -> list[InputEvent]:
    """A flawless play: every press exactly on its note, every hold held to its end.

    Taps are released after :data:`TAP_HOLD`, or halfway to the next note in the
    lane when that comes sooner. Notes that start together are pressed shortest hold
    first, the order :func:`rokgame.core.scoring.max_score` assumes.
    """
    by_lane: dict[int, list[Note]] = {}
    for note in sorted(notes):
        by_lane.setdefault(note.lane, []).append(note)
    presses: list[tuple[float, float, int, InputEvent]] = []
    releases: list[InputEvent] = []
    for lane, lane_notes in by_lane.items():
        for i, note in enumerate(lane_notes):
            presses.append((note.t, note.length, lane, InputEvent(note.t, lane, True)))
            if note.is_hold:
                up = note.end
            else:
                up = note.t + TAP_HOLD
                if i + 1 < len(lane_notes):
                    up = min(up, note.t + (lane_notes[i + 1].t - note.t) / 2)
            releases.append(InputEvent(up, lane, False))
    presses.sort(key=lambda item: item[:3])
    events = [item[3] for item in presses] + releases
    # sorted() is stable: presses at one instant keep their shortest-hold-first order.
    return sorted(events, key=lambda e: (e.t, e.down))


def shift(events: Iterable[InputEvent], seconds: float) -> list[InputEvent]:
    """The same input ``seconds`` later (earlier when negative)."""
    return [InputEvent(e.t + seconds, e.lane, e.down) for e in events]


def replay_to_json(events: Iterable[InputEvent], **meta: Any) -> dict[str, Any]:
    """A JSON-ready dict of ``events`` and metadata."""
    events_json = [_event_json(e) for e in events]
    strums = any(e["type"] == "strum" for e in events_json)
    body: dict[str, Any] = {"format": REPLAY_FORMAT, "version": REPLAY_VERSION if strums else REPLAY_VERSION_TAPS}
    body.update(meta)
    body["events"] = events_json
    return body


def _event_json(event: InputEvent) -> dict[str, Any]:
    if event.lane == OPEN_STRUM:
        return {"t": event.t, "type": "strum"}
    return {"t": event.t, "lane": event.lane, "type": "down" if event.down else "up"}


def dumps_replay(events: Iterable[InputEvent], **meta: Any) -> str:
    """The replay as JSON text, one event per line."""
    body = replay_to_json(events, **meta)
    events_json = body.pop("events")
    head = json.dumps(body, ensure_ascii=False, allow_nan=False)[1:-1]
    lines = ",\n".join("  " + json.dumps(e, allow_nan=False) for e in events_json)
    sep = ", " if head else ""
    return "{" + head + sep + '"events": [\n' + lines + ("\n" if lines else "") + "]}\n"


def save_replay(path: str | os.PathLike[str], events: Iterable[InputEvent], **meta: Any) -> None:
    """Write a replay file atomically."""
    atomic_write_text(path, dumps_replay(events, **meta))


def replay_from_json(data: Any, *, name: str = "the replay") -> Replay:
    """Check and read a replay dict; a :class:`ReplayError` names the first bad JSON path."""

    def fail(path: str, message: str) -> ReplayError:
        where = f"{path}: " if path else ""
        return ReplayError(f"{name}: {where}{message}")

    if not isinstance(data, dict):
        raise fail("", "a replay is a JSON object with an \"events\" list")
    if "format" in data and data["format"] != REPLAY_FORMAT:
        raise fail("format", f"{data['format']!r} is not a rokgame replay (expected {REPLAY_FORMAT!r})")
    version = data.get("version", REPLAY_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail("version", "must be a whole number")
    if version > REPLAY_VERSION:
        raise fail("version", f"this replay is version {version}; this rokgame reads version {REPLAY_VERSION}")
    if "ghost_taps" in data and data["ghost_taps"] not in [rule.value for rule in GhostTapRule]:
        choices = " or ".join(f'"{rule.value}"' for rule in GhostTapRule)
        raise fail("ghost_taps", f"{data['ghost_taps']!r} is not a ghost-tap rule (expected {choices})")
    if "precision" in data and data["precision"] not in PRECISIONS:
        choices = ", ".join(f'"{name}"' for name in PRECISIONS)
        raise fail("precision", f"{data['precision']!r} is not a precision (expected {choices})")
    if "no_fail" in data and not isinstance(data["no_fail"], bool):
        raise fail("no_fail", "must be true or false")
    if "events" not in data:
        raise fail("events", "is missing")
    raw = data["events"]
    if not isinstance(raw, list):
        raise fail("events", "must be a list of input events")
    events: list[InputEvent] = []
    for i, item in enumerate(raw):
        at = f"events[{i}]"
        if not isinstance(item, dict):
            raise fail(at, 'must be an event like {"t": 1.5, "lane": 0, "type": "down"}')
        t = item.get("t")
        # Compared, not converted: NaN fails the comparison, and a 400-digit integer can't become a float.
        if not isinstance(t, (int, float)) or isinstance(t, bool) or not -MAX_EVENT_TIME <= t <= MAX_EVENT_TIME:
            raise fail(f"{at}.t", f"must be a time in seconds (within ±{MAX_EVENT_TIME:.0f})")
        if item.get("type") == "strum":  # no fret held: a press in no lane
            events.append(InputEvent(float(t), OPEN_STRUM, True))
            continue
        lane = item.get("lane")
        if not isinstance(lane, int) or isinstance(lane, bool) or not 0 <= lane < MAX_REPLAY_LANES:
            raise fail(f"{at}.lane", f"must be a lane number (0 to {MAX_REPLAY_LANES - 1})")
        kind = item.get("type")
        if kind not in ("down", "up"):
            raise fail(f"{at}.type", 'must be "down", "up" or "strum"')
        events.append(InputEvent(float(t), lane, kind == "down"))
    meta = {k: v for k, v in data.items() if k != "events"}
    return Replay(tuple(events), meta)


#: Events later than this (3 hours, the longest chart) are not input of any play.
MAX_EVENT_TIME = 3 * 3600.0
#: More lanes than any chart has (charts have at most 7).
MAX_REPLAY_LANES = 16
#: A replay of three hours at 20 presses a second is a few MB; anything far larger is not one.
MAX_REPLAY_BYTES = 64 * 1024 * 1024


def read_replay(path: str | os.PathLike[str]) -> Replay:
    """Read a replay file with its metadata, or raise :class:`ReplayError`."""
    path = Path(path)
    try:
        text = read_regular_file(path, MAX_REPLAY_BYTES, what="a replay").decode("utf-8")
    except FileNotFoundError:
        raise ReplayError(f"no such replay file: {path}") from None
    except ValueError as exc:  # not a regular file, too large, not UTF-8
        raise ReplayError(f"can't read the replay {path}: {exc}") from None
    except OSError as exc:
        raise ReplayError(f"can't read the replay {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ReplayError(f"{path} is not valid JSON ({exc})") from None
    return replay_from_json(data, name=str(path))


def load_replay(path: str | os.PathLike[str]) -> list[InputEvent]:
    """The input events of a replay file, or raise :class:`ReplayError`."""
    return list(read_replay(path).events)
