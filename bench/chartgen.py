"""Chart generation speed, memory and quality, as figures.

    .venv/bin/python bench/chartgen.py                 # 4-minute track: decode -> saved JSON, fresh processes
    .venv/bin/python bench/chartgen.py --breakdown     # where the time goes, stage by stage (fresh processes)
    .venv/bin/python bench/chartgen.py --in-process    # stage times inside one warm process
    .venv/bin/python bench/chartgen.py --long 30       # peak memory on a 30-minute track
    .venv/bin/python bench/chartgen.py --sweep         # peak memory and time at 1, 5, 15, 30 and 60 minutes
    .venv/bin/python bench/chartgen.py --check         # quality and tempo on varied synthetic music and the demo songs
    .venv/bin/python bench/chartgen.py --devset DIR    # agreement with human charts of real songs (../shared/devset),
                                                       # beside plain librosa onsets measured in the same run

The 4-minute track is a demo song looped to 240 s and saved as Ogg Vorbis (like the
demo songs and most downloads) in a temporary folder. Every timed run is a new
``python -m rokgame chart generate`` process (the player's path) with an empty rokgame
cache (its own ROKGAME_HOME), timed from launch to exit; peak memory is that process's
ru_maxrss. ``python -m rokgame.analysis`` (the same chart without the rest of the
command line's imports) is timed in the same rounds, alternating, so the difference
is what the CLI's start-up costs. One untimed run of each goes first so the OS file
cache is warm, as it is for a player. The machine may be shared: the load average
is printed, and medians are reported. Targets on the 2-core reference machine:
<= 1.0 s and <= 250 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# As rokgame.analysis does when it is imported first (the CLI, the game's worker): one BLAS thread.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET_SECONDS = 1.0
TARGET_MIB = 250.0


def make_track(folder: Path, seconds: float, source: Path | None = None) -> Path:
    """A demo song looped to ``seconds`` (or synthetic music when the demo songs are absent), as Ogg."""
    import soundfile as sf

    path = folder / f"bench-{int(seconds)}s.ogg"
    if source is not None and source.is_file():
        y, sr = sf.read(source, dtype="float32", always_2d=True)
    else:
        from rokgame.analysis.testsignals import arrange

        song = arrange(bpm=126, bars=32, drums={"kick": "x...x...x...x...", "snare": "....x.......x...",
                                               "hat": "x.xxx.xxx.xxx.xx"},
                       melody=[(i * 0.5, 60 + (i * 5) % 17, 0.5) for i in range(256)], sr=44100)
        y, sr = np.stack([song.y, song.y], axis=1), song.sr
    frames = int(seconds * sr)
    with sf.SoundFile(path, "w", sr, y.shape[1], format="OGG", subtype="VORBIS") as handle:
        written = 0
        while written < frames:
            block = y[: min(len(y), frames - written)]
            for start in range(0, len(block), 32768):  # libsndfile's Vorbis encoder dislikes huge writes
                handle.write(block[start : start + 32768])
            written += len(block)
    return path


#: The two ways to chart a file from a shell: the player's command, and the analysis alone.
ENTRIES = {
    "rokgame chart generate": ["-m", "rokgame", "chart", "generate"],
    "python -m rokgame.analysis": ["-m", "rokgame.analysis"],
}


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["ROKGAME_HOME"] = tempfile.mkdtemp(prefix="rokgame-bench-home-")
    return env


def timed_run(audio: Path, out: Path, entry: str = "rokgame chart generate") -> tuple[float, float, float]:
    """Seconds from launch to exit, peak RSS (MiB) and CPU seconds (user + system, all threads)
    of one fresh process charting ``audio``."""
    command = [sys.executable, *ENTRIES[entry], str(audio), "-o", str(out)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=_child_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        raise SystemExit(f"{entry} failed: {process.stderr.read().decode(errors='replace')}")
    kib = usage.ru_maxrss  # Linux: KiB
    return elapsed, kib / 1024.0, usage.ru_utime + usage.ru_stime


def speed(runs: int, seconds: float) -> int:
    demo = REPO / "assets" / "songs" / "neon-drive.ogg"
    with tempfile.TemporaryDirectory(prefix="rokgame-bench-") as folder:
        audio = make_track(Path(folder), seconds, demo)
        out = Path(folder) / "chart.json"
        for entry in ENTRIES:
            timed_run(audio, out, entry)  # warm the OS file cache; not counted
        load_before = os.getloadavg()[0]
        results: dict[str, list[tuple[float, float, float]]] = {entry: [] for entry in ENTRIES}
        for _ in range(runs):
            for entry in ENTRIES:
                results[entry].append(timed_run(audio, out, entry))
        load = os.getloadavg()[0]
        chart = json.loads(out.read_text(encoding="utf-8"))
    notes = {name: len(body["notes"]) for name, body in chart["difficulties"].items()}
    print(f"track: {seconds:.0f} s Ogg Vorbis ({'neon-drive looped' if demo.is_file() else 'synthetic'}), "
          f"{runs} fresh processes per entry, alternating")
    for entry, rows in results.items():
        times = [t for t, _, _ in rows]
        memory = [m for _, m, _ in rows]
        cpu = [c for _, _, c in rows]
        print(f"{entry}:")
        print(f"  runs:  {', '.join(f'{t:.3f}' for t in times)} s")
        print(f"  wall time, decode -> saved JSON: median {statistics.median(times):.3f} s "
              f"(target <= {TARGET_SECONDS:.1f} s)")
        print(f"  CPU time (user + system, both cores): median {statistics.median(cpu):.3f} s")
        print(f"  peak memory (ru_maxrss): max {max(memory):.0f} MiB (target <= {TARGET_MIB:.0f} MiB)")
    print(f"1-minute load average before the runs: {load_before:.2f}, after: {load:.2f} (other work slows the runs)")
    print(f"notes: {notes}")
    player = results["rokgame chart generate"]
    ok = (statistics.median([t for t, _, _ in player]) <= TARGET_SECONDS
          and max(m for _, m, _ in player) <= TARGET_MIB)
    print("rokgame chart generate meets both targets" if ok else "rokgame chart generate MISSES a target "
          "(see --breakdown)")
    return 0


#: Runs ``rokgame chart generate`` in a fresh process and prints when each stage began, in seconds
#: since the process started (the CLI's progress bar is swapped for a recorder; nothing else changes).
_TIMELINE_CHILD = r"""
import json, os, sys, time

