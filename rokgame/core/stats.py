"""Figures about a difficulty that players and chart authors ask for (``rokgame chart info``)."""

from __future__ import annotations

from dataclasses import dataclass

from rokgame.core.chart import Difficulty

#: Peak density is counted over this window, like osu!'s and Clone Hero's "max NPS".
PEAK_WINDOW = 1.0


@dataclass(frozen=True, slots=True)
class DifficultyStats:
    name: str
    notes: int
    holds: int
    chords: int
    mean_nps: float
    peak_nps: float
    first: float | None
    last: float | None

    @property
    def length(self) -> float:
        """From the first note to the end of the last one."""
        return 0.0 if self.first is None or self.last is None else self.last - self.first


def difficulty_stats(difficulty: Difficulty) -> DifficultyStats:
    """Count notes, holds and chords and measure density (notes per second)."""
    notes = difficulty.notes
    times = [n.t for n in notes]
    first = times[0] if times else None
    last = max(n.end for n in notes) if notes else None
    span = (times[-1] - times[0]) if len(times) > 1 else 0.0
    peak = 0
    start = 0
    for end, t in enumerate(times):
        while t - times[start] >= PEAK_WINDOW:
            start += 1
        peak = max(peak, end - start + 1)
    return DifficultyStats(
        name=difficulty.name,
        notes=len(notes),
        holds=difficulty.hold_count,
        chords=len(difficulty.chords()),
        mean_nps=len(notes) / span if span > 0 else float(len(notes)),
        peak_nps=float(peak),
        first=first,
        last=last,
    )
