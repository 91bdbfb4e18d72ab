"""Calibration: measure the audio offset by tapping to a click track, then line up the visual offset.

Audio: a 120 BPM click track is synthesised into one sound and played once, so the
clicks are sample-exact relative to its start. The player taps along; each tap's
error to the nearest click is kept, and the median becomes the audio offset (shown
with its spread; a spread over :data:`MAX_SPREAD_MS` asks for a retry).

Visual: a marker drops onto a line and flashes at every click; ←/→ move the visual
offset until flash and click coincide.
"""

from __future__ import annotations

import array
import math
import statistics
import time
from typing import Any

import pygame

from rokgame.game import theme
from rokgame.game.input import Action, LaneAction, Nav, NavAction
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene

BPM = 120.0
BEAT = 60.0 / BPM
LEAD = 1.0            # silence before the first click
COUNT_IN = 4          # clicks before taps count
TAP_BEATS = 20        # clicks to tap along to
MIN_TAPS = 16
MAX_SPREAD_MS = 40.0
PLOT_MS = 150.0       # the tap plot's narrowest half width; it widens (in 50 ms steps) to show every tap
RATE = 44100


def click_track(beats: int, *, lead: float = LEAD, beat: float = BEAT, rate: int = RATE) -> bytes:
    """16-bit stereo PCM: a short click every ``beat`` seconds after ``lead`` (accent every 4th)."""
    n = int((lead + beats * beat + 0.5) * rate)
    pcm = array.array("h", bytes(4 * n))
    click_len = int(0.03 * rate)
    for k in range(beats):
        accent = k % 4 == 0
        freq, amp = (2000.0, 0.8) if accent else (1400.0, 0.55)
        start = round((lead + k * beat) * rate)
        for i in range(min(click_len, n - start)):
            v = int(32767 * amp * math.exp(-i / (0.006 * rate)) * math.sin(2 * math.pi * freq * i / rate))
            pcm[2 * (start + i)] = v
            pcm[2 * (start + i) + 1] = v
    return pcm.tobytes()


def tap_errors(taps: list[float], *, lead: float = LEAD, beat: float = BEAT, first: int = COUNT_IN,
               last: int = COUNT_IN + TAP_BEATS) -> list[float]:
    """Each tap's error (s, + = late) to the nearest click it was meant for; count-in taps are ignored."""
    errors = []
    for t in taps:
        k = round((t - lead) / beat)
        if first <= k < last:
            errors.append(t - (lead + k * beat))
    return errors


def plot_half_width(errors_ms: list[float], median_ms: float, spread_ms: float) -> float:
    """The tap plot's half width (ms): at least :data:`PLOT_MS`, widened in 50 ms steps until every tap,
    the median and its spread fit (a +183 ms result was a pile of dots at a ±150 ms edge)."""
    far = max([abs(e) for e in errors_ms] + [abs(median_ms) + spread_ms, 0.0])
    return max(PLOT_MS, math.ceil(far / 50.0) * 50.0)


def summarise(errors: list[float]) -> tuple[float, float]:
    """(median, spread) in ms; spread is the standard deviation."""
    ms = [e * 1000 for e in errors]
    return statistics.median(ms), (statistics.stdev(ms) if len(ms) > 1 else 0.0)


