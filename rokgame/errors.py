"""One error family: everything rokgame raises on purpose is a :class:`RokError`.

The CLI and the game print ``str(error)`` as one sentence; anything that is *not*
a RokError is a bug and gets a traceback (with ``--debug``, RokErrors do too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rokgame.core.chart_io import Problem


class RokError(Exception):
    """Base of every error that is the user's or the world's doing, not a bug."""


class ChartError(RokError):
    """A chart could not be loaded; ``problems`` lists every reason with its JSON path."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class AudioError(RokError):
    """Audio could not be decoded, analysed or played."""


class FetchError(RokError):
    """A track could not be found or downloaded."""


class StorageError(RokError):
    """The library, score or settings files could not be read or written."""


class Cancelled(RokError):
    """The player cancelled a long task (chart generation, a download) before it finished."""
