"""Shared by the fetch/library/tracks tests: test audio, a local HTTP server, a quick stand-in charter.

No test reaches the internet: audio is made with numpy and served from 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from rokgame.core.chart import Chart, Difficulty, Note, Song
from rokgame.core.chart_io import save_chart

SR = 22050


def make_audio(path: Path, seconds: float = 6.0, *, bpm: float = 120.0, seed: int = 0) -> Path:
    """A few seconds of clicks on a beat over a low tone: enough for charting, different per seed."""
    n = int(seconds * SR)
    t = np.arange(n) / SR
    rng = np.random.default_rng(seed)
    y = 0.1 * np.sin(2 * np.pi * (110 + 20 * seed) * t)
    beat = 60.0 / bpm
    for onset in np.arange(0.5, seconds - 0.2, beat / 2):
        start = int(onset * SR)
        burst = rng.standard_normal(int(0.03 * SR)) * np.exp(-np.linspace(0, 8, int(0.03 * SR)))
        y[start:start + burst.size] += 0.6 * burst[: max(0, n - start)]
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), (0.5 * y / np.max(np.abs(y))).astype(np.float32), SR)
    return path


def fake_generate_chart_file(audio_path, *, out=None, lanes=5, progress=None, use_cache=True, title=None,
                             artist=None, source=None, cancel=None) -> Path:
    """Stands in for rokgame.analysis.generate_chart_file where real charting would only cost time."""
    info = sf.info(str(audio_path))
    duration = info.frames / info.samplerate
    notes = tuple(Note(t=round(0.5 + 0.5 * i, 3), lane=i % lanes) for i in range(int((duration - 1) * 2)))
    chart = Chart(
        song=Song(title=title or Path(audio_path).stem, artist=artist or "", audio=Path(audio_path).name,
                  duration=round(duration, 3), source=source),
        difficulties={"easy": Difficulty("easy", notes[::2]), "expert": Difficulty("expert", notes)},
        lanes=lanes,
        generator={"name": "test", "version": "0"},
    )
    out = Path(out) if out is not None else Path(audio_path).with_suffix(".json")
    if progress is not None:
        progress(0.5, "Finding beats")
    save_chart(chart, out)
    if progress is not None:
        progress(1.0, "Done")
    return out


@dataclass
class AudioServer:
    """A local web server for test audio; ``requests`` counts GETs per path; ``slow`` paths dribble."""

    root: Path
    url: str = ""
    requests: dict[str, int] = field(default_factory=dict)
    slow: set[str] = field(default_factory=set)
    #: Paths served as an audio stream that never ends, with no Content-Length; bytes sent are counted.
    endless: set[str] = field(default_factory=set)
    endless_sent: int = 0
    httpd: http.server.ThreadingHTTPServer | None = None

    def link(self, name: str) -> str:
        return f"{self.url}/{name}"


class _Handler(http.server.SimpleHTTPRequestHandler):
    server_state: AudioServer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        state = self.server_state
        name = self.path.lstrip("/").split("?")[0]
        state.requests[name] = state.requests.get(name, 0) + 1
        if name in state.endless:
            self.send_response(200)
            self.send_header("Content-Type", "audio/mpeg")
            self.end_headers()
            block = bytes(64 * 1024)
            deadline = time.monotonic() + 60  # a test server stops by itself
            try:
                while time.monotonic() < deadline:
                    self.wfile.write(block)
                    state.endless_sent += len(block)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if name in state.slow:
            data = (state.root / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "audio/x-wav")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                for i in range(0, len(data), 2048):  # ~20 kB/s: a download that takes a while
                    self.wfile.write(data[i:i + 2048])
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        # yt-dlp's generic extractor hangs up once it has seen the headers.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().do_GET()


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up early is normal here; no socketserver traceback


def serve(root: Path) -> Iterator[AudioServer]:
    state = AudioServer(root)
    handler = type("Handler", (_Handler,), {"server_state": state})
    httpd = _QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    state.httpd = httpd
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def library_files(home: Path) -> list[str]:
    """Every file under the cache and user charts, relative to ROKGAME_HOME, sorted (the DB excluded)."""
    found = []
    for folder in (home / "cache", home / "data" / "charts"):
        if folder.exists():
            for path in folder.rglob("*"):
                if path.is_file() and "yt-dlp" not in path.parts:
                    found.append(str(path.relative_to(home)))
    return sorted(found)


def env_without_ffprobe(tmp: Path) -> dict[str, str]:
    """PATH with only an empty folder: no ffmpeg, no ffprobe, no deno on it."""
    empty = tmp / "empty-path"
    empty.mkdir(exist_ok=True)
    return {**os.environ, "PATH": str(empty)}
