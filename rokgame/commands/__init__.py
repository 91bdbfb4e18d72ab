"""One module per ``rokgame`` command; each has ``register(subparsers)``."""
