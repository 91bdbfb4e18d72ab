"""The menu's Daily panel and the background prefetch: no network at menu time, an honest offline fallback."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from rokgame.core.chart import Chart, Difficulty, Note, Song
from rokgame.core.chart_io import save_chart
from rokgame.core.daily import Catalogue, CatalogueEntry, daily_pick
from rokgame.daily.local import fetch_argument, local_tracks, prepared_chart, remember_prepared
from rokgame.daily.panel import daily_panel
from rokgame.daily.prefetch import PrefetchProgress, network_available, prefetch_daily
from rokgame.errors import FetchError
from rokgame.recommend import features_cache_path
from rokgame.storage.db import connect
from rokgame.storage.scores import record_play
from rokgame.tracks import PreparedTrack

NOW = datetime(2026, 11, 25, 21, 15)  # a Wednesday evening
TODAY = NOW.date()
CATALOGUE = Catalogue(tuple(CatalogueEntry(f"Song {i}", f"ytsearch1:Band - Song {i}", "Band", "CC BY 4.0", f"note {i}")
                            for i in range(10)))


@pytest.fixture
def conn(rokgame_home: Path) -> Iterator[sqlite3.Connection]:
    connection = connect()
    yield connection
    connection.close()


def chart_file(folder: Path, name: str) -> Path:
    path = folder / f"{name}.json"
    save_chart(Chart(Song(name, f"{name}.ogg"), {"easy": Difficulty("easy", (Note(1.0, 0), Note(2.0, 1)))}), path)
    return path


def add_library_track(conn: sqlite3.Connection, folder: Path, source: str, title: str) -> Path:
    chart = chart_file(folder, title.replace(" ", "-"))
    track = conn.execute("INSERT INTO tracks (source, kind, title, artist, added_at) VALUES (?, 'url', ?, 'Me', 'x')",
                         (source, title)).lastrowid
    conn.execute("INSERT INTO charts (track_id, path, origin, chart_sha256, added_at) "
                 "VALUES (?, ?, 'generated', ?, 'x')", (track, str(chart), "d" * 64))
    return chart


def daily_play(conn: sqlite3.Connection, day: date, score: int, stars: int) -> None:
    report = {"score": score, "accuracy": 0.9, "stars": stars, "max_combo": 3, "notes": 3, "judgements": {}}
    record_play(conn, chart_sha256="e" * 64, difficulty="medium", report=report, daily_date=day.isoformat(),
                now=datetime.combine(day, datetime.min.time()).replace(hour=12))


def test_the_panel_shows_todays_catalogue_track_with_best_streak_and_wait(conn: sqlite3.Connection) -> None:
    for back in (2, 1):
        daily_play(conn, TODAY - timedelta(days=back), 400, 2)
    daily_play(conn, TODAY, 700, 3)
    daily_play(conn, TODAY, 900, 4)
    panel = daily_panel(NOW, conn, CATALOGUE)
    pick = daily_pick(TODAY, CATALOGUE)
    assert (panel.title, panel.artist, panel.difficulty, panel.licence) == (pick.title, "Band", "medium", "CC BY 4.0")
    assert panel.reason == pick.reason and not panel.offline
    assert panel.today_best is not None and (panel.today_best.score, panel.today_best.stars) == (900, 4)
    assert (panel.streak.current, panel.streak.played_today) == (3, True)
    assert panel.time_until_next == timedelta(hours=2, minutes=45)
    assert panel.chart_path is None and panel.fetch_argument == f"Band - {pick.title}"
    assert panel.daily_date == "2026-11-25"
    assert [d.stars for d in panel.calendar[-3:]] == [2, 2, 4]
    lines = panel.lines()
    assert pick.title in lines[1] and any(line.startswith("Today's best: 900") for line in lines)
    assert "Streak: 3 days" in lines and "Next track in 2 h 45 min" in lines


def test_offline_the_panel_falls_back_to_the_library_and_says_so(conn: sqlite3.Connection, tmp_path: Path) -> None:
    add_library_track(conn, tmp_path, "https://example.com/mine", "My Song")
    panel = daily_panel(NOW, conn, CATALOGUE, online=False)
    assert panel.offline and panel.title == "My Song"
    assert panel.reason.startswith("Offline: today's track is My Song from your library")
    assert panel.chart_path == tmp_path / "My-Song.json" and panel.ready
    assert panel.lines()[0] == "Daily Track (offline)"
    # Unknown network (the prefetch has not said yet) or online: the catalogue's track.
    assert not daily_panel(NOW, conn, CATALOGUE).offline
    assert not daily_panel(NOW, conn, CATALOGUE, online=True).offline


def test_offline_with_an_empty_library_offers_a_demo_song(conn: sqlite3.Connection) -> None:
    panel = daily_panel(NOW, conn, CATALOGUE, online=False)
    assert panel.offline and panel.source.startswith("builtin:")
    assert "from the demo songs" in panel.reason
    assert Path(panel.fetch_argument).is_file()  # the demo song's audio: no network needed


def test_a_track_prepared_earlier_plays_offline_without_falling_back(conn: sqlite3.Connection, tmp_path: Path) -> None:
    pick = daily_pick(TODAY, CATALOGUE)
    chart = chart_file(tmp_path, "today")
    remember_prepared(pick.source, PreparedTrack(7, chart, tmp_path / "a.ogg", pick.title, "Band", "x"))
    panel = daily_panel(NOW, conn, CATALOGUE, online=False)
    assert not panel.offline and panel.title == pick.title and panel.chart_path == chart


def test_the_panel_includes_a_for_you_pick_from_the_library(conn: sqlite3.Connection, tmp_path: Path) -> None:
    add_library_track(conn, tmp_path, "https://example.com/mine", "My Song")
    panel = daily_panel(NOW, conn, CATALOGUE)
    assert panel.for_you is not None and panel.for_you.title == "My Song"
    assert panel.for_you_chart == tmp_path / "My-Song.json"
    assert any(line.startswith("For you: My Song") for line in panel.lines())
    assert daily_panel(NOW, conn, CATALOGUE, include_for_you=False).for_you is None


def test_the_menu_panel_loads_no_heavy_library(tmp_path: Path) -> None:
    code = (
        "import sys, datetime\n"
        "from rokgame.daily import daily_panel, catalogue_for_menu\n"
        "from rokgame.storage.db import connect\n"
        "daily_panel(datetime.datetime.now(), connect(), catalogue_for_menu('')[0])\n"
        "print(sorted(m for m in ('pygame', 'numpy', 'librosa', 'yt_dlp', 'rokgame.tracks') if m in sys.modules))\n"
    )
    env = {"ROKGAME_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------- prefetch


class FakePrepare:
    def __init__(self, folder: Path, fail: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.folder, self.fail, self.calls = folder, fail, []

    def __call__(self, source: str, *, progress=None, cancel=None) -> PreparedTrack:  # type: ignore[no-untyped-def]
        self.calls.append(source)
        if source in self.fail:
            raise FetchError(f"no results for {source!r}")
        if progress is not None:
            progress(0.5, "downloading")
        chart = chart_file(self.folder, f"prepared-{len(self.calls)}")
        return PreparedTrack(len(self.calls), chart, self.folder / "x.ogg", source, "Band", source)


def test_prefetch_prepares_today_and_tomorrow_and_the_panel_finds_them(conn: sqlite3.Connection,
                                                                        tmp_path: Path) -> None:
    prepare = FakePrepare(tmp_path)
    reports: list[PrefetchProgress] = []
    days = [TODAY, TODAY + timedelta(days=1)]
    report = prefetch_daily(days, progress=reports.append, catalogue=CATALOGUE,
                            check_network=lambda: True, prepare=prepare)
    picks = [daily_pick(day, CATALOGUE) for day in days]
    assert report.online and not report.failed and set(report.prepared) == set(days)
    assert prepare.calls == [fetch_argument(p.source) for p in picks]
    fractions = [r.fraction for r in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert reports[0].text.startswith(f"Daily Track 1/2: {picks[0].title}")
    assert all(prepared_chart(p.source) is not None for p in picks)
    panel = daily_panel(NOW, conn, CATALOGUE, online=False)
    assert panel.ready and not panel.offline
    # Already prepared: a second run downloads nothing, and doesn't even look for a network.
    again = FakePrepare(tmp_path)
    second = prefetch_daily(days, catalogue=CATALOGUE, prepare=again,
                            check_network=lambda: pytest.fail("the network was checked for tracks on disk"))
    assert second.prepared == report.prepared and second.online is None
    assert again.calls == []


def test_prefetch_without_network_does_nothing_and_says_offline(tmp_path: Path, rokgame_home: Path) -> None:
    prepare = FakePrepare(tmp_path)
    report = prefetch_daily([TODAY], catalogue=CATALOGUE, check_network=lambda: False, prepare=prepare)
    assert not report.online and prepare.calls == [] and report.prepared == {}


def test_a_failing_track_is_reported_and_the_next_one_still_prepared(tmp_path: Path, rokgame_home: Path) -> None:
    days = [TODAY, TODAY + timedelta(days=1)]
    first = fetch_argument(daily_pick(days[0], CATALOGUE).source)
    report = prefetch_daily(days, catalogue=CATALOGUE, check_network=None, prepare=FakePrepare(tmp_path, {first}))
    assert list(report.failed) == [days[0]] and "no results" in report.failed[days[0]]
    assert list(report.prepared) == [days[1]]


def test_prefetch_stops_when_cancelled(tmp_path: Path, rokgame_home: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    prepare = FakePrepare(tmp_path)
    report = prefetch_daily([TODAY], catalogue=CATALOGUE, check_network=None, prepare=prepare, cancel=cancel)
    assert report.cancelled and prepare.calls == []


def test_network_check_is_one_quick_local_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert network_available("127.0.0.1", port, timeout=1.0)
    assert not network_available("127.0.0.1", port, timeout=1.0)  # closed now: refused at once


def test_library_tracks_without_a_chart_on_disk_are_not_offered(conn: sqlite3.Connection, tmp_path: Path) -> None:
    chart = add_library_track(conn, tmp_path, "https://example.com/gone", "Gone")
    add_library_track(conn, tmp_path, "https://example.com/here", "Here")
    chart.unlink()
    assert [t.title for t in local_tracks(conn)] == ["Here"]


def test_prefetch_reads_the_library_charts_so_the_menu_does_not_have_to(conn: sqlite3.Connection,
                                                                        tmp_path: Path) -> None:
    chart = add_library_track(conn, tmp_path, "https://example.com/mine", "My Song")
    report = prefetch_daily([], catalogue=CATALOGUE, check_network=lambda: False, prepare=FakePrepare(tmp_path))
    assert report.library_charts == 1
    assert str(chart) in json.loads(features_cache_path().read_text())


def test_offline_todays_track_stays_the_same_all_day_as_the_library_grows(conn: sqlite3.Connection,
                                                                           tmp_path: Path) -> None:
    add_library_track(conn, tmp_path, "https://example.com/first", "First Song")
    first = daily_panel(NOW, conn, CATALOGUE, online=False)
    picks = {first.title}
    for i in range(8):  # the player adds a track, goes back to the menu, adds another...
        add_library_track(conn, tmp_path, f"https://example.com/more-{i}", f"More Song {i}")
        picks.add(daily_panel(NOW + timedelta(minutes=i), conn, CATALOGUE, online=False).title)
    assert picks == {first.title}
    tomorrow = daily_panel(NOW + timedelta(days=1), conn, CATALOGUE, online=False)
    assert tomorrow.date == TODAY + timedelta(days=1)


def test_todays_best_is_the_best_of_todays_offline_track_only(conn: sqlite3.Connection, tmp_path: Path) -> None:
    add_library_track(conn, tmp_path, "https://example.com/mine", "My Song")
    report = {"score": 99999, "accuracy": 0.99, "stars": 5, "max_combo": 3, "notes": 3, "judgements": {}}
    record_play(conn, chart_sha256="f" * 64, difficulty="hard", report=report, title="Another Song",
                daily_date=TODAY.isoformat(), now=NOW)
    panel = daily_panel(NOW, conn, CATALOGUE, online=False)
    assert panel.title == "My Song" and panel.today_best is None