def _since_start():
    with open("/proc/self/stat") as f:
        ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        return float(f.read().split()[0]) - ticks / os.sysconf("SC_CLK_TCK")

T0 = time.perf_counter() - _since_start()
marks = [("python", time.perf_counter() - T0)]
import rokgame.commands.chart as chart_command

class Recorder:
    def __init__(self, stream):
        pass
    def __call__(self, fraction, stage):
        marks.append((stage, time.perf_counter() - T0))
    def close(self):
        pass

chart_command._ProgressBar = Recorder
run_generate = chart_command.run_generate

def timed_generate(args):
    marks.append(("cli", time.perf_counter() - T0))
    status = run_generate(args)
    marks.append(("returned", time.perf_counter() - T0))
    return status

chart_command.run_generate = timed_generate
from rokgame.cli import main
status = main(["chart", "generate", *sys.argv[1:]])
sys.stderr.write("TIMELINE " + json.dumps(marks) + "\n")
import gc
gc.freeze()  # as rokgame.cli.entry does
raise SystemExit(status)
"""

#: (mark that ends the segment, what happened since the previous mark)
_SEGMENTS = [
    ("python", "interpreter start-up (site, editable-install finder)"),
    ("cli", "CLI: import the chart command, build the parser"),
    ("decoding", "import numpy, soundfile, soxr, rokgame.analysis; hash the audio"),
    ("spectrum", "decode + resample + mel spectrogram (2 threads)"),
    ("timing", "onset strength, peak picking"),
    ("beats", "attack times in the waveform"),
    ("pitch", "tempo, local tempo, beats, grid (pitch in a 2nd thread)"),
    ("features", "wait for pitch, snap, sustain"),
    ("charting", "intensity, silence"),
    ("saving", "notes, lanes, holds for 4 difficulties; chart object"),
    ("done", "JSON, two atomic writes (cache + -o)"),
    ("returned", "CLI reads the chart back, prints"),
    ("exit", "interpreter exit"),
]


def breakdown(seconds: float, runs: int) -> int:
    """Where the time of a fresh ``rokgame chart generate`` goes: median per segment over ``runs``."""
    demo = REPO / "assets" / "songs" / "neon-drive.ogg"
    durations: dict[str, list[float]] = {mark: [] for mark, _ in _SEGMENTS}
    totals = []
    with tempfile.TemporaryDirectory(prefix="rokgame-bench-") as folder:
        audio = make_track(Path(folder), seconds, demo)
        out = Path(folder) / "chart.json"
        load_before = os.getloadavg()[0]
        for run in range(runs + 1):
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-c", _TIMELINE_CHILD, str(audio), "-o", str(out)], cwd=REPO,
                                    env=_child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
            total = time.perf_counter() - start
            lines = [line for line in result.stderr.decode(errors="replace").splitlines()
                     if line.startswith("TIMELINE ")]
            if result.returncode != 0 or not lines:
                raise SystemExit(f"chart generate failed: {result.stderr.decode(errors='replace')}")
            if run == 0:
                continue  # warms the OS file cache
            marks = dict(json.loads(lines[-1][len("TIMELINE "):]))
            marks["exit"] = total
            previous = 0.0
            for mark, _ in _SEGMENTS:
                if mark in marks:
                    durations[mark].append(marks[mark] - previous)
                    previous = marks[mark]
            totals.append(total)
        load = os.getloadavg()[0]
    print(f"fresh `rokgame chart generate` of a {seconds:.0f} s Ogg, median of {runs} runs "
          f"(load average {load_before:.2f} -> {load:.2f}):")
    for mark, label in _SEGMENTS:
        if durations[mark]:
            print(f"  {statistics.median(durations[mark]):6.3f} s  {label}")
    print(f"  {statistics.median(totals):6.3f} s  total, launch to exit (segment medians need not add up to it)")
    return 0


def in_process(seconds: float) -> int:
    """Stage times inside one process, including what importing costs."""
    t0 = time.perf_counter()
    import numpy  # noqa: F401  (measured on purpose)
    import soundfile  # noqa: F401
    import soxr  # noqa: F401

    t_numpy = time.perf_counter()
    import rokgame.analysis as analysis
    from rokgame.analysis import decode, features
    from rokgame.analysis.charting import chart_notes

    t_import = time.perf_counter()
    demo = REPO / "assets" / "songs" / "neon-drive.ogg"
    stage_times: list[tuple[str, float]] = []

    def record(fraction: float, stage: str) -> None:
        stage_times.append((stage, time.perf_counter()))

    with tempfile.TemporaryDirectory(prefix="rokgame-bench-") as folder:
        audio = make_track(Path(folder), seconds, demo)
        os.environ["ROKGAME_HOME"] = str(Path(folder) / "home")
        analysis.generate_chart_file(audio, out=Path(folder) / "warm.json", use_cache=False)  # warm caches
        stage_times.clear()
        start = time.perf_counter()
        y, S = features.decode_with_spectrum(audio, sr=decode.SR)
        decoded = time.perf_counter()
        result = features.analyze(y, sr=decode.SR, progress=record, S=S)
        analysed = time.perf_counter()
        chart_notes(result)
        charted = time.perf_counter()
        begin = time.perf_counter()
        analysis.generate_chart_file(audio, out=Path(folder) / "c.json", use_cache=False)
        end = time.perf_counter()
    print(f"import numpy, soundfile, soxr: {t_numpy - t0:.3f} s; import rokgame.analysis: {t_import - t_numpy:.3f} s")
    print(f"  decode + resample + mel spectrogram (2 threads) {decoded - start:.3f} s")
    previous_stage, previous_at = stage_times[0] if stage_times else ("analysis", decoded)
    for stage, at in stage_times[1:]:
        print(f"    analysis: {previous_stage:<10} {at - previous_at:.3f} s")
        previous_stage, previous_at = stage, at
    print(f"    analysis: {previous_stage:<10} {analysed - previous_at:.3f} s")
    print(f"  notes, lanes, holds (4 difficulties)           {charted - analysed:.3f} s")
    print(f"generate_chart_file end to end in this process (+ hashing, JSON): {end - begin:.3f} s")
    print("a fresh `rokgame chart generate` process adds interpreter start-up and the CLI's imports "
          "(measure: python -X importtime -m rokgame --help)")
    return 0


def long_track(minutes: float) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory(prefix="rokgame-bench-") as folder:
        audio = make_track(Path(folder), minutes * 60, REPO / "assets" / "songs" / "sunday-groove.ogg")
        elapsed, mib, cpu = timed_run(audio, Path(folder) / "long.json")
        size = audio.stat().st_size / 2**20
    print(f"{minutes:g}-minute track ({size:.0f} MiB Ogg): {elapsed:.2f} s ({cpu:.2f} s CPU), "
          f"peak memory {mib:.0f} MiB", flush=True)
    return elapsed, cpu, mib


def sweep(minutes: list[float]) -> int:
    """Peak memory and time against track length: what grows with the song, and how fast."""
    rows = [(m, *long_track(m)) for m in minutes]
    if len(rows) >= 2:
        (m0, _, c0, r0), (m1, _, c1, r1) = rows[0], rows[-1]
        print(f"growth {m0:g} -> {m1:g} min: {(r1 - r0) / (m1 - m0):.1f} MiB and {(c1 - c0) / (m1 - m0):.2f} s CPU "
              "per minute of music")
    return 0


def check() -> int:
    """Quality on varied synthetic material (known onsets) and, when present, the demo songs."""
    import mir_eval
    import soundfile as sf

    from rokgame.analysis import generate_chart
    from rokgame.analysis.playability import playability_problems
    from rokgame.analysis.testsignals import arrange

    rock = {"kick": "x.......x.x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."}
    cases = {
        "rock 120": {"bpm": 120, "drums": rock, "melody": [(i * 0.5, 60 + (i * 7) % 12, 0.5) for i in range(120)]},
        "swing 90": {"bpm": 90, "swing": 0.33, "drums": {"kick": "x.....x...x.....", "snare": "....x.......x...",
                                                         "hat": "x.xxx.xxx.xxx.xx"}},
        "tempo 100->140": {"bpm": [(0, 100), (32, 140)], "drums": rock},
        "dnb 174": {"bpm": 174, "drums": {"kick": "x.........x.....", "snare": "....x.......x...",
                                          "hat": "x.x.x.xxx.x.x.x."}},
        "house 126": {"bpm": 126, "drums": {"kick": "x...x...x...x...", "snare": "....x.......x...",
                                            "hat": "..x...x...x...x."}},
        "ballad 66 (held)": {"bpm": 66, "voice": "held", "bars": 8,
                             "melody": [(i * 2.0, 60 + (i * 5) % 12, 1.8) for i in range(16)]},
        "plucked melody 100": {"bpm": 100, "bars": 8, "melody": [(i * 1.0, 60 + (i * 3) % 14, 0.9) for i in range(32)]},
    }
    os.environ.setdefault("ROKGAME_HOME", tempfile.mkdtemp(prefix="rokgame-bench-home-"))
    print(f"{'material':<20} {'F(expert)':>9} {'med ms':>7} {'p95 ms':>7}  notes/s easy/medium/hard/expert  problems"
          "  bpm (played at)")
    with tempfile.TemporaryDirectory(prefix="rokgame-check-") as folder:
        for name, options in cases.items():
            options = {"bars": 16, **options}
            song = arrange(**options)
            path = Path(folder) / "case.wav"
            sf.write(path, song.y, song.sr)
            chart = generate_chart(path)
            _report(name, song.onsets, chart, len(song.y) / song.sr, playability_problems(chart), mir_eval,
                    bpm=str(options["bpm"]) if isinstance(options["bpm"], (int, float))
                    else "->".join(str(b) for _, b in options["bpm"]))
    songs = REPO / "assets" / "songs"
    for slug in ("neon-drive", "sunday-groove", "overdrive-170"):
        truth_path = songs / f"{slug}.truth.json"
        if not truth_path.is_file():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        times = np.sort([d["t"] for d in truth["drums"]] + [m["t"] for m in truth["melody"]])
        reference = [t for i, t in enumerate(times.tolist()) if i == 0 or t - times[i - 1] >= 0.03]
        chart = generate_chart(songs / f"{slug}.ogg")
        _report(slug, np.array(reference), chart, truth["duration"], playability_problems(chart), mir_eval,
                bpm="->".join(f"{m['bpm']:g}" for m in truth["tempo_map"]))
    tempo_check()
    return 0


def _tempo_cases() -> dict[str, tuple[float, dict]]:
    """Drum patterns (16 steps a bar) and tunes whose tempo a musician would name, at 8 to 16 bars."""
    rock = {"kick": "x.......x.x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."}
    dnb = {"kick": "x.........x.....", "snare": "....x.......x...", "hat": "x.x.x.x.xxx.x.x."}
    punk = {"kick": "x.......x.......", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."}
    hiphop = {"kick": "x.....x...x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."}
    disco = {"kick": "x...x...x...x...", "snare": "....x.......x...", "hat": "..x...x...x...x."}
    motown = {"kick": "x...x...x...x...", "snare": "x...x...x...x...", "hat": "x.x.x.x.x.x.x.x."}
    scale = [60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77, 79]
    eighths = [(i * 0.5, [60, 62, 64, 67, 69, 72, 69, 67][i % 8], 0.5) for i in range(200)]
    cases: dict[str, tuple[float, dict]] = {}
    for bars in (8, 12, 16):
        for name, bpm, drums in (("rock", 170, rock), ("drum and bass", 174, dnb), ("punk", 180, punk),
                                 ("hip-hop", 88, hiphop), ("disco", 100, disco), ("Motown snare", 96, motown),
                                 ("rock", 110, rock)):
            cases[f"{name} {bpm}, {bars} bars"] = (bpm, {"bpm": bpm, "bars": bars, "drums": drums})
        cases[f"rock + tune 128, {bars} bars"] = (128, {"bpm": 128, "bars": bars, "drums": rock, "melody": [
            (i * 0.5, scale[i % 7], 0.5) for i in range(bars * 8)]})
    cases.update({
        "scale 100": (100, {"bpm": 100, "bars": 3, "melody": [(i * 1.0, m, 0.9) for i, m in enumerate(scale)]}),
        "rock + tune 132": (132, {"bpm": 132, "bars": 12, "drums": {**rock, "hat": "x" * 16}, "melody": [
            (i * 0.5, scale[(i * 3) % 12], 0.5 if i % 4 else 1.5) for i in range(90)]}),
        "held notes 80": (80, {"bpm": 80, "bars": 6, "voice": "held",
                               "melody": [(i * 2.0, [60, 64, 67, 65][i % 4], 1.6) for i in range(12)]}),
        "swing 92": (92, {"bpm": 92, "bars": 12, "swing": 0.33, "drums": {
            "kick": "x.....x...x.....", "snare": "....x.......x...", "hat": "x.xxx.xxx.xxx.xx"}}),
        "tempo 100->140": (100, {"bpm": [(0, 100), (32, 140)], "bars": 12, "drums": rock}),
        "ballad 66": (66, {"bpm": 66, "bars": 7, "voice": "held",
                           "melody": [(i * 2.0, scale[(i * 5) % 12], 1.8) for i in range(14)]}),
        "plucked 120": (120, {"bpm": 120, "bars": 4, "melody": [(i * 0.5, scale[i % 8], 0.25) for i in range(32)]}),
        "plucked 100": (100, {"bpm": 100, "bars": 8, "melody": [(i * 1.0, 60 + (i * 3) % 14, 0.9) for i in range(32)]}),
        "house 126": (126, {"bpm": 126, "bars": 16, "drums": disco}),
        "trap 140": (140, {"bpm": 140, "bars": 16, "drums": {"kick": "x......x..x.....", "snare": "........x.......",
                                                            "hat": "x" * 16}}),
        "drum and bass + eighths 174": (174, {"bpm": 174, "bars": 16, "drums": dnb, "melody": eighths}),
        "ska off-beat 180": (180, {"bpm": 180, "bars": 16, "drums": {
            "kick": "x...x...x...x...", "snare": "..x...x...x...x.", "hat": "x.x.x.x.x.x.x.x."}}),
        "pop + eighths 100": (100, {"bpm": 100, "bars": 16, "drums": punk, "melody": eighths}),
    })
    return cases


def tempo_check() -> None:
    """The tempo found (``tempo.bpm``) against the one played: right, an octave off, or wrong."""
    import soundfile as sf

    from rokgame.analysis.decode import SR
    from rokgame.analysis.features import analyze, decode_with_spectrum
    from rokgame.analysis.testsignals import arrange

    songs = REPO / "assets" / "songs"
    pieces: list[tuple[str, float, Path | dict]] = [
        (slug, bpm, songs / f"{slug}.ogg") for slug, bpm in (("neon-drive", 128), ("sunday-groove", 90),
                                                              ("overdrive-170", 170))
        if (songs / f"{slug}.ogg").is_file()]
    pieces += [(name, bpm, options) for name, (bpm, options) in _tempo_cases().items()]
    print(f"\n{'tempo of':<32} {'played':>6} {'found':>7}")
    verdicts = {"right": 0, "an octave off": 0, "wrong": 0}
    with tempfile.TemporaryDirectory(prefix="rokgame-tempo-") as folder:
        for name, bpm, source in pieces:
            if isinstance(source, dict):
                path = Path(folder) / "case.wav"
                sf.write(path, arrange(**source).y, SR)
            else:
                path = source
            y, S = decode_with_spectrum(path, sr=SR)
            found = analyze(y, sr=SR, S=S).bpm
            ratio = found / bpm
            verdict = "right" if abs(ratio - 1) < 0.02 else (
                "an octave off" if min(abs(ratio - 0.5), abs(ratio - 2)) < 0.02 else "wrong")
            verdicts[verdict] += 1
            print(f"{name:<32} {bpm:>6g} {found:>7.1f}  {'' if verdict == 'right' else verdict}")
    print(", ".join(f"{count} {verdict}" for verdict, count in verdicts.items()), f"of {len(pieces)}")


def _report(name: str, reference: np.ndarray, chart, duration: float, problems: list[str], mir_eval, *,
            bpm: str) -> None:
    expert = np.unique([n.t for n in chart.difficulties["expert"].notes])
    f = mir_eval.onset.f_measure(reference, expert, window=0.05)[0]
    pairs = mir_eval.util.match_events(reference, expert, 0.05)
    errors = np.abs([expert[j] - reference[i] for i, j in pairs]) * 1000 if pairs else np.array([np.nan])
    rates = "/".join(f"{len({n.t for n in d.notes}) / duration:.2f}" for d in chart.difficulties.values())
    found = chart.tempo.bpm if chart.tempo is not None else 0.0
    print(f"{name:<20} {f:>9.3f} {np.median(errors):>7.1f} {np.percentile(errors, 95):>7.1f}  {rates:<31} "
          f"{len(problems):>8}  {found:.1f} ({bpm})")


#: score.py's definitions (F50 at lag 0; F20b at the chart's best lag within +-40 ms), used as they are.
SCORE = REPO.parent / "shared" / "devset" / "score.py"
LEVELS = ("beginner", "easy", "medium", "hard", "expert")


def devset(folder: Path, *, only: list[str] | None, baseline: bool) -> int:
    """The per-level and per-source table of shared/devset/score.py, for rokgame and plain librosa onsets."""
    if not SCORE.is_file():
        print(f"no {SCORE}: the dev set's scorer lives in the steering repo's shared/devset", file=sys.stderr)
        return 1
    commands = {"rokgame": f"{sys.executable} -m rokgame chart generate"}
    if baseline:
        commands["librosa onsets"] = f"{sys.executable} {REPO / 'bench' / 'librosa_onsets.py'}"
    tables: dict[str, list[dict[str, object]]] = {}
    for label, command in commands.items():
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "rows.json"
            env = dict(os.environ, ROKGAME_HOME=str(Path(tmp) / "home"))  # a cold cache: every chart made now
            started, cpu = time.perf_counter(), _children_cpu()
            run = subprocess.run([sys.executable, str(SCORE), str(folder), "--cmd", command, "--json", str(out),
                                  *(["--only", *only] if only else [])], cwd=REPO, env=env,
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print(run.stdout[-2000:], run.stderr[-2000:], file=sys.stderr)
                return 1
            tables[label] = json.loads(out.read_text())
            print(f"{label}: {time.perf_counter() - started:.0f} s wall, {_children_cpu() - cpu:.0f} s CPU "
                  f"for {len({r['song'] for r in tables[label]})} songs", file=sys.stderr)
    labels = list(tables)
    print(f"Dev set {folder} on {time.strftime('%Y-%m-%d')}: F50 / F20b (score.py), "
          + " vs ".join(labels) + " in the same run")
    print(f"{'':26}" + "".join(f"{label:>22}" for label in labels) + f"{'charts':>8}")

    def line(name: str, pick: object) -> None:
        cells, count = [], 0
        for label in labels:
            rows = [r for r in tables[label] if pick(r)]  # type: ignore[operator]
            count = len(rows)
            if rows:
                f50 = statistics.mean(float(r["f50"]) for r in rows)
                f20b = statistics.mean(float(r["f20b"]) for r in rows)
                cells.append(f"{f50:.3f} / {f20b:.3f}")
            else:
                cells.append("-")
        if count:
            print(f"{name:26}" + "".join(f"{c:>22}" for c in cells) + f"{count:>8}")

    for level in LEVELS:
        line(f"level {level}", lambda r, level=level: r["level"] == level)
    for prefix in sorted({str(r["song"]).split("_")[0] for r in tables[labels[0]]}):
        line(f"source {prefix}", lambda r, prefix=prefix: str(r["song"]).startswith(prefix + "_"))
    line("MEAN", lambda r: True)
    return 0


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs (median reported; default 5)")
    parser.add_argument("--seconds", type=float, default=240.0, help="track length (default 240)")
    parser.add_argument("--breakdown", action="store_true", help="time each stage of fresh CLI processes")
    parser.add_argument("--in-process", action="store_true", help="time each stage in one warm process")
    parser.add_argument("--long", type=float, metavar="MINUTES", help="peak memory on a track this long")
    parser.add_argument("--sweep", type=float, nargs="*", metavar="MINUTES",
                        help="peak memory and time for tracks of these lengths (default 1 5 15 30 60)")
    parser.add_argument("--check", action="store_true", help="quality figures on varied material")
    parser.add_argument("--devset", type=Path, metavar="DIR",
                        help="score against the human charts of the development set (see ../shared/devset)")
    parser.add_argument("--only", nargs="*", metavar="SONG", help="with --devset: only these songs")
    parser.add_argument("--no-baseline", action="store_true", help="with --devset: skip plain librosa onsets")
    args = parser.parse_args()
    if args.devset:
        return devset(args.devset, only=args.only, baseline=not args.no_baseline)
    if args.breakdown:
        return breakdown(args.seconds, max(3, args.runs))
    if args.in_process:
        return in_process(args.seconds)
    if args.long:
        long_track(args.long)
        return 0
    if args.sweep is not None:
        return sweep(args.sweep or [1, 5, 15, 30, 60])
    if args.check:
        return check()
    return speed(max(3, args.runs), args.seconds)


if __name__ == "__main__":
    raise SystemExit(main())
