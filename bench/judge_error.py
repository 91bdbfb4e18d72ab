"""Judgement error added by the engine: replays with known offsets through the headless game loop.

    .venv/bin/python bench/judge_error.py [--seed 1]

Every note of a demo chart (or a synthetic one) is pressed at a known offset drawn
from ±80 ms; the replay runs through the real loop (key events in the pygame queue,
stamped by the app) with uneven frame times from 0.5 ms to 50 ms. The engine error
is max |measured offset − true offset| over the notes hit. Two figures:

- exact: each input leaves the queue at its own time (what the loop guarantees
  for an event stamped when it is pulled); target ≤ 1 ms;
- idle-polled: each input is pulled at the next 0.5 ms poll, as the windowed game's
  loop does between frames (rokgame.game.app.IDLE_POLL). While a frame is being
  drawn nobody polls, so in the windowed game a press that arrives mid-draw waits
  for the end of that draw as well (bench/render.py: ~1.1 ms median at 1280×720);
- frame-polled: every input of a frame is pulled at the frame's end — what a loop
  that only polled once per frame would cost (one frame at most).

The last line is ``max_error_ms=N`` for the exact path.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("ROKGAME_HOME", tempfile.mkdtemp(prefix="rokgame-bench-"))
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rokgame.core.chart_io import load_chart  # noqa: E402
from rokgame.core.judge import InputEvent  # noqa: E402
from rokgame.game.headless import run_headless  # noqa: E402
from rokgame.settings import Settings  # noqa: E402


def replay_with_offsets(notes, rng: random.Random) -> tuple[list[InputEvent], list[float]]:
    events, truth = [], []
    for note in notes:
        offset = rng.uniform(-0.080, 0.080)
        truth.append(offset * 1000)
        t = note.t + offset
        events.append(InputEvent(t, note.lane, True))
        events.append(InputEvent(max(t + 0.02, note.end), note.lane, False))
    return events, truth


def uneven(rng: random.Random):
    while True:
        yield rng.choice((0.0005, 0.002, 0.004, 0.008, 0.016, 0.033, 0.050))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chart", type=Path, default=REPO / "charts" / "sunday-groove.json")
    parser.add_argument("--difficulty", default="hard")
    args = parser.parse_args()
    chart = load_chart(args.chart)
    notes = chart.difficulty(args.difficulty).notes
    # Only notes whose lane is free again before the next press: a replay of a real player.
    rng = random.Random(args.seed)
    events, truth = replay_with_offsets(notes, rng)
    settings = Settings(no_fail=True)
    figures = {}
    from rokgame.game.app import IDLE_POLL

    for label, polled, every in (("exact", False, None), ("idle-polled", False, IDLE_POLL),
                                 ("frame-polled", True, None)):
        result = run_headless(chart, args.difficulty, events, settings=settings, size=(640, 360),
                              steps=uneven(random.Random(args.seed + 1)), poll_at_frames=polled, poll_every=every)
        measured = result.report["offsets"]
        errors = [abs(m - t) for m, t in zip(measured, truth, strict=True) if m is not None]
        figures[label] = max(errors)
        print(f"{label:>12}: {len(errors)} of {len(notes)} notes hit, max |measured - true| = {max(errors):.3f} ms, "
              f"mean {sum(errors) / len(errors):.3f} ms")
    print(f"max_error_ms={figures['exact']:.3f}")


if __name__ == "__main__":
    main()
