"""Score, combo, multiplier, accuracy, rock meter, stars, and the results figures."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rokgame.core.chart import Note
from rokgame.core.judge import HitResult, HoldResult, Judge
from rokgame.core.replay import autoplay
from rokgame.core.scoring import (
    HEALTH_START,
    NOTE_POINTS,
    STAR_THRESHOLDS,
    ScoreProcessor,
    max_score,
    multiplier_for,
    stars_for,
    sustain_points,
)
from rokgame.core.timing import Judgement

P, GR, GO, M = Judgement.PERFECT, Judgement.GREAT, Judgement.GOOD, Judgement.MISS


def taps(n: int, gap: float = 0.25) -> list[Note]:
    return [Note(round(1.0 + i * gap, 3), i % 5) for i in range(n)]


def hit(index: int, judgement: Judgement, offset: float | None = 0.0, time: float = 0.0) -> HitResult:
    return HitResult(index, judgement, None if judgement is M and offset == 0.0 else offset, time)


def test_multiplier_climbs_every_ten_hits_up_to_four() -> None:
    notes = taps(45)
    score = ScoreProcessor(notes)
    seen = []
    for i in range(45):
        seen.append(score.multiplier)
        score.apply(hit(i, P))
    assert seen[:10] == [1] * 10 and seen[10:20] == [2] * 10 and seen[20:30] == [3] * 10
    assert set(seen[30:]) == {4}
    perfect = NOTE_POINTS[P]
    assert score.score == perfect * (10 * 1 + 10 * 2 + 10 * 3 + 15 * 4)
    assert score.combo == score.max_combo == 45


def test_a_miss_resets_combo_and_multiplier_but_not_max_combo() -> None:
    score = ScoreProcessor(taps(30))
    for i in range(25):
        score.apply(hit(i, P))
    assert score.multiplier == 3
    score.apply(hit(25, M, None))
    assert (score.combo, score.multiplier, score.max_combo) == (0, 1, 25)
    before = score.score
    score.apply(hit(26, P))
    assert score.score - before == NOTE_POINTS[P]  # back to ×1


def test_better_judgements_score_more_and_a_miss_scores_nothing() -> None:
    totals = {}
    for judgement in Judgement:
        score = ScoreProcessor(taps(1))
        score.apply(hit(0, judgement, 0.0 if judgement is not M else None))
        totals[judgement] = score.score
    assert totals[P] > totals[GR] > totals[GO] > totals[M] == 0


def test_accuracy_weights_like_osu() -> None:
    score = ScoreProcessor(taps(4))
    assert score.accuracy == 1.0  # nothing judged yet
    for i, j in enumerate([P, GR, GO, M]):
        score.apply(hit(i, j, 0.01 if j is not M else None))
    assert score.accuracy == pytest.approx((1 + 2 / 3 + 1 / 3 + 0) / 4)


def test_early_and_late_count_hits_outside_perfect() -> None:
    score = ScoreProcessor(taps(5))
    for i, (j, offset) in enumerate([(P, -0.01), (P, 0.02), (GR, -0.04), (GO, 0.08), (GR, 0.03)]):
        score.apply(hit(i, j, offset))
    assert (score.early, score.late) == (1, 2)
    assert score.offsets_ms[2] == pytest.approx(-40.0)
    assert score.mean_offset_ms == pytest.approx((-10 + 20 - 40 + 80 + 30) / 5)


def test_misses_have_no_hit_error() -> None:
    score = ScoreProcessor(taps(2))
    score.apply(hit(0, M, -0.12))  # an early mash inside the miss window
    score.apply(hit(1, M, None))
    assert score.offsets_ms == [None, None] and score.mean_offset_ms is None


def test_rock_meter_fails_the_player_when_it_empties() -> None:
    score = ScoreProcessor(taps(40))
    assert score.health == HEALTH_START
    i = 0
    while not score.failed:
        score.apply(hit(i, M, None))
        i += 1
        assert i < 40, "forty misses in a row must fail"
    assert score.health == 0.0 and score.stars == 0
    frozen = score.score
    score.apply(hit(i, P))
    assert score.score == frozen  # a failed play's score no longer moves


def test_hits_refill_the_rock_meter() -> None:
    score = ScoreProcessor(taps(40))
    for i in range(3):
        score.apply(hit(i, M, None))
    low = score.health
    for i in range(3, 40):
        score.apply(hit(i, P))
    assert score.health > low and score.health <= 1.0


def test_no_fail_keeps_playing_and_says_the_meter_emptied() -> None:
    score = ScoreProcessor(taps(40), no_fail=True)
    for i in range(20):
        score.apply(hit(i, M, None))
    assert not score.failed and score.health_emptied and score.health == 0.0
    for i in range(20, 40):
        score.apply(hit(i, P))
    assert score.score > 0


@pytest.mark.parametrize("stars", range(6))
def test_star_table(stars: int) -> None:
    thresholds = (0.0, *STAR_THRESHOLDS)
    assert stars_for(round(thresholds[stars] * 10_000), 10_000) == stars
    if stars:
        assert stars_for(round(thresholds[stars] * 10_000) - 1, 10_000) == stars - 1
    assert stars_for(0, 0) == 0


def test_holds_pay_sustain_at_the_heads_multiplier() -> None:
    notes = [Note(1.0, 0, 1.0)]
    score = ScoreProcessor(notes)
    score.apply(hit(0, P))
    score.sustain(1.5, {0: 0.5})
    assert score.display_score == NOTE_POINTS[P] + sustain_points(0.5)
    score.apply(HoldResult(0, True, 2.0, 1.0))
    assert score.score == NOTE_POINTS[P] + sustain_points(1.0) == score.max_score
    assert score.display_score == score.score


def test_dropping_a_hold_breaks_the_combo_and_stops_its_sustain() -> None:
    notes = [Note(1.0, 0, 2.0), Note(1.5, 1)]
    score = ScoreProcessor(notes)
    score.apply(hit(0, P))
    score.apply(hit(1, P))
    health = score.health
    score.apply(HoldResult(0, False, 1.8, 0.8))
    assert score.combo == 0 and score.health < health
    assert score.score == 2 * NOTE_POINTS[P] + sustain_points(0.8)
    assert score.holds_dropped == 1


def test_histogram_bins_every_hit_and_centres_perfect() -> None:
    offsets = [-0.004, 0.0, 0.003, 0.012, -0.051, 0.089]
    score = ScoreProcessor(taps(len(offsets) + 1))
    for i, offset in enumerate(offsets):
        score.apply(hit(i, score.windows.judgement_for(offset), offset))
    score.apply(hit(len(offsets), M, None))
    bins = dict(score.histogram(10))
    assert sum(bins.values()) == len(offsets)
    assert bins[0] == 3 and bins[10] == 1 and bins[-50] == 1 and bins[90] == 1
    assert min(bins) == -90 and max(bins) == 90 and len(bins) == 19  # empty bins are there to draw
    assert sum(n for _, n in score.histogram(25)) == len(offsets)


def test_revert_undoes_apply_exactly() -> None:
    notes = [Note(1.0, 0, 0.5), *taps(15)[1:]]
    judge = Judge(notes)
    score = ScoreProcessor(notes)
    fresh = vars_of(score)
    results = [judge.press(1.01, 0), *judge.update(1.6)]
    results += [judge.press(n.t + 0.03, n.lane) for n in notes if n.t > 1.6][:7]
    results += judge.update(10.0)
    assert all(r is not None for r in results) and any(isinstance(r, HoldResult) for r in results)
    states = []
    for result in results:
        states.append(vars_of(score))
        score.apply(result)
    for result, state in zip(reversed(results), reversed(states), strict=True):
        score.revert(result)
        assert vars_of(score) == state
    assert vars_of(score) == fresh
    with pytest.raises(ValueError):
        score.revert(results[0])


def vars_of(score: ScoreProcessor) -> dict[str, object]:
    return {
        "score": score.score, "combo": score.combo, "max_combo": score.max_combo, "multiplier": score.multiplier,
        "health": score.health, "accuracy": score.accuracy, "counts": dict(score.counts),
        "offsets": list(score.offsets_ms), "early": score.early, "late": score.late, "failed": score.failed,
    }


def test_max_score_follows_the_multiplier_ramp() -> None:
    assert max_score(taps(10)) == 10 * NOTE_POINTS[P]
    assert max_score(taps(11)) == 12 * NOTE_POINTS[P]
    assert [multiplier_for(n) for n in (1, 10, 11, 21, 31, 500)] == [1, 1, 2, 3, 4, 4]


@st.composite
def charts_with_chords_and_holds(draw: st.DrawFn) -> list[Note]:
    notes: list[Note] = []
    free_at = [0.0] * 5
    t = 0.5
    for _ in range(draw(st.integers(1, 40))):
        t = round(t + draw(st.sampled_from([0.0, 0.05, 0.1, 0.2, 0.5])), 3)
        lanes = draw(st.sets(st.integers(0, 4), min_size=1, max_size=3))
        for lane in sorted(lanes):
            if free_at[lane] <= t and all(n.t != t or n.lane != lane for n in notes):
                length = draw(st.sampled_from([0.0, 0.0, 0.3, 1.2]))
                notes.append(Note(t, lane, length))
                free_at[lane] = t + length + 0.001
    return sorted(notes)


def play(notes: list[Note], events: list) -> ScoreProcessor:
    judge, score = Judge(notes), ScoreProcessor(notes)
    for event in events:
        for result in judge.feed(event):
            score.apply(result)
    for result in judge.update(1000.0):
        score.apply(result)
    return score


@settings(max_examples=80, deadline=None)
@given(charts_with_chords_and_holds())
def test_autoplay_scores_exactly_the_maximum(notes: list[Note]) -> None:
    score = play(notes, autoplay(notes))
    assert score.score == score.max_score
    assert score.stars == 5 and score.accuracy == 1.0 and score.max_combo == len(notes)


@settings(max_examples=40, deadline=None)
@given(charts_with_chords_and_holds(), st.randoms(use_true_random=False))
def test_no_order_of_pressing_a_chord_beats_the_maximum(notes: list[Note], rng: object) -> None:
    events = autoplay(notes)
    # Shuffle the order of presses that happen at the same instant.
    shuffled = []
    for _, group in itertools.groupby(events, key=lambda e: (e.t, e.down)):
        group = list(group)
        rng.shuffle(group)  # type: ignore[attr-defined]
        shuffled += group
    assert play(notes, shuffled).score <= max_score(notes)
