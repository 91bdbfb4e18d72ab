"""The headless game loop judges exactly like the rules: replays through the real loop, real rendering."""

from __future__ import annotations

import json
import random

import pytest

from rokgame.core.chart_io import save_chart
from rokgame.core.judge import InputEvent
from rokgame.core.replay import autoplay, save_replay, shift
from rokgame.core.session import run_replay
from rokgame.game.headless import REPORT_KEYS, fixed_steps, headless_report
from rokgame.game.headless import run_headless as _run_headless


def run_headless(chart, difficulty, events, **kw):
    """The real loop at a small size and 120 steps per second: keeps the suite fast, judges the same."""
    kw.setdefault("size", (640, 360))
    kw.setdefault("steps", fixed_steps(1 / 120))
    return _run_headless(chart, difficulty, events, **kw)


def _notes(chart):
    return chart.difficulty("expert").notes


def test_autoplay_is_flawless_and_matches_the_rules(make_chart):
    chart = make_chart()
    events = autoplay(_notes(chart))
    result = run_headless(chart, "expert", events)
    report = result.report
    assert report["judgements"] == {"perfect": 24, "great": 0, "good": 0, "miss": 0}
    assert report["max_combo"] == 24 and report["accuracy"] == 1.0 and report["stars"] == 5
    assert all(offset == 0 for offset in report["offsets"])
    assert report == headless_report(run_replay(chart, "expert", events).report())
    assert list(report) == [*REPORT_KEYS, "audio"]


def test_forty_ms_late_on_every_note_is_all_great(make_chart):
    chart = make_chart()
    report = run_headless(chart, "expert", shift(autoplay(_notes(chart)), 0.040)).report
    assert report["judgements"] == {"perfect": 0, "great": 24, "good": 0, "miss": 0}
    assert all(offset == pytest.approx(40.0, abs=1e-6) for offset in report["offsets"])


def test_no_input_is_all_miss_and_scores_nothing(make_chart):
    chart = make_chart()
    report = run_headless(chart, "expert", []).report
    assert report["judgements"] == {"perfect": 0, "great": 0, "good": 0, "miss": 24}
    assert report["score"] == 0 and report["max_combo"] == 0
    assert report["offsets"] == [None] * 24


def _sloppy_replay(chart, seed: int = 7) -> list[InputEvent]:
    """A human-ish play: every press off by up to ±100 ms (some Good, some Miss), some notes skipped."""
    rng = random.Random(seed)
    events = []
    for note in _notes(chart):
        if rng.random() < 0.1:
            continue
        t = note.t + rng.uniform(-0.100, 0.100)
        events.append(InputEvent(t, note.lane, True))
        events.append(InputEvent(max(t + 0.03, note.end + rng.uniform(-0.2, 0.05)), note.lane, False))
    return events


def test_slow_uneven_frames_judge_exactly_like_smooth_ones(make_chart):
    chart = make_chart()
    events = _sloppy_replay(chart)
    smooth = run_headless(chart, "expert", events).report
    rng = random.Random(3)

    def uneven():
        while True:  # from 1 ms up to 120 ms frames: many presses land inside one slow frame
            yield rng.choice((0.001, 0.004, 0.017, 0.050, 0.120))

    slow = run_headless(chart, "expert", events, steps=uneven()).report
    assert slow == smooth
    assert smooth == headless_report(run_replay(chart, "expert", events).report())
    judged = smooth["judgements"]
    assert judged["miss"] > 0 and judged["perfect"] + judged["great"] + judged["good"] > 0


