"""A play session: what the gameplay scene drives each frame, and the report it ends with."""

from __future__ import annotations

import random

import pytest

from rokgame.core.chart import Chart, Difficulty, Note, Song
from rokgame.core.clock import ManualClock, SongClock
from rokgame.core.judge import InputEvent
from rokgame.core.replay import autoplay, shift
from rokgame.core.session import PlaySession, play_notes, run_replay
from rokgame.core.timing import HitWindows
from rokgame.errors import ChartError

REPORT_KEYS = {"score", "accuracy", "max_combo", "stars", "notes", "judgements", "offsets"}


def song_notes(seed: int = 7, count: int = 120) -> list[Note]:
    """A busy chart: chords, jacks and holds."""
    rng = random.Random(seed)
    notes: list[Note] = []
    free = [0.0] * 5
    t = 2.0
    while len(notes) < count:
        t = round(t + rng.choice([0.1, 0.15, 0.25, 0.5]), 3)
        for lane in rng.sample(range(5), rng.choice([1, 1, 1, 2])):
            if free[lane] <= t:
                length = rng.choice([0.0, 0.0, 0.0, 0.6])
                notes.append(Note(t, lane, length))
                free[lane] = t + length + 0.05
    return sorted(notes)


def make_chart(notes: list[Note], offset: float = 0.0) -> Chart:
    return Chart(Song("Test", "song.ogg"), {"hard": Difficulty("hard", tuple(notes))}, offset=offset)


def test_report_has_exactly_the_headless_keys_and_they_add_up() -> None:
    notes = song_notes()
    report = run_replay(make_chart(notes), "hard", autoplay(notes)).report()
    assert set(report) >= REPORT_KEYS
    assert set(report["judgements"]) == {"perfect", "great", "good", "miss"}
    assert report["notes"] == len(notes) == sum(report["judgements"].values()) == len(report["offsets"])
    assert report["accuracy"] == 1.0 and report["stars"] == 5 and report["max_combo"] == len(notes)
    assert isinstance(report["score"], int) and report["score"] == report["max_score"]


def test_no_input_is_all_miss_with_score_zero() -> None:
    notes = song_notes()
    for no_fail in (False, True):
        session = run_replay(make_chart(notes), "hard", [], no_fail=no_fail)
        report = session.report()
        assert report["judgements"] == {"perfect": 0, "great": 0, "good": 0, "miss": len(notes)}
        assert report["score"] == 0 and report["stars"] == 0 and report["accuracy"] == 0.0
        assert report["offsets"] == [None] * len(notes)
        assert report["failed"] is (not no_fail)
        assert report["health_emptied"] is True  # no-fail still says the meter emptied


def test_failing_ends_the_play_and_counts_the_rest_as_misses() -> None:
    notes = song_notes()
    good_half = [e for e in autoplay(notes) if e.t < 5.0]  # play well, then put the controller down
    session = run_replay(make_chart(notes), "hard", good_half)
    assert session.failed and session.finished(session.failed_at)
    report = session.report()
    assert sum(report["judgements"].values()) == len(notes)
    assert report["judgements"]["perfect"] > 0 and report["stars"] == 0 and not report["completed"]
    # After failing, input changes nothing.
    before = session.report()
    assert session.press(50.0, 0) == [] and session.report() == before


def test_no_fail_plays_on_to_the_end() -> None:
    notes = song_notes()
    events = [e for e in autoplay(notes) if e.t < 5.0 or e.t > 12.0]
    report = run_replay(make_chart(notes), "hard", events, no_fail=True).report()
    assert not report["failed"] and report["health_emptied"] and report["no_fail"]
    assert report["score"] > 0 and report["judgements"]["perfect"] > 0 and report["completed"]


def test_a_late_replay_is_all_great_and_mean_error_says_how_late() -> None:
    notes = song_notes()
    report = run_replay(make_chart(notes), "hard", shift(autoplay(notes), 0.040)).report()
    assert report["judgements"]["great"] == len(notes)
    assert report["mean_offset_ms"] == pytest.approx(40.0, abs=0.01)
    assert report["late"] == len(notes) and report["early"] == 0


