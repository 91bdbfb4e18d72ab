"""Shared pieces of the menus: background, panels, titles, lists, hint bars, notices.

All geometry comes from the surface size through :func:`~rokgame.game.theme.ui_scale`;
costly surfaces (rounded panels) are cached on the app and dropped on resize.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pygame

from rokgame.game import theme
from rokgame.game.input import Action, Nav, NavAction

if TYPE_CHECKING:
    from rokgame.game.app import App


def background(app: App, surface: pygame.Surface) -> None:
    surface.blit(app.backgrounds.get(surface.get_size()), (0, 0))


def panel(app: App, size: tuple[int, int], color: theme.Color = theme.PANEL, *, alpha: int = 215,
          radius: int | None = None, border: theme.Color | None = None, border_width: int = 0) -> pygame.Surface:
    size = (max(1, int(size[0])), max(1, int(size[1])))
    radius = radius if radius is not None else max(4, min(size) // 10)
    key = ("panel", size, color, alpha, radius, border, border_width)
    surface = app.cache.get(key)
    if surface is None:
        surface = theme.rounded_panel(size, color, radius=radius, alpha=alpha, border=border,
                                      border_width=border_width)
        app.cache[key] = surface
    return surface  # type: ignore[return-value]


def draw_panel(app: App, surface: pygame.Surface, rect: pygame.Rect, color: theme.Color = theme.PANEL, *,
               alpha: int = 215, radius: int | None = None, border: theme.Color | None = None,
               border_width: int = 0) -> None:
    surface.blit(panel(app, rect.size, color, alpha=alpha, radius=radius, border=border,
                       border_width=border_width), rect.topleft)


def blit_text(app: App, surface: pygame.Surface, text: str, role: str, px: float, color: theme.Color,
              pos: tuple[float, float], *, anchor: str = "topleft", max_width: int | None = None) -> pygame.Rect:
    rendered = app.text.fit(text, role, px, max_width, color) if max_width else app.text.render(text, role, px, color)
    rect = rendered.get_rect(**{anchor: (int(pos[0]), int(pos[1]))})
    surface.blit(rendered, rect)
    return rect


def draw_title(app: App, surface: pygame.Surface, title: str, subtitle: str | None = None) -> int:
    """The screen's title at the top left; returns the y below it."""
    s = theme.ui_scale(surface.get_size())
    x, y = int(56 * s), int(40 * s)
    rect = blit_text(app, surface, title.upper(), "display", 46 * s, theme.TEXT, (x, y))
    pygame.draw.rect(surface, theme.ACCENT, (x, rect.bottom + int(4 * s), int(64 * s), max(2, int(4 * s))))
    bottom = rect.bottom + int(14 * s)
    if subtitle:
        r2 = blit_text(app, surface, subtitle, "body", 19 * s, theme.TEXT_DIM, (x, bottom + int(4 * s)))
        bottom = r2.bottom
    return bottom + int(18 * s)


