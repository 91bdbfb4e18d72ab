"""Every way a fetch fails is one sentence, with nothing left behind.

yt-dlp is replaced at its boundary (``YoutubeDL.extract_info`` / ``process_ie_result``)
by fakes that raise the real exception types the way yt-dlp itself does: an
``ExtractorError`` (or ``GeoRestrictedError``, ``UnsupportedError``) reported through
yt-dlp's own ``report_error``, which wraps it in a ``DownloadError`` with ``exc_info``.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.error import URLError

import pytest
import yt_dlp
from test_fetch_support import library_files
from yt_dlp.networking.exceptions import TransportError
from yt_dlp.utils import DownloadError, ExtractorError, GeoRestrictedError, UnsupportedError

from rokgame.cli import main
from rokgame.fetch import errors as fetch_errors
from rokgame.fetch.errors import explain
from rokgame.fetch.network import check_reachable as real_check_reachable
from rokgame.storage.db import connect
from rokgame.tracks import prepare_track

VIDEO = "https://www.youtube.com/watch?v=AAAAAAAAAAA"


@pytest.fixture(autouse=True)
def pretend_youtube_is_reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests fake yt-dlp; the preflight would otherwise (rightly) find no YouTube here."""
    monkeypatch.setattr("rokgame.fetch.network.check_reachable", lambda url, **kw: None)


def reported(make: Callable[[], BaseException]) -> Callable[..., Any]:
    """An extract_info that fails like yt-dlp's: the error is reported and comes out as a DownloadError."""

    def extract_info(self: yt_dlp.YoutubeDL, url: str, download: bool = True, *args: Any, **kwargs: Any) -> Any:
        try:
            raise make()
        except ExtractorError as error:
            self.report_error(str(error), error.format_traceback())
        raise AssertionError("report_error did not raise")

    return extract_info


def network_down() -> ExtractorError:
    try:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except OSError as cause:
            raise TransportError("Failed to resolve 'www.youtube.com'", cause=cause) from cause
    except TransportError as transport:
        return ExtractorError(f"Unable to download webpage: {transport}", cause=transport, video_id="AAAAAAAAAAA",
                              ie="youtube")


CASES: list[tuple[str, Callable[[], BaseException], type[Exception], str]] = [
    ("private", lambda: ExtractorError("Private video. Sign in if you've been granted access to this video. "
                                       "Use --cookies-from-browser or --cookies for the authentication.",
                                       expected=True, video_id="AAAAAAAAAAA", ie="youtube"),
     fetch_errors.PrivateVideo, "private"),
    ("age", lambda: ExtractorError("Sign in to confirm your age. This video may be inappropriate for some users. "
                                   "Use --cookies-from-browser", expected=True, video_id="AAAAAAAAAAA", ie="youtube"),
     fetch_errors.AgeRestricted, "age-restricted"),
    ("unavailable", lambda: ExtractorError("Video unavailable. This video has been removed by the uploader",
                                           expected=True, video_id="AAAAAAAAAAA", ie="youtube"),
     fetch_errors.VideoUnavailable, "unavailable"),
    ("region", lambda: GeoRestrictedError("The uploader has not made this video available in your country",
                                          countries=["US"]),
     fetch_errors.RegionBlocked, "region"),
    ("unsupported", lambda: UnsupportedError("https://example.org/some/page"),
     fetch_errors.UnsupportedLink, "can't play that link"),
    ("offline", network_down, fetch_errors.NoNetwork, "Couldn't reach YouTube — check your connection"),
]


def assert_nothing_left(home: Path) -> None:
    assert library_files(home) == []
    conn = connect()
    try:
        assert conn.execute("SELECT COUNT(*) FROM tracks").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM charts").fetchone()[0] == 0
    finally:
        conn.close()


@pytest.mark.parametrize("name, make, kind, words", CASES, ids=[c[0] for c in CASES])
def test_yt_dlp_failures_become_one_sentence(
    name: str, make: Callable[[], BaseException], kind: type[Exception], words: str,
    monkeypatch: pytest.MonkeyPatch, rokgame_home: Path,
) -> None:
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", reported(make))
    with pytest.raises(kind) as caught:
        prepare_track(VIDEO)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message and "ERROR" not in message and "--cookies" not in message
    assert_nothing_left(rokgame_home)


