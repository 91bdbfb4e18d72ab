"""Settings: timing, gameplay, look, sound, keys and controllers — changed with ←/→, saved on leaving."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pygame

from rokgame.game import theme
from rokgame.game.input import Action, control_label, default_keys
from rokgame.game.render import widgets
from rokgame.game.scenes.base import Scene

PRECISIONS = ("normal", "tight", "strict")


@dataclass
class Option:
    label: str
    key: str
    value: Callable[[], str] | None = None
    change: Callable[[int], None] | None = None      # ← -1, → +1
    activate: Callable[[], None] | None = None       # Enter
    detail: str | None = None


class SettingsScene(Scene):
    name = "settings"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.remap_lanes = 5
        self.options = self._options()
        self.menu = widgets.MenuList(self._items())

    # -- the options

    def _options(self) -> list[Option]:
        st = self.app.settings

        def number(attr: str, step: float, lo: float, hi: float, digits: int = 0) -> Callable[[int], None]:
            def change(d: int) -> None:
                setattr(st, attr, round(min(hi, max(lo, getattr(st, attr) + d * step)), digits or 3))
            return change

        def toggle(attr: str) -> Callable[[int], None]:
            def change(d: int) -> None:
                setattr(st, attr, not getattr(st, attr))
            return change

        def on_off(attr: str) -> Callable[[], str]:
            return lambda: "On" if getattr(st, attr) else "Off"

        def cycle_precision(d: int) -> None:
            i = PRECISIONS.index(st.precision) if st.precision in PRECISIONS else 0
            st.precision = PRECISIONS[(i + d) % len(PRECISIONS)]

        def toggle_ghost_taps(d: int) -> None:
            st.ghost_taps = "free" if st.ghost_taps == "break" else "break"

        def change_volume(d: int) -> None:
            st.music_volume = round(min(1.0, max(0.0, st.music_volume + d * 0.05)), 2)
            self.app.audio.set_volume(st.music_volume)

        def change_fullscreen(d: int) -> None:
            self.app.toggle_fullscreen()

        def change_lanes(d: int) -> None:
            self.remap_lanes = min(7, max(3, self.remap_lanes + d))

        def strum(d: int) -> None:
            st.strum_mode = not st.strum_mode
            self.app.input.strum_mode = st.strum_mode
            self.app.input.rebuild()

        return [
            Option("Audio offset", "audio_offset", lambda: f"{st.audio_offset_ms:+.0f} ms",
                   number("audio_offset_ms", 1, -500, 500, 1),
                   detail="how late you hear the music; calibrate to measure it"),
            Option("Visual offset", "visual_offset", lambda: f"{st.visual_offset_ms:+.0f} ms",
                   number("visual_offset_ms", 1, -500, 500, 1), detail="moves the notes on screen only"),
            Option("Calibrate…", "calibrate", activate=self._calibrate,
                   detail="tap along to a click track to measure both offsets"),
            Option("Scroll time", "scroll", lambda: f"{st.scroll_time:.1f} s", number("scroll_time", 0.1, 0.4, 4.0, 2),
                   detail="how long a note is on screen (F3/F4 or -/= while playing)"),
            Option("Precision", "precision", lambda: st.precision.title(), cycle_precision,
                   detail="normal, tight or strict hit windows"),
            Option("No fail", "no_fail", on_off("no_fail"), toggle("no_fail"),
                   detail="keep playing when the rock meter empties"),
            Option("Ghost taps", "ghost_taps", lambda: "Break combo" if st.ghost_taps == "break" else "Free",
                   toggle_ghost_taps,
                   detail="free, or break combo: a press near no note (an overstrum) resets your combo"),
            Option("Strum mode", "strum", on_off("strum_mode"), strum,
                   detail="hold frets and strum (↑/↓, d-pad or strum bar) like Guitar Hero"),
            Option("Colour-blind palette", "colorblind", on_off("colorblind"), toggle("colorblind")),
            Option("Lefty flip", "lefty", on_off("lefty"), toggle("lefty"), detail="mirror the highway"),
            Option("Fullscreen", "fullscreen", lambda: "On" if self.app.fullscreen else "Off", change_fullscreen,
                   detail="also F11, anywhere"),
            Option("Show FPS", "show_fps", on_off("show_fps"), toggle("show_fps")),
            Option("Music volume", "volume", lambda: f"{st.music_volume * 100:.0f}%", change_volume),
            Option("Hit sounds", "hit_sounds", on_off("hit_sounds"), toggle("hit_sounds")),
            Option("Miss sound", "miss_sound", on_off("miss_sound"), toggle("miss_sound")),
            Option("Daily prefetch", "daily_prefetch",
                   lambda: {True: "On", False: "Off"}.get(st.daily_prefetch, "Ask at start"),
                   toggle("daily_prefetch"),
                   detail="download today's and tomorrow's Daily Track in the background"),
            Option("Lanes to remap", "remap_lanes", lambda: str(self.remap_lanes), change_lanes,
                   detail="which layout the next two entries change (3 to 7 lanes)"),
            Option("Remap keys and buttons…", "remap", activate=lambda: self._remap(),
                   detail="press a key, pad button, hat or axis for each lane"),
            Option("Reset bindings", "reset", activate=self._reset, detail="back to the defaults for these lanes"),
            Option("Back", "back", activate=self._back),
        ]

    def _items(self) -> list[widgets.MenuItem]:
        return [widgets.MenuItem(o.label, o.key, value=o.value() if o.value else None, detail=o.detail)
                for o in self.options]

    def _refresh(self) -> None:
        for item, option in zip(self.menu.items, self.options, strict=True):
            item.value = option.value() if option.value else None

    # -- actions

    def _calibrate(self) -> None:
        from rokgame.game.scenes.calibration import CalibrationScene

        self.app.push(CalibrationScene(self.app))

    def _remap(self) -> None:
        self.app.push(RemapScene(self.app, self.remap_lanes))

    def _reset(self) -> None:
        mapper = self.app.input
        saved = mapper.lanes
        mapper.set_lanes(self.remap_lanes)
        mapper.reset_bindings()
        mapper.set_lanes(saved)
        self.app.save_settings()
        self.app.notify(f"Bindings for {self.remap_lanes} lanes are back to the defaults", 2.5)

    def _back(self) -> None:
        self.app.save_settings()
        self.app.pop()

    def enter(self) -> None:
        self._refresh()

    def handle(self, action: Action) -> None:
        what = self.menu.handle(action)
        option = self.options[self.menu.index] if self.options else None
        if option is None:
            return
        if what in ("left", "right") and option.change is not None:
            option.change(-1 if what == "left" else 1)
            self._refresh()
        elif what == "confirm":
            if option.activate is not None:
                option.activate()
            elif option.change is not None:
                option.change(1)
            self._refresh()
        elif what == "back":
            self._back()

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        y = widgets.draw_title(app, surface, "Settings", "Saved when you leave this screen.")
        margin = int(56 * s)
        list_w = int(min(w - 2 * margin, 1040 * s))
        rect = pygame.Rect(margin - int(6 * s), y, list_w, h - y - int(64 * s))
        self.menu.draw(app, surface, rect, row_height=int(60 * s), font_px=21 * s, value_width=0.3)
        widgets.draw_hints(app, surface, [("↑↓", "Choose"), ("←→", "Change"), ("Enter / A", "Select"),
                                          ("Esc / B", "Save and back")])


class RemapScene(Scene):
    """Press the control for each lane in turn; Escape cancels, Backspace skips a lane (keeps its binding)."""

    name = "remap"

    def __init__(self, app: Any, lanes: int) -> None:
        super().__init__(app)
        self.lanes = lanes
        self.lane = 0
        self.saved_lanes = app.input.lanes

    def enter(self) -> None:
        self.app.input.set_lanes(self.lanes)

    def exit(self) -> None:
        self.app.input.set_lanes(self.saved_lanes)

    def handle(self, action: Action) -> None:
        pass  # everything goes through handle_event: any control, even a lane or menu one, can be bound

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.save_settings()
            self.app.pop()
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_BACKSPACE:
            self._next()
            return
        control = self.app.input.capture(event)
        if control in ("pad:back", "pad:guide"):  # a controller-only player's way out
            self.app.save_settings()
            self.app.pop()
            return
        if control is None or control == "pad:start":
            return
        self.app.input.bind(self.lane, control)
        self._next()

    def _next(self) -> None:
        self.lane += 1
        if self.lane >= self.lanes:
            self.app.save_settings()
            self.app.notify(f"Bindings for {self.lanes} lanes saved", 2.5)
            self.app.pop()

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        w, h = surface.get_size()
        s = theme.ui_scale((w, h))
        widgets.background(app, surface)
        widgets.draw_title(app, surface, f"Remap · {self.lanes} lanes",
                           "Press a key, a pad button, a hat direction or move an axis.")
        colors = theme.lane_colors(self.lanes, colorblind=app.settings.colorblind)
        bindings = app.input.bindings()
        col_w = int(min(180 * s, (w - 112 * s) / self.lanes))
        x0 = w // 2 - col_w * self.lanes // 2
        top = int(h * 0.36)
        for lane in range(self.lanes):
            rect = pygame.Rect(x0 + lane * col_w + int(6 * s), top, col_w - int(12 * s), int(250 * s))
            active = lane == self.lane
            widgets.draw_panel(app, surface, rect, theme.PANEL_HI if active else theme.PANEL, alpha=240,
                               radius=int(14 * s), border=colors[lane] if active else None,
                               border_width=max(2, int(3 * s)))
            pygame.draw.circle(surface, colors[lane], (rect.centerx, rect.y + int(40 * s)), int(22 * s))
            widgets.blit_text(app, surface, f"Lane {lane + 1}", "bold", 16 * s, theme.TEXT,
                              (rect.centerx, rect.y + int(74 * s)), anchor="midtop")
            y = rect.y + int(110 * s)
            for control in bindings[lane]:
                widgets.blit_text(app, surface, control_label(control), "semibold", 15 * s,
                                  theme.TEXT if active else theme.TEXT_DIM, (rect.centerx, y), anchor="midtop",
                                  max_width=rect.width - int(10 * s))
                y += int(30 * s)
        prompt = f"Press the control for lane {self.lane + 1}" if self.lane < self.lanes else "Done"
        widgets.blit_text(app, surface, prompt, "heading", 30 * s, theme.TEXT, (w // 2, top - int(50 * s)),
                          anchor="midbottom")
        defaults = " ".join(k.upper() if len(k) == 1 else k.title() for k in default_keys(self.lanes))
        widgets.blit_text(app, surface, f"Default keys: {defaults}", "body", 16 * s, theme.TEXT_FAINT,
                          (w // 2, top + int(270 * s)), anchor="midtop")
        widgets.draw_hints(app, surface, [("Backspace", "Keep this lane"), ("Esc", "Done")])

