"""Ghost taps: free by default; with the option on, a press near no note (an overstrum) breaks the combo.

Pure core (no pygame): the judge reports the ghost tap, the score applies the rule, the session
and the replay carry it. The game side (settings row, headless command, results) is in
test_game_ghost_taps.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rokgame.core.chart import Chart, Difficulty, Note, Song
from rokgame.core.judge import OPEN_STRUM, GhostTap, HitResult, InputEvent, Judge
from rokgame.core.replay import autoplay, dumps_replay, read_replay, replay_from_json, save_replay
from rokgame.core.scoring import (
    HEALTH_GHOST_TAP,
    GhostTapRule,
    GhostTapRuleError,
    ScoreProcessor,
    max_score,
)
from rokgame.core.session import PlaySession, run_replay
from rokgame.core.timing import HitWindows, Judgement
from rokgame.settings import Settings, load_settings, save_settings

FREE, BREAK = GhostTapRule.FREE, GhostTapRule.BREAK
MISS_WINDOW = HitWindows().miss

# Twelve taps 0.25 s apart (combo 12, multiplier ×2 by then), a one-second gap, then two more notes.
NOTES = [Note(round(1.0 + 0.25 * i, 3), i % 5) for i in range(12)] + [Note(4.75, 1), Note(5.0, 3)]
GAP = (3.75, 4.75)  # nothing to hit between the 12th note and the 13th but its miss window


def chart_of(notes: list[Note], lanes: int = 5) -> Chart:
    return Chart(Song("Test", "song.ogg"), {"expert": Difficulty("expert", tuple(notes))}, lanes=lanes)


def tap(t: float, lane: int) -> list[InputEvent]:
    return [InputEvent(t, lane, True)] if lane == OPEN_STRUM else [InputEvent(t, lane, True),
                                                                   InputEvent(t + 0.02, lane, False)]


def played_until(until: float, extra: list[InputEvent], rule: GhostTapRule) -> PlaySession:
    """Every note hit on time, plus ``extra`` presses, with song time let run to ``until``."""
    session = PlaySession(chart_of(NOTES), "expert", ghost_taps=rule)
    for event in sorted([*autoplay(NOTES), *extra], key=lambda e: (e.t, e.down)):
        if event.t <= until:
            session.feed(event)
    session.update(until)
    return session


# (what the player did, extra presses, how many ghost taps that is)
MASHES = [
    ("one tap in the gap", tap(4.0, 2), 1),
    ("two taps in the gap", tap(3.9, 2) + tap(4.3, 4), 2),
    ("two keys at the same instant (a strum of two frets) in the gap", tap(4.0, 2) + tap(4.0, 4), 1),
    ("a strum with no fret held", tap(4.0, OPEN_STRUM), 1),
    ("a tap in a lane with no notes left", tap(4.0, 0), 1),
    ("a tap just outside the next note's Miss window", tap(4.75 - MISS_WINDOW - 0.002, 1), 1),
    ("a tap just after the last note's Miss window", tap(3.75 + MISS_WINDOW + 0.002, 1), 1),
]


@pytest.mark.parametrize(("what", "extra", "ghosts"), MASHES, ids=[m[0] for m in MASHES])
def test_with_the_option_off_a_ghost_tap_changes_nothing(what: str, extra: list[InputEvent], ghosts: int) -> None:
    until = max(e.t for e in extra) + 0.01
    assert played_until(until, extra, FREE).report() == played_until(until, [], FREE).report()


@pytest.mark.parametrize(("what", "extra", "ghosts"), MASHES, ids=[m[0] for m in MASHES])
def test_with_the_option_on_a_ghost_tap_resets_the_combo_and_takes_no_score(
        what: str, extra: list[InputEvent], ghosts: int) -> None:
    until = max(e.t for e in extra) + 0.01
    clean = played_until(until, [], BREAK)
    mashed = played_until(until, extra, BREAK)
    assert clean.score.combo == 12 and clean.score.multiplier == 2
    assert (mashed.score.combo, mashed.score.multiplier, mashed.score.max_combo) == (0, 1, 12)
    assert mashed.score.ghost_tap_count == ghosts
    assert mashed.score.health == pytest.approx(clean.score.health + ghosts * HEALTH_GHOST_TAP)
    mashed_report, clean_report = mashed.report(), clean.report()
    for key in ("score", "accuracy", "judgements", "offsets", "early", "late"):
        assert mashed_report[key] == clean_report[key], key  # no note judged, no score taken, no Miss


@pytest.mark.parametrize("rule", [FREE, BREAK])
@pytest.mark.parametrize(("what", "extra", "ghosts"), MASHES, ids=[m[0] for m in MASHES])
def test_every_note_still_gets_exactly_one_judgement(what: str, extra: list[InputEvent], ghosts: int,
                                                     rule: GhostTapRule) -> None:
    session = run_replay(chart_of(NOTES), "expert", [*autoplay(NOTES), *extra], ghost_taps=rule)
    report = session.report()
    assert report["judgements"] == {"perfect": len(NOTES), "great": 0, "good": 0, "miss": 0}
    assert report["ghost_tap_count"] == (ghosts if rule is BREAK else 0)
    assert report["ghost_taps"] == rule.value
    # After the ghost tap the combo starts again: two notes after the gap score at ×1, not ×2.
    expected_loss = 0 if rule is FREE else 2 * 50
    assert report["score"] == max_score(NOTES) - expected_loss


# (what the player did, the press, the judgement it gets) -- all in reach of the note at 4.75 in lane 1
IN_REACH = [
    ("just inside the Miss window, early", 4.75 - MISS_WINDOW + 0.002, Judgement.MISS),
    ("exactly on the Miss window's edge, early", 4.75 - MISS_WINDOW, Judgement.MISS),
    ("just inside the Miss window, late", 4.75 + MISS_WINDOW - 0.002, Judgement.MISS),
    ("a Good, early", 4.75 - 0.08, Judgement.GOOD),
]


@pytest.mark.parametrize(("what", "t", "judgement"), IN_REACH, ids=[c[0] for c in IN_REACH])
def test_a_press_in_reach_of_a_note_is_judged_not_a_ghost_tap(what: str, t: float, judgement: Judgement) -> None:
    events = [e for e in autoplay(NOTES) if not (e.lane == 1 and 4.7 <= e.t <= 4.9)] + tap(t, 1)
    report = run_replay(chart_of(NOTES), "expert", events, ghost_taps=BREAK).report()
    assert report["ghost_tap_count"] == 0
    assert report["judgements"][judgement.value] == 1
    assert sum(report["judgements"].values()) == len(NOTES)


# A strum is one action: extra frets held while the strum hits a note are not a ghost tap (anchoring).
CHORDS = [
    ("the note's fret first, then a fret with no note", [(4.75, 1), (4.75, 0)]),
    ("a fret with no note first, then the note's fret", [(4.75, 0), (4.75, 1)]),
    ("the note's fret, a fret with no note, and the open lane", [(4.75, 3), (4.75, 1), (4.75, OPEN_STRUM)]),
]


@pytest.mark.parametrize(("what", "presses"), CHORDS, ids=[c[0] for c in CHORDS])
def test_a_strum_that_hits_a_note_is_not_an_overstrum_whatever_else_it_presses(
        what: str, presses: list[tuple[float, int]]) -> None:
    judge = Judge(NOTES)
    results: list[object] = []
    for t, lane in presses:
        results += judge.feed(InputEvent(t, lane, True))
    results += judge.update(4.8)
    assert not any(isinstance(r, GhostTap) for r in results)
    assert judge.judgements[NOTES.index(Note(4.75, 1))] is Judgement.PERFECT


def test_the_judge_reports_a_ghost_tap_once_time_has_moved_past_its_instant() -> None:
    judge = Judge([Note(1.0, 0)])
    assert judge.press(0.5, 2) is None and judge.press(0.5, 3) is None
    assert judge.update(0.5) == []  # another fret of the same strum could still hit something
    assert judge.update(0.6) == [GhostTap(0.5)]
    assert judge.update(0.7) == []  # reported once
    assert judge.judgements == [None]  # and no note was judged for it


# The score processor on its own: (rule, combo after, multiplier after, health change, counted)
RULES = [
    (FREE, 25, 3, 0.0, 0),
    (BREAK, 0, 1, HEALTH_GHOST_TAP, 1),
]


@pytest.mark.parametrize(("rule", "combo", "multiplier", "health", "counted"), RULES, ids=["free", "break"])
def test_the_score_processor_applies_a_ghost_tap_by_its_rule(rule: GhostTapRule, combo: int, multiplier: int,
                                                             health: float, counted: int) -> None:
    notes = [Note(round(1.0 + 0.25 * i, 3), i % 5) for i in range(30)]
    score = ScoreProcessor(notes, ghost_taps=rule)
    for i in range(25):
        score.apply(HitResult(i, Judgement.PERFECT, 0.0, notes[i].t))
    before = (score.score, score.accuracy, dict(score.counts), score.judged, score.health, score.max_combo)
    ghost = GhostTap(7.3)
    score.apply(ghost)
    assert (score.combo, score.multiplier, score.ghost_tap_count) == (combo, multiplier, counted)
    assert score.health == pytest.approx(before[4] + health)
    assert (score.score, score.accuracy, score.counts, score.judged) == before[:4]
    assert score.max_combo == before[5]
    score.revert(ghost)  # the rewind puts everything back
    assert (score.combo, score.multiplier, score.ghost_tap_count, score.health) == (25, 3, 0, before[4])


def test_mashing_through_a_long_gap_can_empty_the_rock_meter() -> None:
    notes = [Note(1.0, 0), Note(30.0, 0)]
    mash = [e for i in range(60) for e in tap(round(2.0 + 0.1 * i, 3), 1 + i % 4)]
    free = run_replay(chart_of(notes), "expert", [*autoplay(notes), *mash], ghost_taps=FREE).report()
    broke = run_replay(chart_of(notes), "expert", [*autoplay(notes), *mash], ghost_taps=BREAK).report()
    assert not free["failed"] and free["judgements"]["perfect"] == 2
    assert broke["failed"] and broke["judgements"]["miss"] == 1  # the note after the gap counts as missed


@pytest.mark.parametrize("lanes", [4, 5, 7])
def test_autoplay_stays_flawless_with_ghost_taps_breaking_the_combo(lanes: int) -> None:
    # Chords, jacks 100 ms apart and holds: autoplay never presses where there is no note.
    notes = []
    for i in range(60):
        t = round(1.0 + 0.1 * i, 3)
        notes.append(Note(t, i % lanes, 0.3 if i % 9 == 0 else 0.0))
        if i % 6 == 0:
            notes.append(Note(t, (i + 2) % lanes))
    notes = sorted({(n.t, n.lane): n for n in notes}.values())
    notes = [n for n in notes if not any(o.lane == n.lane and o.t < n.t < o.end + 0.05 for o in notes)]
    report = run_replay(chart_of(notes, lanes), "expert", autoplay(notes), ghost_taps=BREAK).report()
    assert report["ghost_tap_count"] == 0 and report["score"] == max_score(notes)
    assert report["judgements"]["perfect"] == len(notes) and report["max_combo"] == len(notes)


def test_a_replay_file_keeps_its_rule_and_open_strums_and_plays_back_the_same_score(tmp_path: Path) -> None:
    events = [*autoplay(NOTES), *tap(4.0, OPEN_STRUM), *tap(4.2, 3)]
    played = run_replay(chart_of(NOTES), "expert", events, ghost_taps=BREAK)
    path = tmp_path / "play.json"
    save_replay(path, played.events, ghost_taps=played.ghost_taps.value, report=played.report())
    text = path.read_text(encoding="utf-8")
    assert '{"t": 4.0, "type": "strum"}' in text and json.loads(text)["version"] == 2
    replay = read_replay(path)
    assert replay.ghost_taps is BREAK and OPEN_STRUM in {e.lane for e in replay.events}
    again = run_replay(chart_of(NOTES), "expert", replay.events, ghost_taps=replay.ghost_taps).report()
    assert again == played.report() and again["ghost_tap_count"] == 2


@pytest.mark.parametrize(("body", "rule"), [
    ({"events": []}, FREE),  # recorded before the option existed: ghost taps were free
    ({"format": "rokgame.replay", "version": 1, "events": [], "ghost_taps": "free"}, FREE),
    ({"events": [], "ghost_taps": "break"}, BREAK),
])
def test_old_and_new_replay_files_read_with_their_rule(body: dict[str, object], rule: GhostTapRule) -> None:
    assert replay_from_json(body).ghost_taps is rule


def test_a_replay_without_open_strums_is_still_written_as_version_1() -> None:
    assert json.loads(dumps_replay(autoplay(NOTES), ghost_taps="break"))["version"] == 1


@pytest.mark.parametrize(("name", "rule"), [("free", FREE), ("break", BREAK)])
def test_rules_are_parsed_by_name(name: str, rule: GhostTapRule) -> None:
    assert GhostTapRule.parse(name) is rule


@pytest.mark.parametrize("name", ["Break", "on", None, 1, ["break"]])
def test_an_unknown_rule_is_one_sentence(name: object) -> None:
    with pytest.raises(GhostTapRuleError) as info:
        GhostTapRule.parse(name)
    assert str(info.value) == f"unknown ghost-tap rule {name!r}; choose free or break"


# Settings: (what the file says, what the game uses, whether the player is told)
SETTINGS_FILES = [
    ({}, "free", False),
    ({"ghost_taps": "break"}, "break", False),
    ({"ghost_taps": "free"}, "free", False),
    ({"ghost_taps": "sometimes"}, "free", True),
    ({"ghost_taps": True}, "free", True),
]


@pytest.mark.parametrize(("data", "used", "told"), SETTINGS_FILES)
def test_the_ghost_taps_setting_is_read_and_a_bad_value_falls_back_with_a_sentence(
        tmp_path: Path, data: dict[str, object], used: str, told: bool) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    settings = load_settings(path)
    assert settings.ghost_taps == used
    problems = [p for p in settings.problems if "ghost_taps" in p]
    assert bool(problems) is told
    if told:
        [problem] = problems
        assert problem.startswith(f"settings: ghost_taps: {data['ghost_taps']!r} is not valid; using 'free' (")


def test_the_ghost_taps_setting_is_saved_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(Settings(ghost_taps="break"), path)
    assert json.loads(path.read_text(encoding="utf-8"))["ghost_taps"] == "break"
    assert load_settings(path).ghost_taps == "break"
