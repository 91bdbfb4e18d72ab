"""Generated charts of synthetic music: lanes follow the tune, difficulties differ, rules hold."""

from __future__ import annotations

import threading
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from rokgame.analysis import generate_chart
from rokgame.analysis.playability import playability_problems
from rokgame.analysis.testsignals import SR, Arrangement, arrange
from rokgame.core.chart import DIFFICULTY_NAMES, Chart
from rokgame.core.chart_io import dumps_chart, parse_chart
from rokgame.errors import Cancelled

ROCK = {"kick": "x.......x.x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."}
SCALE = [60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77, 79]


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROKGAME_HOME", str(tmp_path / "home"))


def _write(song: Arrangement, folder: Path, name: str) -> Path:
    path = folder / f"{name}.wav"
    sf.write(path, song.y, song.sr, subtype="FLOAT")
    return path


def _chart(song: Arrangement, folder: Path, name: str = "song", **options: object) -> Chart:
    return generate_chart(_write(song, folder, name), **options)


def _expert_onsets(chart: Chart) -> np.ndarray:
    return np.unique([note.t for note in chart.difficulties["expert"].notes])


def _f_measure(reference: np.ndarray, found: np.ndarray, window: float = 0.05) -> float:
    import mir_eval

    return float(mir_eval.onset.f_measure(reference, found, window=window)[0])


def _notes_per_second(chart: Chart, name: str, start: float, end: float) -> float:
    return sum(1 for n in chart.difficulties[name].notes if start <= n.t < end) / (end - start)


def test_rising_scale_moves_right(tmp_path: Path) -> None:
    song = arrange(bpm=100, bars=3, melody=[(i * 1.0, midi, 0.9) for i, midi in enumerate(SCALE)])
    chart = _chart(song, tmp_path)
    for name, difficulty in chart.difficulties.items():
        lanes = [n.lane for n in difficulty.notes]
        assert lanes, name
        assert all(b >= a for a, b in pairwise(lanes)), (name, lanes)
    expert = [n.lane for n in chart.difficulties["expert"].notes]
    assert expert[0] == 0 and expert[-1] == chart.lanes - 1, "a scale this wide should use the whole highway"


def test_repeated_pitch_keeps_its_lane(tmp_path: Path) -> None:
    tune = [64, 64, 67, 67, 64, 64, 60, 60, 64, 64, 67, 67]
    song = arrange(bpm=100, bars=3, melody=[(i * 1.0, midi, 0.9) for i, midi in enumerate(tune)])
    chart = _chart(song, tmp_path)
    notes = chart.difficulties["expert"].notes
    assert len(notes) == len(tune)
    lane_of: dict[int, set[int]] = {}
    for note, midi in zip(notes, tune, strict=True):
        lane_of.setdefault(midi, set()).add(note.lane)
    assert all(len(lanes) == 1 for lanes in lane_of.values()), lane_of
    assert min(lane_of[60]) < min(lane_of[64]) < min(lane_of[67])


def test_drum_pattern_maps_to_one_lane_pattern(tmp_path: Path) -> None:
    song = arrange(bpm=110, bars=8, drums=ROCK)
    chart = _chart(song, tmp_path)
    bar = song.beats[4] - song.beats[0]
    for name, difficulty in chart.difficulties.items():
        bars: dict[int, dict[int, set[int]]] = {}
        for note in difficulty.notes:
            index = int((note.t - song.beats[0] + 0.01) // bar)
            step = round((note.t - song.beats[0] - index * bar) / (bar / 16)) % 16
            bars.setdefault(index, {}).setdefault(step, set()).add(note.lane)
        full = [bars[i] for i in range(2, 7)]  # whole bars away from the edges
        # Every bar has notes on the same steps, and each step keeps a lane in every bar
        # (an accent may add a chord note, but never moves the note it accents).
        assert all(b.keys() == full[0].keys() for b in full), name
        for step in full[0]:
            assert set.intersection(*(b[step] for b in full)), (name, step, [b[step] for b in full])


def test_silence_gives_an_empty_chart_and_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(SR * 10, dtype=np.float32), SR)
    chart = generate_chart(path)
    assert all(len(d.notes) == 0 for d in chart.difficulties.values())
    assert any("silent" in w for w in chart.generator["warnings"])
    assert parse_chart(dumps_chart(chart)).errors == []


