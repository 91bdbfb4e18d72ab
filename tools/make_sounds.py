"""Synthesise the game's short sounds into assets/sounds/*.wav (tiny, deterministic, no samples needed).

    .venv/bin/python tools/make_sounds.py

hit: a bright, very short tick; miss: a low muffled thud; click/tick: metronome clicks
(calibration and menus); select: a soft two-tone blip for menu confirmation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 44100
OUT = Path(__file__).resolve().parent.parent / "assets" / "sounds"


def _t(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * RATE)) / RATE


def hit() -> np.ndarray:
    t = _t(0.05)
    tone = np.sin(2 * np.pi * 2600 * t) * 0.5 + np.sin(2 * np.pi * 5200 * t) * 0.2
    noise = np.random.default_rng(1).standard_normal(t.size) * 0.15
    return (tone + noise) * np.exp(-t / 0.008)


def miss() -> np.ndarray:
    t = _t(0.16)
    body = np.sin(2 * np.pi * (110 - 200 * t) * t)
    noise = np.random.default_rng(2).standard_normal(t.size)
    # A one-pole low-pass keeps the noise dull ("muffled").
    smooth = np.empty_like(noise)
    acc = 0.0
    for i, v in enumerate(noise):
        acc += 0.06 * (v - acc)
        smooth[i] = acc
    return (body * 0.7 + smooth * 1.6) * np.exp(-t / 0.045) * 0.6


def click(freq: float = 1500.0) -> np.ndarray:
    t = _t(0.03)
    return np.sin(2 * np.pi * freq * t) * np.exp(-t / 0.006) * 0.8


def select() -> np.ndarray:
    t = _t(0.09)
    f = np.where(t < 0.04, 880.0, 1320.0)
    return np.sin(2 * np.pi * f * t) * np.exp(-t / 0.03) * 0.35


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sounds = {"hit": hit(), "miss": miss(), "click": click(2000.0), "tick": click(1400.0), "select": select()}
    for name, mono in sounds.items():
        fade = np.minimum(1.0, np.arange(mono.size)[::-1] / (0.004 * RATE))  # no click at the end
        data = np.clip(mono * fade, -1, 1)
        sf.write(OUT / f"{name}.wav", np.column_stack([data, data]), RATE, subtype="PCM_16")
        print(f"{OUT / (name + '.wav')}: {data.size / RATE * 1000:.0f} ms")


if __name__ == "__main__":
    main()
