"""Judgements and the hit windows that decide them (osu!mania's ``HitWindows``).

An *offset* is ``press time - note time`` in seconds on the song clock: negative
is early, positive is late. The windows are symmetric:

=========  =========  ==========================================================
Judgement  normal     meaning
=========  =========  ==========================================================
Perfect    ±25 ms     full points, full accuracy
Great      ±55 ms
Good       ±90 ms     the last window that keeps the combo
Miss       ±135 ms    a press this far off is judged, but as a miss
(none)     beyond     a press further than this from any note is a ghost tap
=========  =========  ==========================================================

The defaults sit between osu!mania OD8 and ITG. The ``precision`` setting narrows
them (see :data:`PRECISIONS`); it never widens them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from rokgame.errors import RokError

#: Offsets come from float subtraction (1.025 - 1.0 == 0.02499999...), so a press
#: exactly on a window's edge is treated as inside it, whichever way the float rounded.
EDGE_TOLERANCE = 1e-9


class Judgement(enum.Enum):
    """How well one note was hit. Every note gets exactly one."""

    PERFECT = "perfect"
    GREAT = "great"
    GOOD = "good"
    MISS = "miss"

    @property
    def is_hit(self) -> bool:
        """True for every judgement that keeps the combo."""
        return self is not Judgement.MISS


#: The hit judgements, best first.
HIT_JUDGEMENTS: tuple[Judgement, ...] = (Judgement.PERFECT, Judgement.GREAT, Judgement.GOOD)


class PrecisionError(RokError, ValueError):
    """The ``precision`` setting names no known set of windows."""


@dataclass(frozen=True, slots=True)
class HitWindows:
    """Half-widths of each judgement's window, in seconds."""

    perfect: float = 0.025
    great: float = 0.055
    good: float = 0.090
    miss: float = 0.135

    def __post_init__(self) -> None:
        if not 0 < self.perfect <= self.great <= self.good <= self.miss:
            raise ValueError(f"hit windows must grow from perfect to miss, got {self}")

    def judgement_for(self, offset: float) -> Judgement | None:
        """The judgement for a press ``offset`` seconds from its note; ``None`` means a ghost tap."""
        distance = abs(offset) - EDGE_TOLERANCE
        if distance <= self.perfect:
            return Judgement.PERFECT
        if distance <= self.great:
            return Judgement.GREAT
        if distance <= self.good:
            return Judgement.GOOD
        if distance <= self.miss:
            return Judgement.MISS
        return None

    def can_still_hit(self, offset: float) -> bool:
        """False once the song is ``offset`` seconds past a note and beyond its miss window."""
        return offset - EDGE_TOLERANCE <= self.miss

    @classmethod
    def for_precision(cls, name: str) -> HitWindows:
        """The windows for the ``precision`` setting: "normal", "tight" or "strict"."""
        try:
            return PRECISIONS[name]
        except (KeyError, TypeError):
            choices = ", ".join(PRECISIONS)
            raise PrecisionError(f"unknown precision {name!r}; choose one of {choices}") from None

    def ms(self) -> dict[str, float]:
        """The windows in milliseconds, for the settings screen and the results histogram."""
        return {"perfect": self.perfect * 1000, "great": self.great * 1000,
                "good": self.good * 1000, "miss": self.miss * 1000}


#: "tight" is about osu!mania OD9.5; "strict" is close to Etterna's judge 7 for Perfect.
PRECISIONS: dict[str, HitWindows] = {
    "normal": HitWindows(),
    "tight": HitWindows(perfect=0.020, great=0.045, good=0.075, miss=0.115),
    "strict": HitWindows(perfect=0.016, great=0.035, good=0.060, miss=0.095),
}
