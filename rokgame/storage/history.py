"""The player's history, read from the ``plays`` table: Daily Track days, bests, recent plays; and erasing it.

A day counts for the Daily Track streak when a play was recorded with that day's
``daily_date`` (the game sets it when the Daily Track is played from the menu or with
``rokgame daily``), whatever its score and even when failed: the streak rewards turning
up, the stars in the calendar show how it went. ``daily_date`` rather than
``local_date`` decides the day, so a play started at 23:58 and finished after midnight
still counts for the day it was picked for.

Rows the game wrote with a malformed date are skipped, never an error: history is
shown, not trusted.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rokgame.storage.db import transaction


def _date(text: object) -> date | None:
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class PlaySummary:
    """One recorded play, as the history lists it."""

    local_date: date | None
    daily_date: date | None
    title: str
    difficulty: str
    score: int
    accuracy: float  # 0..1
    stars: int
    failed: bool
    track_id: int | None


@dataclass(frozen=True, slots=True)
class TrackPlays:
    """How one track has gone for the player: what "For you" learns from."""

    track_id: int
    plays: int
    mean_accuracy: float  # 0..1
    best_stars: int
    last_played: date | None


@dataclass(frozen=True, slots=True)
class Cleared:
    plays: int
    replays: int


def _accuracy(value: object) -> float:
    # ScoreProcessor.accuracy is 0..1; a percentage written by some other path is brought back to 0..1.
    number = float(value) if isinstance(value, (int, float)) else 0.0
    return number / 100.0 if number > 1.0 else max(0.0, number)


def _summary(row: sqlite3.Row) -> PlaySummary:
    return PlaySummary(
        local_date=_date(row["local_date"]),
        daily_date=_date(row["daily_date"]),
        title=row["title"] or "",
        difficulty=row["difficulty"],
        score=int(row["score"]),
        accuracy=_accuracy(row["accuracy"]),
        stars=int(row["stars"]),
        failed=bool(row["failed"]),
        track_id=row["track_id"],
    )


_SUMMARY_COLUMNS = "local_date, daily_date, title, difficulty, score, accuracy, stars, failed, track_id"


def daily_days(connection: sqlite3.Connection) -> set[date]:
    """Every day whose Daily Track was played."""
    rows = connection.execute("SELECT DISTINCT daily_date FROM plays WHERE daily_date IS NOT NULL")
    return {day for (text,) in rows if (day := _date(text)) is not None}


def daily_stars(connection: sqlite3.Connection, start: date, end: date) -> dict[date, int]:
    """The best stars of each day's Daily Track between ``start`` and ``end`` (inclusive)."""
    rows = connection.execute(
        "SELECT daily_date, MAX(stars) FROM plays WHERE daily_date BETWEEN ? AND ? GROUP BY daily_date",
        (start.isoformat(), end.isoformat()),
    )
    return {day: int(stars) for text, stars in rows if (day := _date(text)) is not None}


def daily_best(connection: sqlite3.Connection, day: date, *, title: str | None = None) -> PlaySummary | None:
    """The best play (score, then accuracy) of ``day``'s Daily Track, or None when not played.

    ``title`` keeps to plays of that song: offline, the day's track can differ from the one online.
    """
    row = connection.execute(
        f"SELECT {_SUMMARY_COLUMNS} FROM plays WHERE daily_date = ? AND (? IS NULL OR title = ?) "
        "ORDER BY score DESC, accuracy DESC, id LIMIT 1",
        (day.isoformat(), title, title),
    ).fetchone()
    return None if row is None else _summary(row)


def recent_plays(connection: sqlite3.Connection, limit: int = 10) -> list[PlaySummary]:
    """The last ``limit`` plays, newest first."""
    rows = connection.execute(
        f"SELECT {_SUMMARY_COLUMNS} FROM plays ORDER BY played_at DESC, id DESC LIMIT ?", (limit,)
    )
    return [_summary(row) for row in rows]


def track_plays(connection: sqlite3.Connection) -> list[TrackPlays]:
    """Per library track: number of plays, mean accuracy, best stars and the last day played."""
    rows = connection.execute(
        """
        SELECT track_id, COUNT(*) AS plays, AVG(CASE WHEN accuracy > 1 THEN accuracy / 100.0 ELSE accuracy END),
               MAX(stars), MAX(local_date)
        FROM plays WHERE track_id IS NOT NULL GROUP BY track_id ORDER BY track_id
        """
    )
    return [
        TrackPlays(int(track_id), int(plays), max(0.0, float(mean or 0.0)), int(stars or 0), _date(last))
        for track_id, plays, mean, stars, last in rows
    ]


def history_size(connection: sqlite3.Connection, replays_dir: str | os.PathLike[str]) -> Cleared:
    """What :func:`clear_history` would delete (to ask before doing it)."""
    plays = connection.execute("SELECT COUNT(*) FROM plays").fetchone()[0]
    return Cleared(int(plays), len(_replay_files(connection, Path(replays_dir))))


def _replay_files(connection: sqlite3.Connection, replays_dir: Path) -> set[Path]:
    # Every file in the replays folder, plus any replay a play points to inside that folder;
    # a replay_path that leads anywhere else is left alone (it is not ours to delete).
    root = replays_dir.resolve()
    files = {path for path in root.rglob("*") if path.is_file()} if root.is_dir() else set()
    for (text,) in connection.execute("SELECT replay_path FROM plays WHERE replay_path IS NOT NULL"):
        path = Path(text)
        path = (path if path.is_absolute() else root / path).resolve()
        if path.is_file() and path.is_relative_to(root):
            files.add(path)
    return files


def clear_history(connection: sqlite3.Connection, replays_dir: str | os.PathLike[str]) -> Cleared:
    """Delete every play and every replay; reset the play counts kept on the library's tracks.

    The rows go in one transaction first, then the replay files: if the program dies in
    between, what is left are replay files no play points to, which a second clear removes.
    """
    files = _replay_files(connection, Path(replays_dir))
    # Erased means gone from the file too: SQLite otherwise leaves deleted rows readable in free
    # pages (secure_delete is off in many builds), and old page copies wait in the WAL.
    connection.execute("PRAGMA secure_delete = ON")
    with transaction(connection):
        plays = connection.execute("DELETE FROM plays").rowcount
        connection.execute("UPDATE tracks SET play_count = 0, last_played_at = NULL")
    # VACUUM rewrites every page (stale copies left in live pages by earlier page splits go too), and the
    # checkpoint empties the WAL. With the game reading at the same time this can't finish now: the rows
    # are deleted all the same, and zeroed pages reach the file at the next checkpoint.
    with contextlib.suppress(sqlite3.OperationalError):
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    removed = 0
    for path in sorted(files):
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return Cleared(max(0, plays), removed)
