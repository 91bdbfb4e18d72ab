"""The judge: presses and releases against notes, judged at the time they happened."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rokgame.core.chart import Note
from rokgame.core.judge import HitResult, HoldResult, InputEvent, Judge, event_order
from rokgame.core.timing import HitWindows, Judgement

P, GR, GO, M = Judgement.PERFECT, Judgement.GREAT, Judgement.GOOD, Judgement.MISS


def test_a_press_on_time_is_perfect_and_judges_only_that_note() -> None:
    judge = Judge([Note(1.0, 0), Note(1.0, 1), Note(2.0, 0)])
    result = judge.press(1.004, 0)
    assert isinstance(result, HitResult)
    assert (result.note_index, result.judgement) == (0, P)
    assert abs(result.offset - 0.004) < 1e-9
    assert judge.judgements == [P, None, None]


def test_a_press_takes_the_earliest_unjudged_note_in_its_lane_not_a_later_one() -> None:
    # Two notes 100 ms apart: a press between them, late for the first, belongs to the first.
    judge = Judge([Note(1.0, 2), Note(1.1, 2)])
    first = judge.press(1.06, 2)
    assert first is not None and first.note_index == 0 and first.judgement is GO
    second = judge.press(1.1, 2)
    assert second is not None and second.note_index == 1 and second.judgement is P


def test_a_late_press_in_the_miss_window_misses_the_earlier_note_instead_of_hitting_the_next() -> None:
    judge = Judge([Note(1.0, 0), Note(1.1, 0)])
    result = judge.press(1.1, 0)  # 100 ms late for note 0: still inside its miss window
    assert result is not None and (result.note_index, result.judgement) == (0, M)
    assert judge.judgements == [M, None]


def test_a_press_too_early_for_any_note_is_a_ghost_tap_that_costs_nothing() -> None:
    judge = Judge([Note(1.0, 0)])
    assert judge.press(0.86, 0) is None  # 140 ms early
    assert judge.press(1.0, 1) is None  # a lane with no note near
    assert judge.judgements == [None]
    assert judge.press(1.0, 0).judgement is P  # the note is still there to hit


def test_an_early_press_inside_the_miss_window_costs_the_note() -> None:
    judge = Judge([Note(1.0, 0)])
    result = judge.press(0.88, 0)
    assert result is not None and result.judgement is M and result.offset < 0


def test_nobody_pressing_means_a_miss_once_the_window_has_passed() -> None:
    judge = Judge([Note(1.0, 0), Note(1.2, 3)])
    assert judge.update(1.134) == []
    results = judge.update(1.5)
    assert [(r.note_index, r.judgement) for r in results] == [(0, M), (1, M)]
    assert all(r.offset is None for r in results)
    assert abs(results[0].time - 1.135) < 1e-6  # stamped when it became a miss, not when noticed
    assert judge.update(10.0) == []  # reported once


def test_a_press_on_the_edge_of_another_lanes_miss_window_is_reported_before_that_miss() -> None:
    # Lane 4's note is still hittable at 0.603 + 0.135 (the edge counts as inside), so a lane 2
    # press at that instant happens before the miss; found by hypothesis with these exact floats.
    judge = Judge([Note(0.603, 4), Note(0.811, 2)])
    results = judge.update(0.7)
    results += judge.feed(InputEvent(0.7380000000000001, 2, True))
    results += judge.update(1.0)
    assert [r.note_index for r in results] == [1, 0]
    assert [r.time for r in results] == sorted(r.time for r in results)


def test_auto_misses_come_in_time_order_across_lanes() -> None:
    judge = Judge([Note(1.0, 4), Note(1.05, 0), Note(1.3, 2), Note(1.31, 1)])
    results = judge.update(5.0)
    assert [r.time for r in results] == sorted(r.time for r in results)
    assert [r.note_index for r in results] == [0, 1, 2, 3]


def test_chords_judge_each_note_on_its_own() -> None:
    judge = Judge([Note(1.0, 0), Note(1.0, 2), Note(1.0, 4)])
    assert judge.press(1.0, 0).judgement is P
    assert judge.press(1.04, 4).judgement is GR
    assert [r.note_index for r in judge.update(2.0)] == [1]
    assert judge.judgements == [P, M, GR]


def test_holding_a_hold_to_its_end_completes_it() -> None:
    judge = Judge([Note(1.0, 1, 0.5)])
    assert judge.press(1.0, 1).judgement is P
    assert judge.holding(1) == 0
    assert judge.update(1.49) == []
    (done,) = judge.update(1.6)
    assert isinstance(done, HoldResult) and done.completed and abs(done.held_for - 0.5) < 1e-9
    assert judge.holding(1) is None
    assert judge.release(1.7, 1) is None  # letting go after it is over changes nothing


def test_releasing_within_the_good_window_of_the_end_completes_the_hold() -> None:
    judge = Judge([Note(1.0, 1, 0.5)])
    judge.press(1.0, 1)
    done = judge.release(1.5 - 0.08, 1)
    assert done is not None and done.completed


def test_letting_go_early_drops_the_hold_and_says_how_long_it_was_held() -> None:
    judge = Judge([Note(1.0, 1, 1.0)])
    judge.press(1.0, 1)
    dropped = judge.release(1.4, 1)
    assert isinstance(dropped, HoldResult) and not dropped.completed
    assert abs(dropped.held_for - 0.4) < 1e-9
    assert judge.judgements == [P]  # the hold's judgement stays its head's
    assert judge.holding(1) is None


def test_a_missed_hold_head_is_never_held() -> None:
    judge = Judge([Note(1.0, 1, 1.0)])
    assert judge.press(1.12, 1).judgement is M
    assert judge.holding(1) is None
    assert judge.update(3.0) == []


def test_feed_judges_at_the_event_time_not_the_frame_time() -> None:
    judge = Judge([Note(1.0, 0), Note(1.0, 1)])
    # Both events are handled late (say in a frame at 1.3 s) but happened on time.
    out = judge.feed(InputEvent(1.0, 0, True)) + judge.feed(InputEvent(1.01, 1, True))
    assert [r.judgement for r in out] == [P, P]
    assert judge.update(1.3) == []


def test_is_done_when_every_note_is_judged_and_no_hold_is_held() -> None:
    judge = Judge([Note(1.0, 0), Note(1.2, 1, 0.5)])
    judge.press(1.0, 0)
    judge.press(1.2, 1)
    assert not judge.is_done(1.3)
    judge.update(1.8)
    assert judge.is_done(1.8)
    assert Judge([]).is_done(0.0)


# --------------------------------------------------------------------------- properties


@st.composite
def lane_charts(draw: st.DrawFn) -> list[Note]:
    """Valid notes: per lane, increasing times, holds that end before the lane's next note."""
    notes: list[Note] = []
    for lane in range(draw(st.integers(1, 5))):
        t = draw(st.integers(0, 500)) / 1000
        for _ in range(draw(st.integers(0, 8))):
            t += draw(st.integers(30, 600)) / 1000
            length = draw(st.sampled_from([0.0, 0.0, 0.0, 0.02, 0.2, 0.45]))
            notes.append(Note(round(t, 3), lane, length))
            t += length
    return sorted(notes)


