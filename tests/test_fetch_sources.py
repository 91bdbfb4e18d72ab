"""What the player typed: link, file, chart or search — and the links rokgame refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from rokgame.cli import main
from rokgame.errors import FetchError
from rokgame.fetch.sources import SourceKind, canonical_url, classify_source, youtube_id


@pytest.mark.parametrize("text", [
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "http://example.org/song.mp3",
    "  https://youtu.be/dQw4w9WgXcQ  ",
])
def test_http_and_https_are_links(text: str) -> None:
    source = classify_source(text)
    assert source.kind is SourceKind.LINK
    assert source.value == text.strip()


def test_a_bare_youtube_address_is_a_link() -> None:
    source = classify_source("youtube.com/watch?v=dQw4w9WgXcQ")
    assert source.kind is SourceKind.LINK
    assert source.value == "https://youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.mark.parametrize("text, scheme", [
    ("file:///etc/passwd", "file"),
    ("ftp://example.org/song.mp3", "ftp"),
    ("javascript:alert(1)", "javascript"),
    ("data:audio/wav;base64,AAAA", "data"),
    ("smb://nas/music/song.flac", "smb"),
])
def test_other_schemes_are_refused_in_one_sentence(text: str, scheme: str) -> None:
    with pytest.raises(FetchError) as caught:
        classify_source(text)
    message = str(caught.value)
    assert f"{scheme}:" in message and "http" in message
    assert "\n" not in message


def test_a_refused_link_is_one_line_from_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fetch", "file:///etc/passwd"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rokgame: ") and err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("source", ["file:///etc/passwd", "no/such/song.mp3", "https://"])
def test_play_refuses_a_bad_source_with_a_sentence_before_opening_a_window(
        source: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import rokgame.game.app

    def no_window(**kwargs: object) -> int:
        raise AssertionError("the game window opened for a source rokgame refuses")

    monkeypatch.setattr(rokgame.game.app, "run", no_window)
    assert main(["play", source]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rokgame: ") and err.count("\n") == 1


@pytest.mark.parametrize("text", ["daft punk one more time", "Metallica: One", "AC/DC - Thunderstruck",
                                  "Sigur Rós – Hoppípolla"])
def test_anything_else_is_a_search(text: str) -> None:
    source = classify_source(text)
    assert source.kind is SourceKind.SEARCH
    assert source.value == text


def test_an_existing_audio_file_is_a_file_even_with_a_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    song = tmp_path / "My Song.mp3"
    song.write_bytes(b"not really an mp3")
    source = classify_source("~/My Song.mp3")
    assert source.kind is SourceKind.FILE
    assert source.path == song.resolve()


def test_a_json_file_is_a_chart(tmp_path: Path) -> None:
    chart = tmp_path / "song.json"
    chart.write_text("{}")
    assert classify_source(str(chart)).kind is SourceKind.CHART


@pytest.mark.parametrize("text", ["./missing.mp3", "~/nowhere/song.ogg", "/no/such/dir/x.flac", "song.wav"])
def test_a_missing_file_is_named(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FetchError, match=r"^no such file: "):
        classify_source(text)


def test_a_folder_or_a_non_audio_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="is a folder"):
        classify_source(str(tmp_path))
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    with pytest.raises(FetchError, match="not an audio file"):
        classify_source(str(notes))


def test_nothing_at_all_is_refused() -> None:
    with pytest.raises(FetchError, match="name a track"):
        classify_source("   ")


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PL123&t=42",
    "https://youtu.be/dQw4w9WgXcQ?si=abc",
    "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://music.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/shorts/dQw4w9WgXcQ",
    "https://www.youtube.com/embed/dQw4w9WgXcQ",
])
def test_every_spelling_of_a_video_is_the_same_source(url: str) -> None:
    assert youtube_id(url) == "dQw4w9WgXcQ"
    assert canonical_url(url) == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_other_links_are_kept_as_they_are() -> None:
    assert youtube_id("https://www.youtube.com/playlist?list=PL123") is None
    assert canonical_url("https://example.org/a.mp3?x=1") == "https://example.org/a.mp3?x=1"
