"""The main menu: Play, Daily Track, Add track, Settings, Quit — with the Daily panel beside it."""

from __future__ import annotations

from typing import Any

import pygame

from rokgame.game import hooks, theme
from rokgame.game.input import Action
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene


class MainMenuScene(Scene):
    name = "menu"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.menu = widgets.MenuList([
            widgets.MenuItem("Play", "play", detail="pick a song from your library"),
            widgets.MenuItem("Daily Track", "daily", detail="one track a day, the same for everyone"),
            widgets.MenuItem("Add track", "add", detail="a YouTube link, a search or an audio file"),
            widgets.MenuItem("Settings", "settings", detail="timing, keys, controllers, look and sound"),
            widgets.MenuItem("Quit", "quit"),
        ])
        self.daily: hooks.DailyView | None = None
        self.daily_state = "none"   # "none" | "loading" | "ready" | "error"
        self.daily_error: str | None = None

    def enter(self) -> None:
        self.app.input.set_lanes(5)
        if hooks.request_daily():
            self.daily_state = "loading" if self.daily is None else self.daily_state

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == hooks.DAILY_EVENT:
            self.daily = event.view
            self.daily_error = event.error
            self.daily_state = "ready" if event.view is not None else ("error" if event.error else "none")

    def handle(self, action: Action) -> None:
        what = self.menu.handle(action)
        if what == "confirm" and self.menu.selected is not None:
            self.choose(self.menu.selected.key)
        elif what == "back":
            self.menu.index = len(self.menu.items) - 1  # Esc goes to Quit; a second Enter quits

    def choose(self, key: str) -> None:
        app = self.app
        if key == "play":
            from rokgame.game.scenes.song_select import SongSelectScene

            app.push(SongSelectScene(app))
        elif key == "daily":
            from rokgame.game.scenes.daily import DailyScene

            app.push(DailyScene(app, self.daily, state=self.daily_state, error=self.daily_error))
        elif key == "add":
            from rokgame.game.scenes.add_track import AddTrackScene

            app.push(AddTrackScene(app))
        elif key == "settings":
            from rokgame.game.scenes.settings import SettingsScene

            app.push(SettingsScene(app))
        elif key == "quit":
            app.quit(0)

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        self._draw_lanes_art(surface, s)
        x = int(70 * s)
        logo = widgets.blit_text(app, surface, "ROKGAME", "display", 92 * s, theme.TEXT, (x, int(64 * s)))
        pygame.draw.rect(surface, theme.ACCENT, (x, logo.bottom + int(2 * s), int(110 * s), max(3, int(6 * s))))
        widgets.blit_text(app, surface, "Play along to any track.", "semibold", 22 * s, theme.TEXT_DIM,
                          (x, logo.bottom + int(22 * s)))
        menu_rect = pygame.Rect(x - int(14 * s), logo.bottom + int(80 * s), int(430 * s),
                                h - logo.bottom - int(140 * s))
        self.menu.draw(app, surface, menu_rect, row_height=int(min(74 * s, menu_rect.height / 5)), font_px=27 * s)
        self._draw_daily(surface, s)
        widgets.draw_hints(app, surface, [("↑↓ / D-pad", "Choose"), ("Enter / A", "Select"), ("F11", "Fullscreen"),
                                          ("Esc / B", "Back")])

    def _draw_daily(self, surface: pygame.Surface, s: float) -> None:
        app = self.app
        w = surface.get_width()
        box = pygame.Rect(0, 0, int(min(520 * s, w * 0.4)), int(300 * s))
        box.topright = (w - int(70 * s), int(150 * s))
        widgets.draw_panel(app, surface, box, theme.PANEL, alpha=225, radius=int(18 * s),
                           border=theme.PANEL_HI, border_width=max(1, int(2 * s)))
        pad = int(26 * s)
        head = "DAILY TRACK" + (" · OFFLINE" if self.daily is not None and self.daily.offline else "")
        widgets.blit_text(app, surface, head, "bold", 15 * s, theme.ACCENT, (box.x + pad, box.y + pad))
        inner_w = box.width - 2 * pad
        y = box.y + pad + int(30 * s)
        if self.daily is None:
            text = {"loading": "Picking today's track…", "error": "The Daily Track can't be shown right now.",
                    }.get(self.daily_state, "Coming soon: one track a day for everyone.")
            widgets.blit_text(app, surface, text, "semibold", 20 * s, theme.TEXT_DIM, (box.x + pad, y),
                              max_width=inner_w)
            return
        d = self.daily
        r = widgets.blit_text(app, surface, d.title, "heading", 30 * s, theme.TEXT, (box.x + pad, y), max_width=inner_w)
        y = r.bottom
        if d.artist:
            r = widgets.blit_text(app, surface, d.artist, "semibold", 18 * s, theme.TEXT_DIM, (box.x + pad, y),
                                  max_width=inner_w)
            y = r.bottom
        y += int(10 * s)
        rows = [row for line in d.lines[:6] for row in widgets.wrap_text(app, line, "body", 16 * s, inner_w)]
        for row in rows:
            if y > box.bottom - pad - int(18 * s):
                break
            r = widgets.blit_text(app, surface, row, "body", 16 * s, theme.TEXT_DIM, (box.x + pad, y),
                                  max_width=inner_w)
            y = r.bottom + int(4 * s)

    def _draw_lanes_art(self, surface: pygame.Surface, s: float) -> None:
        """Five slanted light beams along the bottom right: the game's colours, gently moving."""
        w, h = surface.get_size()
        key = ("menu-art", w, h)
        art = self.app.cache.get(key)
        if art is None:
            art = pygame.Surface((w, h), pygame.SRCALPHA)
            for i, color in enumerate(theme.LANE_COLORS[:5]):
                x0 = w * (0.52 + i * 0.085)
                pts = [(x0, h), (x0 + w * 0.05, h), (x0 + w * 0.2, h * 0.55), (x0 + w * 0.185, h * 0.55)]
                pygame.draw.polygon(art, (*color, 34), pts)
            self.app.cache[key] = art
        surface.blit(art, (0, 0))  # type: ignore[arg-type]
        for i, color in enumerate(theme.LANE_COLORS[:5]):
            phase = (self.app.now * 0.35 + i * 0.21) % 1.0
            x0 = w * (0.52 + i * 0.085) + w * 0.025
            x = x0 + (w * 0.165) * phase
            y = h - h * 0.45 * phase
            r = max(3, int((16 - 10 * phase) * s))
            pygame.draw.circle(surface, theme.mix(color, theme.BG_BOTTOM, phase * 0.7), (x, y), r)
