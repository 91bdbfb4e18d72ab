"""Shared test set-up: every test gets its own ROKGAME_HOME and headless SDL drivers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# `make test` (and CI) draws the same examples every run, so a red build always means a change
# broke something; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) draws new ones each run to find bugs.
settings.register_profile("default", derandomize=True)
settings.register_profile("fuzz", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

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
def app_size() -> tuple[int, int]:
    """The window size of the ``app`` fixture; a test module overrides this fixture for another size."""
    return (1280, 720)


@pytest.fixture
def app(app_size: tuple[int, int]):
    """A headless game with default settings and no Daily panel provider (nothing runs in the background)."""
    from rokgame.game import hooks
    from rokgame.game.app import App
    from rokgame.settings import Settings

    hooks.set_daily_provider(None)
    app = App(Settings(), headless=True, size=app_size)
    yield app
    app.shutdown()
    hooks.set_daily_provider(None, use_default=True)


@pytest.fixture
def offline_fetch(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every track the game asks to fetch, in order; each fetch fails as offline, so nothing reaches the network."""
    asked: list[str] = []

    def offline_job(source: str):  # type: ignore[no-untyped-def]
        asked.append(source)

        def job(worker):  # type: ignore[no-untyped-def]
            from rokgame.fetch.errors import NoNetwork

            raise NoNetwork("Couldn't reach YouTube — check your connection")
        return job

    monkeypatch.setattr("rokgame.game.workers.prepare_track_job", offline_job)
    return asked


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def make_chart():
    """Build a small valid chart: ``make_chart(notes=[(t, lane, len), ...], lanes=5, difficulty="expert")``."""
    from rokgame.core.chart import Chart, Difficulty, Note, Song, Tempo

    def make(notes=None, *, lanes: int = 5, difficulty: str = "expert", bpm: float = 120.0,
             duration: float | None = None, title: str = "Test Song"):
        if notes is None:  # 24 notes over 6 s: taps, a chord, two holds
            notes = [(1.0 + 0.25 * i, i % lanes, 0.0) for i in range(20)]
            notes += [(6.5, 0, 0.0), (6.5, 2, 0.0), (7.0, 1, 0.8), (8.2, 3, 0.5)]
        parsed = tuple(Note(round(t, 3), lane, round(length, 3)) for t, lane, length in notes)
        end = max((n.end for n in parsed), default=0.0)
        beats = tuple(round(i * 60 / bpm, 3) for i in range(int((end + 2) * bpm / 60)))
        return Chart(song=Song(title=title, audio="missing.ogg", artist="Test Artist",
                               duration=duration if duration is not None else round(end + 1.0, 3)),
                     difficulties={difficulty: Difficulty(difficulty, parsed)}, lanes=lanes,
                     tempo=Tempo(bpm, beats))

    return make
