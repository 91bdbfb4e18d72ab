"""From track features to notes: what each difficulty follows, which lane, how long.

A human charter does not make easy by deleting every other note of expert. Each
:class:`Style` below says what a difficulty *follows*:

- easy: the strongest beats, mostly quarter notes, 3 lanes, no chords;
- medium: the main rhythm (beats and eighths: kick, snare, the tune), 4 lanes, chords on the strongest accents;
- hard: most of the rhythm (sixteenths where there is room), 5 lanes, occasional chords;
- expert: the rhythmic detail of drums and melody, 5 lanes, chords on strong accents.

Every style has a minimum gap between notes that *widens in quiet passages* (so a
verse is sparser than a chorus at every difficulty), a loudness gate (nothing in
silence or fade-outs), and a same-lane gap no player has to beat.

Lanes follow the music, never chance: a note that starts a pitched sound takes its
lane from the pitch (higher is further right; the same pitch, the same lane), mapped
around the melody's median over the surrounding bars; a drum hit takes a lane from
where its energy is (kick left, snare centre, cymbals right), so a drum pattern
always looks the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rokgame.analysis.features import TrackFeatures
from rokgame.core.chart import Note


@dataclass(frozen=True, slots=True)
class Style:
    """How one difficulty charts a track."""

    name: str
    lanes: int
    #: Minimum gap (s) between consecutive notes at full intensity, and in the quietest passages.
    gap_loud: float
    gap_quiet: float
    #: Minimum gap in beats of the charting tempo at full intensity and in the quietest passages (0: seconds
    #: only); the larger of the two gaps applies.
    gap_beats: float
    gap_beats_quiet: float
    #: Minimum time (s) between two notes in one lane (from the end of a hold).
    same_lane_gap: float
    #: Score lost per metrical level (beat 0 .. off-grid 4): how strongly the style prefers the beat.
    level_penalty: float
    #: Deepest metrical level this style follows (pitched notes may go one deeper).
    max_level: int
    #: Onset strength (1 = a loud onset) below which a drum hit is left out...
    min_strength: float
    #: ...and below which an off-beat cymbal is: the main rhythm is kick, snare and the tune,
    #: the hi-hat between them is detail.
    offbeat_strength: float
    #: Local loudness (dB below the song's loud passages) below which nothing is charted.
    gate_db: float
    #: On-beat notes this many times as strong as the notes around them become two-note chords
    #: (0: no chords).
    accent_ratio: float
    #: Shortest sustain (s) that becomes a hold.
    hold_min: float
    #: Holds end before the next note in *any* lane (easier), or only in their own lane.
    holds_end_before_any: bool
    #: At most this many notes for each note of the next harder difficulty.
    max_ratio: float


STYLES: dict[str, Style] = {
    # Spacing is musical: about a beat on easy, half a beat on medium, a quarter on hard, of the charting
    # tempo (94-100 % of human easy notes sit on its beats, and half of their gaps are one beat).
    "easy": Style("easy", lanes=3, gap_loud=0.2, gap_quiet=0.4, gap_beats=1.0, gap_beats_quiet=2.0,
                  same_lane_gap=0.5,
                  level_penalty=1.0, max_level=1, min_strength=0.2, offbeat_strength=0.6, gate_db=-18.0,
                  accent_ratio=0.0, hold_min=0.6, holds_end_before_any=True, max_ratio=0.9),
    "medium": Style("medium", lanes=4, gap_loud=0.12, gap_quiet=0.2, gap_beats=0.5, gap_beats_quiet=1.0,
                    same_lane_gap=0.3,
                    level_penalty=0.35, max_level=2, min_strength=0.18, offbeat_strength=0.55, gate_db=-21.0,
                    accent_ratio=3.0, hold_min=0.45, holds_end_before_any=True, max_ratio=0.9),
    "hard": Style("hard", lanes=5, gap_loud=0.08, gap_quiet=0.12, gap_beats=0.25, gap_beats_quiet=0.5,
                  same_lane_gap=0.18,
                  level_penalty=0.2, max_level=3, min_strength=0.05, offbeat_strength=0.2, gate_db=-24.0,
                  accent_ratio=2.6, hold_min=0.4, holds_end_before_any=False, max_ratio=1.0),
    "expert": Style("expert", lanes=5, gap_loud=0.07, gap_quiet=0.1, gap_beats=0.0, gap_beats_quiet=0.0,
                    same_lane_gap=0.11,
                    level_penalty=0.1, max_level=4, min_strength=0.0, offbeat_strength=0.0, gate_db=-30.0,
                    accent_ratio=2.0, hold_min=0.4, holds_end_before_any=False, max_ratio=1.0),
}
#: Gap (s) left between the end of a hold and the next note it must make room for.
HOLD_RELEASE_GAP = 0.12
#: Beats per block over which the melody's centre (the middle lane's pitch) is measured.
PHRASE_BEATS = 16
#: A lane is at least a whole tone wide: a small step in the tune is a small step on the highway.
MIN_SEMITONES_PER_LANE = 2.0


def salience(features: TrackFeatures) -> np.ndarray:
    """How much each onset matters to a player: its strength, more for the tune and the kick."""
    onsets = features.onsets
    low = onsets.bands[:, 0] if len(onsets) else np.zeros(0)
    return onsets.strength + 0.5 * onsets.pitched + 0.3 * np.clip(low, 0.0, 1.0)


def select(features: TrackFeatures, style: Style, pool: np.ndarray) -> np.ndarray:
    """Indices (into ``features.onsets``, sorted) of the onsets ``style`` charts, chosen from ``pool``.

    Candidates pass the style's metrical, strength and loudness limits; then the set
    with the most total importance is kept in which no two notes are closer than the
    style's gap at that moment's intensity.
    """
    onsets = features.onsets
    pool = np.asarray(pool, dtype=int)
    if len(pool) == 0:
        return pool
    pitched = onsets.pitched[pool]
    level = onsets.level[pool]
    ok = (level <= style.max_level) | (pitched & (level <= style.max_level + 1))
    strength = onsets.strength[pool]
    cymbal = drum_classes(onsets.bands[pool]) == 2
    needed = np.where((level > 0) & cymbal, style.offbeat_strength, style.min_strength)
    ok &= (strength >= needed) | pitched
    ok &= onsets.loudness[pool] >= style.gate_db
    candidates = pool[ok]
    if len(candidates) == 0:
        return candidates
    score = salience(features)[candidates] - style.level_penalty * onsets.level[candidates]
    return candidates[_best_spaced(onsets.times[candidates], score, min_gaps(features, style, candidates))]


#: Below this intensity (0..1) a passage is quiet: its gap in beats is the style's quiet one.
QUIET_INTENSITY = 0.5
#: A note may come this much sooner than its gap in beats: played notes wander around the grid.
GAP_SLACK = 0.9


def min_gaps(features: TrackFeatures, style: Style, chosen: np.ndarray) -> np.ndarray:
    """The gap (s) each chosen onset needs after the note before it: the style's gap in beats of the
    charting tempo there, and never less than its gap in seconds (which widens in quiet passages)."""
    onsets = features.onsets
    loud = onsets.intensity[chosen]
    seconds = style.gap_quiet + (style.gap_loud - style.gap_quiet) * loud
    if style.gap_beats <= 0:
        return seconds
    # Quiet passages are sparser, but in whole steps of the beat: a gap between one and two beats would
    # only ever keep one of them, and wider gaps are too sparse for a verse people sing along to.
    in_beats = np.where(loud >= QUIET_INTENSITY, style.gap_beats, style.gap_beats_quiet)
    return np.maximum(seconds, GAP_SLACK * in_beats * beat_lengths(features, onsets.times[chosen]))


def beat_lengths(features: TrackFeatures, times: np.ndarray) -> np.ndarray:
    """The length (s) of the beat each time falls in (the nearest beat's outside the beats' span)."""
    beats = features.grid.beats
    if len(beats) < 2:
        return np.full(len(times), 0.5)  # no beat found: 120 BPM, the prior's centre
    lengths = np.diff(beats)
    index = np.clip(np.searchsorted(beats, times, side="right") - 1, 0, len(lengths) - 1)
    return lengths[index]


def _best_spaced(times: np.ndarray, score: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    """Positions of the subset with the largest total score in which every kept note is at
    least its own gap after the kept note before it (weighted interval scheduling).

    Unlike keeping the strongest note first, this keeps a kick *and* the snare after it when
    the two fit, rather than one kick per bar because each snare sits too close to some kick.
    """
    n = len(times)
    order = np.argsort(times, kind="stable")
    # Every candidate is worth something (it passed the style's limits); the score decides conflicts.
    t, value, gap = times[order], np.maximum(score[order], 0.0) + 0.05, gaps[order]
    # previous[j]: how many notes end early enough to precede note j.
    previous = np.searchsorted(t, t - gap + 1e-9, side="right")
    best = np.zeros(n + 1)
    take = np.zeros(n, dtype=bool)
    for j in range(n):
        with_j = value[j] + best[previous[j]]
        take[j] = with_j > best[j] + 1e-12
        best[j + 1] = with_j if take[j] else best[j]
    kept: list[int] = []
    j = n - 1
    while j >= 0:
        if take[j]:
            kept.append(j)
            j = previous[j] - 1
        else:
            j -= 1
    return np.sort(order[np.array(kept[::-1], dtype=int)]) if kept else np.zeros(0, dtype=int)


def cap_density(features: TrackFeatures, chosen: np.ndarray, limit: int) -> np.ndarray:
    """Keep at most ``limit`` of ``chosen``: the finest subdivisions go first, the weakest first among them."""
    if len(chosen) <= limit:
        return chosen
    level = features.onsets.level[chosen]
    order = np.lexsort((features.onsets.times[chosen], -salience(features)[chosen], level))
    return np.sort(chosen[order[: max(0, limit)]])


def melody_lanes(features: TrackFeatures, lanes: int, *, _phrases: tuple | None = None) -> np.ndarray:
    """A lane for every pitched onset (NaN-pitch onsets get -1), the same at every difficulty.

    Pitches map linearly around the median pitch of the surrounding bars (this block
    of :data:`PHRASE_BEATS` beats and its neighbours), spread so the middle 80 % of
    those pitches cover the lanes. Within a block the mapping never decreases with
    pitch: a rising line moves right, a repeated pitch stays put.
    """
    onsets = features.onsets
    result = np.full(len(onsets), -1, dtype=int)
    pitched, pitch, phrases = _phrases if _phrases is not None else _phrase_pitches(features)
    middle = (lanes - 1) / 2.0
    for here, centre, low, high in phrases:
        step = max(MIN_SEMITONES_PER_LANE, (high - low) / max(1, lanes - 1))
        lane = np.round((pitch[here] - centre) / step + middle)
        result[pitched[here]] = np.clip(lane, 0, lanes - 1).astype(int)
    return result


def _phrase_pitches(features: TrackFeatures) -> tuple:
    """What :func:`melody_lanes` needs whatever the lane count (computed once per chart): the
    pitched onsets, their pitches, and per phrase block its onsets and the median, 10th and
    90th percentile pitch of it and its neighbours."""
    onsets = features.onsets
    pitched = np.flatnonzero(onsets.pitched)
    pitch = onsets.pitch[pitched]
    phrases = []
    if len(pitched):
        block = _phrase_blocks(features, onsets.times[pitched])
        for b in np.unique(block).tolist():
            around = pitch[np.abs(block - b) <= 1]
            low, high = np.percentile(around, [10, 90])
            phrases.append((block == b, float(np.median(around)), low, high))
    return pitched, pitch, phrases


def _phrase_blocks(features: TrackFeatures, times: np.ndarray) -> np.ndarray:
    beats = features.grid.beats
    if len(beats) >= 2:
        index = np.searchsorted(beats, times, side="right") - 1
        return np.clip(index, 0, None) // PHRASE_BEATS
    return (times // 8.0).astype(int)


#: Seconds a melody note keeps anchoring the drum hits after it.
ANCHOR_SECONDS = 2.0


def drum_class(bands: np.ndarray) -> int:
    """0 kick (low band), 1 snare/body (mid), 2 cymbal (high): where the hit's new energy is."""
    return int(drum_classes(np.asarray(bands)[None, :3])[0])


