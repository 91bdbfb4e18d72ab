"""Getting tracks: classify what the player typed, look it up, search, download (yt-dlp, ffmpeg).

Imports the standard library and :mod:`rokgame.core` at import time; yt-dlp and
ffmpeg are loaded only when a download or search actually starts.
"""

from rokgame.fetch.errors import Cancelled, explain
from rokgame.fetch.sources import Source, SourceKind, canonical_url, classify_source, youtube_id

__all__ = ["Cancelled", "Source", "SourceKind", "canonical_url", "classify_source", "explain", "youtube_id"]
