"""Song select: the library, a difficulty picker with best scores, and type-to-search.

The list is read on a worker thread (:func:`~rokgame.game.songs.list_songs` opens the
library, sweeps, scans the chart folders and reads the best scores: 0.14 s for 500 songs,
seconds the first time a folder of new charts is seen), so the screen opens at once
and stays responsive. Coming back to it keeps the old list on screen until the fresh
one (new best scores, new charts) arrives.

Search is typed on the keyboard, or with a controller on the on-screen keyboard that Y opens
beside the list: the list filters with every key, and B (or Done) closes the keyboard with the
search still applied.
"""

from __future__ import annotations

from typing import Any

import pygame

from rokgame.core.chart import DIFFICULTY_NAMES
from rokgame.game import songs as song_list
from rokgame.game import theme
from rokgame.game.input import Action, Nav, NavAction, TextAction, from_controller
from rokgame.game.onscreen_keyboard import OnScreenKeyboard
from rokgame.game.render import widgets
from rokgame.game.render.onscreen_keyboard import draw_keyboard, keyboard_hints
from rokgame.game.scenes.base import Scene
from rokgame.game.songs import SongEntry, matches
from rokgame.game.workers import WORKER_EVENT, Worker


class SongSelectScene(Scene):
    name = "song_select"

    def __init__(self, app: Any, songs: list[SongEntry] | None = None) -> None:
        super().__init__(app)
        self.songs = songs
        self.query = ""
        self.visible: list[SongEntry] = []
        self.menu = widgets.MenuList([])
        self.difficulty = app.settings.last_difficulty
        self.loaded_at = -1.0
        self.reader: Worker | None = None   # the worker reading the list, while it runs
        self.problem: str | None = None
        self.keyboard = OnScreenKeyboard("Done")

    @property
    def loading(self) -> bool:
        return self.reader is not None

    def enter(self) -> None:
        self.app.input.set_lanes(5)
        if self.songs is None or self.loaded_at >= 0:
            self._read_songs()
        elif not self.visible:
            self._filter(None)
        self.loaded_at = self.app.now
        pygame.key.start_text_input()

    def _read_songs(self) -> None:
        if self.reader is not None:
            return  # the one under way reads the library as it is now
        self.reader = Worker(lambda _worker: song_list.list_songs(), name="song-list").start()

    def _songs_read(self, event: pygame.event.Event) -> None:
        self.reader = None
        if event.kind == "done":
            keep = self.menu.selected.key if self.menu.selected else None
            self.songs = event.result
            self.problem = None
            self._filter(keep)
        else:
            self.problem = getattr(event, "message", None)
            if self.songs is None:
                self.songs = []
                self._filter(None)

    def exit(self) -> None:
        pygame.key.stop_text_input()
        # Its answer will go to whichever screen is on top then: coming back reads the list again.
        self.reader = None

    def _filter(self, keep: str | None) -> None:
        self.visible = [e for e in (self.songs or []) if matches(e, self.query)]
        items = [widgets.MenuItem(e.title, str(e.chart_path), detail=self._detail(e)) for e in self.visible]
        index = next((i for i, item in enumerate(items) if item.key == keep), 0)
        self.menu = widgets.MenuList(items, index)

    @staticmethod
    def _detail(entry: SongEntry) -> str:
        parts = [entry.artist or "unknown artist", theme.format_time(entry.duration)]
        if entry.origin:
            parts.append(entry.origin)
        if entry.bpm:
            parts.append(f"{entry.bpm:.0f} BPM")
        if entry.audio_path is None:
            parts.append("audio missing")
        return " · ".join(parts)

    @property
    def selected(self) -> SongEntry | None:
        return self.visible[self.menu.index] if self.visible else None

    def _difficulties(self, entry: SongEntry) -> list[str]:
        return [d for d in DIFFICULTY_NAMES if d in entry.difficulties] + \
            [d for d in entry.difficulties if d not in DIFFICULTY_NAMES]

    def _current_difficulty(self, entry: SongEntry) -> str:
        have = self._difficulties(entry)
        if self.difficulty in have:
            return self.difficulty
        rank = {n: i for i, n in enumerate(DIFFICULTY_NAMES)}
        target = rank.get(self.difficulty, 1)
        return min(have, key=lambda n: (abs(rank.get(n, 99) - target), rank.get(n, 99))) if have else self.difficulty

    def handle(self, action: Action) -> None:
        if isinstance(action, TextAction):
            self.keyboard.hide()  # typed on a keyboard: the on-screen one is in the way
            self.query += action.text
            self._filter(None)
            return
        if from_controller(action) and self.keyboard.shown:
            edit = self.keyboard.handle(action)
            if edit is not None and edit.kind in ("type", "delete"):
                keep = self.menu.selected.key if edit.kind == "delete" and self.menu.selected else None
                self.query = edit.apply(self.query)
                self._filter(keep)
            return
        if from_controller(action) and isinstance(action, NavAction) and action.nav is Nav.SPACE \
                and not action.repeat:
            self.keyboard.show()  # Y: search
            return
        if isinstance(action, NavAction) and action.control.startswith("key:"):
            self.keyboard.hide()
        entry = self.selected
        if isinstance(action, NavAction) and entry is not None and action.nav in (Nav.LEFT, Nav.RIGHT):
            have = self._difficulties(entry)
            current = self._current_difficulty(entry)
            if have:
                i = have.index(current) if current in have else 0
                i = (i + (1 if action.nav is Nav.RIGHT else -1)) % len(have)
                self.difficulty = have[i]
                self.app.settings.last_difficulty = self.difficulty
            return
        what = self.menu.handle(action)
        if what == "confirm" and entry is not None:
            from rokgame.game.scenes.flow import start_chart

            start_chart(self.app, entry.chart_path, self._current_difficulty(entry), track_id=entry.track_id)
        elif what == "back":
            if self.query:
                self.query = ""
                self._filter(None)
            else:
                self.app.pop()

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == WORKER_EVENT and self.reader is not None and getattr(event, "worker", None) == self.reader.id:
            if event.kind in ("done", "error", "cancelled"):
                self._songs_read(event)
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_BACKSPACE and self.query:
            self.query = self.query[:-1]
            self._filter(self.menu.selected.key if self.menu.selected else None)

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        count = len(self.songs or [])
        plural = "s" if count != 1 else ""
        subtitle = "Reading your library…" if self.songs is None else f"{count} song{plural} in your library"
        if self.songs is not None and self.query.strip():
            subtitle = f"{len(self.visible)} of {count} song{plural} match “{self.query.strip()}”"
        y = widgets.draw_title(app, surface, "Choose a song", subtitle)
        margin = int(56 * s)
        # The on-screen keyboard takes the detail panel's place, a little wider, with the list beside it.
        list_w = int((w - 3 * margin) * (0.4 if self.keyboard.shown else 0.52))
        search = pygame.Rect(margin, y, list_w, int(46 * s))
        box = widgets.TextBox(self.query, "Type to search…")
        box.draw(app, surface, search, focused=True)
        list_rect = pygame.Rect(margin - int(6 * s), search.bottom + int(16 * s), list_w + int(6 * s),
                                h - search.bottom - int(80 * s))
        if self.visible:
            self.menu.draw(app, surface, list_rect, row_height=int(66 * s), font_px=23 * s)
        else:
            if self.songs is None:
                text = ""  # the title says it is reading the library
            elif self.problem:
                text = self.problem
            else:
                text = "No song matches your search." if self.query else \
                    "No songs yet: add one from the main menu (Add track)."
            if text:
                widgets.blit_text(app, surface, text, "semibold", 20 * s, theme.TEXT_DIM,
                                  (list_rect.x + int(20 * s), list_rect.y + int(20 * s)),
                                  max_width=list_rect.width - int(40 * s))
        detail = pygame.Rect(margin * 2 + list_w, y, w - list_w - 3 * margin, h - y - int(70 * s))
        if self.keyboard.shown:
            panel = draw_keyboard(app, surface, self.keyboard, detail)
            total = len(self.songs or [])
            found = f"{len(self.visible)} of {total} songs match" if self.query else f"Search {total} songs"
            widgets.blit_text(app, surface, found, "semibold", 18 * s, theme.TEXT_DIM,
                              (panel.x + int(8 * s), panel.bottom + int(16 * s)))
            widgets.draw_hints(app, surface, keyboard_hints(("B / Start", "Done")))
            return
        self._draw_detail(surface, detail, s)
        widgets.draw_hints(app, surface, [("↑↓", "Song"), ("←→", "Difficulty"), ("Enter / A", "Play"),
                                          ("Type / Y", "Search"), ("Esc / B", "Back")])

    def _draw_detail(self, surface: pygame.Surface, rect: pygame.Rect, s: float) -> None:
        app = self.app
        widgets.draw_panel(app, surface, rect, theme.PANEL, alpha=225, radius=int(18 * s))
        entry = self.selected
        if entry is None:
            return
        pad = int(28 * s)
        inner = rect.width - 2 * pad
        y = rect.y + pad
        r = widgets.blit_text(app, surface, entry.title, "heading", 36 * s, theme.TEXT, (rect.x + pad, y),
                              max_width=inner)
        r = widgets.blit_text(app, surface, entry.artist or "unknown artist", "semibold", 20 * s, theme.TEXT_DIM,
                              (rect.x + pad, r.bottom), max_width=inner)
        facts = [theme.format_time(entry.duration), f"{entry.lanes} lanes"]
        if entry.bpm:
            facts.append(f"{entry.bpm:.0f} BPM")
        r = widgets.blit_text(app, surface, "  ·  ".join(facts), "body", 17 * s, theme.TEXT_FAINT,
                              (rect.x + pad, r.bottom + int(8 * s)))
        y = r.bottom + int(26 * s)
        widgets.blit_text(app, surface, "DIFFICULTY", "bold", 14 * s, theme.TEXT_DIM, (rect.x + pad, y))
        y += int(28 * s)
        current = self._current_difficulty(entry)
        row_h = int(58 * s)
        for name in self._difficulties(entry):
            row = pygame.Rect(rect.x + pad, y, inner, row_h - int(8 * s))
            chosen = name == current
            if chosen:
                widgets.draw_panel(app, surface, row, theme.PANEL_HI, alpha=255, radius=int(10 * s),
                                   border=theme.ACCENT, border_width=max(1, int(2 * s)))
            color = theme.TEXT if chosen else theme.TEXT_DIM
            widgets.blit_text(app, surface, name.title(), "semibold", 21 * s, color,
                              (row.x + int(16 * s), row.centery), anchor="midleft")
            best = entry.bests.get(name)
            if best:
                score = int(best.get("score", 0))
                acc = best.get("accuracy")
                text = theme.format_score(score) + (f"  ·  {float(acc) * 100:.1f}%" if acc is not None else "")
                stars = int(best.get("stars", 0) or 0)
                widgets.blit_text(app, surface, text, "bold", 18 * s, theme.TEXT if chosen else theme.TEXT_DIM,
                                  (row.right - int(16 * s) - int(110 * s), row.centery), anchor="midright")
                widgets.draw_stars(surface, (row.right - int(16 * s) - int(48 * s), row.centery), stars, 7 * s)
            else:
                widgets.blit_text(app, surface, "not played", "body", 16 * s, theme.TEXT_FAINT,
                                  (row.right - int(16 * s), row.centery), anchor="midright")
            y += row_h
        if entry.audio_path is None:
            widgets.blit_text(app, surface, "The audio file is missing: the song plays silently.", "semibold",
                              16 * s, theme.WARN, (rect.x + pad, rect.bottom - pad), anchor="bottomleft",
                              max_width=inner)
