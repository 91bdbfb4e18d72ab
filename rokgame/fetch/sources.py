"""What the player typed: a link, an audio file, a chart, or a search.

Pure standard library, so the game's Add-track box can classify as the player types.
The rules, in order:

* ``http://`` / ``https://`` (or a bare ``youtube.com/…`` / ``youtu.be/…``) → a link;
* any other scheme (``file://``, ``ftp://``, ``javascript:``…) → refused in one sentence;
* an existing path (after ``~`` expansion) → a ``.json`` chart or an audio file;
* something that plainly names a file that is not there → "no such file";
* anything else → a YouTube search.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from rokgame.errors import FetchError

#: Audio files rokgame takes from the player's disk. The first group plays as it is;
#: the rest are converted to Ogg Vorbis in the cache first (pygame and libsndfile can't read them).
PLAYABLE_EXTENSIONS = frozenset({".ogg", ".oga", ".opus", ".mp3", ".wav", ".flac"})
CONVERTED_EXTENSIONS = frozenset({".m4a", ".aac", ".webm", ".mp4", ".mka", ".wma", ".aif", ".aiff"})
AUDIO_EXTENSIONS = PLAYABLE_EXTENSIONS | CONVERTED_EXTENSIONS
CHART_EXTENSION = ".json"

# A scheme is letters then "://", or one of the schemes that work without slashes. "Metallica: One"
# is a search, not a "metallica:" link, so bare "word:" only counts for these.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_BARE_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "about", "blob", "mailto", "tel",
                           "magnet", "ftp", "sftp", "ssh", "smb", "ws", "wss", "chrome", "view-source"})
_YOUTUBE_BARE = re.compile(r"^(?:(?:www|m|music)\.)?(?:youtube\.com|youtu\.be)/", re.IGNORECASE)
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com",
                            "youtu.be", "www.youtube-nocookie.com", "youtube-nocookie.com"})


class SourceKind(enum.StrEnum):
    LINK = "link"
    FILE = "file"
    CHART = "chart"
    SEARCH = "search"


@dataclass(frozen=True, slots=True)
class Source:
    """A classified source: ``value`` is the URL, the absolute path or the search words."""

    kind: SourceKind
    value: str
    text: str

    @property
    def path(self) -> Path:
        return Path(self.value)


class RefusedSource(FetchError):
    """The source is a kind of link rokgame never opens."""


class NoSuchFile(FetchError):
    """The source names a file that is not there."""


def classify_source(text: str) -> Source:
    """Say what ``text`` is; raise :class:`~rokgame.errors.FetchError` for what rokgame refuses."""
    original = text
    text = text.strip()
    if not text:
        raise FetchError("name a track: a YouTube link, words to search for, or an audio file")
    if _YOUTUBE_BARE.match(text):
        text = "https://" + text
    scheme = _scheme(text)
    if scheme in ("http", "https"):
        check_link(text)
        return Source(SourceKind.LINK, text, original)
    if scheme is not None:
        raise RefusedSource(f"rokgame only opens http and https links, not {scheme}: ones "
                            "(to play a file on this computer, give its path)")
    path = Path(text).expanduser()
    try:
        exists = path.exists()
    except (OSError, ValueError):  # a name too long for the file system, a NUL: not a path
        exists = False
    if exists:
        path = path.resolve()
        if path.is_dir():
            raise FetchError(f"{path} is a folder; name an audio file in it")
        if not path.is_file():
            # A FIFO or a device: reading it would block, or never end.
            raise FetchError(f"{path} is not a regular file (a pipe or a device?); name an audio file")
        suffix = path.suffix.lower()
        if suffix == CHART_EXTENSION:
            return Source(SourceKind.CHART, str(path), original)
        if suffix not in AUDIO_EXTENSIONS:
            raise FetchError(f"{path.name} is not an audio file rokgame reads "
                             f"({', '.join(sorted(e[1:] for e in AUDIO_EXTENSIONS))})")
        return Source(SourceKind.FILE, str(path), original)
    if _looks_like_a_path(text):
        raise NoSuchFile(f"no such file: {path}")
    return Source(SourceKind.SEARCH, " ".join(text.split()), original)


def check_link(url: str) -> None:
    """Raise :class:`RefusedSource` (one sentence) unless ``url`` is a well-formed http(s) link.

    Used for what the player types and for every link yt-dlp is about to follow: a web page can point
    at ``ftp://``, ``file://`` or a ``ytsearch:`` entry, and a port of 99999 or ``[::1`` is a ValueError
    deep inside urllib otherwise.
    """
    shown = url if len(url) <= 80 else url[:77] + "..."
    scheme = url.partition(":")[0].lower()
    if scheme not in ("http", "https"):
        raise RefusedSource(f"rokgame only opens http and https links, not {scheme or 'that'}: ones ({shown})")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for a port that is not a number from 0 to 65535
        host = parts.hostname
    except ValueError as exc:
        raise RefusedSource(f"{shown} is not a valid link ({exc})") from None
    if not host:
        raise RefusedSource(f"{shown} is not a complete link (it has no address after {scheme}://)")
    if port == 0:
        raise RefusedSource(f"{shown} is not a valid link (port 0)")


def _scheme(text: str) -> str | None:
    match = _SCHEME.match(text)
    if match:
        return match.group(1).lower()
    head, colon, _ = text.partition(":")
    if colon and head.lower() in _BARE_SCHEMES:
        return head.lower()
    return None


def _looks_like_a_path(text: str) -> bool:
    # "AC/DC - Thunderstruck" is a search; "./song.mp3", "~/x.ogg", "C:\\x" and "song.mp3" are files.
    if text.startswith(("/", "~", "./", "../", ".\\", "..\\")) or re.match(r"^[A-Za-z]:[\\/]", text):
        return True
    suffix = Path(text).suffix.lower()
    return " " not in text and (suffix in AUDIO_EXTENSIONS or suffix == CHART_EXTENSION)


def youtube_id(url: str) -> str | None:
    """The video id of a YouTube watch/short/embed/youtu.be link, else ``None``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if host not in _YOUTUBE_HOSTS:
        return None
    candidate: str | None = None
    if host == "youtu.be":
        candidate = parts.path.strip("/").split("/")[0]
    elif parts.path == "/watch":
        candidate = (parse_qs(parts.query).get("v") or [None])[0]
    else:
        segments = parts.path.strip("/").split("/")
        if len(segments) >= 2 and segments[0] in ("shorts", "embed", "live", "v", "e"):
            candidate = segments[1]
    return candidate if candidate and _YOUTUBE_ID.match(candidate) else None


def is_youtube(url: str) -> bool:
    try:
        return (urlsplit(url).hostname or "").lower() in _YOUTUBE_HOSTS
    except ValueError:
        return False


def canonical_url(url: str) -> str:
    """One spelling per video, so the same track is found however it was linked."""
    video = youtube_id(url)
    if video is not None:
        return f"https://www.youtube.com/watch?v={video}"
    return url
