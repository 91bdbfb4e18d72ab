"""The dependency rule: rokgame.core is the standard library only."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import rokgame.core

HEAVY = ("pygame", "numpy", "librosa", "yt_dlp", "soundfile", "scipy", "soxr", "platformdirs")


def core_modules() -> list[str]:
    """Every module in rokgame.core, found on disk so a new one is checked without editing this test."""
    found = [info.name for info in pkgutil.iter_modules(rokgame.core.__path__, "rokgame.core.")]
    return ["rokgame.core", *sorted(found), "rokgame.errors"]


def test_the_rules_of_play_are_all_there() -> None:
    names = set(core_modules())
    for module in ("chart", "chart_io", "timing", "judge", "scoring", "replay", "clock", "session"):
        assert f"rokgame.core.{module}" in names


def test_importing_core_pulls_in_no_heavy_library(repo: Path) -> None:
    modules = core_modules()
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