def drum_classes(bands: np.ndarray) -> np.ndarray:
    """:func:`drum_class` of every row of ``bands`` (shape ``(k, 3)``)."""
    low, mid, high = bands[:, 0], bands[:, 1], bands[:, 2]
    return np.where((low >= mid) & (low >= high), 0, np.where(high >= mid, 2, 1))


def drum_lane(kind: int, anchor: int, lanes: int, alternate: bool) -> int:
    """A drum hit's lane beside the tune's current lane: kick one to the left, snare one to the
    right, cymbals one or two to the right (alternating like a drummer's hands), mirrored at the edges."""
    side, distance = (-1, 1) if kind == 0 else (1, 2 if (kind == 2 and alternate) else 1)
    lane = anchor + side * distance
    if not 0 <= lane < lanes:
        lane = anchor - side * distance
    return min(max(lane, 0), lanes - 1)


def assign(features: TrackFeatures, style: Style, chosen: np.ndarray, lanes: int,
           melody: np.ndarray) -> list[Note]:
    """Notes (lanes, chords, holds) for the chosen onsets."""
    onsets = features.onsets
    if len(chosen) == 0:
        return []
    lanes_free = np.full(lanes, -np.inf)  # when each lane is free again
    notes: list[Note] = []
    accents = _accents(features, chosen, style)
    wanted_lanes = _wanted_lanes(features, chosen, lanes, melody)
    previous_pitch: float | None = None
    ends = _hold_ends(features, style, chosen)
    for position, index in enumerate(chosen.tolist()):
        t = float(onsets.times[index])
        pitch = float(onsets.pitch[index])
        wanted = int(wanted_lanes[position])
        if melody[index] >= 0:
            direction = 0 if previous_pitch is None else int(np.sign(round(pitch - previous_pitch)))
        else:
            direction = 1 if wanted < (lanes - 1) / 2 else -1
        lane = _free_lane(lanes_free, wanted, t, style.same_lane_gap, direction)
        length = 0.0
        end = ends[position]
        if end > t:
            later = np.flatnonzero(wanted_lanes[position + 1 :] == lane)
            if len(later):
                end = min(end, float(onsets.times[chosen[position + 1 + later[0]]]) - HOLD_RELEASE_GAP - 0.002)
            if end - t >= 0.75 * style.hold_min:
                length = _floor_ms(end - t)
        notes.append(Note(t=round(t, 3), lane=lane, length=length))
        # After a hold the finger is already up: the lane is free a release gap after its end.
        lanes_free[lane] = t + length + (HOLD_RELEASE_GAP - style.same_lane_gap if length else 0.0)
        if position in accents:
            partner = _chord_partner(lanes_free, lane, lanes, t, style.same_lane_gap)
            if partner is not None:
                notes.append(Note(t=round(t, 3), lane=partner))
                lanes_free[partner] = t
        if np.isfinite(pitch):
            previous_pitch = pitch
    return notes


