"""A quick look at the network before yt-dlp starts retrying against it.

Offline, yt-dlp fails only after its retries and socket timeouts; the player should
hear "Couldn't reach YouTube" within a few seconds instead. :func:`check_reachable`
resolves the host and opens one TCP connection, each with a short timeout. Behind a
proxy a direct connection proves nothing, so with a proxy configured it checks
nothing and lets yt-dlp (which honours the proxy) find out.
"""

from __future__ import annotations

import socket
import threading
import urllib.request
from urllib.parse import urlsplit

from rokgame.fetch.errors import no_network

#: Seconds for the name lookup and for the connection, each.
PREFLIGHT_TIMEOUT = 4.0


def site_name(url: str) -> str:
    """What to call the site in a sentence: "YouTube" or its host name."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(("youtube.com", "youtu.be", "youtube-nocookie.com")):
        return "YouTube"
    return host.removeprefix("www.") or "the site"


def _resolve(host: str, port: int, timeout: float) -> list[tuple]:
    # getaddrinfo has no timeout of its own; a stuck resolver must not hang the loading screen.
    result: list[list[tuple]] = []
    failure: list[BaseException] = []

    def lookup() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)

    thread = threading.Thread(target=lookup, name="rokgame-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if failure:
        raise failure[0]
    if not result:
        raise TimeoutError(f"looking up {host} took more than {timeout:g} s")
    return result[0]


def check_reachable(url: str, *, timeout: float = PREFLIGHT_TIMEOUT) -> None:
    """Raise :class:`~rokgame.fetch.errors.NoNetwork` at once when ``url``'s host can't be reached."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    proxies = urllib.request.getproxies()
    if proxies.get(parts.scheme) or proxies.get("all"):
        return
    try:
        addresses = _resolve(host, port, timeout)
    except (OSError, UnicodeError) as exc:
        raise no_network(site_name(url)) from exc
    last: OSError | None = None
    for family, kind, proto, _, address in addresses[:3]:
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.settimeout(timeout)
                sock.connect(address)
                return
        except OSError as exc:
            last = exc
    raise no_network(site_name(url)) from last
