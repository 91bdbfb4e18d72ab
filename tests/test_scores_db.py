"""Score storage: plays, bests, replay files beside the rows, and surviving a kill mid-save."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from rokgame import paths
from rokgame.core.chart import Chart, Difficulty, Note, Song
from rokgame.core.replay import autoplay, shift
from rokgame.core.session import run_replay
from rokgame.storage.db import connect
from rokgame.storage.scores import (
    best,
    bests,
    is_new_best,
    load_play_replay,
    recent_plays,
    record_play,
    remove_stray_replays,
    replay_file,
)

SHA = "c" * 64
NOTES = tuple(Note(round(1.0 + i * 0.3, 3), i % 5, 0.5 if i % 7 == 0 else 0.0) for i in range(30))
CHART = Chart(Song("Test", "song.ogg"), {"easy": Difficulty("easy", NOTES[::3]), "hard": Difficulty("hard", NOTES)})


def play(difficulty: str = "hard", late: float = 0.0, cut: float | None = None, **kw: object):
    notes = CHART.difficulty(difficulty).notes
    events = [e for e in shift(autoplay(notes), late) if cut is None or e.t < cut]
    return run_replay(CHART, difficulty, events, **kw)


@pytest.fixture
def conn(rokgame_home: Path) -> Iterator[sqlite3.Connection]:
    connection = connect()
    yield connection
    connection.close()


def save(conn: sqlite3.Connection, session, difficulty: str = "hard", **kw: object) -> int:
    return record_play(conn, chart_sha256=SHA, difficulty=difficulty, report=session.report(),
                       events=session.events, title="Test", **kw)


def test_a_play_is_saved_with_its_replay(conn: sqlite3.Connection) -> None:
    session = play(late=0.03)
    play_id = save(conn, session, audio_offset_ms=12.0)
    row = conn.execute("SELECT * FROM plays WHERE id = ?", (play_id,)).fetchone()
    report = session.report()
    assert (row["score"], row["max_combo"], row["notes"]) == (report["score"], report["max_combo"], len(NOTES))
    assert (row["great"], row["perfect"], row["late"]) == (len(NOTES), 0, len(NOTES))
    assert row["audio_offset_ms"] == 12.0 and row["failed"] == 0 and row["completed"] == 1
    path = replay_file(row)
    assert path is not None and path.parent == paths.replays_dir() and path.is_file()
    replay = load_play_replay(row)
    assert list(replay.events) == session.events
    assert replay.meta["report"]["offsets"] == report["offsets"]  # per-note offsets live in the replay
    assert run_replay(CHART, "hard", replay.events).report() == report  # and it plays back the same


def test_best_and_bests_pick_the_highest_finished_play(conn: sqlite3.Connection) -> None:
    assert best(conn, SHA, "hard") is None and bests(conn, SHA) == {}
    worse = save(conn, play(late=0.05))
    top = save(conn, play())
    save(conn, play(late=0.07))
    save(conn, play(cut=4.0))  # failed
    easy = save(conn, play("easy", late=0.03), "easy")
    assert best(conn, SHA, "hard")["id"] == top
    assert {d: r["id"] for d, r in bests(conn, SHA).items()} == {"hard": top, "easy": easy}
    assert best(conn, "d" * 64, "hard") is None
    assert worse != top


def test_new_best_only_when_it_beats_every_earlier_play(conn: sqlite3.Connection) -> None:
    first = save(conn, play(late=0.05))
    assert is_new_best(conn, first)
    assert not is_new_best(conn, save(conn, play(late=0.07)))
    assert not is_new_best(conn, save(conn, play(late=0.05)))  # a tie is not a new best
    assert is_new_best(conn, save(conn, play()))
    assert not is_new_best(conn, save(conn, play(cut=4.0)))  # a failed play never is


def test_a_no_fail_play_whose_meter_emptied_is_kept_but_is_not_a_best(conn: sqlite3.Connection) -> None:
    session = play(cut=4.0, no_fail=True)
    play_id = save(conn, session)
    row = conn.execute("SELECT failed, no_fail FROM plays WHERE id = ?", (play_id,)).fetchone()
    assert tuple(row) == (1, 1)
    assert best(conn, SHA, "hard") is None


def test_played_at_is_utc_and_local_date_is_the_players_calendar_day(conn: sqlite3.Connection) -> None:
    evening = datetime(2026, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    play_id = save(conn, play(), now=evening, daily_date="2026-03-01")
    row = conn.execute("SELECT played_at, local_date, daily_date FROM plays WHERE id = ?", (play_id,)).fetchone()
    assert row["local_date"] == "2026-03-01"
    assert datetime.fromisoformat(row["played_at"]) == evening and row["played_at"].startswith("2026-03-02T04:30")
    assert row["daily_date"] == "2026-03-01"


def test_recent_plays_newest_first(conn: sqlite3.Connection) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [save(conn, play(), now=start + timedelta(minutes=i)) for i in range(4)]
    assert [r["id"] for r in recent_plays(conn, 3)] == ids[::-1][:3]


def test_playing_a_library_track_counts_it(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO tracks (source, kind, title, added_at) VALUES ('builtin:x', 'builtin', 'X', '2026')")
    track = conn.execute("SELECT id FROM tracks").fetchone()[0]
    save(conn, play(), track_id=track)
    save(conn, play(), track_id=track)
    row = conn.execute("SELECT play_count, last_played_at FROM tracks WHERE id = ?", (track,)).fetchone()
    assert row["play_count"] == 2 and row["last_played_at"]


def test_stray_replays_are_tidied_but_named_and_fresh_ones_are_not(conn: sqlite3.Connection) -> None:
    kept = replay_file(conn.execute("SELECT * FROM plays WHERE id = ?", (save(conn, play()),)).fetchone())
    folder = paths.replays_dir()
    stray, fresh, temp = folder / "stray.json", folder / "fresh.json", folder / ".x.json.1234.tmp"
    for path in (stray, fresh, temp):
        path.write_text("{}", encoding="utf-8")
    old = time.time() - 7200
    for path in (stray, temp, kept):
        os.utime(path, (old, old))
    assert remove_stray_replays(conn) == 2
    assert kept.is_file() and fresh.is_file() and not stray.exists() and not temp.exists()


WRITER = r"""
import sys
from rokgame.core.chart import Chart, Difficulty, Note, Song
from rokgame.core.replay import autoplay
from rokgame.core.session import run_replay
from rokgame.storage.db import connect
from rokgame.storage.scores import record_play

