"""The real song clock: perf_counter master, mixer drift sensor, never backwards; calibration maths."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from rokgame.game.audio import AudioClock


class FakeTimer:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_song_time_follows_the_master_clock_minus_offsets():
    timer = FakeTimer()
    clock = AudioClock(audio_offset=0.030, chart_offset=0.010, timer=timer)
    clock.start(-2.0)  # a 2 s lead-in
    assert clock.time() == pytest.approx(-2.0)
    timer.now += 2.5
    assert clock.time() == pytest.approx(0.5)
    assert clock.file_time() == pytest.approx(0.54)  # what the mixer should be playing


def test_pause_freezes_and_resume_continues_where_it_stopped():
    timer = FakeTimer()
    clock = AudioClock(timer=timer)
    clock.start(0.0)
    timer.now += 1.0
    clock.pause()
    timer.now += 30.0
    assert clock.time() == pytest.approx(1.0)
    clock.resume()
    timer.now += 0.25
    assert clock.time() == pytest.approx(1.25)


def _feed(clock: AudioClock, timer: FakeTimer, gap: float, frames: int, dt: float = 1 / 120) -> list[float]:
    """Frames of a mixer that plays ``gap`` seconds ahead of where the uncorrected clock started it."""
    times = []
    for _ in range(frames):
        timer.now += dt
        clock.sense(timer.now - START + gap)
        times.append(clock.time())
    return times


START = 100.0


def test_small_drift_is_slewed_and_large_drift_jumps():
    timer = FakeTimer()
    clock = AudioClock(timer=timer)
    clock.start(0.0)
    _feed(clock, timer, 0.010, 5)  # the mixer is 10 ms ahead: move 1/8 of the gap, no jump
    assert clock._correction == pytest.approx(0.010 / 8)
    _feed(clock, timer, 0.010, 200)
    assert clock._correction == pytest.approx(0.010, abs=0.001)  # and it gets there
    timer2 = FakeTimer()
    jumpy = AudioClock(timer=timer2)
    jumpy.start(0.0)
    _feed(jumpy, timer2, 0.200, 5)  # 200 ms off: a seek or a stall; jump at once
    assert jumpy._correction == pytest.approx(0.200, abs=1e-9)


def test_the_clock_never_runs_backwards():
    timer = FakeTimer()
    clock = AudioClock(timer=timer)
    clock.start(0.0)
    times = _feed(clock, timer, 0.0, 10)
    times += _feed(clock, timer, -0.100, 60)  # the mixer is 100 ms behind the clock
    assert all(b >= a for a, b in itertools.pairwise(times))
    # ...and the clock does fall back in line: time waits rather than going back.
    assert clock._correction == pytest.approx(-0.100, abs=0.005)
    assert times[-1] == pytest.approx(timer.now - START - 0.100, abs=0.005)


def test_a_single_glitchy_reading_is_ignored():
    timer = FakeTimer()
    clock = AudioClock(timer=timer)
    clock.start(0.0)
    for i in range(15):
        timer.now += 1 / 120
        clock.sense(timer.now - START + (0.5 if i == 7 else 0.0))
    assert abs(clock._correction) < 0.002


def test_calibration_takes_the_median_tap_error_and_its_spread():
    from rokgame.game.scenes.calibration import BEAT, COUNT_IN, LEAD, summarise, tap_errors

    beats = [LEAD + k * BEAT for k in range(COUNT_IN + 20)]
    taps = [t + 0.025 + (0.004 if k % 2 else -0.004) for k, t in enumerate(beats)]
    errors = tap_errors(taps)
    assert len(errors) == 20  # count-in taps do not count
    median, spread = summarise(errors)
    assert median == pytest.approx(25.0, abs=0.01)
    assert spread == pytest.approx(4.1, abs=0.1)
    wild = [t + (0.09 if k % 2 else -0.06) for k, t in enumerate(beats)]
    assert summarise(tap_errors(wild))[1] > 40


def test_click_track_has_a_click_exactly_on_each_beat():
    import array

    from rokgame.game.scenes.calibration import BEAT, LEAD, RATE, click_track

    pcm = array.array("h", click_track(4))
    left = pcm[0::2]
    for k in range(4):
        start = round((LEAD + k * BEAT) * RATE)
        assert max(abs(v) for v in left[start:start + 40]) > 3000
        assert max(abs(v) for v in left[start - 400:start]) == 0


def test_results_offer_turns_a_late_mean_into_a_larger_audio_offset():
    from rokgame.game.scenes.results import suggested_audio_offset

    assert suggested_audio_offset(10.0, 12.4) == pytest.approx(22.4)
    assert suggested_audio_offset(0.0, -8.0) == pytest.approx(-8.0)


def test_importing_the_game_does_not_import_analysis_or_fetching():
    code = ("import sys; import rokgame.game.app, rokgame.game.scenes.menu, rokgame.game.scenes.song_select; "
            "bad = [m for m in ('librosa', 'yt_dlp', 'numpy', 'scipy', 'rokgame.tracks', 'rokgame.analysis') "
            "if m in sys.modules]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PATH": ""})
    assert out.stdout.strip() == ""


class FakeAudio:
    """Records what the song player asks of the mixer."""

    senses_drift = False

    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []

    def load(self, path) -> bool:
        return True

    def play(self, file_time: float) -> None:
        self.calls.append(("play", file_time))

    def stop(self) -> None:
        self.calls.append(("stop", 0.0))

    def pause(self) -> None:
        self.calls.append(("pause", 0.0))

    def unpause(self) -> None:
        self.calls.append(("unpause", 0.0))


def test_the_song_starts_when_the_lead_in_ends_at_the_clock_position():
    from rokgame.game.audio import SongPlayer

    timer = FakeTimer()
    audio = FakeAudio()
    player = SongPlayer(audio, AudioClock(audio_offset=0.020, timer=timer), "song.ogg")  # type: ignore[arg-type]
    player.start(-2.0)
    for _ in range(5):
        timer.now += 0.5
        player.update()
    plays = [c for c in audio.calls if c[0] == "play"]
    assert len(plays) == 1  # once, when the file time crossed 0, at the file time it had reached
    assert plays[0][1] == pytest.approx(0.020)  # -2.0 + 2.0 s, plus the 20 ms audio offset
    player.pause()
    player.resume()
    assert [c[0] for c in audio.calls[-2:]] == ["pause", "unpause"]


def test_gameplay_leads_in_at_least_two_seconds_before_the_first_note(make_chart):
    from rokgame.core.clock import ManualClock
    from rokgame.game.app import App
    from rokgame.game.audio import ManualPlayer
    from rokgame.game.scenes.flow import make_gameplay
    from rokgame.settings import Settings

    app = App(Settings(), headless=True, size=(640, 360))
    try:
        early = make_gameplay(app, make_chart(notes=[(0.5, 0, 0.0), (1.0, 1, 0.0)]), None, "expert",
                              player=ManualPlayer(ManualClock()), record=False)
        late = make_gameplay(app, make_chart(notes=[(9.0, 0, 0.0)]), None, "expert",
                             player=ManualPlayer(ManualClock()), record=False)
        assert early.notes[0].t - early.start_time >= 2.0 and early.start_time < 0
        assert late.start_time == 0.0  # the song's own intro is lead-in enough
        app.push(early)
        assert early.input_time() == pytest.approx(-1.5)
    finally:
        app.shutdown()


def test_after_the_music_ends_a_bogus_mixer_position_does_not_move_the_clock():
    from rokgame.game.audio import SongPlayer

    class EndingAudio(FakeAudio):
        senses_drift = True

        def __init__(self) -> None:
            super().__init__()
            self.reading: float | None = None

        def music_file_time(self) -> float | None:
            return self.reading

    timer = FakeTimer()
    audio = EndingAudio()
    clock = AudioClock(timer=timer)
    player = SongPlayer(audio, clock, "song.ogg", length=30.0)  # type: ignore[arg-type]
    player.start(25.0)
    for _ in range(20):  # the music ends at 30 s; the mixer then claims it is ~292 s further on
        timer.now += 0.5
        audio.reading = timer.now - START + 25.0 + 292.0 if clock.file_time() > 30.0 else clock.file_time()
        player.update()
    assert clock.time() == pytest.approx(timer.now - START + 25.0, abs=0.05)  # notes after the end still come
