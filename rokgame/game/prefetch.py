"""The Daily Track prefetch as the game runs it: one background worker, started once, cancelled on quit.

:func:`rokgame.daily.prefetch.prefetch_daily` does the work (network check, download,
charting); this module only owns the thread and what the menu shows about it. The
worker's progress callback stores the latest :class:`~rokgame.daily.prefetch.PrefetchProgress`
(one attribute assignment of a frozen object, safe across threads) and posts a throttled
``WORKER_EVENT`` so the menu wakes up; the report arrives as the worker's ``done`` event,
which :meth:`App.pump <rokgame.game.app.App.pump>` hands to :meth:`DailyPrefetch.handle_event`
whatever screen is on top. The menu watches :attr:`DailyPrefetch.version` and rebuilds its
Daily panel with ``online=report.online`` when it changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pygame

from rokgame.game.workers import WORKER_EVENT, Worker


def today_and_tomorrow(today: date | None = None) -> list[date]:
    """The days to prefetch, in the player's local time."""
    day = today or datetime.now().astimezone().date()
    return [day, day + timedelta(days=1)]


class DailyPrefetch:
    """One background prefetch of today's and tomorrow's Daily Tracks, and what the menu says about it.

    ``options`` go to :func:`~rokgame.daily.prefetch.prefetch_daily` (tests pass
    ``check_network``, ``prepare`` and ``catalogue``); ``catalogue_setting`` is
    ``Settings.daily_catalogue``, read on the worker thread.
    """

    def __init__(self, *, days: list[date] | None = None, catalogue_setting: str | None = None,
                 post: Callable[[pygame.event.Event], Any] | None = None, **options: Any) -> None:
        self.days = days or today_and_tomorrow()
        self.catalogue_setting = catalogue_setting
        self.options = options
        self.state = "idle"          # "idle" | "running" | "done" | "failed" | "cancelled"
        self.latest: Any = None      # the last PrefetchProgress the worker reported
        self.report: Any = None      # the PrefetchReport, once done
        self.error: str | None = None
        #: Bumped when a day's track becomes ready and when the outcome is known: the menu rebuilds
        #: its panel then.
        self.version = 0
        self._ready = 0        # days made ready so far (written by the worker thread only)
        #: Each day's chart once it is ready, and each day's failure (one sentence); written by the worker
        #: thread (one dict assignment each), read by the screens.
        self.charts: dict[date, Path] = {}
        self.failures: dict[date, str] = {}
        self._ready_seen = 0
        self.worker = Worker(self._job, name="daily-prefetch", post=post)

    # -- the worker's side

    def _job(self, worker: Worker) -> Any:
        from rokgame.daily.prefetch import prefetch_daily  # tracks, yt-dlp, librosa: only on this thread

        options = dict(self.options)
        if "catalogue" not in options:
            from rokgame.daily.catalogue import catalogue_for_menu

            options["catalogue"] = catalogue_for_menu(self.catalogue_setting)[0]

        def progress(report: Any) -> None:
            self.latest = report
            if report.chart_path is not None:
                self.charts[report.date] = Path(report.chart_path)
            if report.error is not None:
                self.failures[report.date] = report.error
            if report.stage == "ready":
                self._ready += 1
            worker.progress(report.fraction, report.stage)

        return prefetch_daily(self.days, progress=progress, cancel=worker.cancel_event, **options)

    # -- the game's side

    def start(self) -> DailyPrefetch:
        self.state = "running"
        self.worker.start()
        return self

    def cancel(self) -> None:
        if self.state == "running":
            self.worker.cancel()
            self.state = "cancelled"

    @property
    def running(self) -> bool:
        return self.state == "running"

    def preparing(self, day: date) -> bool:
        """True while ``day``'s track is still to come from this prefetch (queued or downloading).

        A screen that wants that track waits for it instead of starting a second download of
        the same thing (see :meth:`chart_for` and :meth:`failure_for`).
        """
        return self.running and day in self.days and day not in self.charts and day not in self.failures

    def chart_for(self, day: date) -> Path | None:
        """``day``'s chart, once this prefetch made it ready."""
        return self.charts.get(day)

    def failure_for(self, day: date) -> str | None:
        """Why this prefetch could not get ``day``'s track (one sentence), if it tried and failed."""
        return self.failures.get(day)

    @property
    def online(self) -> bool | None:
        """What the prefetch learnt about the network (``None`` until it knows)."""
        return None if self.report is None else self.report.online

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Take this worker's events (True when ``event`` was one of them)."""
        if event.type != WORKER_EVENT or getattr(event, "worker", None) != self.worker.id:
            return False
        kind = event.kind
        if kind == "progress" and self._ready != self._ready_seen:
            self._ready_seen = self._ready
            self.version += 1  # today's track is on disk: the panel can say "plays now" before tomorrow's is done
        elif kind == "done" and self.state == "running":
            self.report = event.result
            self.state = "cancelled" if getattr(self.report, "cancelled", False) else "done"
            self.version += 1
        elif kind == "error" and self.state == "running":
            self.error = event.message
            self.state = "failed"
            self.version += 1
        elif kind == "cancelled":
            self.state = "cancelled"
        return True

    def status_line(self) -> tuple[str, float | None] | None:
        """What the menu shows about the prefetch: a line and, while a download runs, its fraction."""
        if self.state == "running":
            latest = self.latest
            if latest is None:
                return "Looking for today's track…", None
            which = "today's" if latest.date == self.days[0] else "tomorrow's"
            share = min(1.0, max(0.0, latest.fraction * latest.total - latest.index))
            return f"Getting {which} track… {share * 100:.0f} %", share
        if self.state == "done" and self.report is not None:
            failed = self.report.failed.get(self.days[0])
            if failed:
                return f"Today's track could not be fetched: {failed}", None
        return None
