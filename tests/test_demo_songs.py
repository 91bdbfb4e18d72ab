"""The built-in demo songs, their ground truth and their hand-made charts.

These check what a player would notice (a song that is silent, clips, is too
short; a chart that doesn't load, has chords on easy, or holds running into
the next note) and what the auto-charter tests rely on (exact, sorted,
audible truth onsets). Nothing here re-renders a whole song.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from scipy import signal

from rokgame.core.chart import Chart
from rokgame.core.chart_io import file_sha256, load_chart

ROOT = Path(__file__).resolve().parent.parent
SONGS = ROOT / "assets" / "songs"
CHARTS = ROOT / "charts"
SLUGS = ("sunday-groove", "neon-drive", "overdrive-170")
DIFFICULTIES = ("easy", "medium", "hard", "expert")


def _load_tool(name: str):
    """Import a script from tools/ (not a package) by path."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses with postponed annotations look their module up in sys.modules.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@cache
def audio(slug: str) -> tuple[np.ndarray, int]:
    """Decoded audio as (frames, channels) float64, and the sample rate."""
    data, sr = sf.read(SONGS / f"{slug}.ogg", always_2d=True)
    return data, sr


@cache
def truth(slug: str) -> dict:
    return json.loads((SONGS / f"{slug}.truth.json").read_text())


@cache
def chart(slug: str) -> Chart:
    return load_chart(CHARTS / f"{slug}.json")


def onsets(t: dict) -> list[float]:
    """All drum and melody attack times (what the auto-charter is scored on)."""
    return sorted({e["t"] for e in t["drums"]} | {e["t"] for e in t["melody"]})


# ---------------------------------------------------------------------- audio


@pytest.mark.parametrize("slug", SLUGS)
def test_song_decodes_with_a_playable_length_and_level(slug: str) -> None:
    data, sr = audio(slug)
    seconds = len(data) / sr
    assert sr == 44100
    assert 60.0 <= seconds <= 120.0
    assert abs(seconds - truth(slug)["duration"]) < 0.01
    peak = float(np.max(np.abs(data)))
    rms = float(np.sqrt(np.mean(data**2)))
    assert 0.5 < peak < 0.999, "mastered to about -1 dBFS, never clipping"
    assert rms > 0.05, "not silent"


@pytest.mark.parametrize("slug", SLUGS)
def test_file_is_small(slug: str) -> None:
    size = (SONGS / f"{slug}.ogg").stat().st_size
    minutes = len(audio(slug)[0]) / audio(slug)[1] / 60.0
    assert size / minutes < 1.1e6


@pytest.mark.parametrize("slug", SLUGS)
def test_every_section_is_loud_enough_and_the_song_ends(slug: str) -> None:
    data, sr = audio(slug)
    mono = data.mean(axis=1)
    sections = truth(slug)["sections"]
    for sec in sections:
        seg = mono[int(sec["t"] * sr) : int(sec["t"] * sr) + 2 * sr]
        assert np.sqrt(np.mean(seg**2)) > 0.01, f"{sec['name']} at {sec['t']} s is silent"
    tail = mono[-int(0.2 * sr) :]
    assert np.max(np.abs(tail)) < 0.05, "the song ends (rings out), it is not cut off"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_drum_hit_is_audible_at_its_truth_time(slug: str) -> None:
    """Energy rises in the drum's own band in the 20 ms after each truth hit.

    Kicks are measured below 150 Hz and everything else above 2 kHz, so the
    bass and the lead ringing on don't hide a real hit (or fake one).
    """
    data, sr = audio(slug)
    mono = data.mean(axis=1)
    low = signal.sosfilt(signal.butter(4, 150, "low", fs=sr, output="sos"), mono)
    high = signal.sosfilt(signal.butter(4, 2000, "high", fs=sr, output="sos"), mono)
    w = int(0.02 * sr)
    ratios = {}
    for hit in truth(slug)["drums"]:
        band = low if hit["instrument"] == "kick" else high
        s = round(hit["t"] * sr)
        before = np.sqrt(np.mean(band[s - w : s] ** 2)) + 1e-9
        after = np.sqrt(np.mean(band[s : s + w] ** 2))
        ratios.setdefault(hit["instrument"], []).append(after / before)
    for instrument, r in ratios.items():
        assert np.mean(np.array(r) > 1.0) > 0.98, instrument
        assert np.median(r) > 1.4, instrument


