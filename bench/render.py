"""Gameplay rendering speed: the real gameplay scene, headless at 1280×720, uncapped.

    .venv/bin/python bench/render.py [--seconds 20] [--size 1280x720]

A synthetic expert chart (≥ 12 notes/s with holds and chords) is autoplayed for 20 s
of song time; every loop iteration (input pump, judging, HUD and highway drawing)
is timed. The first second is warm-up (sprites are scaled on first use) and is not
counted. The last line is ``median_fps=N p99_ms=M`` (targets: ≥ 500 fps, p99 ≤ 4 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("ROKGAME_HOME", tempfile.mkdtemp(prefix="rokgame-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from rokgame.core.chart import Chart, Difficulty, Note, Song, Tempo
from rokgame.core.replay import autoplay
from rokgame.core.stats import difficulty_stats
from rokgame.game.headless import fixed_steps, run_headless
from rokgame.settings import Settings

BPM = 180.0


def dense_chart(seconds: float, *, seed: int = 1) -> Chart:
    """16th notes at 180 BPM (12/s) with chords on every beat and a hold every bar."""
    rng = random.Random(seed)
    step = 60 / BPM / 4
    notes: list[Note] = []
    busy_until = [0.0] * 5
    t = 1.0
    i = 0
    while t < seconds + 3:
        lanes = rng.sample(range(5), 2 if i % 4 == 0 else 1)
        for lane in lanes:
            if busy_until[lane] > t - 0.001:
                continue
            length = round(step * 6, 3) if i % 16 == 0 and lane == lanes[0] else 0.0
            notes.append(Note(round(t, 3), lane, length))
            busy_until[lane] = t + length + step * 0.5
        t += step
        i += 1
    beats = tuple(round(k * 60 / BPM, 3) for k in range(int((seconds + 6) * BPM / 60)))
    return Chart(Song("Bench", "bench.ogg", "rokgame", seconds + 6), {"expert": Difficulty("expert", tuple(notes))},
                 5, 0.0, Tempo(BPM, beats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    chart = dense_chart(args.seconds)
    stats = difficulty_stats(chart.difficulty("expert"))
    print(f"chart: {stats.notes} notes, {stats.holds} holds, {stats.chords} chords, "
          f"mean {stats.mean_nps:.1f} notes/s, peak {stats.peak_nps:.0f}/s")
    stamps: list[tuple[float, float]] = []
    stop_at = 1.0 + args.seconds

    def on_frame(app: object, song_time: float) -> None:
        stamps.append((song_time, time.perf_counter()))
        if song_time >= stop_at:
            app.top.done = True  # type: ignore[attr-defined]

    result = run_headless(chart, "expert", autoplay(chart.difficulty("expert").notes), size=size,  # type: ignore[arg-type]
                          settings=Settings(), steps=fixed_steps(1 / 240), on_frame=on_frame)
    frames = [(b[1] - a[1]) * 1000 for a, b in itertools.pairwise(stamps) if a[0] >= 1.0]
    frames.sort()
    median = statistics.median(frames)
    p99 = frames[min(len(frames) - 1, int(len(frames) * 0.99))]
    print(f"{len(frames)} frames over {args.seconds:.0f} s of song at {size[0]}x{size[1]}; "
          f"mean {statistics.fmean(frames):.3f} ms, max {frames[-1]:.2f} ms; "
          f"judged {sum(result.report['judgements'].values())} notes")
    print(f"median_fps={1000 / median:.0f} p99_ms={p99:.2f}")


if __name__ == "__main__":
    main()
