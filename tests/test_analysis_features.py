"""The analysis pieces against what they imitate (librosa) and against music with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from rokgame.analysis import beats as beat_tracking
from rokgame.analysis.features import analyze
from rokgame.analysis.grid import beat_phase
from rokgame.analysis.onsets import band_envelopes, band_groups, onset_detect, onset_strength, refine_onsets
from rokgame.analysis.pitch import onset_pitches
from rokgame.analysis.spectral import FMIN, HOP, N_MELS, mel_filterbank, mel_frequencies, mel_power, power_to_db
from rokgame.analysis.testsignals import SR, arrange, pluck

ROCK = {"kick": "x.......x.x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."}


def _matched_errors(reference: np.ndarray, found: np.ndarray, window: float = 0.05) -> tuple[np.ndarray, int]:
    """Errors of the found onsets nearest to each reference onset, and how many references had none."""
    errors, missed = [], 0
    for t in reference:
        nearest = found[np.argmin(np.abs(found - t))] if len(found) else np.inf
        if abs(nearest - t) <= window:
            errors.append(nearest - t)
        else:
            missed += 1
    return np.array(errors), missed


def _beat_envelope(y: np.ndarray) -> np.ndarray:
    groups = band_groups(mel_frequencies(N_MELS, fmin=FMIN, fmax=SR / 2))
    _, group_flux = onset_strength(power_to_db(mel_power(y, sr=SR)), groups=groups)
    return band_envelopes(group_flux).mean(axis=0)


def test_mel_filterbank_is_librosas() -> None:
    librosa_filters = pytest.importorskip("librosa.filters")
    ours = mel_filterbank(sr=SR, n_fft=1024, n_mels=64, fmin=30.0)
    theirs = librosa_filters.mel(sr=SR, n_fft=1024, n_mels=64, fmin=30.0)
    assert np.allclose(ours, theirs, atol=1e-6)


def test_onsets_are_timed_to_the_attack() -> None:
    song = arrange(bpm=117, bars=6, drums=ROCK, melody=[(b * 1.5, 62 + (b % 5) * 2, 1.0) for b in range(16)])
    envelope, _ = onset_strength(power_to_db(mel_power(song.y, sr=SR)))
    rough = onset_detect(envelope, sr=SR, hop=HOP) * HOP / SR
    refined = refine_onsets(song.y, rough, sr=SR)
    errors, missed = _matched_errors(song.onsets, refined)
    assert missed == 0
    # Frames are 11.6 ms apart; the waveform puts every onset within 2 ms of its attack.
    assert np.max(np.abs(errors)) < 0.002, np.round(errors * 1000, 1)
    rough_errors, _ = _matched_errors(song.onsets, rough)
    assert np.median(np.abs(errors)) < np.median(np.abs(rough_errors))


@pytest.mark.parametrize("bpm", [84.0, 120.0, 126.0, 150.0, 174.0])
def test_tempo_within_an_octave(bpm: float) -> None:
    drums = ROCK if bpm < 160 else {"kick": "x.........x.....", "snare": "....x.......x...", "hat": "x" * 16}
    song = arrange(bpm=bpm, bars=12, drums=drums)
    found = beat_tracking.tempo(_beat_envelope(song.y), sr=SR, hop=HOP)
    ratio = found / bpm
    assert min(abs(ratio - 1), abs(ratio - 2), abs(ratio - 0.5)) < 0.02, found


def test_beat_tracker_matches_librosa() -> None:
    """Same recursion as librosa.beat.beat_track (run on the same envelope and tempo)."""
    librosa_beat = pytest.importorskip("librosa.beat")
    song = arrange(bpm=[(0, 112), (24, 120)], bars=12, drums=ROCK, swing=0.1)
    envelope, _ = onset_strength(power_to_db(mel_power(song.y, sr=SR)))
    bpm = beat_tracking.tempo(envelope, sr=SR, hop=HOP)
    local = beat_tracking.local_tempo(envelope, sr=SR, hop=HOP, bpm=bpm)
    for tempo in (bpm, local):
        ours = beat_tracking.beat_track(envelope, sr=SR, hop=HOP, bpm=tempo)
        _, theirs = librosa_beat.beat_track(onset_envelope=envelope, sr=SR, hop_length=HOP, bpm=tempo)
        assert np.array_equal(ours, theirs)


def test_silence_has_no_onsets_or_beats() -> None:
    features = analyze(np.zeros(SR * 8, dtype=np.float32), sr=SR)
    assert len(features.onsets) == 0
    assert features.bpm == 0.0 and len(features.grid.beats) == 0


def test_beats_follow_a_tempo_change() -> None:
    song = arrange(bpm=[(0, 150), (32, 170)], bars=20, drums=ROCK)
    features = analyze(song.y, sr=SR)
    truth = np.array(song.beats)
    beats = features.grid.beats
    late = beats[beats > song.beats[40]]
    # Every tracked beat in the faster part sits on a true beat (any metrical level of it).
    errors, missed = _matched_errors(late, truth, window=0.02)
    assert missed == 0 and np.max(np.abs(errors)) < 0.005


def test_swing_is_measured_and_kept() -> None:
    swing = 0.33
    song = arrange(bpm=90, bars=12, swing=swing,
                   drums={"kick": "x.....x...x.....", "snare": "....x.......x...", "hat": "x.xxx.xxx.xxx.xx"})
    features = analyze(song.y, sr=SR)
    # The off-beat sixteenths of the grid moved to where they are played (a third of a sixteenth late).
    swung_position = 0.75 + swing / 4
    positions = features.grid.positions
    assert np.min(np.abs(positions - swung_position)) < 0.01
    assert np.min(np.abs(positions - 0.75)) > 0.05, "the straight sixteenth should have moved"
    swung = np.array([t for t, name in song.drums if name == "hat"])
    errors, missed = _matched_errors(swung, features.onsets.times)
    assert missed == 0 and np.max(np.abs(errors)) < 0.004
    phase = beat_phase(features.grid.beats, features.onsets.times)
    assert np.sum(np.abs(phase - swung_position) < 0.01) > 30


def test_pitch_of_a_melody_over_a_bass() -> None:
    n = SR * 6
    y = np.zeros(n, dtype=np.float32)
    melody = [(0.5, 72), (1.3, 74), (2.1, 76), (2.9, 79), (3.7, 77), (4.5, 72)]
    for t, midi in melody:
        start = int(t * SR)
        tone = pluck(midi, 0.7)
        y[start : start + len(tone)] += 0.5 * tone
        bass = pluck(36 + (midi % 5), 0.7)  # a louder bass note under each one
        y[start : start + len(bass)] += 0.9 * bass
    pitch, _clarity, rise = onset_pitches(y, np.array([t for t, _ in melody]), sr=SR)
    assert np.all(np.abs(pitch - np.array([m for _, m in melody])) < 0.6), pitch
    assert np.all(rise > 2.5)
