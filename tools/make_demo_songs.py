"""Render rokgame's original demo songs and their exact ground truth.

The script is a tiny deterministic sequencer + synthesizer built only on
numpy and scipy.  Every note is scheduled on a beat grid, converted to an
exact sample index through a tempo map (with optional 16th-note swing) and
mixed into per-instrument buses.  Because we place every sound ourselves,
the attack time of each drum hit, melody note and bass note is known to the
sample and is written next to the audio as ``<slug>.truth.json``.

Usage
-----
    .venv/bin/python tools/make_demo_songs.py [--out assets/songs] [--only SLUG]

The output is byte-for-byte reproducible: all noise comes from seeded
``numpy.random.Generator`` objects and the random Ogg stream serial number
that libsndfile picks is rewritten to a fixed value afterwards.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

SR = 44100
SEED = 20240611
ARTIST = "rokgame demo"
OGG_SERIAL = 0x524F4B47  # "ROKG": fixed so the files are byte-reproducible
# libsndfile maps compression level to Vorbis quality as q = 1 - level;
# q ~= 0.3 gives ~100 kbit/s stereo, i.e. well under 1 MB per minute.
OGG_COMPRESSION = 0.7
PEAK_DBFS = -1.0

Array = np.ndarray


# --------------------------------------------------------------------------
# Time: tempo map and swing
# --------------------------------------------------------------------------


@dataclass
class Timeline:
    """Piecewise-constant tempo map with optional 16th-note swing.

    Parameters
    ----------
    segments : list of (start_beat, bpm)
        Tempo changes, the first one must start at beat 0.
    swing : float
        Fraction of a 16th note by which odd 16ths are delayed (0 = straight).
    start : float
        Time in seconds of beat 0 (a little silence before the music).
    """

    segments: list[tuple[float, float]]
    swing: float = 0.0
    start: float = 0.25
    _t0: list[float] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        # Precompute the time at which each tempo segment begins.
        t = self.start
        prev_beat, prev_bpm = self.segments[0]
        self._t0 = [t]
        for beat, bpm in self.segments[1:]:
            t += (beat - prev_beat) * 60.0 / prev_bpm
            self._t0.append(t)
            prev_beat, prev_bpm = beat, bpm

    def _segment(self, beat: float) -> int:
        idx = 0
        for i, (b, _) in enumerate(self.segments):
            if beat >= b - 1e-9:
                idx = i
        return idx

    def bpm_at(self, beat: float) -> float:
        """Tempo in BPM at ``beat``."""
        return self.segments[self._segment(beat)][1]

    def straight_seconds(self, beat: float) -> float:
        """Time of ``beat`` without swing."""
        i = self._segment(beat)
        b0, bpm = self.segments[i]
        return self._t0[i] + (beat - b0) * 60.0 / bpm

    def seconds(self, beat: float) -> float:
        """Time of ``beat`` with swing applied to off-beat 16ths."""
        t = self.straight_seconds(beat)
        if self.swing:
            sixteenth = beat * 4.0
            k = round(sixteenth)
            if abs(sixteenth - k) < 1e-6 and k % 2 == 1:
                t += self.swing * 15.0 / self.bpm_at(beat)
        return t

    def sample(self, beat: float) -> int:
        """Exact sample index of ``beat``; every event attack starts here."""
        return round(self.seconds(beat) * SR)

    def tempo_map(self) -> list[dict[str, float]]:
        """Tempo map in seconds for the truth file."""
        return [
            {"t": round(t, 5), "bpm": float(bpm)}
            for t, (_, bpm) in zip(self._t0, self.segments, strict=True)
        ]


# --------------------------------------------------------------------------
# DSP building blocks
# --------------------------------------------------------------------------


def midi_hz(pitch: float) -> float:
    """Frequency of a MIDI pitch (A4 = 69 = 440 Hz)."""
    return 440.0 * 2.0 ** ((pitch - 69.0) / 12.0)


def lowpass(x: Array, fc: float, order: int = 2) -> Array:
    """Butterworth low-pass filter."""
    sos = signal.butter(order, min(fc, 0.45 * SR), btype="low", fs=SR, output="sos")
    return signal.sosfilt(sos, x)


def highpass(x: Array, fc: float, order: int = 2) -> Array:
    """Butterworth high-pass filter."""
    sos = signal.butter(order, fc, btype="high", fs=SR, output="sos")
    return signal.sosfilt(sos, x)


def bandpass(x: Array, lo: float, hi: float, order: int = 2) -> Array:
    """Butterworth band-pass filter."""
    sos = signal.butter(order, [lo, min(hi, 0.45 * SR)], btype="band", fs=SR, output="sos")
    return signal.sosfilt(sos, x)


def adsr(n_gate: int, n_total: int, a: float, d: float, s: float, r: float) -> Array:
    """ADSR envelope: attack/decay/release in seconds, sustain level 0..1.

    The attack starts at sample 0 so the truth time is the first sample.
    """
    env = np.empty(n_total)
    na, nd = max(1, int(a * SR)), max(1, int(d * SR))
    idx = np.arange(n_total)
    env[:] = s
    env[: min(na, n_total)] = idx[: min(na, n_total)] / na
    dec = (idx >= na) & (idx < na + nd)
    env[dec] = 1.0 - (1.0 - s) * (idx[dec] - na) / nd
    # Level at note-off (the gate may end during attack/decay).
    level = float(env[min(n_gate, n_total) - 1]) if n_gate > 0 else 0.0
    rel = idx >= n_gate
    nr = max(1, int(r * SR))
    env[rel] = level * np.exp(-5.0 * (idx[rel] - n_gate) / nr)
    return env


def phase_of(freq: Array | float, n: int, phase0: float = 0.0) -> Array:
    """Running phase in cycles for a (possibly time-varying) frequency."""
    if np.isscalar(freq):
        return phase0 + float(freq) * np.arange(n) / SR
    return phase0 + np.cumsum(freq) / SR


def saw(ph: Array) -> Array:
    """Naive saw from a phase in cycles (filtered afterwards, so aliasing is tame)."""
    return 2.0 * (ph % 1.0) - 1.0


def pulse(ph: Array, width: float = 0.5) -> Array:
    """Naive pulse wave."""
    return np.where(ph % 1.0 < width, 1.0, -1.0)


def vibrato(f0: float, n: int, rate: float = 5.5, cents: float = 18.0, delay: float = 0.25) -> Array:
    """Frequency curve with vibrato fading in after ``delay`` seconds (held notes sing)."""
    t = np.arange(n) / SR
    depth = np.clip((t - delay) / 0.3, 0.0, 1.0) * cents
    return f0 * 2.0 ** (depth * np.sin(2 * np.pi * rate * t) / 1200.0)


def filter_sweep(x: Array, env: Array, dark_fc: float, bright_fc: float) -> Array:
    """Approximate an envelope-controlled low-pass by crossfading two filters.

    A per-sample time-varying filter would need a Python loop; crossfading a
    dark and a bright copy gives the same "pluck" brightness decay cheaply.
    """
    dark = lowpass(x, dark_fc)
    bright = lowpass(x, bright_fc)
    return dark + (bright - dark) * env


def soft_clip(x: Array, drive: float = 1.0) -> Array:
    """tanh saturation, normalised so small signals keep unity gain."""
    return np.tanh(drive * x) / drive


def exp_decay(n: int, tau: float) -> Array:
    """Exponential decay with time constant ``tau`` seconds."""
    return np.exp(-np.arange(n) / (tau * SR))


# --------------------------------------------------------------------------
# Drum one-shots
# --------------------------------------------------------------------------


def make_kick(rng: np.random.Generator, f_hi: float, f_lo: float, decay: float, click: float) -> Array:
    """Pitched-sine kick: a fast downward pitch sweep plus a short click."""
    n = int(0.45 * SR)
    t = np.arange(n) / SR
    freq = f_lo + (f_hi - f_lo) * np.exp(-t / 0.035)
    body = np.sin(2 * np.pi * np.cumsum(freq) / SR) * np.exp(-t / decay)
    clk = highpass(rng.standard_normal(n), 2000.0) * np.exp(-t / 0.003) * click
    out = soft_clip(body * 1.3 + clk, 1.2)
    out[: int(0.001 * SR)] *= np.linspace(0.3, 1.0, int(0.001 * SR))
    return out


def make_snare(rng: np.random.Generator, tone: float, decay: float, bright: float) -> Array:
    """Noise snare: band-passed noise + a short pitched body."""
    n = int(0.4 * SR)
    t = np.arange(n) / SR
    noise = bandpass(rng.standard_normal(n), 1200.0, bright) * np.exp(-t / decay)
    body = np.sin(2 * np.pi * tone * t) * np.exp(-t / 0.05)
    body += 0.5 * np.sin(2 * np.pi * tone * 1.6 * t) * np.exp(-t / 0.03)
    out = 0.9 * noise / np.max(np.abs(noise)) + 0.6 * body
    return out / np.max(np.abs(out))


def make_clap(rng: np.random.Generator) -> Array:
    """Layered clap: three tight bursts (all within 10 ms) and a tail.

    The bursts sit inside one 10 ms window, so a detector sees one onset.
    """
    n = int(0.35 * SR)
    t = np.arange(n) / SR
    env = np.exp(-t / 0.09) * 0.6
    for off in (0.0, 0.004, 0.009):
        env += np.where(t >= off, np.exp(-(t - off) / 0.004), 0.0)
    out = bandpass(rng.standard_normal(n), 900.0, 5000.0) * env
    return out / np.max(np.abs(out))


def make_hat(rng: np.random.Generator, decay: float, fc: float = 7000.0) -> Array:
    """Hi-hat: high-passed noise with metallic square partials."""
    n = int(max(0.06, decay * 6) * SR)
    t = np.arange(n) / SR
    metal = sum(pulse(f * t) for f in (3150.0, 4230.0, 5430.0, 6750.0, 8150.0)) * 0.15
    x = highpass(rng.standard_normal(n) + metal, fc, order=4) * np.exp(-t / decay)
    return x / np.max(np.abs(x))


def make_crash(rng: np.random.Generator) -> Array:
    """Crash cymbal: long, bright, slightly band-limited noise."""
    n = int(2.2 * SR)
    t = np.arange(n) / SR
    x = bandpass(rng.standard_normal(n), 3500.0, 14000.0, order=2)
    env = np.exp(-t / 0.6) * (0.7 + 0.3 * np.exp(-t / 0.05))
    x = x * env
    return x / np.max(np.abs(x))


def make_tom(rng: np.random.Generator, pitch_hz: float) -> Array:
    """Tom: pitched sine with a short downward glide and a stick-noise attack."""
    n = int(0.5 * SR)
    t = np.arange(n) / SR
    freq = pitch_hz * (1.0 + 0.6 * np.exp(-t / 0.02))
    x = np.sin(2 * np.pi * np.cumsum(freq) / SR) * np.exp(-t / 0.18)
    # The stick attack makes fast fills audible as separate hits.
    x += 0.6 * bandpass(rng.standard_normal(n), 800.0, 5000.0) * np.exp(-t / 0.012)
    return soft_clip(x, 1.2)


@dataclass
class DrumKit:
    """Pre-rendered one-shots (with variants) plus per-instrument mix gain."""

    samples: dict[str, list[Array]]
    gains: dict[str, float]
    truth_name: dict[str, str]
    counter: dict[str, int] = field(default_factory=dict)

    def next_sample(self, inst: str) -> Array:
        """Round-robin through variants so repeated hats don't sound machine-like."""
        k = self.counter.get(inst, 0)
        self.counter[inst] = k + 1
        variants = self.samples[inst]
        return variants[k % len(variants)]


