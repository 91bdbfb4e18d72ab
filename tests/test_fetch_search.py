"""Searches: the top five with title, channel and length; a pick; offline, the library answers.

YouTube's search is replaced at ``YoutubeDL.extract_info`` by a fake that answers
``ytsearch5:`` the way yt-dlp does with ``extract_flat`` (a playlist of url entries).
The picked result points at a local server, so the rest of the way is real.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yt_dlp
from test_fetch_support import AudioServer, fake_generate_chart_file, library_files, make_audio, serve

from rokgame.cli import main
from rokgame.commands.fetch import choose_in_terminal
from rokgame.errors import Cancelled
from rokgame.fetch.errors import NoNetwork, NoResults
from rokgame.tracks import prepare_track, search


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AudioServer]:
    root = tmp_path / "www"
    for n in range(3):
        make_audio(root / f"hit{n}.wav", 6.0, seed=n)
    yield from serve(root)


@pytest.fixture
def youtube(monkeypatch: pytest.MonkeyPatch, server: AudioServer) -> list[str]:
    """A fake YouTube search; records the queries; other URLs go to the real yt-dlp."""
    asked: list[str] = []
    real = yt_dlp.YoutubeDL.extract_info

    def extract_info(self: yt_dlp.YoutubeDL, url: str, download: bool = True, **kwargs: Any) -> Any:
        if not url.startswith("ytsearch"):
            return real(self, url, download=download, **kwargs)
        count, _, query = url.removeprefix("ytsearch").partition(":")
        asked.append(query)
        assert self.params.get("extract_flat"), "a search must not look up every result in full"
        entries = [
            {"_type": "url", "ie_key": "Youtube", "id": "LIVELIVELIV", "title": "24/7 radio",
             "channel": "Radio", "duration": None, "live_status": "is_live",
             "url": "https://www.youtube.com/watch?v=LIVELIVELIV"},
        ] + [
            {"_type": "url", "ie_key": "Generic", "id": f"hit{n}", "title": f"{query} (take {n})",
             "channel": f"Band {n} - Topic", "duration": 61.0 + n, "url": server.link(f"hit{n % 3}.wav")}
            for n in range(6)
        ]
        return {"_type": "playlist", "id": query, "title": query, "entries": entries[: int(count or 1) + 1]}

    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", extract_info)
    monkeypatch.setattr("rokgame.fetch.network.check_reachable", lambda url, **kw: None)
    monkeypatch.setattr("rokgame.analysis.generate_chart_file", fake_generate_chart_file)
    return asked


def test_search_lists_five_results_without_live_streams(youtube: list[str]) -> None:
    results = search("daft punk one more time")
    assert youtube == ["daft punk one more time"]
    assert [r.title for r in results] == [f"daft punk one more time (take {n})" for n in range(5)]
    assert results[0].channel == "Band 0"  # YouTube's "- Topic" channels shown by the artist's name
    assert results[2].duration == 63.0


def test_search_command_prints_title_channel_and_length(youtube: list[str],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "daft", "punk"]) == 0
    out = capsys.readouterr().out
    numbered = [line for line in out.splitlines() if line[:3].strip().rstrip(".").isdigit()]
    assert len(numbered) == 5
    assert numbered[0] == " 1. daft punk (take 0) — Band 0 (1:01)"
    assert numbered[4] == " 5. daft punk (take 4) — Band 4 (1:05)"


def test_a_search_plays_the_result_the_player_picks(youtube: list[str], server: AudioServer) -> None:
    offered: list[Any] = []

    def choose(results: list[Any]) -> int:
        offered.extend(results)
        return 2

    track = prepare_track("some band - some song", choose=choose)
    assert len(offered) == 5
    assert track.source == server.link("hit2.wav") and track.title == "hit2"
    assert track.audio_path.is_file()
    assert "hit1.wav" not in server.requests and "hit0.wav" not in server.requests


def test_no_pick_cancels_and_leaves_nothing(youtube: list[str], rokgame_home: Path) -> None:
    with pytest.raises(Cancelled):
        prepare_track("some band - some song", choose=lambda results: None)
    assert library_files(rokgame_home) == []


def test_nothing_found_is_a_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info",
                        lambda self, url, download=True, **kw: {"_type": "playlist", "entries": []})
    monkeypatch.setattr("rokgame.fetch.network.check_reachable", lambda url, **kw: None)
    with pytest.raises(NoResults, match="YouTube found nothing for “zzqx”"):
        search("zzqx")


def test_offline_a_search_finds_what_the_library_has(youtube: list[str], monkeypatch: pytest.MonkeyPatch,
                                                     server: AudioServer) -> None:
    first = prepare_track("night drive", choose=lambda results: 1)  # "night drive (take 1)"

    def offline(url: str, **kwargs: Any) -> None:
        raise NoNetwork("Couldn't reach YouTube — check your connection")

    monkeypatch.setattr("rokgame.fetch.network.check_reachable", offline)
    requests = dict(server.requests)
    again = prepare_track("hit1", choose=lambda results: 0)
    assert again.reused and again.track_id == first.track_id
    assert server.requests == requests
    with pytest.raises(NoNetwork):
        prepare_track("something never added", choose=lambda results: 0)


def test_the_terminal_pick() -> None:
    results = [type("R", (), {"title": f"Song {n}", "channel": "Band", "duration": 200.0, "url": f"u{n}"})()
               for n in range(5)]

    def pick(typed: str) -> int | None:
        out = io.StringIO()
        chosen = choose_in_terminal(results, stdin=io.StringIO(typed), out=out)
        assert " 5. Song 4 — Band (3:20)" in out.getvalue()
        return chosen

    assert pick("3\n") == 2
    assert pick("\n") == 0
    assert pick("q\n") is None
    assert pick("") is None          # end of input
    assert pick("9\nx\n4\n") == 3    # asks again until it gets a number it has
