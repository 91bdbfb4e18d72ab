"""Scores: every play in the ``plays`` table, its replay in a file beside the database.

A play is saved in two steps, in this order:

1. its replay (input events + the report, offsets included) is written atomically
   to ``paths.replays_dir()/<uuid>.json``;
2. its row is inserted in one transaction, naming that file in ``replay_path``
   (the file name, relative to the replays folder, so a moved data folder keeps working).

Killed between the two, rokgame leaves a replay file that no row names: harmless,
and :func:`remove_stray_replays` tidies it up. A row never names a missing file.

A *best* is the highest score among the plays of a chart and difficulty that reached
the end without the rock meter emptying (``completed`` and not ``failed``; a no-fail
play whose meter emptied is stored with ``failed = 1`` and is not a best); ties go
to the earlier play.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rokgame import paths
from rokgame.core.judge import InputEvent
from rokgame.core.replay import Replay, read_replay, save_replay
from rokgame.errors import StorageError
from rokgame.storage.db import transaction

_QUALIFIES = "completed = 1 AND failed = 0"
_BEST_ORDER = "score DESC, accuracy DESC, played_at ASC, id ASC"
#: Replay files younger than this are never tidied away: another rokgame may be about to commit their row.
STRAY_MIN_AGE = 3600.0


def record_play(
    conn: sqlite3.Connection,
    *,
    chart_sha256: str,
    difficulty: str,
    report: Mapping[str, Any],
    events: Iterable[InputEvent] = (),
    track_id: int | None = None,
    title: str = "",
    audio_offset_ms: float = 0.0,
    visual_offset_ms: float = 0.0,
    daily_date: str | None = None,
    precision: str = "normal",
    now: datetime | None = None,
) -> int:
    """Save one play (the report of :meth:`PlaySession.report`) and its replay; return the play id.

    ``now`` (default: the current time) gives ``played_at`` in UTC and ``local_date``,
    the player's calendar date, from its local time. ``daily_date`` marks a Daily
    Track play. ``report["offsets"]`` goes into the replay file, not the table, and so do the
    rules the play was judged by (ghost taps, ``precision``, no-fail): its replay reproduces it.
    """
    # An aware ``now`` keeps its own zone (its calendar date is the player's); a naive one is local time.
    when = now if now is not None and now.tzinfo is not None else (now or datetime.now()).astimezone()
    played_at = when.astimezone(UTC).isoformat(timespec="seconds")
    judgements = report.get("judgements", {})
    failed = bool(report.get("failed")) or bool(report.get("health_emptied"))
    completed = bool(report.get("completed", True))
    name = f"{uuid.uuid4().hex}.json"
    row = {
        "chart_sha256": chart_sha256,
        "track_id": track_id,
        "title": title,
        "difficulty": difficulty,
        "score": int(report["score"]),
        "accuracy": float(report["accuracy"]),
        "stars": int(report["stars"]),
        "max_combo": int(report["max_combo"]),
        "notes": int(report["notes"]),
        "perfect": int(judgements.get("perfect", 0)),
        "great": int(judgements.get("great", 0)),
        "good": int(judgements.get("good", 0)),
        "miss": int(judgements.get("miss", 0)),
        "early": int(report.get("early", 0)),
        "late": int(report.get("late", 0)),
        "mean_offset_ms": report.get("mean_offset_ms"),
        "failed": int(failed),
        "no_fail": int(bool(report.get("no_fail"))),
        "completed": int(completed),
        "audio_offset_ms": float(audio_offset_ms),
        "visual_offset_ms": float(visual_offset_ms),
        "daily_date": daily_date,
        "played_at": played_at,
        "local_date": when.date().isoformat(),
        "replay_path": name,
    }
    events = list(events)
    folder = paths.replays_dir()
    try:
        save_replay(
            folder / name,
            events,
            chart_sha256=chart_sha256,
            difficulty=difficulty,
            title=title,
            played_at=played_at,
            audio_offset_ms=audio_offset_ms,
            visual_offset_ms=visual_offset_ms,
            # The rule the play was judged by: a replay plays back with it (rokgame play --headless --replay).
            ghost_taps=report.get("ghost_taps", "free"),
            precision=precision,
            no_fail=bool(report.get("no_fail")),
            report=dict(report),
        )
        _sync_folder(folder)
    except OSError as exc:
        raise StorageError(f"can't save the replay in {folder}: {exc.strerror or exc}") from exc
    columns = ", ".join(row)
    marks = ", ".join(f":{key}" for key in row)
    try:
        with transaction(conn):
            cursor = conn.execute(f"INSERT INTO plays ({columns}) VALUES ({marks})", row)
            if track_id is not None:
                conn.execute(
                    "UPDATE tracks SET play_count = play_count + 1, last_played_at = ? WHERE id = ?",
                    (row["played_at"], track_id),
                )
    except sqlite3.DatabaseError as exc:
        (folder / name).unlink(missing_ok=True)  # no row will ever name it
        raise StorageError(f"can't save the score: {exc}") from exc
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _sync_folder(folder: Path) -> None:
    """Make the replay's rename durable before the row that names it is committed."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def best(conn: sqlite3.Connection, chart_sha256: str, difficulty: str) -> sqlite3.Row | None:
    """The best play of a chart's difficulty, or ``None`` if it was never finished."""
    row: sqlite3.Row | None = conn.execute(
        f"SELECT * FROM plays WHERE chart_sha256 = ? AND difficulty = ? AND {_QUALIFIES} "
        f"ORDER BY {_BEST_ORDER} LIMIT 1",
        (chart_sha256, difficulty),
    ).fetchone()
    return row


