"""Replays: autoplay, shifting, and replay files that give back the very same play."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rokgame.core.chart import Chart, Difficulty, Note, Song
from rokgame.core.judge import InputEvent
from rokgame.core.replay import (
    TAP_HOLD,
    ReplayError,
    autoplay,
    dumps_replay,
    load_replay,
    read_replay,
    replay_from_json,
    replay_to_json,
    save_replay,
    shift,
)
from rokgame.core.session import run_replay
from rokgame.errors import RokError


def chart_of(notes: list[Note]) -> Chart:
    return Chart(Song("Test", "song.ogg"), {"expert": Difficulty("expert", tuple(notes))})


@st.composite
def playable_notes(draw: st.DrawFn) -> list[Note]:
    """Charts the loader would accept: ms times, no two notes at once in a lane, nothing inside a hold."""
    notes: list[Note] = []
    for lane in range(5):
        t_ms = draw(st.integers(0, 2000))
        for _ in range(draw(st.integers(0, 12))):
            t_ms += draw(st.integers(1, 700))
            length_ms = draw(st.sampled_from([0, 0, 0, 1, 150, 800]))
            notes.append(Note(t_ms / 1000, lane, length_ms / 1000))
            t_ms += length_ms
    return sorted(notes)


def test_autoplay_presses_on_time_and_releases_taps_before_the_next_note() -> None:
    notes = [Note(1.0, 0), Note(1.02, 0), Note(2.0, 1, 0.5), Note(3.0, 2)]
    events = autoplay(notes)
    downs = [(e.t, e.lane) for e in events if e.down]
    assert downs == [(1.0, 0), (1.02, 0), (2.0, 1), (3.0, 2)]
    ups = {(e.lane, round(e.t, 6)) for e in events if not e.down}
    assert (0, 1.01) in ups  # halfway to the next note in the lane, not 40 ms later
    assert (1, 2.5) in ups  # the hold is held to its end
    assert (2, round(3.0 + TAP_HOLD, 6)) in ups
    assert [e.t for e in events] == sorted(e.t for e in events)


@settings(max_examples=60, deadline=None)
@given(playable_notes())
def test_autoplay_is_flawless(notes: list[Note]) -> None:
    session = run_replay(chart_of(notes), "expert", autoplay(notes))
    report = session.report()
    assert report["judgements"] == {"perfect": len(notes), "great": 0, "good": 0, "miss": 0}
    assert report["score"] == session.score.max_score and report["max_combo"] == len(notes)
    assert session.score.holds_dropped == 0
    assert session.score.holds_completed == sum(n.is_hold for n in notes)


@settings(max_examples=40, deadline=None)
@given(playable_notes(), st.sampled_from([0.040, -0.040]))
def test_forty_ms_off_on_every_note_is_all_great(notes: list[Note], seconds: float) -> None:
    report = run_replay(chart_of(notes), "expert", shift(autoplay(notes), seconds)).report()
    assert report["judgements"] == {"perfect": 0, "great": len(notes), "good": 0, "miss": 0}
    assert all(o == pytest.approx(seconds * 1000) for o in report["offsets"])
    assert (report["early"], report["late"]) == ((len(notes), 0) if seconds < 0 else (0, len(notes)))


def test_shift_moves_every_event_and_keeps_the_rest() -> None:
    events = [InputEvent(1.0, 2, True), InputEvent(1.5, 2, False)]
    assert shift(events, -0.25) == [InputEvent(0.75, 2, True), InputEvent(1.25, 2, False)]


def test_replay_files_round_trip_exactly(tmp_path: Path) -> None:
    events = [InputEvent(0.1 + 0.2, 0, True), InputEvent(1 / 3, 0, False), InputEvent(2.000000001, 4, True)]
    path = tmp_path / "r.json"
    save_replay(path, events, chart_sha256="ab" * 32, difficulty="hard")
    assert load_replay(path) == events  # full float precision: the same judgements, to the last bit
    replay = read_replay(path)
    assert replay.meta["difficulty"] == "hard" and replay.meta["format"] == "rokgame.replay"
    body = json.loads(path.read_text(encoding="utf-8"))
    assert body["events"][0] == {"t": 0.1 + 0.2, "lane": 0, "type": "down"}
    assert replay_to_json(events, x=1)["events"] == body["events"]
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, no temp file left behind


def test_an_empty_replay_is_valid() -> None:
    assert replay_from_json(json.loads(dumps_replay([]))).events == ()


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ([], "a replay is a JSON object"),
        ({}, "events: is missing"),
        ({"events": {}}, "events: must be a list"),
        ({"events": [{"t": 1, "lane": 0, "type": "down"}, 3]}, "events[1]: must be an event"),
        ({"events": [{"t": "1", "lane": 0, "type": "down"}]}, "events[0].t: must be a time"),
        ({"events": [{"t": 1, "lane": -1, "type": "down"}]}, "events[0].lane: must be a lane"),
        ({"events": [{"t": 1, "lane": True, "type": "down"}]}, "events[0].lane: must be a lane"),
        ({"events": [{"t": 1, "lane": 0, "type": "press"}]}, "events[0].type: must be"),
        ({"format": "rokgame.chart", "events": []}, "format: 'rokgame.chart' is not a rokgame replay"),
        ({"version": 3, "events": []}, "version: this replay is version 3"),
        ({"events": [{"t": 1, "type": "strum"}, {"t": 2, "type": "up"}]}, "events[1].lane: must be a lane"),
        ({"ghost_taps": "sometimes", "events": []}, "ghost_taps: 'sometimes' is not a ghost-tap rule"),
        ({"ghost_taps": ["break"], "events": []}, "ghost_taps: ['break'] is not a ghost-tap rule"),
    ],
)
def test_a_bad_replay_is_one_sentence_naming_the_json_path(tmp_path: Path, body: object, where: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(ReplayError) as info:
        load_replay(path)
    assert isinstance(info.value, RokError)
    assert where in str(info.value) and "\n" not in str(info.value)


def test_unreadable_replays_are_rok_errors(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="no such replay"):
        load_replay(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"events": [', encoding="utf-8")
    with pytest.raises(ReplayError, match="not valid JSON"):
        load_replay(broken)
    nan = tmp_path / "nan.json"
    nan.write_text('{"events": [{"t": NaN, "lane": 0, "type": "down"}]}', encoding="utf-8")
    with pytest.raises(ReplayError, match=r"events\[0\]\.t"):
        load_replay(nan)


def test_a_replay_keeps_the_recorded_order_of_a_chord_so_autoplay_reaches_the_maximum() -> None:
    # Found by hypothesis: a chord of a tap and a hold on the 20th/21st note. Autoplay presses the
    # hold last so its sustain scores at x3; re-sorting the chord by lane had pressed it first.
    taps = [Note(0.3 * i, i % 5) for i in range(19)]
    notes = [*taps, Note(6.0, 1, 0.15), Note(6.0, 3)]
    session = run_replay(chart_of(notes), "expert", autoplay(notes))
    assert session.score.score == session.score.max_score
