"""Start-up time: from launching a fresh Python process to the main menu's first frame.

    .venv/bin/python bench/startup.py [--runs 5]

Each run starts ``python -c`` that opens the game exactly as ``rokgame`` does
(:func:`rokgame.game.app.run`, dummy video driver, a fresh ROKGAME_HOME) and prints
the wall-clock time when the first frame has been drawn; the parent subtracts the
time it launched the process. The last line is ``median_s=N`` (target ≤ 1 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHILD = """
import time, pygame
from rokgame.game.app import run
def first_frame():
    print(f"FIRST_FRAME {time.time():.6f}", flush=True)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
run(first_frame=first_frame)
"""


def once(home: str) -> float:
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", ROKGAME_HOME=home,
               PYGAME_HIDE_SUPPORT_PROMPT="1", PYTHONPATH=str(REPO))
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True,
                         cwd=REPO)
    stamp = next(float(line.split()[1]) for line in out.stdout.splitlines() if line.startswith("FIRST_FRAME"))
    return stamp - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rokgame-startup-") as home:
        once(home)  # the first run warms the OS file cache and writes .pyc files; not counted
        times = [once(home) for _ in range(args.runs)]
    print("runs: " + ", ".join(f"{t:.3f}" for t in times) + " s")
    print(f"median_s={statistics.median(times):.3f}")


if __name__ == "__main__":
    main()