def build_kit(rng: np.random.Generator, style: str) -> DrumKit:
    """Drum kit tuned for a style ('funk', 'house' or 'dnb')."""
    if style == "funk":
        kick = make_kick(rng, 140.0, 48.0, 0.22, 0.35)
        snare = make_snare(rng, 190.0, 0.12, 6500.0)
        samples = {"kick": [kick], "snare": [snare]}
        gains = {"kick": 0.95, "snare": 0.6, "hat": 0.24, "ohat": 0.2, "crash": 0.28, "tom": 0.7}
    elif style == "house":
        kick = make_kick(rng, 170.0, 50.0, 0.28, 0.25)
        samples = {"kick": [kick], "snare": [make_clap(rng)]}
        gains = {"kick": 0.8, "snare": 0.5, "hat": 0.2, "ohat": 0.18, "crash": 0.24, "tom": 0.6}
    else:
        kick = make_kick(rng, 190.0, 55.0, 0.16, 0.9)
        snare = make_snare(rng, 210.0, 0.09, 9000.0)
        samples = {"kick": [kick], "snare": [snare]}
        gains = {"kick": 1.0, "snare": 0.75, "hat": 0.38, "ohat": 0.3, "crash": 0.27, "tom": 0.8}
    samples["hat"] = [make_hat(rng, 0.025) for _ in range(4)]
    samples["ohat"] = [make_hat(rng, 0.11, 6000.0) for _ in range(2)]
    samples["crash"] = [make_crash(rng) for _ in range(2)]
    samples["tom"] = [make_tom(rng, 110.0)]
    samples["tomhi"] = [make_tom(rng, 150.0)]
    samples["tomlo"] = [make_tom(rng, 82.0)]
    gains.update({"tomhi": gains["tom"], "tomlo": gains["tom"]})
    truth = {k: k for k in samples}
    truth.update({"ohat": "hat", "tomhi": "tom", "tomlo": "tom"})
    return DrumKit(samples, gains, truth)


# --------------------------------------------------------------------------
# Pitched voices: each returns (signal, n_gate) for a note
# --------------------------------------------------------------------------

Voice = Callable[[float, int, np.random.Generator], Array]


def voice_square_lead(pitch: float, n_gate: int, rng: np.random.Generator) -> Array:
    """Mellow detuned pulse lead with vibrato on held notes (funk)."""
    n = n_gate + int(0.25 * SR)
    f = vibrato(midi_hz(pitch), n, rate=5.0, cents=20.0, delay=0.3)
    ph0 = rng.random(2)
    x = 0.6 * pulse(phase_of(f, n, ph0[0]), 0.35) + 0.4 * saw(phase_of(f * 1.004, n, ph0[1]))
    env = adsr(n_gate, n, 0.004, 0.15, 0.65, 0.12)
    bright = adsr(n_gate, n, 0.002, 0.12, 0.25, 0.1)
    return filter_sweep(x, bright, 1400.0, 5000.0) * env


def voice_supersaw_lead(pitch: float, n_gate: int, rng: np.random.Generator) -> Array:
    """Detuned supersaw lead with a bright attack (electro-pop)."""
    n = n_gate + int(0.3 * SR)
    f0 = midi_hz(pitch)
    fv = vibrato(f0, n, rate=5.5, cents=12.0, delay=0.35)
    x = np.zeros(n)
    for cents, ph in zip((-14.0, -5.0, 0.0, 5.0, 14.0), rng.random(5), strict=True):
        x += saw(phase_of(fv * 2.0 ** (cents / 1200.0), n, ph))
    x += 0.5 * pulse(phase_of(fv / 2.0, n, 0.0))  # sub-octave body
    env = adsr(n_gate, n, 0.003, 0.2, 0.7, 0.18)
    bright = adsr(n_gate, n, 0.002, 0.15, 0.35, 0.15)
    return filter_sweep(x / 4.0, bright, 2200.0, 7500.0) * env


