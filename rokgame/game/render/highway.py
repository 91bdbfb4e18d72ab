"""The highway: a perspective trapezoid the notes scroll down to the strike line.

Drawing asks the model (osu!'s "drawables ask the model"): the renderer reads the
notes, the judge's judgements and which holds are held, and never changes them.

Geometry is a true perspective: a note ``z`` of the way up the highway (0 at the
strike line, 1 at the far end; z = (t − now) / scroll_time) is drawn at scale
``s = 1 / (1 + k·z)``, so notes speed up as they come closer like in Clone Hero.
Everything expensive is made once per window size: the background with the highway
painted on it (one blit per frame), gem sprites per lane at quantised scales, the
strikers, lane glows and hit bursts.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pygame

from rokgame.core.chart import Note
from rokgame.core.timing import Judgement
from rokgame.game import theme

#: Width of the far end of the highway relative to the strike line.
FAR_SCALE = 0.30
#: How far below the strike line (in z) notes keep being drawn as they pass it.
Z_BELOW = -0.10
SCALE_LEVELS = 48
BURST_FRAMES = 10
BURST_TIME = 0.22


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    height: int
    lanes: int
    cx: float
    hit_y: float
    lane_w: float        # lane width at the strike line
    vanish_y: float
    k: float

    @classmethod
    def for_size(cls, size: tuple[int, int], lanes: int) -> Layout:
        w, h = size
        lane_w = min(w * 0.58 / lanes, h * 0.66 / 5, w * 0.13)
        hit_y = h * 0.855
        top_y = h * 0.035
        k = 1 / FAR_SCALE - 1
        vanish_y = (top_y - hit_y * FAR_SCALE) / (1 - FAR_SCALE)
        return cls(w, h, lanes, w / 2, hit_y, lane_w, vanish_y, k)

    def scale(self, z: float) -> float:
        return 1.0 / (1.0 + self.k * z)

    def y(self, s: float) -> float:
        return self.vanish_y + (self.hit_y - self.vanish_y) * s

    def column_x(self, column: float, s: float) -> float:
        """Centre x of display column ``column`` (0 = leftmost) at scale ``s``."""
        return self.cx + (column - (self.lanes - 1) / 2) * self.lane_w * s

    def half_width(self, s: float) -> float:
        return self.lanes * self.lane_w * s / 2

    @property
    def top_y(self) -> float:
        return self.y(FAR_SCALE)

    @property
    def left(self) -> float:
        return self.cx - self.half_width(1.0)

    @property
    def right(self) -> float:
        return self.cx + self.half_width(1.0)


class HighwayRenderer:
    """Draws the highway for one lane count and palette; rebuilds its sprites when the size changes."""

    def __init__(self, lanes: int, colors: Sequence[theme.Color], *, lefty: bool = False) -> None:
        self.lanes = lanes
        self.colors = tuple(colors)
        self.lefty = lefty
        self.layout: Layout | None = None
        self._size: tuple[int, int] | None = None
        self._gems: dict[tuple[int, int], pygame.Surface] = {}
        self._gem_master: list[pygame.Surface] = []
        self._gem_master_miss: pygame.Surface | None = None
        self._miss_gems: dict[int, pygame.Surface] = {}
        self._blits: list[tuple[pygame.Surface, tuple[int, int]]] = []

    def column(self, lane: int) -> int:
        return self.lanes - 1 - lane if self.lefty else lane

    # -- per-size assets

    def ensure(self, size: tuple[int, int], background: pygame.Surface) -> Layout:
        if self._size == size and self.layout is not None:
            return self.layout
        self._size = size
        layout = Layout.for_size(size, self.lanes)
        self.layout = layout
        self._build(layout, background)
        return layout

    def _build(self, L: Layout, background: pygame.Surface) -> None:
        w, h = L.width, L.height
        base = background.copy()
        # The highway body: a dark trapezoid, lighter towards the player, with lane separators.
        body = pygame.Surface((w, h), pygame.SRCALPHA)
        steps = 48
        for i in range(steps):
            z0, z1 = 1 - i / steps, 1 - (i + 1) / steps
            s0, s1 = L.scale(z0), L.scale(z1)
            shade = theme.mix((14, 12, 30), (34, 30, 62), i / steps)
            pygame.draw.polygon(body, (*shade, 235), [
                (L.cx - L.half_width(s0), L.y(s0)), (L.cx + L.half_width(s0), L.y(s0)),
                (L.cx + L.half_width(s1), L.y(s1) + 1), (L.cx - L.half_width(s1), L.y(s1) + 1)])
        s_bottom = L.scale(Z_BELOW * 1.6)
        pygame.draw.polygon(body, (34, 30, 62, 235), [
            (L.cx - L.half_width(1), L.hit_y), (L.cx + L.half_width(1), L.hit_y),
            (L.cx + L.half_width(s_bottom), L.y(s_bottom)), (L.cx - L.half_width(s_bottom), L.y(s_bottom))])
        base.blit(body, (0, 0))
        s_far = FAR_SCALE
        for col in range(1, self.lanes):
            x0 = L.cx + (col - self.lanes / 2) * L.lane_w * s_far
            x1 = L.cx + (col - self.lanes / 2) * L.lane_w * s_bottom
            pygame.draw.aaline(base, (64, 58, 104), (x0, L.y(s_far)), (x1, L.y(s_bottom)))
        # Side rails in the accent colour.
        for side in (-1, 1):
            x0 = L.cx + side * L.half_width(s_far)
            x1 = L.cx + side * L.half_width(s_bottom)
            rail = max(2, int(L.lane_w * 0.05))
            pygame.draw.line(base, theme.darken(theme.ACCENT, 0.15), (x0, L.y(s_far)), (x1, L.y(s_bottom)), rail)
        # The strike line.
        pygame.draw.line(base, (210, 205, 240), (L.left - 4, L.hit_y), (L.right + 4, L.hit_y),
                         max(2, int(L.lane_w * 0.035)))
        self.background = base.convert() if pygame.display.get_surface() is not None else base
        # Fog over the far end so notes fade in instead of popping up.
        fog_h = max(1, int(L.y(L.scale(0.78)) - L.top_y))
        fog = pygame.Surface((int(L.half_width(L.scale(0.78)) * 2 + 8), fog_h), pygame.SRCALPHA)
        top_color = background.get_at((w // 2, max(0, int(L.top_y))))[:3]
        for y in range(fog_h):
            a = int(255 * (1 - y / fog_h) ** 1.6)
            pygame.draw.line(fog, (*top_color, a), (0, y), (fog.get_width(), y))
        self.fog = fog
        self.fog_pos = (int(L.cx - fog.get_width() / 2), int(L.top_y) - 1)
        self._build_gems(L)
        self._build_strikers(L)
        self._build_glows(L)
        self._build_bursts(L)

    def _gem_size(self, L: Layout, s: float) -> tuple[int, int]:
        gw = max(6, int(L.lane_w * 0.84 * s))
        return gw, max(4, int(gw * 0.40))

    def _build_gems(self, L: Layout) -> None:
        self._gems.clear()
        self._miss_gems.clear()
        master_w = max(16, int(L.lane_w * 0.84 * 1.25 * 2))
        master_h = int(master_w * 0.40)
        self._gem_master = [_gem(master_w, master_h, color) for color in self.colors]
        self._gem_master_miss = _gem(master_w, master_h, (92, 88, 110), dull=True)
        self._s_min, self._s_max = FAR_SCALE * 0.98, L.scale(Z_BELOW) * 1.02

    def _level(self, s: float) -> int:
        f = (s - self._s_min) / (self._s_max - self._s_min)
        return min(SCALE_LEVELS - 1, max(0, int(f * (SCALE_LEVELS - 1) + 0.5)))

    def gem(self, lane: int, s: float, *, missed: bool = False) -> pygame.Surface:
        level = self._level(s)
        if missed:
            sprite = self._miss_gems.get(level)
            if sprite is None:
                sprite = self._scaled(self._gem_master_miss, level)
                self._miss_gems[level] = sprite
            return sprite
        key = (lane, level)
        sprite = self._gems.get(key)
        if sprite is None:
            sprite = self._scaled(self._gem_master[lane], level)
            self._gems[key] = sprite
        return sprite

    def _scaled(self, master: pygame.Surface | None, level: int) -> pygame.Surface:
        assert master is not None and self.layout is not None
        s = self._s_min + (self._s_max - self._s_min) * level / (SCALE_LEVELS - 1)
        return pygame.transform.smoothscale(master, self._gem_size(self.layout, s))

    def _build_strikers(self, L: Layout) -> None:
        self.strikers: list[tuple[pygame.Surface, pygame.Surface]] = []
        gw, gh = self._gem_size(L, 1.0)
        gw, gh = int(gw * 1.04), int(gh * 1.25)
        for color in self.colors:
            up = pygame.Surface((gw, gh), pygame.SRCALPHA)
            rect = up.get_rect()
            pygame.draw.ellipse(up, (*theme.darken(color, 0.55), 255), rect)
            pygame.draw.ellipse(up, (*color, 255), rect, max(2, gh // 7))
            inner = rect.inflate(-gw * 0.45, -gh * 0.45)
            pygame.draw.ellipse(up, (*theme.darken(color, 0.75), 255), inner)
            down = pygame.Surface((gw, gh), pygame.SRCALPHA)
            pygame.draw.ellipse(down, (*theme.lighten(color, 0.35), 255), rect)
            pygame.draw.ellipse(down, (255, 255, 255, 255), rect, max(2, gh // 7))
            pygame.draw.ellipse(down, (*theme.lighten(color, 0.7), 255), inner)
            self.strikers.append((up, down))

    def _build_glows(self, L: Layout) -> None:
        """A column of light over a lane while its key is down."""
        self.glows: list[tuple[pygame.Surface, tuple[int, int]]] = []
        z_top = 0.35
        s_top = L.scale(z_top)
        y_top, y_bot = int(L.y(s_top)), int(L.hit_y)
        height = max(1, y_bot - y_top)
        for lane, color in enumerate(self.colors):
            col = self.column(lane)
            x_left = L.column_x(col - 0.5, 1.0)
            width = int(L.lane_w) + 2
            glow = pygame.Surface((width, height), pygame.SRCALPHA)
            for y in range(height):
                # Row y sits at the scale that maps to that screen y: narrow the column with perspective.
                sy = (y_top + y - L.vanish_y) / (L.hit_y - L.vanish_y)
                half = L.lane_w * sy / 2
                cxl = L.column_x(col, sy) - x_left
                a = int(110 * (y / height) ** 1.8)
                pygame.draw.line(glow, (*color, a), (cxl - half + 1, y), (cxl + half - 1, y))
            self.glows.append((glow, (int(x_left), y_top)))

    def _build_bursts(self, L: Layout) -> None:
        self.bursts: list[list[pygame.Surface]] = []
        gw, _ = self._gem_size(L, 1.0)
        size = int(gw * 1.7)
        for color in self.colors:
            frames = []
            for f in range(BURST_FRAMES):
                p = (f + 1) / BURST_FRAMES
                surf = pygame.Surface((size, size), pygame.SRCALPHA)
                c = size // 2
                radius = int(c * (0.35 + 0.65 * p))
                alpha = int(230 * (1 - p) ** 1.3)
                ring = max(2, int(c * 0.16 * (1 - p)) + 2)
                pygame.draw.circle(surf, (*theme.lighten(color, 0.5), alpha), (c, c), radius, ring)
                pygame.draw.circle(surf, (255, 255, 255, alpha // 2), (c, c), int(radius * 0.55))
                frames.append(pygame.transform.scale(surf, (size, int(size * 0.55))))
            self.bursts.append(frames)

    # -- per frame

    def draw(self, surface: pygame.Surface, *, now: float, scroll_time: float, notes: Sequence[Note],
             times: Sequence[float], judgements: Sequence[Judgement | None], holding: Mapping[int, int],
             dropped: set[int], beats: Sequence[float], held_lanes: set[int],
             hits: Mapping[int, float], max_hold: float) -> None:
        """Draw everything on the highway at (visual) song time ``now``.

        ``holding`` maps lane -> index of the hold being held, ``hits`` lane -> song time
        of its last hit (for the burst), ``times`` are the notes' start times (bisect).
        """
        L = self.layout
        assert L is not None
        surface.blit(self.background, (0, 0))
        k, vy, span, cx, lw = L.k, L.vanish_y, L.hit_y - L.vanish_y, L.cx, L.lane_w
        half_lanes = (self.lanes - 1) / 2
        inv_scroll = 1.0 / scroll_time
        # Beat lines: bars (every 4th beat) brighter.
        if beats:
            lo = bisect.bisect_left(beats, now + Z_BELOW * scroll_time)
            hi = bisect.bisect_right(beats, now + scroll_time)
            for i in range(lo, hi):
                z = (beats[i] - now) * inv_scroll
                s = 1.0 / (1.0 + k * z)
                y = vy + span * s
                hw = self.lanes * lw * s / 2
                bar = i % 4 == 0
                pygame.draw.line(surface, (112, 102, 168) if bar else (58, 53, 96), (cx - hw, y), (cx + hw, y),
                                 2 if bar and s > 0.6 else 1)
        # Lane glows under the notes.
        for lane in held_lanes:
            if 0 <= lane < self.lanes:
                glow, pos = self.glows[lane]
                surface.blit(glow, pos)
        # Notes, back to front so near notes cover far ones.
        lo = bisect.bisect_left(times, now + Z_BELOW * scroll_time - max_hold)
        hi = bisect.bisect_right(times, now + scroll_time)
        blits = self._blits
        blits.clear()
        lefty = self.lefty
        last_lane = self.lanes - 1
        held_indices = set(holding.values())
        for i in range(hi - 1, lo - 1, -1):
            note = notes[i]
            j = judgements[i]
            lane = note.lane
            col = last_lane - lane if lefty else lane
            z_head = (note.t - now) * inv_scroll
            missed = j is Judgement.MISS
            if note.length > 0:
                z_end = (note.t + note.length - now) * inv_scroll
                if z_end < Z_BELOW:
                    continue
                held = i in held_indices
                if j is not None and not missed and not held and i not in dropped:
                    continue  # a finished hold
                z0 = max(z_head, 0.0) if held else max(z_head, Z_BELOW)
                z1 = min(z_end, 1.0)
                if z1 > z0:
                    self._tail(surface, L, col, lane, z0, z1, held=held, dead=missed or i in dropped)
                if held:
                    s = 1.0
                    gem = self.gem(lane, s)
                    blits.append((gem, (int(cx + (col - half_lanes) * lw - gem.get_width() / 2),
                                        int(L.hit_y - gem.get_height() / 2))))
                    continue
                if j is not None and not missed:
                    continue
            elif j is not None and not missed:
                continue  # hit notes vanish into a burst
            if z_head < Z_BELOW or z_head > 1.0:
                continue
            s = 1.0 / (1.0 + k * z_head)
            gem = self.gem(lane, s, missed=missed)
            x = cx + (col - half_lanes) * lw * s
            y = vy + span * s
            blits.append((gem, (int(x - gem.get_width() / 2), int(y - gem.get_height() / 2))))
        # Strikers under the gems at the line, then the gems.
        strikers = []
        for lane in range(self.lanes):
            col = self.column(lane)
            up, down = self.strikers[lane]
            img = down if lane in held_lanes else up
            strikers.append((img, (int(cx + (col - half_lanes) * lw - img.get_width() / 2),
                                   int(L.hit_y - img.get_height() / 2))))
        surface.fblits(strikers)
        surface.fblits(blits)
        # Hit bursts.
        for lane, t_hit in hits.items():
            age = now - t_hit
            if 0 <= age < BURST_TIME and 0 <= lane < self.lanes:
                frame = self.bursts[lane][min(BURST_FRAMES - 1, int(age / BURST_TIME * BURST_FRAMES))]
                col = self.column(lane)
                surface.blit(frame, (int(cx + (col - half_lanes) * lw - frame.get_width() / 2),
                                     int(L.hit_y - frame.get_height() / 2)))
        surface.blit(self.fog, self.fog_pos)

    def _tail(self, surface: pygame.Surface, L: Layout, col: int, lane: int, z0: float, z1: float, *,
              held: bool, dead: bool) -> None:
        s0, s1 = L.scale(z0), L.scale(z1)
        y0, y1 = L.y(s0), L.y(s1)
        x0, x1 = L.column_x(col, s0), L.column_x(col, s1)
        width = L.lane_w * (0.30 if held else 0.22)
        color = self.colors[lane]
        if dead:
            fill = (70, 66, 88)
        elif held:
            fill = theme.lighten(color, 0.35)
        else:
            fill = theme.darken(color, 0.15)
        if held:  # a soft halo: a wider, darker band under the bright core
            hw0, hw1 = width * 0.9 * s0, width * 0.9 * s1
            pygame.draw.polygon(surface, theme.darken(color, 0.35),
                                [(x0 - hw0, y0), (x0 + hw0, y0), (x1 + hw1, y1), (x1 - hw1, y1)])
        hw0, hw1 = width * s0 / 2, width * s1 / 2
        pygame.draw.polygon(surface, fill, [(x0 - hw0, y0), (x0 + hw0, y0), (x1 + hw1, y1), (x1 - hw1, y1)])
        if held:
            flicker = 0.5 + 0.5 * math.sin(y0 * 0.7 + pygame.time.get_ticks() * 0.03)
            pygame.draw.line(surface, theme.lighten(color, 0.6 + 0.3 * flicker), (x0, y0), (x1, y1),
                             max(1, int(hw0 * 0.5)))


def _gem(w: int, h: int, color: theme.Color, *, dull: bool = False) -> pygame.Surface:
    """One note: a glossy lozenge with a dark rim, a bright top band and a white core."""
    surf = pygame.Surface((w, h), pygame.SRCALPHA)
    rect = surf.get_rect()
    pygame.draw.ellipse(surf, (*theme.darken(color, 0.6), 255), rect)
    body = rect.inflate(-max(2, w // 22) * 2, -max(2, h // 9) * 2)
    pygame.draw.ellipse(surf, (*color, 255), body)
    if not dull:
        top = pygame.Rect(body.x + body.width * 0.12, body.y + body.height * 0.08, body.width * 0.76,
                          body.height * 0.42)
        pygame.draw.ellipse(surf, (*theme.lighten(color, 0.45), 255), top)
    core = pygame.Rect(0, 0, int(w * 0.30), int(h * 0.44))
    core.center = rect.center
    pygame.draw.ellipse(surf, (*theme.darken(color, 0.5), 255), core)
    pygame.draw.ellipse(surf, (235, 235, 245, 255) if not dull else (150, 146, 165, 255),
                        core.inflate(-core.width * 0.35, -core.height * 0.35))
    return surf
