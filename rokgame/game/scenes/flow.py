"""Getting from "play this" to the gameplay screen: load a chart, or prepare a track first."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rokgame.core.chart import DIFFICULTY_NAMES, Chart
from rokgame.core.chart_io import file_sha256, load_chart
from rokgame.errors import RokError
from rokgame.game.songs import song_audio

if TYPE_CHECKING:
    from rokgame.game.app import App
    from rokgame.game.scenes.gameplay import GameplayScene


def pick_difficulty(chart: Chart, wanted: str | None) -> str:
    """``wanted`` if the chart has it, else the nearest one it has (ties go to the easier)."""
    have = list(chart.difficulties)
    if wanted in have:
        return wanted  # type: ignore[return-value]
    if not have:
        raise RokError("this chart has no difficulties to play")
    rank = {name: i for i, name in enumerate(DIFFICULTY_NAMES)}
    target = rank.get(wanted or "medium", 1)
    return min(have, key=lambda name: (abs(rank.get(name, 99) - target), rank.get(name, 99)))


def make_gameplay(app: App, chart: Chart, chart_path: Path | None, difficulty: str, *,
                  track_id: int | None = None, daily_date: str | None = None, **kw: Any) -> GameplayScene:
    from rokgame.game.scenes.gameplay import GameplayScene, PlayInfo

    audio = song_audio(chart, chart_path, track_id=track_id)
    info = PlayInfo(
        chart_path=chart_path,
        audio_path=audio.path,
        audio_problem=audio.problem,
        chart_sha256=file_sha256(chart_path) if chart_path is not None else "",
        track_id=track_id,
        daily_date=daily_date,
    )
    return GameplayScene(app, chart, difficulty, info=info, **kw)


def start_chart(app: App, chart_path: Path, difficulty: str | None, *, track_id: int | None = None,
                daily_date: str | None = None, replace: bool = False) -> GameplayScene | None:
    """Open ``chart_path`` in gameplay; a broken chart is a notice, not a crash."""
    try:
        chart = load_chart(chart_path)
        difficulty = pick_difficulty(chart, difficulty or app.settings.last_difficulty)
    except RokError as exc:
        if not _rebuild_damaged(app, chart_path, difficulty, daily_date=daily_date):
            app.notify(str(exc), 6.0)
        return None
    if not chart.difficulty(difficulty).notes:
        name = chart.song.title or chart_path.name
        app.notify(f"{name} has no notes on {difficulty}: there is nothing to play.", 6.0)
        return None
    app.settings.last_difficulty = difficulty
    scene = make_gameplay(app, chart, chart_path, difficulty, track_id=track_id, daily_date=daily_date)
    if replace:
        app.replace(scene)
    else:
        app.push(scene)
    return scene


def _rebuild_damaged(app: App, chart_path: Path, difficulty: str | None, *, daily_date: str | None) -> bool:
    """A generated chart that no longer reads is made again from its track's audio behind the loading screen."""
    try:
        from rokgame.storage import library
        from rokgame.storage.db import connect

        with contextlib.closing(connect()) as conn:
            track = library.track_of_chart(conn, chart_path)
            generated = track is not None and any(
                c.origin == "generated" and c.path == chart_path for c in library.charts_of(conn, track.id))
    except RokError:
        return False
    if track is None or not generated or track.audio_path is None or not track.audio_path.is_file():
        return False
    from rokgame.game.scenes.loading import LoadingScene
    from rokgame.game.workers import rebuild_chart_job

    def done(result: Any) -> None:
        start_chart(app, Path(result.chart_path), difficulty, track_id=track.id, daily_date=daily_date,
                    replace=True)

    app.push(LoadingScene(app, track.title, rebuild_chart_job(track.id), on_done=done))
    return True


def restart_play(app: App, old: GameplayScene) -> GameplayScene:
    """The same chart and difficulty from the top, in place of ``old`` (or of its results screen)."""
    info = old.info
    scene = make_gameplay(app, old.chart, info.chart_path, old.difficulty, track_id=info.track_id,
                          daily_date=info.daily_date)
    app.replace(scene)
    return scene


def start_source(app: App, source: str, difficulty: str | None, *, daily_date: str | None = None,
                 title: str | None = None) -> None:
    """Prepare a link, search or audio file in a worker behind the loading screen, then play it."""
    path = Path(source).expanduser()
    if path.suffix.lower() == ".json" and path.is_file():
        start_chart(app, path, difficulty, daily_date=daily_date)
        return
    from rokgame.game.scenes.loading import LoadingScene
    from rokgame.game.workers import prepare_track_job

    def done(result: Any) -> None:
        chart_path = Path(result.chart_path)
        track_id = getattr(result, "track_id", None)

        def play(chosen: str | None) -> None:
            start_chart(app, chart_path, chosen, track_id=track_id, daily_date=daily_date, replace=True)

        if difficulty is not None:
            play(difficulty)  # asked for one (rokgame play -d, the Daily Track's suggestion)
            return
        try:
            chart = load_chart(chart_path)
        except RokError:
            play(None)  # start_chart says what is wrong with it
            return
        named = getattr(result, "title", "") or loading.title
        loading.title = f"{result.artist} — {named}" if getattr(result, "artist", "") else named
        if loading.choose_difficulty(chart, app.settings.last_difficulty, play, note=getattr(result, "note", None)):
            return
        play(None)

    loading = LoadingScene(app, title or source, prepare_track_job(source), on_done=done)
    app.push(loading)
