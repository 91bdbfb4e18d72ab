"""Synthetic music with known onsets, for tests, benchmarks and quality checks.

Everything is numpy and deterministic (seeded noise): drum hits, plucked and held
tones, and :func:`arrange`, a tiny sequencer that places them on a beat grid with
optional swing and tempo changes and returns the signal with the exact time of
every attack. ``librosa.example()`` needs the internet; these do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

SR = 22050


def midi_hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


def kick(sr: int = SR) -> np.ndarray:
    """A sine kick sweeping from 150 Hz to 50 Hz with a short click."""
    t = np.arange(int(0.35 * sr)) / sr
    freq = 50.0 + 100.0 * np.exp(-t / 0.03)
    body = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / 0.15)
    click = np.random.default_rng(1).standard_normal(len(t)) * np.exp(-t / 0.002) * 0.3
    return (body + click).astype(np.float32)


def snare(sr: int = SR, seed: int = 2) -> np.ndarray:
    """Noise with a 190 Hz body."""
    t = np.arange(int(0.25 * sr)) / sr
    noise = np.diff(np.random.default_rng(seed).standard_normal(len(t) + 1)) * 0.5 * np.exp(-t / 0.06)
    body = np.sin(2 * np.pi * 190.0 * t) * np.exp(-t / 0.04)
    return (0.7 * noise + 0.6 * body).astype(np.float32)


def hat(sr: int = SR, seed: int = 3) -> np.ndarray:
    """Twice-differentiated (high-passed) noise, 20 ms decay."""
    t = np.arange(int(0.08 * sr)) / sr
    noise = np.diff(np.random.default_rng(seed).standard_normal(len(t) + 2), n=2) * 0.3
    return (noise * np.exp(-t / 0.02)).astype(np.float32)


def pluck(midi: float, duration: float, sr: int = SR) -> np.ndarray:
    """A plucked tone: six harmonics, brighter partials decaying faster."""
    t = np.arange(int(duration * sr)) / sr
    f0 = midi_hz(midi)
    out = np.zeros(len(t))
    for h in range(1, 7):
        if h * f0 < sr / 2:
            out += np.sin(2 * np.pi * h * f0 * t) * (0.7**h) * np.exp(-t * (2.0 + h))
    out *= np.minimum(1.0, t / 0.002) * np.clip((duration - t) / 0.03, 0.0, 1.0)  # no click at either end
    return out.astype(np.float32)


def held(midi: float, duration: float, sr: int = SR) -> np.ndarray:
    """A held tone (organ-like): 5 ms attack, steady, 40 ms release."""
    t = np.arange(int((duration + 0.04) * sr)) / sr
    f0 = midi_hz(midi)
    out = sum(np.sin(2 * np.pi * h * f0 * t) * 0.6**h for h in range(1, 6) if h * f0 < sr / 2)
    envelope = np.minimum(1.0, t / 0.005) * np.clip((duration + 0.04 - t) / 0.04, 0.0, 1.0)
    return (out * envelope).astype(np.float32)


@dataclass
class Arrangement:
    """A signal and the attack time of every sound in it."""

    y: np.ndarray
    sr: int
    drums: list[tuple[float, str]] = field(default_factory=list)
    notes: list[tuple[float, float, float]] = field(default_factory=list)  # (time, midi, duration)
    beats: list[float] = field(default_factory=list)

    @property
    def onsets(self) -> np.ndarray:
        """Every attack, coincident ones (within 30 ms) counted once."""
        times = np.sort(np.array([t for t, _ in self.drums] + [t for t, _, _ in self.notes]))
        keep: list[float] = []
        for t in times.tolist():
            if not keep or t - keep[-1] >= 0.03:
                keep.append(t)
        return np.array(keep)


def _mix(y: np.ndarray, sound: np.ndarray, at: float, sr: int, gain: float) -> None:
    start = round(at * sr)
    end = min(len(y), start + len(sound))
    if start < len(y):
        y[start:end] += gain * sound[: end - start]


def arrange(*, bpm: float | Sequence[tuple[float, float]] = 120.0, bars: int = 16, start: float = 0.5,
            drums: dict[str, str] | None = None, melody: Sequence[tuple[float, float, float]] = (),
            swing: float = 0.0, gains: Sequence[float] | None = None, tail: float = 2.0, sr: int = SR,
            voice: str = "pluck") -> Arrangement:
    """Place drum patterns and a melody on a beat grid.

    Parameters
    ----------
    bpm : float or sequence of (start_beat, bpm)
        The tempo, or a tempo map.
    bars : int
        Bars of 4 beats.
    start : float
        Seconds of silence before beat 0.
    drums : dict
        One bar per instrument ("kick", "snare", "hat") as 16 steps: ``x`` hit, ``.`` rest.
    melody : sequence of (beat, midi, beats)
        Notes by beat position, pitch and length in beats.
    swing : float
        Fraction of a sixteenth by which odd sixteenths are late.
    gains : sequence of float, optional
        Loudness per bar (verses quieter than choruses); 1 by default.
    voice : str
        "pluck" or "held" for the melody.

    Returns
    -------
    arrangement : Arrangement
    """
    tempo_map = [(0.0, float(bpm))] if isinstance(bpm, (int, float)) else [(float(b), float(t)) for b, t in bpm]

    def seconds(beat: float) -> float:
        t, previous_beat, previous_bpm = start, 0.0, tempo_map[0][1]
        for b, tempo in tempo_map[1:]:
            if beat <= b:
                break
            t += (b - previous_beat) * 60.0 / previous_bpm
            previous_beat, previous_bpm = b, tempo
        t += (beat - previous_beat) * 60.0 / previous_bpm
        step = beat * 4
        if swing and abs(step - round(step)) < 1e-9 and round(step) % 2 == 1:
            t += swing * 15.0 / previous_bpm
        return t

    total_beats = bars * 4
    duration = seconds(total_beats) + tail
    y = np.zeros(int(duration * sr) + 1, dtype=np.float32)
    result = Arrangement(y=y, sr=sr)
    result.beats = [seconds(b) for b in range(total_beats + 1)]
    sounds = {"kick": (kick(sr), 0.9), "snare": (snare(sr), 0.5), "hat": (hat(sr), 0.25)}
    for bar in range(bars):
        gain = 1.0 if gains is None else float(gains[bar % len(gains)])
        for name, pattern in (drums or {}).items():
            sound, level = sounds[name]
            for step, mark in enumerate(pattern):
                if mark == "x":
                    at = seconds(bar * 4 + step / 4)
                    _mix(y, sound, at, sr, level * gain)
                    result.drums.append((at, name))
    for beat, midi, length in melody:
        at = seconds(beat)
        bar = int(beat // 4)
        gain = 1.0 if gains is None else float(gains[bar % len(gains)])
        duration_s = seconds(beat + length) - at
        sound = held(midi, duration_s, sr) if voice == "held" else pluck(midi, max(duration_s, 0.3), sr)
        _mix(y, sound, at, sr, 0.5 * gain)
        result.notes.append((at, midi, duration_s))
    peak = float(np.max(np.abs(y))) or 1.0
    y *= 0.8 / peak
    return result
