"""``rokgame daily``: show today's Daily Track and play it.

``--dry-run`` only shows the pick; ``--json`` prints it as
``{"date", "title", "artist", "source", "difficulty", "reason"}``; ``--date`` asks about
another day (a play of another day's track does not count for the streak);
``--catalogue FILE`` uses another catalogue (default: ``Settings.daily_catalogue``,
else the one shipped with rokgame).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import date
from pathlib import Path

from rokgame.core.daily import WEEKDAY_NAMES, DailyPick, daily_pick
from rokgame.daily.catalogue import load_catalogue
from rokgame.daily.local import fetch_argument, local_chart_for, local_tracks, remember_prepared, todays_offline_pick
from rokgame.errors import FetchError, RokError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def register(commands: argparse._SubParsersAction) -> None:
    daily = commands.add_parser("daily", help="today's Daily Track: one song a day, the same for everyone",
                                description="Show today's Daily Track and play it.")
    daily.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="another day's track (default: today)")
    daily.add_argument("--dry-run", action="store_true", help="show the pick without playing it")
    daily.add_argument("--json", action="store_true", help="print the pick as JSON")
    daily.add_argument("--catalogue", type=Path, metavar="FILE", help="pick from this catalogue file")
    daily.set_defaults(handler=run_daily)


def describe(pick: DailyPick) -> list[str]:
    day = pick.date
    lines = [f"Daily Track for {WEEKDAY_NAMES[day.weekday()]} {day.day} {day:%B %Y}",
             f"  {pick.entry.display}",
             f"  suggested difficulty: {pick.difficulty}",
             f"  {pick.reason}"]
    if pick.entry.licence:
        lines.append(f"  licence: {pick.entry.licence}")
    lines.append(f"  source: {pick.source}")
    return lines


def run_daily(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.catalogue)
    today = date.today()
    day = args.date or today
    pick = daily_pick(day, catalogue)
    if args.json:
        print(json.dumps(pick.as_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(describe(pick)))
    if args.dry_run:
        return 0
    sys.stdout.flush()
    from rokgame.storage.db import connect

    connection = connect()
    try:
        chart, pick = _chart_for(pick, connection)
    finally:
        connection.close()
    # Only today's track, played today, counts for the streak.
    return play_chart(chart, difficulty=pick.difficulty, daily_date=day.isoformat() if day == today else None)


class _Progress:
    """One line on stderr, rewritten in place while the track is fetched and charted."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, fraction: float, stage: str = "") -> None:
        try:
            percent = f"{float(fraction):4.0%}"
        except (TypeError, ValueError):
            percent = "    "
        print(f"\r  {percent} {stage}".ljust(60), end="", file=sys.stderr, flush=True)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)
            self.shown = False


def _prepare(source: str) -> Path:
    from rokgame.tracks import prepare_track  # yt-dlp and librosa, only when a track must be made

    progress = _Progress()
    try:
        prepared = prepare_track(fetch_argument(source), progress=progress)
    finally:
        progress.done()
    remember_prepared(source, prepared)
    return Path(prepared.chart_path)


def _chart_for(pick: DailyPick, connection: sqlite3.Connection) -> tuple[Path, DailyPick]:
    chart = local_chart_for(pick.source, connection)
    if chart is not None:
        return chart, pick
    try:
        return _prepare(pick.source), pick
    except FetchError as error:
        fallback = todays_offline_pick(pick.date, [track.entry() for track in local_tracks(connection)])
        print(f"rokgame: {error}", file=sys.stderr)
        print(fallback.reason, file=sys.stderr)
        chart = local_chart_for(fallback.source, connection)
        return (chart if chart is not None else _prepare(fallback.source)), fallback


def play_chart(chart: Path, *, difficulty: str, daily_date: str | None) -> int:
    """Open the game on ``chart`` at ``difficulty``; the play is recorded with ``daily_date``.

    Calls ``rokgame.commands.play.play_chart(chart_path, *, difficulty, daily_date)``, the
    game's entry (imported lazily: pygame only now). A build without it still leaves the
    chart ready and tells the player where it is.
    """
    from rokgame.commands import play

    entry = getattr(play, "play_chart", None)
    if entry is None:
        raise RokError(f"the game can't open a chart from the command line yet; today's chart is ready at {chart}")
    return int(entry(chart, difficulty=difficulty, daily_date=daily_date) or 0)