@pytest.mark.parametrize("slug", SLUGS)
def test_melody_notes_start_at_their_truth_times(slug: str) -> None:
    """Energy jumps at melody attacks: the lead isn't buried under the drums."""
    data, sr = audio(slug)
    mono = data.mean(axis=1)
    w = int(0.03 * sr)
    ratios = []
    for note in truth(slug)["melody"]:
        s = round(note["t"] * sr)
        before = np.sqrt(np.mean(mono[s - w : s] ** 2)) + 1e-6
        after = np.sqrt(np.mean(mono[s : s + w] ** 2))
        ratios.append(after / before)
    assert np.median(ratios) > 1.2


def test_synth_is_deterministic() -> None:
    synth = _load_tool("make_demo_songs")
    first = synth.render_excerpt("neon-drive", 3.0)
    second = synth.render_excerpt("neon-drive", 3.0)
    assert first.shape == (2, 3 * 44100)
    assert np.array_equal(first, second)
    assert np.max(np.abs(first)) > 0.1


# ---------------------------------------------------------------------- truth


@pytest.mark.parametrize("slug", SLUGS)
def test_truth_is_complete_sorted_and_in_range(slug: str) -> None:
    t = truth(slug)
    assert t["artist"] == "rokgame demo" and t["title"]
    duration = t["duration"]
    for key in ("drums", "melody", "bass", "beats", "sections"):
        times = [e if isinstance(e, float) else e["t"] for e in t[key]]
        assert times, key
        assert times == sorted(times), f"{key} not sorted"
        assert times[0] >= 0.0 and times[-1] < duration, key
    assert {"kick", "snare", "hat", "crash"} <= {d["instrument"] for d in t["drums"]}
    assert all(0.0 < d["velocity"] <= 1.0 for d in t["drums"])
    assert {s["name"] for s in t["sections"]} >= {"intro", "verse", "chorus", "outro"}
    durations = [n["duration"] for n in t["melody"]]
    assert sum(d >= 0.4 for d in durations) >= 10, "held notes"
    assert sum(d < 0.3 for d in durations) >= 10, "short notes"
    assert all(isinstance(n["pitch"], int) and 24 <= n["pitch"] <= 96 for n in t["melody"] + t["bass"])


@pytest.mark.parametrize("slug", SLUGS)
def test_no_flams_distinct_onsets_are_separable(slug: str) -> None:
    gaps = np.diff(onsets(truth(slug)))
    assert np.min(gaps) > 0.05


@pytest.mark.parametrize("slug", SLUGS)
def test_melody_does_not_overlap_itself(slug: str) -> None:
    notes = truth(slug)["melody"]
    for a, b in itertools.pairwise(notes):
        assert a["t"] + a["duration"] <= b["t"] + 1e-4


@pytest.mark.parametrize("slug", SLUGS)
def test_verses_are_sparser_than_choruses(slug: str) -> None:
    t = truth(slug)
    bounds = [*t["sections"], {"t": t["duration"], "name": "end"}]
    rate: dict[str, list[float]] = {}
    all_onsets = np.array(onsets(t))
    for sec, nxt in itertools.pairwise(bounds):
        n = np.sum((all_onsets >= sec["t"]) & (all_onsets < nxt["t"]))
        rate.setdefault(sec["name"], []).append(n / (nxt["t"] - sec["t"]))
    assert np.mean(rate["verse"]) < np.mean(rate["chorus"])


def test_main_tempos_and_overdrive_tempo_change() -> None:
    assert truth("sunday-groove")["bpm"] == pytest.approx(90)
    assert truth("neon-drive")["bpm"] == pytest.approx(128)
    od = truth("overdrive-170")
    assert od["bpm"] == pytest.approx(170)
    bpms = [seg["bpm"] for seg in od["tempo_map"]]
    assert len(set(bpms)) >= 2, "Overdrive changes tempo"
    # The beat grid follows the tempo map.
    change = od["tempo_map"][1]["t"]
    beats = np.array(od["beats"])
    assert np.median(np.diff(beats[beats < change])) == pytest.approx(60 / bpms[0], abs=1e-3)
    assert np.median(np.diff(beats[beats > change])) == pytest.approx(60 / bpms[1], abs=1e-3)


