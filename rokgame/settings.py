"""The player's settings: one JSON file in the config dir, read once, written atomically.

Unknown keys are kept (a newer rokgame's settings survive an older one), and a
broken or hand-mangled file never stops the game and never costs the player a setting:

* bad values (the wrong type, a word that is not one of a field's :data:`CHOICES`, a
  number that is not finite or outside its :data:`BOUNDS`) fall back to their defaults;
* a file that is not valid JSON (one typo) is read key by key, so every value that
  still reads is kept;
* in both cases the file as the player left it is copied aside first
  (``settings.json.broken-YYYY-MM-DD``), the file is mended, and ``Settings.problems`` says
  what happened, once: the CLI prints it and the game shows it as a notice;
* a file that cannot be read at all (permissions) is never overwritten.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from rokgame.core.chart import DIFFICULTY_NAMES
from rokgame.core.chart_io import atomic_write_text
from rokgame.core.scoring import GhostTapRule
from rokgame.core.timing import PRECISIONS


@dataclass
class Settings:
    # Timing (milliseconds). audio_offset: how late the player hears the music; visual: sees the notes.
    audio_offset_ms: float = 0.0
    visual_offset_ms: float = 0.0
    scroll_time: float = 1.5          # seconds a note is on screen (osu!-style, BPM-independent)
    precision: str = "normal"         # "normal" | "tight" | "strict": narrows the hit windows
    no_fail: bool = False
    ghost_taps: str = "free"          # "free" | "break": a press near no note (an overstrum) breaks the combo
    # Look
    colorblind: bool = False
    lefty: bool = False
    fullscreen: bool = False
    window_size: tuple[int, int] = (1280, 720)
    show_fps: bool = False
    # Sound
    music_volume: float = 0.9
    hit_sounds: bool = False
    miss_sound: bool = True
    # Input: lanes -> key names (pygame.key.name), per lane count; controller bindings per device GUID.
    keys: dict[str, list[str]] = field(default_factory=dict)
    controller: dict[str, Any] = field(default_factory=dict)
    strum_mode: bool = False
    # Tracks
    max_track_minutes: float = 15.0
    daily_catalogue: str | None = None
    # Fetch and chart today's and tomorrow's Daily Track at start-up. None: not asked yet; the game
    # asks once, because the network is only used when the player asks for it.
    daily_prefetch: bool | None = None
    last_difficulty: str = "medium"
    # Anything a newer rokgame wrote that this one does not know.
    extra: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list, compare=False)
    #: False when the file exists but could not be read: saving would overwrite what we never saw.
    writable: bool = field(default=True, compare=False)


#: The words a text setting may be; anything else is reported and falls back to the default.
CHOICES: dict[str, tuple[str, ...]] = {
    "ghost_taps": tuple(rule.value for rule in GhostTapRule),
    "precision": tuple(PRECISIONS),
    "last_difficulty": DIFFICULTY_NAMES,
}


#: The numbers a setting may be (inclusive); NaN, infinities and anything outside are reported.
BOUNDS: dict[str, tuple[float, float]] = {
    "audio_offset_ms": (-1000.0, 1000.0),
    "visual_offset_ms": (-1000.0, 1000.0),
    "scroll_time": (0.4, 4.0),
    "music_volume": (0.0, 1.0),
    "max_track_minutes": (0.5, 180.0),
}
#: A window from 320x200 up to 8K.
WINDOW_BOUNDS = ((320, 7680), (200, 4320))

#: Yes/no settings that may also be unanswered (``None``).
OPTIONAL_BOOLS = frozenset({"daily_prefetch"})


def _coerce(name: str, value: Any, default: Any) -> Any:
    if name in OPTIONAL_BOOLS:
        if value is None or isinstance(value, bool):
            return value
        raise ValueError(name)
    if name in CHOICES:
        if value in CHOICES[name]:
            return value
        raise ValueError(name)
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
    elif isinstance(default, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            low, high = BOUNDS.get(name, (-1e9, 1e9))
            # Compared before it is converted: NaN fails, and a 400-digit integer can't become a float.
            if low <= value <= high:
                return float(value)
    elif isinstance(default, tuple):
        if isinstance(value, list) and len(value) == len(default) and all(isinstance(v, int) for v in value) \
                and all(lo <= v <= hi for v, (lo, hi) in zip(value, WINDOW_BOUNDS, strict=False)):
            return tuple(value)
    elif isinstance(default, dict):
        if isinstance(value, dict):
            return value
    elif (default is None or isinstance(default, str)) and (value is None or isinstance(value, str)):
        return value
    raise ValueError(name)


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read the settings; a missing file gives the defaults, a broken one every value that still reads."""
    if path is None:
        from rokgame.paths import settings_path

        path = settings_path()
    path = Path(path)
    settings = Settings()
    try:
        if path.exists() and not path.is_file():
            raise OSError(f"{path} is not a regular file")
        raw = path.read_bytes()[: MAX_SETTINGS_BYTES + 1]
    except FileNotFoundError:
        return settings
    except OSError as exc:
        settings.writable = False
        settings.problems.append(f"{path} could not be read ({getattr(exc, 'strerror', None) or exc}); "
                                 "playing with the default settings and leaving the file as it is")
        return settings
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        if len(raw) > MAX_SETTINGS_BYTES:
            raise ValueError(f"it is over {MAX_SETTINGS_BYTES // 1024} KiB")
        data = json.loads(text)
        typo = None
    except ValueError as exc:
        data, typo = salvage_json_object(text), exc
    if not isinstance(data, dict):
        data, typo = {}, ValueError("it is not a settings object")
    known = {f.name: f for f in fields(Settings) if f.name not in ("extra", "problems", "writable")}
    bad: list[str] = []
    for key, value in data.items():
        if key not in known:
            settings.extra[key] = value
            continue
        default = getattr(settings, key)
        try:
            setattr(settings, key, _coerce(key, value, default))
        except ValueError:
            bad.append(f"{key}: {_short(value)} is not valid; using {default!r}")
    if typo is not None or bad:
        aside = _keep_aside(path, raw)
        kept = f"kept {len(data)} setting{'s' if len(data) != 1 else ''} that still read" if typo else ""
        where = f"the file as you left it is {aside.name}" if aside else "the file could not be copied aside"
        if typo is not None:
            settings.problems.append(f"{path.name} has a mistake ({_where(typo)}): {kept}; {where}")
        for line in bad:
            settings.problems.append(f"settings: {line}" + ("" if typo else f" ({where})"))
        if aside is not None:
            # Mended once, with the original kept aside: the next start reads a good file and says nothing.
            with contextlib.suppress(OSError):
                save_settings(settings, path)
    return settings


