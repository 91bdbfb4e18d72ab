"""Headless runs: the real game loop, faster than real time, on a manual clock.

``rokgame play CHART --headless`` builds the same :class:`~rokgame.game.app.App`
(dummy SDL drivers), the same gameplay scene and renderer, and drives
:meth:`App.frame` with a :class:`~rokgame.core.clock.ManualClock` in small steps.
Replay input is posted as real key events into the pygame queue: before each
event the clock is set to the event's own time, and the app's ordinary
:meth:`App.pump` pulls it, reads the clock and stamps it — so every input is judged
at its own time whatever the frame steps are (the tests use uneven, slow frames to
prove it). Replay input is lane presses, so they are played with strum mode off
whatever the settings say (a strum-mode player's strums were recorded as the presses
they made); a strum with no fret held is posted as the gameplay scene's
:data:`~rokgame.game.scenes.gameplay.OPEN_STRUM_EVENT`.

The play's rules are the settings': ``ghost_taps``, ``precision`` and ``no_fail``
(``rokgame play --headless --replay`` sets them from the replay, which saved the rules
it was played by).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rokgame.core.chart import Chart
from rokgame.core.clock import ManualClock
from rokgame.core.judge import OPEN_STRUM, InputEvent
from rokgame.core.replay import sorted_events
from rokgame.settings import Settings

#: The report's keys from the play (``PlaySession.report`` has more), then ``audio``.
REPORT_KEYS = ("score", "accuracy", "max_combo", "stars", "notes", "judgements", "offsets")
#: Added to the report when ghost taps break the combo (the rule, and how many broke it).
GHOST_TAP_KEYS = ("ghost_taps", "ghost_tap_count")
STEP = 1 / 240


@dataclass
class HeadlessResult:
    report: dict[str, Any]
    full_report: dict[str, Any]
    frames: int
    screenshots: list[Path]
    session: Any


def fixed_steps(step: float = STEP) -> Iterator[float]:
    while True:
        yield step


def headless_report(full: dict[str, Any], audio: Path | None = None) -> dict[str, Any]:
    """The report's keys, and ``audio``: the file the song plays from (resolved), or None when it is silent."""
    keys = REPORT_KEYS + (GHOST_TAP_KEYS if full.get("ghost_taps", "free") != "free" else ())
    report = {key: full[key] for key in keys}
    report["audio"] = str(audio.resolve()) if audio is not None else None
    return report


def run_headless(
    chart: Chart,
    difficulty: str,
    events: Sequence[InputEvent] = (),
    *,
    chart_path: Path | None = None,
    settings: Settings | None = None,
    size: tuple[int, int] = (1280, 720),
    steps: Iterator[float] | None = None,
    png_dir: Path | None = None,
    png_every: float = 5.0,
    show_results: bool = False,
    on_frame: Callable[[Any, float], None] | None = None,
    poll_at_frames: bool = False,
    poll_every: float | None = None,
) -> HeadlessResult:
    """Play ``events`` (song-time input) through the real game loop and return the report.

    ``poll_at_frames`` posts each frame's input together and lets the frame pull it, so
    it is stamped at the frame's time: what a real player gets when input arrives
    between two polls (bench/judge_error.py measures that cost). ``poll_every`` stamps
    each input at the next multiple of that interval instead: the windowed game's loop,
    which keeps polling every 0.5 ms while it waits for the next frame.
    """
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from rokgame.game.app import App
    from rokgame.game.audio import ManualPlayer
    from rokgame.game.scenes.flow import make_gameplay
    from rokgame.game.scenes.gameplay import OPEN_STRUM_EVENT

    settings = settings if settings is not None else Settings()
    app = App(settings, headless=True, size=size)
    app.input.strum_mode = False  # replays are lane presses; the setting itself is left as it is
    app.input.set_lanes(chart.lanes)
    clock = ManualClock()
    scene = make_gameplay(app, chart, chart_path, difficulty, player=ManualPlayer(clock), record=False,
                          show_results=show_results)
    app.push(scene)
    keys = _lane_keys(app, chart.lanes)
    pending = sorted_events(events)
    index = 0
    steps = steps or fixed_steps()
    screenshots: list[Path] = []
    next_png = scene.start_time
    frames = 0
    try:
        while app.running and not scene.done:
            dt = next(steps)
            target = clock.time() + dt
            while index < len(pending) and pending[index].t <= target:
                event = pending[index]
                index += 1
                if poll_every:
                    polled = math.ceil(event.t / poll_every - 1e-9) * poll_every
                    clock.set(max(clock.time(), min(polled, target)))
                elif not poll_at_frames:
                    clock.set(max(clock.time(), event.t))
                if event.lane == OPEN_STRUM:
                    pygame.event.post(pygame.event.Event(OPEN_STRUM_EVENT))
                else:
                    kind = pygame.KEYDOWN if event.down else pygame.KEYUP
                    pygame.event.post(pygame.event.Event(kind, key=keys[event.lane], mod=0, scancode=0,
                                                         unicode="", window=None))
                if not poll_at_frames:
                    app.pump()  # the app pulls it now, reading the clock at the event's own time
            clock.set(target)
            app.frame(dt)
            frames += 1
            if on_frame is not None:
                on_frame(app, target)
            if png_dir is not None and target >= next_png:
                screenshots.append(app.screenshot(Path(png_dir) / f"frame-{frames:06d}-{target:+08.2f}s.png"))
                next_png += png_every
        full = scene.session.report()
        if png_dir is not None and show_results and app.top is not None and app.top is not scene:
            app.frame(0.0)
            screenshots.append(app.screenshot(Path(png_dir) / "results.png"))
        return HeadlessResult(headless_report(full, scene.info.audio_path), full, frames, screenshots, scene.session)
    finally:
        app.shutdown()


def _lane_keys(app: Any, lanes: int) -> list[int]:
    """The key code bound to each lane (replays are played as key presses, like a player would)."""
    import pygame

    codes = []
    for controls in app.input.bindings():
        key = next(c for c in controls if c.startswith("key:"))
        codes.append(pygame.key.key_code(key.partition(":")[2]))
    return codes
