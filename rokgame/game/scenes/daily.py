"""The Daily Track screen: today's pick (from the daily provider hook) and one key to play it.

When the start-up prefetch is still getting the day's track, the play key joins it: the
screen waits for that download (its progress is already on screen) and plays the chart
when it is ready, instead of starting a second download of the same track.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pygame

from rokgame.core.daily import CalendarDay
from rokgame.game import hooks, theme
from rokgame.game.input import Action, Nav, NavAction
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene

CALENDAR_DAYS = 30


class DailyScene(Scene):
    name = "daily"

    def __init__(self, app: Any, view: hooks.DailyView | None, *, state: str = "none",
                 error: str | None = None, play_now: bool = False) -> None:
        super().__init__(app)
        self.view = view
        self.state = state
        self.error = error
        prefetch = app.daily_prefetch
        self._prefetch_seen = prefetch.version if prefetch is not None else 0
        #: Set while Enter waits for the prefetch to finish this view's track (the day it waits for).
        self.waiting: date | None = None
        #: What Enter plays: the Daily Track, or the "For you" pick (Up/Down moves between them).
        self.focus = "daily"
        #: The last 30 days with the best stars of each day's Daily Track (read on a thread on entering).
        self.calendar: list[CalendarDay] | None = None
        self._loading: Scene | None = None  # the loading screen of a download this screen started
        self._entered = False  # False until the first enter(): coming back (from a play) refreshes the view
        self._request = 0  # the newest view asked for: an older answer arriving late is dropped
        #: True once a failed download showed that the network is gone (when no prefetch ran to find out).
        self.offline_learnt = False
        #: Opened by the menu's one Daily key: play the day's track as soon as there is a view of it.
        self.play_pending = play_now

    def enter(self) -> None:
        # Back from a play: the calendar (and today's best, streak and For you in the view) may have changed.
        threading.Thread(target=self._read_calendar, name="rokgame-daily-calendar", daemon=True).start()
        loading, self._loading = self._loading, None
        returning, self._entered = self._entered, True
        if loading is not None and getattr(loading, "error", None) is not None:
            # The day's download failed. Without the prefetch nobody has checked the network: if it is
            # gone, switch to the offline pick from the library (or a demo song), as the prefetch would.
            threading.Thread(target=self._check_offline, name="rokgame-daily-online", daemon=True).start()
        elif returning or self.view is None or not self.view.for_you_included:
            self._refresh()

    def _online(self) -> bool | None:
        prefetch = self.app.daily_prefetch
        return False if self.offline_learnt else prefetch.online if prefetch is not None else None

    def _refresh(self) -> None:
        """Ask for a fresh view (today's best, streak, For you, what is on disk); the newest answer wins."""
        number = hooks.request_daily(online=self._online(), include_for_you=True)
        self._request = max(self._request, number)

    def _check_offline(self) -> None:
        from rokgame.daily.prefetch import network_available

        if not network_available():
            self.offline_learnt = True
        self._refresh()

    def _read_calendar(self) -> None:
        from datetime import datetime, timedelta

        from rokgame.core.daily import calendar_days
        from rokgame.errors import RokError
        from rokgame.storage.db import connect
        from rokgame.storage.history import daily_stars

        today = datetime.now().astimezone().date()
        try:
            connection = connect()
            try:
                stars = daily_stars(connection, today - timedelta(days=CALENDAR_DAYS - 1), today)
            finally:
                connection.close()
        except RokError:
            stars = {}  # a database that can't be opened: the calendar shows no plays, the panel says why
        self.calendar = calendar_days(today, stars, CALENDAR_DAYS)  # one assignment: safe to read while drawing

    def _for_you_playable(self) -> bool:
        view = self.view
        return view is not None and bool(view.for_you_title) and view.for_you_chart is not None

    def update(self, dt: float) -> None:
        prefetch = self.app.daily_prefetch
        if prefetch is not None and prefetch.version != self._prefetch_seen:
            # Today's track just became ready (or the network is known to be gone): show what Enter does now.
            self._prefetch_seen = prefetch.version
            self._refresh()
        if self.play_pending and self.view is not None and self.waiting is None:
            # Here and not in enter(): starting a song pushes scenes, which must not happen inside a push.
            self.play_pending = False
            self.play()
        if self.waiting is not None:
            self._follow_prefetch(self.waiting)

    def _view_day(self) -> date | None:
        view = self.view
        if view is None or not view.daily_date:
            return None
        try:
            return date.fromisoformat(view.daily_date)
        except ValueError:
            return None

    def _joinable(self) -> date | None:
        """The view's day, when the running prefetch will bring its track (so Enter should wait for it)."""
        prefetch = self.app.daily_prefetch
        day = self._view_day()
        if prefetch is None or day is None or self.view is None or self.view.chart_path is not None:
            return None
        return day if prefetch.preparing(day) or prefetch.chart_for(day) is not None else None

    def _follow_prefetch(self, day: date) -> None:
        """While waiting: play the day's chart once the prefetch has it; stop waiting if it can't bring it."""
        prefetch = self.app.daily_prefetch
        view = self.view
        chart = prefetch.chart_for(day) if prefetch is not None else None
        if chart is not None and view is not None:
            self.waiting = None
            from rokgame.game.scenes.flow import start_chart

            start_chart(self.app, chart, view.difficulty, daily_date=view.daily_date)
            return
        if prefetch is not None and prefetch.preparing(day):
            return
        self.waiting = None
        failure = prefetch.failure_for(day) if prefetch is not None else None
        if failure is not None:
            self.app.notify(f"Today's track could not be fetched: {failure}", 6.0)
        elif prefetch is not None and prefetch.online is False:
            self.app.notify("No network: today's track can't be downloaded; the screen shows what plays instead.",
                            6.0)
        elif view is not None and view.source:
            self._start_download(view)  # the prefetch stopped without it (cancelled): get it now

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == hooks.DAILY_EVENT:
            number = getattr(event, "request", 0)
            if number and number < self._request:
                return  # an older answer than the one asked for last
            if event.view is None and self.view is not None:
                return  # a failed refresh keeps what is shown
            self.view, self.error = event.view, event.error
            self.state = "ready" if self.view is not None else "error"

    def handle(self, action: Action) -> None:
        if not isinstance(action, NavAction) or action.repeat:
            return
        if action.nav is Nav.BACK:
            self.play_pending = False
            if self.waiting is not None:
                self.waiting = None  # stop waiting; the download itself goes on in the background
            else:
                self.app.pop()
        elif action.nav is Nav.CONFIRM and self.view is not None and self.waiting is None:
            if self.focus == "for_you" and self._for_you_playable():
                self.play_for_you()
            else:
                self.play()
        elif action.nav in (Nav.UP, Nav.DOWN) and self.waiting is None:
            self.focus = "for_you" if action.nav is Nav.DOWN and self._for_you_playable() else "daily"

    def play_for_you(self) -> None:
        """The personal pick: a library track, played like any other (not the Daily Track: no streak)."""
        view = self.view
        assert view is not None and view.for_you_chart is not None
        from rokgame.game.scenes.flow import start_chart

        start_chart(self.app, view.for_you_chart, None)

    def play(self) -> None:
        view = self.view
        assert view is not None
        from rokgame.game.scenes.flow import start_chart

        if view.chart_path is not None:
            start_chart(self.app, view.chart_path, view.difficulty, daily_date=view.daily_date)
        elif (day := self._joinable()) is not None:
            # The prefetch is already getting this track: wait for it rather than download it a second time.
            self.waiting = day
            self._follow_prefetch(day)
        elif view.source:
            self._start_download(view)

    def _start_download(self, view: hooks.DailyView) -> None:
        from rokgame.game.scenes.flow import start_source

        assert view.source
        start_source(self.app, view.source, view.difficulty, daily_date=view.daily_date,
                     title=f"{view.title} — {view.artist}" if view.artist else view.title)
        self._loading = self.app.top if self.app.top is not self else None

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        y = widgets.draw_title(app, surface, "Daily Track", "The same track for everyone today.")
        box = pygame.Rect(0, 0, int(min(w - 112 * s, 1000 * s)), int(h - y - 100 * s))
        box.midtop = (w // 2, y)
        widgets.draw_panel(app, surface, box, theme.PANEL, alpha=225, radius=int(18 * s))
        pad = int(34 * s)
        x, ty = box.x + pad, box.y + pad
        inner = box.width - 2 * pad
        view = self.view
        if view is None:
            text = {"loading": "Picking today's track…"}.get(self.state, "The Daily Track is not available yet.")
            widgets.blit_text(app, surface, text, "heading", 28 * s, theme.TEXT_DIM, (x, ty), max_width=inner)
            if self.error:
                widgets.blit_text(app, surface, self.error, "body", 17 * s, theme.WARN, (x, ty + int(50 * s)),
                                  max_width=inner)
            widgets.draw_hints(app, surface, [("Esc / B", "Back")])
            return
        # Left: the day's track. Right: the last 30 days and the "For you" pick.
        side = int(inner * 0.38)
        left = inner - side - int(30 * s)
        side_rect = pygame.Rect(x + left + int(30 * s), ty, side, box.height - 2 * pad - int(80 * s))
        self._draw_side(surface, s, side_rect)
        if view.offline:
            r = widgets.blit_text(app, surface, "OFFLINE · from your library", "bold", 15 * s, theme.WARN, (x, ty))
            ty = r.bottom + int(8 * s)
        if self.focus == "daily" and self._for_you_playable():
            pygame.draw.rect(surface, theme.ACCENT, (box.x + int(12 * s), ty + int(8 * s), max(3, int(5 * s)),
                                                     int(48 * s)), border_radius=int(3 * s))
        r = widgets.blit_text(app, surface, view.title, "display", 52 * s, theme.TEXT, (x, ty), max_width=left)
        ty = r.bottom
        if view.artist:
            r = widgets.blit_text(app, surface, view.artist, "semibold", 24 * s, theme.TEXT_DIM, (x, ty),
                                  max_width=left)
            ty = r.bottom
        ty += int(20 * s)
        for line in view.lines:
            for row in widgets.wrap_text(app, line, "body", 19 * s, left):
                r = widgets.blit_text(app, surface, row, "body", 19 * s, theme.TEXT_DIM, (x, ty), max_width=left)
                ty = r.bottom + int(4 * s)
            ty += int(4 * s)
        prefetch = app.daily_prefetch
        status = prefetch.status_line() if prefetch is not None else None
        if status is not None:
            text, fraction = status
            bar_y = box.bottom - pad - int(46 * s)
            widgets.blit_text(app, surface, text, "semibold", 17 * s, theme.ACCENT_2 if fraction is not None
                              else theme.WARN, (x, bar_y), anchor="bottomleft", max_width=inner)
            if fraction is not None:
                widgets.draw_bar(surface, pygame.Rect(x, bar_y + int(6 * s), inner, max(3, int(5 * s))),
                                 fraction, theme.ACCENT_2)
        hints = [("Enter / A", "Play")]
        if self._for_you_playable():
            hints.append(("↑↓ / D-pad", "Daily Track / For you"))
        hints.append(("Esc / B", "Back"))
        if self.waiting is not None:
            bottom = "Starting as soon as the download is done…"
            hints = [("Esc / B", "Stop waiting")]
        elif self.focus == "for_you" and self._for_you_playable():
            bottom = f"Enter plays {view.for_you_title} (For you; it doesn't count for the streak)"
        else:
            if view.chart_path is not None:
                ready = "plays now"
            elif self._joinable() is not None:
                ready = "plays it as soon as the download is done"
            else:
                ready = "downloads and charts it first"
            bottom = f"Suggested difficulty: {view.difficulty.title()} · Enter {ready}"
        widgets.blit_text(app, surface, bottom, "semibold", 18 * s, theme.ACCENT_2, (x, box.bottom - pad),
                          anchor="bottomleft", max_width=inner)
        widgets.draw_hints(app, surface, hints)

    def _draw_side(self, surface: pygame.Surface, s: float, rect: pygame.Rect) -> None:
        """The last 30 days as a calendar of stars, then the "For you" card."""
        app = self.app
        view = self.view
        assert view is not None
        y = rect.y
        r = widgets.blit_text(app, surface, "LAST 30 DAYS", "bold", 14 * s, theme.ACCENT, (rect.x, y))
        y = r.bottom + int(8 * s)
        columns, gap = 10, max(2, int(4 * s))
        cell = (rect.width - gap * (columns - 1)) // columns
        calendar = self.calendar or []
        today = self._view_day()
        for i, day in enumerate(calendar):
            cx = rect.x + (i % columns) * (cell + gap)
            cy = y + (i // columns) * (cell + gap)
            cell_rect = pygame.Rect(cx, cy, cell, cell)
            if day.stars is None:
                pygame.draw.rect(surface, (40, 38, 70), cell_rect, border_radius=max(2, int(5 * s)))
                widgets.blit_text(app, surface, str(day.date.day), "body", 11 * s, theme.TEXT_FAINT,
                                  cell_rect.center, anchor="center")
            else:
                gold = theme.mix((255, 214, 90), (70, 66, 100), 0.75 - 0.15 * day.stars)
                pygame.draw.rect(surface, gold, cell_rect, border_radius=max(2, int(5 * s)))
                widgets.blit_text(app, surface, f"{day.stars}★", "bold", 12 * s, theme.BG_BOTTOM,
                                  cell_rect.center, anchor="center")
            if day.date == today:
                pygame.draw.rect(surface, theme.ACCENT, cell_rect.inflate(4, 4), max(1, int(2 * s)),
                                 border_radius=max(2, int(6 * s)))
        rows = (len(calendar) + columns - 1) // columns if calendar else 3
        y += rows * (cell + gap) + int(4 * s)
        played = sum(1 for day in calendar if day.stars is not None)
        note = f"{played} of the last 30 Daily Tracks played" if calendar else "Reading your history…"
        r = widgets.blit_text(app, surface, note, "body", 14 * s, theme.TEXT_DIM, (rect.x, y), max_width=rect.width)
        y = r.bottom + int(18 * s)
        if not view.for_you_title:
            return
        reason = widgets.wrap_text(app, view.for_you_reason, "body", 15 * s, rect.width)[:3]

        def line_h(role: str, px: float) -> int:
            return app.text.render("Ag", role, px, theme.TEXT).get_height()

        fits = int(24 * s) + line_h("bold", 14 * s) + line_h("heading", 22 * s) + int(8 * s) \
            + len(reason) * (line_h("body", 15 * s) + int(2 * s))
        card = pygame.Rect(rect.x - int(14 * s), y, rect.width + int(28 * s), max(0, min(fits, rect.bottom - y)))
        focused = self.focus == "for_you" and self._for_you_playable()
        widgets.draw_panel(app, surface, card, theme.PANEL_HI if focused else theme.PANEL, alpha=255,
                           radius=int(12 * s), border=theme.ACCENT if focused else theme.PANEL_HI,
                           border_width=max(1, int(2 * s)))
        y = card.y + int(12 * s)
        r = widgets.blit_text(app, surface, "FOR YOU", "bold", 14 * s, theme.ACCENT_2, (rect.x, y))
        r = widgets.blit_text(app, surface, view.for_you_title, "heading", 22 * s, theme.TEXT,
                              (rect.x, r.bottom + int(4 * s)), max_width=rect.width)
        y = r.bottom + int(4 * s)
        for row in reason:
            if y + line_h("body", 15 * s) > card.bottom:
                break
            r = widgets.blit_text(app, surface, row, "body", 15 * s, theme.TEXT_DIM, (rect.x, y),
                                  max_width=rect.width)
            y = r.bottom + int(2 * s)
