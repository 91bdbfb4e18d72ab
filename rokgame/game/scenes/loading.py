"""Loading: a progress bar with the stage name and Cancel, while a worker fetches and charts a track."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pygame

from rokgame.core.chart import DIFFICULTY_NAMES, Chart
from rokgame.game import theme
from rokgame.game.input import Action, Nav, NavAction
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene
from rokgame.game.workers import WORKER_EVENT, Job, Worker


class LoadingScene(Scene):
    name = "loading"

    def __init__(self, app: Any, title: str, job: Job | None, *, on_done: Callable[[Any], None] | None = None,
                 start: bool = True) -> None:
        super().__init__(app)
        self.title = title
        self.on_done = on_done
        self.fraction = 0.0
        self.shown_fraction = 0.0
        self.stage = "Starting"
        self.error: str | None = None
        self.cancelling = False
        self.choices: widgets.MenuList | None = None
        #: Once the track is ready: its difficulties to pick from, and what playing one does.
        self.levels: widgets.MenuList | None = None
        self.on_level: Callable[[str], None] | None = None
        self.ready_note: str | None = None
        self.worker = Worker(job, name="prepare") if job is not None else None
        if self.worker is not None and start:
            self.worker.start()

    # -- worker events

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != WORKER_EVENT or self.worker is None or event.worker != self.worker.id:
            return
        kind = event.kind
        if kind == "progress":
            self.fraction = max(self.fraction, event.fraction)
            self.stage = event.stage or self.stage
        elif kind == "choose":
            items = [widgets.MenuItem(_result_label(r), str(i), detail=_result_detail(r))
                     for i, r in enumerate(event.results)]
            self.choices = widgets.MenuList(items) if items else None
            if self.choices is None:
                self.worker.answer(None)
        elif kind == "done":
            self.fraction = 1.0
            if self.on_done is not None:
                self.on_done(event.result)
            else:
                self.app.pop()
        elif kind == "error":
            self.error = event.message
        elif kind == "cancelled":
            self.app.pop()

    def choose_difficulty(self, chart: Chart, default: str, on_pick: Callable[[str], None], *,
                          note: str | None = None) -> bool:
        """The track is ready: list its difficulties with their note counts and let the player pick one.

        Returns False when there is nothing to choose (one difficulty, or none): the caller plays at once.
        """
        names = [name for name in DIFFICULTY_NAMES if name in chart.difficulties]
        names += [name for name in chart.difficulties if name not in names]
        if len(names) < 2:
            return False
        items = []
        length = chart.song.duration or max((n.end for d in chart.difficulties.values() for n in d.notes),
                                            default=0.0)
        for name in names:
            notes = chart.difficulties[name].notes
            rate = f" · {len(notes) / length:.1f} notes/s" if length > 0 and notes else ""
            items.append(widgets.MenuItem(name.capitalize(), name, detail=f"{len(notes)} notes{rate}"))
        index = names.index(default) if default in names else min(1, len(names) - 1)
        self.levels = widgets.MenuList(items, index)
        self.on_level = on_pick
        self.ready_note = note
        self.fraction = 1.0
        return True

    def handle(self, action: Action) -> None:
        if self.levels is not None:
            what = self.levels.handle(action)
            if what == "confirm" and self.levels.selected is not None and self.on_level is not None:
                self.on_level(self.levels.selected.key)
            elif what == "back":
                self.app.pop()  # the track stays in the library: Play lists it
            return
        if self.choices is not None and self.worker is not None:
            what = self.choices.handle(action)
            if what == "confirm" and self.choices.selected is not None:
                self.worker.answer(int(self.choices.selected.key))
                self.choices = None
            elif what == "back":
                self.cancel()
            return
        if isinstance(action, NavAction) and action.nav in (Nav.BACK, Nav.CONFIRM) and not action.repeat:
            if self.error is not None:
                self.app.pop()
            elif action.nav is Nav.BACK:
                self.cancel()

    def cancel(self) -> None:
        if self.worker is None:
            self.app.pop()
            return
        self.cancelling = True
        self.stage = "Cancelling…"
        self.worker.cancel()

    def update(self, dt: float) -> None:
        # Ease the bar towards the reported fraction so steps look smooth.
        self.shown_fraction += (self.fraction - self.shown_fraction) * min(1.0, dt * 8)

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        title = ("Couldn't get the track" if self.error is not None
                 else "Pick a difficulty" if self.levels is not None else "Getting the track ready")
        widgets.draw_title(app, surface, title)
        box = pygame.Rect(0, 0, int(min(w - 80 * s, 820 * s)), int((380 if self.levels is not None else 300) * s))
        box.center = (w // 2, int(h * 0.52))
        widgets.draw_panel(app, surface, box, theme.PANEL, alpha=230, radius=int(18 * s))
        pad = int(34 * s)
        widgets.blit_text(app, surface, self.title, "heading", 30 * s, theme.TEXT, (box.x + pad, box.y + pad),
                          max_width=box.width - 2 * pad)
        if self.levels is not None:
            text = self.ready_note or "Ready. Which difficulty?"
            widgets.blit_text(app, surface, text, "semibold", 18 * s, theme.TEXT_DIM,
                              (box.x + pad, box.y + pad + int(44 * s)), max_width=box.width - 2 * pad)
            list_rect = pygame.Rect(box.x + pad // 2, box.y + pad + int(76 * s), box.width - pad,
                                    box.height - pad - int(84 * s))
            self.levels.draw(app, surface, list_rect, row_height=int(54 * s), font_px=19 * s)
            widgets.draw_hints(app, surface, [("↑↓", "Difficulty"), ("Enter / A", "Play"), ("Esc / B", "Back")])
            return
        if self.choices is not None:
            widgets.blit_text(app, surface, "Which one?", "semibold", 18 * s, theme.TEXT_DIM,
                              (box.x + pad, box.y + pad + int(44 * s)))
            list_rect = pygame.Rect(box.x + pad // 2, box.y + pad + int(76 * s), box.width - pad,
                                    box.height - pad - int(84 * s))
            self.choices.draw(app, surface, list_rect, row_height=int(56 * s), font_px=19 * s)
            widgets.draw_hints(app, surface, [("↑↓", "Choose"), ("Enter / A", "Play this one"), ("Esc / B", "Cancel")])
            return
        if self.error is not None:
            y = box.y + pad + int(56 * s)
            for line in widgets.wrap_text(app, self.error, "semibold", 19 * s, box.width - 2 * pad)[:5]:
                r = widgets.blit_text(app, surface, line, "semibold", 19 * s, theme.BAD, (box.x + pad, y))
                y = r.bottom + int(4 * s)
            widgets.draw_hints(app, surface, [("Enter / Esc / A / B", "Back")])
            return
        stage = self.stage
        widgets.blit_text(app, surface, stage, "semibold", 19 * s, theme.TEXT_DIM,
                          (box.x + pad, box.y + pad + int(60 * s)), max_width=box.width - 2 * pad - int(80 * s))
        widgets.blit_text(app, surface, f"{self.fraction * 100:.0f}%", "bold", 19 * s, theme.TEXT,
                          (box.right - pad, box.y + pad + int(60 * s)), anchor="topright")
        bar = pygame.Rect(box.x + pad, box.y + pad + int(104 * s), box.width - 2 * pad, int(16 * s))
        widgets.draw_bar(surface, bar, self.shown_fraction, theme.ACCENT)
        # A small spinner so a long stage without progress still looks alive.
        cx, cy, r = box.x + pad + int(10 * s), bar.bottom + int(52 * s), int(10 * s)
        for i in range(8):
            a = app.now * 6 + i * math.pi / 4
            shade = theme.mix(theme.PANEL_HI, theme.ACCENT_2, i / 7)
            pygame.draw.circle(surface, shade, (cx + r * math.cos(a), cy + r * math.sin(a)), max(1, int(2.4 * s)))
        hint = "Cancelling…" if self.cancelling else "Downloading and charting can take a minute for a long track."
        widgets.blit_text(app, surface, hint, "body", 16 * s, theme.TEXT_FAINT, (cx + int(24 * s), cy),
                          anchor="midleft", max_width=box.width - 2 * pad - int(40 * s))
        widgets.draw_hints(app, surface, [("Esc / B", "Cancel")])


def _result_label(result: Any) -> str:
    title = getattr(result, "title", None) or (result.get("title") if isinstance(result, dict) else None)
    return str(title or result)


def _result_detail(result: Any) -> str | None:
    def get(name: str) -> Any:
        return getattr(result, name, None) if not isinstance(result, dict) else result.get(name)

    parts = []
    channel = get("channel") or get("uploader") or get("artist")
    if channel:
        parts.append(str(channel))
    duration = get("duration")
    if isinstance(duration, (int, float)):
        parts.append(theme.format_time(duration))
    return " · ".join(parts) or None
