"""The main menu's Daily panel with the start-up prefetch: progress while it runs, the offline fallback, For you."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pygame
import pytest

from rokgame.core.chart import Chart, Difficulty, Note, Song, Tempo
from rokgame.core.chart_io import save_chart
from rokgame.core.daily import daily_pick, parse_catalogue
from rokgame.game import hooks
from rokgame.game.app import App
from rokgame.game.input import Nav, NavAction
from rokgame.game.scenes.menu import MainMenuScene
from rokgame.settings import Settings, load_settings, save_settings
from rokgame.storage.db import connect
from rokgame.storage.scores import record_play
from rokgame.tracks import PreparedTrack

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "screens"
SIZES = [(1280, 720), (1920, 1080)]
CATALOGUE = {"format": "rokgame.catalogue", "version": 1, "entries": [
    {"title": f"Catalogue Song {i}", "artist": "Band", "source": f"ytsearch1:Band - Catalogue Song {i}",
     "licence": "CC BY 4.0", "note": f"note {i}"} for i in range(7)]}


def write_chart(folder: Path, name: str, *, bpm: float = 120.0, nps: float = 2.0) -> Path:
    notes = tuple(Note(round(1.0 + i / nps, 3), i % 5) for i in range(int(nps * 20)))
    chart = Chart(Song(name, f"{name}.ogg", "Artist"), {"medium": Difficulty("medium", notes)}, tempo=Tempo(bpm))
    path = folder / f"{name.replace(' ', '-')}.json"
    save_chart(chart, path)
    return path


def add_track(conn: sqlite3.Connection, folder: Path, title: str, **kw: float) -> int:
    chart = write_chart(folder, title, **kw)
    track = conn.execute("INSERT INTO tracks (source, kind, title, artist, added_at) VALUES (?, 'url', ?, 'Me', 'x')",
                         (f"https://example.com/{title.replace(' ', '-')}", title)).lastrowid
    conn.execute("INSERT INTO charts (track_id, path, origin, chart_sha256, added_at) "
                 "VALUES (?, ?, 'generated', ?, 'x')", (track, str(chart), "c" * 64))
    assert track is not None
    return track


def played(conn: sqlite3.Connection, track: int, days_ago: int, accuracy: float, stars: int) -> None:
    report = {"score": int(accuracy * 100000), "accuracy": accuracy, "stars": stars, "max_combo": 5, "notes": 10,
              "judgements": {}}
    when = datetime.now().astimezone().replace(hour=12) - timedelta(days=days_ago)
    record_play(conn, chart_sha256="c" * 64, difficulty="medium", report=report, track_id=track, now=when)


@pytest.fixture
def catalogue_file(tmp_path: Path) -> Path:
    """A catalogue of downloads only (no demo song), chosen in the saved settings as the provider reads them."""
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(CATALOGUE))
    save_settings(Settings(daily_catalogue=str(path)))
    return path


@pytest.fixture
def app(catalogue_file: Path):
    hooks.set_daily_provider(None, use_default=True)  # the real panel, from the real database
    app = App(load_settings(), headless=True, size=(1280, 720))
    yield app
    app.shutdown()


@pytest.fixture
def library(tmp_path: Path) -> dict[str, int]:
    folder = tmp_path / "library"
    folder.mkdir()
    conn = connect()
    try:
        with conn:
            tracks = {"fav": add_track(conn, folder, "Neon Drive", bpm=128, nps=4),
                      "alike": add_track(conn, folder, "Night Runner", bpm=126, nps=4.2),
                      "slow": add_track(conn, folder, "Slow Boat", bpm=64, nps=1.0)}
            for days_ago in range(1, 7):
                played(conn, tracks["fav"], days_ago, 0.95, 5)
    finally:
        conn.close()
    return tracks


def wait_for(app: App, condition, what: str, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        shown = f"{getattr(app.top, 'daily_state', '')} {getattr(app.top, 'daily_error', '') or ''}"
        assert time.monotonic() < end, f"timed out waiting for {what} (menu: {shown})"
        app.frame(0.01)
        time.sleep(0.005)


def todays_pick_title() -> str:
    return daily_pick(datetime.now().astimezone().date(), parse_catalogue(json.dumps(CATALOGUE))).title


def shoot(app: App, name: str, size: tuple[int, int]) -> Path:
    app.resize(size)
    app.frame(1 / 60)
    return app.screenshot(ARTIFACTS / f"{name}-{size[0]}x{size[1]}.png")


class GatedPrepare:
    """A download that reports 42 % and then waits until the test lets it finish (or the game cancels it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.release = threading.Event()
        self.calls: list[str] = []
        self.saw_cancel = threading.Event()

    def __call__(self, source: str, *, progress=None, cancel=None) -> PreparedTrack:  # type: ignore[no-untyped-def]
        self.calls.append(source)
        if progress is not None:
            progress(0.42, "Downloading")
        while not self.release.wait(0.02):
            if cancel is not None and cancel.is_set():
                self.saw_cancel.set()
                from rokgame.fetch.errors import Cancelled

                raise Cancelled("cancelled")
        chart = write_chart(self.folder, f"prepared {len(self.calls)}")
        return PreparedTrack(len(self.calls), chart, self.folder / "x.ogg", source, "Band", source)


def menu_with_todays_track(app: App, folder: Path) -> MainMenuScene:
    """The main menu once the prefetch has downloaded and charted today's (and tomorrow's) track."""
    prepare = GatedPrepare(folder)
    prepare.release.set()
    menu = app.push(MainMenuScene(app))
    prefetch = app.start_daily_prefetch(check_network=lambda: True, prepare=prepare)
    wait_for(app, lambda: prefetch.state == "done", "the prefetch")
    wait_for(app, lambda: menu.daily is not None and menu.daily.chart_path is not None, "today's track on disk")
    return menu


def test_the_menu_shows_prefetch_progress_stays_responsive_and_then_plays_today_at_once(app, tmp_path):
    prepare = GatedPrepare(tmp_path)
    menu = app.push(MainMenuScene(app))
    prefetch = app.start_daily_prefetch(check_network=lambda: True, prepare=prepare)
    wait_for(app, lambda: prefetch.status_line() is not None and "42" in prefetch.status_line()[0], "progress")
    assert prefetch.status_line() == ("Getting today's track… 42 %", pytest.approx(0.42))
    wait_for(app, lambda: menu.daily is not None, "the panel")
    assert menu.daily.title == todays_pick_title() and menu.daily.chart_path is None  # not on disk yet
    # The menu answers while the download runs.
    before = menu.menu.index
    menu.handle(NavAction(Nav.DOWN))
    app.frame(0.01)
    assert menu.menu.index == before + 1
    for size in SIZES:
        shoot(app, "menu-prefetch", size)
    prepare.release.set()
    wait_for(app, lambda: prefetch.state == "done", "the prefetch")
    assert len(prepare.calls) == 2  # today's and tomorrow's
    wait_for(app, lambda: menu.daily is not None and menu.daily.chart_path is not None, "the rebuilt panel")
    assert menu.daily.title == todays_pick_title() and not menu.daily.offline
    assert prefetch.status_line() is None  # the progress line goes away


def test_without_a_network_the_menu_falls_back_to_the_library_and_says_so(app, library):
    menu = app.push(MainMenuScene(app))
    wait_for(app, lambda: menu.daily is not None, "the panel")
    assert menu.daily.title == todays_pick_title() and not menu.daily.offline  # network not known yet
    app.start_daily_prefetch(check_network=lambda: False, prepare=lambda *a, **k: pytest.fail("no network"))
    wait_for(app, lambda: menu.daily.offline, "the offline panel")
    title = menu.daily.title
    assert title in {"Neon Drive", "Night Runner", "Slow Boat"} and menu.daily.chart_path is not None
    assert any(line.startswith(f"Offline: today's track is {title} from your library") for line in menu.daily.lines)
    # Deterministic: asking again gives the same fallback.
    menu.enter()
    wait_for(app, lambda: menu._daily_accepted == menu._daily_request, "the second answer")
    assert menu.daily.title == title and menu.daily.offline


def test_quitting_cancels_the_prefetch(catalogue_file, tmp_path):
    hooks.set_daily_provider(None)
    app = App(load_settings(), headless=True, size=(640, 360))
    prepare = GatedPrepare(tmp_path)
    prefetch = app.start_daily_prefetch(check_network=lambda: True, prepare=prepare)
    end = time.monotonic() + 20
    while not prepare.calls:
        assert time.monotonic() < end
        time.sleep(0.01)
    app.shutdown()
    assert prepare.saw_cancel.wait(10)
    prefetch.worker.thread.join(10)
    assert not prefetch.worker.thread.is_alive()
    hooks.set_daily_provider(None, use_default=True)


@pytest.mark.parametrize("setting", [True, False, None])
def test_the_game_starts_the_prefetch_only_when_the_player_said_yes(monkeypatch, setting):
    from rokgame.game import app as app_module
    from rokgame.game.scenes.prefetch_question import PrefetchQuestionScene

    started: list[object] = []
    asked: list[object] = []
    monkeypatch.setattr(app_module.App, "start_daily_prefetch", lambda self, **kw: started.append(self))
    monkeypatch.setattr(PrefetchQuestionScene, "enter", lambda self: asked.append(self))
    hooks.set_daily_provider(None)
    try:
        status = app_module.run(settings=Settings(daily_prefetch=setting),
                                first_frame=lambda: pygame.event.post(pygame.event.Event(pygame.QUIT)))
    finally:
        hooks.set_daily_provider(None, use_default=True)
    assert status == 0
    assert len(started) == (1 if setting else 0)  # unanswered: nothing connects before the player says yes
    assert len(asked) == (1 if setting is None else 0)  # asked on a first start; an answer is never asked again


@pytest.mark.parametrize(("nav", "answer"), [(None, True), (Nav.BACK, False), (Nav.DOWN, False)])
def test_the_first_start_question_saves_the_answer_and_starts_the_prefetch_only_on_yes(app, monkeypatch, nav,
                                                                                        answer):
    from rokgame.game.scenes.prefetch_question import PrefetchQuestionScene

    monkeypatch.setattr(app, "headless", False)  # a headless app never saves; this one stands for the window
    started = []
    monkeypatch.setattr(app, "start_daily_prefetch", lambda **kw: started.append(kw))
    menu = app.push(MainMenuScene(app))
    question = app.push(PrefetchQuestionScene(app))
    for size in SIZES:
        shoot(app, "prefetch-question", size)
    if nav is not None:
        question.handle(NavAction(nav))
    if nav is not Nav.BACK:
        question.handle(NavAction(Nav.CONFIRM))
    assert app.top is menu
    assert load_settings().daily_prefetch is answer and app.settings.daily_prefetch is answer
    assert len(started) == (1 if answer else 0)


def test_the_settings_screen_turns_the_prefetch_on_and_off_and_it_is_saved(app):
    from rokgame.game.scenes.settings import SettingsScene

    app.headless = False  # let the screen save, into this test's own ROKGAME_HOME
    screen = app.push(SettingsScene(app))
    index = next(i for i, option in enumerate(screen.options) if option.key == "daily_prefetch")
    assert screen.menu.items[index].label == "Daily prefetch"
    assert "today's and tomorrow's Daily Track" in (screen.menu.items[index].detail or "")
    assert screen.menu.items[index].value == "Ask at start"  # not answered yet
    screen.menu.index = index
    values = []
    for _ in range(2):
        screen.handle(NavAction(Nav.CONFIRM))
        values.append(screen.menu.items[index].value)
    assert values == ["On", "Off"]
    screen.handle(NavAction(Nav.BACK))
    app.headless = True
    assert load_settings().daily_prefetch is False


def test_a_first_start_opens_the_new_database_from_several_threads_at_once(rokgame_home):
    # The menu's panel, the prefetch and "For you" each open the database on their own thread;
    # on a first start they all find it empty and must not trip over each other's migrations.
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        barrier.wait()
        try:
            connect().close()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []


def test_the_menu_shows_a_for_you_pick_computed_after_the_quick_panel(app, library):
    asked: list[bool] = []

    def spy(*, online=None, include_for_you=False):  # type: ignore[no-untyped-def]
        asked.append(include_for_you)
        return hooks.default_daily_provider(online=online, include_for_you=include_for_you)

    hooks.set_daily_provider(spy)
    menu = app.push(MainMenuScene(app))
    wait_for(app, lambda: menu.daily is not None and menu.daily.for_you_title is not None, "For you")
    assert asked[:2] == [False, True]  # the first panel reads no charts; For you comes in a second pass
    # Neon Drive was played every day this week (so it rests); Night Runner is most like it.
    assert menu.daily.for_you_title == "Night Runner"
    assert "Neon Drive" in menu.daily.for_you_reason
    assert menu.daily.for_you_chart is not None and menu.daily.for_you_chart.name == "Night-Runner.json"
    assert not any(line.startswith("For you") for line in menu.daily.lines)  # drawn in its own box, not twice
    for size in SIZES:
        shoot(app, "menu-for-you", size)


def test_a_broken_catalogue_is_one_line_on_the_panel(app, tmp_path):
    save_settings(Settings(daily_catalogue=str(tmp_path / "gone.json")))
    menu = app.push(MainMenuScene(app))
    wait_for(app, lambda: menu.daily is not None, "the panel")
    assert menu.daily.problem == f"no such catalogue file: {tmp_path / 'gone.json'}; using rokgame's catalogue instead"
    assert menu.daily.title  # rokgame's own catalogue still gives today's track
    _body, footer = menu._daily_rows(1.0, 400)
    assert "".join(row.text for row in footer).startswith("no such catalogue file")
    for size in SIZES:
        shoot(app, "menu-catalogue-problem", size)


def test_the_fullest_panel_fits_the_screen(app):
    """Offline, a long title, a broken catalogue, a download running and a For-you pick, all at once."""
    from rokgame.daily.prefetch import PrefetchProgress
    from rokgame.game.prefetch import DailyPrefetch

    hooks.set_daily_provider(None)  # nothing may replace the panel below
    menu = app.push(MainMenuScene(app))
    menu.daily = hooks.DailyView(
        "An Extraordinarily Long Title That Keeps Going (Extended Club Remix)", "Somebody & The Others",
        ["Offline: today's track is An Extraordinarily Long Title That Keeps Going from your library; "
         "on Saturdays we suggest expert.", "Today's best: 912,345 (97.1%, 5★, expert)",
         "Streak: 12 days — play today to keep it", "Next track in 2 h 5 min"],
        offline=True, for_you_title="Night Runner", for_you_included=True,
        for_you_reason="Like Neon Drive (about the same tempo), one of the tracks you play most and score well on",
        problem="no such catalogue file: /home/player/.config/rokgame/my-catalogue.json; "
                "using rokgame's catalogue instead")
    prefetch = DailyPrefetch()
    prefetch.state = "running"
    prefetch.latest = PrefetchProgress(prefetch.days[1], "Tomorrow", 1, 2, "Finding the beats", 0.8)
    app.daily_prefetch = prefetch
    assert prefetch.status_line() == ("Getting tomorrow's track… 60 %", pytest.approx(0.6))
    for size in SIZES:
        shoot(app, "menu-full", size)
    app.daily_prefetch = None


def test_the_daily_screen_shows_the_download_and_then_plays_at_once(app, tmp_path):
    from rokgame.game.scenes.daily import DailyScene

    menu = app.push(MainMenuScene(app))
    wait_for(app, lambda: menu.daily is not None, "the panel")
    prepare = GatedPrepare(tmp_path)
    prefetch = app.start_daily_prefetch(check_network=lambda: True, prepare=prepare)
    daily = app.push(DailyScene(app, menu.daily, state=menu.daily_state))
    wait_for(app, lambda: prefetch.status_line() is not None and "42" in prefetch.status_line()[0], "progress")
    assert daily.view is not None and daily.view.chart_path is None  # Enter would download first
    for size in SIZES:
        shoot(app, "daily-prefetch", size)
    prepare.release.set()
    wait_for(app, lambda: daily.view is not None and daily.view.chart_path is not None, "the ready track")
    assert app.top is daily and daily.view.title == todays_pick_title()


@pytest.fixture
def no_second_download(monkeypatch):
    """Counts the downloads the Daily screen starts itself; none of them may reach the network."""
    started: list[str] = []

    def job_for(source: str):  # type: ignore[no-untyped-def]
        started.append(source)
        return lambda worker: pytest.fail(f"a second download of {source} was started")

    monkeypatch.setattr("rokgame.game.workers.prepare_track_job", job_for)
    return started


def test_enter_while_the_prefetch_downloads_today_waits_for_it_instead_of_downloading_again(
        app, tmp_path, no_second_download):
    from rokgame.game.scenes.daily import DailyScene
    from rokgame.game.scenes.gameplay import GameplayScene

    menu = app.push(MainMenuScene(app))
    wait_for(app, lambda: menu.daily is not None, "the panel")
    prepare = GatedPrepare(tmp_path)
    prefetch = app.start_daily_prefetch(check_network=lambda: True, prepare=prepare)
    daily = app.push(DailyScene(app, menu.daily, state=menu.daily_state))
    wait_for(app, lambda: prefetch.status_line() is not None and "42" in prefetch.status_line()[0], "progress")
    assert daily.view is not None and daily.view.chart_path is None
    daily.handle(NavAction(Nav.CONFIRM))
    app.frame(0.01)
    assert app.top is daily and daily.waiting is not None
    for size in SIZES:
        shoot(app, "daily-waiting", size)
    daily.handle(NavAction(Nav.CONFIRM))  # pressing again while waiting starts nothing either
    prepare.release.set()
    wait_for(app, lambda: isinstance(app.top, GameplayScene), "today's track in gameplay")
    assert no_second_download == []
    assert prepare.calls[0] == f"Band - {todays_pick_title()}"  # the one download: the prefetch's
    play = app.top.info
    assert play.chart_path == tmp_path / "prepared-1.json"
    assert play.daily_date == daily.view.daily_date  # the play counts for today's streak


def test_esc_stops_waiting_and_a_failed_prefetch_is_one_sentence_without_a_second_download(
        app, tmp_path, no_second_download):
    from rokgame.fetch.errors import NoNetwork
    from rokgame.game.scenes.daily import DailyScene

    gate = threading.Event()

    def failing(source: str, *, progress=None, cancel=None):  # type: ignore[no-untyped-def]
        gate.wait(20)
        raise NoNetwork("Couldn't reach YouTube — check your connection")

    menu = app.push(MainMenuScene(app))
    wait_for(app, lambda: menu.daily is not None, "the panel")
    prefetch = app.start_daily_prefetch(check_network=lambda: True, prepare=failing)
    daily = app.push(DailyScene(app, menu.daily, state=menu.daily_state))
    daily.handle(NavAction(Nav.CONFIRM))
    assert daily.waiting is not None
    daily.handle(NavAction(Nav.BACK))  # Esc: stop waiting, stay on the screen
    assert daily.waiting is None and app.top is daily
    daily.handle(NavAction(Nav.CONFIRM))
    gate.set()
    wait_for(app, lambda: daily.waiting is None, "the end of the wait")
    assert app.top is daily and no_second_download == []
    assert [n.text for n in app.notices] == [
        "Today's track could not be fetched: Couldn't reach YouTube — check your connection"]
    wait_for(app, lambda: prefetch.state == "done", "the prefetch")


def test_the_prefetch_waits_while_a_song_is_played(app, tmp_path):
    from rokgame.game import workers

    steps: list[str] = []

    def prepare(source: str, *, progress=None, cancel=None) -> PreparedTrack:  # type: ignore[no-untyped-def]
        progress(0.3, "Downloading")
        steps.append(source)
        chart = write_chart(tmp_path, f"prepared {len(steps)}")
        return PreparedTrack(len(steps), chart, tmp_path / "x.ogg", source, "Band", source)

    app.push(MainMenuScene(app))
    workers.background.hold(60)  # what gameplay does every frame
    try:
        waits = workers.background.waits
        prefetch = app.start_daily_prefetch(check_network=lambda: True, prepare=prepare)
        wait_for(app, lambda: workers.background.waits > waits, "the prefetch to stop at its first report")
        app.frame(0.01)
        assert steps == [] and prefetch.running  # nothing downloaded or charted next to the song
    finally:
        workers.background.release()  # the song is over
    wait_for(app, lambda: prefetch.state == "done", "the prefetch")
    assert len(steps) == 2 and sorted(prefetch.report.prepared) == prefetch.days


def test_the_daily_screen_shows_the_last_30_days_and_plays_the_for_you_pick(app, library):
    from rokgame.game.scenes.daily import DailyScene
    from rokgame.game.scenes.gameplay import GameplayScene

    today = datetime.now().astimezone().date()
    conn = connect()
    try:
        for days_ago, stars in [(1, 5), (2, 3), (4, 1), (29, 4), (30, 5)]:  # 30 days ago is off the calendar
            day = today - timedelta(days=days_ago)
            record_play(conn, chart_sha256="c" * 64, difficulty="medium", daily_date=day.isoformat(),
                        report={"score": 1000 * stars, "accuracy": 0.9, "stars": stars, "max_combo": 5, "notes": 10,
                                "judgements": {}}, now=datetime.combine(day, datetime.min.time()).replace(hour=12))
    finally:
        conn.close()
    menu = app.push(MainMenuScene(app))
    wait_for(app, lambda: menu.daily is not None, "the quick panel")
    daily = app.push(DailyScene(app, menu.daily, state=menu.daily_state))  # opened before For you was computed
    wait_for(app, lambda: daily.calendar is not None and daily.view.for_you_title is not None, "calendar, For you")
    assert [d.stars for d in daily.calendar if d.stars is not None] == [4, 1, 3, 5]
    assert daily.calendar[-1].date == today and len(daily.calendar) == 30
    assert daily.view.for_you_title == "Night Runner" and "Neon Drive" in daily.view.for_you_reason
    for size in SIZES:
        shoot(app, "daily-for-you", size)
    daily.handle(NavAction(Nav.DOWN))
    assert daily.focus == "for_you"
    for size in SIZES:
        shoot(app, "daily-for-you-focused", size)
    daily.handle(NavAction(Nav.CONFIRM))
    play = app.top
    assert isinstance(play, GameplayScene)
    assert play.info.chart_path == daily.view.for_you_chart and play.info.daily_date is None  # no streak credit
    app.pop()
    daily.handle(NavAction(Nav.UP))
    assert daily.focus == "daily"


def test_without_the_prefetch_a_failed_download_offline_switches_to_the_library_pick(app, library, monkeypatch,
                                                                                     offline_fetch):
    from rokgame.game.scenes.daily import DailyScene
    from rokgame.game.scenes.gameplay import GameplayScene
    from rokgame.game.scenes.loading import LoadingScene

    monkeypatch.setattr("rokgame.daily.prefetch.network_available", lambda: False)
    assert app.daily_prefetch is None  # the Daily prefetch setting is off: nobody checked the network
    menu = app.push(MainMenuScene(app))
    wait_for(app, lambda: menu.daily is not None, "the panel")
    daily = app.push(DailyScene(app, menu.daily, state=menu.daily_state))
    assert daily.view.title == todays_pick_title() and daily.view.chart_path is None
    daily.handle(NavAction(Nav.CONFIRM))
    loading = app.top
    assert isinstance(loading, LoadingScene)
    wait_for(app, lambda: loading.error is not None, "the download to fail")
    loading.handle(NavAction(Nav.BACK))
    assert app.top is daily
    wait_for(app, lambda: daily.view.offline, "the offline pick")
    assert daily.view.title in {"Neon Drive", "Night Runner", "Slow Boat"} and daily.view.chart_path is not None
    daily.handle(NavAction(Nav.CONFIRM))
    assert isinstance(app.top, GameplayScene) and app.top.info.chart_path == daily.view.chart_path


def test_back_from_playing_the_daily_track_the_screen_shows_todays_best_and_the_new_day_on_the_calendar(app, tmp_path):
    from rokgame.game.scenes.daily import DailyScene

    menu = menu_with_todays_track(app, tmp_path)
    daily = app.push(DailyScene(app, menu.daily, state=menu.daily_state))
    wait_for(app, lambda: daily.calendar is not None, "the calendar")
    assert any(line.startswith("Not played yet today") for line in daily.view.lines)
    assert daily.calendar[-1].stars is None
    # A play of today's Daily Track is saved (as the results screen does), then the player comes back.
    conn = connect()
    try:
        record_play(conn, chart_sha256="d" * 64, difficulty="expert", daily_date=daily.view.daily_date,
                    report={"score": 4321, "accuracy": 0.9, "stars": 4, "max_combo": 5, "notes": 10,
                            "judgements": {}})
    finally:
        conn.close()
    from rokgame.game.scenes.base import Scene

    app.push(Scene(app))  # the play and its results were on top; now the player is back
    app.pop()
    wait_for(app, lambda: any(line.startswith("Today's best: 4,321") for line in daily.view.lines), "today's best")
    wait_for(app, lambda: daily.calendar is not None and daily.calendar[-1].stars == 4, "today on the calendar")


def press(app: App, key: int) -> None:
    """A real key press through the game's event queue, as a player's keyboard sends it."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, scancode=0, unicode=""))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, scancode=0, unicode=""))
    app.frame(0.01)


def test_one_key_on_the_main_menu_plays_todays_daily_track(app, tmp_path):
    from rokgame.game.scenes.daily import DailyScene
    from rokgame.game.scenes.gameplay import GameplayScene

    menu = menu_with_todays_track(app, tmp_path)
    for size in SIZES:
        shoot(app, "menu-daily-ready", size)
    assert menu.menu.selected.key == "play"  # the key works wherever the menu's cursor is
    press(app, pygame.K_d)
    wait_for(app, lambda: isinstance(app.top, GameplayScene), "the song to start")
    play = app.top
    assert play.info.chart_path == menu.daily.chart_path
    assert play.info.daily_date == datetime.now().astimezone().date().isoformat()  # it counts for the streak
    assert play.difficulty == "medium"  # the day's suggestion where the chart has it; this one has only medium
    app.pop()
    assert isinstance(app.top, DailyScene)  # after the song: today's screen with the calendar and streak
    app.frame(0.01)
    assert isinstance(app.top, DailyScene)  # it does not start the song a second time


def test_the_daily_key_pressed_while_the_panel_loads_plays_as_soon_as_the_track_is_known(app, offline_fetch):
    from rokgame.game.scenes.daily import DailyScene
    from rokgame.game.scenes.loading import LoadingScene

    menu = app.push(MainMenuScene(app))
    menu.handle(NavAction(Nav.DAILY, "key:d"))
    daily = app.top
    assert isinstance(daily, DailyScene) and daily.play_pending
    assert daily.view is None or daily.view.chart_path is None
    # Not on disk and no prefetch: the day's track is downloaded (the loading screen shows it).
    wait_for(app, lambda: isinstance(app.top, LoadingScene), "the download of today's track")
    assert app.top.title.startswith(todays_pick_title())
    assert offline_fetch == [daily.view.source] and not daily.play_pending


def test_the_daily_key_is_only_heard_by_the_menu(app):
    from rokgame.game.input import LaneAction

    actions = app.input.translate(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_d, mod=0), 1.0)
    assert NavAction(Nav.DAILY, "key:d") in actions
    assert [a for a in actions if isinstance(a, LaneAction)] == [LaneAction(0, True, 1.0, "key:d")]  # still lane 1
