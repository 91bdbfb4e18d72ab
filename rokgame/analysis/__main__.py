"""``python -m rokgame.analysis AUDIO [-o OUT.json] [--lanes N] [--no-cache]``: chart one file.

The auto-charter on its own, without the rest of the command line: ``rokgame chart
generate`` imports every command's module before it parses its arguments (~0.1 s on
the reference machine); this entry imports only the analysis. ``bench/chartgen.py``
times both, so the difference is the start-up the CLI could save. Players use
``rokgame chart generate``; the output is the same file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rokgame.analysis",
                                     description="Chart an audio file in easy, medium, hard and expert.")
    parser.add_argument("audio", type=Path, metavar="AUDIO", help="ogg, mp3, wav, flac, opus, m4a, webm, ...")
    parser.add_argument("-o", "--output", type=Path, metavar="OUT.json",
                        help="where to write the chart (default: rokgame's cache of generated charts)")
    parser.add_argument("--lanes", type=int, default=5, metavar="N", help="lanes on hard and expert (3-7; default 5)")
    parser.add_argument("--no-cache", action="store_true", help="chart again even if this audio was charted before")
    args = parser.parse_args(argv)

    from rokgame.analysis import generate_chart_file
    from rokgame.errors import RokError

    try:
        path = generate_chart_file(args.audio, out=args.output, lanes=args.lanes, use_cache=not args.no_cache)
    except RokError as error:
        print(f"rokgame: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    status = main()
    # A one-shot process: the collector's last pass over every object at interpreter exit costs
    # ~35 ms (measured: 55 ms from return to exit, 17 ms with everything frozen), and nothing
    # left now is garbage worth finding.
    import gc

    gc.freeze()
    raise SystemExit(status)
