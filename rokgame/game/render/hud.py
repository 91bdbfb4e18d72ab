"""The gameplay HUD: score, multiplier, combo, accuracy, rock meter, progress, judgement pop-ups.

Reads the score processor (never changes it). Layout hangs off the highway's edges,
so it follows the window size and the lane count. Nothing is drawn over the highway
while notes come down it: the judgement pop-up sits beside the strike line, at the
foot of the score column (like Clone Hero and YARG keep their counters off the notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pygame

from rokgame.game import theme
from rokgame.game.render.highway import Layout

if TYPE_CHECKING:
    from rokgame.game.app import App

MULTIPLIER_COLORS = {1: (200, 200, 220), 2: (250, 210, 60), 3: (90, 220, 120), 4: (190, 110, 255)}
POPUP_TIME = 0.5


@dataclass
class Popup:
    judgement: str          # "perfect" | "great" | "good" | "miss"
    timing: str | None      # "EARLY" | "LATE" | None
    at: float               # wall time (app.now) it appeared


@dataclass
class HudInfo:
    title: str
    artist: str
    difficulty: str
    progress: float
    scroll_time: float
    no_fail: bool
    silent: bool


def draw_hud(app: App, surface: pygame.Surface, L: Layout, score: Any, info: HudInfo, popup: Popup | None,
             *, failed: bool) -> None:
    w, h = surface.get_size()
    s = theme.ui_scale((w, h))
    text = app.text
    # Song progress along the very top.
    bar_h = max(3, int(5 * s))
    pygame.draw.rect(surface, (30, 28, 52), (0, 0, w, bar_h))
    pygame.draw.rect(surface, theme.ACCENT, (0, 0, int(w * max(0.0, min(1.0, info.progress))), bar_h))
    # Title block, top left.
    x = int(28 * s)
    y = bar_h + int(16 * s)
    max_w = int(max(60, L.left - x - 24 * s))
    title = text.fit(info.title, "heading", 26 * s, max_w)
    surface.blit(title, (x, y))
    sub = f"{info.artist} · {info.difficulty.title()}" if info.artist else info.difficulty.title()
    surface.blit(text.fit(sub, "body", 16 * s, max_w, theme.TEXT_DIM), (x, y + title.get_height() + int(2 * s)))
    tags = []
    if info.no_fail:
        tags.append("NO FAIL")
    if info.silent:
        tags.append("SILENT")
    ty = y + title.get_height() + int(28 * s)
    for tag in tags:
        img = text.render(tag, "bold", 12 * s, theme.WARN)
        surface.blit(img, (x, ty))
        ty += img.get_height() + int(4 * s)

    # Left of the highway: score, multiplier, combo, and the judgement pop-up level with the strike line.
    right_edge = int(L.left - 34 * s)
    base_y = int(L.hit_y - 262 * s)
    label = text.render("SCORE", "bold", 14 * s, theme.TEXT_DIM)
    surface.blit(label, label.get_rect(topright=(right_edge, base_y)))
    number = text.render(theme.format_score(score.display_score), "display", 44 * s, theme.TEXT)
    surface.blit(number, number.get_rect(topright=(right_edge, base_y + label.get_height())))
    mult = score.multiplier
    color = MULTIPLIER_COLORS.get(mult, theme.TEXT)
    radius = int(30 * s)
    center = (right_edge - radius, base_y + label.get_height() + number.get_height() + radius + int(12 * s))
    pygame.draw.circle(surface, theme.darken(color, 0.7), center, radius)
    pygame.draw.circle(surface, color, center, radius, max(2, int(3 * s)))
    # The ring fills towards the next multiplier (10 hits each).
    if mult < 4 and score.combo:
        import math
        frac = (score.combo % 10) / 10
        rect = pygame.Rect(0, 0, radius * 2 + int(10 * s), radius * 2 + int(10 * s))
        rect.center = center
        pygame.draw.arc(surface, color, rect, math.pi / 2 - frac * 2 * math.pi, math.pi / 2, max(2, int(4 * s)))
    m_img = text.render(f"×{mult}", "display", 30 * s, color)
    surface.blit(m_img, m_img.get_rect(center=(center[0], center[1] + int(2 * s))))
    combo_img = text.render(str(score.combo), "display", 34 * s, theme.TEXT if score.combo else theme.TEXT_FAINT)
    cy = center[1] + radius + int(14 * s)
    surface.blit(combo_img, combo_img.get_rect(topright=(right_edge, cy)))
    c_label = text.render("COMBO", "bold", 13 * s, theme.TEXT_DIM)
    surface.blit(c_label, c_label.get_rect(topright=(right_edge, cy + combo_img.get_height())))

    # Right of the highway: accuracy and the rock meter.
    left_edge = int(L.right + 34 * s)
    acc_label = text.render("ACCURACY", "bold", 14 * s, theme.TEXT_DIM)
    surface.blit(acc_label, (left_edge, base_y))
    acc = text.render(f"{score.accuracy * 100:.2f}%", "display", 34 * s, theme.TEXT)
    surface.blit(acc, (left_edge, base_y + acc_label.get_height()))
    meter_top = base_y + acc_label.get_height() + acc.get_height() + int(18 * s)
    meter = pygame.Rect(left_edge, meter_top, int(18 * s), int(L.hit_y - meter_top))
    _rock_meter(surface, meter, score.health, s)
    r_label = text.render("ROCK", "bold", 13 * s, theme.TEXT_DIM)
    surface.blit(r_label, (meter.right + int(10 * s), meter.bottom - r_label.get_height()))

    # Judgement pop-up beside the strike line, never over the notes coming down.
    if popup is not None and not failed:
        age = app.now - popup.at
        if 0 <= age < POPUP_TIME:
            fade = 1 - max(0.0, (age - POPUP_TIME * 0.5) / (POPUP_TIME * 0.5))
            grow = 1 + 0.18 * max(0.0, 1 - age / 0.08)
            color = theme.JUDGEMENT_COLORS[popup.judgement]
            img = text.render(popup.judgement.upper(), "display", 38 * s * grow, color)
            py = int(L.hit_y)
            img.set_alpha(int(255 * fade))
            surface.blit(img, img.get_rect(midright=(right_edge, py)))
            img.set_alpha(None)
            if popup.timing:
                tcolor = (120, 190, 255) if popup.timing == "EARLY" else (255, 150, 110)
                t_img = text.render(popup.timing, "bold", 16 * s, tcolor)
                t_img.set_alpha(int(255 * fade))
                surface.blit(t_img, t_img.get_rect(topright=(right_edge, py + int(23 * s))))
                t_img.set_alpha(None)

    if failed:
        img = text.render("FAILED", "display", 72 * s, theme.BAD)
        surface.blit(img, img.get_rect(center=(w // 2, h // 2)))


def _rock_meter(surface: pygame.Surface, rect: pygame.Rect, health: float, s: float) -> None:
    pygame.draw.rect(surface, (26, 24, 46), rect, border_radius=rect.width // 2)
    inner = rect.inflate(-max(4, int(6 * s)), -max(4, int(6 * s)))
    fill_h = int(inner.height * max(0.0, min(1.0, health)))
    if health > 0.66:
        color = theme.GOOD
    elif health > 0.33:
        color = theme.WARN
    else:
        color = theme.BAD
    if fill_h > 0:
        pygame.draw.rect(surface, color, (inner.x, inner.bottom - fill_h, inner.width, fill_h),
                         border_radius=inner.width // 2)
    for frac in (1 / 3, 2 / 3):
        y = inner.bottom - int(inner.height * frac)
        pygame.draw.line(surface, (10, 10, 20), (inner.x, y), (inner.right - 1, y), max(1, int(2 * s)))
