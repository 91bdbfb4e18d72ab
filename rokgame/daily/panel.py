"""The main menu's Daily panel as plain data: what to show, and what the "play" key starts.

:func:`daily_panel` is what the menu calls each time it opens. It never touches the
network and reads only the local database and two small cache files, so it is quick
enough for the menu's thread (``bench/daily_panel.py`` measures it). Whether the network
is there is the prefetch worker's job (:func:`rokgame.daily.prefetch.prefetch_daily`);
the menu passes what it learnt as ``online``:

- today's track already on disk (a demo song, prepared earlier, or in the library):
  it is shown and played from disk, whatever the network;
- ``online=False`` and not on disk: the offline fallback, a track from the player's
  library (or a demo song), and the panel says so;
- otherwise (online, or not known yet): the catalogue's track; playing it fetches it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from rokgame.core.daily import (
    CalendarDay,
    Catalogue,
    DailyPick,
    Streak,
    calendar_days,
    daily_pick,
    format_wait,
    next_daily_at,
    streak_on,
    time_until_next,
)
from rokgame.core.recommend import ForYouPick
from rokgame.daily.local import builtin_slug, fetch_argument, local_chart_for, local_tracks, todays_offline_pick
from rokgame.storage.history import PlaySummary, daily_best, daily_days, daily_stars

CALENDAR_DAYS = 30


@dataclass(frozen=True, slots=True)
class DailyPanel:
    """Everything the menu's Daily panel shows, and what its "play" key needs.

    To play: ``rokgame.tracks.prepare_track(fetch_argument)`` (or open ``chart_path``
    directly when it is set), at ``difficulty``, and record the play with
    ``daily_date=daily_date`` so it counts for the streak.
    """

    date: date
    pick: DailyPick
    offline: bool
    chart_path: Path | None  # set when the track is on disk: playing it needs no network
    fetch_argument: str  # what to pass to prepare_track when chart_path is None
    today_best: PlaySummary | None
    streak: Streak
    calendar: list[CalendarDay]
    time_until_next: timedelta
    next_at: datetime
    for_you: ForYouPick | None = None
    for_you_chart: Path | None = None

    # -- what the menu draws

    @property
    def title(self) -> str:
        return self.pick.title

    @property
    def artist(self) -> str:
        return self.pick.artist

    @property
    def source(self) -> str:
        return self.pick.source

    @property
    def reason(self) -> str:
        return self.pick.reason

    @property
    def difficulty(self) -> str:
        return self.pick.difficulty

    @property
    def licence(self) -> str:
        return self.pick.entry.licence

    @property
    def daily_date(self) -> str:
        """What ``storage.scores.record_play(daily_date=...)`` gets for a play started from this panel."""
        return self.date.isoformat()

    @property
    def ready(self) -> bool:
        """True when the play key starts at once (no download, no analysis)."""
        return self.chart_path is not None

    def lines(self) -> list[str]:
        """The panel as text lines, for a menu that just wants to print them."""
        head = "Daily Track" + (" (offline)" if self.offline else "")
        by = f" — {self.artist}" if self.artist else ""
        out = [head, f"{self.title}{by}", self.reason]
        if self.licence and not self.offline:
            out.append(f"Licence: {self.licence}")
        if self.today_best is not None:
            best = self.today_best
            out.append(f"Today's best: {best.score:,} ({best.accuracy:.1%}, {best.stars}★, {best.difficulty})")
        else:
            out.append(f"Not played yet today · suggested: {self.difficulty}")
        if self.streak.current:
            days = f"{self.streak.current} day{'s' if self.streak.current != 1 else ''}"
            out.append(f"Streak: {days}" + (" — play today to keep it" if self.streak.at_risk else ""))
        out.append(f"Next track in {format_wait(self.time_until_next)}")
        if self.for_you is not None:
            out.append(f"For you: {self.for_you.title} — {self.for_you.reason}")
        return out


def daily_panel(
    now: datetime,
    connection: sqlite3.Connection,
    catalogue: Catalogue,
    *,
    online: bool | None = None,
    include_for_you: bool = True,
) -> DailyPanel:
    """The Daily panel for the local time ``now``. No network; fast enough for the menu thread."""
    today = now.date()
    pick = daily_pick(today, catalogue)
    chart = local_chart_for(pick.source, connection)
    on_disk = chart is not None or builtin_slug(pick.source) is not None
    if not on_disk and online is False:
        library = local_tracks(connection)
        pick = todays_offline_pick(today, [track.entry() for track in library])
        chart = local_chart_for(pick.source, connection)
    played = daily_days(connection)
    for_you = None
    for_you_chart = None
    if include_for_you:
        from rokgame.recommend import for_you_today  # reads charts; imported only when asked for

        for_you = for_you_today(connection, today, exclude=[pick.source])
        if for_you is not None:
            for_you_chart = local_chart_for(for_you.key, connection)
    return DailyPanel(
        date=today,
        pick=pick,
        offline=pick.offline,
        chart_path=chart,
        fetch_argument=fetch_argument(pick.source),
        today_best=daily_best(connection, today, title=pick.title if pick.offline else None),
        streak=streak_on(today, played),
        calendar=calendar_days(today, daily_stars(connection, today - timedelta(days=CALENDAR_DAYS - 1), today),
                               CALENDAR_DAYS),
        time_until_next=time_until_next(now),
        next_at=next_daily_at(now),
        for_you=for_you,
        for_you_chart=for_you_chart,
    )