def voice_drive_lead(pitch: float, n_gate: int, rng: np.random.Generator) -> Array:
    """Overdriven saw+square lead, a little guitar-like (drum & bass / rock)."""
    n = n_gate + int(0.2 * SR)
    fv = vibrato(midi_hz(pitch), n, rate=6.0, cents=25.0, delay=0.3)
    ph = rng.random(3)
    x = saw(phase_of(fv, n, ph[0])) + saw(phase_of(fv * 1.006, n, ph[1]))
    x += 0.7 * pulse(phase_of(fv * 0.997, n, ph[2]), 0.5)
    x = soft_clip(lowpass(x, 5000.0) * 1.2, 1.5)
    env = adsr(n_gate, n, 0.003, 0.12, 0.72, 0.1)
    bright = adsr(n_gate, n, 0.002, 0.1, 0.4, 0.1)
    return filter_sweep(x, bright, 1800.0, 6000.0) * env


def voice_round_bass(pitch: float, n_gate: int, rng: np.random.Generator) -> Array:
    """Round finger-bass: sine + filtered saw with a plucky envelope."""
    n = n_gate + int(0.08 * SR)
    f = midi_hz(pitch)
    ph = phase_of(f, n, 0.0)
    x = np.sin(2 * np.pi * ph) + 0.35 * lowpass(saw(ph + 0.25), 700.0)
    env = adsr(n_gate, n, 0.004, 0.25, 0.55, 0.05)
    return soft_clip(x * 1.2, 1.3) * env


def voice_saw_bass(pitch: float, n_gate: int, rng: np.random.Generator) -> Array:
    """Filtered saw bass with a filter blip (house offbeat bass)."""
    n = n_gate + int(0.05 * SR)
    f = midi_hz(pitch)
    x = saw(phase_of(f, n, 0.0)) + saw(phase_of(f * 1.005, n, 0.5)) * 0.7
    x += 0.8 * np.sin(2 * np.pi * phase_of(f, n))
    env = adsr(n_gate, n, 0.003, 0.12, 0.6, 0.04)
    bright = adsr(n_gate, n, 0.001, 0.09, 0.1, 0.04)
    return filter_sweep(x, bright, 350.0, 1600.0) * env * 0.8


def voice_reese_bass(pitch: float, n_gate: int, rng: np.random.Generator) -> Array:
    """Reese bass: detuned saws through a low-pass plus a clean sub sine."""
    n = n_gate + int(0.06 * SR)
    f = midi_hz(pitch)
    x = saw(phase_of(f * 0.993, n, 0.0)) + saw(phase_of(f * 1.007, n, 0.33))
    x = lowpass(x, 520.0, order=2) * 0.7 + np.sin(2 * np.pi * phase_of(f, n))
    env = adsr(n_gate, n, 0.004, 0.1, 0.85, 0.05)
    return soft_clip(x * 1.1, 1.4) * env


def voice_fm_piano(pitch: float, n_gate: int, rng: np.random.Generator) -> Array:
    """FM electric piano (Rhodes-ish): 1:1 body with a decaying 14:1 tine."""
    n = n_gate + int(0.4 * SR)
    f = midi_hz(pitch)
    t = np.arange(n) / SR
    idx = 1.6 * np.exp(-t / 0.45) + 0.25
    mod = np.sin(2 * np.pi * f * t) * idx
    tine = 0.25 * np.sin(2 * np.pi * 14.0 * f * t) * np.exp(-t / 0.03)
    x = np.sin(2 * np.pi * f * t + mod) + tine
    env = adsr(n_gate, n, 0.002, 1.2, 0.35, 0.3) * np.exp(-t / 3.0)
    return x * env


def voice_fm_pluck(pitch: float, n_gate: int, rng: np.random.Generator) -> Array:
    """FM bell-pluck for arpeggios."""
    n = n_gate + int(0.25 * SR)
    f = midi_hz(pitch)
    t = np.arange(n) / SR
    idx = 3.0 * np.exp(-t / 0.06)
    x = np.sin(2 * np.pi * f * t + idx * np.sin(2 * np.pi * 2.0 * f * t))
    env = adsr(n_gate, n, 0.002, 0.18, 0.0, 0.1)
    return x * env


def voice_pad(pitch: float, n_gate: int, rng: np.random.Generator) -> Array:
    """Slow detuned-saw pad (onsets deliberately soft; never in the truth)."""
    n = n_gate + int(0.5 * SR)
    f = midi_hz(pitch)
    x = np.zeros(n)
    for cents, ph in zip((-10.0, 0.0, 9.0), rng.random(3), strict=True):
        x += saw(phase_of(f * 2.0 ** (cents / 1200.0), n, ph))
    env = adsr(n_gate, n, 0.25, 0.5, 0.8, 0.45)
    return lowpass(x / 3.0, 1800.0) * env


def voice_power_chord(pitch: float, n_gate: int, rng: np.random.Generator) -> Array:
    """Distorted saw chord layer for the rock/dnb choruses."""
    n = n_gate + int(0.1 * SR)
    f = midi_hz(pitch)
    ph = rng.random(2)
    x = saw(phase_of(f, n, ph[0])) + saw(phase_of(f * 1.5, n, ph[1]))
    x = soft_clip(lowpass(x, 2500.0) * 2.5, 1.0)
    env = adsr(n_gate, n, 0.01, 0.2, 0.8, 0.08)
    return lowpass(x, 2200.0) * env


# --------------------------------------------------------------------------
# The song container
# --------------------------------------------------------------------------


@dataclass
class Bus:
    """A mono mixing bus with pan and effect sends."""

    gain: float = 1.0
    pan: float = 0.0  # -1 left .. +1 right
    reverb: float = 0.0
    delay: float = 0.0
    sidechain: float = 0.0  # pump depth from the kick
    data: Array | None = None


