"""User files, settings, the database and the error contract."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from rokgame import paths
from rokgame.cli import main
from rokgame.errors import ChartError, RokError, StorageError
from rokgame.settings import Settings, load_settings, save_settings
from rokgame.storage.db import SCHEMA_VERSION, connect


def test_rokgame_home_holds_every_user_folder(rokgame_home: Path) -> None:
    for folder in (paths.config_dir(), paths.data_dir(), paths.cache_dir(), paths.audio_cache_dir(),
                   paths.user_charts_dir(), paths.replays_dir()):
        assert folder.is_dir()
        assert rokgame_home in folder.parents
    assert paths.database_path().parent == paths.data_dir()


def test_builtin_folders_are_in_the_checkout(repo: Path) -> None:
    assert paths.builtin_charts_dir() == repo / "charts"
    assert paths.builtin_songs_dir() == repo / "assets" / "songs"


def test_settings_round_trip_and_keep_unknown_keys(rokgame_home: Path) -> None:
    settings = Settings(audio_offset_ms=-23.0, lefty=True, window_size=(1920, 1080))
    settings.extra["from_the_future"] = {"x": 1}
    save_settings(settings)
    loaded = load_settings()
    assert loaded.audio_offset_ms == -23.0 and loaded.lefty and loaded.window_size == (1920, 1080)
    assert loaded.extra == {"from_the_future": {"x": 1}}
    assert loaded.problems == []


def test_broken_settings_fall_back_to_defaults_and_say_so(rokgame_home: Path) -> None:
    paths.settings_path().write_text('{"scroll_time": "fast", "lefty": true}', encoding="utf-8")
    loaded = load_settings()
    assert loaded.scroll_time == Settings().scroll_time and loaded.lefty is True
    assert any("scroll_time" in p for p in loaded.problems)
    paths.settings_path().write_text("{not json", encoding="utf-8")
    assert load_settings().problems and load_settings().lefty is False


def test_a_word_setting_outside_its_choices_falls_back_and_says_so(rokgame_home: Path) -> None:
    paths.settings_path().write_text('{"precision": "loose", "last_difficulty": "insane", "lefty": true}',
                                     encoding="utf-8")
    loaded = load_settings()
    assert (loaded.precision, loaded.last_difficulty, loaded.lefty) == ("normal", "medium", True)
    aside = " (the file as you left it is settings.json.broken-"
    assert [p.partition(aside)[0] for p in loaded.problems] == [
        "settings: precision: 'loose' is not valid; using 'normal'",
        "settings: last_difficulty: 'insane' is not valid; using 'medium'"]
    assert all(aside in p for p in loaded.problems)


def test_database_is_created_migrated_and_in_wal_mode(rokgame_home: Path) -> None:
    connection = connect()
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"tracks", "charts", "plays"} <= tables
    connection.close()
    assert connect().execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # idempotent


def test_database_from_a_newer_rokgame_is_refused_in_one_sentence(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    raw.close()
    with pytest.raises(StorageError, match="newer rokgame"):
        connect(db)


def test_error_family() -> None:
    assert issubclass(ChartError, RokError) and issubclass(StorageError, RokError)


def test_user_mistake_is_one_sentence_and_debug_shows_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import rokgame.commands.chart as chart_command

    def fail(args: object) -> int:
        raise ChartError("that chart is broken")

    monkeypatch.setattr(chart_command, "run_info", fail)
    target = tmp_path / "x.json"
    target.write_text(json.dumps({}), encoding="utf-8")
    assert main(["chart", "info", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "rokgame: that chart is broken"
    assert main(["--debug", "chart", "info", str(target)]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_a_command_imports_only_its_own_module_and_help_still_lists_every_command(repo: Path) -> None:
    import subprocess
    import sys

    script = ("import sys; from rokgame.cli import main; main(['chart', 'validate', 'charts/neon-drive.json']);"
              "print(sorted(m for m in sys.modules if m.startswith('rokgame.commands.')))")
    out = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "['rokgame.commands.chart']"
    helped = subprocess.run([sys.executable, "-m", "rokgame", "--help"], cwd=repo, capture_output=True, text=True)
    assert helped.returncode == 0
    for command in ("play", "fetch", "search", "library", "chart", "daily", "history"):
        assert f"    {command} " in helped.stdout
