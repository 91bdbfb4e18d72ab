"""The Daily Track screen: today's pick (from the daily provider hook) and one key to play it."""

from __future__ import annotations

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

    def update(self, dt: float) -> None:
        prefetch = self.app.daily_prefetch
        if prefetch is not None and prefetch.version != self._prefetch_seen:
            # Today's track just became ready (or the network is known to be gone): show what Enter does now.
            self._prefetch_seen = prefetch.version
            hooks.request_daily(online=prefetch.online)

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
            self.app.pop()
        elif action.nav is Nav.CONFIRM and self.view is not None:
            self.play()

    def play(self) -> None:
        view = self.view
        assert view is not None
        from rokgame.game.scenes.flow import start_chart, start_source

        if view.chart_path is not None:
            start_chart(self.app, view.chart_path, view.difficulty, daily_date=view.daily_date)
        elif view.source:
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
        ready = "plays now" if view.chart_path is not None else "downloads and charts it first"
        widgets.blit_text(app, surface, f"Suggested difficulty: {view.difficulty.title()} · Enter {ready}",
                          "semibold", 18 * s, theme.ACCENT_2, (x, box.bottom - pad), anchor="bottomleft",
                          max_width=inner)
        widgets.draw_hints(app, surface, [("Enter / A", "Play"), ("Esc / B", "Back")])
