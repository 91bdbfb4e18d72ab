"""Results: score, stars, accuracy, judgements, early/late, hit-error histogram, new best, offset advice.

When ghost taps break the combo (a setting), the score card also counts them ("Overstrums" in strum mode).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from rokgame.game import theme
from rokgame.game.input import Action
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene

if TYPE_CHECKING:
    from rokgame.game.scenes.gameplay import GameplayScene

#: Offer to apply the mean hit error as audio offset only when it is clear: enough hits, far enough off.
OFFER_MIN_HITS = 12
OFFER_MIN_MS = 4.0


def suggested_audio_offset(current_ms: float, mean_error_ms: float) -> float:
    """Hitting ``mean_error_ms`` late on average means the music reaches the player that much later."""
    return round(current_ms + mean_error_ms, 1)


class ResultsScene(Scene):
    name = "results"

    def __init__(self, app: Any, gameplay: GameplayScene, report: dict[str, Any], *, new_best: bool = False) -> None:
        super().__init__(app)
        self.gameplay = gameplay
        self.report = report
        self.new_best = new_best
        self.histogram = gameplay.session.score.histogram(10)
        self.entered_at = app.now
        mean = report.get("mean_offset_ms")
        hits = sum(report["judgements"][k] for k in ("perfect", "great", "good"))
        self.offer = mean is not None and hits >= OFFER_MIN_HITS and abs(mean) >= OFFER_MIN_MS
        self.applied = False
        items = [widgets.MenuItem("Continue", "continue"), widgets.MenuItem("Retry", "retry")]
        if self.offer:
            new = suggested_audio_offset(app.settings.audio_offset_ms, mean)
            items.append(widgets.MenuItem(f"Apply audio offset {new:+.0f} ms", "offset",
                                          detail=f"you hit {abs(mean):.0f} ms {'late' if mean > 0 else 'early'} "
                                                 "on average"))
        self.menu = widgets.MenuList(items)

    def handle(self, action: Action) -> None:
        what = self.menu.handle(action)
        if what == "back":
            self.choose("continue")
        elif what == "confirm" and self.menu.selected is not None:
            self.choose(self.menu.selected.key)

    def choose(self, key: str) -> None:
        if key == "continue":
            self.gameplay.quit_to_menu()
        elif key == "retry":
            from rokgame.game.scenes.flow import restart_play

            restart_play(self.app, self.gameplay)
        elif key == "offset" and not self.applied:
            mean = self.report["mean_offset_ms"]
            new = suggested_audio_offset(self.app.settings.audio_offset_ms, mean)
            self.app.settings.audio_offset_ms = new
            self.app.save_settings()
            self.applied = True
            item = self.menu.selected
            if item is not None:
                item.label = f"Audio offset set to {new:+.0f} ms"
                item.enabled = False
                self.menu.move(-1)
            self.app.notify(f"Audio offset is now {new:+.0f} ms", 3.0)

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        r = self.report
        chart = self.gameplay.chart
        y = widgets.draw_title(app, surface, "Results",
                               f"{chart.song.title} — {chart.song.artist or 'unknown artist'} · "
                               f"{self.gameplay.difficulty.title()}")
        margin = int(56 * s)
        col_w = (w - 3 * margin) // 2
        left = pygame.Rect(margin, y, col_w, h - y - int(70 * s))
        right = pygame.Rect(margin * 2 + col_w, y, col_w, left.height)
        # Left: the score card.
        widgets.draw_panel(app, surface, left, theme.PANEL, alpha=220, radius=int(16 * s))
        pad = int(28 * s)
        cx = left.centerx
        top = left.y + pad
        if self.new_best:
            banner = widgets.blit_text(app, surface, "NEW BEST!", "display", 24 * s, theme.ACCENT,
                                       (cx, top), anchor="midtop")
            top = banner.bottom + int(4 * s)
        score = widgets.blit_text(app, surface, theme.format_score(r["score"]), "display", 72 * s, theme.TEXT,
                                  (cx, top), anchor="midtop")
        widgets.draw_stars(surface, (cx, score.bottom + int(26 * s)), r["stars"], 17 * s)
        status = None
        if r.get("failed"):
            status = ("FAILED — the rock meter emptied", theme.BAD)
        elif r.get("no_fail") and r.get("health_emptied"):
            status = ("No fail was on: the rock meter emptied", theme.WARN)
        elif r.get("no_fail"):
            status = ("No fail was on", theme.TEXT_DIM)
        sy = score.bottom + int(52 * s)
        if status:
            widgets.blit_text(app, surface, status[0], "semibold", 16 * s, status[1], (cx, sy), anchor="midtop")
        sy += int(30 * s)
        stats = [("Accuracy", f"{r['accuracy'] * 100:.2f}%"), ("Max combo", f"{r['max_combo']} / {r['notes']}")]
        mean = r.get("mean_offset_ms")
        stats.append(("Mean hit error", "—" if mean is None else f"{mean:+.1f} ms"))
        stats.append(("Early / late", f"{r.get('early', 0)} / {r.get('late', 0)}"))
        if r.get("ghost_taps") == "break":  # only counted when they cost the combo
            label = "Overstrums" if app.settings.strum_mode else "Ghost taps"
            stats.append((label, str(r.get("ghost_tap_count", 0))))
        row_h = int(34 * s)
        for i, (label, value) in enumerate(stats):
            ry = sy + i * row_h
            widgets.blit_text(app, surface, label, "body", 19 * s, theme.TEXT_DIM, (left.x + pad, ry))
            widgets.blit_text(app, surface, value, "bold", 19 * s, theme.TEXT, (left.right - pad, ry),
                              anchor="topright")
        menu_top = sy + len(stats) * row_h + int(14 * s)
        menu_rect = pygame.Rect(left.x + pad // 2, menu_top, left.width - pad, left.bottom - menu_top - pad // 2)
        self.menu.draw(app, surface, menu_rect, row_height=int(min(56 * s, max(30 * s, menu_rect.height / 3))),
                       font_px=20 * s)
        # Right: judgements and the histogram.
        widgets.draw_panel(app, surface, right, theme.PANEL, alpha=220, radius=int(16 * s))
        jy = right.y + pad
        counts = r["judgements"]
        total = max(1, r["notes"])
        bar_w = right.width - 2 * pad
        for name in ("perfect", "great", "good", "miss"):
            color = theme.JUDGEMENT_COLORS[name]
            widgets.blit_text(app, surface, name.upper(), "bold", 17 * s, color, (right.x + pad, jy))
            widgets.blit_text(app, surface, str(counts[name]), "bold", 17 * s, theme.TEXT, (right.right - pad, jy),
                              anchor="topright")
            bar = pygame.Rect(right.x + pad, jy + int(25 * s), bar_w, max(4, int(7 * s)))
            widgets.draw_bar(surface, bar, counts[name] / total, color)
            jy = bar.bottom + int(14 * s)
        hy = jy + int(10 * s)
        widgets.blit_text(app, surface, "HIT ERROR (ms)", "bold", 14 * s, theme.TEXT_DIM, (right.x + pad, hy))
        graph = pygame.Rect(right.x + pad, hy + int(26 * s), bar_w, right.bottom - hy - int(60 * s))
        self._histogram(surface, graph, s)
        widgets.draw_hints(app, surface, [("↑↓", "Choose"), ("Enter / A", "Select"), ("Esc / B", "Song list")])

    def _histogram(self, surface: pygame.Surface, rect: pygame.Rect, s: float) -> None:
        app = self.app
        if rect.height < 20 or not self.histogram:
            return
        peak = max(1, max(n for _, n in self.histogram))
        n_bins = len(self.histogram)
        bw = rect.width / n_bins
        windows = self.gameplay.session.windows
        for i, (centre, count) in enumerate(self.histogram):
            err = abs(centre) / 1000
            color = theme.JUDGEMENT_COLORS["perfect" if err <= windows.perfect else
                                           "great" if err <= windows.great else "good"]
            bh = int((rect.height - 4) * count / peak)
            bar = pygame.Rect(int(rect.x + i * bw + 1), rect.bottom - bh, max(1, int(bw) - 2), bh)
            if bh:
                pygame.draw.rect(surface, color, bar, border_top_left_radius=2, border_top_right_radius=2)
        pygame.draw.line(surface, theme.TEXT_DIM, (rect.x, rect.bottom), (rect.right, rect.bottom))
        mid = rect.x + rect.width / 2
        pygame.draw.line(surface, theme.TEXT_DIM, (mid, rect.y), (mid, rect.bottom), 1)
        first, last = self.histogram[0][0], self.histogram[-1][0]
        for value, x, anchor in ((first, rect.x, "topleft"), (0, mid, "midtop"), (last, rect.right, "topright")):
            widgets.blit_text(app, surface, f"{value:+d}" if value else "0", "body", 13 * s, theme.TEXT_FAINT,
                              (x, rect.bottom + int(4 * s)), anchor=anchor)
        widgets.blit_text(app, surface, "early", "body", 13 * s, theme.TEXT_FAINT, (rect.x, rect.y), anchor="topleft")
        widgets.blit_text(app, surface, "late", "body", 13 * s, theme.TEXT_FAINT, (rect.right, rect.y),
                          anchor="topright")
