"""Ghost taps in the game: the settings row, strumming with nothing to hit, results, and headless replays.

The rules themselves are tested without pygame in test_ghost_taps.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from rokgame import paths
from rokgame.core.chart_io import save_chart
from rokgame.core.clock import ManualClock
from rokgame.core.judge import OPEN_STRUM, InputEvent
from rokgame.core.replay import autoplay, save_replay
from rokgame.core.scoring import GhostTapRule
from rokgame.core.session import run_replay
from rokgame.game.audio import ManualPlayer
from rokgame.game.input import InputMapper
from rokgame.game.render import widgets
from rokgame.game.scenes.flow import make_gameplay
from rokgame.settings import Settings, load_settings, save_settings
from rokgame.storage.db import connect

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "screens"
LANE_KEYS = (pygame.K_d, pygame.K_f, pygame.K_SPACE, pygame.K_j, pygame.K_k)


def pad(app, button: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.CONTROLLERBUTTONDOWN, instance_id=0, button=button))
    pygame.event.post(pygame.event.Event(pygame.CONTROLLERBUTTONUP, instance_id=0, button=button))
    app.frame(0.01)


def test_the_settings_row_toggles_with_a_controller_and_is_saved(app, monkeypatch):
    from rokgame.game.scenes.settings import SettingsScene

    monkeypatch.setattr(app, "headless", False)  # a headless app never saves; this one stands for the window

    scene = app.push(SettingsScene(app))
    row = [option.key for option in scene.options].index("ghost_taps")
    assert [option.key for option in scene.options][row - 1] == "no_fail"  # with the other gameplay rules
    for _ in range(row):
        pad(app, pygame.CONTROLLER_BUTTON_DPAD_DOWN)
    assert scene.menu.selected.key == "ghost_taps" and scene.menu.selected.value == "Free"
    pad(app, pygame.CONTROLLER_BUTTON_DPAD_RIGHT)
    assert app.settings.ghost_taps == "break" and scene.menu.selected.value == "Break combo"
    pad(app, pygame.CONTROLLER_BUTTON_A)
    assert app.settings.ghost_taps == "free" and scene.menu.selected.value == "Free"
    pad(app, pygame.CONTROLLER_BUTTON_DPAD_LEFT)
    assert app.settings.ghost_taps == "break"
    pad(app, pygame.CONTROLLER_BUTTON_B)  # leaving the screen saves
    assert app.top is not scene
    assert load_settings().ghost_taps == "break"


def test_a_strum_with_no_fret_held_is_an_open_strum() -> None:
    mapper = InputMapper(5, strum_mode=True)
    strum = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_UP, mod=0)
    lanes = [(a.lane, a.down, a.t) for a in mapper.translate(strum, 2.0) if hasattr(a, "lane")]
    assert lanes == [(OPEN_STRUM, True, 2.0)]
    assert mapper.held_lanes() == set()  # nothing was pressed, so nothing is ever released
    tap_mode = InputMapper(5)
    assert not [a for a in tap_mode.translate(strum, 2.0) if hasattr(a, "lane")]  # ↑ is only a menu key there


def strummed_play(notes) -> list[tuple[float, int, bool]]:
    """A strum-mode player: (time, key, down) for frets and the strum bar.

    Every note is hit (frets down 50 ms before, strummed on time); at 3.0 s fret 0 is held too
    (anchoring: not an overstrum); at 6.0 s the orange fret is strummed over nothing and at
    6.25 s the strum bar is hit with no fret held: two overstrums.
    """
    out: list[tuple[float, int, bool]] = []
    by_time: dict[float, dict[int, float]] = {}  # strum time -> {fret: when it is let go}
    for note in notes:
        by_time.setdefault(note.t, {})[note.lane] = max(note.end, note.t + 0.03)
    by_time[3.0].setdefault(0, 3.03)
    for t, frets in sorted(by_time.items()):
        for lane, up in frets.items():
            out += [(t - 0.05, LANE_KEYS[lane], True), (up, LANE_KEYS[lane], False)]
        out += [(t, pygame.K_UP, True), (t + 0.01, pygame.K_UP, False)]
    out += [(5.95, LANE_KEYS[4], True), (6.0, pygame.K_UP, True), (6.01, pygame.K_UP, False),
            (6.05, LANE_KEYS[4], False)]
    out += [(6.25, pygame.K_DOWN, True), (6.26, pygame.K_DOWN, False)]
    return sorted(out, key=lambda e: (e[0], e[2]))


def test_overstrums_break_the_combo_show_on_results_and_the_saved_replay_reproduces_headless(
        app, make_chart, tmp_path, monkeypatch, capsys):
    from rokgame.cli import main
    from rokgame.game.scenes.results import ResultsScene

    app.settings.ghost_taps = "break"
    app.settings.strum_mode = True
    app.input.strum_mode = True
    chart = make_chart()
    notes = chart.difficulty("expert").notes
    path = tmp_path / "song.json"
    save_chart(chart, path)
    clock = ManualClock()
    scene = app.push(make_gameplay(app, chart, path, "expert", player=ManualPlayer(clock), show_results=True))
    popups = []
    for t, key, down in strummed_play(notes):
        clock.set(t)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN if down else pygame.KEYUP, key=key, mod=0))
        app.pump()
        scene.update(0)
        if scene.popup is not None and scene.popup.judgement not in popups:
            popups.append(scene.popup.judgement)
        if t == 6.01:
            assert scene.session.score.combo == 0, "the overstrum at 6.0 s broke the combo"
    assert popups == ["perfect", "overstrum"]
    for t in (scene.session.end_time, scene.session.end_time + 1.5):  # the last judgement, then the results
        clock.set(t)
        scene.update(0)
    results = app.top
    assert isinstance(results, ResultsScene)
    played = scene.session.report()
    assert played["judgements"]["perfect"] == len(notes) and played["ghost_tap_count"] == 2
    assert played["max_combo"] == 20  # the anchored strum at 3.0 s kept it; the overstrums didn't

    drawn: list[str] = []
    blit_text = widgets.blit_text

    def record(app_, surface, text, *args, **kw):
        drawn.append(text)
        return blit_text(app_, surface, text, *args, **kw)

    monkeypatch.setattr(widgets, "blit_text", record)
    for size in ((1280, 720), (1920, 1080)):
        app.resize(size)
        app.frame(1 / 60)
        app.screenshot(ARTIFACTS / f"results-overstrums-{size[0]}x{size[1]}.png")
    assert "Overstrums" in drawn and drawn[drawn.index("Overstrums") + 1] == "2"

    # The play was saved with its replay; headless, that replay gives the very same score, even with
    # the settings now saying "free" and strum mode on (the replay's own rule decides).
    conn = connect()
    try:
        name = conn.execute("SELECT replay_path FROM plays").fetchone()[0]
    finally:
        conn.close()
    replay = paths.replays_dir() / name
    assert json.loads(replay.read_text(encoding="utf-8"))["ghost_taps"] == "break"
    save_settings(Settings(ghost_taps="free", strum_mode=True))
    out = tmp_path / "report.json"
    assert main(["play", str(path), "--headless", "--replay", str(replay), "--report", str(out),
                 "--size", "640x360"]) == 0
    report = json.loads(out.read_text())
    assert report["score"] == played["score"] and report["judgements"] == played["judgements"]
    assert (report["ghost_taps"], report["ghost_tap_count"]) == ("break", 2)
    assert "ghost taps 2" in capsys.readouterr().out

    free = tmp_path / "free.json"
    assert main(["play", str(path), "--headless", "--replay", str(replay), "--ghost-taps", "free",
                 "--report", str(free), "--size", "640x360"]) == 0
    free_report = json.loads(free.read_text())
    assert free_report["score"] > played["score"]  # free, the chord and holds after 6 s kept ×2
    assert set(free_report) == {"score", "accuracy", "max_combo", "stars", "notes", "judgements", "offsets", "audio"}


@pytest.mark.parametrize(("flag", "settings_rule", "rule"), [
    ([], "break", GhostTapRule.FREE),       # a replay from before the option: free, whatever the settings
    (["--ghost-taps", "break"], "free", GhostTapRule.BREAK),
])
def test_a_replay_file_without_the_option_plays_free_unless_told(make_chart, tmp_path, flag, settings_rule, rule):
    from rokgame.cli import main

    chart = make_chart()
    path = tmp_path / "song.json"
    save_chart(chart, path)
    events = [*autoplay(chart.difficulty("expert").notes), InputEvent(6.0, 4, True), InputEvent(6.05, 4, False),
              InputEvent(6.25, OPEN_STRUM, True)]
    replay = tmp_path / "old.json"
    save_replay(replay, events)
    save_settings(Settings(ghost_taps=settings_rule))
    out = tmp_path / "report.json"
    assert main(["play", str(path), "--headless", "--replay", str(replay), *flag, "--report", str(out),
                 "--size", "640x360"]) == 0
    expected = run_replay(chart, "expert", events, ghost_taps=rule).report()
    assert json.loads(out.read_text())["score"] == expected["score"]


def test_ghost_taps_is_a_headless_flag(make_chart, tmp_path, capsys):
    from rokgame.cli import main

    path = tmp_path / "song.json"
    save_chart(make_chart(), path)
    assert main(["play", str(path), "--ghost-taps", "break"]) == 1
    assert "--ghost-taps only works with --headless" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"ghost_taps": "often", "events": []}', encoding="utf-8")
    assert main(["play", str(path), "--headless", "--replay", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "ghost_taps: 'often' is not a ghost-tap rule" in err and err.count("\n") == 1


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_a_ghost_tap_pops_up_beside_the_highway(app, make_chart, size):
    app.settings.ghost_taps = "break"
    clock = ManualClock()
    chart = make_chart()
    scene = app.push(make_gameplay(app, chart, None, "expert", player=ManualPlayer(clock), record=False))
    events = [e for e in autoplay(chart.difficulty("expert").notes) if e.t < 6.0]
    for event in [*events, InputEvent(6.0, 4, True), InputEvent(6.05, 4, False)]:
        clock.set(event.t)
        kind = pygame.KEYDOWN if event.down else pygame.KEYUP
        pygame.event.post(pygame.event.Event(kind, key=LANE_KEYS[event.lane], mod=0))
        app.pump()
        scene.update(0)
    assert scene.popup is not None and scene.popup.judgement == "ghost tap"
    assert scene.session.score.combo == 0 and scene.session.score.max_combo == 20
    app.resize(size)
    app.frame(0.0)
    app.screenshot(ARTIFACTS / f"gameplay-ghost-tap-{size[0]}x{size[1]}.png")
