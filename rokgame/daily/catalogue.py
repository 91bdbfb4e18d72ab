"""Which catalogue the Daily Track walks: ``--catalogue FILE``, else ``Settings.daily_catalogue``, else ours."""

from __future__ import annotations

import os
from pathlib import Path

from rokgame import paths
from rokgame.core.chart_io import read_regular_file
from rokgame.core.daily import Catalogue, CatalogueError, parse_catalogue


def builtin_catalogue_path() -> Path:
    """The catalogue shipped with rokgame: free-to-use music and the demo songs."""
    return paths.assets_dir() / "daily" / "catalogue.json"


def resolve_catalogue_path(path: str | os.PathLike[str] | None = None, *, setting: str | None = None) -> Path:
    """The file to read: ``path`` if given, else the setting (relative to the config folder), else ours."""
    if path is not None:
        return Path(path).expanduser()
    if setting:
        chosen = Path(setting).expanduser()
        return chosen if chosen.is_absolute() else paths.config_dir() / chosen
    return builtin_catalogue_path()


def read_catalogue(path: str | os.PathLike[str]) -> Catalogue:
    """Read and check one catalogue file; every problem is a :class:`CatalogueError` in one sentence."""
    path = Path(path)
    try:
        text = read_regular_file(path, 16 << 20, what="a catalogue").decode("utf-8-sig")
    except FileNotFoundError:
        raise CatalogueError(f"no such catalogue file: {path}") from None
    except IsADirectoryError:
        raise CatalogueError(f"{path} is a folder, not a catalogue file") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"{path} is not UTF-8 text (is it a catalogue?)") from None
    except ValueError as exc:  # a pipe, a device, or far too large
        raise CatalogueError(str(exc)) from None
    except OSError as exc:
        raise CatalogueError(f"can't read the catalogue {path}: {exc.strerror or exc}") from None
    return parse_catalogue(text, name=str(path))


def load_catalogue(path: str | os.PathLike[str] | None = None, *, setting: str | None = None) -> Catalogue:
    """The catalogue to use. ``setting`` is ``Settings.daily_catalogue``; pass it, or it is read from the settings."""
    if path is None and setting is None:
        from rokgame.settings import load_settings

        setting = load_settings().daily_catalogue
    return read_catalogue(resolve_catalogue_path(path, setting=setting))


def catalogue_for_menu(setting: str | None = None) -> tuple[Catalogue, str | None]:
    """The player's catalogue, or ours and the sentence saying why theirs was not used.

    The menu must always have a Daily Track: a broken custom catalogue is reported (one
    line on the panel), never a reason for an empty panel.
    """
    if setting is None:
        from rokgame.settings import load_settings

        setting = load_settings().daily_catalogue
    if setting:
        try:
            return read_catalogue(resolve_catalogue_path(setting=setting)), None
        except CatalogueError as error:
            return read_catalogue(builtin_catalogue_path()), f"{error}; using rokgame's catalogue instead"
    return read_catalogue(builtin_catalogue_path()), None
