"""The one SQLite database (library, charts, plays), opened in WAL mode.

Schema changes are migrations: a list of SQL scripts, applied in order, with the
number applied kept in ``PRAGMA user_version``. Each migration runs in one
transaction, so a crash mid-migration leaves the old schema intact. To change the
schema, append a migration; never edit one that has shipped.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rokgame.errors import StorageError

MIGRATIONS: list[str] = [
    # 1: library, charts and plays.
    """
    CREATE TABLE tracks (
        id             INTEGER PRIMARY KEY,
        source         TEXT NOT NULL UNIQUE,     -- a URL, 'file:<absolute path>' or 'builtin:<slug>'
        kind           TEXT NOT NULL CHECK (kind IN ('youtube', 'url', 'file', 'builtin', 'chart')),
        title          TEXT NOT NULL,
        artist         TEXT NOT NULL DEFAULT '',
        duration       REAL,
        audio_path     TEXT,
        audio_sha256   TEXT,
        webpage_url    TEXT,
        thumbnail_url  TEXT,
        added_at       TEXT NOT NULL,            -- UTC, ISO 8601
        last_played_at TEXT,
        play_count     INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE charts (
        id                INTEGER PRIMARY KEY,
        track_id          INTEGER REFERENCES tracks (id) ON DELETE CASCADE,
        path              TEXT NOT NULL UNIQUE,
        origin            TEXT NOT NULL CHECK (origin IN ('generated', 'authored', 'builtin')),
        chart_sha256      TEXT NOT NULL,
        generator_version TEXT,
        added_at          TEXT NOT NULL
    );
    CREATE INDEX charts_track ON charts (track_id);
    CREATE TABLE plays (
        id               INTEGER PRIMARY KEY,
        chart_sha256     TEXT NOT NULL,
        track_id         INTEGER REFERENCES tracks (id) ON DELETE SET NULL,
        title            TEXT NOT NULL DEFAULT '',
        difficulty       TEXT NOT NULL,
        score            INTEGER NOT NULL,
        accuracy         REAL NOT NULL,
        stars            INTEGER NOT NULL,
        max_combo        INTEGER NOT NULL,
        notes            INTEGER NOT NULL,
        perfect          INTEGER NOT NULL,
        great            INTEGER NOT NULL,
        good             INTEGER NOT NULL,
        miss             INTEGER NOT NULL,
        early            INTEGER NOT NULL DEFAULT 0,
        late             INTEGER NOT NULL DEFAULT 0,
        mean_offset_ms   REAL,
        failed           INTEGER NOT NULL DEFAULT 0,
        no_fail          INTEGER NOT NULL DEFAULT 0,
        completed        INTEGER NOT NULL DEFAULT 1,
        audio_offset_ms  REAL NOT NULL DEFAULT 0,
        visual_offset_ms REAL NOT NULL DEFAULT 0,
        daily_date       TEXT,                   -- set when played as that day's Daily Track
        played_at        TEXT NOT NULL,          -- UTC, ISO 8601
        local_date       TEXT NOT NULL,          -- the player's calendar date, YYYY-MM-DD
        replay_path      TEXT
    );
    CREATE INDEX plays_best ON plays (chart_sha256, difficulty, score DESC);
    CREATE INDEX plays_date ON plays (local_date);
    """,
    # 2: library bookkeeping (fetch): what each chart holds, and its size/mtime so a scan skips unchanged files.
    """
    ALTER TABLE charts ADD COLUMN difficulties TEXT NOT NULL DEFAULT '';  -- e.g. 'easy,medium,hard,expert'
    ALTER TABLE charts ADD COLUMN lanes INTEGER NOT NULL DEFAULT 5;
    ALTER TABLE charts ADD COLUMN file_size INTEGER;
    ALTER TABLE charts ADD COLUMN file_mtime_ns INTEGER;
    CREATE INDEX tracks_audio ON tracks (audio_sha256);
    """,
    # 3: the hash of a local file as the player has it, when what plays is a converted copy (m4a -> ogg): the
    # copy's own hash never matched the file's, so every add converted and charted the file again.
    """
    ALTER TABLE tracks ADD COLUMN source_sha256 TEXT;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: str | os.PathLike[str] | None = None) -> sqlite3.Connection:
    """Open (creating and migrating when needed) the database; ``path`` defaults to the user data dir."""
    if path is None:
        from rokgame.paths import database_path

        path = database_path()
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=10.0, isolation_level=None)
        connection.row_factory = sqlite3.Row
        _use_wal(connection)
        connection.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable at each checkpoint, never corrupt
        connection.execute("PRAGMA foreign_keys = ON")
        migrate(connection)
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"can't open the rokgame database {path}: {exc}") from exc
    return connection


def _use_wal(connection: sqlite3.Connection, *, patience: float = 10.0) -> None:
    """Switch to WAL, waiting for other connections as the busy timeout would.

    Changing the journal mode of a new database takes an exclusive lock and SQLite does not call the busy
    handler for it: on a first start, the game's threads opening the database together got "database is
    locked" at once. So: try again until ``patience`` runs out.
    """
    deadline = time.monotonic() + patience
    delay = 0.005
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def migrate(connection: sqlite3.Connection) -> int:
    """Apply the migrations the database has not seen; return the schema version."""
    current = connection.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise StorageError(
            f"the rokgame database is from a newer rokgame (schema {current}, this one knows {SCHEMA_VERSION})"
        )
    for number in range(current, SCHEMA_VERSION):
        with transaction(connection):
            # Another connection (the game's worker threads open theirs at the same moment on a first start)
            # may have applied this one while we waited for the write lock.
            if connection.execute("PRAGMA user_version").fetchone()[0] > number:
                continue
            for statement in _statements(MIGRATIONS[number]):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number + 1}")
    return SCHEMA_VERSION


def _statements(script: str) -> Iterator[str]:
    # executescript() would COMMIT first; splitting keeps each migration inside our transaction.
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it lands, or none of it does."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    else:
        connection.execute("COMMIT")
