"""The Daily Track around the pure pick in :mod:`rokgame.core.daily`: catalogue files, the
player's library, the menu's panel and the background prefetch.

Nothing here imports pygame, numpy, librosa or yt-dlp at import time: the menu calls
:func:`~rokgame.daily.panel.daily_panel` on its own thread, and
:func:`~rokgame.daily.prefetch.prefetch_daily` reaches :mod:`rokgame.tracks` lazily,
from a worker thread.
"""

from __future__ import annotations

from rokgame.daily.catalogue import builtin_catalogue_path, catalogue_for_menu, load_catalogue
from rokgame.daily.panel import DailyPanel, daily_panel
from rokgame.daily.prefetch import PrefetchProgress, PrefetchReport, network_available, prefetch_daily

__all__ = [
    "DailyPanel",
    "PrefetchProgress",
    "PrefetchReport",
    "builtin_catalogue_path",
    "catalogue_for_menu",
    "daily_panel",
    "load_catalogue",
    "network_available",
    "prefetch_daily",
]
