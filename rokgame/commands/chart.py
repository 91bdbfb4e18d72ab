"""``rokgame chart validate|info``: what chart authors run after every edit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
