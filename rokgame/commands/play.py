"""``rokgame play``: open the game (the gameplay issue fills this in)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    play = commands.add_parser("play", help="play a chart, a track or a link")
    play.set_defaults(handler=open_menu)


def open_menu(args: argparse.Namespace) -> int:
    from rokgame.game.app import run

    return run()
