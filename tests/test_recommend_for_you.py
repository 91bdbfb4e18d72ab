""""For you": a library track like the ones played most and best, not played lately, the same all day."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from rokgame.core.chart import Chart, Difficulty, Note, Song, Tempo
from rokgame.core.chart_io import read_chart, save_chart
from rokgame.core.recommend import TrackHistory, TrackProfile, for_you, similarity
from rokgame.recommend import FeatureCache, chart_features, chart_file_features, features_cache_path, for_you_today
from rokgame.storage.db import connect
from rokgame.storage.scores import record_play

DAY = date(2026, 11, 23)

FAVOURITE = TrackProfile("fav", "Neon Drive", bpm=128.0, density=4.0, energy=0.6, onset_rate=5.0)
FLOP = TrackProfile("flop", "Dirge", bpm=62.0, density=1.0, energy=0.2, onset_rate=1.5)
LIKE_FAVOURITE = TrackProfile("alike", "Night Runner", bpm=126.0, density=4.3, energy=0.55, onset_rate=5.2)
LIKE_FLOP = TrackProfile("unlike", "Slow Boat", bpm=64.0, density=1.1, energy=0.25, onset_rate=1.6)
LIBRARY = [FAVOURITE, FLOP, LIKE_FAVOURITE, LIKE_FLOP]


def history(key: str, plays: int, accuracy: float, stars: int, last: date | None) -> TrackHistory:
    return TrackHistory(key, plays, accuracy, stars, last)


HISTORY = [
    history("fav", 12, 0.96, 5, DAY - timedelta(days=1)),
    history("flop", 2, 0.45, 1, DAY - timedelta(days=20)),
]


def test_prefers_a_track_like_the_ones_played_most_and_best() -> None:
    for offset in range(30):
        day = DAY + timedelta(days=offset)
        pick = for_you(day, LIBRARY, HISTORY)
        assert pick is not None and pick.key == "alike", day
        assert pick.similar_to == FAVOURITE
        assert "Neon Drive" in pick.reason and pick.reason[0].isupper()


def test_the_reason_names_the_closest_feature() -> None:
    pick = for_you(DAY, [FAVOURITE, TrackProfile("t", "Twin", bpm=128.0, density=2.0)], HISTORY[:1])
    assert pick is not None
    assert pick.feature == "bpm"
    assert pick.reason.startswith("Similar tempo to Neon Drive (128 vs 128 BPM)")


def test_recently_played_tracks_are_not_suggested() -> None:
    played = [*HISTORY, history("alike", 1, 0.9, 4, DAY - timedelta(days=2))]
    pick = for_you(DAY, LIBRARY, played)
    assert pick is not None and pick.key not in {"alike", "fav"}
    a_week_ago = [*HISTORY, history("alike", 1, 0.9, 4, DAY - timedelta(days=7))]
    assert for_you(DAY, LIBRARY, a_week_ago).key == "alike"  # type: ignore[union-attr]


def test_when_everything_was_played_lately_the_longest_wait_wins() -> None:
    played = [history(t.key, 3, 0.8, 3, DAY - timedelta(days=i)) for i, t in enumerate(LIBRARY)]
    pick = for_you(DAY, LIBRARY, played)
    assert pick is not None and pick.key == LIBRARY[-1].key
    assert "3 days ago" in pick.reason


def test_excluded_tracks_never_come_up() -> None:
    pick = for_you(DAY, LIBRARY, HISTORY, exclude={"alike"})
    assert pick is not None and pick.key != "alike"
    assert for_you(DAY, LIBRARY, HISTORY, exclude={t.key for t in LIBRARY}) is None
    assert for_you(DAY, [], HISTORY) is None


def test_same_day_same_pick_and_near_ties_take_turns() -> None:
    twins = [TrackProfile(f"twin{i}", f"Twin {i}", bpm=127.0, density=4.1, energy=0.6, onset_rate=5.0)
             for i in range(4)]
    library = [FAVOURITE, *twins]
    picks = [for_you(DAY + timedelta(days=i), library, HISTORY[:1]) for i in range(20)]
    again = [for_you(DAY + timedelta(days=i), list(reversed(library)), HISTORY[:1]) for i in range(20)]
    assert [p.key for p in picks] == [p.key for p in again]  # type: ignore[union-attr]
    assert len({p.key for p in picks}) > 1  # type: ignore[union-attr]


def test_without_history_a_new_track_is_offered() -> None:
    pick = for_you(DAY, LIBRARY, [])
    assert pick is not None and pick.reason.startswith("New to you")


def test_similarity_is_symmetric_and_falls_with_distance() -> None:
    assert similarity(FAVOURITE, LIKE_FAVOURITE) == pytest.approx(similarity(LIKE_FAVOURITE, FAVOURITE))
    assert similarity(FAVOURITE, FAVOURITE) == pytest.approx(1.0)
    assert similarity(FAVOURITE, LIKE_FAVOURITE) > similarity(FAVOURITE, LIKE_FLOP)  # type: ignore[operator]
    assert similarity(TrackProfile("a", "A"), FAVOURITE) is None


# --------------------------------------------------------------------------- the player's real library


def write_chart(folder: Path, name: str, *, bpm: float, nps: float, features: dict[str, float] | None = None) -> Path:
    notes = tuple(Note(round(1.0 + i / nps, 3), i % 5) for i in range(int(nps * 30)))
    chart = Chart(Song(name, f"{name}.ogg", "Artist"), {"medium": Difficulty("medium", notes)},
                  tempo=Tempo(bpm), generator={"name": "rokgame", "features": features or {}})
    path = folder / f"{name}.json"
    save_chart(chart, path)
    return path


def add_track(conn: sqlite3.Connection, source: str, title: str, chart: Path) -> int:
    track = conn.execute("INSERT INTO tracks (source, kind, title, added_at) VALUES (?, 'url', ?, '2026-01-01')",
                         (source, title)).lastrowid
    conn.execute("INSERT INTO charts (track_id, path, origin, chart_sha256, added_at) "
                 "VALUES (?, ?, 'generated', ?, '2026-01-01')", (track, str(chart), "b" * 64))
    assert track is not None
    return track


def record(conn: sqlite3.Connection, track: int, day: date, accuracy: float, stars: int) -> None:
    report = {"score": int(accuracy * 1000), "accuracy": accuracy, "stars": stars, "max_combo": 5, "notes": 10,
              "judgements": {}}
    record_play(conn, chart_sha256="b" * 64, difficulty="medium", report=report, track_id=track,
                now=datetime.combine(day, datetime.min.time()).replace(hour=18))


@pytest.fixture
def conn(rokgame_home: Path) -> Iterator[sqlite3.Connection]:
    connection = connect()
    yield connection
    connection.close()


@pytest.fixture
def library(conn: sqlite3.Connection, tmp_path: Path) -> dict[str, int]:
    tracks = {
        "fav": add_track(conn, "https://example.com/fav", "Neon Drive",
                         write_chart(tmp_path, "fav", bpm=128, nps=4, features={"energy": 0.6, "onset_rate": 5})),
        "flop": add_track(conn, "https://example.com/flop", "Dirge",
                          write_chart(tmp_path, "flop", bpm=62, nps=1, features={"energy": 0.2, "onset_rate": 1.5})),
        "alike": add_track(conn, "https://example.com/alike", "Night Runner",
                           write_chart(tmp_path, "alike", bpm=125, nps=4.2, features={"energy": 0.55})),
        "unlike": add_track(conn, "https://example.com/unlike", "Slow Boat",
                            write_chart(tmp_path, "unlike", bpm=65, nps=1.2, features={"energy": 0.22})),
    }
    for i in range(8):
        record(conn, tracks["fav"], DAY - timedelta(days=1 + i), 0.95, 5)
    record(conn, tracks["flop"], DAY - timedelta(days=30), 0.4, 1)
    return tracks


def test_the_library_pick_follows_the_players_history(conn: sqlite3.Connection, library: dict[str, int]) -> None:
    pick = for_you_today(conn, DAY)
    assert pick is not None and pick.key == "https://example.com/alike"
    assert pick.reason.endswith("one of the tracks you play most and score well on")
    assert "Neon Drive" in pick.reason
    # Played yesterday: not suggested again for a week.
    record(conn, library["alike"], DAY - timedelta(days=1), 0.9, 4)
    later = for_you_today(conn, DAY)
    assert later is not None and later.key not in {"https://example.com/alike", "https://example.com/fav"}
    assert for_you_today(conn, DAY, exclude=["https://example.com/unlike", "https://example.com/flop"]) is not None


def test_chart_figures_are_cached_and_refreshed_when_the_chart_changes(tmp_path: Path, rokgame_home: Path) -> None:
    path = write_chart(tmp_path, "song", bpm=100, nps=2, features={"energy": 0.3, "onset_rate": 2.0, "bpm": 99})
    cache = FeatureCache()
    first = cache.features(path)
    assert first == {"bpm": 100.0, "density": pytest.approx(2.0, rel=0.05), "energy": 0.3, "onset_rate": 2.0}
    cache.save()
    assert features_cache_path().is_file()
    warm = FeatureCache()
    assert warm.features(path) == first
    assert not warm.changed  # read from the cache, not the chart
    write_chart(tmp_path, "song", bpm=150, nps=2)
    assert FeatureCache().features(path)["bpm"] == 150.0


def test_features_fill_in_from_the_generator_when_the_chart_lacks_them() -> None:
    chart = Chart(Song("x", "x.ogg"), {"expert": Difficulty("expert", (Note(1.0, 0),))},
                  generator={"features": {"bpm": 140.0, "density": 6.0, "energy": "loud"}})
    assert chart_features(chart) == {"bpm": 140.0, "density": 6.0}
    # The charter writes density per difficulty: the medium one describes the track.
    per_difficulty = Chart(Song("x", "x.ogg"), {"expert": Difficulty("expert", (Note(1.0, 0),))},
                           generator={"features": {"density": {"easy": 1.0, "medium": 2.5, "expert": 7.0}}})
    assert chart_features(per_difficulty) == {"density": 2.5}


def test_the_quick_file_reader_agrees_with_the_chart_model(tmp_path: Path) -> None:
    path = write_chart(tmp_path, "song", bpm=133, nps=3.3, features={"energy": 0.4, "onset_rate": 4.0})
    chart = read_chart(path).chart
    assert chart is not None
    assert chart_file_features(path) == pytest.approx(chart_features(chart))
    (tmp_path / "broken.json").write_text("{not json")
    assert chart_file_features(tmp_path / "broken.json") == {}
