"""``rokgame search WORDS``: the top five YouTube results, with title, channel and length."""

from __future__ import annotations

import argparse
import sys


def register(commands: argparse._SubParsersAction) -> None:
    search = commands.add_parser("search", help="search YouTube and list the top 5 results")
    search.add_argument("query", nargs="+", metavar="WORDS", help='what to look for, e.g. "artist - title"')
    search.set_defaults(handler=run_search)


def run_search(args: argparse.Namespace) -> int:
    from rokgame.commands.fetch import TerminalProgress, print_results
    from rokgame.errors import FetchError
    from rokgame.tracks import search

    query = " ".join(" ".join(args.query).split())
    if not query:
        raise FetchError("say what to search for, e.g. rokgame search \"artist - title\"")
    bar = TerminalProgress()
    try:
        results = search(query, progress=bar)
    finally:
        bar.close()
    print_results(results, sys.stdout)
    print("\nPlay one with: rokgame play URL   (or: rokgame fetch URL)", file=sys.stderr)
    return 0
