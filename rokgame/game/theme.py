"""Colours, fonts and cached text: everything that makes the screens look like one game.

Every size is computed from the surface each frame (:func:`ui_scale`), so the layout
fits any window. Text is rendered once per (font, size, string, colour) and kept in
an LRU cache, so a static menu costs only blits.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pygame

from rokgame import paths
from rokgame.core.text import clean_text

Color = tuple[int, int, int]

# The background: a deep blue-violet gradient, darker at the bottom where the highway sits.
BG_TOP: Color = (24, 20, 46)
BG_BOTTOM: Color = (6, 6, 14)
PANEL: Color = (30, 28, 54)
PANEL_HI: Color = (48, 44, 86)
TEXT: Color = (236, 236, 248)
TEXT_DIM: Color = (150, 148, 180)
TEXT_FAINT: Color = (96, 94, 128)
ACCENT: Color = (255, 92, 160)      # rokgame pink
ACCENT_2: Color = (90, 200, 255)    # cool cyan for secondary highlights
GOOD: Color = (120, 230, 140)
WARN: Color = (255, 196, 80)
BAD: Color = (255, 90, 90)

#: Guitar Hero order: green, red, yellow, blue, orange (+ purple and cyan for 6 and 7 lanes).
LANE_COLORS: tuple[Color, ...] = (
    (60, 210, 90), (235, 60, 70), (245, 210, 50), (60, 140, 245), (250, 140, 40), (175, 90, 240), (60, 220, 220),
)
#: Okabe–Ito: distinguishable with every common colour-vision deficiency.
LANE_COLORS_COLORBLIND: tuple[Color, ...] = (
    (0, 158, 115), (213, 94, 0), (240, 228, 66), (0, 114, 178), (230, 159, 0), (204, 121, 167), (86, 180, 233),
)

JUDGEMENT_COLORS: dict[str, Color] = {
    "perfect": (110, 235, 255),
    "great": (120, 235, 130),
    "good": (250, 210, 90),
    "miss": (255, 90, 90),
    # Not judgements: the pop-ups of a press near no note when ghost taps break the combo.
    "ghost tap": (240, 110, 200),
    "overstrum": (240, 110, 200),
}

FONT_FILES = {
    "display": "LeagueSpartan-Black.otf",   # titles, combo, big numbers
    "heading": "LeagueSpartan-Bold.otf",
    "bold": "Inter-Bold.otf",
    "semibold": "Inter-SemiBold.otf",
    "body": "Inter-Regular.otf",
}

REFERENCE_SIZE = (1280, 720)


def lane_colors(lanes: int, *, colorblind: bool = False) -> tuple[Color, ...]:
    palette = LANE_COLORS_COLORBLIND if colorblind else LANE_COLORS
    return palette[:lanes]


def ui_scale(size: tuple[int, int]) -> float:
    """1.0 at 1280×720; grows and shrinks with the smaller side so nothing overflows."""
    return max(0.35, min(size[0] / REFERENCE_SIZE[0], size[1] / REFERENCE_SIZE[1]))


def mix(a: Color, b: Color, t: float) -> Color:
    t = 0.0 if t < 0 else 1.0 if t > 1 else t
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def lighten(c: Color, t: float) -> Color:
    return mix(c, (255, 255, 255), t)


def darken(c: Color, t: float) -> Color:
    return mix(c, (0, 0, 0), t)


class Fonts:
    """Fonts by role and pixel size, loaded from assets/fonts (the system default if one is missing)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.fonts_dir()
        self._fonts: dict[tuple[str, int], pygame.font.Font] = {}
        if not pygame.font.get_init():
            pygame.font.init()

    def get(self, role: str, px: int) -> pygame.font.Font:
        px = max(6, int(px))
        key = (role, px)
        font = self._fonts.get(key)
        if font is None:
            path = self.folder / FONT_FILES.get(role, FONT_FILES["body"])
            try:
                font = pygame.font.Font(path, px)
            except (OSError, FileNotFoundError, pygame.error):
                font = pygame.font.Font(None, px)
            self._fonts[key] = font
        return font


class TextCache:
    """Rendered text surfaces by (role, size, text, colour), least recently used dropped first."""

    def __init__(self, fonts: Fonts, capacity: int = 768) -> None:
        self.fonts = fonts
        self.capacity = capacity
        self._cache: OrderedDict[tuple[str, int, str, Color], pygame.Surface] = OrderedDict()

    def render(self, text: str, role: str, px: float, color: Color = TEXT) -> pygame.Surface:
        key = (role, int(px), text, color)
        surface = self._cache.get(key)
        if surface is not None:
            self._cache.move_to_end(key)
            return surface
        # The last guard before SDL_ttf: it refuses a NUL and a lone surrogate (a title from a file's tags or
        # name) with an exception, which took song select down with it.
        surface = self.fonts.get(role, int(px)).render(clean_text(text, limit=len(text) + 1), True, color)
        self._cache[key] = surface
        if len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        return surface

    def fit(self, text: str, role: str, px: float, max_width: int, color: Color = TEXT) -> pygame.Surface:
        """Render ``text``, cutting it with an ellipsis so it is no wider than ``max_width``."""
        surface = self.render(text, role, px, color)
        if surface.get_width() <= max_width or len(text) <= 1:
            return surface
        font = self.fonts.get(role, int(px))
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if font.size(text[:mid].rstrip() + "…")[0] <= max_width:
                lo = mid
            else:
                hi = mid - 1
        return self.render(text[:lo].rstrip() + "…", role, px, color)


class Backgrounds:
    """The vertical gradient behind every screen, made once per window size."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], pygame.Surface] = {}

    def get(self, size: tuple[int, int]) -> pygame.Surface:
        surface = self._cache.get(size)
        if surface is None:
            if len(self._cache) > 4:
                self._cache.clear()
            surface = make_gradient(size, BG_TOP, BG_BOTTOM)
            self._cache[size] = surface
        return surface


def make_gradient(size: tuple[int, int], top: Color, bottom: Color) -> pygame.Surface:
    """A vertical gradient with a soft glow at the top centre; drawn at 1 px wide and stretched (fast)."""
    w, h = max(1, size[0]), max(1, size[1])
    column = pygame.Surface((1, h))
    for y in range(h):
        column.set_at((0, y), mix(top, bottom, (y / max(1, h - 1)) ** 0.8))
    surface = pygame.transform.scale(column, (w, h)).convert() if pygame.display.get_init() and \
        pygame.display.get_surface() is not None else pygame.transform.scale(column, (w, h))
    glow = pygame.Surface((w, h), pygame.SRCALPHA)
    cx, r = w // 2, int(max(w, h) * 0.55)
    for i in range(12, 0, -1):
        rr = r * i // 12
        pygame.draw.ellipse(glow, (*ACCENT, 3), (cx - rr, -rr // 2 - h // 6, rr * 2, rr))
    surface.blit(glow, (0, 0))
    return surface


def rounded_panel(size: tuple[int, int], color: Color, *, radius: int, alpha: int = 255,
                  border: Color | None = None, border_width: int = 0) -> pygame.Surface:
    """A rounded rectangle on a transparent surface (cache the result: it is not free)."""
    surface = pygame.Surface((max(1, size[0]), max(1, size[1])), pygame.SRCALPHA)
    pygame.draw.rect(surface, (*color, alpha), surface.get_rect(), border_radius=radius)
    if border is not None and border_width > 0:
        pygame.draw.rect(surface, border, surface.get_rect(), border_width, border_radius=radius)
    return surface


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return "–:––"
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def format_score(score: int) -> str:
    return f"{score:,}".replace(",", " ")
