"""The game application: the window, the scene stack and the main loop.

One loop runs everything, windowed or headless: each frame it pulls every pending
event *one at a time*, reads the top scene's clock at that moment (the song clock in
gameplay) to stamp lane input, hands the translated actions to the top scene, then
updates and draws the stack. A headless run (``rokgame play --headless``) drives the
very same :meth:`App.frame` with a manual clock.

Importing this module is cheap: pygame and the game's own modules, never librosa or
yt-dlp (those load in a worker thread when a track has to be analysed or fetched).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from rokgame.errors import RokError
from rokgame.game import input as inp
from rokgame.game.audio import Audio
from rokgame.game.scenes.base import Scene
from rokgame.game.theme import Backgrounds, Fonts, TextCache
from rokgame.settings import Settings, load_settings, save_settings

if TYPE_CHECKING:
    from rokgame.game.prefetch import DailyPrefetch

#: Frames per second when nothing asks for more; gameplay runs uncapped up to this.
FPS_CAP = 240
MENU_FPS_CAP = 120
#: How often gameplay pulls input while it waits for the next frame.
IDLE_POLL = 0.0005
MIN_SIZE = (640, 360)


@dataclass
class Notice:
    text: str
    until: float


class App:
    """Owns the window, settings, audio, input mapper and the stack of scenes."""

    def __init__(self, settings: Settings | None = None, *, headless: bool = False,
                 size: tuple[int, int] | None = None, audio: bool = True) -> None:
        self.settings = settings if settings is not None else load_settings()
        self.headless = headless
        if headless:
            os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
            os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        try:
            pygame.display.init()
        except pygame.error as exc:  # SDL_VIDEODRIVER names a driver this machine can't open (x11, no display)
            raise _no_display(str(exc)) from None
        if not headless:
            _check_display()
        pygame.font.init()
        pygame.joystick.init()
        self.windowed_size = tuple(size or self.settings.window_size)
        self.fullscreen = False
        self.screen = self._set_mode(self.windowed_size, fullscreen=self.settings.fullscreen and not headless)
        pygame.display.set_caption("rokgame")
        pygame.key.set_repeat(320, 45)
        pygame.key.stop_text_input()  # text boxes start it; otherwise TEXTINPUT would shadow keys
        self.fonts = Fonts()
        self.text = TextCache(self.fonts)
        self.backgrounds = Backgrounds()
        self.audio = Audio(volume=self.settings.music_volume) if audio and not headless else _SilentAudio()
        self.input = inp.InputMapper.from_settings(self.settings)
        inp.open_present_devices(self.input)
        self.scenes: list[Scene] = []
        self.running = True
        self.now = 0.0                      # wall time since start (animations, UI timers)
        self.frame_count = 0
        self.fps = 0.0
        self.notices: list[Notice] = []
        self.cache: dict[object, object] = {}   # widgets' surfaces (panels etc.), cleared on resize
        self._cache_size = self.screen.get_size()
        self.exit_status = 0
        #: Optional providers other parts of rokgame plug in (see rokgame.game.hooks).
        self.first_frame_callback: Callable[[], None] | None = None
        #: The Daily Track prefetch, when one was started (see :meth:`start_daily_prefetch`).
        self.daily_prefetch: DailyPrefetch | None = None
        if self.audio.problem:
            self.notify(self.audio.problem, 6.0)
        for problem in self.settings.problems:
            self.notify(problem, 10.0)

    # -- window

    def _set_mode(self, size: tuple[int, int], *, fullscreen: bool) -> pygame.Surface:
        if fullscreen:
            try:
                screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
                self.fullscreen = True
                return screen
            except pygame.error:
                pass
        self.fullscreen = False
        w, h = max(MIN_SIZE[0], size[0]), max(MIN_SIZE[1], size[1])
        return pygame.display.set_mode((w, h), pygame.RESIZABLE)

    def toggle_fullscreen(self) -> None:
        if self.headless:
            return
        self.screen = self._set_mode(self.windowed_size, fullscreen=not self.fullscreen)
        self.settings.fullscreen = self.fullscreen
        self.save_settings()

    def resize(self, size: tuple[int, int]) -> None:
        """Headless or tests: render at another size (a windowed player just drags the window)."""
        self.windowed_size = size
        self.screen = self._set_mode(size, fullscreen=False)

    # -- scenes

    @property
    def top(self) -> Scene | None:
        return self.scenes[-1] if self.scenes else None

    def push(self, scene: Scene) -> Scene:
        if self.scenes:
            self.scenes[-1].exit()
        self.scenes.append(scene)
        scene.enter()
        return scene

    def pop(self) -> Scene | None:
        if not self.scenes:
            return None
        scene = self.scenes.pop()
        scene.exit()
        if self.scenes:
            self.scenes[-1].enter()
        else:
            self.running = False
        return scene

    def replace(self, scene: Scene) -> Scene:
        if self.scenes:
            self.scenes.pop().exit()
        self.scenes.append(scene)
        scene.enter()
        return scene

    def pop_to(self, kind: type[Scene]) -> bool:
        """Pop scenes until one of ``kind`` is on top (False, and nothing popped, if there is none)."""
        if not any(isinstance(s, kind) for s in self.scenes):
            return False
        while self.scenes and not isinstance(self.scenes[-1], kind):
            self.scenes.pop().exit()
        self.scenes[-1].enter()
        return True

    def quit(self, status: int = 0) -> None:
        self.exit_status = status
        self.running = False

    # -- background work

    def start_daily_prefetch(self, **options: Any) -> DailyPrefetch:
        """Fetch and chart today's and tomorrow's Daily Tracks on a daemon worker (cancelled on quit).

        :func:`run` calls this when the ``daily_prefetch`` setting is on (a first start asks the
        player); a headless run or a test gets one only by asking. ``options`` go to
        :class:`~rokgame.game.prefetch.DailyPrefetch`.
        """
        from rokgame.game.prefetch import DailyPrefetch

        if self.daily_prefetch is not None:
            self.daily_prefetch.cancel()
        options.setdefault("catalogue_setting", self.settings.daily_catalogue)
        self.daily_prefetch = DailyPrefetch(**options).start()
        return self.daily_prefetch

    # -- one frame

    def pump(self) -> None:
        """Pull every pending event one by one, stamp it with the top scene's clock, dispatch it."""
        while True:
            event = pygame.event.poll()
            if event.type == pygame.NOEVENT:
                return
            scene = self.top
            if scene is None:
                return
            t = scene.input_time()  # read the clock as the event leaves the queue
            if event.type == pygame.QUIT:
                self.quit(0)
                return
            if self.daily_prefetch is not None and self.daily_prefetch.handle_event(event):
                continue  # its progress and report go to the app, whichever screen is on top
            if event.type == pygame.VIDEORESIZE and not self.fullscreen:
                self.windowed_size = (event.w, event.h)
                self.settings.window_size = (event.w, event.h)
            for action in self.input.translate(event, t, now=self.now):
                if isinstance(action, inp.NavAction) and action.nav is inp.Nav.FULLSCREEN:
                    self.toggle_fullscreen()
                    continue
                if isinstance(action, inp.DeviceAction):
                    what = "connected" if action.added else "disconnected"
                    self.notify(f"Controller {what}: {action.name}", 3.0)
                # Every action of one event goes to the scene that was on top when it left the queue
                # (Escape is "back" and "pause": the pause screen it opens must not also see it).
                if scene in self.scenes:
                    scene.handle(action)
            if scene in self.scenes:
                scene.handle_event(event)

    def frame(self, dt: float) -> None:
        """Input, update and draw once; ``dt`` is the wall time since the last frame."""
        self.now += dt
        self.pump()
        scene = self.top
        if scene is None:
            return
        self.repeat_held_direction(scene)
        scene.update(dt)
        self.draw()
        self.frame_count += 1

    def repeat_held_direction(self, scene: Scene) -> None:
        """A held d-pad, hat or stick moves the menu again, as a held arrow key does (never in play)."""
        if not scene.repeats_navs:
            # Forgotten, not paused: a strum held as the song ends must not scroll the results.
            self.input.stop_repeats()
            return
        for action in self.input.repeats(self.now):
            if self.top is not scene:
                return  # the move opened or closed a screen: the rest are not for it
            scene.handle(action)

    def draw(self) -> None:
        surface = pygame.display.get_surface()
        if surface is None:
            return
        self.screen = surface
        if surface.get_size() != self._cache_size:
            self.cache.clear()
            self._cache_size = surface.get_size()
        # Draw from the topmost opaque scene up, so overlays show what they cover.
        start = len(self.scenes) - 1
        while start > 0 and self.scenes[start].overlay:
            start -= 1
        for scene in self.scenes[start:]:
            scene.draw(surface)
        self._draw_notices(surface)
        if self.settings.show_fps and not self.headless:
            label = self.text.render(f"{self.fps:.0f} fps", "semibold", 14, (160, 160, 190))
            surface.blit(label, (surface.get_width() - label.get_width() - 8, surface.get_height() - 22))
        if not self.headless:
            pygame.display.flip()

    def notify(self, text: str, seconds: float = 3.5) -> None:
        """A one-line notice at the bottom of the screen (sound missing, controller unplugged...)."""
        self.notices = [n for n in self.notices if n.text != text][-2:]
        self.notices.append(Notice(text, self.now + seconds))

    def _draw_notices(self, surface: pygame.Surface) -> None:
        if not self.notices:
            return
        self.notices = [n for n in self.notices if n.until > self.now]
        from rokgame.game.render.widgets import draw_notice, draw_notice_in

        area = self.top.notice_area(surface.get_size()) if self.top is not None else None
        y = area.top if area is not None else 0
        for i, notice in enumerate(reversed(self.notices)):
            if area is None:
                draw_notice(self, surface, notice.text, i)
            elif y < area.bottom:
                y = draw_notice_in(self, surface, notice.text, area, y)

    def save_settings(self) -> None:
        if self.headless:
            return  # a headless run never changes the player's settings
        try:
            self.settings.keys = dict(self.input.keys)
            self.settings.controller = dict(self.input.controller)
            save_settings(self.settings)
        except OSError as exc:
            self.notify(f"Settings could not be saved: {exc}", 5.0)

    def screenshot(self, path: str | os.PathLike[str]) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.screen, str(path))
        return path

    # -- the real loop

    def run(self) -> int:
        clock = pygame.time.Clock()
        last = time.perf_counter()
        fps_frames, fps_since = 0, last
        while self.running and self.scenes:
            if getattr(self.top, "wants_speed", False):
                # Gameplay: instead of sleeping through the rest of the frame, keep pulling input
                # every ~0.5 ms, so a press is stamped within a millisecond of reaching the queue.
                next_frame = last + 1 / FPS_CAP
                while self.running and (wait := next_frame - time.perf_counter()) > 0:
                    self.pump()
                    time.sleep(min(wait, IDLE_POLL))
            else:
                clock.tick(MENU_FPS_CAP)
            now = time.perf_counter()
            self.frame(now - last)
            last = now
            fps_frames += 1
            if now - fps_since >= 0.5:
                self.fps = fps_frames / (now - fps_since)
                fps_frames, fps_since = 0, now
            if self.first_frame_callback is not None:
                callback, self.first_frame_callback = self.first_frame_callback, None
                callback()
        self.shutdown()
        return self.exit_status

    def shutdown(self) -> None:
        from rokgame.game.workers import background

        if self.daily_prefetch is not None:
            self.daily_prefetch.cancel()
        while self.scenes:
            self.scenes.pop().exit()
        background.release()  # no song plays any more (a song quit mid-way never said so)
        self.audio.stop()
        try:
            self.save_settings()
        finally:
            pygame.quit()


