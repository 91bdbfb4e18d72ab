"""Hit windows: which judgement a press gets for how far it is from its note."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rokgame.core.timing import PRECISIONS, HitWindows, Judgement
from rokgame.errors import RokError

P, GR, GO, M = Judgement.PERFECT, Judgement.GREAT, Judgement.GOOD, Judgement.MISS


@pytest.mark.parametrize(
    ("offset_ms", "expected"),
    [
        (0, P), (25, P), (25.1, GR), (55, GR), (55.1, GO), (90, GO), (90.1, M), (135, M), (135.1, None),
        (500, None),
    ],
)
def test_default_windows_match_the_issue(offset_ms: float, expected: Judgement | None) -> None:
    windows = HitWindows()
    assert windows.judgement_for(offset_ms / 1000) is expected
    assert windows.judgement_for(-offset_ms / 1000) is expected  # early is judged like late


def test_a_press_exactly_on_an_edge_counts_whatever_way_the_float_rounded() -> None:
    windows = HitWindows()
    # 1.025 - 1.0 is 0.02499999...; 2.055 - 2.0 is 0.05500000000000016.
    assert windows.judgement_for(1.025 - 1.0) is P
    assert windows.judgement_for(2.055 - 2.0) is GR
    assert windows.judgement_for(3.0 - 3.09) is GO


def test_can_still_hit_until_the_miss_window_has_passed() -> None:
    windows = HitWindows()
    assert windows.can_still_hit(-10.0)  # long before the note
    assert windows.can_still_hit(0.135)
    assert not windows.can_still_hit(0.1351)


@pytest.mark.parametrize("name", ["tight", "strict"])
def test_precision_only_narrows_the_windows(name: str) -> None:
    normal, narrower = HitWindows.for_precision("normal"), HitWindows.for_precision(name)
    for field in ("perfect", "great", "good", "miss"):
        assert getattr(narrower, field) < getattr(normal, field)
    # A press that is Perfect on normal can be only Great on the stricter setting.
    assert narrower.judgement_for(0.024) is not P


def test_strict_is_stricter_than_tight() -> None:
    tight, strict = PRECISIONS["tight"], PRECISIONS["strict"]
    assert strict.perfect < tight.perfect and strict.miss < tight.miss


def test_unknown_precision_is_one_sentence_naming_the_choices() -> None:
    with pytest.raises(RokError) as info:
        HitWindows.for_precision("insane")
    message = str(info.value)
    assert "insane" in message and "normal" in message and "strict" in message
    assert "\n" not in message


def test_windows_must_nest() -> None:
    with pytest.raises(ValueError):
        HitWindows(perfect=0.06, great=0.05)


@given(st.floats(-0.3, 0.3), st.floats(-0.3, 0.3))
def test_a_press_closer_to_the_note_never_gets_a_worse_judgement(a: float, b: float) -> None:
    windows = HitWindows()
    rank = {P: 0, GR: 1, GO: 2, M: 3, None: 4}
    closer, further = sorted((a, b), key=abs)
    assert rank[windows.judgement_for(closer)] <= rank[windows.judgement_for(further)]


@given(st.floats(-1.0, 1.0))
def test_ghost_exactly_when_the_press_cannot_reach_the_note(offset: float) -> None:
    windows = HitWindows()
    ghost = windows.judgement_for(offset) is None
    assert ghost == (abs(offset) > windows.miss + 1e-9)
    if offset > 0:
        assert windows.can_still_hit(offset) == (not ghost)