@pytest.mark.parametrize("name, make, kind, words", CASES, ids=[c[0] for c in CASES])
def test_the_cli_prints_the_sentence_and_no_traceback(
    name: str, make: Callable[[], BaseException], kind: type[Exception], words: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", reported(make))
    assert main(["fetch", VIDEO]) == 1
    captured = capsys.readouterr()
    *progress, last = captured.err.splitlines()
    assert last.startswith("rokgame: ") and words in last
    assert all(line.endswith("…") for line in progress)  # piped, the progress bar is one line per stage
    assert "Traceback" not in captured.err + captured.out


def test_a_url_error_or_connection_error_is_no_network() -> None:
    for cause in (URLError(socket.gaierror(-3, "Temporary failure in name resolution")),
                  ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")):
        error = DownloadError(f"ERROR: {cause}", exc_info=(type(cause), cause, None))
        result = explain(error, site="YouTube")
        assert isinstance(result, fetch_errors.NoNetwork)
        assert str(result) == "Couldn't reach YouTube — check your connection"


def test_a_full_disk_while_downloading_says_so(monkeypatch: pytest.MonkeyPatch, rokgame_home: Path) -> None:
    def extract_info(self: yt_dlp.YoutubeDL, url: str, download: bool = True, **kwargs: Any) -> dict[str, Any]:
        return {"id": "AAAAAAAAAAA", "title": "Song", "channel": "Band", "duration": 200.0,
                "extractor_key": "Youtube", "webpage_url": VIDEO, "live_status": "not_live"}

    def process_ie_result(self: yt_dlp.YoutubeDL, info: dict[str, Any], download: bool = True, **kw: Any) -> Any:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as error:  # what yt-dlp's HTTP downloader does with a failed write
            self.report_error(f"unable to write data: {error}")

    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", extract_info)
    monkeypatch.setattr(yt_dlp.YoutubeDL, "process_ie_result", process_ie_result)
    with pytest.raises(fetch_errors.DiskFull, match="the disk is full"):
        prepare_track(VIDEO)
    assert_nothing_left(rokgame_home)


def fake_info(**fields: Any) -> Callable[..., dict[str, Any]]:
    info = {"id": "AAAAAAAAAAA", "title": "A Song", "channel": "A Band", "extractor_key": "Youtube",
            "webpage_url": VIDEO, **fields}

    def extract_info(self: yt_dlp.YoutubeDL, url: str, download: bool = True, **kwargs: Any) -> dict[str, Any]:
        assert not download, "nothing may be downloaded before the checks"
        return dict(info)

    return extract_info


def no_download(self: yt_dlp.YoutubeDL, *args: Any, **kwargs: Any) -> Any:
    raise AssertionError("nothing may be downloaded")


@pytest.mark.parametrize("fields, words", [
    ({"is_live": True, "live_status": "is_live", "duration": None}, "is a live stream; rokgame plays recorded"),
    ({"live_status": "is_upcoming", "duration": None}, "hasn't started yet"),
])
def test_live_streams_are_refused_before_downloading(
    fields: dict[str, Any], words: str, monkeypatch: pytest.MonkeyPatch, rokgame_home: Path,
) -> None:
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", fake_info(**fields))
    monkeypatch.setattr(yt_dlp.YoutubeDL, "process_ie_result", no_download)
    with pytest.raises(fetch_errors.LiveStream, match=words):
        prepare_track(VIDEO)
    assert_nothing_left(rokgame_home)


def test_too_long_is_refused_before_downloading(monkeypatch: pytest.MonkeyPatch, rokgame_home: Path) -> None:
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", fake_info(duration=3725.0))
    monkeypatch.setattr(yt_dlp.YoutubeDL, "process_ie_result", no_download)
    with pytest.raises(fetch_errors.TooLong) as caught:
        prepare_track(VIDEO)
    assert "1:02:05 long" in str(caught.value) and "15 minutes" in str(caught.value)
    # The player's own limit counts.
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", fake_info(duration=400.0))
    with pytest.raises(fetch_errors.TooLong, match="up to 5 minutes"):
        prepare_track(VIDEO, max_minutes=5)
    assert_nothing_left(rokgame_home)


def test_no_network_is_found_out_at_once_without_yt_dlp(monkeypatch: pytest.MonkeyPatch, rokgame_home: Path) -> None:
    monkeypatch.setattr("rokgame.fetch.network.check_reachable", real_check_reachable)  # the real preflight
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", no_download)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(fetch_errors.NoNetwork, match=r"^Couldn't reach 127\.0\.0\.1 — check your connection$"):
        prepare_track(f"http://127.0.0.1:{port}/song.ogg")
    print(f"refused after {time.monotonic() - started:.3f} s")
    assert_nothing_left(rokgame_home)


def test_an_unexpected_failure_is_still_one_sentence() -> None:
    try:
        raise ExtractorError("Unable to extract player response; please report this issue on  https://github.com",
                             video_id="AAAAAAAAAAA", ie="youtube")
    except ExtractorError as inner:
        error = DownloadError(f"ERROR: {inner}", exc_info=(type(inner), inner, None))
    message = str(explain(error, site="YouTube", what="that video"))
    assert message == "couldn't get that video from YouTube: Unable to extract player response"


def test_library_tables_untouched_by_a_failure(monkeypatch: pytest.MonkeyPatch, rokgame_home: Path) -> None:
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", reported(network_down))
    with pytest.raises(fetch_errors.NoNetwork):
        prepare_track("https://youtu.be/AAAAAAAAAAA")
    conn = sqlite3.connect(rokgame_home / "data" / "rokgame.sqlite3")
    assert conn.execute("SELECT COUNT(*) FROM tracks").fetchone()[0] == 0
    conn.close()