class Song:
    """Collects scheduled events into buses and the ground truth."""

    def __init__(self, slug: str, title: str, timeline: Timeline, n_beats: float, seed: int,
                 limit_s: float | None = None) -> None:
        self.slug, self.title, self.tl = slug, title, timeline
        self.rng = np.random.default_rng(seed)
        self.n_beats = n_beats
        self.end_sample = timeline.sample(n_beats)
        self.n = self.end_sample + int(4.0 * SR)  # room for the last ring-out
        if limit_s is not None:
            # Excerpt mode (tests): events past the limit are recorded but not synthesised.
            self.n = min(self.n, int(limit_s * SR))
        self.buses: dict[str, Bus] = {}
        self.kit: DrumKit | None = None
        self.drums: list[dict] = []
        self.melody: list[dict] = []
        self.bass: list[dict] = []
        self.sections: list[dict] = []
        self.kick_samples: list[int] = []

    # -- buses -----------------------------------------------------------
    def bus(self, name: str, **kw: float) -> Bus:
        """Create (or fetch) a bus."""
        if name not in self.buses:
            self.buses[name] = Bus(**kw)
            self.buses[name].data = np.zeros(self.n)
        return self.buses[name]

    def mix_in(self, bus: str, x: Array, start: int, gain: float = 1.0) -> None:
        """Add ``x`` into ``bus`` starting at sample ``start``."""
        data = self.buses[bus].data
        assert data is not None
        end = min(self.n, start + len(x))
        if end > start:
            data[start:end] += gain * x[: end - start]

    # -- events ----------------------------------------------------------
    def section(self, beat: float, name: str) -> None:
        """Mark a song section starting at ``beat``."""
        self.sections.append({"t": round(self.tl.sample(beat) / SR, 5), "name": name})

    def hit(self, beat: float, inst: str, vel: float = 1.0) -> None:
        """Schedule a drum hit and record it in the truth."""
        assert self.kit is not None
        s = self.tl.sample(beat)
        x = self.kit.next_sample(inst)  # advance the round-robin even when not heard
        # Velocity maps to loudness with a gentle curve (ghosts stay audible).
        self.mix_in("drums", x, s, self.kit.gains[inst] * vel**1.2)
        if inst == "kick":
            self.kick_samples.append(s)
        self.drums.append(
            {"t": round(s / SR, 5), "instrument": self.kit.truth_name[inst], "velocity": round(vel, 3)}
        )

    def note(
        self,
        bus: str,
        voice: Voice,
        beat: float,
        dur: float,
        pitch: int,
        vel: float = 1.0,
        truth: list[dict] | None = None,
    ) -> None:
        """Schedule a pitched note of ``dur`` beats; optionally record truth."""
        s = self.tl.sample(beat)
        e = self.tl.sample(beat + dur)
        if s < self.n:
            self.mix_in(bus, voice(float(pitch), max(1, e - s), self.rng), s, vel)
        if truth is not None:
            truth.append({"t": round(s / SR, 5), "pitch": int(pitch), "duration": round((e - s) / SR, 5)})

    def pattern(self, bar_beat: float, pat: dict[str, str], steps_per_beat: int = 4) -> None:
        """Play a drum pattern written as one string per instrument.

        ``X`` = accent (1.0), ``x`` = normal (0.8), ``o`` = ghost (0.55),
        anything else = rest.  One character per grid step.
        """
        vel = {"X": 1.0, "x": 0.8, "o": 0.55}
        for inst, row in pat.items():
            for i, ch in enumerate(row):
                if ch in vel:
                    self.hit(bar_beat + i / steps_per_beat, inst, vel[ch])

    # -- rendering ---------------------------------------------------------
    def sidechain_curve(self, depth: float) -> Array:
        """Gain curve that ducks after every kick (the "pumping" pad)."""
        g = np.ones(self.n)
        shape = 1.0 - depth * np.exp(-np.arange(int(0.35 * SR)) / (0.09 * SR))
        for s in self.kick_samples:
            end = min(self.n, s + len(shape))
            g[s:end] = np.minimum(g[s:end], shape[: end - s])
        return g

    def render(self, reverb_len: float, reverb_mix: float, delay_beats: float) -> Array:
        """Mix buses, add delay + reverb, master to stereo float in [-1, 1]."""
        out = np.zeros((2, self.n))
        rev_send = np.zeros(self.n)
        dly_send = np.zeros(self.n)
        for b in self.buses.values():
            x = b.data * b.gain
            if b.sidechain:
                x = x * self.sidechain_curve(b.sidechain)
            # Constant-power pan.
            ang = (b.pan + 1.0) * math.pi / 4.0
            out[0] += x * math.cos(ang) * math.sqrt(2)
            out[1] += x * math.sin(ang) * math.sqrt(2)
            rev_send += x * b.reverb
            dly_send += x * b.delay
        bpm = self.tl.bpm_at(0)
        out += stereo_delay(dly_send, delay_beats * 60.0 / bpm)
        out += reverb_mix * stereo_reverb(rev_send, reverb_len, self.rng)
        # Short tail fade only after the final hit has rung out, then trim.
        out = out[:, : self.n]
        return master(out)


def stereo_delay(x: Array, delay_s: float, feedback: float = 0.42, taps: int = 6) -> Array:
    """Ping-pong feedback delay, unrolled into a few damped taps."""
    d = round(delay_s * SR)
    out = np.zeros((2, len(x)))
    y = lowpass(x, 3500.0)
    for k in range(1, taps + 1):
        g = feedback**k
        ch = (k + 1) % 2
        out[ch, k * d :] += g * y[: len(x) - k * d]
    return out * 0.5


def stereo_reverb(x: Array, length: float, rng: np.random.Generator) -> Array:
    """Convolution reverb with a synthetic, decaying, decorrelated noise IR."""
    n = int(length * SR)
    t = np.arange(n) / SR
    env = np.exp(-6.9 * t / length)  # -60 dB at ``length``
    pre = int(0.012 * SR)  # small pre-delay keeps the dry attack clean
    out = np.zeros((2, len(x)))
    for ch in range(2):
        ir = rng.standard_normal(n) * env
        ir = lowpass(ir, 6000.0)
        ir[:pre] = 0.0
        ir /= np.sqrt(np.sum(ir**2))
        out[ch] = signal.oaconvolve(x, ir)[: len(x)]
    return out


def master(x: Array) -> Array:
    """Glue compression-ish soft clip and peak normalisation to ``PEAK_DBFS``."""
    x = highpass(x, 28.0)
    peak = np.max(np.abs(x))
    x = soft_clip(x / peak * 1.4, 1.0)  # gentle saturation on the loudest peaks
    target = 10 ** (PEAK_DBFS / 20.0)
    return x / np.max(np.abs(x)) * target


# --------------------------------------------------------------------------
# Music helpers
# --------------------------------------------------------------------------

Phrase = list[tuple[float, float, int]]  # (beat offset, duration in beats, MIDI pitch)


def play_phrase(song: Song, bus: str, voice: Voice, start: float, phrase: Phrase, vel: float = 1.0,
                transpose: int = 0) -> None:
    """Play a melody phrase and record it as melody truth."""
    for off, dur, pitch in phrase:
        song.note(bus, voice, start + off, dur, pitch + transpose, vel, truth=song.melody)


def play_chord(song: Song, bus: str, voice: Voice, beat: float, dur: float, pitches: Iterable[int],
               vel: float = 1.0) -> None:
    """Play a chord (accompaniment only, not part of the truth)."""
    for p in pitches:
        song.note(bus, voice, beat, dur, p, vel)


def play_bass(song: Song, voice: Voice, start: float, root: int, pattern: list[tuple[float, float, int]],
              vel: float = 1.0) -> None:
    """Play one bar of a bass pattern of (beat, dur, interval) relative to ``root``."""
    for off, dur, iv in pattern:
        song.note("bass", voice, start + off, dur, root + iv, vel, truth=song.bass)


# --------------------------------------------------------------------------
# Song 1: Sunday Groove (90 BPM, swung funk / hip-hop, D dorian)
# --------------------------------------------------------------------------

GROOVE_CHORDS = {
    # name: (bass root, electric piano voicing)
    "Dm9": (38, [53, 57, 60, 64]),
    "G13": (43, [53, 59, 64]),
    "Bbmaj7": (34, [53, 57, 62]),
    "Am7": (33, [55, 60, 64]),
    "Gm7": (31, [53, 58, 62]),
    "C9": (36, [52, 58, 62]),
}

GROOVE_BASS_A = [(0.0, 0.75, 0), (0.75, 0.25, 0), (1.5, 0.5, 12), (2.25, 0.25, 10), (2.5, 0.5, 7),
                 (3.25, 0.25, 5), (3.5, 0.5, 3)]
GROOVE_BASS_B = [(0.0, 1.0, 0), (1.5, 0.25, 0), (1.75, 0.5, 7), (2.5, 0.25, 12), (3.0, 0.5, 10),
                 (3.5, 0.25, 7)]
