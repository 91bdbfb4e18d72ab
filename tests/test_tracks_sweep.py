"""The start-up sweep: what killed attempts left goes; running attempts and other caches stay."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rokgame import paths
from rokgame.storage.db import connect
from rokgame.tracks import sweep


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_sweep_removes_leftovers_and_nothing_else() -> None:
    audio, charts = paths.audio_cache_dir(), paths.generated_charts_dir()
    dead = audio / f".attempt-{dead_pid()}-deadbeef"
    dead.mkdir()
    (dead / "audio.wav.part").write_bytes(b"x" * 100)
    orphans = [audio / "yt-AAAAAAAAAAA.ogg", audio / "yt-AAAAAAAAAAA.json", charts / "file-0123456789abcdef.json"]
    keep = [charts / "yt-AAAAAAAAAAA.0123456789abcdef.json",  # the charter's own cache
            audio / "notes.txt"]
    for path in orphans + keep:
        path.write_text("{}")
    conn = connect()

    # Another attempt is running (this very process): only the dead attempt's folder goes.
    running = audio / f".attempt-{os.getpid()}-cafecafe"
    running.mkdir()
    assert sweep(conn) == [dead]
    assert all(p.exists() for p in orphans + keep) and running.exists()

    # Nothing running: files no row names go too, and only ours.
    running.rmdir()
    assert sorted(sweep(conn)) == sorted(orphans)
    assert all(p.exists() for p in keep)
    assert sweep(conn) == []


def test_sweep_keeps_files_the_library_names(tmp_path: Path) -> None:
    audio = paths.audio_cache_dir() / "url-0123456789abcdef.ogg"
    audio.write_bytes(b"ogg")
    conn = connect()
    conn.execute("INSERT INTO tracks (source, kind, title, audio_path, added_at) VALUES (?, 'url', 'x', ?, 'now')",
                 ("http://example.org/x.ogg", str(audio)))
    assert sweep(conn) == []
    assert audio.exists()
