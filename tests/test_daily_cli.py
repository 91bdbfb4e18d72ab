"""``rokgame daily``: the pick as text or JSON, and playing it (prepared once, offline fallback, streak date)."""

from __future__ import annotations

import json
import sqlite3
import sys
import types
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import rokgame.commands.play
from rokgame.cli import main
from rokgame.core.chart import Chart, Difficulty, Note, Song
from rokgame.core.chart_io import save_chart
from rokgame.core.daily import daily_pick, difficulty_for
from rokgame.daily.catalogue import builtin_catalogue_path, read_catalogue
from rokgame.errors import FetchError
from rokgame.storage.db import connect


def test_dry_run_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["daily", "--dry-run", "--json", "--date", "2026-11-23"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["date", "title", "artist", "source", "difficulty", "reason"]
    assert data["date"] == "2026-11-23" and data["difficulty"] == "easy"  # a Monday
    shipped = {e.source: e for e in read_catalogue(builtin_catalogue_path()).entries}
    entry = shipped[data["source"]]
    assert (data["title"], data["artist"]) == (entry.title, entry.artist)
    assert data["reason"] and all(isinstance(v, str) for v in data.values())


def test_dry_run_text_names_track_difficulty_and_licence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["daily", "--dry-run", "--date", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    pick = daily_pick(date(2026, 11, 29), read_catalogue(builtin_catalogue_path()))
    assert out.startswith("Daily Track for Sunday 29 November 2026\n")
    assert pick.entry.display in out and "suggested difficulty: expert" in out
    assert f"licence: {pick.entry.licence}" in out


def test_a_date_that_is_not_a_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["daily", "--date", "23/11/2026", "--dry-run"])
    assert caught.value.code == 2
    assert "'23/11/2026' is not a date like 2026-11-23" in capsys.readouterr().err


# --------------------------------------------------------------------------- playing


def chart_file(folder: Path, name: str) -> Path:
    path = folder / f"{name}.json"
    save_chart(Chart(Song(name, f"{name}.ogg"), {"easy": Difficulty("easy", (Note(1.0, 0),))}), path)
    return path


@pytest.fixture
def catalogue_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalogue.json"
    entries = [{"title": f"Song {i}", "artist": "Band", "source": f"ytsearch1:Band - Song {i}"} for i in range(9)]
    path.write_text(json.dumps({"format": "rokgame.catalogue", "version": 1, "entries": entries}))
    return path


class Game:
    """Stands in for the fetcher (rokgame.tracks) and the game's play entry."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch, *, online: bool = True) -> None:
        self.folder, self.online = folder, online
        self.prepared: list[str] = []
        self.played: list[tuple[Path, dict[str, Any]]] = []
        tracks = types.ModuleType("rokgame.tracks")
        tracks.prepare_track = self.prepare_track  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "rokgame.tracks", tracks)
        monkeypatch.setattr(rokgame.commands.play, "play_chart", self.play_chart, raising=False)

    def prepare_track(self, source: str, *, progress: Any = None, cancel: Any = None, choose: Any = None) -> Any:
        self.prepared.append(source)
        if not self.online and not Path(source).is_file():
            raise FetchError("couldn't reach YouTube (is the computer online?)")
        chart = Path(source) if source.endswith(".json") else chart_file(self.folder, f"made-{len(self.prepared)}")
        return types.SimpleNamespace(track_id=1, chart_path=chart, audio_path=None, title=source, artist="",
                                     source=source)

    def play_chart(self, chart: Path, *, difficulty: str, daily_date: str | None) -> int:
        self.played.append((chart, {"difficulty": difficulty, "daily_date": daily_date}))
        return 0


def test_playing_today_fetches_once_and_counts_for_the_streak(tmp_path: Path, catalogue_file: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    game = Game(tmp_path, monkeypatch)
    today = date.today()
    pick = daily_pick(today, read_catalogue(catalogue_file))
    assert main(["daily", "--catalogue", str(catalogue_file)]) == 0
    assert game.prepared == [pick.source.removeprefix("ytsearch1:")]
    chart, options = game.played[0]
    assert options == {"difficulty": difficulty_for(today), "daily_date": today.isoformat()}
    # The second time it is on disk: no fetch.
    assert main(["daily", "--catalogue", str(catalogue_file)]) == 0
    assert len(game.prepared) == 1 and game.played[1][0] == chart


def test_another_days_track_does_not_count_for_the_streak(tmp_path: Path, catalogue_file: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    game = Game(tmp_path, monkeypatch)
    other = (date.today() - timedelta(days=3)).isoformat()
    assert main(["daily", "--date", other, "--catalogue", str(catalogue_file)]) == 0
    assert game.played[0][1]["daily_date"] is None


def test_without_a_network_a_library_track_is_played_instead(tmp_path: Path, catalogue_file: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    game = Game(tmp_path, monkeypatch, online=False)
    mine = chart_file(tmp_path, "mine")
    connection: sqlite3.Connection = connect()
    track = connection.execute("INSERT INTO tracks (source, kind, title, added_at) "
                               "VALUES ('https://example.com/mine', 'url', 'Mine', 'x')").lastrowid
    connection.execute("INSERT INTO charts (track_id, path, origin, chart_sha256, added_at) "
                       "VALUES (?, ?, 'generated', ?, 'x')", (track, str(mine), "f" * 64))
    connection.close()
    assert main(["daily", "--catalogue", str(catalogue_file)]) == 0
    err = capsys.readouterr().err
    assert "couldn't reach YouTube" in err and "Offline: today's track is Mine from your library" in err
    assert game.played == [(mine, {"difficulty": difficulty_for(date.today()), "daily_date": date.today().isoformat()})]


def test_until_the_game_can_open_a_chart_the_player_is_told_where_it_is(tmp_path: Path, catalogue_file: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    Game(tmp_path, monkeypatch)
    monkeypatch.delattr(rokgame.commands.play, "play_chart")
    assert main(["daily", "--catalogue", str(catalogue_file)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rokgame: the game can't open a chart from the command line yet")
    assert str(tmp_path / "made-1.json") in err
