"""The screen contract: every screen is a :class:`Scene` on the app's stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from rokgame.game.input import Action, Nav, NavAction

if TYPE_CHECKING:
    from rokgame.game.app import App


class Scene:
    """One screen. The app calls ``enter`` when it becomes the top of the stack, ``exit`` when it leaves
    it, then every frame ``handle`` for each input action, ``update`` and ``draw``.

    ``overlay`` scenes (pause, dialogs) are drawn over the scene below them.
    """

    overlay: bool = False
    #: A short name for tests and screenshots.
    name: str = "scene"
    #: A held controller direction repeats its move here (see :meth:`App.repeat_held_direction`).
    repeats_navs: bool = True

    def __init__(self, app: App) -> None:
        self.app = app

    # -- lifecycle
    def enter(self) -> None:
        """Became the top of the stack (pushed, or the scene above it was popped)."""

    def exit(self) -> None:
        """Stopped being the top of the stack (popped, replaced or covered)."""

    # -- per frame
    def handle(self, action: Action) -> None:
        """One translated input: lane presses, menu navigation, typed text, devices coming and going."""

    def handle_event(self, event: pygame.event.Event) -> None:
        """Every raw pygame event (worker messages, resizes); most screens need none."""

    def update(self, dt: float) -> None:
        """Move time on by ``dt`` seconds of wall time (animation only: gameplay reads its song clock)."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the whole screen from the current state, sized to ``surface``."""

    def notice_area(self, size: tuple[int, int]) -> pygame.Rect | None:
        """Where the app's notices go on this screen; ``None``: centred above the bottom edge."""
        return None

    def input_time(self) -> float:
        """The clock that stamps lane input when it leaves the event queue: the song clock in gameplay."""
        return self.app.now

    # -- helpers
    @staticmethod
    def is_back(action: Action) -> bool:
        return isinstance(action, NavAction) and action.nav is Nav.BACK