@st.composite
def inputs(draw: st.DrawFn, notes: list[Note]) -> list[InputEvent]:
    """Random presses near notes and anywhere, each followed by its release."""
    events: list[InputEvent] = []
    for note in notes:
        if draw(st.booleans()):
            down = note.t + draw(st.integers(-200, 200)) / 1000
            up = down + draw(st.sampled_from([0.01, 0.1, note.length, note.length + 0.2]))
            events += [InputEvent(down, note.lane, True), InputEvent(max(up, down), note.lane, False)]
    for _ in range(draw(st.integers(0, 6))):
        down = draw(st.integers(0, 6000)) / 1000
        lane = draw(st.integers(0, 4))
        events += [InputEvent(down, lane, True), InputEvent(down + 0.05, lane, False)]
    # A real key can't go down twice without coming up: keep each lane's events alternating.
    ordered, down_lanes = [], set()
    for event in sorted(events, key=event_order):
        if event.down != (event.lane in down_lanes):
            ordered.append(event)
            (down_lanes.add if event.down else down_lanes.discard)(event.lane)
    return ordered


def _play(notes: list[Note], events: list[InputEvent], frame: float | None) -> list[object]:
    """Run events through a judge, with an update every ``frame`` seconds (or only per event)."""
    judge = Judge(notes, HitWindows())
    results: list[object] = []
    now = -1.0
    for event in events:
        if frame is not None:
            while now + frame < event.t:  # frames that end before the event comes out of the queue
                now += frame
                results += judge.update(now)
        results += judge.feed(event)
    results += judge.update(100.0)
    return results


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_note_gets_exactly_one_judgement(data: st.DataObject) -> None:
    notes = data.draw(lane_charts())
    events = data.draw(inputs(notes))
    results = _play(notes, events, frame=None)
    hits = [r for r in results if isinstance(r, HitResult)]
    assert sorted(r.note_index for r in hits) == list(range(len(notes)))
    holds = [r for r in results if isinstance(r, HoldResult)]
    assert len({r.note_index for r in holds}) == len(holds)
    for hold in holds:  # only a hold whose head was hit can be completed or dropped
        assert notes[hold.note_index].is_hold
        assert next(r for r in hits if r.note_index == hold.note_index).judgement is not M


@settings(max_examples=60, deadline=None)
@given(st.data(), st.sampled_from([1 / 240, 1 / 60, 1 / 7, 0.5]))
def test_frame_rate_never_moves_a_judgement(data: st.DataObject, frame: float) -> None:
    notes = data.draw(lane_charts())
    events = data.draw(inputs(notes))
    smooth = _play(notes, events, frame=None)
    choppy = _play(notes, events, frame=frame)
    assert sorted(smooth, key=repr) == sorted(choppy, key=repr)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_results_come_out_in_time_order(data: st.DataObject) -> None:
    notes = data.draw(lane_charts())
    results = _play(notes, data.draw(inputs(notes)), frame=1 / 60)
    times = [r.time for r in results]
    assert times == sorted(times)