#: Drivers that draw nowhere a player can see. SDL falls back to "offscreen" when there is no display, and
#: the game then ran, invisible, until killed.
INVISIBLE_DRIVERS = frozenset({"offscreen", "dummy"})


def _check_display() -> None:
    """A window needs a screen: without one, say so in one sentence instead of running unseen."""
    driver = pygame.display.get_driver()
    asked = os.environ.get("SDL_VIDEODRIVER", "").strip().lower()
    if driver in INVISIBLE_DRIVERS and asked != driver:
        pygame.display.quit()
        raise _no_display(None)


def _no_display(detail: str | None) -> RokError:
    said = f" ({detail})" if detail else " (is DISPLAY or WAYLAND_DISPLAY set?)"
    return RokError(f"there is no display to open the game window on{said}; "
                    "rokgame play CHART --headless plays without one")


class _SilentAudio(Audio):
    """Headless: no mixer at all (faster, deterministic)."""

    def __init__(self) -> None:
        self.available = False
        self.problem = None
        self.sounds = {}
        self.volume = 0.0
        self.effects_volume = 0.0
        self._music_started_at = None
        self._music_loaded = None
        self._paused = False
        self.driver = "dummy"


def run(*, chart: str | os.PathLike[str] | None = None, difficulty: str | None = None,
        source: str | None = None, settings: Settings | None = None,
        first_frame: Callable[[], None] | None = None, daily_date: str | None = None,
        notices: Sequence[str] = ()) -> int:
    """Open the game window on the main menu, or straight into a chart or a track to prepare.

    ``notices`` are shown on the first screen: what the command line found before the window opened
    (a settings file it mended, say), so a player who never looks at the terminal reads it too.
    """
    from rokgame.game.scenes.menu import MainMenuScene

    app = App(settings)
    for notice in notices:
        app.notify(notice, 10.0)
    app.first_frame_callback = first_frame
    app.push(MainMenuScene(app))
    if chart is not None:
        from rokgame.game.scenes.flow import start_chart

        start_chart(app, Path(chart), difficulty, daily_date=daily_date)
    elif source is not None:
        from rokgame.game.scenes.flow import start_source

        start_source(app, source, difficulty, daily_date=daily_date)
    if app.settings.daily_prefetch and not app.headless:
        # After the first screen is up: opened straight into a song, the prefetch waits for its end.
        app.start_daily_prefetch()
    elif app.settings.daily_prefetch is None and not app.headless and chart is None and source is None:
        # A first start on the menu: ask before anything connects (opened straight into a song: next time).
        from rokgame.game.scenes.prefetch_question import PrefetchQuestionScene

        app.push(PrefetchQuestionScene(app))
    return app.run()
