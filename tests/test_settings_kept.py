"""A typo in settings.json costs the player nothing: every value that still reads is kept, the file is kept aside."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rokgame.settings import Settings, load_settings, save_settings

BROKEN = """{
  "audio_offset_ms": 42.5,
  "keys": {"5": ["a", "s", "space", "k", "l"]},
  "daily_prefetch": false,
  "lefty": true
  "music_volume": 0.4,
  "scroll_time": 2.25
}
"""


@pytest.fixture
def settings_file(rokgame_home: Path) -> Path:
    path = rokgame_home / "config" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_a_missing_comma_keeps_every_other_setting_and_the_file(settings_file: Path) -> None:
    settings_file.write_text(BROKEN)
    settings = load_settings()
    assert settings.audio_offset_ms == 42.5 and settings.music_volume == 0.4 and settings.scroll_time == 2.25
    assert settings.keys == {"5": ["a", "s", "space", "k", "l"]} and settings.daily_prefetch is False
    assert settings.lefty is True  # the pair before the missing comma still reads
    [aside] = settings_file.parent.glob("settings.json.broken-*")
    assert aside.read_text() == BROKEN
    assert any("line 6" in p and aside.name in p for p in settings.problems)
    # Mended once: the next start reads a good file with the same values and has nothing to say.
    again = load_settings()
    assert again.problems == [] and again.audio_offset_ms == 42.5 and again.keys == settings.keys


def test_the_game_says_so_and_still_has_the_setting_after_it_quits(settings_file: Path) -> None:
    from rokgame.game.app import App

    settings_file.write_text(BROKEN)
    app = App(size=(800, 450))  # the real window path: load, play, quit (which saves)
    assert any("settings.json has a mistake" in n.text for n in app.notices)
    app.shutdown()
    saved = json.loads(settings_file.read_text())
    assert saved["audio_offset_ms"] == 42.5 and saved["keys"]["5"][0] == "a" and saved["daily_prefetch"] is False


def test_the_cli_says_so_once(settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rokgame.cli import main

    settings_file.write_text(BROKEN)
    main(["history"])
    assert "settings.json has a mistake" in capsys.readouterr().err
    main(["history"])
    assert "settings.json" not in capsys.readouterr().err


@pytest.mark.parametrize(("key", "value"), [
    ("audio_offset_ms", float("nan")), ("visual_offset_ms", float("inf")), ("max_track_minutes", float("nan")),
    ("window_size", [100000, 100000]), ("scroll_time", -3.0), ("music_volume", 1e308),
])
def test_absurd_numbers_fall_back_to_their_defaults(settings_file: Path, key: str, value: object) -> None:
    settings_file.write_text(json.dumps({key: value, "audio_offset_ms": 12.0} if key != "audio_offset_ms"
                                        else {key: value}))
    settings = load_settings()
    assert getattr(settings, key) == getattr(Settings(), key)
    assert any(key in p for p in settings.problems)
    assert list(settings_file.parent.glob("settings.json.broken-*"))


def test_a_settings_file_that_cannot_be_read_is_never_overwritten(settings_file: Path) -> None:
    os.mkfifo(settings_file)  # would block a plain read forever
    settings = load_settings()
    assert not settings.writable and settings.problems
    save_settings(settings)
    assert settings_file.is_fifo()
