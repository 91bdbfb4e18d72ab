"""yt-dlp's error family, told to the player in one sentence.

yt-dlp reports trouble as a :class:`yt_dlp.utils.DownloadError` whose ``exc_info`` and
exception chain hold what really happened: an ``ExtractorError`` with YouTube's own
reason, a ``GeoRestrictedError``, an ``UnsupportedError``, a network error from
urllib3/requests/socket, an ``OSError`` from a full disk. :func:`explain` walks all of
it and picks the sentence. This module imports nothing from yt-dlp at import time, so
the errors can be caught (and classes named) without loading it.
"""

from __future__ import annotations

import errno
import re
import socket
import ssl
from collections.abc import Iterator

from rokgame.errors import Cancelled, FetchError

__all__ = ["DISK_FULL", "AgeRestricted", "Cancelled", "DiskFull", "LiveStream", "NoNetwork", "NoResults",
           "PrivateVideo", "RegionBlocked", "SignInRequired", "TooLong", "UnsupportedLink", "VideoUnavailable",
           "explain", "no_network"]


class NoNetwork(FetchError):
    """The site could not be reached at all."""


class VideoUnavailable(FetchError):
    """The video was removed, never existed, or the server said 404."""


class PrivateVideo(FetchError):
    pass


class AgeRestricted(FetchError):
    pass


class RegionBlocked(FetchError):
    pass


class UnsupportedLink(FetchError):
    pass


class TooLong(FetchError):
    pass


class LiveStream(FetchError):
    pass


class DiskFull(FetchError):
    pass


class NoResults(FetchError):
    pass


class SignInRequired(FetchError):
    """The site wants an account (members-only, bot check)."""


DISK_FULL = "the disk is full — free some space and try again"


def no_network(site: str) -> NoNetwork:
    return NoNetwork(f"Couldn't reach {site} — check your connection")


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, what it wraps (exc_info, cause, context), depth first, each once."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        exc_info = getattr(current, "exc_info", None)
        if isinstance(exc_info, tuple) and len(exc_info) == 3 and isinstance(exc_info[1], BaseException):
            stack.append(exc_info[1])
        for nested in (getattr(current, "cause", None), current.__cause__, current.__context__):
            if isinstance(nested, BaseException):
                stack.append(nested)


def _is_network(error: BaseException) -> bool:
    from urllib.error import URLError

    if isinstance(error, (socket.gaierror, socket.timeout, TimeoutError, ConnectionError, URLError)):
        return True
    if isinstance(error, OSError) and error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN,
                                                      errno.ECONNREFUSED, errno.ECONNRESET, errno.ETIMEDOUT):
        return True
    name = type(error).__name__
    # yt-dlp's TransportError family and what urllib3/requests raise under it.
    return name in ("TransportError", "NameResolutionError", "NewConnectionError", "ConnectTimeoutError",
                    "MaxRetryError", "ProxyError", "ConnectionError", "ReadTimeoutError", "IncompleteRead")


def _reason(error: BaseException) -> str:
    """yt-dlp's message without its decorations: 'ERROR: ', '[youtube] id: ', '(caused by …)', bug-report text."""
    text = getattr(error, "orig_msg", None) or getattr(error, "msg", None) or str(error)
    text = str(text).strip()
    text = re.sub(r"^(?:ERROR:\s*)?(?:\[[^\]]+\]\s*)?(?:[\w-]+:\s+)?", "", text) if text.startswith(
        ("ERROR:", "[")) else text
    text = re.sub(r"\s*\(caused by .*$", "", text, flags=re.DOTALL)
    text = re.sub(r";?\s*please report this issue.*$", "", text, flags=re.DOTALL | re.IGNORECASE)
    text = text.splitlines()[0] if text else ""
    return text.strip().rstrip(".")


def explain(error: BaseException, *, site: str = "the site", what: str = "that track") -> FetchError:
    """Turn any error raised while using yt-dlp into one :class:`FetchError` sentence."""
    if isinstance(error, FetchError):
        return error
    chain = list(_chain(error))
    ours = next((e for e in chain if isinstance(e, FetchError)), None)
    if ours is not None:  # raised in one of our hooks (too big, cancelled) and wrapped by yt-dlp
        return ours
    names = {type(e).__name__ for e in chain}
    messages = " | ".join(str(getattr(e, "orig_msg", None) or e) for e in chain).lower()

    for e in chain:
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            return DiskFull(DISK_FULL)
    if "no space left on device" in messages:
        return DiskFull(DISK_FULL)
    if "GeoRestrictedError" in names or "not available in your country" in messages \
            or "not available from your location" in messages:
        return RegionBlocked(f"{what} is blocked in your region")
    if "private video" in messages:
        return PrivateVideo(f"{what} is a private video")
    if "confirm your age" in messages or "age-restricted" in messages or "inappropriate for some users" in messages:
        return AgeRestricted(f"{what} is age-restricted, and rokgame does not sign in to YouTube")
    if "UnsupportedError" in names or "unsupported url" in messages:
        return UnsupportedLink("rokgame can't play that link: it is not a video or audio page it knows "
                               "(try a YouTube link, a search or an audio file)")
    if "CertificateVerifyError" in names or any(isinstance(e, ssl.SSLCertVerificationError) for e in chain):
        return NoNetwork(f"Couldn't make a secure connection to {site} (its certificate was not trusted)")
    if any(_is_network(e) for e in chain):
        return no_network(site)
    if "members-only" in messages or "join this channel" in messages:
        return SignInRequired(f"{what} is for the channel's members only")
    if "not a bot" in messages:
        return SignInRequired(f"{site} asked to confirm you're not a bot; try again later, or play an audio file")
    if "is offline" in messages or "live event will begin" in messages or "premieres in" in messages:
        return LiveStream(f"{what} is a live stream or premiere that hasn't started; try again once it has ended")
    http_status = next((getattr(e, "status", None) for e in chain if type(e).__name__ == "HTTPError"), None)
    if http_status is None:
        match = re.search(r"http error (\d{3})", messages)
        http_status = int(match.group(1)) if match else None
    if http_status == 404 or any(s in messages for s in (
            "video unavailable", "this video is unavailable", "not available", "has been removed",
            "does not exist", "no video formats found", "requested format is not available")):
        return VideoUnavailable(f"{what} is unavailable (removed, or never there)")
    if http_status in (401, 403):
        return VideoUnavailable(f"{site} refused to send {what} (HTTP {http_status})")
    if "sign in" in messages or "login required" in messages or "registered users" in messages:
        return SignInRequired(f"{what} needs a signed-in account, and rokgame does not sign in")
    reason = _reason(error) or type(error).__name__
    return FetchError(f"couldn't get {what} from {site}: {reason}")
