"""Where rokgame keeps things.

User files follow the platform's conventions (platformdirs). ``ROKGAME_HOME`` puts
all of them under one folder: tests always set it, and players can use it for a
portable install. Nothing is ever written into the source tree at run time.

Built-in, read-only material (demo songs, fonts, charts shipped with the game)
lives beside the package in the repository: ``assets/`` and ``charts/``.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "rokgame"
_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_DIR = _PACKAGE_DIR.parent


def _home() -> Path | None:
    home = os.environ.get("ROKGAME_HOME")
    return Path(home).expanduser() if home else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Settings (settings.json)."""
    home = _home()
    if home is not None:
        return _ensure(home / "config")
    import platformdirs

    return _ensure(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)))


def data_dir() -> Path:
    """What the player would miss if it were lost: the SQLite database, replays, edited charts."""
    home = _home()
    if home is not None:
        return _ensure(home / "data")
    import platformdirs

    return _ensure(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def cache_dir() -> Path:
    """What can be made again: downloaded audio, generated charts, analysis results."""
    home = _home()
    if home is not None:
        return _ensure(home / "cache")
    import platformdirs

    return _ensure(Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)))


def audio_cache_dir() -> Path:
    """Downloaded audio, one file per track named after its id or hash."""
    return _ensure(cache_dir() / "audio")


def generated_charts_dir() -> Path:
    """Generated charts, keyed by audio hash + generator version + options."""
    return _ensure(cache_dir() / "charts")


def user_charts_dir() -> Path:
    """Charts the player wrote or edited; they win over generated ones."""
    return _ensure(data_dir() / "charts")


def replays_dir() -> Path:
    """One replay (input events) per play."""
    return _ensure(data_dir() / "replays")


def database_path() -> Path:
    """The SQLite database: library, charts, scores, history."""
    return data_dir() / "rokgame.sqlite3"


def settings_path() -> Path:
    """The player's settings as JSON."""
    return config_dir() / "settings.json"


def assets_dir() -> Path:
    """Read-only assets shipped with the game (fonts, demo songs, daily catalogue)."""
    return _REPO_DIR / "assets"


def builtin_songs_dir() -> Path:
    """The demo songs: original music rendered by tools/make_demo_songs.py."""
    return assets_dir() / "songs"


def builtin_charts_dir() -> Path:
    """Hand-checked charts shipped with the game (the demo songs' charts among them)."""
    return _REPO_DIR / "charts"


def fonts_dir() -> Path:
    return assets_dir() / "fonts"
