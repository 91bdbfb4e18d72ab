"""yt-dlp through its Python API: look up, search, download the best audio.

Nothing here prints: yt-dlp runs quiet, with a :class:`_Logger` that sends its lines
to :mod:`logging` (debug level) and remembers the errors, and with progress and
post-processor hooks that feed the caller's ``progress(fraction, stage)``. Every
yt-dlp failure leaves as one sentence (:func:`rokgame.fetch.errors.explain`).

One :class:`YtDlp` session is one attempt: it downloads into the folder it is given
(a per-attempt temp dir the caller owns and removes).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rokgame.core.text import clean_text
from rokgame.fetch.errors import Cancelled, LiveStream, NoResults, TooLong, explain
from rokgame.fetch.ffmpeg import ffmpeg_exe
from rokgame.fetch.network import site_name
from rokgame.fetch.sources import canonical_url, check_link, is_youtube

log = logging.getLogger("rokgame.fetch.ytdlp")

Progress = Callable[[float, str], None]

SEARCH_RESULTS = 5
#: Few retries and a short socket timeout: a plainly absent network fails in seconds, not minutes.
NETWORK_OPTIONS: dict[str, Any] = {
    "retries": 2,
    "fragment_retries": 2,
    "extractor_retries": 1,
    "file_access_retries": 1,
    "socket_timeout": 10,
}
#: Without a known duration (a bare audio link), refuse files bigger than this many bytes per allowed second:
#: 200 kB/s fits CD-quality WAV, so any real track under the length limit gets through.
BYTES_PER_SECOND_LIMIT = 200_000
AUDIO_NAME = "audio"


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One search hit, as the CLI lists it and the game shows it."""

    id: str
    title: str
    channel: str
    duration: float | None
    url: str
    thumbnail: str | None = None


@dataclass(frozen=True, slots=True)
class TrackInfo:
    """What yt-dlp says about a track before anything is downloaded."""

    id: str
    title: str
    artist: str
    duration: float | None
    webpage_url: str
    thumbnail: str | None
    extractor: str
    #: Something the player should be told, e.g. that a playlist link gave its first track.
    note: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_youtube(self) -> bool:
        return self.extractor.lower().startswith("youtube")


def deno_exe() -> str | None:
    """The Deno binary from the ``deno`` package (YouTube's JavaScript challenges need it), if any."""
    try:
        import deno

        return deno.find_deno_bin()
    except (ImportError, FileNotFoundError, AttributeError):
        return shutil.which("deno")