def _wanted_lanes(features: TrackFeatures, chosen: np.ndarray, lanes: int, melody: np.ndarray) -> np.ndarray:
    """The lane each chosen note asks for before same-lane limits move it."""
    onsets = features.onsets
    wanted = np.empty(len(chosen), dtype=int)
    anchor, anchor_time = (lanes - 1) // 2, -np.inf
    cymbals = 0
    kinds = drum_classes(onsets.bands[chosen]).tolist()
    times = onsets.times[chosen].tolist()
    melody_of = melody[chosen].tolist()
    for position in range(len(chosen)):
        t = times[position]
        if melody_of[position] >= 0:
            wanted[position] = anchor = melody_of[position]
            anchor_time = t
            continue
        if t - anchor_time > ANCHOR_SECONDS:
            anchor = (lanes - 1) // 2
        kind = kinds[position]
        cymbals = cymbals + 1 if kind == 2 else cymbals
        wanted[position] = drum_lane(kind, anchor, lanes, alternate=cymbals % 2 == 0)
    return wanted


def _free_lane(lanes_free: np.ndarray, wanted: int, t: float, gap: float, direction: int) -> int:
    """``wanted`` if a player can hit it again by ``t``, else the nearest lane that is free
    (first in ``direction``: the way the melody moves, or towards the middle for drums)."""
    lanes = len(lanes_free)
    if t - lanes_free[wanted] >= gap - 1e-6:
        return wanted
    first = direction if direction != 0 else (1 if wanted < (lanes - 1) / 2 else -1)
    for distance in range(1, lanes):
        for candidate in (wanted + first * distance, wanted - first * distance):
            if 0 <= candidate < lanes and t - lanes_free[candidate] >= gap - 1e-6:
                return candidate
    # Every lane is busy (only with absurdly short gaps): the least recently used one.
    return int(np.argmin(lanes_free))


