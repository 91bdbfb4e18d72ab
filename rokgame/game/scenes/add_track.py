"""Add track: type or paste a YouTube link, a search, or an audio file's path; it is fetched and charted."""

from __future__ import annotations

from typing import Any

import pygame

from rokgame.game import theme
from rokgame.game.input import Action, Nav, NavAction, TextAction
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene

EXAMPLES = (
    "https://www.youtube.com/watch?v=…",
    "artist - song title   (searches YouTube)",
    "~/Music/song.mp3",
)


class AddTrackScene(Scene):
    name = "add_track"

    def __init__(self, app: Any, text: str = "") -> None:
        super().__init__(app)
        self.box = widgets.TextBox(text, "Paste a link, type a search, or a file path…")
        self.message: str | None = None

    def enter(self) -> None:
        pygame.key.start_text_input()

    def exit(self) -> None:
        pygame.key.stop_text_input()

    def handle(self, action: Action) -> None:
        if isinstance(action, TextAction):
            self.box.type(action.text)
            self.message = None
        elif isinstance(action, NavAction) and not action.repeat:
            if action.nav is Nav.CONFIRM:
                self.submit()
            elif action.nav is Nav.BACK:
                self.app.pop()

    def handle_event(self, event: pygame.event.Event) -> None:
        if self.box.key(event):
            self.message = None

    def submit(self) -> None:
        source = self.box.text.strip()
        if not source:
            self.message = "Type or paste something first."
            return
        from rokgame.game.scenes.flow import start_source

        start_source(self.app, source, None, title=source)

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        y = widgets.draw_title(app, surface, "Add a track", "rokgame downloads it, listens to it and charts it "
                                                              "in four difficulties.")
        margin = int(56 * s)
        field = pygame.Rect(margin, y + int(20 * s), w - 2 * margin, int(64 * s))
        self.box.draw(app, surface, field)
        ty = field.bottom + int(30 * s)
        widgets.blit_text(app, surface, "FOR EXAMPLE", "bold", 14 * s, theme.TEXT_DIM, (margin, ty))
        ty += int(28 * s)
        for example in EXAMPLES:
            r = widgets.blit_text(app, surface, example, "body", 19 * s, theme.TEXT_FAINT, (margin + int(4 * s), ty))
            ty = r.bottom + int(8 * s)
        if self.message:
            widgets.blit_text(app, surface, self.message, "semibold", 18 * s, theme.WARN, (margin, ty + int(16 * s)))
        widgets.blit_text(app, surface, "Only what you ask for is downloaded; everything stays on this computer.",
                          "body", 16 * s, theme.TEXT_FAINT, (margin, h - int(80 * s)), anchor="bottomleft")
        widgets.draw_hints(app, surface, [("Enter", "Add and play"), ("Ctrl+V", "Paste"), ("Esc / B", "Back"),
                                          ("", "Typing needs a keyboard")])