def test_cli_headless_writes_exactly_the_report(make_chart, tmp_path, capsys):
    from rokgame.cli import main

    chart = make_chart()
    path = tmp_path / "song.json"
    save_chart(chart, path)
    out = tmp_path / "report.json"
    assert main(["play", str(path), "--difficulty", "expert", "--headless", "--autoplay", "--report", str(out),
                 "--size", "640x360"]) == 0
    report = json.loads(out.read_text())
    assert set(report) == {"score", "accuracy", "max_combo", "stars", "notes", "judgements", "offsets", "audio"}
    assert report["judgements"]["perfect"] == 24

    replay = tmp_path / "late.json"
    save_replay(replay, shift(autoplay(_notes(chart)), 0.040))
    out2 = tmp_path / "late-report.json"
    assert main(["play", str(path), "--headless", "--replay", str(replay), "--report", str(out2),
                 "--png", str(tmp_path / "png"), "--png-every", "3", "--size", "640x360"]) == 0
    assert json.loads(out2.read_text())["judgements"]["great"] == 24
    assert sorted(p.name for p in (tmp_path / "png").iterdir())[-1] == "results.png"


def test_cli_mistakes_are_one_sentence(make_chart, tmp_path, capsys):
    from rokgame.cli import main

    assert main(["play", str(tmp_path / "nope.json"), "--headless", "--autoplay"]) == 1
    assert "no such chart file" in capsys.readouterr().err
    path = tmp_path / "song.json"
    save_chart(make_chart(), path)
    assert main(["play", str(path), "--difficulty", "easy", "--headless", "--autoplay"]) == 1
    assert "has no easy difficulty" in capsys.readouterr().err
    assert main(["play", str(path), "--autoplay"]) == 1
    assert "only works with --headless" in capsys.readouterr().err


def test_a_replay_plays_back_with_the_precision_and_no_fail_it_was_recorded_with(make_chart, tmp_path, capsys):
    from rokgame.cli import main
    from rokgame.settings import Settings, save_settings

    chart = make_chart()
    path = tmp_path / "song.json"
    save_chart(chart, path)
    late = shift(autoplay(_notes(chart)), 0.040)  # Great at normal precision, Good at strict (±35 ms Great)
    replay = tmp_path / "strict.json"
    save_replay(replay, late, precision="strict", no_fail=True)
    save_settings(Settings(precision="normal", no_fail=False))
    out = tmp_path / "report.json"
    assert main(["play", str(path), "--headless", "--replay", str(replay), "--report", str(out),
                 "--size", "640x360"]) == 0
    assert json.loads(out.read_text())["judgements"] == {"perfect": 0, "great": 0, "good": 24, "miss": 0}
    assert main(["play", str(path), "--headless", "--replay", str(replay), "--precision", "normal",
                 "--report", str(out), "--size", "640x360"]) == 0
    assert json.loads(out.read_text())["judgements"] == {"perfect": 0, "great": 24, "good": 0, "miss": 0}
    capsys.readouterr()
    bad = tmp_path / "bad.json"
    bad.write_text('{"precision": "loose", "events": []}', encoding="utf-8")
    assert main(["play", str(path), "--headless", "--replay", str(bad)]) == 1
    assert "precision: 'loose' is not a precision" in capsys.readouterr().err


def test_the_game_saves_the_precision_and_no_fail_of_a_play_with_its_replay(app, make_chart, tmp_path):
    from rokgame import paths
    from rokgame.core.clock import ManualClock
    from rokgame.game.audio import ManualPlayer
    from rokgame.game.scenes.flow import make_gameplay
    from rokgame.storage.db import connect

    app.settings.precision, app.settings.no_fail = "tight", True
    chart = make_chart()
    path = tmp_path / "song.json"
    save_chart(chart, path)
    clock = ManualClock()
    scene = app.push(make_gameplay(app, chart, path, "expert", player=ManualPlayer(clock), show_results=False))
    for t in (scene.session.end_time, scene.session.end_time + 1.0):  # nothing pressed: every note missed
        clock.set(t)
        scene.update(0)
    conn = connect()
    try:
        name = conn.execute("SELECT replay_path FROM plays").fetchone()[0]
    finally:
        conn.close()
    saved = json.loads((paths.replays_dir() / name).read_text(encoding="utf-8"))
    assert (saved["precision"], saved["no_fail"]) == ("tight", True)
