"""Generated charts of the demo songs against their ground truth (every drum hit and melody note)."""

from __future__ import annotations

import json
from itertools import pairwise

import numpy as np
import pytest

from rokgame import paths
from rokgame.analysis import generate_chart
from rokgame.analysis.playability import playability_problems
from rokgame.core.chart import DIFFICULTY_NAMES, Chart
from rokgame.core.chart_io import dumps_chart, parse_chart

SLUGS = ("neon-drive", "sunday-groove", "overdrive-170")
#: Attacks closer than this are one moment to a player (kick + hat + melody on one beat).
MERGE = 0.03


@pytest.fixture(scope="module")
def charts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Chart, dict]]:
    songs = paths.builtin_songs_dir()
    missing = [s for s in SLUGS if not (songs / f"{s}.ogg").is_file() or not (songs / f"{s}.truth.json").is_file()]
    if missing:
        pytest.skip(f"demo songs not rendered yet: {', '.join(missing)} (tools/make_demo_songs.py)")
    mp = pytest.MonkeyPatch()
    mp.setenv("ROKGAME_HOME", str(tmp_path_factory.mktemp("home")))
    try:
        return {slug: (generate_chart(songs / f"{slug}.ogg"),
                       json.loads((songs / f"{slug}.truth.json").read_text(encoding="utf-8"))) for slug in SLUGS}
    finally:
        mp.undo()


def _truth_onsets(truth: dict) -> np.ndarray:
    times = np.sort([d["t"] for d in truth["drums"]] + [m["t"] for m in truth["melody"]])
    keep: list[float] = []
    for t in times.tolist():
        if not keep or t - keep[-1] >= MERGE:
            keep.append(t)
    return np.array(keep)


@pytest.mark.parametrize("slug", SLUGS)
def test_expert_follows_drums_and_melody(slug: str, charts: dict[str, tuple[Chart, dict]]) -> None:
    import mir_eval

    chart, truth = charts[slug]
    reference = _truth_onsets(truth)
    expert = np.unique([n.t for n in chart.difficulties["expert"].notes])
    f, precision, recall = mir_eval.onset.f_measure(reference, expert, window=0.05)
    assert f >= 0.9, f"F={f:.3f} (P={precision:.3f}, R={recall:.3f})"


@pytest.mark.parametrize("slug", SLUGS)
def test_expert_notes_sit_on_the_attack(slug: str, charts: dict[str, tuple[Chart, dict]]) -> None:
    import mir_eval

    chart, truth = charts[slug]
    reference = _truth_onsets(truth)
    expert = np.unique([n.t for n in chart.difficulties["expert"].notes])
    pairs = mir_eval.util.match_events(reference, expert, 0.05)
    errors = np.abs(np.array([expert[j] - reference[i] for i, j in pairs]))
    assert np.median(errors) <= 0.010, f"median {1000 * np.median(errors):.1f} ms"
    assert np.percentile(errors, 95) <= 0.020, f"95th percentile {1000 * np.percentile(errors, 95):.1f} ms"


@pytest.mark.parametrize("slug", SLUGS)
def test_valid_playable_and_denser_with_difficulty(slug: str, charts: dict[str, tuple[Chart, dict]]) -> None:
    chart, truth = charts[slug]
    assert parse_chart(dumps_chart(chart)).errors == []
    assert playability_problems(chart) == []
    density = [len({n.t for n in chart.difficulties[name].notes}) / truth["duration"] for name in DIFFICULTY_NAMES]
    assert all(b > a for a, b in pairwise(density)), density
    easy, medium = chart.difficulties["easy"], chart.difficulties["medium"]
    assert {n.lane for n in easy.notes} <= {0, 1, 2} and not easy.chords()
    assert {n.lane for n in medium.notes} <= {0, 1, 2, 3}
    # Every lane is used on expert, and no lane carries most of the chart.
    lanes = np.bincount([n.lane for n in chart.difficulties["expert"].notes], minlength=chart.lanes)
    assert lanes.min() > 0 and lanes.max() < 0.5 * lanes.sum(), lanes


@pytest.mark.parametrize("slug", SLUGS)
def test_tempo_and_beats(slug: str, charts: dict[str, tuple[Chart, dict]]) -> None:
    """tempo.bpm is the tempo a musician counts (overdrive's drum and bass is 170, not its half-time 85)
    and the beat lines are the true beats, every one of them."""
    import mir_eval

    chart, truth = charts[slug]
    assert chart.tempo is not None
    segments = truth["tempo_map"]
    ends = [s["t"] for s in segments[1:]] + [truth["duration"]]
    main = max(zip(segments, ends, strict=True), key=lambda pair: pair[1] - pair[0]["t"])[0]["bpm"]
    assert abs(chart.tempo.bpm / main - 1) < 0.01, (chart.tempo.bpm, main)
    beats = np.array(chart.tempo.beats)
    reference = np.array(truth["beats"])
    assert mir_eval.beat.f_measure(mir_eval.beat.trim_beats(reference), mir_eval.beat.trim_beats(beats)) >= 0.9


def _section_rate(chart: Chart, truth: dict, difficulty: str, section: str) -> float:
    sections = truth["sections"]
    bounds = [(s["t"], (sections[i + 1]["t"] if i + 1 < len(sections) else truth["duration"]), s["name"])
              for i, s in enumerate(sections)]
    spans = [(a, b) for a, b, kind in bounds if kind == section]
    notes = sum(1 for n in chart.difficulties[difficulty].notes if any(a <= n.t < b for a, b in spans))
    return notes / sum(b - a for a, b in spans)


@pytest.mark.parametrize("slug", SLUGS)
def test_density_follows_the_music(slug: str, charts: dict[str, tuple[Chart, dict]]) -> None:
    """The intro (a few instruments, quieter) is sparser than the chorus (everything, loud) at
    every difficulty; in neon-drive, whose verse drops the hi-hats and the arpeggio, so is the verse
    from medium up. Easy follows the beat, about one note a beat, as people chart it: the verse's
    kick is on every beat as the chorus's is, so easy may be as dense there, never denser.
    (In sunday-groove verse and chorus share one groove and one loudness: no density rule applies.)"""
    chart, truth = charts[slug]
    for name in DIFFICULTY_NAMES:
        assert _section_rate(chart, truth, name, "intro") < _section_rate(chart, truth, name, "chorus"), name
        if slug == "neon-drive":
            verse, chorus = _section_rate(chart, truth, name, "verse"), _section_rate(chart, truth, name, "chorus")
            assert verse < chorus if name != "easy" else verse <= chorus, name


@pytest.mark.parametrize("slug", SLUGS)
def test_long_melody_notes_are_holds(slug: str, charts: dict[str, tuple[Chart, dict]]) -> None:
    chart, truth = charts[slug]
    long_notes = [m["t"] for m in truth["melody"] if m["duration"] >= 0.6]
    expert = chart.difficulties["expert"].notes
    held = sum(1 for t in long_notes if any(abs(n.t - t) < 0.02 and n.length >= 0.3 for n in expert))
    assert held >= 0.6 * len(long_notes), f"{held} of {len(long_notes)} long melody notes are holds"
    short = [m["t"] for m in truth["melody"] if m["duration"] <= 0.25]
    wrongly = sum(1 for t in short if any(abs(n.t - t) < 0.02 and n.length >= 0.5 for n in expert))
    assert wrongly <= 0.1 * max(1, len(short))

