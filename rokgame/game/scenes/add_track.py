"""Add track: type or paste a YouTube link, a search, or an audio file's path; it is fetched and charted.

With a controller alone, the on-screen keyboard opens under the box: when a controller opened this
screen, and at the first d-pad, X or Y press, or A with the box empty. Its Done key (or Start) adds
the track as Enter does. The physical keyboard works as it always has and hides the on-screen one.
"""

from __future__ import annotations

from typing import Any

import pygame

from rokgame.game import theme
from rokgame.game.input import Action, Nav, NavAction, TextAction, from_controller
from rokgame.game.onscreen_keyboard import OnScreenKeyboard
from rokgame.game.render import widgets
from rokgame.game.render.onscreen_keyboard import draw_keyboard, keyboard_hints
from rokgame.game.scenes.base import Scene

EXAMPLES = (
    "https://www.youtube.com/watch?v=…",
    "artist - song title   (searches YouTube)",
    "~/Music/song.mp3",
)
#: Controller presses that open the on-screen keyboard (A too, while the box is empty).
OPENS_KEYBOARD = frozenset({Nav.UP, Nav.DOWN, Nav.LEFT, Nav.RIGHT, Nav.DELETE, Nav.SPACE})


class AddTrackScene(Scene):
    name = "add_track"

    def __init__(self, app: Any, text: str = "", *, keyboard: bool = False) -> None:
        super().__init__(app)
        self.box = widgets.TextBox(text, "Paste a link, type a search, or a file path…")
        self.message: str | None = None
        self.keyboard = OnScreenKeyboard("Add")
        if keyboard:
            self.keyboard.show()

    def enter(self) -> None:
        pygame.key.start_text_input()

    def exit(self) -> None:
        pygame.key.stop_text_input()

    def handle(self, action: Action) -> None:
        if isinstance(action, TextAction):
            self.keyboard.hide()  # typed on a keyboard: the on-screen one is in the way
            self.box.type(action.text)
            self.message = None
        elif from_controller(action) and (self.keyboard.shown or self._opens_keyboard(action)):
            self._keyboard_press(action)
        elif isinstance(action, NavAction) and not action.repeat:
            if action.control.startswith("key:"):
                self.keyboard.hide()
            if action.nav is Nav.CONFIRM:
                self.submit()
            elif action.nav is Nav.BACK:
                self.app.pop()

    def _opens_keyboard(self, action: Action) -> bool:
        return isinstance(action, NavAction) and not action.repeat and (
            action.nav in OPENS_KEYBOARD or (action.nav is Nav.CONFIRM and not self.box.text.strip()))

    def _keyboard_press(self, action: Action) -> None:
        if not self.keyboard.shown:
            self.keyboard.show()  # the press that opens it does nothing else
            self.message = None
            return
        edit = self.keyboard.handle(action)
        if edit is None:
            return
        self.box.text = edit.apply(self.box.text)
        self.message = None
        if edit.kind == "done" and not self.submit():
            self.keyboard.show()  # nothing to add yet: keep typing

    def handle_event(self, event: pygame.event.Event) -> None:
        if self.box.key(event):
            self.keyboard.hide()
            self.message = None

    def submit(self) -> bool:
        """Fetch and play what the box says; False (and a message) when it is empty."""
        source = self.box.text.strip()
        if not source:
            self.message = "Type or paste something first."
            return False
        from rokgame.game.scenes.flow import start_source

        start_source(self.app, source, None, title=source)
        return True

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
        if self.keyboard.shown:
            self._draw_keyboard(surface, field, s)
            return
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
        typed = bool(self.box.text.strip())  # A adds what is typed, and opens the keyboard on an empty box
        widgets.draw_hints(app, surface, [("Enter / A" if typed else "Enter", "Add and play"), ("Ctrl+V", "Paste"),
                                          ("Esc / B", "Back"),
                                          ("D-pad" if typed else "A / D-pad", "On-screen keyboard")])

    def _draw_keyboard(self, surface: pygame.Surface, field: pygame.Rect, s: float) -> None:
        """The on-screen keyboard in place of the examples, under the box it types into."""
        top = field.bottom + int(22 * s)
        if self.message:
            r = widgets.blit_text(self.app, surface, self.message, "semibold", 18 * s, theme.WARN, (field.x, top))
            top = r.bottom + int(14 * s)
        bottom = surface.get_height() - int(42 * s) - int(22 * s)  # above the hint bar
        draw_keyboard(self.app, surface, self.keyboard, pygame.Rect(field.x, top, field.width, bottom - top))
        widgets.draw_hints(self.app, surface, keyboard_hints(("Start", "Add and play"), ("B", "Close keyboard")))