GROOVE_BASS_SPARSE = [(0.0, 1.5, 0), (2.5, 0.5, 7), (3.25, 0.5, 10)]

# Verse hook: call (bar 1) / answer (bar 2) with a held note in each bar.
GROOVE_VERSE_A: Phrase = [(0.5, 0.5, 69), (1.0, 0.5, 72), (1.5, 1.5, 74), (3.5, 0.5, 72),
                          (4.0, 0.5, 69), (4.5, 0.25, 67), (4.75, 0.25, 69), (5.0, 2.0, 65)]
GROOVE_VERSE_B: Phrase = [(0.5, 0.5, 69), (1.0, 0.5, 72), (1.5, 1.0, 74), (2.5, 0.5, 77), (3.0, 1.0, 76),
                          (4.0, 0.5, 74), (4.5, 0.5, 72), (5.0, 0.5, 69), (5.5, 2.0, 74)]
GROOVE_CHORUS_A: Phrase = [(0.0, 0.75, 77), (0.75, 0.25, 76), (1.0, 0.5, 74), (1.5, 1.5, 72),
                           (3.0, 0.5, 69), (3.5, 0.5, 72), (4.0, 0.75, 76), (4.75, 0.25, 74),
                           (5.0, 0.5, 72), (5.5, 2.0, 69)]
GROOVE_CHORUS_B: Phrase = [(0.0, 0.75, 74), (0.75, 0.25, 72), (1.0, 0.5, 70), (1.5, 1.5, 69),
                           (3.0, 0.5, 67), (3.5, 0.5, 69), (4.0, 0.5, 72), (4.5, 0.5, 76),
                           (5.0, 2.5, 74)]
GROOVE_BRIDGE: Phrase = [(0.0, 3.0, 81), (3.0, 0.5, 79), (3.5, 0.5, 77), (4.0, 3.0, 76), (7.0, 0.5, 74),
                         (7.5, 0.5, 72), (8.0, 2.0, 74), (10.0, 0.5, 72), (10.5, 0.5, 69), (11.0, 4.5, 69)]

GROOVE_BEAT = {
    "kick": "X.....x...x.....",
    "snare": "....X......o.X..",
    "hat": "x.xox.xox.xox.xo",
}
GROOVE_BEAT_B = {
    "kick": "X.....x.x.....x.",
    "snare": "....X..o....X...",
    "hat": "x.xox.xox.xox.x.",
}
GROOVE_FILL = {
    "kick": "X.....x.........",
    "snare": "....X.......x.xx",
    "tomhi": "........x.......",
    "tomlo": "..........x.....",
    "hat": "x.x.x.x.........",
}


def build_sunday_groove(limit_s: float | None = None) -> Song:
    """Laid-back swung groove: intro, verse, chorus, bridge, verse, chorus, outro."""
    tl = Timeline([(0.0, 90.0)], swing=0.3)
    bars = 40
    song = Song("sunday-groove", "Sunday Groove", tl, bars * 4, SEED + 1, limit_s)
    song.kit = build_kit(np.random.default_rng(SEED + 11), "funk")
    song.bus("drums", gain=1.0, reverb=0.08)
    song.bus("bass", gain=0.55)
    song.bus("keys", gain=0.23, pan=-0.25, reverb=0.3)
    song.bus("lead", gain=0.42, pan=0.1, reverb=0.22, delay=0.16)

    verse = ["Dm9", "G13", "Dm9", "G13"]
    chorus = ["Bbmaj7", "Am7", "Gm7", "C9"]
    plan = (["intro"] * 4 + ["verse"] * 8 + ["chorus"] * 8 + ["bridge"] * 4 + ["verse2"] * 4
            + ["chorus"] * 8 + ["outro"] * 4)
    assert len(plan) == bars
    names = {"verse2": "verse"}
    for bar, sec in enumerate(plan):
        b0 = bar * 4.0
        if bar == 0 or plan[bar - 1] != sec:
            song.section(b0, names.get(sec, sec))
        prog = chorus if sec in ("chorus", "bridge") else verse
        chord = prog[bar % 4]
        root, voicing = GROOVE_CHORDS[chord]
        last_of_section = bar + 1 < bars and plan[bar + 1] != sec
        # Keys: a stab on 1 and a syncopated push on the "and" of 2.
        play_chord(song, "keys", voice_fm_piano, b0, 1.4, voicing, 0.9)
        play_chord(song, "keys", voice_fm_piano, b0 + 2.5, 1.0, voicing, 0.6)
        if sec == "intro":
            song.pattern(b0, {"hat": "x.xox.xox.xox.xo"} if bar >= 2 else {"hat": "x...x...x...x..."})
            if bar == 3:
                song.pattern(b0, {"snare": "............x.xx"})
            continue
        if sec == "outro":
            if bar == bars - 1:
                # Final chord + crash on beat 1; the song ends by ringing out.
                song.hit(b0, "crash", 1.0)
                song.hit(b0, "kick", 1.0)
                song.note("bass", voice_round_bass, b0, 3.0, 38, truth=song.bass)
                song.note("lead", voice_square_lead, b0, 3.0, 74, 0.9, truth=song.melody)
            else:
                song.pattern(b0, GROOVE_BEAT_B if bar % 2 else GROOVE_BEAT)
                play_bass(song, voice_round_bass, b0, root, GROOVE_BASS_SPARSE)
                if bar == bars - 4:
                    song.hit(b0, "crash", 0.9)
                    play_phrase(song, "lead", voice_square_lead, b0, GROOVE_VERSE_A, 0.9)
            continue
        if bar == 0 or plan[bar - 1] != sec:
            song.hit(b0, "crash", 1.0 if sec == "chorus" else 0.8)
        beat = GROOVE_FILL if last_of_section else (GROOVE_BEAT_B if bar % 2 else GROOVE_BEAT)
        if sec == "bridge":
            # Half the drums drop out: kick + rim-like snare on 3, open hats.
            beat = {"kick": "X.......X.......", "snare": "........X.......", "ohat": "..x...x...x...x."}
            if last_of_section:
                beat = {"kick": "X.......", "snare": "....X.x.x.xxXXXX"[:16], "crash": ""}
        song.pattern(b0, beat)
        bass_pat = GROOVE_BASS_SPARSE if sec in ("verse", "verse2", "bridge") and bar % 2 == 0 else (
            GROOVE_BASS_B if sec == "chorus" and bar % 2 else GROOVE_BASS_A)
        play_bass(song, voice_round_bass, b0, root, bass_pat)
        # Lead: two-bar phrases start on even bars of each section.
        rel = bar - plan.index(sec)
        if rel % 2 == 0:
            if sec in ("verse", "verse2"):
                # Call (A) and answer (B): same opening, different ending.
                phrase = GROOVE_VERSE_B if rel % 4 == 2 else GROOVE_VERSE_A
                play_phrase(song, "lead", voice_square_lead, b0, phrase, 0.85)
            elif sec == "chorus":
                phrase = GROOVE_CHORUS_B if rel % 4 == 2 else GROOVE_CHORUS_A
                play_phrase(song, "lead", voice_square_lead, b0, phrase, 1.0)
            elif sec == "bridge" and rel == 0:
                play_phrase(song, "lead", voice_square_lead, b0, GROOVE_BRIDGE, 0.95)
    return song


# --------------------------------------------------------------------------
# Song 2: Neon Drive (128 BPM electro-pop / house, A minor)
# --------------------------------------------------------------------------

NEON_CHORDS = {
    "Am": (45, [57, 60, 64]),
    "F": (41, [57, 60, 65]),
    "C": (48, [55, 60, 64]),
    "G": (43, [55, 59, 62]),
    "Em": (40, [55, 59, 64]),
    "Dm": (38, [57, 62, 65]),
}

