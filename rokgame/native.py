"""Native libraries that print on their own: keep their chatter off the player's terminal.

libmpg123 (inside libsndfile) writes warnings such as ``[src/libmpg123/parse.c:...] Duh...`` or
``Warning: Xing stream size off`` straight to file descriptor 2 while it decodes an odd mp3.
Python cannot catch those lines, so while such a library runs, fd 2 points at the null device.
Nested and concurrent uses (decoding runs two threads) share one redirection.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_saved: int | None = None


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence what native code writes to fd 2 for the duration (Python's own errors are raised, not printed)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            try:
                sys.stderr.flush()
                null = os.open(os.devnull, os.O_WRONLY)
                _saved = os.dup(2)
                os.dup2(null, 2)
                os.close(null)
            except (OSError, ValueError):  # no fd 2 (a windowed launcher): nothing to keep quiet
                _saved = None
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                os.dup2(_saved, 2)
                os.close(_saved)
                _saved = None
