"""Sound: the mixer, the song, hit sounds, and the real song clock.

The song clock follows DESIGN.md "Timing: one song clock": the master is
``time.perf_counter()``; song time = (now − t_play) × rate − audio_offset. The
mixer's position is only a *drift sensor* — ``pygame.mixer.music.get_pos()`` counts
milliseconds since ``play()``, ignores ``start=`` and buffering, and drifts on some
drivers — so the clock takes the median of recent (audio − clock) gaps, jumps when it
is off by more than :data:`JUMP` and otherwise slews 1/8 of the gap per frame, and
never runs backwards (osu!'s interpolating clock).

Without a sound device (``pygame.error`` from the mixer) the game plays silently with
the clock still running and says so once on screen.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import pygame

from rokgame import paths

FREQUENCY = 44100
#: 512 samples ≈ 11.6 ms of output latency; a 2048 buffer would cost ~46 ms.
BUFFER = 512
#: A clock this far from the mixer jumps to it; closer, it slews.
JUMP = 0.030
SLEW = 1 / 8
SENSOR_SAMPLES = 15
SOUND_FILES = {"hit": "hit.wav", "miss": "miss.wav", "click": "click.wav", "tick": "tick.wav", "select": "select.wav"}


class AudioClock:
    """The real song clock: perf_counter master, mixer drift sensor, never backwards.

    ``time()`` returns *chart time*: audio-file time minus the player's audio offset
    and minus the chart's own offset (which moves every note and beat later when
    positive). While paused it returns the paused time.
    """

    def __init__(self, *, audio_offset: float = 0.0, chart_offset: float = 0.0, rate: float = 1.0,
                 timer: Callable[[], float] = time.perf_counter) -> None:
        self.audio_offset = audio_offset
        self.chart_offset = chart_offset
        self.rate = rate
        self.timer = timer
        self._anchor = timer()          # perf_counter value at file time 0
        self._running = False
        self._frozen_file_time = 0.0
        self._correction = 0.0
        self._last = float("-inf")
        self._gaps: deque[float] = deque(maxlen=SENSOR_SAMPLES)

    # -- file time: where in the audio file the music should be right now

    def file_time(self) -> float:
        if not self._running:
            return self._frozen_file_time
        return (self.timer() - self._anchor) * self.rate + self._correction

    def time(self) -> float:
        t = self.file_time() - self.audio_offset - self.chart_offset
        if t < self._last:  # a correction never moves time backwards: it waits for time to catch up
            return self._last
        self._last = t
        return t

    @property
    def running(self) -> bool:
        return self._running

    def start(self, song_time: float) -> None:
        """Run from chart time ``song_time`` (negative for a lead-in)."""
        self._correction = 0.0
        self._gaps.clear()
        self._last = float("-inf")
        file_time = song_time + self.audio_offset + self.chart_offset
        self._anchor = self.timer() - file_time / self.rate
        self._running = True

    def pause(self) -> None:
        if self._running:
            self._frozen_file_time = self.file_time()
            self._running = False

    def resume(self) -> None:
        if not self._running:
            self._anchor = self.timer() - (self._frozen_file_time - self._correction) / self.rate
            self._running = True

    def sense(self, audio_file_time: float) -> None:
        """Feed one reading of where the mixer says the music is (file time, seconds)."""
        if not self._running:
            return
        self._gaps.append(audio_file_time - self.file_time())
        if len(self._gaps) < 5:
            return
        gap = statistics.median(self._gaps)
        if abs(gap) > JUMP:
            self._correction += gap
            self._gaps.clear()
        else:
            self._correction += gap * SLEW
            # The samples were measured against the old correction: shift them with it.
            self._gaps = deque((g - gap * SLEW for g in self._gaps), maxlen=SENSOR_SAMPLES)


class Audio:
    """The mixer (or its absence), the song and the short sounds."""

    def __init__(self, *, volume: float = 0.9, effects: bool = True) -> None:
        self.available = False
        self.problem: str | None = None
        self.sounds: dict[str, pygame.mixer.Sound] = {}
        self.volume = volume
        self.effects_volume = 0.6
        self._music_started_at: float | None = None  # file time passed to play(start=)
        self._music_loaded: str | None = None
        self._paused = False
        self.driver = os.environ.get("SDL_AUDIODRIVER", "")
        try:
            pygame.mixer.pre_init(FREQUENCY, -16, 2, BUFFER)
            pygame.mixer.init()
            self.available = True
        except pygame.error as exc:
            self.problem = f"No sound device ({exc}); playing silently."
        if self.available and effects:
            self._load_sounds()

    @property
    def senses_drift(self) -> bool:
        """The dummy driver's position is fiction: only a real device may steer the clock."""
        return self.available and self.driver != "dummy"

    def _load_sounds(self) -> None:
        folder = paths.assets_dir() / "sounds"
        for name, filename in SOUND_FILES.items():
            path = folder / filename
            if path.is_file():
                try:
                    sound = pygame.mixer.Sound(path)
                    sound.set_volume(self.effects_volume)
                    self.sounds[name] = sound
                except pygame.error:
                    pass

    def play_sound(self, name: str, volume: float | None = None) -> None:
        sound = self.sounds.get(name)
        if sound is not None:
            if volume is not None:
                sound.set_volume(volume)
            sound.play()

    # -- music

    def load(self, path: str | os.PathLike[str] | None) -> bool:
        self.stop()
        self._music_loaded = None
        if not self.available or path is None:
            return False
        try:
            pygame.mixer.music.load(Path(path))
            pygame.mixer.music.set_volume(self.volume)
        except pygame.error as exc:
            self.problem = f"Can't play {Path(path).name} ({exc}); playing silently."
            return False
        self._music_loaded = str(path)
        return True

    @property
    def has_music(self) -> bool:
        return self._music_loaded is not None

    def play(self, file_time: float) -> None:
        """Start the loaded song at ``file_time`` seconds into the file."""
        if self._music_loaded is None:
            return
        try:
            pygame.mixer.music.play(start=max(0.0, file_time))
            self._music_started_at = max(0.0, file_time)
            self._paused = False
        except pygame.error:
            self._music_started_at = None

    def pause(self) -> None:
        if self._music_loaded is not None:
            pygame.mixer.music.pause()
            self._paused = True

    def unpause(self) -> None:
        if self._music_loaded is not None:
            pygame.mixer.music.unpause()
            self._paused = False

    def stop(self) -> None:
        if self.available:
            pygame.mixer.music.stop()
        self._music_started_at = None

    def fadeout(self, ms: int) -> None:
        if self._music_loaded is not None and self.available:
            pygame.mixer.music.fadeout(ms)
        self._music_started_at = None

    def set_volume(self, volume: float) -> None:
        self.volume = max(0.0, min(1.0, volume))
        if self.available:
            pygame.mixer.music.set_volume(self.volume)

    def music_file_time(self) -> float | None:
        """Where the mixer says the song is (a drift *sensor* reading, never song time itself).

        ``None`` once the music has ended: the mixer's position then is fiction (the clock jumped ~292 s
        on one reading, and every note after the audio's end was missed at once).
        """
        if self._music_started_at is None or not self.available or self._paused:
            return None
        if not pygame.mixer.music.get_busy():
            return None
        pos = pygame.mixer.music.get_pos()
        if pos < 0:
            return None
        return self._music_started_at + pos / 1000.0


