"""Draws the on-screen keyboard by asking its model for rows, cursor and labels.

The keys take the largest size that fits the area a screen gives them (never wider than ``max_key``
× the UI scale; between a little wider than tall and square, as the area's height allows), so the
same keyboard sits under the Add track box and beside the song list, at any window size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from rokgame.game import theme
from rokgame.game.onscreen_keyboard import COLUMNS, Key, KeyKind, OnScreenKeyboard, Shift
from rokgame.game.render import widgets

if TYPE_CHECKING:
    from rokgame.game.app import App

KEY_ASPECT = 0.8   # the least height / width of a one-column key (square at most)
CHAR_KEY = theme.PANEL_HI
ACTION_KEY: theme.Color = (37, 34, 68)   # Shift, page, Space, Delete, Done: darker than the letters
#: The controller button that does the same without moving the cursor, shown in the key's corner.
BUTTON_TAGS = {KeyKind.DELETE: "X", KeyKind.SPACE: "Y", KeyKind.DONE: "Start"}


def keyboard_hints(*closing: tuple[str, str]) -> list[tuple[str, str]]:
    """The hint bar while the keyboard is shown; ``closing`` says what Start and B do on this screen."""
    return [("D-pad", "Move"), ("A", "Type"), ("X", "Delete"), ("Y", "Space"), *closing]


def draw_keyboard(app: App, surface: pygame.Surface, keyboard: OnScreenKeyboard, area: pygame.Rect, *,
                  max_key: float = 80, valign: str = "top") -> pygame.Rect:
    """Draw ``keyboard`` centred across ``area`` (at its top, or centred with ``valign="center"``)."""
    s = theme.ui_scale(surface.get_size())
    rows = keyboard.rows
    pad, gap = int(16 * s), max(2, int(7 * s))
    fit_w = (area.width - 2 * pad - (COLUMNS - 1) * gap) / COLUMNS
    fit_h = (area.height - 2 * pad - (len(rows) - 1) * gap) / len(rows)
    unit = max(8, int(min(fit_w, fit_h / KEY_ASPECT, max_key * s)))
    key_h = max(int(unit * KEY_ASPECT), int(min(unit, fit_h)))
    panel = pygame.Rect(0, 0, 2 * pad + COLUMNS * unit + (COLUMNS - 1) * gap,
                        2 * pad + len(rows) * key_h + (len(rows) - 1) * gap)
    panel.centerx = area.centerx
    if valign == "center":
        panel.centery = area.centery
    else:
        panel.top = area.top
    widgets.draw_panel(app, surface, panel, theme.PANEL, alpha=240, radius=int(16 * s), border=theme.PANEL_HI,
                       border_width=max(1, int(2 * s)))
    for r, row in enumerate(rows):
        start = 0
        for key in row:
            rect = pygame.Rect(panel.x + pad + start * (unit + gap), panel.y + pad + r * (key_h + gap),
                               key.width * unit + (key.width - 1) * gap, key_h)
            _draw_key(app, surface, keyboard, key, rect, keyboard.is_selected(r, start), s)
            start += key.width
    return panel


def _draw_key(app: App, surface: pygame.Surface, keyboard: OnScreenKeyboard, key: Key, rect: pygame.Rect,
              selected: bool, s: float) -> None:
    radius = int(8 * s)
    char = key.kind is KeyKind.CHAR
    lit = key.kind is KeyKind.SHIFT and keyboard.shift is not Shift.OFF
    if selected:
        # The cursor must be seen from the couch: the key grows a little and turns rokgame pink.
        rect = rect.inflate(int(6 * s), int(6 * s))
        widgets.draw_panel(app, surface, rect, theme.ACCENT, alpha=255, radius=radius + int(2 * s),
                           border=theme.lighten(theme.ACCENT, 0.45), border_width=max(1, int(2 * s)))
        color = theme.TEXT
    else:
        border = theme.ACCENT_2 if key.kind is KeyKind.DONE or lit else None
        widgets.draw_panel(app, surface, rect, CHAR_KEY if char else ACTION_KEY, alpha=255, radius=radius,
                           border=border, border_width=max(1, int(2 * s)) if border else 0)
        color = theme.ACCENT_2 if lit or key.kind is KeyKind.DONE else theme.TEXT if char else theme.TEXT_DIM
    px = rect.height * 0.46 if char else max(15 * s, rect.height * 0.3)
    widgets.blit_text(app, surface, keyboard.label(key), "bold" if char else "semibold", px, color, rect.center,
                      anchor="center", max_width=rect.width - int(8 * s))
    tag = BUTTON_TAGS.get(key.kind)
    if tag:
        tag_color = theme.lighten(theme.ACCENT, 0.6) if selected else theme.TEXT_FAINT
        widgets.blit_text(app, surface, tag, "bold", max(9.0, rect.height * 0.2), tag_color,
                          (rect.right - int(7 * s), rect.top + int(4 * s)), anchor="topright")