def test_same_audio_same_bytes(tmp_path: Path) -> None:
    song = arrange(bpm=128, bars=6, drums=ROCK, melody=[(i * 0.5, SCALE[i % 7], 0.5) for i in range(40)])
    path = _write(song, tmp_path, "twice")
    assert dumps_chart(generate_chart(path)) == dumps_chart(generate_chart(path))


def test_progress_runs_from_zero_to_one_and_cancel_stops(tmp_path: Path) -> None:
    song = arrange(bpm=120, bars=6, drums=ROCK)
    path = _write(song, tmp_path, "progress")
    seen: list[tuple[float, str]] = []
    generate_chart(path, progress=lambda fraction, stage: seen.append((fraction, stage)))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(b >= a for a, b in pairwise(fractions))
    assert len({stage for _, stage in seen}) >= 5
    cancel = threading.Event()

    def cancel_midway(fraction: float, stage: str) -> None:
        if fraction > 0.3:
            cancel.set()

    with pytest.raises(Cancelled):
        generate_chart(path, progress=cancel_midway, cancel=cancel)
    with pytest.raises(Cancelled):
        generate_chart(path, cancel=lambda: True)


@pytest.mark.parametrize("lanes", [3, 5, 7])
def test_difficulties_are_playable_and_grow(lanes: int, tmp_path: Path) -> None:
    song = arrange(bpm=132, bars=12, drums={**ROCK, "hat": "x" * 16},
                   melody=[(i * 0.5, SCALE[(i * 3) % 12], 0.5 if i % 4 else 1.5) for i in range(90)])
    chart = _chart(song, tmp_path, lanes=lanes)
    assert chart.lanes == lanes
    assert playability_problems(chart) == []
    counts = [len({n.t for n in chart.difficulties[name].notes}) for name in DIFFICULTY_NAMES]
    assert all(b > a for a, b in pairwise(counts)), counts
    easy, medium = chart.difficulties["easy"], chart.difficulties["medium"]
    assert max(n.lane for n in easy.notes) <= min(2, lanes - 1) and not easy.chords()
    assert max(n.lane for n in medium.notes) <= min(3, lanes - 1)
    assert _f_measure(song.onsets, _expert_onsets(chart)) > 0.95


def test_choruses_are_denser_than_verses(tmp_path: Path) -> None:
    verse = {"kick": "x.......x.......", "snare": "....x.......x...", "hat": "x...x...x...x..."}
    quiet = arrange(bpm=120, bars=8, drums=verse, tail=0.0)
    quiet.y *= 0.3  # (each arrangement is normalised on its own)
    loud = arrange(bpm=120, bars=8, drums={**ROCK, "hat": "x.xxx.xxx.xxx.xx"}, start=0.0, tail=2.0)
    y = np.concatenate([quiet.y, loud.y])
    split = len(quiet.y) / SR
    path = tmp_path / "dynamics.wav"
    sf.write(path, y, SR)
    chart = generate_chart(path)
    for name in DIFFICULTY_NAMES:
        assert _notes_per_second(chart, name, 0.5, split) < _notes_per_second(chart, name, split, split + 16), name


