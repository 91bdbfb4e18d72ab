"""The Daily Track screen: today's pick (from the daily provider hook) and one key to play it.

When the start-up prefetch is still getting the day's track, the play key joins it: the
screen waits for that download (its progress is already on screen) and plays the chart
when it is ready, instead of starting a second download of the same track.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pygame

from rokgame.game import hooks, theme
from rokgame.game.input import Action, Nav, NavAction
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene


class DailyScene(Scene):
    name = "daily"

    def __init__(self, app: Any, view: hooks.DailyView | None, *, state: str = "none",
                 error: str | None = None) -> None:
        super().__init__(app)
        self.view = view
        self.state = state
        self.error = error
        prefetch = app.daily_prefetch
        self._prefetch_seen = prefetch.version if prefetch is not None else 0
        #: Set while Enter waits for the prefetch to finish this view's track (the day it waits for).
        self.waiting: date | None = None

    def update(self, dt: float) -> None:
        prefetch = self.app.daily_prefetch
        if prefetch is not None and prefetch.version != self._prefetch_seen:
            # Today's track just became ready (or the network is known to be gone): show what Enter does now.
            self._prefetch_seen = prefetch.version
            hooks.request_daily(online=prefetch.online)
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
            if event.view is None and self.view is not None:
                return  # a failed refresh keeps what is shown
            self.view, self.error = event.view, event.error
            self.state = "ready" if self.view is not None else "error"

    def handle(self, action: Action) -> None:
        if not isinstance(action, NavAction) or action.repeat:
            return
        if action.nav is Nav.BACK:
            if self.waiting is not None:
                self.waiting = None  # stop waiting; the download itself goes on in the background
            else:
                self.app.pop()
        elif action.nav is Nav.CONFIRM and self.view is not None and self.waiting is None:
            self.play()

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

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        y = widgets.draw_title(app, surface, "Daily Track", "The same track for everyone today.")
        box = pygame.Rect(0, 0, int(min(w - 112 * s, 900 * s)), int(h - y - 100 * s))
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
        if view.offline:
            r = widgets.blit_text(app, surface, "OFFLINE · from your library", "bold", 15 * s, theme.WARN, (x, ty))
            ty = r.bottom + int(8 * s)
        r = widgets.blit_text(app, surface, view.title, "display", 52 * s, theme.TEXT, (x, ty), max_width=inner)
        ty = r.bottom
        if view.artist:
            r = widgets.blit_text(app, surface, view.artist, "semibold", 24 * s, theme.TEXT_DIM, (x, ty),
                                  max_width=inner)
            ty = r.bottom
        ty += int(20 * s)
        for line in view.lines:
            for row in widgets.wrap_text(app, line, "body", 19 * s, inner):
                r = widgets.blit_text(app, surface, row, "body", 19 * s, theme.TEXT_DIM, (x, ty), max_width=inner)
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
        if self.waiting is not None:
            bottom = "Starting as soon as the download is done…"
            hints = [("Esc / B", "Stop waiting")]
        else:
            if view.chart_path is not None:
                ready = "plays now"
            elif self._joinable() is not None:
                ready = "plays it as soon as the download is done"
            else:
                ready = "downloads and charts it first"
            bottom = f"Suggested difficulty: {view.difficulty.title()} · Enter {ready}"
            hints = [("Enter / A", "Play"), ("Esc / B", "Back")]
        widgets.blit_text(app, surface, bottom, "semibold", 18 * s, theme.ACCENT_2, (x, box.bottom - pad),
                          anchor="bottomleft", max_width=inner)
        widgets.draw_hints(app, surface, hints)