class _Logger:
    """yt-dlp's ``logger``: nothing reaches the terminal; errors are kept for the error message."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.lines: deque[str] = deque(maxlen=200)

    def debug(self, message: str) -> None:
        self.lines.append(message)
        log.debug("%s", message)

    def info(self, message: str) -> None:
        self.lines.append(message)
        log.debug("%s", message)

    def warning(self, message: str) -> None:
        self.warnings.append(message)
        log.debug("warning: %s", message)

    def error(self, message: str) -> None:
        self.errors.append(message)
        log.debug("error: %s", message)


def _seconds(value: Any) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _artist(info: Mapping[str, Any]) -> str:
    for key in ("artists", "creators"):
        names = info.get(key)
        if isinstance(names, list) and names:
            return ", ".join(str(n) for n in names)
    for key in ("artist", "creator", "channel", "uploader"):
        value = info.get(key)
        if isinstance(value, str) and value.strip():
            # YouTube's auto-generated music channels are called "Name - Topic".
            return value.strip().removesuffix(" - Topic")
    return ""


def _thumbnail(info: Mapping[str, Any]) -> str | None:
    if isinstance(info.get("thumbnail"), str):
        return info["thumbnail"]
    thumbnails = info.get("thumbnails")
    if isinstance(thumbnails, list) and thumbnails and isinstance(thumbnails[-1], dict):
        return thumbnails[-1].get("url")
    return None


class YtDlp:
    """One attempt's yt-dlp: ``lookup``, ``search`` and ``download`` into ``workdir``."""

    def __init__(
        self,
        workdir: str | os.PathLike[str] | None = None,
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.workdir = Path(workdir) if workdir is not None else None
        self.progress = progress
        self.cancelled = cancelled
        self.logger = _Logger()
        self._cache_dir = cache_dir
        self._ydl: Any = None
        self._max_filesize: int | None = None
        #: Bytes a download may reach before it is stopped (set by ``lookup`` from the length limit).
        self._byte_limit: int | None = None

    # -- yt-dlp's options and hooks

    def options(self) -> dict[str, Any]:
        """The options dict handed to ``yt_dlp.YoutubeDL``."""
        options: dict[str, Any] = {
            "quiet": True,
            "no_warnings": True,
            "noprogress": True,
            "logger": self.logger,
            "color": "no_color",
            "consoletitle": False,
            "noplaylist": True,
            # A playlist link: list its first entry only, cheaply, and look that entry up on its own.
            "extract_flat": "in_playlist",
            "playlist_items": "1",
            "format": "bestaudio/best",
            # No post-processing: what arrives is kept when the mixer plays it (an mp3 link), and converted by
            # rokgame.tracks otherwise (YouTube's opus-in-webm), with its own progress and one error family.
            # imageio-ffmpeg's binary, for the formats yt-dlp must merge or remux; there is no ffprobe.
            "ffmpeg_location": ffmpeg_exe(),
            "progress_hooks": [self._on_download],
            "postprocessor_hooks": [self._on_postprocess],
            "overwrites": True,
            "continuedl": False,
            "updatetime": False,
            "writethumbnail": False,
            **NETWORK_OPTIONS,
        }
        if self.workdir is not None:
            options["outtmpl"] = {"default": str(self.workdir / f"{AUDIO_NAME}.%(ext)s")}
            options["paths"] = {"home": str(self.workdir), "temp": str(self.workdir)}
        if self._cache_dir is not None:
            options["cachedir"] = str(self._cache_dir)
        deno = deno_exe()
        if deno is not None:
            options["js_runtimes"] = {"deno": {"path": deno}}
        if self._max_filesize is not None:
            options["max_filesize"] = self._max_filesize
        return options

    def _check_cancel(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled("cancelled")

    def _report(self, fraction: float, stage: str) -> None:
        if self.progress is not None:
            self.progress(max(0.0, min(1.0, fraction)), stage)

    def _on_download(self, status: Mapping[str, Any]) -> None:
        self._check_cancel()
        if status.get("status") == "downloading":
            done = status.get("downloaded_bytes") or 0
            # yt-dlp checks max_filesize only against Content-Length: an endless stream with none downloaded
            # 1.26 GB. The bytes are counted here as they arrive.
            if self._byte_limit is not None and done > self._byte_limit:
                raise TooLong(f"that download is over {self._byte_limit / 2**20:.0f} MB, more than a track of "
                              "the allowed length; it was stopped")
            total = status.get("total_bytes") or status.get("total_bytes_estimate")
            fraction = done / total if total else 0.0
            self._report(fraction * 0.9, "Downloading")
        elif status.get("status") == "finished":
            self._report(0.9, "Downloading")

    def _on_postprocess(self, status: Mapping[str, Any]) -> None:
        self._check_cancel()

    def _youtube_dl(self) -> Any:
        if self._ydl is None:
            import yt_dlp

            self._ydl = yt_dlp.YoutubeDL(self.options())
        return self._ydl

    def close(self) -> None:
        if self._ydl is not None:
            self._ydl.close()
            self._ydl = None

    def __enter__(self) -> YtDlp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _follow(url: str) -> str:
        """A link the page points to: only http(s), whatever the page says (never ftp, file or a search)."""
        check_link(url)
        return url

    def _extract(self, url: str, *, site: str, what: str) -> dict[str, Any]:
        self._check_cancel()
        try:
            info = self._youtube_dl().extract_info(url, download=False)
        except Cancelled:
            raise
        except Exception as exc:
            raise explain(exc, site=site, what=what) from exc
        if not isinstance(info, dict):
            raise explain(RuntimeError("; ".join(self.logger.errors) or "no information"), site=site, what=what)
        return info

    # -- the three things it does

    def lookup(self, url: str, *, max_seconds: float | None = None) -> TrackInfo:
        """What the link is (title, artist, length); refuse live streams and tracks over ``max_seconds``."""
        site = site_name(url)
        self._report(0.0, "Looking up")
        info = self._extract(url, site=site, what="that video" if is_youtube(url) else "that link")
        note = None
        if info.get("_type") in ("playlist", "multi_video"):
            entries = [e for e in (info.get("entries") or []) if isinstance(e, dict)]
            if not entries:
                raise NoResults(f"that playlist on {site} is empty")
            first = entries[0]
            target = first.get("webpage_url") or first.get("url")
            if not target:
                raise NoResults(f"rokgame couldn't open the first track of that playlist on {site}")
            note = f"that link is a playlist; playing its first track: {first.get('title') or target}"
            target = self._follow(str(target))
            info = self._extract(target, site=site_name(target), what="the playlist's first track")
        if info.get("_type") == "url" and info.get("url"):
            target = self._follow(str(info["url"]))
            info = self._extract(target, site=site_name(target), what="that link")
        for form in [info, *(f for f in info.get("formats") or [] if isinstance(f, dict))]:
            if form.get("url"):
                self._follow(str(form["url"]))
        track = self._track(info, url, note)
        live = info.get("live_status")
        if info.get("is_live") or live in ("is_live", "is_upcoming", "post_live"):
            state = {"is_upcoming": " that hasn't started yet", "post_live": " that has only just ended and is "
                     "still being processed"}.get(str(live), "")
            raise LiveStream(f"“{track.title}” is a live stream{state}; rokgame plays recorded tracks")
        if max_seconds is not None:
            self._byte_limit = int(max(max_seconds, 60.0) * BYTES_PER_SECOND_LIMIT)
            if track.duration is not None and track.duration > max_seconds + 1:
                raise TooLong(too_long_message(track.title, track.duration, max_seconds))
            if track.duration is None:
                self._max_filesize = int(max_seconds * BYTES_PER_SECOND_LIMIT)
                if self._ydl is not None:
                    self._ydl.params["max_filesize"] = self._max_filesize
        self._report(1.0, "Looking up")
        return track

    def _track(self, info: Mapping[str, Any], url: str, note: str | None) -> TrackInfo:
        title = str(info.get("track") or info.get("title") or info.get("id") or "Untitled")
        webpage = str(info.get("webpage_url") or info.get("original_url") or url)
        return TrackInfo(
            id=str(info.get("id") or ""),
            title=clean_text(title).strip() or "Untitled",  # a web page's text: no NULs or escape codes
            artist=clean_text(_artist(info)),
            duration=_seconds(info.get("duration")),
            webpage_url=canonical_url(webpage),
            thumbnail=_thumbnail(info),
            extractor=str(info.get("extractor_key") or info.get("extractor") or ""),
            note=note,
            raw=info,
        )

    def search(self, query: str, *, count: int = SEARCH_RESULTS) -> list[SearchResult]:
        """The top ``count`` YouTube results for ``query`` (live streams left out)."""
        self._report(0.0, "Searching")
        info = self._extract(f"ytsearch{count}:{query}", site="YouTube", what="that search")
        results = []
        for entry in info.get("entries") or []:
            if not isinstance(entry, dict) or not entry.get("id"):
                continue
            if entry.get("live_status") in ("is_live", "is_upcoming") or entry.get("is_live"):
                continue
            url = entry.get("webpage_url") or entry.get("url") or f"https://www.youtube.com/watch?v={entry['id']}"
            results.append(SearchResult(
                id=str(entry["id"]),
                title=clean_text(str(entry.get("title") or entry["id"])),
                channel=clean_text(_artist({k: entry.get(k) for k in ("channel", "uploader")})),
                duration=_seconds(entry.get("duration")),
                url=canonical_url(str(url)),
                thumbnail=_thumbnail(entry),
            ))
        if not results:
            raise NoResults(f"YouTube found nothing for “{query}”")
        self._report(1.0, "Searching")
        return results[:count]

    def download(self, track: TrackInfo) -> Path:
        """Download ``track``'s best audio into the work dir, as it comes; return the file."""
        if self.workdir is None:
            raise ValueError("download() needs a workdir")
        site = site_name(track.webpage_url)
        what = f"“{track.title}”"
        self._check_cancel()
        self._report(0.0, "Downloading")
        try:
            result = self._youtube_dl().process_ie_result(dict(track.raw), download=True)
        except (Cancelled, TooLong):
            raise
        except Exception as exc:
            raise explain(exc, site=site, what=what) from exc
        self._check_cancel()
        produced = self._produced(result)
        if produced is None:
            said = " ".join([*self.logger.errors, *self.logger.warnings, *self.logger.lines]).lower()
            if "max-filesize" in said or "larger than" in said:
                raise TooLong(f"{what} is too big to be a track of the allowed length")
            raise explain(RuntimeError("; ".join(self.logger.errors) or "the download produced no audio"),
                          site=site, what=what)
        return produced

    def _produced(self, result: Any) -> Path | None:
        assert self.workdir is not None
        if isinstance(result, dict):
            for item in result.get("requested_downloads") or []:
                path = item.get("filepath") if isinstance(item, dict) else None
                if path and Path(path).is_file():
                    return Path(path)
        found = sorted(p for p in self.workdir.glob(f"{AUDIO_NAME}.*")
                       if p.is_file() and p.suffix not in (".part", ".ytdl", ".temp"))
        return found[0] if found else None


def too_long_message(title: str, seconds: float, max_seconds: float) -> str:
    return (f"“{title}” is {_clock(seconds)} long; rokgame takes tracks up to {max_seconds / 60:g} minutes "
            "(max_track_minutes in the settings)")
