"""``rokgame history``: the Daily Track streak, the last 30 days, recent plays; ``--clear`` erases it all.

``--clear`` deletes every recorded play and every replay (after a y/N question, or
straight away with ``--yes``) and says what it deleted. Everything it shows and deletes
lives on this machine only; see docs/privacy.md.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import date, timedelta
from typing import Any

from rokgame import paths
from rokgame.core.daily import CalendarDay, Streak, calendar_days, streak_on
from rokgame.storage.history import (
    PlaySummary,
    clear_history,
    daily_days,
    daily_stars,
    history_size,
    recent_plays,
)

CALENDAR_DAYS = 30
RECENT = 10


def register(commands: argparse._SubParsersAction) -> None:
    history = commands.add_parser("history", help="your Daily Track streak, last 30 days and recent plays",
                                  description="Show (or erase) your play history. It never leaves this computer.")
    history.add_argument("--json", action="store_true", help="print it as JSON")
    history.add_argument("--clear", action="store_true", help="delete every play and replay (asks first)")
    history.add_argument("--yes", action="store_true", help="with --clear: don't ask")
    history.set_defaults(handler=run_history)


def run_history(args: argparse.Namespace) -> int:
    from rokgame.storage.db import connect

    if args.yes and not args.clear:
        print("rokgame: --yes only goes with --clear", file=sys.stderr)
        return 2
    connection = connect()
    try:
        if args.clear:
            return _clear(connection, args)
        today = date.today()
        streak = streak_on(today, daily_days(connection))
        start = today - timedelta(days=CALENDAR_DAYS - 1)
        days = calendar_days(today, daily_stars(connection, start, today), CALENDAR_DAYS)
        plays = recent_plays(connection, RECENT)
    finally:
        connection.close()
    if args.json:
        print(json.dumps(_as_json(streak, days, plays), ensure_ascii=False, indent=2))
    else:
        print("\n".join(_text(streak, days, plays, star=_star_glyph())))
    return 0


# --------------------------------------------------------------------------- erasing


def _ask(question: str) -> bool:
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()  # "" at end of input: nobody to say yes, so no
    return answer.strip().lower() in ("y", "yes")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _clear(connection: sqlite3.Connection, args: argparse.Namespace) -> int:
    replays = paths.replays_dir()
    size = history_size(connection, replays)
    what = f"{_plural(size.plays, 'play')} and {_plural(size.replays, 'replay')}"
    if size.plays == 0 and size.replays == 0:
        if args.json:
            print(json.dumps({"deleted": {"plays": 0, "replays": 0}}))
        else:
            print("There is no play history to delete.")
        return 0
    if not args.yes and not _ask(f"Delete {what} from {paths.data_dir()}? This can't be undone."):
        print("Nothing was deleted.", file=sys.stderr)
        return 1
    cleared = clear_history(connection, replays)
    if args.json:
        print(json.dumps({"deleted": {"plays": cleared.plays, "replays": cleared.replays}}))
    else:
        print(f"Deleted {_plural(cleared.plays, 'play')} and {_plural(cleared.replays, 'replay')}; "
              "play counts in the library are back to zero.")
    return 0


# --------------------------------------------------------------------------- showing


def _as_json(streak: Streak, days: list[CalendarDay], plays: list[PlaySummary]) -> dict[str, Any]:
    return {
        "streak": {"current": streak.current, "best": streak.best, "played_today": streak.played_today,
                   "last_played": streak.last_played.isoformat() if streak.last_played else None},
        "calendar": [{"date": d.date.isoformat(), "stars": d.stars} for d in days],
        "recent": [
            {"date": p.local_date.isoformat() if p.local_date else None, "title": p.title,
             "difficulty": p.difficulty, "score": p.score, "accuracy": round(p.accuracy, 4), "stars": p.stars,
             "failed": p.failed, "daily_date": p.daily_date.isoformat() if p.daily_date else None}
            for p in plays
        ],
    }


def _star_glyph() -> str:
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "★·".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "*"
    return "★"


def calendar_grid(days: list[CalendarDay], *, star: str = "★") -> list[str]:
    """The days as weeks, Monday first: ``3★`` a played day's best stars, ``·`` a day without the Daily Track."""
    if not days:
        return []
    dot = "·" if star == "★" else "."
    cells = {d.date: (f"{d.stars}{star}" if d.stars is not None else dot) for d in days}
    first, last = days[0].date, days[-1].date
    monday = first - timedelta(days=first.weekday())
    lines = ["        " + " ".join(f"{name:>3}" for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))]
    while monday <= last:
        week = [monday + timedelta(days=i) for i in range(7)]
        lines.append(f"{monday:%d %b}  " + " ".join(f"{cells.get(day, ''):>3}" for day in week).rstrip())
        monday += timedelta(days=7)
    return lines


def _text(streak: Streak, days: list[CalendarDay], plays: list[PlaySummary], *, star: str) -> list[str]:
    if streak.current == 0:
        status = "no streak yet" if streak.best == 0 else "no streak right now"
        line = f"Daily Track streak: {status} (best {_plural(streak.best, 'day')})"
    else:
        line = f"Daily Track streak: {_plural(streak.current, 'day')} (best {_plural(streak.best, 'day')})"
        if streak.at_risk:
            line += " — play today's track to keep it going"
    out = [line, "", f"Last {len(days)} days (best stars of each day's Daily Track):", *calendar_grid(days, star=star)]
    out += ["", "Recent plays:" if plays else "No plays yet."]
    for play in plays:
        when = play.local_date.isoformat() if play.local_date else "????-??-??"
        marks = " (Daily Track)" if play.daily_date else ""
        marks += " failed" if play.failed else ""
        out.append(f"  {when}  {play.title or 'untitled'} [{play.difficulty}]  {play.score:,}  "
                   f"{play.accuracy:.1%}  {play.stars}{star}{marks}")
    return out