class CalibrationScene(Scene):
    name = "calibration"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.state = "intro"          # intro -> audio -> audio_result -> visual
        self.taps: list[float] = []
        self.t0: float | None = None   # perf_counter when the click track started
        self.sound: Any = None
        self.median_ms = 0.0
        self.spread_ms = 0.0
        self.visual_ms = app.settings.visual_offset_ms
        self.flash_at = -1.0
        self.has_sound = bool(getattr(app.audio, "available", False))

    def input_time(self) -> float:
        return self.clock()

    def clock(self) -> float:
        return 0.0 if self.t0 is None else time.perf_counter() - self.t0

    # -- phases

    def start_audio(self) -> None:
        self.taps.clear()
        self.state = "audio"
        self.t0 = time.perf_counter()
        if self.has_sound:
            try:
                self.sound = pygame.mixer.Sound(buffer=click_track(COUNT_IN + TAP_BEATS))
                self.sound.play()
                self.t0 = time.perf_counter()
            except pygame.error:
                self.has_sound = False

    def finish_audio(self) -> None:
        errors = tap_errors(self.taps)
        if len(errors) < MIN_TAPS:
            self.state = "audio_result"
            self.median_ms, self.spread_ms = (summarise(errors) if len(errors) > 1 else (0.0, 999.0))
            self.too_few = True
            return
        self.too_few = False
        self.median_ms, self.spread_ms = summarise(errors)
        self.state = "audio_result"

    @property
    def acceptable(self) -> bool:
        return not getattr(self, "too_few", True) and self.spread_ms <= MAX_SPREAD_MS

    def start_visual(self) -> None:
        self.state = "visual"
        self.t0 = time.perf_counter()
        if self.has_sound:
            try:
                self.sound = pygame.mixer.Sound(buffer=click_track(400))
                self.sound.play()
                self.t0 = time.perf_counter()
            except pygame.error:
                pass

    def exit(self) -> None:
        if self.sound is not None:
            self.sound.stop()

    # -- input

    def handle(self, action: Action) -> None:
        back = isinstance(action, NavAction) and action.nav is Nav.BACK and not action.repeat
        confirm = isinstance(action, NavAction) and action.nav is Nav.CONFIRM and not action.repeat
        if back:
            self.app.save_settings()
            self.app.pop()
            return
        if self.state == "intro":
            if confirm:
                self.start_audio()
            elif isinstance(action, NavAction) and action.nav is Nav.RIGHT:
                self.start_visual()
        elif self.state == "audio":
            if isinstance(action, LaneAction) and action.down:
                self.taps.append(action.t)
                self.flash_at = self.app.now
            elif confirm and action.control == "key:return":
                self.taps.append(self.clock())
                self.flash_at = self.app.now
        elif self.state == "audio_result":
            if confirm:
                if self.acceptable:
                    self.app.settings.audio_offset_ms = round(self.median_ms, 1)
                    self.app.save_settings()
                    self.app.notify(f"Audio offset set to {self.median_ms:+.0f} ms", 3.0)
                    self.start_visual()
                else:
                    self.start_audio()
            elif isinstance(action, NavAction) and action.nav is Nav.LEFT:
                self.start_audio()
            elif isinstance(action, NavAction) and action.nav is Nav.RIGHT:
                self.start_visual()
        elif self.state == "visual":
            if isinstance(action, NavAction) and action.nav in (Nav.LEFT, Nav.RIGHT):
                step = 5 if action.repeat else 1
                self.visual_ms += step if action.nav is Nav.RIGHT else -step
            elif isinstance(action, NavAction) and action.nav in (Nav.UP, Nav.DOWN):
                self.visual_ms += 10 if action.nav is Nav.UP else -10
            elif confirm:
                self.app.settings.visual_offset_ms = round(self.visual_ms, 1)
                self.app.save_settings()
                self.app.notify(f"Visual offset set to {self.visual_ms:+.0f} ms", 3.0)
                self.app.pop()

    def update(self, dt: float) -> None:
        if self.state == "audio" and self.clock() > LEAD + (COUNT_IN + TAP_BEATS) * BEAT + 0.4:
            self.finish_audio()

    # -- drawing

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        y = widgets.draw_title(app, surface, "Calibration", "Audio offset first, then visual offset.")
        box = pygame.Rect(0, 0, int(min(w - 112 * s, 900 * s)), int(h - y - 90 * s))
        box.midtop = (w // 2, y)
        widgets.draw_panel(app, surface, box, theme.PANEL, alpha=225, radius=int(18 * s))
        pad = int(32 * s)
        x = box.x + pad
        ty = box.y + pad

        def line(text: str, px: float = 20, color: theme.Color = theme.TEXT_DIM, role: str = "semibold") -> None:
            nonlocal ty
            # Wrapped, never cut: the intro's sentences were cut off at the panel's edge.
            for part in widgets.wrap_text(app, text, role, px * s, box.width - 2 * pad):
                r = widgets.blit_text(app, surface, part, role, px * s, color, (x, ty))
                ty = r.bottom + int(2 * s)
            ty += int(8 * s)

        if self.state == "intro":
            line("1 · Audio offset", 28, theme.TEXT, "heading")
            line(f"A click plays {COUNT_IN} times to count you in, then {TAP_BEATS} more times at 120 BPM.")
            line("Tap any lane key (or Space, or A on a controller) exactly with each click you hear.")
            line("The median of your taps becomes the audio offset.")
            if not self.has_sound:
                line("No sound device: the audio test needs sound. You can still do the visual test.", 18, theme.WARN)
            ty += int(16 * s)
            line("2 · Visual offset", 28, theme.TEXT, "heading")
            line("A marker drops onto a line and flashes with each click: move it with ←/→ until they coincide.")
            widgets.draw_hints(app, surface, [("Enter / A", "Start"), ("→", "Skip to visual"), ("Esc / B", "Back")])
        elif self.state == "audio":
            t = self.clock()
            k = (t - LEAD) / BEAT
            counted = len(tap_errors(self.taps))
            if k < COUNT_IN:
                line(f"Get ready… {max(1, COUNT_IN - int(max(0.0, k)))}", 34, theme.TEXT, "heading")
            else:
                line(f"Tap with the clicks · {counted} / {TAP_BEATS}", 34, theme.TEXT, "heading")
            # A pulse on every click so the beat is visible too.
            phase = (k % 1.0) if k >= 0 else 1.0
            r = int(60 * s * (1.0 + 0.35 * max(0.0, 1 - phase * 4)))
            center = (box.centerx, box.centery + int(20 * s))
            pygame.draw.circle(surface, theme.PANEL_HI, center, int(60 * s))
            pygame.draw.circle(surface, theme.ACCENT, center, r, max(2, int(5 * s)))
            if self.app.now - self.flash_at < 0.12:
                pygame.draw.circle(surface, theme.ACCENT_2, center, int(40 * s))
            widgets.draw_hints(app, surface, [("Lane keys / Space / A", "Tap"), ("Esc / B", "Stop")])
        elif self.state == "audio_result":
            line("Audio offset", 28, theme.TEXT, "heading")
            if getattr(self, "too_few", False):
                counted = len(tap_errors(self.taps))
                line(f"Only {counted} tap{'' if counted == 1 else 's'} counted; at least {MIN_TAPS} are needed.", 22,
                     theme.WARN)
                widgets.draw_hints(app, surface, [("Enter / A", "Try again"), ("→", "Visual test"),
                                                  ("Esc / B", "Back")])
                return
            line(f"Median {self.median_ms:+.0f} ms   ·   spread ±{self.spread_ms:.0f} ms", 30, theme.TEXT, "display")
            if abs(self.median_ms) >= 1:
                when = "after" if self.median_ms > 0 else "before"
                line(f"Your taps came {abs(self.median_ms):.0f} ms {when} the clicks (median): rokgame will "
                     "expect your presses that much " + ("later." if self.median_ms > 0 else "earlier."), 17)
            if self.acceptable:
                line("Consistent taps. Enter saves this as your audio offset.", 20, theme.GOOD)
                hints = [("Enter / A", "Save and go on"), ("←", "Retry"), ("→", "Skip"), ("Esc / B", "Back")]
            else:
                line(f"Your taps are spread by more than {MAX_SPREAD_MS:.0f} ms: try again, following the click.",
                     20, theme.WARN)
                hints = [("Enter / A", "Try again"), ("→", "Visual test"), ("Esc / B", "Back")]
            plot = pygame.Rect(x, ty + int(14 * s), box.width - 2 * pad, box.bottom - pad - ty - int(14 * s))
            if plot.height > 80 * s:
                self._draw_taps(surface, plot, s)
            widgets.draw_hints(app, surface, hints)
        else:
            line("Visual offset", 28, theme.TEXT, "heading")
            line("Move the offset until the flash and the click happen together.")
            line(f"{self.visual_ms:+.0f} ms", 40, theme.TEXT, "display")
            self._draw_marker(surface, box, s)
            widgets.draw_hints(app, surface, [("←→", "±1 ms"), ("↑↓", "±10 ms"), ("Enter / A", "Save"),
                                              ("Esc / B", "Back")])

    def _draw_taps(self, surface: pygame.Surface, rect: pygame.Rect, s: float) -> None:
        """Every counted tap as a dot on a ±PLOT_MS axis, in the order tapped (top to bottom), with the
        median and the spread: the player sees whether they drifted, or one stray tap pulled the spread."""
        app = self.app
        errors = [e * 1000 for e in tap_errors(self.taps)]
        label_h = int(26 * s)
        area = pygame.Rect(rect.x, rect.y, rect.width, rect.height - label_h)
        widgets.draw_panel(app, surface, area, theme.BG_BOTTOM, alpha=150, radius=int(10 * s))

        half = plot_half_width(errors, self.median_ms, self.spread_ms)

        def x_of(ms: float) -> int:
            return int(area.centerx + max(-1.0, min(1.0, ms / half)) * (area.width / 2 - 14 * s))

        band = pygame.Rect(0, area.y, max(2, x_of(self.median_ms + self.spread_ms)
                                          - x_of(self.median_ms - self.spread_ms)), area.height)
        band.centerx = x_of(self.median_ms)
        shade = pygame.Surface(band.size, pygame.SRCALPHA)
        shade.fill((*theme.ACCENT_2, 40))
        surface.blit(shade, band.topleft)
        for ms in range(-int(half) + 50, int(half), 50):
            if ms == 0:
                continue
            pygame.draw.line(surface, theme.PANEL_HI, (x_of(ms), area.y + 6 * s), (x_of(ms), area.bottom - 6 * s))
        pygame.draw.line(surface, theme.TEXT_FAINT, (area.centerx, area.y), (area.centerx, area.bottom),
                         max(1, int(2 * s)))
        pygame.draw.line(surface, theme.ACCENT, (x_of(self.median_ms), area.y), (x_of(self.median_ms), area.bottom),
                         max(2, int(3 * s)))
        step = (area.height - 20 * s) / max(1, len(errors) - 1)
        for i, ms in enumerate(errors):
            color = theme.TEXT if abs(ms - self.median_ms) <= self.spread_ms else theme.WARN
            pygame.draw.circle(surface, color, (x_of(ms), int(area.y + 10 * s + i * step)), max(3, int(5 * s)))
        below = area.bottom + int(6 * s)
        for text, pos, anchor in ((f"early −{half:.0f} ms", area.x, "topleft"),
                                  ("on the click", area.centerx, "midtop"),
                                  (f"late +{half:.0f} ms", area.right, "topright")):
            widgets.blit_text(app, surface, text, "body", 14 * s, theme.TEXT_FAINT, (pos, below), anchor=anchor)

    def _draw_marker(self, surface: pygame.Surface, box: pygame.Rect, s: float) -> None:
        audio = self.app.settings.audio_offset_ms / 1000
        t = self.clock() - audio - self.visual_ms / 1000  # draw at song time − visual offset
        k = (t - LEAD) / BEAT
        phase = k % 1.0
        line_y = box.bottom - int(70 * s)
        top_y = box.y + int(250 * s)
        cx = box.centerx
        y = top_y + (line_y - top_y) * phase
        pygame.draw.line(surface, theme.TEXT, (cx - int(160 * s), line_y), (cx + int(160 * s), line_y),
                         max(2, int(4 * s)))
        # The marker reaches the line exactly on the beat, then the line flashes and it starts again at the top.
        flash = phase < 0.08 and k >= 0
        pygame.draw.circle(surface, theme.ACCENT, (cx, int(y)), int(18 * s))
        if flash:
            pygame.draw.circle(surface, theme.ACCENT_2, (cx, line_y), int(28 * s))
            pygame.draw.line(surface, theme.ACCENT_2, (cx - int(160 * s), line_y), (cx + int(160 * s), line_y),
                             max(4, int(10 * s)))