notes = tuple(Note(1.0 + i * 0.2, i % 5) for i in range(200))
chart = Chart(Song("T", "s.ogg"), {"hard": Difficulty("hard", notes)})
report = run_replay(chart, "hard", autoplay(notes)).report()
events = autoplay(notes)
conn = connect()
for i in range(100000):
    play_id = record_play(conn, chart_sha256="e" * 64, difficulty="hard", report=report, events=events)
    print(play_id, flush=True)
"""


@pytest.mark.parametrize("after", [5, 23])
def test_killed_mid_save_leaves_a_database_whose_rows_all_have_their_replays(rokgame_home: Path, after: int) -> None:
    env = {**os.environ, "ROKGAME_HOME": str(rokgame_home)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER], stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert writer.stdout is not None
        for _ in range(after):
            assert writer.stdout.readline(), "the writer died on its own"
        time.sleep(0.001 * after)  # land the kill somewhere inside a later save
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait()
    conn = connect()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = conn.execute("SELECT * FROM plays").fetchall()
    assert len(rows) >= after
    for row in rows:
        replay = load_play_replay(row)
        assert len(replay.events) == 400
    named = {replay_file(row).name for row in rows}
    leftovers = [p for p in paths.replays_dir().iterdir() if p.name not in named]
    assert len(leftovers) <= 2  # at most the one save that was cut short (its file, or its temp file)
    assert remove_stray_replays(conn, min_age=0) == len(leftovers)
    conn.close()