class SongPlayer:
    """Plays one song against an :class:`AudioClock`: starts the music when the clock reaches it.

    The gameplay scene only asks ``time()`` and calls ``update()`` once per frame; a
    headless run uses :class:`ManualPlayer` with the same interface.
    """

    def __init__(self, audio: Audio, clock: AudioClock, music: str | os.PathLike[str] | None, *,
                 length: float | None = None) -> None:
        self.audio = audio
        self.clock = clock
        #: The song's length in seconds of file time, when known: readings beyond it are ignored.
        self.length = length
        self.has_music = audio.load(music) if music is not None else False
        self._music_playing = False

    def time(self) -> float:
        return self.clock.time()

    def start(self, song_time: float) -> None:
        self.audio.stop()
        self._music_playing = False
        self.clock.start(song_time)
        self.update()

    def update(self) -> None:
        if not self.has_music or not self.clock.running:
            return
        file_time = self.clock.file_time()
        if not self._music_playing:
            if file_time >= 0.0:
                self.audio.play(file_time)
                self._music_playing = True
            return
        if self.audio.senses_drift:
            reading = self.audio.music_file_time()
            # Past the audio's end a reading is not where the music is: the clock runs on by itself.
            if reading is not None and (self.length is None or reading <= self.length):
                self.clock.sense(reading)

    def pause(self) -> None:
        self.clock.pause()
        if self._music_playing:
            self.audio.pause()

    def resume(self) -> None:
        self.clock.resume()
        if self._music_playing:
            self.audio.unpause()

    def stop(self) -> None:
        self.audio.stop()
        self._music_playing = False

    def fade(self, ms: int = 900) -> None:
        """Let the song fade out under the results screen instead of cutting it."""
        self.audio.fadeout(ms)
        self._music_playing = False


class ManualPlayer:
    """The headless stand-in for :class:`SongPlayer`: time is whatever the ManualClock says."""

    def __init__(self, clock: object) -> None:
        self.clock = clock

    def time(self) -> float:
        return self.clock.time()  # type: ignore[attr-defined]

    def start(self, song_time: float) -> None:
        self.clock.set(song_time)  # type: ignore[attr-defined]

    def update(self) -> None:
        pass

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def fade(self, ms: int = 900) -> None:
        pass
