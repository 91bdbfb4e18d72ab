"""``rokgame fetch SOURCE``: download (or find) a track and chart it, without playing.

Also home of the terminal side of :func:`rokgame.tracks.prepare_track`: a progress
bar on stderr (:class:`TerminalProgress`) and a numbered pick of search results
(:func:`choose_in_terminal`), which ``rokgame play`` can reuse.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO


def register(commands: argparse._SubParsersAction) -> None:
    fetch = commands.add_parser(
        "fetch",
        help="download and chart a track without playing it (a link, a search or an audio file)",
        description="Get a track ready: download it (or read the file), chart it, add it to the library, "
        "and print where the chart is.",
    )
    fetch.add_argument("source", nargs="+", metavar="SOURCE",
                       help='a YouTube link, words to search for ("artist - title"), or an audio file')
    fetch.add_argument("--first", action="store_true", help="take the top search result without asking")
    fetch.set_defaults(handler=run_fetch)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?:??"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TerminalProgress:
    """``progress(fraction, stage)`` as one redrawn bar on a terminal, or a line per stage when piped."""

    WIDTH = 28

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._stage = ""
        self._drawn = 0.0
        self._open = False

    def __call__(self, fraction: float, stage: str) -> None:
        fraction = max(0.0, min(1.0, fraction))
        if not self.tty:
            if stage != self._stage:
                self.stream.write(f"{stage}…\n")
                self.stream.flush()
            self._stage = stage
            return
        now = time.monotonic()
        if stage == self._stage and now - self._drawn < 0.1 and fraction < 1.0:
            return  # redraw at most ten times a second
        self._stage, self._drawn = stage, now
        filled = round(self.WIDTH * fraction)
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        self.stream.write(f"\r{bar} {fraction * 100:3.0f}%  {stage:<24.24}")
        self.stream.flush()
        self._open = True

    def close(self) -> None:
        if self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False


def print_results(results: Sequence[Any], stream: TextIO) -> None:
    for number, result in enumerate(results, 1):
        channel = f" — {result.channel}" if result.channel else ""
        stream.write(f"{number:>2}. {result.title}{channel} ({_clock(result.duration)})\n")
        stream.write(f"    {result.url}\n")


def choose_in_terminal(results: Sequence[Any], *, stdin: TextIO | None = None, out: TextIO | None = None) -> int | None:
    """List search results and read a number; Enter takes the first, ``q`` (or end of input) cancels."""
    stdin = stdin if stdin is not None else sys.stdin
    out = out if out is not None else sys.stderr
    out.write("\n")
    print_results(results, out)
    while True:
        out.write(f"Play which? [1-{len(results)}, Enter = 1, q = cancel] ")
        out.flush()
        line = stdin.readline()
        if not line:
            out.write("\n")
            return None
        answer = line.strip().lower()
        if answer == "":
            return 0
        if answer in ("q", "quit", "n", "no"):
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(results):
            return int(answer) - 1
        out.write(f"Type a number from 1 to {len(results)}.\n")


def run_fetch(args: argparse.Namespace) -> int:
    from rokgame.tracks import prepare_track

    source = " ".join(args.source)
    bar = TerminalProgress()
    choose = (lambda results: 0) if args.first or not sys.stdin.isatty() else choose_in_terminal
    try:
        track = prepare_track(source, progress=bar, choose=choose)
    finally:
        bar.close()
    if track.note:
        print(f"rokgame: {track.note}", file=sys.stderr)
    by = f" — {track.artist}" if track.artist else ""
    state = "already in your library" if track.reused else "ready"
    print(f"{track.title}{by}: {state} (track {track.track_id})")
    print(f"chart: {track.chart_path}")
    print(f"audio: {track.audio_path}")
    return 0
