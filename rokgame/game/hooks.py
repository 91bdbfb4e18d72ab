"""Where other parts of rokgame plug into the menus without the game importing them at start-up.

The main menu shows a Daily Track panel when a *daily provider* gives one. The
provider runs in a background thread (it may read the database and charts), so it
never delays the menu's first frame. :func:`default_daily_provider` adapts
:func:`rokgame.daily.panel.daily_panel`; anything else can be installed with
:func:`set_daily_provider` (tests do).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pygame

DAILY_EVENT = pygame.event.custom_type()


@dataclass
class DailyView:
    """What the menu draws for the Daily Track and what its play key needs."""

    title: str
    artist: str = ""
    lines: list[str] = field(default_factory=list)   # reason, today's best, streak, next track in …
    difficulty: str = "medium"
    chart_path: Path | None = None                    # on disk: plays at once
    source: str | None = None                         # otherwise prepared with rokgame.tracks first
    daily_date: str | None = None
    offline: bool = False


DailyProvider = Callable[[], "DailyView | None"]
_provider: DailyProvider | None = None
_use_default = True


def set_daily_provider(provider: DailyProvider | None, *, use_default: bool = False) -> None:
    """Install ``provider`` (``None`` and ``use_default=False``: no Daily panel at all)."""
    global _provider, _use_default
    _provider = provider
    _use_default = use_default


def daily_provider() -> DailyProvider | None:
    if _provider is not None:
        return _provider
    return default_daily_provider if _use_default else None


def default_daily_provider() -> DailyView | None:
    """Today's pick from rokgame.daily, or ``None`` when this build has no daily module."""
    try:
        from datetime import datetime

        from rokgame.daily.catalogue import catalogue_for_menu
        from rokgame.daily.panel import daily_panel
        from rokgame.settings import load_settings
        from rokgame.storage.db import connect
    except ImportError:
        return None
    catalogue, _problem = catalogue_for_menu(load_settings().daily_catalogue)
    conn = connect()
    try:
        panel: Any = daily_panel(datetime.now().astimezone(), conn, catalogue, include_for_you=False)
    finally:
        conn.close()
    lines = list(panel.lines())[2:]  # the heading and the title line are drawn by the menu itself
    return DailyView(
        title=panel.title, artist=panel.artist, lines=lines, difficulty=panel.difficulty,
        chart_path=panel.chart_path, source=getattr(panel, "fetch_argument", None) or panel.source,
        daily_date=panel.daily_date, offline=panel.offline,
    )


def request_daily(post: Callable[[pygame.event.Event], Any] | None = None) -> bool:
    """Compute the Daily panel in a thread; the result arrives as a ``DAILY_EVENT`` (``view`` or ``error``)."""
    provider = daily_provider()
    if provider is None:
        return False
    send = post or pygame.event.post

    def run() -> None:
        try:
            view = provider()
            send(pygame.event.Event(DAILY_EVENT, view=view, error=None))
        except Exception as exc:  # the panel is a nicety: its failure is a line of text, never a crash
            with contextlib.suppress(pygame.error):
                send(pygame.event.Event(DAILY_EVENT, view=None, error=str(exc) or type(exc).__name__))

    threading.Thread(target=run, name="rokgame-daily-panel", daemon=True).start()
    return True
