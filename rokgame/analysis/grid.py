"""The beat grid: beats timed to the millisecond, their subdivisions, and snapping notes to them.

The beat tracker works on 11.6 ms frames; a chart needs better. Each tracked beat
moves to the refined onset it sits on (when there is one within 35 ms); beats in
gaps follow their neighbours. Subdivisions are placed evenly between beats, and
swing is measured, not assumed: the median lateness of the onsets near the off-beat
sixteenths (and eighths) shifts those grid positions, so a swung hi-hat snaps to
where it is played, not to a straight grid 50 ms away.

A note is snapped only when it is within a few milliseconds of a grid position;
anything further is off the grid on purpose (a push, a fill, rubato) and stays put.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: A beat moves to an onset at most this far away.
BEAT_ONSET_TOLERANCE = 0.035
#: Beats slower than this are subdivided in eighths of a beat, faster ones in quarters.
SLOW_BEAT = 0.55
#: Swing smaller than this fraction of a beat is played straight.
MIN_SWING = 0.02


@dataclass(frozen=True, slots=True)
class Grid:
    """Beat times (seconds) and the subdivision pattern shared by every beat.

    ``positions`` are fractions of a beat (0 = the beat itself), ``levels`` their
    metrical weight: 0 beat, 1 eighth, 2 sixteenth or triplet, 3 thirty-second.
    """

    beats: np.ndarray
    positions: np.ndarray
    levels: np.ndarray

    @property
    def period(self) -> float:
        """The median beat length in seconds (0 without beats)."""
        return float(np.median(np.diff(self.beats))) if len(self.beats) > 1 else 0.0

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """Every grid time inside the beats' span, with its level, sorted by time."""
        if len(self.beats) < 2:
            return self.beats.copy(), np.zeros(len(self.beats), dtype=int)
        starts = self.beats[:-1, None]
        lengths = np.diff(self.beats)[:, None]
        times = (starts + lengths * self.positions[None, :]).ravel()
        levels = np.broadcast_to(self.levels[None, :], (len(starts), len(self.levels))).ravel()
        times = np.concatenate((times, self.beats[-1:]))
        levels = np.concatenate((levels, [0]))
        order = np.argsort(times, kind="stable")
        return times[order], levels[order]


def align_beats(beats: np.ndarray, onsets: np.ndarray, *, tolerance: float = BEAT_ONSET_TOLERANCE) -> np.ndarray:
    """Move each beat onto the nearest onset within ``tolerance``; beats without one follow their neighbours.

    Parameters
    ----------
    beats : np.ndarray
        Beat times (seconds) from the tracker.
    onsets : np.ndarray
        Refined onset times (seconds), sorted.

    Returns
    -------
    aligned : np.ndarray
        Beat times, strictly increasing.
    """
    beats = np.asarray(beats, dtype=np.float64)
    onsets = np.asarray(onsets, dtype=np.float64)
    if len(beats) == 0 or len(onsets) == 0:
        return beats.copy()
    index = np.clip(np.searchsorted(onsets, beats), 1, len(onsets) - 1) if len(onsets) > 1 else np.zeros(
        len(beats), dtype=int)
    left, right = onsets[index - 1] if len(onsets) > 1 else onsets[index], onsets[index]
    nearest = np.where(np.abs(left - beats) <= np.abs(right - beats), left, right)
    shift = nearest - beats
    anchored = np.abs(shift) <= tolerance
    if not np.any(anchored):
        return beats.copy()
    # Unanchored beats take the shift of the anchored beats around them (interpolated).
    shift = np.interp(np.arange(len(beats)), np.flatnonzero(anchored), shift[anchored])
    aligned = beats + shift
    # Two beats must never land on the same onset or cross.
    for i in range(1, len(aligned)):
        if aligned[i] <= aligned[i - 1] + 1e-3:
            aligned[i] = beats[i] if beats[i] > aligned[i - 1] + 1e-3 else aligned[i - 1] + 1e-3
    return aligned