def bests(conn: sqlite3.Connection, chart_sha256: str) -> dict[str, sqlite3.Row]:
    """The best play of each difficulty of a chart that has one (for song select)."""
    out: dict[str, sqlite3.Row] = {}
    for row in conn.execute(
        f"SELECT * FROM plays WHERE chart_sha256 = ? AND {_QUALIFIES} ORDER BY difficulty, {_BEST_ORDER}",
        (chart_sha256,),
    ):
        out.setdefault(row["difficulty"], row)
    return out


def is_new_best(conn: sqlite3.Connection, play_id: int) -> bool:
    """True when play ``play_id`` beat every earlier play of its chart and difficulty (the results banner)."""
    play = conn.execute(f"SELECT * FROM plays WHERE id = ? AND {_QUALIFIES}", (play_id,)).fetchone()
    if play is None or play["score"] <= 0:
        return False
    rival = conn.execute(
        f"SELECT 1 FROM plays WHERE chart_sha256 = ? AND difficulty = ? AND {_QUALIFIES} "
        "AND id < ? AND score >= ? LIMIT 1",
        (play["chart_sha256"], play["difficulty"], play_id, play["score"]),
    ).fetchone()
    return rival is None


def recent_plays(conn: sqlite3.Connection, limit: int = 20) -> list[sqlite3.Row]:
    """The latest plays, newest first."""
    return conn.execute("SELECT * FROM plays ORDER BY played_at DESC, id DESC LIMIT ?", (limit,)).fetchall()


def replay_file(play: sqlite3.Row | Mapping[str, Any]) -> Path | None:
    """Where a play's replay is (``None`` for a play saved without one)."""
    name = play["replay_path"]
    if not name:
        return None
    path = Path(name)
    return path if path.is_absolute() else paths.replays_dir() / path


def load_play_replay(play: sqlite3.Row | Mapping[str, Any]) -> Replay:
    """The replay of a play: its events and metadata (the report, offsets, settings)."""
    path = replay_file(play)
    if path is None:
        raise StorageError(f"play {play['id']} has no replay")
    return read_replay(path)


def remove_stray_replays(conn: sqlite3.Connection, *, min_age: float = STRAY_MIN_AGE) -> int:
    """Delete replay files no play names (left by a crash mid-save) and unfinished temp files.

    Files younger than ``min_age`` seconds are left alone: another rokgame may be
    between writing one and committing its row. Returns how many were removed.
    """
    folder = paths.replays_dir()
    named = {Path(r[0]).name for r in conn.execute("SELECT replay_path FROM plays WHERE replay_path IS NOT NULL")}
    cutoff = time.time() - min_age
    removed = 0
    for path in folder.iterdir():
        stray = path.suffix == ".json" and path.name not in named
        unfinished = path.name.startswith(".") and path.name.endswith(".tmp")
        if not (stray or unfinished) or not path.is_file():
            continue
        try:
            if path.stat().st_mtime <= cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue  # gone already, or not ours to delete: tidying is best-effort
    return removed