def _chord_partner(lanes_free: np.ndarray, lane: int, lanes: int, t: float, gap: float) -> int | None:
    for candidate in (lane + 2, lane - 2, lane + 1, lane - 1):
        if 0 <= candidate < lanes and t - lanes_free[candidate] >= gap - 1e-6:
            return candidate
    return None


#: Seconds around a note over which "the notes around it" are taken.
ACCENT_SECONDS = 2.0


def _accents(features: TrackFeatures, chosen: np.ndarray, style: Style) -> set[int]:
    """Positions (in ``chosen``) of the on-beat notes strong enough to be chords.

    An accent falls on the beat and stands out of its surroundings: ``accent_ratio``
    times the median strength of the notes within :data:`ACCENT_SECONDS`. A threshold,
    not a count: a bar played twice the same way gets its chords both times, and a tune
    without accents gets none.
    """
    if style.accent_ratio <= 0 or len(chosen) < 8:
        return set()
    onsets = features.onsets
    strength = onsets.strength[chosen]
    context = _local_median(onsets.times[chosen], strength, ACCENT_SECONDS)
    accent = (onsets.level[chosen] == 0) & (strength >= style.accent_ratio * context)
    return {int(i) for i in np.flatnonzero(accent)}


def _local_median(times: np.ndarray, values: np.ndarray, seconds: float) -> np.ndarray:
    """The median of ``values`` over the notes within ``seconds`` of each note.

    Computed over a fixed number of neighbours (the typical count in that span), which is
    vectorised and, away from the edges of a passage, the same thing.
    """
    n = len(values)
    if n == 0:
        return values.copy()
    span = np.searchsorted(times, times + seconds, side="right") - np.searchsorted(times, times - seconds)
    half = max(1, int(np.median(span)) // 2)
    padded = np.pad(values, half, mode="reflect" if n > half else "edge")
    return np.median(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1), axis=1)[:n]