def test_fade_out_ends_the_chart(tmp_path: Path) -> None:
    song = arrange(bpm=120, bars=16, drums=ROCK, tail=0.5)
    fade = np.linspace(1.0, 0.0, len(song.y)) ** 0.5
    fade = np.where(np.arange(len(song.y)) < len(song.y) // 2, 1.0, np.clip(fade * 2, 0, 1))
    y = song.y * fade
    y[int(len(y) * 0.95) :] = 0.0
    path = tmp_path / "fade.wav"
    sf.write(path, y, SR)
    chart = generate_chart(path)
    end = len(y) / SR
    assert chart.difficulties["expert"].notes[-1].t < end * 0.95
    assert chart.difficulties["easy"].notes[-1].t < chart.difficulties["expert"].notes[-1].t


def test_sustained_notes_become_holds(tmp_path: Path) -> None:
    long_notes = [(i * 2.0, [60, 64, 67, 65][i % 4], 1.6) for i in range(12)]
    song = arrange(bpm=80, bars=6, melody=long_notes, voice="held")
    chart = _chart(song, tmp_path)
    for name, difficulty in chart.difficulties.items():
        holds = [n for n in difficulty.notes if n.is_hold]
        assert len(holds) >= 0.6 * len(difficulty.notes), name
        truth = 1.6 * 60 / 80
        assert all(0.6 * truth <= n.length <= truth + 0.2 for n in holds), (name, [n.length for n in holds])
    plucked = arrange(bpm=120, bars=4, melody=[(i * 0.5, SCALE[i % 8], 0.25) for i in range(32)])
    assert not any(n.is_hold for n in _chart(plucked, tmp_path, "short").difficulties["expert"].notes)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("swing", {"bpm": 92, "swing": 0.33, "drums": {"kick": "x.....x...x.....", "snare": "....x.......x...",
                                                     "hat": "x.xxx.xxx.xxx.xx"}}),
        ("tempo change", {"bpm": [(0, 100), (32, 140)], "drums": ROCK}),
        ("fast electronic", {"bpm": 174, "drums": {"kick": "x.........x.....", "snare": "....x.......x...",
                                                   "hat": "x.x.x.xxx.x.x.x."}}),
        ("sparse ballad", {"bpm": 66, "voice": "held", "melody": [(i * 2.0, SCALE[(i * 5) % 12], 1.8)
                                                                  for i in range(14)]}),
    ],
)
def test_varied_material_is_timed_and_playable(name: str, options: dict, tmp_path: Path) -> None:
    song = arrange(bars=12 if "melody" not in options else 7, **options)
    chart = _chart(song, tmp_path)
    found = _expert_onsets(chart)
    assert _f_measure(song.onsets, found) > 0.95, name
    errors = np.array([found[np.argmin(np.abs(found - t))] - t for t in song.onsets])
    assert np.median(np.abs(errors)) < 0.003 and np.percentile(np.abs(errors), 95) < 0.01, name
    assert playability_problems(chart) == [], name


@pytest.mark.parametrize(
    ("name", "bpm", "drums"),
    [
        # The kick and the snare alternate every half of the strongest period: that half is the beat.
        ("drum and bass", 174, {"kick": "x.........x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."}),
        ("fast rock", 170, ROCK),
        # A snare every other beat is a backbeat at the right tempo: no doubling...
        ("hip-hop", 88, {"kick": "x.....x...x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."}),
        ("disco with off-beat hats", 100, {"kick": "x...x...x...x...", "snare": "....x.......x...",
                                           "hat": "..x...x...x...x."}),
        # ...and a snare on every beat together with the kick is not a backbeat at all.
        ("four-on-the-floor snare", 96, {"kick": "x...x...x...x...", "snare": "x...x...x...x...",
                                         "hat": "x.x.x.x.x.x.x.x."}),
    ],
)
def test_tempo_is_the_one_a_musician_counts(name: str, bpm: float, drums: dict[str, str], tmp_path: Path) -> None:
    song = arrange(bpm=bpm, bars=12, drums=drums)
    chart = _chart(song, tmp_path)
    assert chart.tempo is not None and abs(chart.tempo.bpm / bpm - 1) < 0.01, (name, chart.tempo.bpm)
    beats = np.array(chart.tempo.beats)
    assert np.median(np.diff(beats)) == pytest.approx(60.0 / bpm, abs=0.002), name
    truth = np.array(song.beats)
    assert _f_measure(truth[(truth >= beats[0]) & (truth <= beats[-1])], beats, 0.02) > 0.9, name


def test_eighth_notes_everywhere_never_lock_the_tempo_at_two_thirds(tmp_path: Path) -> None:
    """Drum and bass under a tune on every eighth: three eighths repeat as well as two, and the prior
    around 120 BPM preferred 116 for 174, a grid on which no bar lines up. The tempo found is 174 or,
    at worst, its half."""
    tune = [(i * 0.5, [60, 62, 64, 67, 69, 72, 69, 67][i % 8], 0.5) for i in range(64)]
    song = arrange(bpm=174, bars=16, drums={"kick": "x.........x.....", "snare": "....x.......x...",
                                            "hat": "x.x.x.x.x.x.x.x."}, melody=tune)
    bpm = _chart(song, tmp_path).tempo.bpm
    assert min(abs(bpm / 174 - 1), abs(bpm / 87 - 1)) < 0.01, bpm
