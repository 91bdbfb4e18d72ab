"""The one question on a first start: may rokgame get each day's Daily Track ready in the background?

rokgame uses the network only when the player asks for a track. Getting the Daily Track ready before
the player presses play (issue: "when the game starts and the network is there") is a download the
player did not ask for at that moment, so the game asks once, over the main menu, and remembers the
answer (``settings.daily_prefetch``; Settings → Daily prefetch changes it later). Until the player
says yes, nothing connects.
"""

from __future__ import annotations

from typing import Any

import pygame

from rokgame.game import theme
from rokgame.game.input import Action
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene

QUESTION = "Get each day's Daily Track ready in the background?"
EXPLANATION = (
    "When rokgame starts, it can download and chart today's and tomorrow's Daily Track, so they play "
    "the moment you press play. They come from YouTube, the same searches for every player: nothing "
    "about you is sent. Without it, rokgame connects to nothing until you ask for a track."
)


class PrefetchQuestionScene(Scene):
    name = "prefetch_question"
    overlay = True

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.menu = widgets.MenuList([
            widgets.MenuItem("Yes, get them ready", "yes", detail="change it any time in Settings"),
            widgets.MenuItem("No, only when I ask", "no", detail="the Daily Track downloads when you play it"),
        ])

    def handle(self, action: Action) -> None:
        what = self.menu.handle(action)
        if what == "confirm" and self.menu.selected is not None:
            self.answer(self.menu.selected.key == "yes")
        elif what == "back":
            self.answer(False)  # Esc is a no: nothing is fetched that the player did not agree to

    def answer(self, yes: bool) -> None:
        app = self.app
        app.settings.daily_prefetch = yes
        app.save_settings()
        app.pop()
        if yes:
            app.start_daily_prefetch()

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        key = ("dim", w, h)
        dim = app.cache.get(key)
        if dim is None:
            dim = pygame.Surface((w, h), pygame.SRCALPHA)
            dim.fill((6, 4, 16, 185))
            app.cache[key] = dim
        surface.blit(dim, (0, 0))
        width = int(min(w - 80 * s, 760 * s))
        pad = int(34 * s)
        inner = width - 2 * pad
        question = widgets.wrap_text(app, QUESTION, "heading", 27 * s, inner)
        explanation = widgets.wrap_text(app, EXPLANATION, "body", 17 * s, inner)
        row_h = int(66 * s)
        line_h = {role: app.text.render("Ag", role, px, theme.TEXT).get_height()
                  for role, px in (("bold", 15 * s), ("heading", 27 * s), ("body", 17 * s))}
        height = (2 * pad + line_h["bold"] + int(8 * s) + len(question) * line_h["heading"] + int(10 * s)
                  + len(explanation) * (line_h["body"] + int(2 * s)) + int(16 * s) + 2 * row_h)
        box = pygame.Rect(0, 0, width, min(height, h - int(100 * s)))
        box.center = (w // 2, (h - int(42 * s)) // 2)
        widgets.draw_panel(app, surface, box, theme.PANEL, alpha=245, radius=int(18 * s),
                           border=theme.PANEL_HI, border_width=max(1, int(2 * s)))
        x, y = box.x + pad, box.y + pad
        r = widgets.blit_text(app, surface, "DAILY TRACK", "bold", 15 * s, theme.ACCENT, (x, y))
        y = r.bottom + int(8 * s)
        for row in question:
            r = widgets.blit_text(app, surface, row, "heading", 27 * s, theme.TEXT, (x, y))
            y = r.bottom
        y += int(10 * s)
        for row in explanation:
            r = widgets.blit_text(app, surface, row, "body", 17 * s, theme.TEXT_DIM, (x, y))
            y = r.bottom + int(2 * s)
        menu_rect = pygame.Rect(box.x + pad // 2, y + int(16 * s), box.width - pad, 2 * row_h)
        self.menu.draw(app, surface, menu_rect, row_height=row_h, font_px=22 * s)
        # The menu's own key hints are under the dimming: cover them so only this screen's keys show.
        pygame.draw.rect(surface, theme.BG_BOTTOM, (0, h - int(42 * s), w, int(42 * s)))
        widgets.draw_hints(app, surface, [("↑↓ / D-pad", "Choose"), ("Enter / A", "Answer"), ("Esc / B", "No")])