def _hold_ends(features: TrackFeatures, style: Style, chosen: np.ndarray) -> np.ndarray:
    """When each chosen note's hold would end (its time when it is not a hold)."""
    onsets = features.onsets
    times = onsets.times[chosen]
    sustain = onsets.sustain[chosen]
    ends = times + np.where(sustain >= style.hold_min, sustain, 0.0)
    if style.holds_end_before_any and len(chosen) > 1:
        following = np.append(times[1:], np.inf)
        ends = np.where(ends > times, np.minimum(ends, following - HOLD_RELEASE_GAP), ends)
    return ends


def _floor_ms(seconds: float) -> float:
    """Down to the millisecond: a hold rounded up could touch the note after it."""
    return float(np.floor(float(seconds) * 1000.0 + 1e-6) / 1000.0)


def fix_overlaps(notes: list[Note], gap: float = HOLD_RELEASE_GAP, min_hold: float = 0.2) -> list[Note]:
    """Shorten holds so each ends ``gap`` before the next note in its lane (or drop the hold)."""
    ordered = sorted(notes)
    next_in_lane: dict[int, float] = {}
    fixed: list[Note] = []
    for note in reversed(ordered):
        length = note.length
        limit = next_in_lane.get(note.lane, np.inf)
        if length > 0 and note.t + length > limit - gap:
            length = _floor_ms(limit - gap - note.t)
            if length < min_hold:
                length = 0.0
        fixed.append(Note(t=note.t, lane=note.lane, length=max(0.0, length)))
        next_in_lane[note.lane] = note.t
    return sorted(fixed)


def chart_notes(features: TrackFeatures, *, lanes: int = 5) -> dict[str, list[Note]]:
    """Notes for every difficulty, easiest first; density grows strictly from easy to hard whenever the
    track has more than a handful of onsets. Hard may chart everything expert does when the music has
    nothing finer than its quarter-beats: thinning it anyway broke bars of one pattern apart."""
    onsets = features.onsets
    chosen: dict[str, np.ndarray] = {}
    pool = np.arange(len(onsets))
    for name in ("expert", "hard", "medium", "easy"):
        style = STYLES[name]
        picked = select(features, style, pool)
        if name != "expert":
            harder = chosen[_harder(name)]
            limit = int(np.floor(style.max_ratio * len(harder)))
            if len(harder) >= 2 and style.max_ratio < 1.0:
                limit = min(limit, len(harder) - 1)
            picked = cap_density(features, picked, limit)
        chosen[name] = picked
        pool = picked
    result: dict[str, list[Note]] = {}
    phrases = _phrase_pitches(features)
    for name in ("easy", "medium", "hard", "expert"):
        style = STYLES[name]
        n_lanes = min(style.lanes, lanes) if name in ("easy", "medium") else lanes
        melody = melody_lanes(features, n_lanes, _phrases=phrases)
        notes = assign(features, style, chosen[name], n_lanes, melody)
        result[name] = fix_overlaps(notes)
    return result


def _harder(name: str) -> str:
    order = ("easy", "medium", "hard", "expert")
    return order[order.index(name) + 1]
