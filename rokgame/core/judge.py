"""The judge: input events and notes in, one judgement per note out.

Like osu!mania's ruleset, the judge only looks at song time: an input is judged at
the time it *happened* (stamped when it left the event queue), never at the time
the frame got round to it, so a slow frame can't move a judgement.

Rules:

* A press consumes the earliest unjudged note in its lane whose miss window
  contains it. Within ±Good it is a hit; within ±Miss a miss (a mash that early or
  late still costs the note); further from every note it is a ghost tap
  (``press`` returns ``None`` and no note is lost).
* Presses at one instant are one action (a strum presses every held fret at once):
  if none of them judged a note, the judge reports one :class:`GhostTap` for that
  instant as soon as time moves past it. Whether it costs anything is the score's
  rule (:class:`~rokgame.core.scoring.GhostTapRule`): free by default. A strum with no
  fret held is a press in lane :data:`OPEN_STRUM`, where there is never a note, so it
  is a ghost tap too (Clone Hero's overstrum).
* A note nobody pressed for is auto-missed once the song is past its miss window
  (``update``), stamped at the first instant it could no longer be hit
  (``note.t + windows.miss``, plus the edge tolerance that keeps a press exactly on
  the edge a hit), so a press on the edge is never reported after the miss it beat.
* A hold's judgement is its head's. Once the head is hit the hold is "held":
  releasing within the Good window of its end, or holding until its end, completes
  it; letting go earlier drops it (a :class:`HoldResult` with ``completed=False``).
* Chords are notes in different lanes: each is judged on its own.

Results are reported exactly once, in time order: by ``press``/``release`` for the
input itself and by ``update`` (or ``feed``) for everything the passing of time
decided. Feed a frame's inputs first (in the order they happened), then
``update(now)``. Every note gets exactly one judgement; a ghost tap judges none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rokgame.core.chart import Note
from rokgame.core.timing import EDGE_TOLERANCE, HitWindows, Judgement


@dataclass(frozen=True, slots=True)
class InputEvent:
    """A lane key going down (``down=True``) or up at song time ``t``."""

    t: float
    lane: int
    down: bool


@dataclass(frozen=True, slots=True)
class HitResult:
    """The judgement of note ``note_index``; ``offset`` is ``None`` for an auto-miss."""

    note_index: int
    judgement: Judgement
    offset: float | None
    time: float


@dataclass(frozen=True, slots=True)
class HoldResult:
    """How a held hold ended: ``completed`` or dropped early, after ``held_for`` seconds."""

    note_index: int
    completed: bool
    time: float
    held_for: float


@dataclass(frozen=True, slots=True)
class GhostTap:
    """The presses at song time ``time`` judged no note (a mash, or a strum with nothing to hit)."""

    time: float


Result = HitResult | HoldResult | GhostTap
DEFAULT_WINDOWS = HitWindows()
#: The lane of a strum with no fret held (strum mode). Charts have no open notes, so it hits nothing.
OPEN_STRUM = -1


def event_order(event: InputEvent) -> tuple[float, bool]:
    """Sort key for input events: by time, releases before presses at the same instant.

    Use it with a stable sort: presses at one instant keep the order they were recorded
    in, which decides which note of a chord scores at the higher multiplier.
    """
    return (event.t, event.down)


def _result_order(result: Result) -> tuple[float, int]:
    # A ghost tap belongs to no note: at one instant it comes before the notes decided there.
    return (result.time, -1 if isinstance(result, GhostTap) else result.note_index)


class Judge:
    """Judges presses and releases against ``notes`` (indices refer to that sequence)."""

    def __init__(self, notes: Sequence[Note], windows: HitWindows = DEFAULT_WINDOWS) -> None:
        self.notes: tuple[Note, ...] = tuple(notes)
        self.windows = windows
        #: Per note: its judgement, or ``None`` while it is still to be played.
        self.judgements: list[Judgement | None] = [None] * len(self.notes)
        #: Per note: the press offset in seconds (``None`` for auto-misses and unjudged notes).
        self.offsets: list[float | None] = [None] * len(self.notes)
        #: Every result so far, in the order it was produced.
        self.results: list[Result] = []
        self._lane_notes: dict[int, list[int]] = {}
        for index in sorted(range(len(self.notes)), key=lambda i: (self.notes[i].t, i)):
            self._lane_notes.setdefault(self.notes[index].lane, []).append(index)
        # Within a lane notes are judged in order (a press can't reach past an unjudged note
        # without that note having expired first), so one cursor per lane finds the candidate.
        self._cursor: dict[int, int] = dict.fromkeys(self._lane_notes, 0)
        self._holding: dict[int, tuple[int, float]] = {}  # lane -> (note index, press time)
        self._outbox: list[Result] = []  # decided by time passing, not yet reported
        # The instant of the latest presses and whether any of them judged a note: a ghost tap is
        # only known once time has moved past the instant (a strum's frets arrive one by one).
        self._pressed_at: float | None = None
        self._pressed_judged = False
        self._unjudged = len(self.notes)
        self.last_end: float = max((n.end for n in self.notes), default=0.0)

    # -- queries

    def holding(self, lane: int) -> int | None:
        """The index of the hold note being held in ``lane``, if any (for the renderer)."""
        held = self._holding.get(lane)
        return held[0] if held else None

    def held(self, now: float) -> dict[int, float]:
        """Seconds each hold being held has been held so far, by note index."""
        out: dict[int, float] = {}
        for index, since in self._holding.values():
            note = self.notes[index]
            out[index] = max(0.0, min(now, note.end) - max(since, note.t))
        return out

    def next_note(self, lane: int) -> int | None:
        """The index of the next unjudged note in ``lane``, if any."""
        notes = self._lane_notes.get(lane, ())
        cursor = self._cursor.get(lane, 0)
        return notes[cursor] if cursor < len(notes) else None

    @property
    def unjudged(self) -> int:
        return self._unjudged

    def is_done(self, now: float) -> bool:
        """True when every note is judged and no hold is still being held."""
        if self._unjudged == 0 and not self._holding:
            return True
        return now > self.last_end + self.windows.miss

    # -- input

    def press(self, t: float, lane: int) -> HitResult | None:
        """Judge a press at song time ``t``; ``None`` when it judged no note (see :class:`GhostTap`)."""
        self._expire(t)
        if t != self._pressed_at:
            self._outbox.extend(self._settle_presses())  # only ever something for input out of time order
            self._pressed_at, self._pressed_judged = t, False
        result = self._press(t, lane)
        if result is not None:
            self._pressed_judged = True
        return result

    def _press(self, t: float, lane: int) -> HitResult | None:
        index = self.next_note(lane)
        if index is None:
            return None
        note = self.notes[index]
        offset = t - note.t
        judgement = self.windows.judgement_for(offset)
        if judgement is None:
            return None
        result = self._judge(index, judgement, offset, t)
        if judgement.is_hit and note.is_hold:
            self._holding[lane] = (index, t)
        return result

    def release(self, t: float, lane: int) -> HoldResult | None:
        """A lane key went up at ``t``: completes or drops the hold held there, if any."""
        self._expire(t)
        held = self._holding.pop(lane, None)
        if held is None:
            return None
        index, since = held
        note = self.notes[index]
        completed = t >= note.end - self.windows.good
        held_for = note.length if completed else max(0.0, min(t, note.end) - max(since, note.t))
        return self._record(HoldResult(index, completed, t, held_for))

    def update(self, now: float) -> list[Result]:
        """Auto-misses and hold completions up to song time ``now``, in time order."""
        self._expire(now)
        out, self._outbox = self._outbox, []
        return out

    def feed(self, event: InputEvent) -> list[Result]:
        """``update(event.t)``, then the press or release; everything it decided, in time order."""
        out = self.update(event.t)
        result: Result | None
        result = self.press(event.t, event.lane) if event.down else self.release(event.t, event.lane)
        if result is not None:
            out.append(result)
        return out

    def miss_remaining(self, now: float) -> list[Result]:
        """End the play early (the rock meter emptied): every unjudged note is a miss, holds drop."""
        out = self.update(now)
        for lane in sorted(self._holding):
            index, since = self._holding.pop(lane)
            note = self.notes[index]
            held_for = max(0.0, min(now, note.end) - max(since, note.t))
            out.append(self._record(HoldResult(index, False, now, held_for)))
        for lane, notes in sorted(self._lane_notes.items()):
            for index in notes[self._cursor[lane]:]:
                out.append(self._judge(index, Judgement.MISS, None, now))
        out.sort(key=_result_order)
        return out

    # -- internals

    def _judge(self, index: int, judgement: Judgement, offset: float | None, time: float) -> HitResult:
        lane = self.notes[index].lane
        assert self._lane_notes[lane][self._cursor[lane]] == index
        self._cursor[lane] += 1
        self.judgements[index] = judgement
        self.offsets[index] = offset
        self._unjudged -= 1
        return self._record(HitResult(index, judgement, offset, time))

    def _record(self, result: Result) -> Result:
        self.results.append(result)
        return result

    def _settle_presses(self) -> list[Result]:
        """The ghost tap of the latest instant's presses, if none of them judged a note."""
        at, self._pressed_at = self._pressed_at, None
        if at is None or self._pressed_judged:
            return []
        return [self._record(GhostTap(at))]

    def _expire(self, now: float) -> None:
        """Decide what the passing of time up to ``now`` decided, into the outbox."""
        decided: list[Result] = []
        for lane, notes in self._lane_notes.items():
            while self._cursor[lane] < len(notes):
                index = notes[self._cursor[lane]]
                note = self.notes[index]
                if self.windows.can_still_hit(now - note.t):
                    break
                missed_at = note.t + self.windows.miss + EDGE_TOLERANCE
                decided.append(self._judge(index, Judgement.MISS, None, missed_at))
        for lane, (index, since) in list(self._holding.items()):
            note = self.notes[index]
            if now >= note.end:
                del self._holding[lane]
                # A hold shorter than the Good window can end before its (late) head was pressed.
                decided.append(self._record(HoldResult(index, True, max(note.end, since), note.length)))
        if self._pressed_at is not None and now > self._pressed_at:
            decided.extend(self._settle_presses())
        if decided:
            decided.sort(key=_result_order)
            self._outbox.extend(decided)
