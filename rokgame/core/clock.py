"""The song clock: the one notion of "now" that judging and drawing agree on.

Song time is seconds into the audio file (negative during the lead-in), less the
chart's ``offset``: the time line the chart's notes and beats are written on. The game's
real clock lives in :mod:`rokgame.game.audio` (perf_counter, corrected by the mixer);
everything in :mod:`rokgame.core` only needs :class:`SongClock`, so tests drive a
:class:`ManualClock` and a whole song simulates in far less than real time.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class SongClock(Protocol):
    def time(self) -> float:
        """Song time in seconds (audio-file time; negative during the lead-in)."""
        ...


class ManualClock:
    """A clock that only moves when told to: for tests and headless runs."""

    __slots__ = ("_t",)

    def __init__(self, t: float = 0.0) -> None:
        self._t = float(t)

    def time(self) -> float:
        return self._t

    def advance(self, dt: float) -> None:
        self._t += dt

    def set(self, t: float) -> None:
        self._t = float(t)

    def __repr__(self) -> str:
        return f"ManualClock({self._t!r})"