NEON_VERSE: Phrase = [(0.0, 0.5, 69), (0.5, 0.5, 72), (1.0, 1.0, 71), (2.0, 0.5, 69), (2.5, 1.5, 67),
                      (4.0, 0.5, 69), (4.5, 0.5, 72), (5.0, 0.5, 71), (5.5, 0.5, 72), (6.0, 2.0, 76)]
NEON_VERSE_B: Phrase = [(0.0, 0.5, 69), (0.5, 0.5, 72), (1.0, 1.0, 71), (2.0, 0.5, 69), (2.5, 1.5, 67),
                        (4.0, 0.5, 65), (4.5, 0.5, 67), (5.0, 0.5, 69), (5.5, 0.5, 67), (6.0, 2.0, 64)]
NEON_HOOK: Phrase = [(0.0, 1.0, 76), (1.0, 0.5, 74), (1.5, 0.5, 72), (2.0, 1.5, 74), (3.5, 0.5, 72),
                     (4.0, 0.5, 72), (4.5, 0.5, 71), (5.0, 0.5, 72), (5.5, 0.5, 76), (6.0, 2.0, 79)]
NEON_HOOK_B: Phrase = [(0.0, 1.0, 76), (1.0, 0.5, 74), (1.5, 0.5, 72), (2.0, 1.5, 74), (3.5, 0.5, 72),
                       (4.0, 0.5, 71), (4.5, 0.5, 72), (5.0, 0.5, 71), (5.5, 0.5, 67), (6.0, 2.0, 69)]
NEON_BREAK: Phrase = [(0.0, 2.0, 72), (2.0, 2.0, 71), (4.0, 1.0, 67), (5.0, 3.0, 69)]

NEON_BASS_OFFBEAT = [(0.5, 0.35, 0), (1.5, 0.35, 12), (2.5, 0.35, 0), (3.5, 0.35, 12)]
NEON_BASS_DRIVE = [(0.0, 0.25, 0), (0.5, 0.35, 0), (0.75, 0.25, 12), (1.5, 0.35, 0), (2.0, 0.25, 0),
                   (2.5, 0.35, 12), (3.0, 0.25, 0), (3.5, 0.35, 7)]


def neon_arp(song: Song, b0: float, voicing: list[int], vel: float) -> None:
    """16th-note arpeggio over the chord, up an octave (accompaniment)."""
    order = [0, 1, 2, 1, 0, 1, 2, 1 + 3, 0, 1, 2, 1, 0, 1, 2, 1 + 3]
    tones = [*voicing, voicing[0] + 12, voicing[1] + 12]
    for i, k in enumerate(order):
        song.note("arp", voice_fm_pluck, b0 + i * 0.25, 0.2, tones[k] + 12, vel * (1.0 if i % 4 == 0 else 0.7))


def build_neon_drive(limit_s: float | None = None) -> Song:
    """Four-on-the-floor electro-pop with a pumping pad, arp and supersaw hook."""
    tl = Timeline([(0.0, 128.0)])
    plan = (["intro"] * 8 + ["verse"] * 8 + ["build"] * 4 + ["chorus"] * 8 + ["break"] * 8
            + ["build2"] * 4 + ["chorus2"] * 8 + ["outro"] * 6)
    bars = len(plan)
    song = Song("neon-drive", "Neon Drive", tl, bars * 4, SEED + 2, limit_s)
    song.kit = build_kit(np.random.default_rng(SEED + 12), "house")
    song.bus("drums", gain=1.0, reverb=0.06)
    song.bus("bass", gain=0.42, sidechain=0.5)
    song.bus("pad", gain=0.16, reverb=0.4, sidechain=0.85)
    song.bus("arp", gain=0.07, pan=-0.35, delay=0.35, reverb=0.2, sidechain=0.4)
    song.bus("lead", gain=0.6, pan=0.08, reverb=0.2, delay=0.18)
    names = {"build2": "build", "chorus2": "chorus"}
    main_prog = ["Am", "F", "C", "G"]
    break_prog = ["F", "G", "Em", "Am"]
    for bar, sec in enumerate(plan):
        b0 = bar * 4.0
        first = bar == 0 or plan[bar - 1] != sec
        if first:
            song.section(b0, names.get(sec, sec))
        rel = bar - plan.index(sec)
        prog = break_prog if sec == "break" else main_prog
        root, voicing = NEON_CHORDS[prog[bar % 4]]
        is_chorus = sec in ("chorus", "chorus2")
        # Pad holds the chord all bar, ducked by the kick.
        if sec not in ("intro",) or rel >= 4:
            play_chord(song, "pad", voice_pad, b0, 4.0, [*voicing, voicing[0] - 12], 1.0)
        if sec in ("intro", "break") or is_chorus:
            neon_arp(song, b0, voicing, 1.0 if sec != "intro" else 0.8)
        if sec == "outro":
            if bar == bars - 1:
                song.hit(b0, "crash", 1.0)
                song.hit(b0, "kick", 1.0)
                song.note("bass", voice_saw_bass, b0, 2.0, 45, truth=song.bass)
                song.note("lead", voice_supersaw_lead, b0, 3.0, 69, 0.9, truth=song.melody)
                continue
            song.pattern(b0, {"kick": "X...X...X...X...", "ohat": "..x...x...x...x."})
            if first:
                song.hit(b0, "crash", 0.9)
                play_phrase(song, "lead", voice_supersaw_lead, b0, NEON_HOOK_B, 0.8)
            play_bass(song, voice_saw_bass, b0, root, NEON_BASS_OFFBEAT)
            continue
        if sec == "intro":
            # Kick comes in on bar 4; hats on bar 6; no snare yet.
            pat = {}
            if rel >= 4:
                pat["kick"] = "X...X...X...X..."
            if rel >= 6:
                pat["ohat"] = "..x...x...x...x."
            if rel == 7:
                pat["snare"] = "............x.x."
            song.pattern(b0, pat)
            continue
        if sec in ("build", "build2"):
            # Snare roll that doubles up: quarters, 8ths, 16ths.
            roll = ["x...x...x...x...", "x...x...x...x...", "x.x.x.x.x.x.x.x.", "xxxxxxxxxxxxXXXX"][rel]
            song.pattern(b0, {"kick": "X...X...X...X..." if rel < 3 else "X...X...X.......", "snare": roll})
            play_bass(song, voice_saw_bass, b0, root, NEON_BASS_OFFBEAT)
            if first:
                song.hit(b0, "crash", 0.7)
            # Rising held notes over the build (lead sustains).
            song.note("lead", voice_supersaw_lead, b0, 2.0, [64, 65, 67, 71][rel], 0.7, truth=song.melody)
            song.note("lead", voice_supersaw_lead, b0 + 2.0, 1.5, [67, 69, 71, 72][rel], 0.75,
                      truth=song.melody)
            continue
        if first and sec != "verse":
            song.hit(b0, "crash", 1.0)
        elif first:
            song.hit(b0, "crash", 0.8)
        if sec == "break":
            # Drums drop to hats only so the break breathes; lead plays long notes.
            song.pattern(b0, {"hat": "..x...x...x...x."} if rel < 4 else
                         {"hat": "..x...x...x...x.", "kick": "X.......X......."})
            if rel in (0, 4):
                play_phrase(song, "lead", voice_supersaw_lead, b0, NEON_BREAK, 0.8)
            continue
        if sec == "verse":
            # First half of the verse: kick and clap only, then offbeat hats join.
            song.pattern(b0, {"kick": "X...X...X...X...", "snare": "....x.......x...",
                              "ohat": "..x...x...x...x." if rel >= 4 else ""})
            play_bass(song, voice_saw_bass, b0, root, NEON_BASS_OFFBEAT)
            if rel % 2 == 0:
                phrase = NEON_VERSE_B if rel % 4 == 2 else NEON_VERSE
                play_phrase(song, "lead", voice_supersaw_lead, b0, phrase, 0.8)
            continue
        # Chorus: full groove with 16th closed hats around the offbeat open hats.
        song.pattern(b0, {"kick": "X...X...X...X...", "snare": "....X.......X...",
                          "hat": "xx.xxx.xxx.xxx.x"})
        song.pattern(b0, {"ohat": "..x...x...x...x."})
        play_bass(song, voice_saw_bass, b0, root, NEON_BASS_DRIVE)
        if rel % 2 == 0:
            phrase = NEON_HOOK_B if rel % 4 == 2 else NEON_HOOK
            play_phrase(song, "lead", voice_supersaw_lead, b0, phrase, 1.0)
    return song


