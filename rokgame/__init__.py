"""rokgame: play along to any track on a five-lane highway."""

__version__ = "0.1.0"
