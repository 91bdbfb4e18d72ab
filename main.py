"""Run rokgame from a checkout: ``python main.py`` does what ``rokgame`` does."""

from rokgame.cli import entry

entry()
