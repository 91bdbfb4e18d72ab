"""``rokgame library``: list the tracks; ``remove ID`` forgets one; ``edit ID`` makes an editable chart copy."""

from __future__ import annotations

import argparse
import sys


def track_id(text: str) -> int:
    """A track number as ``rokgame library`` lists them (argparse turns the ValueError into one sentence)."""
    value = int(text)
    if not 0 < value < 2**63:
        raise ValueError(text)
    return value


def register(commands: argparse._SubParsersAction) -> None:
    library = commands.add_parser("library", help="list your tracks; remove one; get a chart to edit")
    sub = library.add_subparsers(dest="library_command", metavar="ACTION")
    library.set_defaults(handler=run_list)

    listing = sub.add_parser("list", help="list the tracks (the default)")
    listing.set_defaults(handler=run_list)

    remove = sub.add_parser("remove", help="remove a track and its downloaded files (never your own audio files)")
    remove.add_argument("track_id", type=track_id, metavar="ID")
    remove.set_defaults(handler=run_remove)

    edit = sub.add_parser("edit", help="copy a track's chart into your charts folder to edit; prints its path")
    edit.add_argument("track_id", type=track_id, metavar="ID")
    edit.set_defaults(handler=run_edit)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def run_list(args: argparse.Namespace) -> int:
    from rokgame.storage.library import list_entries
    from rokgame.tracks import open_library

    conn = open_library()
    try:
        entries = list_entries(conn)
    finally:
        conn.close()
    if not entries:
        print("Your library is empty. Add a track with: rokgame fetch \"artist - title\" (or a link, or a file)")
        return 0
    print(f"{'ID':>4}  {'title':<32} {'artist':<22} {'length':>6}  {'best':<18} note")
    for entry in entries:
        best = ""
        if entry.best_scores:
            name, score = max(entry.best_scores.items(), key=lambda item: item[1])
            best = f"{score:,} ({name})"
        notes = []
        if entry.chart_origin == "authored":
            notes.append("your chart")
        elif entry.kind == "builtin":
            notes.append("demo")
        if entry.missing:
            notes.append(entry.missing)
        print(f"{entry.track_id:>4}  {_cut(entry.title, 32):<32} {_cut(entry.artist, 22):<22} "
              f"{_clock(entry.duration):>6}  {best:<18} {'; '.join(notes)}".rstrip())
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from rokgame.storage.db import connect
    from rokgame.tracks import remove_track

    conn = connect()
    try:
        removed = remove_track(conn, args.track_id)
    finally:
        conn.close()
    files = len(removed.deleted)
    print(f"Removed “{removed.title}” ({files} file{'s' * (files != 1)} deleted from the cache).")
    for path in removed.kept:
        print(f"  kept {path}", file=sys.stderr)
    return 0


def run_edit(args: argparse.Namespace) -> int:
    from rokgame.storage.db import connect
    from rokgame.storage.library import editable_copy

    conn = connect()
    try:
        path, created = editable_copy(conn, args.track_id)
    finally:
        conn.close()
    if created:
        print("Your copy of the chart (edit it; it is played instead of the generated one):", file=sys.stderr)
    else:
        print("You already have a copy of this chart:", file=sys.stderr)
    print(path)
    return 0
