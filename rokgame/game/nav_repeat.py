"""When a held controller direction moves a menu again: the d-pad, hat and stick version of key repeat.

SDL repeats held keyboard keys, but nothing repeats a held d-pad, hat or stick, so without
this a guitar player presses Down 200 times to reach the 200th song. Like Clone Hero, YARG
and Steam, a held direction moves once when pressed, again after :data:`DELAY`, then every
:data:`INTERVAL`, and every :data:`FAST_INTERVAL` once it has repeated :data:`SLOW_REPEATS`
times (a long list goes by quickly, a short hop stays easy to stop on).

Everything here is a pure function of the clock readings it is given, so tests control time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Seconds held before the first repeat (a tap never repeats; SDL's keyboard repeat waits 0.32 s).
DELAY = 0.4
#: Seconds between repeats at first.
INTERVAL = 0.07
#: After this many repeats (1.4 s of them), the repeats come twice as fast.
SLOW_REPEATS = 20
FAST_INTERVAL = 0.035
#: At most this many repeats in one frame: a frame that stalls (a window drag, a slow disk) must not
#: fling the cursor down the list; the repeats it missed are dropped, not queued.
MAX_PER_FRAME = 3

_EPSILON = 1e-9  # 0.4 + 0.07 is not exactly 0.47 in floating point; a repeat due at that time counts


def repeats_due(held: float) -> int:
    """How many repeats a direction held for ``held`` seconds has earned (the first press not counted)."""
    if held < DELAY - _EPSILON:
        return 0
    repeating = held - DELAY
    slow_span = SLOW_REPEATS * INTERVAL
    if repeating < slow_span - _EPSILON:
        return math.floor(repeating / INTERVAL + _EPSILON) + 1
    return SLOW_REPEATS + math.floor((repeating - slow_span) / FAST_INTERVAL + _EPSILON) + 1


@dataclass
class HeldDirection:
    """The one controller direction being held: its control, when it went down, and the repeats sent."""

    control: str
    since: float
    sent: int = 0

    def due(self, now: float) -> int:
        """Repeats to send at ``now`` (0 before the delay, at most :data:`MAX_PER_FRAME`)."""
        earned = repeats_due(now - self.since)
        count = min(earned - self.sent, MAX_PER_FRAME)
        self.sent = max(self.sent, earned)
        return max(0, count)
