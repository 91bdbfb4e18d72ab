"""Where other parts of rokgame plug into the menus without the game importing them at start-up.

The main menu shows a Daily Track panel when a *daily provider* gives one. The
provider runs in a background thread (it may read the database and charts), so it
never delays the menu's first frame. :func:`default_daily_provider` adapts
:func:`rokgame.daily.panel.daily_panel`; anything else can be installed with
:func:`set_daily_provider` (tests do). A provider may take the keywords ``online``
(what the prefetch learnt about the network, ``None`` while unknown) and
``include_for_you`` (also compute the "For you" pick, which reads the library's
charts); one that takes no arguments is called without them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import itertools
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
    for_you_title: str | None = None                  # "For you": a library track to play next
    for_you_reason: str = ""
    for_you_chart: Path | None = None
    for_you_included: bool = False                    # False: the For-you pick was not computed for this view
    problem: str | None = None                        # e.g. the player's catalogue is broken: one sentence


DailyProvider = Callable[..., "DailyView | None"]
_provider: DailyProvider | None = None
_use_default = True
_requests = itertools.count(1)


def set_daily_provider(provider: DailyProvider | None, *, use_default: bool = False) -> None:
    """Install ``provider`` (``None`` and ``use_default=False``: no Daily panel at all)."""
    global _provider, _use_default
    _provider = provider
    _use_default = use_default


def daily_provider() -> DailyProvider | None:
    if _provider is not None:
        return _provider
    return default_daily_provider if _use_default else None


def default_daily_provider(*, online: bool | None = None, include_for_you: bool = False) -> DailyView | None:
    """Today's pick from rokgame.daily, or ``None`` when this build has no daily module."""
    try:
        from datetime import datetime

        from rokgame.daily.catalogue import catalogue_for_menu
        from rokgame.daily.panel import daily_panel
        from rokgame.settings import load_settings
        from rokgame.storage.db import connect
    except ImportError:
        return None
    catalogue, problem = catalogue_for_menu(load_settings().daily_catalogue)
    conn = connect()
    try:
        panel: Any = daily_panel(datetime.now().astimezone(), conn, catalogue, online=online,
                                 include_for_you=include_for_you)
    finally:
        conn.close()
    for_you = panel.for_you
    # The heading and the title line are drawn by the menu itself, and "For you" gets its own box.
    lines = list(dataclasses.replace(panel, for_you=None).lines())[2:]
    return DailyView(
        title=panel.title, artist=panel.artist, lines=lines, difficulty=panel.difficulty,
        chart_path=panel.chart_path, source=getattr(panel, "fetch_argument", None) or panel.source,
        daily_date=panel.daily_date, offline=panel.offline,
        for_you_title=for_you.title if for_you is not None else None,
        for_you_reason=for_you.reason if for_you is not None else "",
        for_you_chart=panel.for_you_chart, for_you_included=include_for_you, problem=problem,
    )


def _call(provider: DailyProvider, **options: Any) -> DailyView | None:
    """Call ``provider`` with the keywords it accepts (a plain ``lambda: view`` gets none)."""
    try:
        parameters = inspect.signature(provider).parameters.values()
    except (TypeError, ValueError):
        return provider()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return provider(**options)
    names = {p.name for p in parameters if p.kind in (inspect.Parameter.KEYWORD_ONLY,
                                                       inspect.Parameter.POSITIONAL_OR_KEYWORD)}
    return provider(**{k: v for k, v in options.items() if k in names})


def request_daily(post: Callable[[pygame.event.Event], Any] | None = None, *, online: bool | None = None,
                  include_for_you: bool = False) -> int:
    """Compute the Daily panel in a thread; the result arrives as a ``DAILY_EVENT`` (``view`` or ``error``).

    Returns the request's number (0 when there is no provider): the event carries it as
    ``request``, so a screen that asked twice keeps the newer answer whichever thread
    finishes first.
    """
    provider = daily_provider()
    if provider is None:
        return 0
    send = post or pygame.event.post
    number = next(_requests)

    def run() -> None:
        try:
            view = _call(provider, online=online, include_for_you=include_for_you)
            send(pygame.event.Event(DAILY_EVENT, view=view, error=None, request=number))
        except Exception as exc:  # the panel is a nicety: its failure is a line of text, never a crash
            with contextlib.suppress(pygame.error):
                send(pygame.event.Event(DAILY_EVENT, view=None, error=str(exc) or type(exc).__name__,
                                        request=number))

    threading.Thread(target=run, name="rokgame-daily-panel", daemon=True).start()
    return number
