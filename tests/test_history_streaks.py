"""Streak and calendar arithmetic: month ends, year ends, leap days, a missed day, and the wait until midnight."""

from __future__ import annotations

import itertools
import time
from datetime import date, datetime, timedelta, timezone

import pytest

from rokgame.core.daily import calendar_days, format_wait, next_daily_at, streak_on, time_until_next


def run(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


@pytest.mark.parametrize(
    ("played", "today", "current"),
    [
        (run(date(2026, 1, 30), 3), date(2026, 2, 1), 3),    # January into February
        (run(date(2026, 4, 29), 3), date(2026, 5, 1), 3),    # a 30-day month
        (run(date(2026, 12, 30), 3), date(2027, 1, 1), 3),   # across New Year
        (run(date(2028, 2, 27), 4), date(2028, 3, 1), 4),    # 27, 28, 29 February (leap year), 1 March
        (run(date(2027, 2, 27), 3), date(2027, 3, 1), 3),    # 27, 28 February, 1 March: no 29th in 2027
    ],
)
def test_consecutive_days_count_across_calendar_edges(played: list[date], today: date, current: int) -> None:
    streak = streak_on(today, played)
    assert (streak.current, streak.best, streak.played_today) == (current, current, True)


def test_a_missed_day_ends_the_streak_but_not_the_record() -> None:
    played = [*run(date(2026, 3, 1), 5), *run(date(2026, 3, 7), 2)]  # 6 March missed
    streak = streak_on(date(2026, 3, 8), played)
    assert (streak.current, streak.best) == (2, 5)
    # Skipping 29 February breaks a streak in a leap year.
    leap = streak_on(date(2028, 3, 1), [date(2028, 2, 27), date(2028, 2, 28), date(2028, 3, 1)])
    assert (leap.current, leap.best) == (1, 2)


def test_the_streak_lives_until_the_end_of_a_day_not_yet_played() -> None:
    played = run(date(2026, 12, 29), 3)  # up to 31 December
    new_year = streak_on(date(2027, 1, 1), played)
    assert (new_year.current, new_year.played_today, new_year.at_risk) == (3, False, True)
    gone = streak_on(date(2027, 1, 2), played)
    assert (gone.current, gone.best, gone.at_risk) == (0, 3, False)
    assert gone.last_played == date(2026, 12, 31)


def test_repeats_order_and_future_days_do_not_matter() -> None:
    played = [date(2026, 5, 3), date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 2), date(2026, 5, 9)]
    streak = streak_on(date(2026, 5, 3), played)
    assert (streak.current, streak.best, streak.last_played) == (3, 3, date(2026, 5, 3))
    assert streak_on(date(2026, 5, 3), []) == streak_on(date(2026, 5, 3), [date(2026, 6, 1)])
    assert streak_on(date(2026, 5, 3), []).current == 0


def test_the_calendar_is_the_last_thirty_days_with_the_stars_of_each() -> None:
    today = date(2026, 3, 2)
    stars = {date(2026, 2, 28): 4, date(2026, 3, 2): 5, date(2026, 1, 30): 3, date(2026, 3, 3): 1}
    days = calendar_days(today, stars)
    assert len(days) == 30
    assert days[0].date == date(2026, 2, 1) and days[-1].date == today
    assert all(b.date - a.date == timedelta(days=1) for a, b in itertools.pairwise(days))
    assert {d.date: d.stars for d in days if d.stars is not None} == {date(2026, 2, 28): 4, date(2026, 3, 2): 5}


def test_leap_year_calendar_has_the_29th() -> None:
    dates = [d.date for d in calendar_days(date(2028, 3, 1), {})]
    assert date(2028, 2, 29) in dates and dates[0] == date(2028, 2, 1)
    assert calendar_days(date(2027, 3, 1), {})[0].date == date(2027, 1, 31)  # no 29th: starts a day earlier


def test_time_until_the_next_track_with_a_time_zone() -> None:
    tz = timezone(timedelta(hours=-5))
    now = datetime(2026, 12, 31, 23, 59, 30, tzinfo=tz)
    assert time_until_next(now) == timedelta(seconds=30)
    assert next_daily_at(now) == datetime(2027, 1, 1, tzinfo=tz)


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch):
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset (POSIX)")

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_naive_local_time_counts_the_hours_actually_lived(local_zone) -> None:
    local_zone("UTC")
    assert time_until_next(datetime(2026, 6, 1, 12, 0)) == timedelta(hours=12)
    local_zone("Europe/Berlin")
    # 29 March 2026: clocks go from 02:00 to 03:00, so 00:30 → midnight is 22.5 hours, not 23.5.
    assert time_until_next(datetime(2026, 3, 29, 0, 30)) == timedelta(hours=22, minutes=30)
    # The game passes datetime.now().astimezone(): a fixed +01:00 that must not hide the change either.
    assert time_until_next(datetime(2026, 3, 29, 0, 30).astimezone()) == timedelta(hours=22, minutes=30)


def test_waits_read_like_a_clock() -> None:
    assert format_wait(timedelta(hours=5, minutes=7, seconds=59)) == "5 h 07 min"
    assert format_wait(timedelta(minutes=42)) == "42 min"
    assert format_wait(timedelta(seconds=20)) == "under a minute"