# --------------------------------------------------------------------------
# Song 3: Overdrive (150 -> 170 BPM drum & bass / rock, E minor)
# --------------------------------------------------------------------------

OD_CHORDS = {
    "Em": (40, [52, 59]),
    "C": (36, [48, 55]),
    "G": (43, [55, 62]),
    "D": (38, [50, 57]),
    "Am": (45, [57, 64]),
    "B": (47, [59, 66]),
}

# Melodies use long notes (half/whole) on top of the fast drums.
OD_VERSE: Phrase = [(0.0, 1.0, 71), (1.0, 1.0, 74), (2.0, 2.0, 76), (4.0, 0.5, 74), (4.5, 0.5, 76),
                    (5.0, 1.0, 79), (6.0, 2.0, 78)]
OD_VERSE_B: Phrase = [(0.0, 1.0, 71), (1.0, 1.0, 74), (2.0, 2.0, 76), (4.0, 0.5, 79), (4.5, 0.5, 78),
                      (5.0, 1.0, 76), (6.0, 2.0, 74)]
OD_HOOK: Phrase = [(0.0, 0.5, 79), (0.5, 0.5, 78), (1.0, 0.5, 76), (1.5, 2.5, 79), (4.0, 0.5, 76),
                   (4.5, 0.5, 74), (5.0, 0.5, 71), (5.5, 2.5, 74)]
OD_HOOK_B: Phrase = [(0.0, 0.5, 79), (0.5, 0.5, 78), (1.0, 0.5, 76), (1.5, 2.5, 83), (4.0, 0.5, 81),
                     (4.5, 0.5, 79), (5.0, 0.5, 78), (5.5, 2.5, 76)]
OD_BRIDGE: Phrase = [(0.0, 4.0, 72), (4.0, 2.0, 71), (6.0, 2.0, 67), (8.0, 4.0, 69), (12.0, 4.0, 71)]

OD_ROCK = {"kick": "X.....x.X.......", "snare": "....X.......X...", "hat": "x.x.x.x.x.x.x.x."}
OD_DNB = {"kick": "X.........X.....", "snare": "....X.......X...", "hat": "x.x.x.x.x.x.x.x."}
OD_DNB_B = {"kick": "X.........x.....", "snare": "....X.......X..X", "hat": "x.x.x.x.x.x.x.x."}
OD_HALF = {"kick": "X.......x.......", "snare": "........X.......", "ohat": "x...x...x...x..."}
OD_FILL = {"kick": "X...............", "snare": "....x.x.xx..xxxx", "tomhi": "..........x.....",
           "tomlo": "...........x...."}
OD_BASS_ROCK = [(0.0, 0.4, 0), (0.5, 0.4, 0), (1.0, 0.4, 0), (1.5, 0.4, 0), (2.0, 0.4, 0), (2.5, 0.4, 12),
                (3.0, 0.4, 0), (3.5, 0.4, 10)]
OD_BASS_DNB = [(0.0, 1.5, 0), (2.5, 0.75, 0), (3.25, 0.5, 12)]
OD_BASS_HALF = [(0.0, 3.5, 0)]


