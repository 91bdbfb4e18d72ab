"""Real downloads through yt-dlp's generic extractor, from a web server on 127.0.0.1.

These run the same code path as a YouTube link after the extractor: yt-dlp's
HTTP downloader, then (for what the mixer can't play as it is) imageio-ffmpeg's
binary with no ffprobe anywhere (PATH is emptied), to Ogg Vorbis in the cache. Then: the same
link twice, and every way an attempt can be cut short (Ctrl-C, Cancel, SIGKILL,
too long) leaving nothing behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile as sf
from test_fetch_support import AudioServer, fake_generate_chart_file, library_files, make_audio, serve

from rokgame.core.chart_io import file_sha256, load_chart
from rokgame.errors import Cancelled
from rokgame.fetch.errors import TooLong
from rokgame.storage.db import connect
from rokgame.storage.library import list_entries
from rokgame.tracks import open_library, prepare_track

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AudioServer]:
    root = tmp_path / "www"
    make_audio(root / "song.wav", 6.0, seed=1)
    make_audio(root / "slow.wav", 6.0, seed=2)
    from rokgame.fetch.ffmpeg import ffmpeg_exe

    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(root / "song.wav"), "-c:a", "aac",
                    str(root / "song.m4a")], check=True)
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(root / "song.wav"), "-b:a", "128k",
                    str(root / "song.mp3")], check=True)
    yield from serve(root)


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rokgame.analysis.generate_chart_file", fake_generate_chart_file)


def rows(table: str) -> int:
    conn = connect()
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_a_link_the_mixer_plays_is_kept_as_it_came(server: AudioServer, rokgame_home: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    converted: list[object] = []
    monkeypatch.setattr("rokgame.fetch.ffmpeg.convert_to_ogg", lambda *a, **k: converted.append(a))
    stages: list[str] = []
    track = prepare_track(server.link("song.mp3"), progress=lambda f, s: stages.append(s))
    assert track.audio_path.suffix == ".mp3" and track.audio_path.parent == rokgame_home / "cache" / "audio"
    assert track.audio_path.read_bytes() == (server.root / "song.mp3").read_bytes()
    assert converted == [] and "Converting" not in stages


def test_a_link_is_downloaded_to_ogg_vorbis_and_charted_without_ffprobe(
    server: AudioServer, rokgame_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no ffmpeg, no ffprobe, nothing on PATH
    stages: list[tuple[float, str]] = []
    track = prepare_track(server.link("song.m4a"), progress=lambda f, s: stages.append((f, s)))

    # Audio: Ogg Vorbis in the cache, named after the link's hash, not its title.
    audio = track.audio_path
    assert audio.parent == rokgame_home / "cache" / "audio"
    assert audio.name.startswith("url-") and audio.suffix == ".ogg"
    info = sf.info(str(audio))
    assert (info.format, info.subtype) == ("OGG", "VORBIS")
    assert info.duration == pytest.approx(6.0, abs=0.1)
    # The real charter made a playable chart that names its audio by file name and hash.
    chart = load_chart(track.chart_path)
    assert chart.song.audio == audio.name and chart.song.audio_sha256 == file_sha256(audio)
    assert chart.song.source == server.link("song.m4a")
    assert set(chart.difficulties) == {"easy", "medium", "hard", "expert"}
    # Progress went forward, through each stage, to the end.
    fractions = [f for f, _ in stages]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    names = [s for _, s in stages]
    assert {"Looking up", "Downloading", "Converting", "Charting", "Ready"} <= set(names)
    # In the library, and yt-dlp printed nothing on its own.
    [entry] = list_entries(connect())
    assert (entry.track_id, entry.kind, entry.audio_path, entry.chart_path) == \
        (track.track_id, "url", audio, track.chart_path)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_the_same_link_twice_reuses_everything(server: AudioServer, quick_charts: None, rokgame_home: Path) -> None:
    first = prepare_track(server.link("song.wav"))
    requests = dict(server.requests)
    files = library_files(rokgame_home)
    second = prepare_track(server.link("song.wav"))
    assert second.reused and not first.reused
    assert (second.track_id, second.chart_path, second.audio_path) == (first.track_id, first.chart_path,
                                                                       first.audio_path)
    assert server.requests == requests  # not even a look-up
    assert library_files(rokgame_home) == files
    assert rows("tracks") == 1 and rows("charts") == 1


def test_a_gone_download_is_fetched_again_into_the_same_row(
    server: AudioServer, quick_charts: None, rokgame_home: Path,
) -> None:
    first = prepare_track(server.link("song.wav"))
    first.audio_path.unlink()
    again = prepare_track(server.link("song.wav"))
    assert not again.reused and again.track_id == first.track_id and again.audio_path.is_file()
    assert rows("tracks") == 1 and rows("charts") == 1


def assert_clean(home: Path) -> None:
    assert library_files(home) == []
    assert not list((home / "cache" / "audio").glob(".attempt-*"))
    assert rows("tracks") == 0 and rows("charts") == 0


def test_ctrl_c_during_the_download_leaves_nothing(server: AudioServer, quick_charts: None, rokgame_home: Path) -> None:
    def progress(fraction: float, stage: str) -> None:
        if stage == "Downloading" and fraction > 0.1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        prepare_track(server.link("song.wav"), progress=progress)
    assert_clean(rokgame_home)
    assert prepare_track(server.link("song.wav")).audio_path.is_file()  # the next attempt starts clean


def test_cancel_during_charting_leaves_nothing(server: AudioServer, rokgame_home: Path) -> None:
    cancel = threading.Event()

    def progress(fraction: float, stage: str) -> None:
        if fraction > 0.6:  # charting has started (the real charter checks cancel as it goes)
            cancel.set()

    with pytest.raises(Cancelled):
        prepare_track(server.link("song.wav"), progress=progress, cancel=cancel)
    assert_clean(rokgame_home)


def test_a_link_of_unknown_length_is_measured_after_download(
    server: AudioServer, quick_charts: None, rokgame_home: Path,
) -> None:
    with pytest.raises(TooLong, match=r"0:06 long; rokgame takes tracks up to 0\.05 minutes"):
        prepare_track(server.link("song.wav"), max_minutes=0.05)
    assert_clean(rokgame_home)


KILLED_FETCH = """
import sys
from rokgame.tracks import prepare_track
prepare_track(sys.argv[1])
"""


def test_sigkill_mid_download_is_swept_at_the_next_start(server: AudioServer, quick_charts: None,
                                                          rokgame_home: Path) -> None:
    server.slow.add("slow.wav")  # ~20 kB/s: the download takes about 13 s
    env = {**os.environ, "ROKGAME_HOME": str(rokgame_home), "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", KILLED_FETCH, server.link("slow.wav")], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        partial: list[Path] = []
        while time.monotonic() < deadline and child.poll() is None:
            partial = [p for p in (rokgame_home / "cache" / "audio").glob(".attempt-*/*.part") if p.stat().st_size]
            if partial:
                break
            time.sleep(0.05)
        assert partial, f"the download never started: {child.stderr.read().decode() if child.stderr else ''}"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    # Killed outright: its temp dir is still there, and no row names anything.
    assert list((rokgame_home / "cache" / "audio").glob(".attempt-*"))
    assert rows("tracks") == 0
    open_library(scan=False).close()  # the next start sweeps
    assert_clean(rokgame_home)
    server.slow.clear()
    track = prepare_track(server.link("slow.wav"))
    assert track.audio_path.is_file() and rows("tracks") == 1


def test_a_playlist_link_plays_its_first_entry_and_says_so(
    server: AudioServer, quick_charts: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import yt_dlp

    real = yt_dlp.YoutubeDL.extract_info
    playlist = "https://www.youtube.com/playlist?list=PLtest"

    def extract_info(self: yt_dlp.YoutubeDL, url: str, download: bool = True, **kwargs: object) -> object:
        if url == playlist:
            return {"_type": "playlist", "id": "PLtest", "title": "Mix",
                    "entries": [{"_type": "url", "url": server.link("song.wav"), "title": "First Song"},
                                {"_type": "url", "url": server.link("slow.wav"), "title": "Second"}]}
        return real(self, url, download=download, **kwargs)

    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", extract_info)
    monkeypatch.setattr("rokgame.fetch.network.check_reachable", lambda url, **kw: None)
    track = prepare_track(playlist)
    assert track.note == "that link is a playlist; playing its first track: First Song"
    assert track.source == server.link("song.wav")
    assert "slow.wav" not in server.requests


def test_fetch_command_prints_where_the_chart_is(server: AudioServer, quick_charts: None,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from rokgame.cli import main

    assert main(["fetch", server.link("song.wav")]) == 0
    out = capsys.readouterr().out.splitlines()
    chart_line = next(line for line in out if line.startswith("chart: "))
    assert Path(chart_line.removeprefix("chart: ")).is_file()
    assert main(["fetch", server.link("song.wav")]) == 0
    assert "already in your library" in capsys.readouterr().out


def test_a_youtube_link_becomes_a_youtube_track_named_by_its_id(
    server: AudioServer, quick_charts: None, monkeypatch: pytest.MonkeyPatch, rokgame_home: Path,
) -> None:
    """YouTube at the boundary: its answer is faked (with a format served from 127.0.0.1), the rest is real."""
    import yt_dlp

    real = yt_dlp.YoutubeDL.extract_info
    asked: list[str] = []

    def extract_info(self: yt_dlp.YoutubeDL, url: str, download: bool = True, **kwargs: object) -> object:
        asked.append(url)
        info = real(self, server.link("song.wav"), download=False)
        return {**info, "id": "dQw4w9WgXcQ", "title": "Never Gonna Give You Up", "channel": "Rick Astley - Topic",
                "duration": 6.0, "extractor": "youtube", "extractor_key": "Youtube", "live_status": "not_live",
                "webpage_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "thumbnail": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hq720.jpg"}

    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", extract_info)
    monkeypatch.setattr("rokgame.fetch.network.check_reachable", lambda url, **kw: None)
    track = prepare_track("https://youtu.be/dQw4w9WgXcQ?si=shared")
    assert asked == ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]
    assert track.audio_path == rokgame_home / "cache" / "audio" / "yt-dQw4w9WgXcQ.wav"  # served as wav: kept as it came
    assert track.chart_path == rokgame_home / "cache" / "audio" / "yt-dQw4w9WgXcQ.json"
    assert (track.title, track.artist) == ("Never Gonna Give You Up", "Rick Astley")
    [entry] = [e for e in list_entries(connect()) if e.kind == "youtube"]
    assert entry.source == entry.webpage_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert entry.thumbnail_url == "https://i.ytimg.com/vi/dQw4w9WgXcQ/hq720.jpg"
    # Any other spelling of the same video is the same track, with no look-up at all.
    assert prepare_track("https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=RD1").reused
    assert len(asked) == 1


def test_an_endless_stream_is_stopped_at_the_size_limit(server: AudioServer, quick_charts: None,
                                                         rokgame_home: Path) -> None:
    server.endless.add("radio.mp3")
    with pytest.raises(TooLong, match="was stopped"):
        prepare_track(server.link("radio.mp3"), max_minutes=0.05)
    assert server.endless_sent < 200 * 2**20  # the limit is 12 MB here; 1.26 GB was seen before
    assert_clean(rokgame_home)


def test_a_text_file_served_as_ogg_is_one_sentence_about_the_link(server: AudioServer, quick_charts: None,
                                                                   rokgame_home: Path) -> None:
    from rokgame.errors import AudioError

    (server.root / "notes.ogg").write_text("these are my notes, not a song\n" * 50)
    with pytest.raises(AudioError) as caught:
        prepare_track(server.link("notes.ogg"))
    said = str(caught.value)
    assert said.startswith("what 127.0.0.1 sent for ") and "not audio rokgame can read" in said
    assert "ffprobe" not in said and "audio.ogg" not in said
    assert_clean(rokgame_home)


def test_a_damaged_mp3_fetched_from_the_command_line_prints_no_decoder_chatter(tmp_path: Path,
                                                                               rokgame_home: Path) -> None:
    from rokgame.fetch.ffmpeg import ffmpeg_exe

    wav = make_audio(tmp_path / "src.wav", 30.0, seed=41)
    full = tmp_path / "full.mp3"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(wav), "-b:a", "128k", str(full)], check=True)
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size * 2 // 3])  # libmpg123 complains about its header
    env = {**os.environ, "ROKGAME_HOME": str(rokgame_home)}
    done = subprocess.run([sys.executable, "-m", "rokgame", "fetch", str(cut)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Xing" not in done.stderr and "libmpg123" not in done.stderr and "Warning" not in done.stderr
