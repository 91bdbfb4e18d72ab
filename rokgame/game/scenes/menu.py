"""The main menu: Play, Daily Track, Add track, Settings, Quit — with the Daily panel beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pygame

from rokgame.game import hooks, theme
from rokgame.game.input import Action, Nav, NavAction, from_controller
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene


@dataclass(frozen=True, slots=True)
class _Row:
    """One line of a menu panel: its text and look, the space above it, and an optional progress bar below."""

    text: str
    role: str
    px: float
    color: theme.Color
    gap: int = 0
    bar: float | None = None


class MainMenuScene(Scene):
    name = "menu"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.menu = widgets.MenuList([
            widgets.MenuItem("Play", "play", detail="pick a song from your library"),
            widgets.MenuItem("Daily Track", "daily", detail="one track a day, the same for everyone"),
            widgets.MenuItem("Add track", "add", detail="a YouTube link, a search or an audio file"),
            widgets.MenuItem("Settings", "settings", detail="timing, keys, controllers, look and sound"),
            widgets.MenuItem("Quit", "quit"),
        ])
        self.daily: hooks.DailyView | None = None
        self.daily_state = "none"   # "none" | "loading" | "ready" | "error"
        self.daily_error: str | None = None
        self._daily_request = 0     # the newest request for the panel
        self._daily_accepted = 0    # the request whose answer is shown
        self._for_you_pending = False
        self._prefetch_seen = 0
        self.quit_asked = False

    def enter(self) -> None:
        self.app.input.set_lanes(5)
        prefetch = self.app.daily_prefetch
        self._prefetch_seen = prefetch.version if prefetch is not None else 0
        # First visit: a quick panel (no chart reading), then "For you" in a second pass. Coming back
        # (a play may have changed both): one pass with everything, the old panel shown meanwhile.
        self._request_daily(include_for_you=self.daily is not None)

    def _request_daily(self, *, include_for_you: bool) -> None:
        prefetch = self.app.daily_prefetch
        number = hooks.request_daily(online=prefetch.online if prefetch is not None else None,
                                     include_for_you=include_for_you)
        if number:
            self._daily_request = number
            self._for_you_pending = not include_for_you
            if self.daily is None:
                self.daily_state = "loading"

    def update(self, dt: float) -> None:
        prefetch = self.app.daily_prefetch
        if prefetch is not None and prefetch.version != self._prefetch_seen:
            # A track became ready, or the prefetch learnt whether the network is there: rebuild the panel.
            self._prefetch_seen = prefetch.version
            self._request_daily(include_for_you=True)

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != hooks.DAILY_EVENT:
            return
        number = getattr(event, "request", 0)
        if number and number < self._daily_accepted:
            return  # an older answer that finished after a newer one
        self._daily_accepted = number or self._daily_accepted
        if event.view is not None:
            self.daily, self.daily_error, self.daily_state = event.view, None, "ready"
            if self._for_you_pending and number == self._daily_request:
                self._request_daily(include_for_you=True)
        elif self.daily is None:
            self.daily_error = event.error
            self.daily_state = "error" if event.error else "none"
        # else: a failed second pass keeps the panel already shown

    def handle(self, action: Action) -> None:
        if isinstance(action, NavAction) and action.nav is Nav.DAILY:
            if not action.repeat:
                self.play_daily()
            return
        before = self.menu.index
        what = self.menu.handle(action)
        if what == "confirm" and self.menu.selected is not None:
            self.choose(self.menu.selected.key, controller=from_controller(action))
        elif what == "back":
            if self.quit_asked:
                self._ask_quit(False)  # Esc on the question: stay
            else:
                self.menu.index = len(self.menu.items) - 1  # Esc goes to Quit; Enter then asks once
        elif self.menu.index != before and self.quit_asked:
            self._ask_quit(False)

    def _ask_quit(self, ask: bool) -> None:
        """Esc then Enter after a song must not close the game by accident: Quit asks once."""
        self.quit_asked = ask
        item = self.menu.items[-1]
        item.label = "Really quit?" if ask else "Quit"
        item.detail = "Enter again to quit, Esc to stay" if ask else None

    def play_daily(self) -> None:
        """One key from the menu to today's Daily Track: its screen opens and plays it as soon as it can.

        The Daily screen stays underneath, so the song's results lead back to today's calendar and streak.
        """
        from rokgame.game.scenes.daily import DailyScene

        self.app.push(DailyScene(self.app, self.daily, state=self.daily_state, error=self.daily_error,
                                 play_now=True))

    def choose(self, key: str, *, controller: bool = False) -> None:
        app = self.app
        if key == "play":
            from rokgame.game.scenes.song_select import SongSelectScene

            app.push(SongSelectScene(app))
        elif key == "daily":
            from rokgame.game.scenes.daily import DailyScene

            app.push(DailyScene(app, self.daily, state=self.daily_state, error=self.daily_error))
        elif key == "add":
            from rokgame.game.scenes.add_track import AddTrackScene

            app.push(AddTrackScene(app, keyboard=controller))  # chosen with a controller: type with it
        elif key == "settings":
            from rokgame.game.scenes.settings import SettingsScene

            app.push(SettingsScene(app))
        elif key == "quit":
            if self.quit_asked:
                app.quit(0)
            else:
                self._ask_quit(True)

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        self._draw_lanes_art(surface, s)
        x = int(70 * s)
        logo = widgets.blit_text(app, surface, "ROKGAME", "display", 92 * s, theme.TEXT, (x, int(64 * s)))
        pygame.draw.rect(surface, theme.ACCENT, (x, logo.bottom + int(2 * s), int(110 * s), max(3, int(6 * s))))
        widgets.blit_text(app, surface, "Play along to any track.", "semibold", 22 * s, theme.TEXT_DIM,
                          (x, logo.bottom + int(22 * s)))
        menu_rect = pygame.Rect(x - int(14 * s), logo.bottom + int(80 * s), int(430 * s),
                                h - logo.bottom - int(140 * s))
        self.menu.draw(app, surface, menu_rect, row_height=int(min(74 * s, menu_rect.height / 5)), font_px=27 * s)
        self._draw_daily(surface, s)
        widgets.draw_hints(app, surface, [("↑↓ / D-pad", "Choose"), ("Enter / A", "Select"),
                                          ("D / Y", "Play the Daily Track"), ("F11", "Fullscreen"),
                                          ("Esc / B", "Back")])

    def _daily_rows(self, s: float, inner_w: int) -> tuple[list[_Row], list[_Row]]:
        """The Daily panel's text: the body (title, reason, best, streak…) and the footer (problem, prefetch)."""
        app = self.app
        body: list[_Row] = []
        footer: list[_Row] = []
        d = self.daily
        if d is None:
            text = {"loading": "Picking today's track…", "error": "The Daily Track can't be shown right now.",
                    }.get(self.daily_state, "Coming soon: one track a day for everyone.")
            body += [_Row(row, "semibold", 20 * s, theme.TEXT_DIM)
                     for row in widgets.wrap_text(app, text, "semibold", 20 * s, inner_w)]
        else:
            body.append(_Row(d.title, "heading", 30 * s, theme.TEXT))
            if d.artist:
                body.append(_Row(d.artist, "semibold", 18 * s, theme.TEXT_DIM))
            first = True
            for line in d.lines[:6]:
                for row in widgets.wrap_text(app, line, "body", 16 * s, inner_w):
                    body.append(_Row(row, "body", 16 * s, theme.TEXT_DIM, gap=int((10 if first else 4) * s)))
                    first = False
            body.append(_Row("Press D (Y on a controller) to play it now", "semibold", 16 * s, theme.ACCENT_2,
                             gap=int(10 * s)))
            if d.problem:
                rows = widgets.wrap_text(app, d.problem, "body", 14 * s, inner_w)
                rows = [*rows[:2], " ".join(rows[2:])] if len(rows) > 3 else rows  # the third row ends in "…"
                footer += [_Row(row, "body", 14 * s, theme.WARN, gap=int(2 * s)) for row in rows]
        prefetch = app.daily_prefetch
        status = prefetch.status_line() if prefetch is not None else None
        if status is not None:
            text, fraction = status
            color = theme.WARN if fraction is None and prefetch is not None and prefetch.state == "done" \
                else theme.ACCENT_2
            footer.append(_Row(text, "semibold", 15 * s, color, gap=int(8 * s), bar=fraction))
        return body, footer

    def _draw_daily(self, surface: pygame.Surface, s: float) -> None:
        app = self.app
        w, h = surface.get_size()
        pad = int(26 * s)
        box_w = int(min(520 * s, w * 0.4))
        inner_w = box_w - 2 * pad
        body, footer = self._daily_rows(s, inner_w)
        bottom_limit = h - int(60 * s)  # above the key hints
        for_you = self.daily.for_you_title if self.daily is not None else None
        for_you_h = self._for_you_height(s, inner_w) if for_you else 0
        below = for_you_h + int(16 * s) if for_you_h else 0
        head_h = int(30 * s)
        content = head_h + sum(self._row_height(r) for r in body + footer) + (int(12 * s) if footer else 0)
        wanted = max(int(220 * s), content + 2 * pad)
        # Level with the menu when it all fits; a full panel moves up, at most level with the logo.
        top = max(int(64 * s), min(int(150 * s), bottom_limit - below - wanted))
        box = pygame.Rect(0, 0, box_w, min(wanted, bottom_limit - below - top))
        box.topright = (w - int(70 * s), top)
        widgets.draw_panel(app, surface, box, theme.PANEL, alpha=225, radius=int(18 * s),
                           border=theme.PANEL_HI, border_width=max(1, int(2 * s)))
        head = "DAILY TRACK" + (" · OFFLINE" if self.daily is not None and self.daily.offline else "")
        widgets.blit_text(app, surface, head, "bold", 15 * s, theme.ACCENT, (box.x + pad, box.y + pad))
        x = box.x + pad
        footer_h = sum(self._row_height(r) for r in footer)
        footer_top = box.bottom - pad - footer_h
        y = box.y + pad + head_h
        for row in body:
            if y + self._row_height(row) > footer_top - (int(8 * s) if footer else 0):
                break  # a small window: the footer (problem, progress) matters more than the last lines
            y = self._draw_row(surface, row, x, y, inner_w)
        y = footer_top
        for row in footer:
            y = self._draw_row(surface, row, x, y, inner_w)
        if for_you:
            self._draw_for_you(surface, s, pygame.Rect(box.x, box.bottom + int(16 * s), box_w, for_you_h))

    def _row_height(self, row: _Row) -> int:
        height = row.gap + self.app.text.render("Ag", row.role, row.px, row.color).get_height()
        return height + (int(row.px * 0.6) if row.bar is not None else 0)

    def _draw_row(self, surface: pygame.Surface, row: _Row, x: int, y: int, width: int) -> int:
        y += row.gap
        widgets.blit_text(self.app, surface, row.text, row.role, row.px, row.color, (x, y), max_width=width)
        y += self.app.text.render("Ag", row.role, row.px, row.color).get_height()
        if row.bar is not None:
            thickness = max(3, int(row.px * 0.3))
            widgets.draw_bar(surface, pygame.Rect(x, y + int(row.px * 0.15), width, thickness), row.bar, row.color)
            y += int(row.px * 0.6)
        return y

    def _for_you_rows(self, s: float, inner_w: int) -> list[_Row]:
        d = self.daily
        assert d is not None and d.for_you_title
        rows = [_Row("FOR YOU", "bold", 15 * s, theme.ACCENT_2),
                _Row(d.for_you_title, "heading", 22 * s, theme.TEXT, gap=int(6 * s))]
        reason = widgets.wrap_text(self.app, d.for_you_reason, "body", 16 * s, inner_w)[:2] if d.for_you_reason else []
        rows += [_Row(row, "body", 16 * s, theme.TEXT_DIM, gap=int(2 * s)) for row in reason]
        return rows

    def _for_you_height(self, s: float, inner_w: int) -> int:
        return sum(self._row_height(r) for r in self._for_you_rows(s, inner_w)) + 2 * int(20 * s)

    def _draw_for_you(self, surface: pygame.Surface, s: float, box: pygame.Rect) -> None:
        widgets.draw_panel(self.app, surface, box, theme.PANEL, alpha=215, radius=int(18 * s),
                           border=theme.PANEL_HI, border_width=max(1, int(2 * s)))
        pad_x, pad_y = int(26 * s), int(20 * s)
        y = box.y + pad_y
        for row in self._for_you_rows(s, box.width - 2 * pad_x):
            y = self._draw_row(surface, row, box.x + pad_x, y, box.width - 2 * pad_x)

    def _draw_lanes_art(self, surface: pygame.Surface, s: float) -> None:
        """Five slanted light beams along the bottom right: the game's colours, gently moving."""
        w, h = surface.get_size()
        key = ("menu-art", w, h)
        art = self.app.cache.get(key)
        if art is None:
            art = pygame.Surface((w, h), pygame.SRCALPHA)
            for i, color in enumerate(theme.LANE_COLORS[:5]):
                x0 = w * (0.52 + i * 0.085)
                pts = [(x0, h), (x0 + w * 0.05, h), (x0 + w * 0.2, h * 0.55), (x0 + w * 0.185, h * 0.55)]
                pygame.draw.polygon(art, (*color, 34), pts)
            self.app.cache[key] = art
        surface.blit(art, (0, 0))  # type: ignore[arg-type]
        for i, color in enumerate(theme.LANE_COLORS[:5]):
            phase = (self.app.now * 0.35 + i * 0.21) % 1.0
            x0 = w * (0.52 + i * 0.085) + w * 0.025
            x = x0 + (w * 0.165) * phase
            y = h - h * 0.45 * phase
            r = max(3, int((16 - 10 * phase) * s))
            pygame.draw.circle(surface, theme.mix(color, theme.BG_BOTTOM, phase * 0.7), (x, y), r)