def build_overdrive(limit_s: float | None = None) -> Song:
    """Rock intro at 150 BPM that lifts into 170 BPM drum & bass, with a half-time bridge."""
    slow_bars = 16
    plan = (["intro"] * 8 + ["verse"] * 8 + ["chorus"] * 16 + ["bridge"] * 8 + ["verse2"] * 8
            + ["chorus2"] * 16 + ["outro"] * 4)
    bars = len(plan)
    tl = Timeline([(0.0, 150.0), (slow_bars * 4.0, 170.0)])
    song = Song("overdrive-170", "Overdrive", tl, bars * 4, SEED + 3, limit_s)
    song.kit = build_kit(np.random.default_rng(SEED + 13), "dnb")
    song.bus("drums", gain=1.0, reverb=0.07)
    song.bus("bass", gain=0.4)
    song.bus("gtr", gain=0.08, pan=-0.3, reverb=0.1)
    song.bus("pad", gain=0.08, pan=0.3, reverb=0.3)
    song.bus("lead", gain=0.36, pan=0.05, reverb=0.16, delay=0.12)
    names = {"verse2": "verse", "chorus2": "chorus"}
    prog_main = ["Em", "C", "G", "D"]
    prog_bridge = ["C", "D", "Am", "B"]
    for bar, sec in enumerate(plan):
        b0 = bar * 4.0
        first = bar == 0 or plan[bar - 1] != sec
        last = bar + 1 < bars and plan[bar + 1] != sec
        if first:
            song.section(b0, names.get(sec, sec))
        rel = bar - plan.index(sec)
        prog = prog_bridge if sec == "bridge" else prog_main
        root, power = OD_CHORDS[prog[(rel // 2) % 4] if sec in ("chorus", "chorus2") else prog[bar % 4]]
        is_chorus = sec in ("chorus", "chorus2")
        if sec == "outro":
            if bar == bars - 1:
                song.hit(b0, "crash", 1.0)
                song.hit(b0, "kick", 1.0)
                song.note("bass", voice_reese_bass, b0, 3.0, 40, truth=song.bass)
                song.note("lead", voice_drive_lead, b0, 4.0, 76, 0.9, truth=song.melody)
                play_chord(song, "gtr", voice_power_chord, b0, 4.0, [40, 47, 52], 1.0)
                continue
            song.pattern(b0, {"kick": "X.......X.......", "snare": "....X.......X.X.",
                              "hat": "x.x.x.x.x.x.x.x."} if rel < 2 else OD_FILL)
            if rel == 0:
                song.hit(b0, "crash", 1.0)
                play_phrase(song, "lead", voice_drive_lead, b0, OD_HOOK_B[:5], 0.9)
            play_bass(song, voice_reese_bass, b0, root, OD_BASS_DNB)
            continue
        if sec == "intro":
            # Guitar-ish chords and rock beat at 150 BPM.
            play_chord(song, "gtr", voice_power_chord, b0, 3.75, [root, root + 7, root + 12], 0.7)
            if rel >= 4:
                song.pattern(b0, OD_FILL if last else OD_ROCK)
                play_bass(song, voice_reese_bass, b0, root, OD_BASS_ROCK)
            else:
                song.pattern(b0, {"hat": "x.x.x.x.x.x.x.x."} if rel >= 2 else {"hat": "x...x...x...x..."})
            if rel == 4:
                song.hit(b0, "crash", 1.0)
            continue
        if sec == "bridge":
            third = 3 if prog[bar % 4] == "Am" else 4  # minor or major third on top of the fifth
            play_chord(song, "pad", voice_pad, b0, 4.0, [*power, power[0] + third], 1.0)
            song.pattern(b0, OD_FILL if last else OD_HALF)
            play_bass(song, voice_reese_bass, b0, root, OD_BASS_HALF)
            if first:
                song.hit(b0, "crash", 0.9)
            if rel % 4 == 0:
                play_phrase(song, "lead", voice_drive_lead, b0, OD_BRIDGE, 0.85)
            continue
        if first:
            song.hit(b0, "crash", 1.0)
        if sec == "verse" and bar < slow_bars:
            # Still 150 BPM: rock beat, lead enters.
            song.pattern(b0, OD_FILL if last else OD_ROCK)
            play_bass(song, voice_reese_bass, b0, root, OD_BASS_ROCK)
        else:
            beat = OD_FILL if last else (OD_DNB_B if bar % 2 else OD_DNB)
            song.pattern(b0, beat)
            play_bass(song, voice_reese_bass, b0, root, OD_BASS_DNB)
        if is_chorus:
            play_chord(song, "gtr", voice_power_chord, b0, 3.9, [root + 12, root + 19, root + 24], 0.8)
            play_chord(song, "pad", voice_pad, b0, 4.0, [p + 12 for p in power], 1.0)
            if rel % 8 == 0 and not first:
                song.hit(b0, "crash", 0.9)
            if rel % 2 == 0:
                phrase = OD_HOOK_B if rel % 8 == 6 else OD_HOOK
                play_phrase(song, "lead", voice_drive_lead, b0, phrase, 1.0)
        elif rel % 2 == 0:
            phrase = OD_VERSE_B if rel % 4 == 2 else OD_VERSE
            play_phrase(song, "lead", voice_drive_lead, b0, phrase, 0.85)
    return song


# --------------------------------------------------------------------------
# Output: truth JSON and reproducible OGG
# --------------------------------------------------------------------------


def truth_dict(song: Song, duration: float) -> dict:
    """Ground truth for the auto-charter tests."""
    beats = [round(song.tl.sample(b) / SR, 5) for b in range(int(song.n_beats) + 1)
             if song.tl.straight_seconds(b) < duration]
    # Straight (unswung) beat times: beats always fall on even 16ths, so swing never moves them.
    return {
        "title": song.title,
        "artist": ARTIST,
        "bpm": float(max(bpm for _, bpm in song.tl.segments)),
        "tempo_map": song.tl.tempo_map(),
        "beats": beats,
        "duration": round(duration, 5),
        "drums": sorted(song.drums, key=lambda e: (e["t"], e["instrument"])),
        "melody": sorted(song.melody, key=lambda e: e["t"]),
        "bass": sorted(song.bass, key=lambda e: e["t"]),
        "sections": song.sections,
    }


_CRC_TABLE: list[int] = []


def _ogg_crc(data: bytes) -> int:
    """CRC-32 as used by Ogg (poly 0x04C11DB7, no reflection, init 0)."""
    if not _CRC_TABLE:
        for i in range(256):
            r = i << 24
            for _ in range(8):
                r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
            _CRC_TABLE.append(r & 0xFFFFFFFF)
    crc = 0
    table = _CRC_TABLE
    for b in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ table[((crc >> 24) ^ b) & 0xFF]
    return crc


def fix_ogg_serial(path: Path, serial: int = OGG_SERIAL) -> None:
    """Rewrite the (randomly chosen) Ogg stream serial so output is byte-reproducible."""
    buf = bytearray(path.read_bytes())
    pos = 0
    while pos < len(buf):
        if buf[pos : pos + 4] != b"OggS":
            raise ValueError(f"{path}: lost Ogg page sync at byte {pos}")
        nseg = buf[pos + 26]
        body = sum(buf[pos + 27 : pos + 27 + nseg])
        size = 27 + nseg + body
        buf[pos + 14 : pos + 18] = serial.to_bytes(4, "little")
        buf[pos + 22 : pos + 26] = b"\0\0\0\0"
        crc = _ogg_crc(bytes(buf[pos : pos + size]))
        buf[pos + 22 : pos + 26] = crc.to_bytes(4, "little")
        pos += size
    path.write_bytes(bytes(buf))


def trim_tail(audio: Array, end_sample: int, fade_s: float = 1.5) -> Array:
    """Cut trailing near-silence after the final ring-out and fade the last bit."""
    level = np.max(np.abs(audio), axis=0)
    above = np.nonzero(level > 10 ** (-60 / 20))[0]
    stop = max(end_sample, int(above[-1]) + 1 if len(above) else end_sample)
    stop = min(stop + int(0.2 * SR), audio.shape[1])
    audio = audio[:, :stop].copy()
    nf = min(int(fade_s * SR), stop - end_sample) if stop > end_sample else 0
    if nf > 0:
        audio[:, stop - nf :] *= np.linspace(1.0, 0.0, nf) ** 2
    return audio


BUILDERS: dict[str, tuple[Callable[[float | None], Song], dict]] = {
    "sunday-groove": (build_sunday_groove, {"reverb_len": 1.6, "reverb_mix": 0.9, "delay_beats": 0.75}),
    "neon-drive": (build_neon_drive, {"reverb_len": 2.2, "reverb_mix": 1.0, "delay_beats": 0.75}),
    "overdrive-170": (build_overdrive, {"reverb_len": 1.3, "reverb_mix": 0.8, "delay_beats": 0.75}),
}


def render_excerpt(slug: str, seconds: float) -> Array:
    """Render only the first ``seconds`` of a song (fast; used to test determinism).

    Notes past the limit are skipped, so random phases are drawn differently
    than in the full render: compare excerpts with excerpts only.
    """
    builder, fx = BUILDERS[slug]
    return builder(seconds).render(**fx)


def render_song(slug: str) -> tuple[Array, dict]:
    """Render one song; returns (stereo audio shaped (2, n), truth dict)."""
    builder, fx = BUILDERS[slug]
    song = builder(None)
    audio = song.render(**fx)
    # The final hit is on the last bar's downbeat; let it ring for >= 2.5 s.
    audio = trim_tail(audio, song.tl.sample(song.n_beats - 4) + int(2.5 * SR))
    return audio, truth_dict(song, audio.shape[1] / SR)


def write_ogg(path: Path, audio: Array, block: int = 32768) -> None:
    """Encode stereo float audio to Ogg Vorbis with a fixed stream serial.

    libsndfile's Vorbis encoder crashes on very large single writes, so the
    audio is fed in blocks.
    """
    frames = np.ascontiguousarray(audio.T, dtype=np.float32)
    with sf.SoundFile(path, "w", SR, frames.shape[1], format="OGG", subtype="VORBIS",
                      compression_level=OGG_COMPRESSION) as f:
        for i in range(0, len(frames), block):
            f.write(frames[i : i + block])
    fix_ogg_serial(path)


def write_song(slug: str, out_dir: Path) -> dict:
    """Render and write ``<slug>.ogg`` and ``<slug>.truth.json``; return the truth."""
    audio, truth = render_song(slug)
    ogg = out_dir / f"{slug}.ogg"
    write_ogg(ogg, audio)
    (out_dir / f"{slug}.truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    return truth


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "assets" / "songs")
    ap.add_argument("--only", choices=sorted(BUILDERS), action="append")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for slug in args.only or list(BUILDERS):
        t0 = time.perf_counter()
        truth = write_song(slug, args.out)
        size = (args.out / f"{slug}.ogg").stat().st_size
        print(f"{slug}: {truth['duration']:.1f} s, {size / 1e6:.2f} MB, "
              f"{len(truth['drums'])} drum hits, {len(truth['melody'])} melody notes, "
              f"rendered in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
