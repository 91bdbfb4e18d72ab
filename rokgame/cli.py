"""The ``rokgame`` command: parse arguments, run one command, return an exit status.

Each command lives in its own module under :mod:`rokgame.commands` and registers
itself here. User mistakes (a :class:`~rokgame.errors.RokError`) print one sentence
and exit 1; ``--debug`` shows the traceback as well. Heavy libraries (pygame,
librosa, yt-dlp) are imported by the commands that need them, never here.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import os
import signal
import sqlite3
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import TextIO

from rokgame import __version__
from rokgame.core.text import terminal_output, terminal_text
from rokgame.errors import RokError

#: Command modules, in the order ``rokgame --help`` lists them.
COMMAND_MODULES = ("play", "fetch", "search", "library", "chart", "daily", "history")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``only`` that one command's (the others' modules stay unimported)."""
    parser = argparse.ArgumentParser(
        prog="rokgame",
        description="Play along to any track: a YouTube link, a search or an audio file. "
        "Without a command, the game opens on its main menu.",
    )
    parser.add_argument("--version", action="version", version=f"rokgame {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback when something fails")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        if only is None or name == only:
            importlib.import_module(f"rokgame.commands.{name}").register(commands)
    return parser


def _command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs, when it names one (the options before it take no values)."""
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return first if first in COMMAND_MODULES else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    out, err = sys.stdout, sys.stderr
    for stream in (out, err):
        # A file name that is not UTF-8, or a terminal that is not: escaped, never a UnicodeEncodeError.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    # Whatever a command prints (a file name with an escape code, a web page's title) reaches the terminal
    # escaped: nothing a file or a page holds can move the cursor, retitle the window or clear the screen.
    sys.stdout, sys.stderr = EscapingStream(out), EscapingStream(err)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: list[str]) -> int:
    # Importing every command module costs ~0.14 s (sqlite, urllib, the catalogue...): a one-shot
    # command like `chart generate` only imports its own; help and typos still see them all.
    dashed = _file_that_looks_like_an_option(argv)
    if dashed is not None:
        print(f"rokgame: {terminal_text(dashed)} looks like a file, but starts with '-' like an option; "
              f"write it as ./{terminal_text(dashed)}", file=sys.stderr)
        return 2
    parser = build_parser(only=_command_named(argv))
    args = parser.parse_args(argv)
    debug = bool(args.debug)
    handler = getattr(args, "handler", None)
    previous = _on_sigterm()
    try:
        args.settings_problems = _say_settings_problems()
        if handler is None:
            from rokgame.commands.play import open_menu

            return open_menu(args)
        return int(handler(args) or 0)
    except RokError as error:
        return _say(str(error), debug)
    except KeyboardInterrupt:
        print("rokgame: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # before OSError, which it is: `rokgame library | head` is not a failure
        return 0
    except (OSError, sqlite3.Error) as error:
        # Not the player's mistake, but theirs to fix (a read-only or full disk, a busy database): one
        # sentence that says which file and why.
        return _say(system_problem(error), debug)
    except Terminated:
        # Stopped from outside (kill, a shutdown): no report of a play that never finished, and not 0.
        print("rokgame: stopped (terminated)", file=sys.stderr)
        return 143
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _say(sentence: str, debug: bool) -> int:
    """One sentence for what went wrong (the traceback too with ``--debug``); exit status 1."""
    if debug:
        traceback.print_exc()
    print(f"rokgame: {terminal_text(sentence)}", file=sys.stderr)
    return 1


def system_problem(error: OSError | sqlite3.Error) -> str:
    """One sentence for what the machine refused: a full disk, a folder we may not write, a locked database."""
    import errno

    if isinstance(error, sqlite3.Error):
        if "locked" in str(error) or "busy" in str(error):
            return "the rokgame database is busy (another rokgame is writing to it); close it and try again"
        return f"the rokgame database could not be used: {error}"
    where = f" {error.filename}" if error.filename else ""
    if error.errno == errno.ENOSPC:
        return f"the disk is full: couldn't write{where}; free some space and try again"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"rokgame may not write{where} ({error.strerror}); check that its folders are writable " \
               "(ROKGAME_HOME or your home folder)"
    return f"couldn't use{where}: {error.strerror or error}"


class Terminated(Exception):
    """SIGTERM arrived: unwind like Ctrl-C, so every ``finally`` runs (the window closes, temp files go)."""


def _on_sigterm() -> signal.Handlers | Callable[..., object] | int | None:
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: object) -> None:
        raise Terminated()

    return signal.signal(signal.SIGTERM, stop)


class EscapingStream(io.TextIOBase):
    """A text stream that escapes control characters (but newline, tab and ``\\r``) on their way out."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(terminal_output(text))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8")


def _file_that_looks_like_an_option(argv: Sequence[str]) -> str | None:
    """``rokgame fetch -rf.mp3``: argparse would take it for options and say only "arguments are required"."""
    for arg in argv:
        if arg == "--":
            return None
        number = arg[1:].replace(".", "", 1).isdigit()  # -1.5 is a value, not a file
        if arg.startswith("-") and not arg.startswith("--") and len(arg) > 2 and not number and (
                "." in arg or "/" in arg or os.path.exists(arg)):
            return arg
    return None


def _say_settings_problems() -> list[str]:
    """A settings file with a typo is mended once (the original kept aside): say so, in one line each.

    Returned too, so a command that opens the game window shows them there as well.
    """
    from rokgame.settings import load_settings

    problems = load_settings().problems
    for problem in problems:
        print(f"rokgame: {problem}", file=sys.stderr)
    return problems


def entry() -> None:
    """The process entry (console script, ``python -m rokgame``, main.py): :func:`main`, then exit."""
    status = main()
    # Everything left is about to go with the process: skip the collector's final pass over the
    # heap (~35 ms after a chart generate). Not in main(), which tests call many times in one process.
    gc.freeze()
    raise SystemExit(status)
