"""The pygame game: the only package that imports pygame.

Importing :mod:`rokgame.game.app` must stay cheap (no librosa, no yt-dlp): the
menu opens in well under a second and reaches analysis and fetching only through
:mod:`rokgame.game.workers`, which imports them lazily in a background thread.
"""

from __future__ import annotations

import os

# Say nothing on import: rokgame prints its own messages.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
