"""The Daily Track pick: same day, same track for everyone; no repeats within a round; harder towards Sunday."""

from __future__ import annotations

import hashlib
import itertools
import subprocess
import sys
from datetime import date, timedelta

import pytest

from rokgame.core.daily import (
    DEMO_ENTRIES,
    EPOCH,
    Catalogue,
    CatalogueEntry,
    daily_pick,
    day_index,
    difficulty_for,
    offline_pick,
    round_order,
)
from rokgame.daily.catalogue import builtin_catalogue_path, read_catalogue


def catalogue(n: int) -> Catalogue:
    return Catalogue(tuple(CatalogueEntry(f"Track {i}", f"ytsearch1:artist - track {i}", "artist") for i in range(n)))


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return read_catalogue(builtin_catalogue_path())


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


def test_same_date_gives_the_same_pick_however_the_catalogue_is_ordered(shipped: Catalogue) -> None:
    shuffled = Catalogue(tuple(reversed(shipped.entries)))
    for day in days(date(2026, 11, 1), 60):
        first, again, other = daily_pick(day, shipped), daily_pick(day, shipped), daily_pick(day, shuffled)
        assert first == again
        assert (first.source, first.difficulty) == (other.source, other.difficulty)


def test_seven_consecutive_days_are_seven_different_tracks_even_across_rounds(shipped: Catalogue) -> None:
    n = len(shipped)
    start = EPOCH - timedelta(days=3 * n)  # before the epoch too
    picks = [daily_pick(day, shipped).source for day in days(start, 12 * n)]
    for i in range(len(picks) - 6):
        assert len(set(picks[i:i + 7])) == 7, f"a track repeats within a week starting {start + timedelta(days=i)}"


@pytest.mark.parametrize("n", [2, 3, 5, 18, 35])
def test_each_round_plays_every_track_once_and_never_the_same_twice_in_a_row(n: int) -> None:
    cat = catalogue(n)
    sources = {entry.source for entry in cat.entries}
    first_day = EPOCH - timedelta(days=2 * n)
    picks = [daily_pick(day, cat) for day in days(first_day, 6 * n)]
    for r in range(6):
        block = picks[r * n:(r + 1) * n]
        assert {p.source for p in block} == sources
        assert len({p.round for p in block}) == 1
    for before, after in itertools.pairwise(picks):
        assert before.source != after.source


def test_rounds_do_not_all_play_in_the_same_order(shipped: Catalogue) -> None:
    sources = [entry.source for entry in shipped.entries]
    orders = {tuple(round_order(sources, r)) for r in range(5)}
    assert len(orders) == 5


def test_the_order_is_the_documented_hash_keyed_sort() -> None:
    # docs/daily.md promises this recipe, so anyone can check today's pick without rokgame's code.
    sources = sorted(entry.source for entry in catalogue(40).entries)
    seed = hashlib.sha256("\n".join(sources).encode()).hexdigest()
    expected = sorted(sources, key=lambda s: hashlib.sha256(f"{seed}|0|{s}".encode()).hexdigest())
    order = round_order(sources, 0)
    previous_tail = set(sorted(sources, key=lambda s: hashlib.sha256(f"{seed}|-1|{s}".encode()).hexdigest())[-6:])
    # Only the start of a round moves, to keep away from the end of the last one.
    assert order[6:] == [s for s in expected if s not in set(order[:6])]
    assert not previous_tail & set(order[:6])
    assert [s for s in expected if s not in previous_tail][:6] == order[:6]


def test_a_catalogue_of_one_track_works_every_day() -> None:
    one = catalogue(1)
    picks = {daily_pick(day, one).source for day in days(date(2025, 12, 25), 40)}
    assert picks == {one.entries[0].source}


def test_difficulty_rises_from_monday_to_sunday() -> None:
    week = days(date(2026, 11, 23), 7)  # Monday 23 November 2026
    assert [day.strftime("%a") for day in week] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert [difficulty_for(day) for day in week] == ["easy", "easy", "medium", "medium", "hard", "hard", "expert"]
    assert daily_pick(week[-1], catalogue(9)).difficulty == "expert"


def test_day_numbers_count_from_the_epoch() -> None:
    assert day_index(EPOCH) == 0
    assert day_index(date(2026, 12, 31)) == 364
    assert day_index(date(2025, 12, 31)) == -1


def test_offline_pick_comes_from_the_library_and_ignores_its_order() -> None:
    library = [CatalogueEntry(f"Mine {i}", f"https://example.com/{i}") for i in range(6)]
    for day in days(date(2026, 11, 20), 20):
        pick = offline_pick(day, library)
        assert pick == offline_pick(day, list(reversed(library)))
        assert pick.offline and pick.entry in library
        assert pick.reason.startswith(f"Offline: today's track is {pick.title} from your library")
        assert pick.difficulty == difficulty_for(day)
    round_start = EPOCH + timedelta(days=6 * 50)  # a whole round of the six library tracks
    assert len({offline_pick(day, library).source for day in days(round_start, 6)}) == 6


def test_offline_pick_falls_back_to_the_demo_songs_when_the_library_is_empty() -> None:
    picks = [offline_pick(day, []) for day in days(date(2026, 11, 20), 3)]
    assert {p.entry for p in picks} == set(DEMO_ENTRIES)
    assert all("from the demo songs" in p.reason for p in picks)


def test_the_pure_modules_import_only_the_standard_library() -> None:
    code = ("import sys, rokgame.core.daily, rokgame.core.recommend; "
            "print(sorted(m for m in ('pygame', 'numpy', 'librosa', 'yt_dlp', 'platformdirs') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
