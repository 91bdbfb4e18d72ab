"""``rokgame play``: open the game, straight into a song, or play one headless.

    rokgame play                                   the main menu
    rokgame play charts/neon-drive.json            straight into that chart
    rokgame play "https://youtu.be/…" | "a search" | ~/song.mp3
                                                   fetch and chart it behind the loading screen, then play
    rokgame play CHART --difficulty expert --headless --autoplay --report out.json
    rokgame play CHART --headless --replay replay.json --report out.json [--png DIR]
    rokgame play CHART --headless --replay replay.json --ghost-taps break

A headless run is the real game loop on a manual clock (see
:mod:`rokgame.game.headless`); its report is
``{"score", "accuracy", "max_combo", "stars", "notes", "judgements", "offsets", "audio"}``
(``audio``: the file the song plays from, or null when it would play silently), plus
``"ghost_taps"`` and ``"ghost_tap_count"`` when ghost taps break the combo.

Whether they do is ``--ghost-taps``, and the timing windows are ``--precision``; without
them, a replay plays by the rules it was recorded with (ghost taps free and normal precision
if it is older than those keys), and anything else by the settings.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

from rokgame.core.scoring import GhostTapRule
from rokgame.errors import RokError


def register(commands: argparse._SubParsersAction) -> None:
    play = commands.add_parser("play", help="play a chart, a track or a link (no argument: the main menu)",
                               description="Play a chart file, a YouTube link, a search or an audio file.")
    play.add_argument("source", nargs="?", metavar="SOURCE",
                      help="a chart .json, a YouTube link, a search, or an audio file")
    play.add_argument("--difficulty", "-d", choices=("easy", "medium", "hard", "expert"),
                      help="which difficulty to play (default: the last one you played)")
    play.add_argument("--headless", action="store_true",
                      help="run without a window or sound, faster than real time, and report the result")
    who = play.add_mutually_exclusive_group()
    who.add_argument("--autoplay", action="store_true", help="headless: play every note perfectly")
    who.add_argument("--replay", type=Path, metavar="FILE", help="headless: play the input of a replay file")
    play.add_argument("--ghost-taps", choices=[rule.value for rule in GhostTapRule],
                      help="headless: whether a press near no note breaks the combo "
                           "(default: the replay's own rule, else your settings')")
    play.add_argument("--precision", choices=("normal", "tight", "strict"),
                      help="headless: the timing windows (default: the replay's own, else your settings')")
    play.add_argument("--report", type=Path, metavar="OUT.json", help="headless: write the report here")
    play.add_argument("--png", type=Path, metavar="DIR", help="headless: save a screenshot every few seconds")
    play.add_argument("--png-every", type=float, default=5.0, metavar="SECONDS",
                      help="headless: seconds of song between screenshots (default 5)")
    play.add_argument("--size", default="1280x720", metavar="WxH", help="headless: screen size (default 1280x720)")
    play.set_defaults(handler=run_play)


def open_menu(args: argparse.Namespace | None = None) -> int:
    """``rokgame`` with no command: the main menu."""
    from rokgame.game.app import run

    return run(notices=getattr(args, "settings_problems", ()))


def play_chart(chart_path: str | Path, *, difficulty: str | None = None, daily_date: str | None = None) -> int:
    """Open the game straight into ``chart_path`` (the Daily Track command uses this)."""
    from rokgame.game.app import run

    path = _existing_chart(Path(chart_path))
    return run(chart=path, difficulty=difficulty, daily_date=daily_date)


def run_play(args: argparse.Namespace) -> int:
    headless_only = [flag for flag, on in (("--autoplay", args.autoplay), ("--replay", args.replay),
                                           ("--ghost-taps", args.ghost_taps), ("--precision", args.precision),
                                           ("--report", args.report), ("--png", args.png)) if on]
    if headless_only and not args.headless:
        raise RokError(f"{headless_only[0]} only works with --headless")
    if args.headless:
        if args.source is None:
            raise RokError("--headless needs a chart to play: rokgame play CHART --headless --autoplay")
        return _run_headless(args)
    if args.source is None:
        return open_menu(args)
    from rokgame.game.app import run

    if _looks_like_chart(args.source):
        return run(chart=_existing_chart(Path(args.source)), difficulty=args.difficulty,
                   notices=args.settings_problems)
    from rokgame.fetch.sources import classify_source

    classify_source(args.source)  # a refused link or a missing file: one sentence here, not a window
    return run(source=args.source, difficulty=args.difficulty, notices=args.settings_problems)


def _looks_like_chart(source: str) -> bool:
    return source.lower().endswith(".json")


def _existing_chart(path: Path) -> Path:
    path = path.expanduser()
    if not path.is_file():
        raise RokError(f"no such chart file: {path}")
    return path


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise RokError(f"--size {text!r} is not WIDTHxHEIGHT (for example 1920x1080)") from None
    if w < 320 or h < 200 or w > 7680 or h > 4320:
        raise RokError(f"--size {text} is outside 320x200 .. 7680x4320")
    return w, h


def _run_headless(args: argparse.Namespace) -> int:
    from rokgame.core.chart_io import load_chart
    from rokgame.core.replay import autoplay, read_replay
    from rokgame.game.headless import run_headless
    from rokgame.game.scenes.flow import pick_difficulty

    size = _parse_size(args.size)
    if not (math.isfinite(args.png_every) and args.png_every >= 0.05):
        raise RokError(f"--png-every {args.png_every:g} is too small; give seconds of song, 0.05 or more")
    if args.report is not None:
        _check_writable(args.report)
    if _looks_like_chart(args.source):
        chart_path = _existing_chart(Path(args.source))
    else:
        from rokgame.tracks import prepare_track  # a link, search or file: prepared in-process, no screen

        chart_path = Path(prepare_track(args.source).chart_path)
    chart = load_chart(chart_path)
    if args.difficulty is not None and args.difficulty not in chart.difficulties:
        have = ", ".join(chart.difficulties)
        raise RokError(f"{chart_path.name} has no {args.difficulty} difficulty (it has {have})")
    difficulty = pick_difficulty(chart, args.difficulty or "expert")
    notes = chart.difficulty(difficulty).notes
    from rokgame.settings import load_settings

    settings = load_settings()
    if args.autoplay:
        events = autoplay(notes)
    elif args.replay is not None:
        replay = read_replay(args.replay)
        events = list(replay.events)
        lanes = {e.lane for e in events if e.lane >= 0}
        if lanes and max(lanes) >= chart.lanes:
            raise RokError(f"{args.replay.name} presses lane {max(lanes)}, but {chart_path.name} has "
                           f"{chart.lanes} lanes (0..{chart.lanes - 1}): is it a replay of another chart?")
        # The rules it was judged by, not today's settings, reproduce its score.
        settings.ghost_taps = replay.ghost_taps.value
        settings.precision = replay.precision
        if replay.no_fail is not None:
            settings.no_fail = replay.no_fail
    else:
        events = []
    if args.ghost_taps is not None:
        settings.ghost_taps = args.ghost_taps
    if args.precision is not None:
        settings.precision = args.precision
    result = run_headless(chart, difficulty, events, chart_path=chart_path, settings=settings, size=size,
                          png_dir=args.png, png_every=args.png_every, show_results=args.png is not None)
    text = json.dumps(result.report, indent=2) + "\n"
    if args.report is not None:
        from rokgame.core.chart_io import atomic_write_text

        try:
            atomic_write_text(args.report, text)
        except OSError as exc:
            raise RokError(f"can't write the report {args.report}: {exc.strerror or exc}") from None
        j = result.report["judgements"]
        print(f"{chart.song.title} ({difficulty}): score {result.report['score']}, "
              f"accuracy {result.report['accuracy'] * 100:.2f}%, perfect {j['perfect']}, great {j['great']}, "
              f"good {j['good']}, miss {j['miss']}{_ghost_taps_summary(result.report)} -> {args.report}")
    else:
        sys.stdout.write(text)
    if args.png is not None:
        print(f"{len(result.screenshots)} screenshots in {args.png}", file=sys.stderr)
    return 0


def _check_writable(path: Path) -> None:
    """Say now, in one sentence, that the report can't be written: not after a whole headless play."""
    folder = path.expanduser().parent
    if path.is_dir():
        raise RokError(f"--report {path} is a folder; name a file to write the report to")
    if not folder.is_dir():
        raise RokError(f"--report {path}: there is no folder {folder}")
    if not os.access(folder, os.W_OK):
        raise RokError(f"--report {path}: the folder {folder} can't be written to")


def _ghost_taps_summary(report: dict[str, object]) -> str:
    """", ghost taps N" for the one-line summary when ghost taps broke the combo in this run."""
    return f", ghost taps {report['ghost_tap_count']}" if "ghost_tap_count" in report else ""