def test_readme_states_licence_and_regeneration() -> None:
    text = (SONGS / "README.md").read_text()
    assert "CC0" in text and "tools/make_demo_songs.py" in text and "original" in text


# ---------------------------------------------------------------------- charts


@pytest.mark.parametrize("slug", SLUGS)
def test_chart_loads_and_points_at_its_audio(slug: str) -> None:
    c = chart(slug)
    assert c.lanes == 5
    assert c.song.audio == f"{slug}.ogg"
    assert c.song.audio_sha256 == file_sha256(SONGS / f"{slug}.ogg")
    assert c.song.title == truth(slug)["title"]
    assert c.tempo is not None and c.tempo.bpm == pytest.approx(truth(slug)["bpm"])
    assert tuple(c.difficulties) == DIFFICULTIES


@pytest.mark.parametrize("slug", SLUGS)
def test_density_strictly_increases_with_difficulty(slug: str) -> None:
    counts = [len(chart(slug).difficulty(d).notes) for d in DIFFICULTIES]
    assert counts == sorted(counts) and len(set(counts)) == 4, counts


@pytest.mark.parametrize("slug", SLUGS)
def test_easy_is_easy(slug: str) -> None:
    easy = chart(slug).difficulty("easy")
    assert {n.lane for n in easy.notes} <= {0, 1, 2}
    assert easy.chords() == []
    assert np.min(np.diff([n.t for n in easy.notes])) >= 0.34
    assert {n.lane for n in chart(slug).difficulty("medium").notes} <= {0, 1, 2, 3}


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("name", DIFFICULTIES)
def test_holds_end_before_the_next_note_in_their_lane(slug: str, name: str) -> None:
    notes = chart(slug).difficulty(name).notes
    by_lane: dict[int, list] = {}
    for n in notes:
        by_lane.setdefault(n.lane, []).append(n)
    for lane_notes in by_lane.values():
        for a, b in itertools.pairwise(lane_notes):
            assert b.t - a.end >= 0.099, (a, b)
            assert b.t - a.t >= 0.099, (a, b)


@pytest.mark.parametrize("slug", SLUGS)
def test_chart_notes_land_on_the_music(slug: str) -> None:
    """Every note sits on a truth onset; expert holds come from long melody notes."""
    truth_times = np.array(onsets(truth(slug)))
    melody = {round(n["t"], 3): n for n in truth(slug)["melody"]}
    for name in DIFFICULTIES:
        for n in chart(slug).difficulty(name).notes:
            assert np.min(np.abs(truth_times - n.t)) < 0.001, (name, n)
            if n.is_hold:
                assert melody[round(n.t, 3)]["duration"] >= 0.4
    assert chart(slug).difficulty("expert").hold_count >= 10
    assert len(chart(slug).difficulty("expert").chords()) >= 5


@pytest.mark.parametrize("slug", SLUGS)
def test_melody_lanes_follow_pitch(slug: str) -> None:
    """Within a phrase, higher pitch never goes left and a repeated pitch keeps its lane."""
    charter = _load_tool("make_demo_charts")
    t = truth(slug)
    expert = chart(slug).difficulty("expert")
    chord_times = {round(c[0].t, 3) for c in expert.chords()}
    lane_at = {round(n.t, 3): n.lane for n in expert.notes if round(n.t, 3) not in chord_times}
    checked = 0
    for phrase in charter.melody_phrases(t["melody"]):
        lanes = [(n["pitch"], lane_at.get(round(n["t"], 3))) for n in phrase]
        lanes = [(p, lane) for p, lane in lanes if lane is not None]
        for (p1, l1), (p2, l2) in itertools.pairwise(lanes):
            assert np.sign(l2 - l1) in (0, np.sign(p2 - p1)), phrase
            if p1 == p2:
                assert l1 == l2
            checked += 1
    assert checked > 50
