"""Shared test set-up: every test gets its own ROKGAME_HOME and headless SDL drivers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Headless before anything imports pygame: no window, no sound device needed.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def rokgame_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """User files of this test go to a fresh folder, never the player's real ones."""
    home = tmp_path_factory.mktemp("rokgame-home")
    monkeypatch.setenv("ROKGAME_HOME", str(home))
    return home


@pytest.fixture
def repo() -> Path:
    return REPO
