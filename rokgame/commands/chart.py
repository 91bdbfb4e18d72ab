"""``rokgame chart validate|info|generate``: what chart authors run after every edit, and the auto-charter."""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from rokgame.core.chart_io import Problem, read_chart
from rokgame.core.stats import difficulty_stats


def register(commands: argparse._SubParsersAction) -> None:
    chart = commands.add_parser("chart", help="check, describe or generate charts")
    sub = chart.add_subparsers(dest="chart_command", metavar="ACTION", required=True)

    validate = sub.add_parser("validate", help="check chart files; exit 0 when every one is playable")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate.set_defaults(handler=run_validate)

    info = sub.add_parser("info", help="notes, holds, chords and density of each difficulty")
    info.add_argument("file", type=Path, metavar="FILE")
    info.set_defaults(handler=run_info)

    generate = sub.add_parser("generate", help="chart an audio file in easy, medium, hard and expert")
    generate.add_argument("audio", type=Path, metavar="AUDIO", help="ogg, mp3, wav, flac, opus, m4a, webm, ...")
    generate.add_argument("-o", "--output", type=Path, metavar="OUT.json",
                          help="where to write the chart (default: rokgame's cache of generated charts)")
    generate.add_argument("--lanes", type=int, default=5, metavar="N", help="lanes on hard and expert (3-7; default 5)")
    generate.add_argument("--title", help="the song's title (default: the file name)")
    generate.add_argument("--artist", help="the song's artist")
    generate.add_argument("--no-cache", action="store_true", help="chart again even if this audio was charted before")
    generate.set_defaults(handler=run_generate)


def _problem_line(problem: Problem) -> str:
    return f"  {problem.severity:<7} {problem}"


def run_validate(args: argparse.Namespace) -> int:
    status = 0
    for path in args.files:
        result = read_chart(path)
        errors, warnings = result.errors, result.warnings
        if errors:
            status = 1
            counts = f"{len(errors)} error{'s' * (len(errors) != 1)}"
            if warnings:
                counts += f", {len(warnings)} warning{'s' * (len(warnings) != 1)}"
            print(f"{path}: {counts}")
        elif warnings:
            print(f"{path}: OK ({len(warnings)} warning{'s' * (len(warnings) != 1)})")
        else:
            print(f"{path}: OK")
        for problem in (*errors, *warnings):
            print(_problem_line(problem))
    return status


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    minutes, seconds = divmod(value, 60)
    return f"{int(minutes)}:{seconds:06.3f}"


def run_info(args: argparse.Namespace) -> int:
    result = read_chart(args.file)
    if result.chart is None:
        print(f"{args.file}: not a playable chart", file=sys.stderr)
        for problem in result.errors:
            print(_problem_line(problem), file=sys.stderr)
        return 1
    chart = result.chart
    song = chart.song
    print(f"{song.title} — {song.artist or 'unknown artist'}")
    details = [f"{chart.lanes} lanes", f"audio {song.audio}"]
    if song.duration is not None:
        details.append(f"length {_seconds(song.duration)}")
    if chart.tempo is not None:
        details.append(f"{chart.tempo.bpm:g} BPM")
    print(", ".join(details))
    header = f"{'difficulty':<10} {'notes':>6} {'holds':>6} {'chords':>6} {'mean/s':>7} {'peak/s':>7} " \
             f"{'first':>10} {'last':>10} {'length':>10}"
    print(header)
    for difficulty in chart.difficulties.values():
        s = difficulty_stats(difficulty)
        print(f"{s.name:<10} {s.notes:>6} {s.holds:>6} {s.chords:>6} {s.mean_nps:>7.2f} {s.peak_nps:>7.0f} "
              f"{_seconds(s.first):>10} {_seconds(s.last):>10} {_seconds(s.length):>10}")
    return 0


def run_generate(args: argparse.Namespace) -> int:
    from rokgame.analysis import generate_chart_file

    with _native_stderr_set_aside(show=bool(getattr(args, "debug", False))) as terminal:
        bar = _ProgressBar(terminal)
        try:
            path = generate_chart_file(args.audio, out=args.output, lanes=args.lanes, progress=bar,
                                       use_cache=not args.no_cache, title=args.title, artist=args.artist)
        finally:
            bar.close()
    result = read_chart(path)
    chart = result.chart
    if chart is None:  # cannot happen unless the file was changed under us
        print(f"{path}: the chart written is not playable", file=sys.stderr)
        return 1
    for warning in (chart.generator or {}).get("warnings", []):
        print(f"rokgame: warning: {warning}", file=sys.stderr)
    counts = ", ".join(f"{name} {len(d.notes)}" for name, d in chart.difficulties.items())
    print(f"{path}")
    print(f"  {chart.song.title}: {counts} notes" + (f", {chart.tempo.bpm:g} BPM" if chart.tempo else ""))
    if args.output is None:
        # The cache keeps the chart, not the audio: the game finds the file through its library.
        print(f"  play it: rokgame play {shlex.quote(str(args.audio))}")
    return 0


@contextlib.contextmanager
def _native_stderr_set_aside(*, show: bool) -> Iterator[TextIO]:
    """Send file descriptor 2 to a temporary file while the block runs.

    C libraries write there directly: libsndfile's mp3 decoder prints "Note: Illegal
    Audio-MPEG-Header ..." for every damaged stretch of a file, which would bury the one
    sentence rokgame says about it. Yields a stream on the real stderr for the progress bar;
    with ``show`` (``--debug``) what was set aside is printed afterwards.
    """
    try:
        if sys.stderr is None:
            raise OSError("no stderr")
        sys.stderr.flush()
        real = os.dup(2)
    except OSError:  # no stderr at all (a windowed process): nothing to protect
        yield sys.stderr
        return
    terminal = os.fdopen(os.dup(real), "w", encoding=getattr(sys.stderr, "encoding", None) or "utf-8",
                         errors="backslashreplace")
    try:
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield terminal if sys.stderr.isatty() else sys.stderr
            finally:
                terminal.flush()
                sys.stderr.flush()
                os.dup2(real, 2)
                if show:
                    sink.seek(0)
                    sys.stderr.write(sink.read().decode("utf-8", "replace"))
    finally:
        terminal.close()
        os.close(real)


class _ProgressBar:
    """A one-line ``\r`` progress bar on a terminal; silent when the output is not one."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.shown = False

    def __call__(self, fraction: float, stage: str) -> None:
        if not self.enabled:
            return
        filled = round(max(0.0, min(1.0, fraction)) * self.WIDTH)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {fraction:4.0%} {stage:<12}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * (self.WIDTH + 22) + "\r")
            self.stream.flush()
