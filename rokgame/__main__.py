"""``python -m rokgame``: the same entry point as the ``rokgame`` command."""

from rokgame.cli import entry

entry()
