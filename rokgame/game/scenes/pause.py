"""Pause: resume (with a 3-2-1 count-in), restart, or quit to where the song was started from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from rokgame.game import theme
from rokgame.game.input import Action, Nav, NavAction
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene

if TYPE_CHECKING:
    from rokgame.game.scenes.gameplay import GameplayScene


class PauseScene(Scene):
    name = "pause"
    overlay = True

    def __init__(self, app: Any, gameplay: GameplayScene, *, reason: str | None = None) -> None:
        super().__init__(app)
        self.gameplay = gameplay
        self.reason = reason
        self.menu = widgets.MenuList([
            widgets.MenuItem("Resume", "resume", detail="3-2-1 count-in, then the song goes on"),
            widgets.MenuItem("Restart", "restart", detail="from the top"),
            widgets.MenuItem(f"Quit to {gameplay.return_to()[1]}", "quit"),
        ])

    def handle(self, action: Action) -> None:
        if isinstance(action, NavAction) and action.nav is Nav.PAUSE and not action.repeat \
                and action.control != "key:escape":
            self._resume()  # Start toggles pause on a controller
            return
        what = self.menu.handle(action)
        if what == "back":
            self._resume()
        elif what == "confirm":
            self.choose(self.menu.selected.key if self.menu.selected else "resume")

    def choose(self, key: str) -> None:
        if key == "resume":
            self._resume()
        elif key == "restart":
            self.app.pop()
            self.gameplay.restart()
        elif key == "quit":
            self.app.pop()
            self.gameplay.quit_to_menu()

    def _resume(self) -> None:
        self.app.pop()
        self.gameplay.paused = False
        self.gameplay.resume()

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        key = ("dim", w, h)
        dim = self.app.cache.get(key)
        if dim is None:
            dim = pygame.Surface((w, h), pygame.SRCALPHA)
            dim.fill((6, 4, 16, 185))
            self.app.cache[key] = dim
        surface.blit(dim, (0, 0))
        box = pygame.Rect(0, 0, int(520 * s), int(380 * s))
        box.center = (w // 2, h // 2)
        widgets.draw_panel(self.app, surface, box, theme.PANEL, alpha=245, radius=int(18 * s),
                           border=theme.PANEL_HI, border_width=max(1, int(2 * s)))
        title = widgets.blit_text(self.app, surface, "PAUSED", "display", 48 * s, theme.TEXT,
                                  (box.centerx, box.y + int(28 * s)), anchor="midtop")
        y = title.bottom + int(6 * s)
        if self.reason:
            r = widgets.blit_text(self.app, surface, self.reason, "semibold", 17 * s, theme.WARN,
                                  (box.centerx, y), anchor="midtop")
            y = r.bottom
        menu_rect = pygame.Rect(box.x + int(30 * s), y + int(18 * s), box.width - int(60 * s),
                                box.bottom - y - int(36 * s))
        self.menu.draw(self.app, surface, menu_rect, row_height=int(78 * s), font_px=24 * s)
        widgets.draw_hints(self.app, surface, [("↑↓", "Choose"), ("Enter / A", "Select"),
                                               ("Esc / B / Start", "Resume")])