#: A settings file is a few KiB; anything far larger is not one (and is not read whole).
MAX_SETTINGS_BYTES = 1 << 20
_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*')


def salvage_json_object(text: str) -> dict[str, object]:
    """The ``"key": value`` pairs of a broken JSON object that still read, first level only.

    One typo (a missing comma or quote, a stray character) spoils ``json.loads`` for the
    whole file; this reads each key's value on its own, so only the pair with the typo is lost.
    """
    decoder = json.JSONDecoder()
    found: dict[str, object] = {}
    read_to = 0
    position = text.find("{") + 1 if "{" in text else 0
    for match in _KEY.finditer(text, position):
        if match.start() < read_to:
            continue  # inside a value already read (a nested object's keys)
        try:
            key = json.loads(f'"{match.group(1)}"')
            value, end = decoder.raw_decode(text, match.end())
        except ValueError:
            continue
        found[key] = value
        read_to = end
    return found


def _where(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"line {error.lineno}, column {error.colno}: {error.msg}"
    return str(error)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _keep_aside(path: Path, raw: bytes) -> Path | None:
    """Copy the file as the player left it to ``<name>.broken-DATE`` (once per content), before anything saves."""
    for existing in path.parent.glob(f"{path.name}.broken-*"):
        try:
            if existing.read_bytes() == raw:
                return existing
        except OSError:
            continue
    aside = path.with_name(f"{path.name}.broken-{date.today().isoformat()}")
    number = 2
    while aside.exists():
        aside = path.with_name(f"{path.name}.broken-{date.today().isoformat()}-{number}")
        number += 1
    try:
        shutil.copyfile(path, aside)
    except OSError:
        return None
    return aside


def save_settings(settings: Settings, path: str | os.PathLike[str] | None = None) -> None:
    """Write the settings atomically."""
    if path is None:
        from rokgame.paths import settings_path

        path = settings_path()
    if not settings.writable:
        return  # the file is there but we could not read it: never overwrite what we never saw
    data = asdict(settings)
    data.pop("problems")
    data.pop("writable")
    extra = data.pop("extra")
    data["window_size"] = list(settings.window_size)
    atomic_write_text(path, json.dumps({**data, **extra}, indent=2, sort_keys=True) + "\n")
