"""Our own ffmpeg: the binary imageio-ffmpeg ships, so nothing needs installing.

There is no ffprobe beside it. yt-dlp's audio extraction copes (it reads the codec
from ``ffmpeg -i``; verified in tests/test_fetch_download.py), and for local files
that pygame and libsndfile can't read (m4a, aac, webm…) :func:`convert_to_ogg` runs
ffmpeg itself, reading its ``-progress`` output for the progress bar.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from rokgame.errors import AudioError
from rokgame.fetch.errors import DISK_FULL, DiskFull

#: Ogg Vorbis quality (-q:a): 5 is about 160 kbit/s, transparent for a rhythm game.
VORBIS_QUALITY = 5
_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")


def ffmpeg_exe() -> str:
    """The ffmpeg binary: imageio-ffmpeg's, else one on PATH."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        found = shutil.which("ffmpeg")
        if found:
            return found
    raise AudioError("ffmpeg is missing; reinstall rokgame (pip install imageio-ffmpeg)")


def ffmpeg_input(path: str | os.PathLike[str]) -> str:
    """A local file as ffmpeg must be told it: ``file:`` and an absolute path (a name like ``http:x.mp3``, or
    one starting with ``-``, is otherwise a URL or an option to ffmpeg)."""
    return "file:" + os.fspath(Path(path).absolute())


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def media_duration(path: str | os.PathLike[str]) -> float | None:
    """Length in seconds of any file ffmpeg reads (from its header), or ``None``."""
    try:
        run = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", ffmpeg_input(path)],
                             capture_output=True, text=True, errors="replace", timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _DURATION.search(run.stderr)
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def convert_to_ogg(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    duration: float | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """Decode ``source`` (first audio stream) and write Ogg Vorbis to ``destination``.

    ``progress`` gets 0..1 as ffmpeg reports its position; when ``cancelled()`` turns
    true ffmpeg is stopped and :class:`InterruptedError` raised. The caller owns
    ``destination`` (a temp name) and deletes it on failure.
    """
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-progress", "pipe:1",
               "-i", ffmpeg_input(source), "-map", "0:a:0", "-vn", "-c:a", "libvorbis", "-q:a", str(VORBIS_QUALITY),
               "-f", "ogg", ffmpeg_input(destination)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               errors="replace")
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if cancelled is not None and cancelled():
                raise InterruptedError("conversion cancelled")
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and duration and progress is not None and value.isdigit():
                progress(min(1.0, int(value) / 1e6 / duration))
        _, stderr = process.communicate()
    except BaseException:
        process.kill()
        process.wait()
        raise
    if process.returncode != 0:
        message = (stderr or "").strip().splitlines()
        last = message[-1] if message else f"ffmpeg exited with status {process.returncode}"
        if "No space left on device" in (stderr or ""):
            raise DiskFull(DISK_FULL)
        if "matches no streams" in (stderr or "") or "does not contain any stream" in (stderr or ""):
            raise AudioError(f"{Path(source).name} has no sound in it (a video without an audio track?)")
        said = _short(last.removeprefix("Error opening input files: "))
        raise AudioError(f"{Path(source).name} is not audio rokgame can read (ffmpeg says: {said})")
    if progress is not None:
        progress(1.0)