def test_the_chart_offset_is_left_to_the_clock() -> None:
    # The song clock takes the chart offset out, so notes, beats and replays share chart time.
    notes = song_notes(count=30)
    chart = make_chart(notes, offset=0.2)
    assert play_notes(chart, "hard") == tuple(notes)
    assert run_replay(chart, "hard", autoplay(notes)).report()["judgements"]["perfect"] == len(notes)


def test_an_unknown_difficulty_is_one_sentence() -> None:
    with pytest.raises(ChartError, match=r"no 'expert' difficulty.*hard"):
        PlaySession(make_chart(song_notes(count=5)), "expert")


def test_finished_after_the_last_note_and_its_miss_window() -> None:
    notes = [Note(1.0, 0), Note(2.0, 1, 1.0)]
    session = PlaySession(make_chart(notes), "hard")
    assert session.end_time > 3.0 + HitWindows().miss
    assert not session.finished(3.0) and session.finished(session.end_time)


def drive(session: PlaySession, clock: SongClock, events: list[InputEvent], frame: float, jitter: int) -> None:
    """A game loop: each frame, the inputs that happened since the last frame, then update(now)."""
    rng = random.Random(jitter)
    pending = sorted(events, key=lambda e: (e.t, e.down))
    assert isinstance(clock, ManualClock)
    while not session.finished(clock.time()):
        clock.advance(frame * (rng.choice([1, 1, 1, 6]) if jitter else 1))  # some frames are slow
        now = clock.time()
        while pending and pending[0].t <= now:
            event = pending.pop(0)
            (session.press if event.down else session.release)(event.t, event.lane)
        session.update(now)


@pytest.mark.parametrize(("frame", "jitter"), [(1 / 240, 0), (1 / 60, 3), (1 / 20, 5)])
def test_a_frame_loop_gives_the_same_result_as_the_pure_replay(frame: float, jitter: int) -> None:
    notes = song_notes(seed=3)
    rng = random.Random(11)
    events = [InputEvent(e.t + rng.uniform(-0.1, 0.1), e.lane, e.down) if e.down else e for e in autoplay(notes)]
    events = [e for e in events if rng.random() > 0.1]  # and some notes not played at all
    chart = make_chart(notes)
    expected = run_replay(chart, "hard", events).report()
    session = PlaySession(chart, "hard")
    drive(session, ManualClock(-2.0), events, frame, jitter)
    assert session.report() == expected
    # What the session recorded is the replay: it plays back to the same report.
    assert run_replay(chart, "hard", session.events).report() == expected


def test_holding_and_sustain_are_visible_while_a_hold_is_held() -> None:
    notes = [Note(1.0, 2, 2.0)]
    session = PlaySession(make_chart(notes), "hard")
    session.press(1.0, 2)
    session.update(2.0)
    assert session.judge.holding(2) == 0
    assert session.score.display_score > session.score.score
    session.update(3.5)
    assert session.judge.holding(2) is None and session.score.score == session.score.max_score


def test_the_report_is_plain_json() -> None:
    import json

    notes = song_notes(count=20)
    report = run_replay(make_chart(notes), "hard", shift(autoplay(notes), 0.01)).report()
    assert json.loads(json.dumps(report, allow_nan=False)) == report


def test_stricter_precision_judges_the_same_play_lower() -> None:
    notes = song_notes(count=40)
    events = shift(autoplay(notes), 0.040)
    normal = run_replay(make_chart(notes), "hard", events).report()["judgements"]
    strict = run_replay(make_chart(notes), "hard", events, windows=HitWindows.for_precision("strict")).report()
    assert normal["great"] == len(notes)
    assert strict["judgements"]["good"] == len(notes) and strict["score"] < run_replay(
        make_chart(notes), "hard", events).report()["score"]
