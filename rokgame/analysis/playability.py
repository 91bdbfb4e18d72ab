"""Can a person play it? The rules every generated difficulty keeps, as a checker.

The generator is built to keep these; the checker says so independently (tests,
``bench/chartgen.py --check``), in plain sentences with the note's time.
"""

from __future__ import annotations

from itertools import pairwise

from rokgame.analysis.charting import HOLD_RELEASE_GAP, STYLES
from rokgame.core.chart import Chart, Note

#: Rounding slack: times are saved to the millisecond.
SLACK = 0.0015


def playability_problems(chart: Chart) -> list[str]:
    """Every broken rule in ``chart``'s difficulties (an empty list for a playable chart).

    - consecutive moments (chords count once) at least the difficulty's minimum gap apart;
    - one lane hit again no sooner than the difficulty's same-lane gap (after a hold's end);
    - holds end at least :data:`~rokgame.analysis.charting.HOLD_RELEASE_GAP` before the next
      note in their lane;
    - easy uses lanes 0-2 and has no chords, medium uses lanes 0-3; no chord has more than two notes.
    """
    problems: list[str] = []
    for name, difficulty in chart.difficulties.items():
        style = STYLES.get(name)
        if style is None:
            continue
        notes = sorted(difficulty.notes)
        moments = sorted({note.t for note in notes})
        for a, b in pairwise(moments):
            if b - a < style.gap_loud - SLACK:
                problems.append(f"{name}: notes at {a:.3f} s and {b:.3f} s are {1000 * (b - a):.0f} ms apart "
                                f"(at least {1000 * style.gap_loud:.0f} ms on {name})")
        by_lane: dict[int, list[Note]] = {}
        for note in notes:
            by_lane.setdefault(note.lane, []).append(note)
        for lane, lane_notes in sorted(by_lane.items()):
            for a, b in pairwise(lane_notes):
                if a.length > 0:
                    if b.t - a.end < HOLD_RELEASE_GAP - SLACK:
                        problems.append(f"{name}: the hold at {a.t:.3f} s in lane {lane} ends "
                                        f"{1000 * (b.t - a.end):.0f} ms before the next note there "
                                        f"(at least {1000 * HOLD_RELEASE_GAP:.0f} ms)")
                elif b.t - a.t < style.same_lane_gap - SLACK:
                    problems.append(f"{name}: lane {lane} is hit at {a.t:.3f} s and again at {b.t:.3f} s "
                                    f"(at least {1000 * style.same_lane_gap:.0f} ms on {name})")
        max_lane = {"easy": 2, "medium": 3}.get(name, chart.lanes - 1)
        wide = [note for note in notes if note.lane > max_lane]
        if wide:
            problems.append(f"{name}: {len(wide)} notes use lanes above {max_lane} (first at {wide[0].t:.3f} s)")
        for chord in difficulty.chords():
            if name == "easy" or len(chord) > 2:
                problems.append(f"{name}: a {len(chord)}-note chord at {chord[0].t:.3f} s")
                break
    return problems
