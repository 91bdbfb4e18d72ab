"""Fetch and chart today's and tomorrow's Daily Tracks in the background, so the play key starts at once.

Run :func:`prefetch_daily` on a worker thread when the game starts (the game's
``workers`` module does the threading): it first checks for a network with one short
TCP connection (:func:`network_available`; never at import, never on the menu thread),
then hands each track not yet on disk to :func:`rokgame.tracks.prepare_track`,
imported only here so yt-dlp and librosa stay out of the menu's start-up. Progress is
reported through ``progress(PrefetchProgress)``; ``cancel`` (a ``threading.Event`` or a
callable returning True) stops it between steps and is passed on to ``prepare_track``.

The report's ``online`` is what the menu passes to
:func:`~rokgame.daily.panel.daily_panel`: ``False`` switches the panel to the offline
fallback. When every day's track is already on disk there is no network check at all
(``online`` is ``None``).
"""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rokgame.core.daily import Catalogue, daily_pick
from rokgame.daily.local import fetch_argument, local_chart_for, remember_prepared
from rokgame.errors import RokError

#: Where the Daily Track's audio comes from; reaching it is what "online" means here.
NETWORK_HOST = ("www.youtube.com", 443)
NETWORK_TIMEOUT = 1.5


@dataclass(frozen=True, slots=True)
class PrefetchProgress:
    """One progress report: which day's track, the stage ``prepare_track`` reported, and the overall fraction."""

    date: date
    title: str
    index: int  # 0-based position of this track among those being prefetched
    total: int
    stage: str
    fraction: float  # 0..1 over the whole prefetch
    #: The day's chart, on the report that says it is ready (stage ``"ready"``).
    chart_path: Path | None = None
    #: Why the day's track could not be prepared (one sentence), on the report that says it failed.
    error: str | None = None

    @property
    def text(self) -> str:
        return f"Daily Track {self.index + 1}/{self.total}: {self.title} — {self.stage}"


@dataclass(slots=True)
class PrefetchReport:
    """What the prefetch did: charts ready by day, failures by day (one sentence each)."""

    #: True or False as the network check found; None when it was not needed (every track was on disk).
    online: bool | None
    prepared: dict[date, Path] = field(default_factory=dict)
    failed: dict[date, str] = field(default_factory=dict)
    cancelled: bool = False
    library_charts: int = 0  # library charts whose "For you" figures are now cached
    failed_warmup: str | None = None


def network_available(host: str = NETWORK_HOST[0], port: int = NETWORK_HOST[1], *,
                      timeout: float = NETWORK_TIMEOUT) -> bool:
    """True when one TCP connection to ``host`` opens within ``timeout`` seconds.

    Behind a proxy a direct connection proves nothing, so with one configured this says
    True and lets the download (which honours the proxy) find out. Call it from a worker:
    the name lookup before the connection has no timeout of its own.
    """
    proxies = urllib.request.getproxies()
    if proxies.get("https") or proxies.get("all"):
        return True
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _cancelled(cancel: Any) -> bool:
    if cancel is None:
        return False
    if hasattr(cancel, "is_set"):
        return bool(cancel.is_set())
    return bool(cancel())


def prefetch_daily(
    dates: Iterable[date],
    *,
    progress: Callable[[PrefetchProgress], None] | None = None,
    cancel: Any = None,
    catalogue: Catalogue | None = None,
    check_network: Callable[[], bool] | None = network_available,
    prepare: Callable[..., Any] | None = None,
    warm_for_you: bool = True,
) -> PrefetchReport:
    """Make the Daily Tracks of ``dates`` playable offline; return what happened.

    ``check_network=None`` skips the network check; ``prepare`` defaults to
    :func:`rokgame.tracks.prepare_track` (tests pass their own). A track that fails
    (a :class:`~rokgame.errors.RokError`) is reported and the next one is tried.
    First, with ``warm_for_you``, the library's chart figures are read into the "For you"
    cache (local work, done here so the menu thread never has to).
    """
    days = list(dict.fromkeys(dates))
    if catalogue is None:
        from rokgame.daily.catalogue import catalogue_for_menu

        catalogue = catalogue_for_menu()[0]
    report = PrefetchReport(online=True)
    if warm_for_you:
        from rokgame.recommend import warm_feature_cache

        try:
            report.library_charts = warm_feature_cache()
        except RokError as error:  # a database that can't be opened: the menu will say so itself
            report.failed_warmup = str(error)
    # Ask the network only when a day's track is not on disk yet: a start with everything prepared
    # (or a catalogue of demo songs and files) makes no connection at all.
    needs_network = any(local_chart_for(daily_pick(day, catalogue).source) is None for day in days)
    if not needs_network:
        report.online = None
    elif check_network is not None and not check_network():
        report.online = False
        return report
    for index, day in enumerate(days):
        if _cancelled(cancel):
            report.cancelled = True
            break
        pick = daily_pick(day, catalogue)

        def tell(fraction: float, stage: str, *, chart: Path | None = None, error: str | None = None,
                 _i: int = index, _day: date = day, _title: str = pick.title) -> None:
            if progress is not None:
                try:
                    share = min(1.0, max(0.0, float(fraction)))
                except (TypeError, ValueError):
                    share = 0.0  # a stage without a figure
                progress(PrefetchProgress(_day, _title, _i, len(days), stage, (_i + share) / len(days), chart,
                                          error))

        ready = local_chart_for(pick.source)
        if ready is not None:
            report.prepared[day] = ready
            tell(1.0, "ready", chart=ready)
            continue
        if prepare is None:
            from rokgame.tracks import prepare_track  # yt-dlp and librosa: only now, on this worker thread

            prepare = prepare_track
        tell(0.0, "starting")
        try:
            prepared = prepare(fetch_argument(pick.source), progress=lambda f, s="", _t=tell: _t(f, str(s)),
                               cancel=cancel)
        except RokError as error:
            if _cancelled(cancel):
                report.cancelled = True
                break
            report.failed[day] = str(error)
            tell(1.0, f"failed: {error}", error=str(error))
            continue
        remember_prepared(pick.source, prepared)
        report.prepared[day] = Path(prepared.chart_path)
        tell(1.0, "ready", chart=report.prepared[day])
    return report
