"""Chart the demo songs from their exact ground truth, like a human charter would.

For every ``assets/songs/<slug>.truth.json`` this writes ``charts/<slug>.json``
(rokgame chart format v1) with four difficulties:

easy
    Strong beats only: kick/snare on the beat, held melody notes that start on
    a beat; lanes 0-2, no chords, at least ~0.35 s between notes.
medium
    The main rhythm: kick, snare and melody; lanes 0-3, ~0.2 s minimum gap.
hard
    Most of the rhythm including the whole melody, 5 lanes, two-note chords
    on crashes.
expert
    Drums (hats included) and melody closely, 5 lanes, chords on accents.

Lane rules, so the chart "follows the music": within a melodic phrase a
higher pitch is never left of a lower one and a repeated pitch keeps its lane;
drums use fixed lanes (kick left, snare middle, toms right-middle, hats right).

Usage
-----
    .venv/bin/python tools/make_demo_charts.py [--songs assets/songs] [--out charts]
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rokgame.core.chart import Chart, Difficulty, Note, Song, Tempo
from rokgame.core.chart_io import file_sha256, save_chart

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = {"name": "rokgame-demo-charter", "version": "1"}
SLUGS = ("sunday-groove", "neon-drive", "overdrive-170")
SAME_TIME = 0.002  # events closer than this are one musical moment
HOLD_MIN_NOTE = 0.4  # melody notes at least this long become holds
HOLD_GAP = 0.1  # a hold ends at least this long before the next note in its lane
HOLD_RELEASE = 0.05  # release slightly before the written note end
MIN_HOLD = 0.2  # shorter holds than this after trimming become taps


@dataclass(frozen=True)
class DiffSpec:
    """How one difficulty is charted."""

    name: str
    lanes: int  # lanes used: 0 .. lanes-1
    min_gap: float  # minimum time between consecutive notes (any lane)
    same_lane_gap: float  # minimum time between notes in one lane
    use_hats: bool
    use_toms: bool
    beats_only: bool  # only events on the beat (easy)
    chords: str  # "none", "crash" or "accents"
    hold_blocks_all_lanes: bool  # easier charts never ask to tap while holding


SPECS = (
    DiffSpec("easy", 3, 0.45, 0.45, False, False, True, "none", True),
    DiffSpec("medium", 4, 0.17, 0.17, False, False, False, "none", True),
    DiffSpec("hard", 5, 0.13, 0.13, False, True, False, "crash", False),
    DiffSpec("expert", 5, 0.0, 0.1, True, True, False, "accents", False),
)


@dataclass
class Moment:
    """Everything that starts at one instant of the song."""

    t: float
    drums: dict[str, float] = field(default_factory=dict)  # instrument -> velocity
    melody: dict | None = None  # the truth melody note starting here
    level: int = 0  # metrical strength: 3 bar, 2 half bar, 1 beat, 0 off-beat, -1 16th


@dataclass
class Pick:
    """A chosen chart note before clean-up."""

    t: float
    lane: int
    length: float = 0.0
    melodic: bool = False
    priority: float = 0.0


# ----------------------------------------------------------------------------
# Reading the truth
# ----------------------------------------------------------------------------


def moments_from_truth(truth: dict) -> list[Moment]:
    """Group drum hits and melody notes that start together into moments."""
    by_time: dict[float, Moment] = {}

    def at(t: float) -> Moment:
        key = round(t, 3)
        if key not in by_time:
            by_time[key] = Moment(t=t)
        return by_time[key]

    for hit in truth["drums"]:
        m = at(hit["t"])
        m.drums[hit["instrument"]] = max(m.drums.get(hit["instrument"], 0.0), hit["velocity"])
    for note in truth["melody"]:
        at(note["t"]).melody = note
    moments = sorted(by_time.values(), key=lambda m: m.t)
    beats = truth["beats"]
    for m in moments:
        m.level = metrical_level(m.t, beats)
    return moments


def metrical_level(t: float, beats: list[float]) -> int:
    """3 = bar downbeat, 2 = beat 3, 1 = other beat, 0 = 8th off-beat, -1 = 16th."""
    i = bisect.bisect_left(beats, t - SAME_TIME)
    if i < len(beats) and abs(beats[i] - t) <= SAME_TIME:
        return 3 if i % 4 == 0 else (2 if i % 4 == 2 else 1)
    if 0 < i < len(beats):
        mid = (beats[i - 1] + beats[i]) / 2.0
        if abs(mid - t) <= SAME_TIME:
            return 0
    return -1


# ----------------------------------------------------------------------------
# Lanes
# ----------------------------------------------------------------------------


def melody_phrases(melody: list[dict], max_rest: float = 0.25, max_span: float = 4.5) -> list[list[dict]]:
    """Split the melody into phrases: at rests, and before a phrase grows too long.

    Short phrases keep lane motion meaningful: five lanes can show the contour
    of a two-bar line, not of a whole chorus.
    """
    phrases: list[list[dict]] = []
    for note in melody:
        if phrases:
            first, prev = phrases[-1][0], phrases[-1][-1]
            rest = note["t"] - (prev["t"] + prev["duration"])
            if rest <= max_rest and note["t"] - first["t"] < max_span:
                phrases[-1].append(note)
                continue
        phrases.append([note])
    return phrases


def phrase_lane_map(phrase: Iterable[dict], lanes: int) -> dict[int, int]:
    """Map the phrase's distinct pitches to lanes, keeping pitch order.

    With no more distinct pitches than lanes each pitch gets its own lane,
    centred on the highway; otherwise pitches are spread evenly, so a step up
    never moves left and a repeated pitch always keeps its lane.
    """
    pitches = sorted({n["pitch"] for n in phrase})
    k = len(pitches)
    if k <= lanes:
        offset = (lanes - k) // 2
        return {p: offset + i for i, p in enumerate(pitches)}
    return {p: round(i * (lanes - 1) / (k - 1)) for i, p in enumerate(pitches)}


def melody_lanes(melody: list[dict], lanes: int) -> dict[float, int]:
    """Lane of every melody note (keyed by its time) for a highway of ``lanes``."""
    out: dict[float, int] = {}
    for phrase in melody_phrases(melody):
        lane_of = phrase_lane_map(phrase, lanes)
        for note in phrase:
            out[round(note["t"], 3)] = lane_of[note["pitch"]]
    return out


def drum_lane(drums: dict[str, float], lanes: int) -> int | None:
    """Fixed drum lanes: kick left, snare middle, tom right-middle, hats right."""
    middle = lanes // 2
    if "snare" in drums:
        return middle
    if "kick" in drums:
        return 0
    if "tom" in drums:
        return min(lanes - 1, middle + 1)
    if "hat" in drums:
        return lanes - 1
    if "crash" in drums:
        return 0
    return None


# ----------------------------------------------------------------------------
# Charting one difficulty
# ----------------------------------------------------------------------------


def priority(m: Moment) -> float:
    """How much a charter wants this moment: accents, strong beats, melody."""
    p = 2.0 * m.level
    p += 4.0 if "crash" in m.drums else 0.0
    p += 1.5 if ("kick" in m.drums or "snare" in m.drums) else 0.0
    if m.melody is not None:
        p += 2.0 + (1.0 if m.melody["duration"] >= HOLD_MIN_NOTE else 0.0)
    p += max(m.drums.values(), default=0.0)
    return p


def wanted(m: Moment, spec: DiffSpec) -> bool:
    """Whether this difficulty charts the moment at all."""
    drums = set(m.drums)
    if not spec.use_toms:
        drums.discard("tom")
    if not spec.use_hats:
        drums.discard("hat")
    if spec.beats_only:
        if m.level < 1:
            return False
        held = m.melody is not None and m.melody["duration"] >= HOLD_MIN_NOTE
        return bool(drums & {"kick", "snare", "crash"}) or held
    return bool(drums) or m.melody is not None


def pick_moment(m: Moment, spec: DiffSpec, mel_lane: dict[float, int]) -> list[Pick]:
    """Notes for one moment: the melody note if any, else the drum lane; plus chords."""
    pri = priority(m)
    picks: list[Pick] = []
    note = m.melody
    if spec.beats_only and note is not None and note["duration"] < HOLD_MIN_NOTE:
        note = None  # easy: short melody notes are skipped, the drums carry the beat
    if note is not None:
        length = note["duration"] - HOLD_RELEASE if note["duration"] >= HOLD_MIN_NOTE else 0.0
        picks.append(Pick(m.t, mel_lane[round(m.t, 3)], length, True, pri))
    else:
        drums = {k: v for k, v in m.drums.items() if (spec.use_hats or k != "hat")}
        lane = drum_lane(drums, spec.lanes)
        if lane is None:
            return []
        picks.append(Pick(m.t, lane, 0.0, False, pri))
    accent = "crash" in m.drums or (spec.chords == "accents" and m.level == 3 and "kick" in m.drums
                                    and note is not None)
    if spec.chords != "none" and accent:
        base = picks[0].lane
        other = base + 2 if base + 2 < spec.lanes else base - 2
        picks.append(Pick(m.t, other, 0.0, False, pri))
    return picks


def select(moments: list[Moment], spec: DiffSpec, mel_lane: dict[float, int]) -> list[Pick]:
    """Choose moments strongest-first, keeping ``spec.min_gap`` between them."""
    chosen_times: list[float] = []
    chosen: list[Pick] = []
    for m in sorted((m for m in moments if wanted(m, spec)), key=lambda m: (-priority(m), m.t)):
        i = bisect.bisect_left(chosen_times, m.t)
        near_prev = i > 0 and m.t - chosen_times[i - 1] < spec.min_gap - 1e-6
        near_next = i < len(chosen_times) and chosen_times[i] - m.t < spec.min_gap - 1e-6
        if near_prev or near_next:
            continue
        picks = pick_moment(m, spec, mel_lane)
        if picks:
            chosen_times.insert(i, m.t)
            chosen.extend(picks)
    return sorted(chosen, key=lambda p: (p.t, p.lane))


def resolve_holds(picks: list[Pick], spec: DiffSpec) -> list[Pick]:
    """Give holds room: drop drum taps under a hold, then trim holds to fit.

    A charter lets a sung note ring rather than interrupt it with a hat in the
    same lane; on easy/medium no other note may come during a hold at all.
    """
    holds = [p for p in picks if p.length > 0]
    drop: set[int] = set()
    for h in holds:
        for j, p in enumerate(picks):
            if p is h or p.melodic or not (h.t < p.t < h.t + h.length + HOLD_GAP):
                continue
            if p.lane == h.lane or spec.hold_blocks_all_lanes:
                drop.add(j)
    picks = [p for j, p in enumerate(picks) if j not in drop]
    out: list[Pick] = []
    for p in picks:
        if p.length > 0:
            later = [q.t for q in picks if q.t > p.t + 1e-6 and (q.lane == p.lane or spec.hold_blocks_all_lanes)]
            # Work on the millisecond times that will be saved, and round the
            # length down, so the saved hold never creeps into the gap.
            limit = round(min(later, default=p.t + p.length + HOLD_GAP), 3) - HOLD_GAP - round(p.t, 3)
            length = math.floor(min(p.length, limit) * 1000 + 1e-6) / 1000
            p = replace(p, length=length if length >= MIN_HOLD else 0.0)
        out.append(p)
    return out


def enforce_lane_gap(picks: list[Pick], gap: float) -> list[Pick]:
    """Drop notes too close to the previous one in the same lane (or inside its hold)."""
    last_end: dict[int, float] = {}
    last_t: dict[int, float] = {}
    out: list[Pick] = []
    # The melody note wins over a chord partner at the same instant.
    for p in sorted(picks, key=lambda p: (p.t, not p.melodic, -p.priority, p.lane)):
        if p.lane in last_t and (p.t - last_t[p.lane] < gap - 1e-6 or p.t < last_end[p.lane] + HOLD_GAP - 1e-6):
            continue
        last_t[p.lane] = p.t
        last_end[p.lane] = p.t + p.length if p.length > 0 else p.t - HOLD_GAP
        out.append(p)
    return out


def chart_difficulty(moments: list[Moment], melody: list[dict], spec: DiffSpec) -> Difficulty:
    """Chart one difficulty from the song's moments."""
    mel_lane = melody_lanes(melody, spec.lanes)
    # Work in the millisecond times that will be saved, so gap checks hold after saving.
    picks = [replace(p, t=round(p.t, 3)) for p in select(moments, spec, mel_lane)]
    picks = resolve_holds(picks, spec)
    picks = enforce_lane_gap(picks, spec.same_lane_gap)
    notes = [Note(t=round(p.t, 3), lane=p.lane, length=round(p.length, 3)) for p in picks]
    return Difficulty(name=spec.name, notes=tuple(notes))


