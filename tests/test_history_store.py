"""Play history in SQLite: Daily Track days and bests, recent plays, ``rokgame history`` and erasing it all."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from rokgame import paths
from rokgame.cli import main
from rokgame.storage.db import connect
from rokgame.storage.history import (
    clear_history,
    daily_best,
    daily_days,
    daily_stars,
    history_size,
    recent_plays,
    track_plays,
)
from rokgame.storage.scores import record_play

TODAY = date.today()


@pytest.fixture
def conn(rokgame_home: Path) -> Iterator[sqlite3.Connection]:
    connection = connect()
    yield connection
    connection.close()


def add_track(conn: sqlite3.Connection, source: str, title: str) -> int:
    cursor = conn.execute("INSERT INTO tracks (source, kind, title, added_at, play_count) VALUES (?, 'url', ?, ?, 0)",
                          (source, title, "2026-01-01T00:00:00+00:00"))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def play(conn: sqlite3.Connection, day: date, *, score: int = 1000, accuracy: float = 0.9, stars: int = 3,
         daily: bool = False, track_id: int | None = None, title: str = "Song") -> int:
    report = {"score": score, "accuracy": accuracy, "stars": stars, "max_combo": 10, "notes": 10,
              "judgements": {"perfect": 8, "great": 1, "good": 0, "miss": 1}}
    return record_play(conn, chart_sha256="a" * 64, difficulty="hard", report=report, title=title,
                       track_id=track_id, daily_date=day.isoformat() if daily else None,
                       now=datetime.combine(day, datetime.min.time()).replace(hour=20))


def test_daily_days_best_and_stars_come_from_daily_plays_only(conn: sqlite3.Connection) -> None:
    day = date(2026, 11, 20)
    play(conn, day, score=500, stars=2, daily=True)
    play(conn, day, score=900, stars=4, accuracy=0.95, daily=True)
    play(conn, day, score=5000, stars=5)                       # not the Daily Track: no effect
    play(conn, day - timedelta(days=1), score=100, stars=1, daily=True)
    play(conn, date(2026, 10, 1), stars=5, daily=True)        # outside the window asked for below
    assert daily_days(conn) == {day, day - timedelta(days=1), date(2026, 10, 1)}
    best = daily_best(conn, day)
    assert best is not None and (best.score, best.stars, best.accuracy) == (900, 4, 0.95)
    assert daily_best(conn, day + timedelta(days=1)) is None
    assert daily_stars(conn, day - timedelta(days=29), day) == {day: 4, day - timedelta(days=1): 1}


def test_malformed_dates_are_skipped_not_fatal(conn: sqlite3.Connection) -> None:
    play(conn, date(2026, 11, 20), daily=True)
    conn.execute("UPDATE plays SET daily_date = 'yesterday', local_date = '' WHERE id = 1")
    play(conn, date(2026, 11, 21), daily=True)
    assert daily_days(conn) == {date(2026, 11, 21)}
    assert {p.local_date for p in recent_plays(conn)} == {None, date(2026, 11, 21)}


def test_recent_plays_newest_first_and_per_track_figures(conn: sqlite3.Connection) -> None:
    track = add_track(conn, "https://example.com/a", "A")
    for i, accuracy in enumerate((0.5, 0.7, 0.9)):
        play(conn, date(2026, 11, 1) + timedelta(days=i), accuracy=accuracy, stars=i + 1, track_id=track, title="A")
    recent = recent_plays(conn, 2)
    assert [p.local_date for p in recent] == [date(2026, 11, 3), date(2026, 11, 2)]
    (figures,) = track_plays(conn)
    assert figures.track_id == track and figures.plays == 3 and figures.best_stars == 3
    assert figures.mean_accuracy == pytest.approx(0.7)
    assert figures.last_played == date(2026, 11, 3)


def test_clearing_deletes_every_play_and_replay_and_nothing_else(conn: sqlite3.Connection, tmp_path: Path) -> None:
    track = add_track(conn, "https://example.com/a", "A")
    for i in range(3):
        play(conn, date(2026, 11, 1) + timedelta(days=i), track_id=track, daily=i == 0)
    replays = paths.replays_dir()
    (replays / "stray.json").write_text("{}")               # a replay whose row never landed
    outside = tmp_path / "keep.json"
    outside.write_text("{}")
    conn.execute("UPDATE plays SET replay_path = ? WHERE id = 3", (str(outside),))  # not ours: left alone
    size = history_size(conn, replays)
    assert (size.plays, size.replays) == (3, 4)  # three plays' replays and the stray one
    cleared = clear_history(conn, replays)
    assert (cleared.plays, cleared.replays) == (3, 4)
    assert conn.execute("SELECT COUNT(*) FROM plays").fetchone()[0] == 0
    assert list(replays.iterdir()) == []
    assert outside.exists()
    assert tuple(conn.execute("SELECT play_count, last_played_at FROM tracks").fetchone()) == (0, None)
    assert daily_days(conn) == set()


# --------------------------------------------------------------------------- rokgame history


def test_history_json_shows_streak_calendar_and_recent_plays(conn: sqlite3.Connection,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    for back, stars in ((2, 3), (1, 5)):
        play(conn, TODAY - timedelta(days=back), stars=stars, daily=True)
    assert main(["history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["streak"] == {"current": 2, "best": 2, "played_today": False,
                              "last_played": (TODAY - timedelta(days=1)).isoformat()}
    assert len(data["calendar"]) == 30 and data["calendar"][-1] == {"date": TODAY.isoformat(), "stars": None}
    assert data["calendar"][-2]["stars"] == 5 and data["calendar"][-3]["stars"] == 3
    assert [p["stars"] for p in data["recent"]] == [5, 3]


def test_history_text_has_a_calendar_with_stars(conn: sqlite3.Connection, capsys: pytest.CaptureFixture[str]) -> None:
    play(conn, TODAY, stars=4, daily=True, title="Carefree")
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "Daily Track streak: 1 day (best 1 day)" in out
    assert "Mon Tue Wed Thu Fri Sat Sun" in out
    assert "4★" in out or "4*" in out
    assert "Carefree [hard]" in out


def test_cleared_plays_are_gone_from_the_database_file_too(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA secure_delete = OFF")  # as SQLite builds without it on default (macOS, Windows)
    for _ in range(300):
        play(conn, TODAY, title="Zebra Secret Tune")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    files = sorted(paths.data_dir().glob("rokgame.sqlite3*"))
    assert sum(f.read_bytes().count(b"Zebra Secret Tune") for f in files) >= 300
    assert clear_history(conn, paths.replays_dir()).plays == 300
    left = sum(f.read_bytes().count(b"Zebra Secret Tune") for f in paths.data_dir().glob("rokgame.sqlite3*"))
    assert left == 0  # not readable in free pages or the write-ahead log, even while rokgame is open


@pytest.mark.parametrize(("answer", "deleted"), [("y\n", True), ("yes\n", True), ("n\n", False), ("", False)])
def test_clear_asks_first(conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str], answer: str, deleted: bool) -> None:
    play(conn, TODAY, daily=True)
    play(conn, TODAY)
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    status = main(["history", "--clear"])
    out, err = capsys.readouterr()
    assert "Delete 2 plays and 2 replays" in err
    remaining = conn.execute("SELECT COUNT(*) FROM plays").fetchone()[0]
    if deleted:
        assert (status, remaining) == (0, 0)
        assert out.startswith("Deleted 2 plays and 2 replays")
    else:
        assert (status, remaining) == (1, 2)
        assert "Nothing was deleted." in err


def test_clear_yes_does_not_ask(conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    play(conn, TODAY)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["history", "--clear", "--yes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"deleted": {"plays": 1, "replays": 1}}
    assert main(["history", "--clear", "--yes"]) == 0
    assert capsys.readouterr().out == "There is no play history to delete.\n"
