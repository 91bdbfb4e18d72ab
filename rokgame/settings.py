"""The player's settings: one JSON file in the config dir, read once, written atomically.

Unknown keys are kept (a newer rokgame's settings survive an older one), and a
broken or hand-mangled file never stops the game: the bad values (the wrong type,
or a word that is not one of a field's :data:`CHOICES`) fall back to their
defaults and :func:`load_settings` says which in ``Settings.problems``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
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


#: The words a text setting may be; anything else is reported and falls back to the default.
CHOICES: dict[str, tuple[str, ...]] = {
    "ghost_taps": tuple(rule.value for rule in GhostTapRule),
    "precision": tuple(PRECISIONS),
    "last_difficulty": DIFFICULTY_NAMES,
}


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
            return float(value)
    elif isinstance(default, tuple):
        if isinstance(value, list) and len(value) == len(default) and all(isinstance(v, int) for v in value):
            return tuple(value)
    elif isinstance(default, dict):
        if isinstance(value, dict):
            return value
    elif (default is None or isinstance(default, str)) and (value is None or isinstance(value, str)):
        return value
    raise ValueError(name)


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read the settings; a missing file gives the defaults, a broken one the defaults and a problem."""
    if path is None:
        from rokgame.paths import settings_path

        path = settings_path()
    settings = Settings()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return settings
    except (OSError, ValueError) as exc:
        settings.problems.append(f"{path} could not be read ({exc}); using the default settings")
        return settings
    if not isinstance(data, dict):
        settings.problems.append(f"{path} is not a settings object; using the default settings")
        return settings
    known = {f.name: f for f in fields(Settings) if f.name not in ("extra", "problems")}
    for key, value in data.items():
        if key not in known:
            settings.extra[key] = value
            continue
        default = getattr(settings, key)
        try:
            setattr(settings, key, _coerce(key, value, default))
        except ValueError:
            settings.problems.append(f"settings: {key}: {value!r} is not valid; using {default!r}")
    return settings


def save_settings(settings: Settings, path: str | os.PathLike[str] | None = None) -> None:
    """Write the settings atomically."""
    if path is None:
        from rokgame.paths import settings_path

        path = settings_path()
    data = asdict(settings)
    data.pop("problems")
    extra = data.pop("extra")
    data["window_size"] = list(settings.window_size)
    atomic_write_text(path, json.dumps({**data, **extra}, indent=2, sort_keys=True) + "\n")