def build_grid(beats: np.ndarray, onsets: np.ndarray) -> Grid:
    """Subdivide ``beats`` and measure swing from ``onsets``.

    Returns
    -------
    grid : Grid
    """
    beats = np.asarray(beats, dtype=np.float64)
    period = float(np.median(np.diff(beats))) if len(beats) > 1 else 0.5
    phase = beat_phase(beats, onsets)
    phase = phase[np.isfinite(phase)]
    # A slow beat is split in eighths only when the music plays there (half-time drum and bass),
    # not because swung sixteenths happen to fall near them.
    odd_eighths = np.abs(phase[:, None] - np.arange(1, 8, 2)[None, :] / 8).min(axis=1) < 1 / 32 if len(
        phase) else np.zeros(0, dtype=bool)
    steps = 8 if period > SLOW_BEAT and len(phase) and odd_eighths.mean() > 0.1 else 4
    positions = np.arange(steps) / steps
    levels = np.full(steps, 3 if steps == 8 else 2)
    levels[0] = 0
    levels[steps // 2] = 1
    if steps == 8:
        levels[[2, 6]] = 2
    # Swing: the median lateness of the onsets near each class of off-beat positions.
    offsets = np.zeros(steps)
    for members in _swing_classes(steps):
        nominal = np.array(members) / steps
        near = np.abs(phase[:, None] - nominal[None, :])
        close = near.min(axis=1) < 0.5 / steps
        if close.sum() < 8:
            continue
        which = np.argmin(near[close], axis=1)
        deviation = phase[close] - nominal[which]
        swing = float(np.median(deviation))
        if abs(swing) >= MIN_SWING and np.median(np.abs(deviation - swing)) < 0.25 / steps:
            offsets[list(members)] = swing
    triplets = np.array([1 / 3, 2 / 3] if steps == 4 else [1 / 6, 1 / 3, 1 / 2, 2 / 3, 5 / 6])
    triplets = triplets[np.min(np.abs(triplets[:, None] - (positions + offsets)[None, :]), axis=1) > 0.02]
    all_positions = np.concatenate((positions + offsets, triplets))
    all_levels = np.concatenate((levels, np.full(len(triplets), 2)))
    order = np.argsort(all_positions)
    return Grid(beats=beats, positions=all_positions[order], levels=all_levels[order])


def _swing_classes(steps: int) -> list[tuple[int, ...]]:
    """Grid positions that swing together: the off-beat sixteenths; the off-beat eighth."""
    if steps == 4:
        return [(1, 3), (2,)]
    return [(1, 3, 5, 7), (2, 6), (4,)]


def beat_phase(beats: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Where each time falls within its beat, as a fraction in [0, 1) (NaN outside the beats)."""
    beats = np.asarray(beats, dtype=np.float64)
    times = np.asarray(times, dtype=np.float64)
    if len(beats) < 2:
        return np.full(len(times), np.nan)
    index = np.searchsorted(beats, times, side="right") - 1
    inside = (index >= 0) & (index < len(beats) - 1)
    safe = np.clip(index, 0, len(beats) - 2)
    phase = (times - beats[safe]) / (beats[safe + 1] - beats[safe])
    return np.where(inside, phase, np.nan)


def snap(times: np.ndarray, grid: Grid, *, tolerance: float = 0.008) -> tuple[np.ndarray, np.ndarray]:
    """Snap times within ``tolerance`` seconds of a grid point onto it.

    Returns
    -------
    snapped : np.ndarray
        Times, moved or not.
    levels : np.ndarray [dtype=int]
        The metrical level of each time's nearest grid point when it is within
        30 ms (or a twelfth of a beat, if less) of it, else 4 (off the grid).
    """
    times = np.asarray(times, dtype=np.float64)
    points, point_levels = grid.points()
    if len(points) == 0 or len(times) == 0:
        return times.copy(), np.full(len(times), 4, dtype=int)
    index = np.clip(np.searchsorted(points, times), 1, max(1, len(points) - 1))
    if len(points) == 1:
        nearest = np.zeros(len(times), dtype=int)
    else:
        left_closer = np.abs(points[index - 1] - times) <= np.abs(points[index] - times)
        nearest = np.where(left_closer, index - 1, index)
    distance = np.abs(points[nearest] - times)
    snapped = np.where(distance <= tolerance, points[nearest], times)
    loose = min(0.03, grid.period / 12) if grid.period else 0.03
    levels = np.where(distance <= max(loose, tolerance), point_levels[nearest], 4)
    # Outside the beats' span nothing is on the grid.
    outside = (times < grid.beats[0] - tolerance) | (times > grid.beats[-1] + tolerance) if len(grid.beats) else True
    levels = np.where(outside, 4, levels)
    return snapped, levels.astype(int)
