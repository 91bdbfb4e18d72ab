"""Score, combo, multiplier, accuracy, rock meter and stars (osu!'s ``ScoreProcessor``).

The processor never looks at the clock or the input: it is told each
:class:`~rokgame.core.judge.HitResult` and :class:`~rokgame.core.judge.HoldResult`
in time order and keeps the tally. The rules, Guitar Hero / YARG style:

Note points
    Perfect 50, Great 40, Good 20, Miss 0, times the multiplier the note was hit at.
Multiplier
    ×1 for the first 10 notes of a streak, ×2 for the next 10, ×3, then ×4 from the
    31st note on (:func:`multiplier_for`). A miss or a dropped hold resets it (and a
    ghost tap, when they break the combo).
    :attr:`ScoreProcessor.multiplier` is the one the *next* note will score at.
Sustain points
    A hold pays :data:`SUSTAIN_POINTS` for every whole :data:`SUSTAIN_TICK` seconds
    held (50 points a second), times the multiplier its head was hit at. A completed
    hold pays its full length; a dropped one what was held until it was let go. While
    a hold is held, :meth:`ScoreProcessor.sustain` keeps :attr:`~ScoreProcessor.display_score`
    ticking up; the points are banked by the :class:`HoldResult`, so the final score does
    not depend on the frame rate.
Accuracy
    osu!-like, weighted per judged note: Perfect 100 %, Great 2/3, Good 1/3, Miss 0.
    100 % before the first note.
Rock meter (health)
    Starts at 0.5, 0..1: Perfect +0.02, Great +0.015, Good +0.005, Miss −0.08,
    dropped hold −0.04, ghost tap −0.02 when ghost taps break the combo. Empty
    means failed (the play stops and the score freezes); with ``no_fail`` the play
    goes on and :attr:`~ScoreProcessor.health_emptied` says so.
Stars (:data:`STAR_THRESHOLDS`)
    From score / :attr:`~ScoreProcessor.max_score`, Clone Hero style but on the
    chart's own maximum: ≥10 % ★, ≥30 % ★★, ≥50 % ★★★, ≥70 % ★★★★, ≥90 % ★★★★★.
    All Perfect is 5 stars, all Great 4, all Good 2. A failed play has 0.
Early / late
    Counted for hits outside the Perfect window (FAST/SLOW on a DDR cabinet);
    a Perfect is neither.
Ghost taps (:class:`GhostTapRule`)
    A press that judges no note (:class:`~rokgame.core.judge.GhostTap`; in strum
    mode an overstrum) is free by default: nothing changes and nothing is counted.
    With ``ghost_taps=GhostTapRule.BREAK`` (Guitar Hero / Clone Hero) it resets the
    combo and multiplier like a miss, drains :data:`HEALTH_GHOST_TAP` from the rock
    meter (Clone Hero's overstrum drains a little: a quarter of a miss, so a stray tap
    barely shows but mashing through a gap can fail you) and is counted in
    :attr:`~ScoreProcessor.ghost_tap_count`. It takes no points, judges no note and is
    not a Miss, so accuracy and the judgement counts don't move. A hold being held in
    another lane keeps paying.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence

from rokgame.core.chart import Note
from rokgame.core.judge import GhostTap, HitResult, HoldResult, Result
from rokgame.core.timing import EDGE_TOLERANCE, HitWindows, Judgement
from rokgame.errors import RokError

NOTE_POINTS: Mapping[Judgement, int] = {
    Judgement.PERFECT: 50,
    Judgement.GREAT: 40,
    Judgement.GOOD: 20,
    Judgement.MISS: 0,
}
ACCURACY_WEIGHTS: Mapping[Judgement, float] = {
    Judgement.PERFECT: 1.0,
    Judgement.GREAT: 2 / 3,
    Judgement.GOOD: 1 / 3,
    Judgement.MISS: 0.0,
}
HEALTH_START = 0.5
HEALTH_CHANGE: Mapping[Judgement, float] = {
    Judgement.PERFECT: 0.02,
    Judgement.GREAT: 0.015,
    Judgement.GOOD: 0.005,
    Judgement.MISS: -0.08,
}
HEALTH_DROPPED_HOLD = -0.04
HEALTH_GHOST_TAP = -0.02
STREAK_PER_STEP = 10
MAX_MULTIPLIER = 4
SUSTAIN_TICK = 0.1
SUSTAIN_POINTS = 5
#: Minimum score / max_score for 1..5 stars.
STAR_THRESHOLDS: tuple[float, ...] = (0.10, 0.30, 0.50, 0.70, 0.90)


class GhostTapRuleError(RokError, ValueError):
    """The ``ghost_taps`` option names no known rule."""


class GhostTapRule(enum.Enum):
    """What a press that judges no note costs: nothing (osu!mania), or the combo (Guitar Hero)."""

    FREE = "free"
    BREAK = "break"

    @classmethod
    def parse(cls, name: object) -> GhostTapRule:
        """The rule called ``name`` ("free" or "break"), or a one-sentence :class:`GhostTapRuleError`."""
        try:
            return cls(name)
        except ValueError:
            choices = " or ".join(rule.value for rule in cls)
            raise GhostTapRuleError(f"unknown ghost-tap rule {name!r}; choose {choices}") from None


def multiplier_for(streak: int) -> int:
    """The multiplier of the ``streak``-th consecutive hit (1-based)."""
    return min(MAX_MULTIPLIER, 1 + max(0, streak - 1) // STREAK_PER_STEP)


def sustain_points(held_for: float) -> int:
    """Sustain points (before the multiplier) for holding ``held_for`` seconds."""
    return SUSTAIN_POINTS * math.floor(max(0.0, held_for) / SUSTAIN_TICK + EDGE_TOLERANCE)


def max_score(notes: Sequence[Note]) -> int:
    """The score of a flawless play: every note Perfect, the full multiplier ramp, every sustain.

    Notes that start together are ordered so the hold with the most sustain gets the
    highest multiplier, so no order of pressing a chord can beat this.
    """
    ordered = sorted(notes, key=lambda n: (n.t, sustain_points(n.length), n.lane))
    perfect = NOTE_POINTS[Judgement.PERFECT]
    return sum(multiplier_for(i + 1) * (perfect + sustain_points(n.length)) for i, n in enumerate(ordered))


def stars_for(score: int, maximum: int) -> int:
    """0..5 stars for ``score`` out of ``maximum`` (see :data:`STAR_THRESHOLDS`)."""
    if maximum <= 0:
        return 0
    ratio = score / maximum
    return sum(1 for threshold in STAR_THRESHOLDS if ratio >= threshold - EDGE_TOLERANCE)


class ScoreProcessor:
    """Keeps the tally of one play of ``notes``; feed it every result with :meth:`apply`."""

    def __init__(self, notes: Sequence[Note], *, no_fail: bool = False,
                 windows: HitWindows | None = None, ghost_taps: GhostTapRule = GhostTapRule.FREE) -> None:
        self.notes: tuple[Note, ...] = tuple(notes)
        self.no_fail = no_fail
        self.ghost_taps = ghost_taps
        self.windows = windows or HitWindows()
        self.max_score: int = max_score(self.notes)
        self.combo = 0
        self.max_combo = 0
        self.multiplier = 1
        self.score = 0
        self.health = HEALTH_START
        self.failed = False
        self.health_emptied = False
        self.counts: dict[Judgement, int] = dict.fromkeys(Judgement, 0)
        self.early = 0
        self.late = 0
        self.holds_completed = 0
        self.holds_dropped = 0
        #: Ghost taps that broke the combo (always 0 when ghost taps are free).
        self.ghost_tap_count = 0
        #: Per note: the hit error in milliseconds (+ = late); ``None`` for misses and unplayed notes.
        self.offsets_ms: list[float | None] = [None] * len(self.notes)
        #: Sustain points the holds being held would bank right now (see :meth:`sustain`).
        self.sustain_pending = 0
        self._judged = 0
        self._head_multiplier: dict[int, int] = {}
        self._undo: list[tuple[Result, tuple[object, ...]]] = []

    # -- derived figures

    @property
    def accuracy(self) -> float:
        """0..1, judgement-weighted over the notes judged so far (1.0 before any)."""
        if not self._judged:
            return 1.0
        return sum(ACCURACY_WEIGHTS[j] * n for j, n in self.counts.items()) / self._judged

    @property
    def judged(self) -> int:
        return self._judged

    @property
    def stars(self) -> int:
        return 0 if self.failed else stars_for(self.score, self.max_score)

    @property
    def display_score(self) -> int:
        """The score including sustain points of holds still being held: what the HUD shows."""
        return self.score + self.sustain_pending

    @property
    def hit_offsets_ms(self) -> list[float]:
        return [o for o in self.offsets_ms if o is not None]

    @property
    def mean_offset_ms(self) -> float | None:
        """Mean hit error of the hits in ms (+ = late), ``None`` without any hit."""
        hits = self.hit_offsets_ms
        return sum(hits) / len(hits) if hits else None

    def histogram(self, bin_ms: int = 10) -> list[tuple[int, int]]:
        """Hit errors binned: ``(bin centre in ms, count)`` from −Good to +Good, empty bins included.

        Bins are centred on multiples of ``bin_ms`` so Perfect sits in the middle one.
        """
        if bin_ms <= 0:
            raise ValueError("bin_ms must be positive")
        reach = math.ceil(self.windows.good * 1000 / bin_ms - 0.5)
        counts = dict.fromkeys(range(-reach, reach + 1), 0)
        for offset in self.hit_offsets_ms:
            key = math.floor(offset / bin_ms + 0.5)
            key = max(-reach, min(reach, key))
            counts[key] += 1
        return [(key * bin_ms, n) for key, n in counts.items()]

    # -- results

    def apply(self, result: Result) -> None:
        """Count one result (results must come in time order)."""
        self._undo.append((result, self._state(result)))
        if isinstance(result, HitResult):
            self._apply_hit(result)
        elif isinstance(result, HoldResult):
            self._apply_hold(result)
        else:
            self._apply_ghost_tap(result)

    def revert(self, result: Result) -> None:
        """Undo the last :meth:`apply` (osu!'s rewind); only the most recent result can be reverted."""
        if not self._undo or self._undo[-1][0] is not result:
            raise ValueError("only the most recently applied result can be reverted")
        _, state = self._undo.pop()
        self._restore(result, state)

    def sustain(self, now: float, held: Mapping[int, float]) -> None:
        """Tell the processor which holds are being held: ``{note index: seconds held so far}``.

        Only moves :attr:`display_score`; the points are banked when the hold's
        :class:`HoldResult` is applied. ``now`` is accepted for symmetry with the judge.
        """
        del now
        if self.failed:
            self.sustain_pending = 0
            return
        self.sustain_pending = sum(
            sustain_points(min(seconds, self.notes[i].length)) * self._head_multiplier.get(i, 1)
            for i, seconds in held.items()
        )

    def _apply_hit(self, result: HitResult) -> None:
        judgement = result.judgement
        self.counts[judgement] += 1
        self._judged += 1
        if judgement.is_hit:
            self.offsets_ms[result.note_index] = (result.offset or 0.0) * 1000.0
            if judgement is not Judgement.PERFECT and result.offset is not None:
                if result.offset < 0:
                    self.early += 1
                else:
                    self.late += 1
            self.combo += 1
            self.max_combo = max(self.max_combo, self.combo)
            multiplier = multiplier_for(self.combo)
            if not self.failed:
                self.score += NOTE_POINTS[judgement] * multiplier
                self._head_multiplier[result.note_index] = multiplier
            self.multiplier = multiplier_for(self.combo + 1)
        else:
            self._break_combo()
        self._change_health(HEALTH_CHANGE[judgement])

    def _apply_hold(self, result: HoldResult) -> None:
        multiplier = self._head_multiplier.pop(result.note_index, 0)
        if not self.failed:
            self.score += sustain_points(result.held_for) * multiplier
        self.sustain_pending = 0
        if result.completed:
            self.holds_completed += 1
        else:
            self.holds_dropped += 1
            self._break_combo()
            self._change_health(HEALTH_DROPPED_HOLD)

    def _apply_ghost_tap(self, result: GhostTap) -> None:
        if self.ghost_taps is GhostTapRule.FREE:
            return
        self.ghost_tap_count += 1
        self._break_combo()
        self._change_health(HEALTH_GHOST_TAP)

    def _break_combo(self) -> None:
        self.combo = 0
        self.multiplier = 1

    def _change_health(self, delta: float) -> None:
        if self.failed:
            return
        self.health = min(1.0, max(0.0, self.health + delta))
        if self.health <= 0.0:
            self.health_emptied = True
            if not self.no_fail:
                self.failed = True

    # -- undo

    _SCALARS = ("combo", "max_combo", "multiplier", "score", "health", "failed", "health_emptied", "early",
                "late", "holds_completed", "holds_dropped", "ghost_tap_count", "sustain_pending", "_judged")

    def _state(self, result: Result) -> tuple[object, ...]:
        scalars = tuple(getattr(self, name) for name in self._SCALARS)
        if isinstance(result, GhostTap):  # belongs to no note: nothing per note to put back
            return (scalars, dict(self.counts), None, None)
        index = result.note_index
        return (scalars, dict(self.counts), self.offsets_ms[index], self._head_multiplier.get(index))

    def _restore(self, result: Result, state: tuple[object, ...]) -> None:
        scalars, counts, offset, head = state
        for name, value in zip(self._SCALARS, scalars, strict=True):  # type: ignore[call-overload]
            setattr(self, name, value)
        self.counts = counts  # type: ignore[assignment]
        if isinstance(result, GhostTap):
            return
        self.offsets_ms[result.note_index] = offset  # type: ignore[assignment]
        if head is None:
            self._head_multiplier.pop(result.note_index, None)
        else:
            self._head_multiplier[result.note_index] = head  # type: ignore[assignment]