# ----------------------------------------------------------------------------
# Whole charts
# ----------------------------------------------------------------------------


def build_chart(truth: dict, audio: Path) -> Chart:
    """A four-difficulty chart for one song."""
    moments = moments_from_truth(truth)
    difficulties = {s.name: chart_difficulty(moments, truth["melody"], s) for s in SPECS}
    counts = [len(difficulties[s.name].notes) for s in SPECS]
    if counts != sorted(set(counts)):
        raise ValueError(f"{audio.name}: note counts must strictly increase with difficulty, got {counts}")
    song = Song(
        title=truth["title"],
        artist=truth["artist"],
        audio=audio.name,
        duration=round(truth["duration"], 3),
        audio_sha256=file_sha256(audio),
    )
    tempo = Tempo(bpm=float(truth["bpm"]), beats=tuple(round(b, 3) for b in truth["beats"]))
    params = {s.name: {"lanes": s.lanes, "min_gap": s.min_gap, "chords": s.chords} for s in SPECS}
    return Chart(song=song, difficulties=difficulties, lanes=5, offset=0.0, tempo=tempo,
                 generator={**GENERATOR, "params": params})


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--songs", type=Path, default=ROOT / "assets" / "songs")
    ap.add_argument("--out", type=Path, default=ROOT / "charts")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for slug in SLUGS:
        truth = json.loads((args.songs / f"{slug}.truth.json").read_text())
        chart = build_chart(truth, args.songs / f"{slug}.ogg")
        save_chart(chart, args.out / f"{slug}.json")
        summary = defaultdict(int)
        for name, diff in chart.difficulties.items():
            summary[name] = len(diff.notes)
        holds = {n: d.hold_count for n, d in chart.difficulties.items()}
        chords = {n: len(d.chords()) for n, d in chart.difficulties.items()}
        print(f"{slug}: notes {dict(summary)} holds {holds} chords {chords}")


if __name__ == "__main__":
    main()
