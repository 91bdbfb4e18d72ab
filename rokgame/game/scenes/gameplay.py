"""Gameplay: the highway, the song clock, input to the judge, and the HUD.

The scene owns the clock and the keys; :class:`~rokgame.core.session.PlaySession`
owns the rules. Lane input arrives already stamped with the song time at which it
left the event queue (:meth:`input_time` is read by the app for each event), so a
slow frame never moves a judgement. Drawing happens at song time − visual offset.
While the song plays (count-in included) the scene holds :data:`~rokgame.game.workers.background`
every frame, so the Daily Track prefetch and any other worker wait instead of taking
frames; the pause menu and the results let them go on.

With the *ghost taps* setting on "break", a press near no note (an overstrum in strum
mode, a strum with no fret held included) resets the combo: the scene shows "GHOST TAP"
or "OVERSTRUM" and plays the miss sound.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygame

from rokgame.core.chart import Chart
from rokgame.core.judge import OPEN_STRUM, GhostTap, HitResult, HoldResult, Result
from rokgame.core.scoring import GhostTapRule, GhostTapRuleError
from rokgame.core.session import PlaySession
from rokgame.core.timing import PRECISIONS, Judgement
from rokgame.game import theme
from rokgame.game.audio import AudioClock, ManualPlayer, SongPlayer
from rokgame.game.input import Action, DeviceAction, LaneAction, Nav, NavAction
from rokgame.game.render.highway import HighwayRenderer
from rokgame.game.render.hud import HudInfo, Popup, draw_hud
from rokgame.game.scenes.base import Scene
from rokgame.game.workers import background

#: Lead-in: at least this long between the start and the first note (YARG).
LEAD_IN = 2.0
#: How long the results wait after the last judgement, and after a fail.
OUTRO = 1.0
FAIL_HOLD = 2.0
COUNT_IN = 3.0
SCROLL_STEP = 0.1
SCROLL_MIN, SCROLL_MAX = 0.4, 4.0
#: A strum with no fret held, posted by the headless replayer (live, the strum layer sends it as a lane action).
OPEN_STRUM_EVENT = pygame.event.custom_type()


@dataclass
class PlayInfo:
    """What the scene needs to know about the song besides its chart."""

    chart_path: Path | None = None
    audio_path: Path | None = None
    #: Why there is no audio, when the library knows (a local file that moved), in one sentence.
    audio_problem: str | None = None
    chart_sha256: str = ""
    track_id: int | None = None
    daily_date: str | None = None


class GameplayScene(Scene):
    name = "gameplay"
    wants_speed = True
    repeats_navs = False  # a held strum bar or stick is playing, never a menu move

    def __init__(self, app: Any, chart: Chart, difficulty: str, *, info: PlayInfo | None = None,
                 player: Any = None, record: bool = True, show_results: bool = True) -> None:
        super().__init__(app)
        settings = app.settings
        self.chart = chart
        self.difficulty = difficulty
        self.info = info or PlayInfo()
        self.record = record
        self.show_results = show_results
        #: The precision the play is judged with (saved with its replay, which must reproduce it).
        self.precision = settings.precision if settings.precision in PRECISIONS else "normal"
        windows = PRECISIONS[self.precision]  # an unknown one in a hand-edited settings file plays at normal
        try:
            ghost_taps = GhostTapRule.parse(settings.ghost_taps)
        except GhostTapRuleError:  # load_settings already said so; the default costs nothing
            ghost_taps = GhostTapRule.FREE
        self.session = PlaySession(chart, difficulty, windows=windows, no_fail=settings.no_fail,
                                   ghost_taps=ghost_taps)
        self.notes = self.session.notes
        self.times = [n.t for n in self.notes]
        self.max_hold = max((n.length for n in self.notes), default=0.0)
        self.beats: list[float] = list(chart.tempo.beats) if chart.tempo else []
        if player is None:
            clock = AudioClock(audio_offset=settings.audio_offset_ms / 1000, chart_offset=chart.offset)
            player = SongPlayer(app.audio, clock, self.info.audio_path, length=chart.song.duration)
        self.player = player
        self.silent = not getattr(player, "has_music", False) and not isinstance(player, ManualPlayer)
        self.scroll_time = min(SCROLL_MAX, max(SCROLL_MIN, settings.scroll_time))
        self.visual_offset = settings.visual_offset_ms / 1000
        colors = theme.lane_colors(chart.lanes, colorblind=settings.colorblind)
        self.highway = HighwayRenderer(chart.lanes, colors, lefty=settings.lefty)
        first = self.notes[0].t if self.notes else 0.0
        self.start_time = min(0.0, first - LEAD_IN)
        self.song_end = max(self.session.end_time, chart.song.duration or 0.0)
        # Feedback state (drawing only).
        self.down: set[int] = set()               # lanes whose key is down, as the session saw it
        self.hits: dict[int, float] = {}           # lane -> song time of its last hit (bursts)
        self.dropped: set[int] = set()
        self.popup: Popup | None = None
        self.holding: dict[int, int] = {}
        self.paused = False
        self.count_in_until: float | None = None
        self.finished_at: float | None = None
        self.done = False
        self.started = False
        self.last_now = self.start_time
        self.results_scene: Scene | None = None
        self.play_id: int | None = None

    # -- lifecycle

    def enter(self) -> None:
        self.app.input.set_lanes(self.chart.lanes)
        if not self.done:
            background.hold()
        if not self.started:
            self.started = True
            self.player.start(self.start_time)
            if self.silent and self.app.audio.problem is None and not self.app.headless:
                why = self.info.audio_problem or "this song's audio file is missing"
                self.app.notify(f"{why[0].upper()}{why[1:]}: playing silently.", 6.0)

    def exit(self) -> None:
        if self.done:
            background.release()
            if self.results_scene is None:
                self.player.stop()

    def notice_area(self, size: tuple[int, int]) -> pygame.Rect:
        """Top right, beside the highway: a notice must never cover the frets or the notes coming down."""
        layout = self.highway.ensure(size, self.app.backgrounds.get(size))
        s = theme.ui_scale(size)
        left = int(layout.right + 34 * s)
        top = int(16 * s) + max(3, int(5 * s))
        return pygame.Rect(left, top, max(int(120 * s), size[0] - left - int(20 * s)), int(layout.hit_y * 0.35))

    def input_time(self) -> float:
        """The song clock, read as each event leaves the queue."""
        return self.player.time()

    # -- input

    def handle(self, action: Action) -> None:
        if isinstance(action, LaneAction):
            if self.paused or self.count_in_until is not None or self.done:
                return
            self._lane(action)
        elif isinstance(action, NavAction):
            if action.nav is Nav.PAUSE and not action.repeat and not self.done:
                self.pause()
            elif action.nav is Nav.SCROLL_FASTER:
                self.set_scroll(self.scroll_time - SCROLL_STEP)
            elif action.nav is Nav.SCROLL_SLOWER:
                self.set_scroll(self.scroll_time + SCROLL_STEP)
        elif isinstance(action, DeviceAction) and not self.done and not self.paused:
            # Hot-plug either way pauses: a pulled cable must not cost notes, a new guitar needs a moment.
            self.pause(reason="Controller connected" if action.added else "Controller disconnected")

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == OPEN_STRUM_EVENT:
            self.handle(LaneAction(OPEN_STRUM, True, self.input_time(), "replay"))
        elif event.type in (pygame.WINDOWFOCUSLOST, pygame.WINDOWMINIMIZED) and not self.done \
                and not self.app.headless:
            # Alt-tab mid-song: pause, as Clone Hero and osu! do (the keys now go to another window).
            self.pause(reason="The window lost focus")

    def _lane(self, action: LaneAction) -> None:
        lane = action.lane
        if lane == OPEN_STRUM:  # nothing goes down, but the judge hears it: an overstrum
            if action.down:
                self._feedback(self.session.press(action.t, lane))
            return
        if not 0 <= lane < self.chart.lanes:
            return
        if action.down:
            if lane in self.down:
                return
            self.down.add(lane)
            results = self.session.press(action.t, lane)
        else:
            if lane not in self.down:
                return
            self.down.discard(lane)
            results = self.session.release(action.t, lane)
        self._feedback(results)

    def set_scroll(self, value: float) -> None:
        self.scroll_time = round(min(SCROLL_MAX, max(SCROLL_MIN, value)), 2)
        self.app.settings.scroll_time = self.scroll_time
        self.app.notify(f"Scroll time {self.scroll_time:.1f} s", 1.2)

    # -- pause and count-in

    def pause(self, reason: str | None = None) -> None:
        if self.paused:
            return
        self.paused = True
        self.count_in_until = None
        self.player.pause()
        from rokgame.game.scenes.pause import PauseScene

        self.app.push(PauseScene(self.app, self, reason=reason))

    def resume(self) -> None:
        """Called by the pause screen: count 3-2-1 with the song frozen, then go on."""
        self.count_in_until = self.app.now + COUNT_IN
        # Keys let go during the pause are let go now, at the paused time (a held hold ends there).
        now = self.player.time()
        held = self.app.input.held_lanes()
        for lane in sorted(self.down - held):
            self.down.discard(lane)
            self._feedback(self.session.release(now, lane))

    def restart(self) -> None:
        self.done = True
        background.release()
        self.player.stop()
        from rokgame.game.scenes.flow import restart_play

        restart_play(self.app, self)

    def return_to(self) -> tuple[Scene | None, str]:
        """Where quitting or "Continue" leads: the screen the song was started from, and its name.

        The song list, the Daily screen (the README promises the Daily Track leads back to it) or
        the main menu; Add track and the loading screen are steps on the way, not places to go back to.
        """
        from rokgame.game.scenes.daily import DailyScene
        from rokgame.game.scenes.menu import MainMenuScene
        from rokgame.game.scenes.song_select import SongSelectScene

        names = ((SongSelectScene, "song list"), (DailyScene, "Daily Track"), (MainMenuScene, "main menu"))
        for scene in reversed(self.app.scenes):
            for kind, name in names:
                if isinstance(scene, kind):
                    return scene, name
        return None, "main menu"

    def quit_to_menu(self) -> None:
        self.done = True
        background.release()
        self.player.stop()
        self.app.save_settings()
        target, _ = self.return_to()
        if target is None:
            from rokgame.game.scenes.menu import MainMenuScene

            self.app.replace(MainMenuScene(self.app))
            return
        while self.app.scenes and self.app.scenes[-1] is not target:
            self.app.scenes.pop().exit()
        target.enter()

    # -- per frame

    def update(self, dt: float) -> None:
        if self.done:
            return
        background.hold()  # renewed each frame: the lease lapses by itself if this screen is gone
        if self.paused:
            return
        if self.count_in_until is not None:
            if self.app.now < self.count_in_until:
                return
            self.count_in_until = None
            self.player.resume()
        self.player.update()
        now = self.player.time()
        self.last_now = now
        self._feedback(self.session.update(now))
        self.holding = {lane: i for lane in range(self.chart.lanes)
                        if (i := self.session.judge.holding(lane)) is not None}
        if self.finished_at is None and self.session.finished(now):
            self.finished_at = now
        if self.finished_at is not None:
            wait = FAIL_HOLD if self.session.failed else OUTRO
            if now >= self.finished_at + wait or (self.app.headless and not self.show_results):
                self.finish()

    def _feedback(self, results: list[Result]) -> None:
        settings = self.app.settings
        for result in results:
            if isinstance(result, GhostTap):
                if self.session.ghost_taps is GhostTapRule.BREAK:
                    self.popup = Popup("overstrum" if settings.strum_mode else "ghost tap", None, self.app.now)
                    if settings.miss_sound:
                        self.app.audio.play_sound("miss")
            elif isinstance(result, HitResult):
                note = self.notes[result.note_index]
                j = result.judgement
                if j is Judgement.MISS:
                    self.popup = Popup("miss", None, self.app.now)
                    if settings.miss_sound:
                        self.app.audio.play_sound("miss")
                    continue
                self.hits[note.lane] = result.time
                timing = None
                if j is not Judgement.PERFECT and result.offset is not None:
                    timing = "EARLY" if result.offset < 0 else "LATE"
                self.popup = Popup(j.value, timing, self.app.now)
                if settings.hit_sounds:
                    self.app.audio.play_sound("hit")
            elif isinstance(result, HoldResult) and not result.completed:
                self.dropped.add(result.note_index)

    def finish(self) -> None:
        if self.done:
            return
        self.done = True
        background.release()
        self.player.fade()
        report = self.session.report()
        new_best = False
        if self.record and self.info.chart_sha256:
            new_best = self._record(report)
        self.app.save_settings()
        if self.show_results:
            from rokgame.game.scenes.results import ResultsScene

            self.results_scene = ResultsScene(self.app, self, report, new_best=new_best)
            self.app.replace(self.results_scene)

    def _record(self, report: dict[str, Any]) -> bool:
        try:
            from rokgame.storage.db import connect
            from rokgame.storage.scores import is_new_best, record_play

            conn = connect()
            try:
                self.play_id = record_play(
                    conn, chart_sha256=self.info.chart_sha256, difficulty=self.difficulty, report=report,
                    events=self.session.events, track_id=self.info.track_id, title=self.chart.song.title,
                    audio_offset_ms=self.app.settings.audio_offset_ms,
                    visual_offset_ms=self.app.settings.visual_offset_ms, daily_date=self.info.daily_date,
                    precision=self.precision)
                return is_new_best(conn, self.play_id)
            finally:
                conn.close()
        except Exception as exc:  # a score that can't be saved must not lose the results screen
            self.app.notify(f"The score could not be saved: {exc}", 6.0)
            return False

    # -- drawing

    def draw(self, surface: pygame.Surface) -> None:
        size = surface.get_size()
        layout = self.highway.ensure(size, self.app.backgrounds.get(size))
        now = self.last_now - self.visual_offset
        judge = self.session.judge
        held = self.down
        self.highway.draw(surface, now=now, scroll_time=self.scroll_time, notes=self.notes, times=self.times,
                          judgements=judge.judgements, holding=self.holding, dropped=self.dropped,
                          beats=self.beats, held_lanes=held, hits=self.hits, max_hold=self.max_hold)
        span = max(1e-6, self.song_end)
        info = HudInfo(self.chart.song.title, self.chart.song.artist, self.difficulty,
                       max(0.0, self.last_now) / span, self.scroll_time, self.session.no_fail, self.silent)
        draw_hud(self.app, surface, layout, self.session.score, info, self.popup,
                 failed=self.session.failed)
        if self.last_now < 0 and not self.paused:
            self._draw_get_ready(surface, layout)
        if self.count_in_until is not None:
            left = self.count_in_until - self.app.now
            number = max(1, int(left) + 1)
            s = theme.ui_scale(size)
            img = self.app.text.render(str(number), "display", 120 * s, theme.TEXT)
            surface.blit(img, img.get_rect(center=(size[0] // 2, size[1] // 2)))

    def _draw_get_ready(self, surface: pygame.Surface, layout: Any) -> None:
        s = theme.ui_scale(surface.get_size())
        left = -self.last_now
        if left > 0.2:
            img = self.app.text.render("GET READY", "display", 40 * s, theme.TEXT)
            surface.blit(img, img.get_rect(center=(int(layout.cx), int(layout.y(layout.scale(0.45))))))