def draw_hints(app: App, surface: pygame.Surface, hints: Sequence[tuple[str, str]]) -> None:
    """Key hints along the bottom: ``[("Enter / A", "Play"), ("Esc / B", "Back")]``."""
    w, h = surface.get_size()
    s = theme.ui_scale((w, h))
    bar_h = int(42 * s)
    key = ("hintbar", w, bar_h)
    bar = app.cache.get(key)
    if bar is None:
        bar = pygame.Surface((w, bar_h), pygame.SRCALPHA)
        bar.fill((8, 8, 18, 190))
        pygame.draw.line(bar, (*theme.PANEL_HI, 255), (0, 0), (w, 0))
        app.cache[key] = bar
    surface.blit(bar, (0, h - bar_h))  # type: ignore[arg-type]
    x = int(56 * s)
    cy = h - bar_h // 2
    for keys, label in hints:
        if not keys:  # a plain remark, no key box
            label_img = app.text.render(label, "body", 15 * s, theme.TEXT_FAINT)
            surface.blit(label_img, (x, cy - label_img.get_height() // 2))
            x += label_img.get_width() + int(26 * s)
            continue
        key_img = app.text.render(keys, "bold", 15 * s, theme.TEXT)
        pad = int(7 * s)
        box = pygame.Rect(x, cy - key_img.get_height() // 2 - int(3 * s), key_img.get_width() + 2 * pad,
                          key_img.get_height() + int(6 * s))
        draw_panel(app, surface, box, theme.PANEL_HI, alpha=255, radius=int(5 * s))
        surface.blit(key_img, (x + pad, box.y + int(3 * s)))
        x = box.right + int(8 * s)
        label_img = app.text.render(label, "body", 15 * s, theme.TEXT_DIM)
        surface.blit(label_img, (x, cy - label_img.get_height() // 2))
        x += label_img.get_width() + int(26 * s)


def wrap_text(app: App, text: str, role: str, px: float, width: int) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` (a word longer than that keeps its own line)."""
    font = app.fonts.get(role, int(px))
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if font.size(trial)[0] <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def draw_notice(app: App, surface: pygame.Surface, text: str, index: int) -> None:
    w, h = surface.get_size()
    s = theme.ui_scale((w, h))
    img = app.text.render(text, "semibold", 16 * s, theme.TEXT)
    pad = int(14 * s)
    rect = pygame.Rect(0, 0, img.get_width() + 2 * pad, img.get_height() + pad)
    rect.midbottom = (w // 2, h - int(56 * s) - index * (rect.height + int(6 * s)))
    draw_panel(app, surface, rect, (60, 40, 90), alpha=235, radius=int(8 * s), border=theme.ACCENT, border_width=1)
    surface.blit(img, (rect.x + pad, rect.y + pad // 2))


def draw_notice_in(app: App, surface: pygame.Surface, text: str, area: pygame.Rect, top: int) -> int:
    """A notice wrapped to ``area``'s width, right-aligned in it at ``top``; returns where the next one goes."""
    s = theme.ui_scale(surface.get_size())
    pad = int(12 * s)
    px = 15 * s
    lines = wrap_text(app, text, "semibold", px, area.width - 2 * pad)[:4]
    images = [app.text.render(line, "semibold", px, theme.TEXT) for line in lines]
    width = max(img.get_width() for img in images) + 2 * pad
    height = sum(img.get_height() for img in images) + pad
    rect = pygame.Rect(area.right - width, top, width, height)
    draw_panel(app, surface, rect, (60, 40, 90), alpha=235, radius=int(8 * s), border=theme.ACCENT, border_width=1)
    y = rect.y + pad // 2
    for img in images:
        surface.blit(img, (rect.right - pad - img.get_width(), y))
        y += img.get_height()
    return rect.bottom + int(6 * s)


def draw_bar(surface: pygame.Surface, rect: pygame.Rect, fraction: float, color: theme.Color,
             back: theme.Color = (40, 38, 70)) -> None:
    radius = rect.height // 2
    pygame.draw.rect(surface, back, rect, border_radius=radius)
    fraction = max(0.0, min(1.0, fraction))
    if fraction > 0:
        filled = rect.copy()
        filled.width = max(rect.height, int(rect.width * fraction))
        pygame.draw.rect(surface, color, filled, border_radius=radius)


def draw_stars(surface: pygame.Surface, center: tuple[int, int], stars: int, size: float,
               color: theme.Color = (255, 214, 90), empty: theme.Color = (70, 66, 100)) -> None:
    import math

    gap = size * 2.3
    x0 = center[0] - gap * 2
    for i in range(5):
        cx, cy = x0 + gap * i, center[1]
        points = []
        for k in range(10):
            r = size if k % 2 == 0 else size * 0.45
            a = -math.pi / 2 + k * math.pi / 5
            points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
        pygame.draw.polygon(surface, color if i < stars else empty, points)


# --------------------------------------------------------------------------- lists


@dataclass
class MenuItem:
    label: str
    key: str = ""
    value: str | None = None       # shown right-aligned (settings)
    detail: str | None = None      # a second, dimmer line
    enabled: bool = True


class MenuList:
    """A vertical list driven by up/down (keys, d-pad, stick), confirm and left/right."""

    def __init__(self, items: Sequence[MenuItem], index: int = 0) -> None:
        self.items = list(items)
        self.index = max(0, min(index, len(self.items) - 1))
        self.scroll = 0
        self.changed_at = -1.0

    @property
    def selected(self) -> MenuItem | None:
        return self.items[self.index] if self.items else None

    def move(self, delta: int) -> None:
        if not self.items:
            return
        n = len(self.items)
        for _ in range(n):
            self.index = (self.index + delta) % n
            if self.items[self.index].enabled:
                break

    def handle(self, action: Action) -> str | None:
        """Returns "confirm", "left", "right" or "back" when the action means one of them."""
        if not isinstance(action, NavAction):
            return None
        nav = action.nav
        if nav is Nav.UP:
            self.move(-1)
        elif nav is Nav.DOWN:
            self.move(1)
        elif nav is Nav.PAGE_UP:
            self.move(-8)
        elif nav is Nav.PAGE_DOWN:
            self.move(8)
        elif nav is Nav.CONFIRM and not action.repeat:
            return "confirm"
        elif nav is Nav.LEFT:
            return "left"
        elif nav is Nav.RIGHT:
            return "right"
        elif nav is Nav.BACK and not action.repeat:
            return "back"
        return None

    def draw(self, app: App, surface: pygame.Surface, rect: pygame.Rect, *, row_height: float | None = None,
             font_px: float | None = None, value_width: float = 0.36) -> None:
        s = theme.ui_scale(surface.get_size())
        row_h = int(row_height or 54 * s)
        font_px = font_px or 24 * s
        visible = max(1, rect.height // row_h)
        if self.index < self.scroll:
            self.scroll = self.index
        elif self.index >= self.scroll + visible:
            self.scroll = self.index - visible + 1
        self.scroll = max(0, min(self.scroll, max(0, len(self.items) - visible)))
        pad = int(18 * s)
        for row, item in enumerate(self.items[self.scroll:self.scroll + visible]):
            i = row + self.scroll
            r = pygame.Rect(rect.x, rect.y + row * row_h, rect.width, row_h - int(6 * s))
            selected = i == self.index
            if selected:
                draw_panel(app, surface, r, theme.PANEL_HI, alpha=240, radius=int(10 * s))
                pygame.draw.rect(surface, theme.ACCENT, (r.x, r.y + int(8 * s), max(3, int(4 * s)),
                                                         r.height - int(16 * s)), border_radius=2)
            color = theme.TEXT if item.enabled else theme.TEXT_FAINT
            if not selected:
                color = theme.TEXT_DIM if item.enabled else theme.TEXT_FAINT
            label_w = int(r.width * (1 - value_width)) if item.value is not None else r.width - 2 * pad
            has_detail = item.detail is not None
            label_y = r.centery - (int(10 * s) if has_detail else 0)
            blit_text(app, surface, item.label, "semibold", font_px, color, (r.x + pad + int(6 * s), label_y),
                      anchor="midleft", max_width=label_w - pad)
            if has_detail:
                blit_text(app, surface, item.detail or "", "body", font_px * 0.62, theme.TEXT_FAINT
                          if not selected else theme.TEXT_DIM, (r.x + pad + int(6 * s), label_y + int(24 * s)),
                          anchor="midleft", max_width=r.width - 2 * pad)
            if item.value is not None:
                vcolor = theme.ACCENT_2 if selected else theme.TEXT_DIM
                text = f"‹  {item.value}  ›" if selected else item.value
                blit_text(app, surface, text, "semibold", font_px * 0.9, vcolor, (r.right - pad, r.centery),
                          anchor="midright", max_width=int(r.width * value_width))
        if len(self.items) > visible:  # a scroll bar so a long list says it is long
            track = pygame.Rect(rect.right + int(8 * s), rect.y, max(3, int(4 * s)), visible * row_h)
            pygame.draw.rect(surface, theme.PANEL, track, border_radius=2)
            frac = visible / len(self.items)
            thumb = track.copy()
            thumb.height = max(int(20 * s), int(track.height * frac))
            thumb.y = track.y + int((track.height - thumb.height) * self.scroll / max(1, len(self.items) - visible))
            pygame.draw.rect(surface, theme.TEXT_DIM, thumb, border_radius=2)


class TextBox:
    """One line of typed text with a caret (search, Add track)."""

    def __init__(self, text: str = "", placeholder: str = "") -> None:
        self.text = text
        self.placeholder = placeholder

    def key(self, event: pygame.event.Event) -> bool:
        """Editing keys; returns True when the text changed."""
        if event.type != pygame.KEYDOWN:
            return False
        if event.key == pygame.K_BACKSPACE and self.text:
            if event.mod & (pygame.KMOD_CTRL | pygame.KMOD_ALT):
                self.text = self.text.rstrip().rpartition(" ")[0]
            else:
                self.text = self.text[:-1]
            return True
        if event.key == pygame.K_v and event.mod & pygame.KMOD_CTRL:
            try:
                pasted = pygame.scrap.get_text() if hasattr(pygame.scrap, "get_text") else ""
            except pygame.error:
                pasted = ""
            if pasted:
                self.text += pasted.replace("\n", " ").strip()
                return True
        return False

    def type(self, text: str) -> None:
        self.text += text

    def draw(self, app: App, surface: pygame.Surface, rect: pygame.Rect, *, focused: bool = True) -> None:
        s = theme.ui_scale(surface.get_size())
        draw_panel(app, surface, rect, (18, 16, 34), alpha=255, radius=int(10 * s),
                   border=theme.ACCENT if focused else theme.PANEL_HI, border_width=max(1, int(2 * s)))
        pad = int(16 * s)
        px = rect.height * 0.42
        shown = self.text or self.placeholder
        color = theme.TEXT if self.text else theme.TEXT_FAINT
        img = app.text.render(shown, "body", px, color)
        inner = rect.width - 2 * pad
        area = None
        if img.get_width() > inner and self.text:  # show the end of a long line, where the caret is
            area = pygame.Rect(img.get_width() - inner, 0, inner, img.get_height())
        pos = (rect.x + pad, rect.centery - img.get_height() // 2)
        surface.blit(img, pos, area)
        if focused and int(app.now * 2) % 2 == 0:
            caret_x = rect.x + pad + (min(img.get_width(), inner) if self.text else 0) + 2
            pygame.draw.rect(surface, theme.ACCENT, (caret_x, rect.y + rect.height * 0.22, max(2, int(2 * s)),
                                                     rect.height * 0.56))
