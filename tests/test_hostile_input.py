"""Files a player or a web page can hand us: odd text, absurd numbers, pipes, devices, giants. One sentence each.

Every test drives what a player drives (the CLI, the charts folder, song select) and asserts what they
would see: a sentence and a status, the other tracks still listed, a command that ends.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rokgame import paths
from rokgame.cli import main

REPO = Path(__file__).resolve().parent.parent


def chart_json(title: str = "Song", notes: list[dict[str, object]] | None = None, duration: float = 20.0,
               lanes: int = 5) -> dict[str, object]:
    notes = notes if notes is not None else [{"t": 1.0 + 0.5 * i, "lane": i % lanes} for i in range(20)]
    return {"format": "rokgame.chart", "version": 1, "lanes": lanes,
            "song": {"title": title, "artist": "Band", "audio": "song.ogg", "duration": duration},
            "difficulties": {"expert": {"notes": notes}}}


def write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run([sys.executable, "-m", "rokgame", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize("title", ["nul\x00title", "lone \udc80 surrogate", "\x1b]0;pwned\x07\x1b[2Jclear"])
def test_odd_characters_in_a_title_are_shown_cleaned_everywhere(tmp_path: Path, title: str, capsys) -> None:
    chart = write(tmp_path / "odd.json", chart_json(title))
    assert main(["chart", "validate", str(chart)]) == 0
    assert main(["chart", "info", str(chart)]) == 0
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "\x00" not in out.out + out.err
    assert "song.title" in out.out  # the warning says which field was cleaned


def test_a_title_with_a_nul_in_the_charts_folder_keeps_every_other_song_listed(app, make_chart) -> None:
    from rokgame.core.chart_io import save_chart
    from rokgame.game.songs import list_songs

    folder = paths.user_charts_dir()
    write(folder / "nul.json", chart_json("bad\x00name"))
    save_chart(make_chart(title="Good Song"), folder / "good.json")
    titles = [s.title for s in list_songs()]
    assert "Good Song" in titles and "badname" in titles and "Neon Drive" in titles
    from rokgame.game.scenes.song_select import SongSelectScene

    scene = app.push(SongSelectScene(app))
    for _ in range(500):
        if not scene.loading:
            break
        app.frame(1 / 60)
        time.sleep(0.002)
    app.frame(1 / 60)  # drawn without an exception


def test_a_chart_file_name_that_is_not_utf8_is_one_line_not_a_crash(tmp_path: Path, capsys) -> None:
    name = os.fsdecode(b"caf\xe9.json")
    chart = write(tmp_path / name, chart_json())
    assert main(["chart", "validate", str(chart)]) == 0
    write(paths.user_charts_dir() / name, chart_json("Not UTF-8"))
    assert main(["library"]) == 0
    assert "Traceback" not in capsys.readouterr().err


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("note", "words"), [
    ({"t": 1e6, "lane": 0}, "is too large"),
    ({"t": 1.0, "lane": 0, "len": 1e308}, "is too large"),
    ({"t": 95.0, "lane": 0}, "long after the end of the song"),
])
def test_absurd_times_do_not_validate(tmp_path: Path, note: dict[str, object], words: str, capsys) -> None:
    chart = write(tmp_path / "c.json", chart_json(notes=[{"t": 1.0, "lane": 1}, note]))
    assert main(["chart", "validate", str(chart)]) == 1
    assert words in capsys.readouterr().out


def test_a_chart_with_too_many_notes_is_refused_quickly(tmp_path: Path, capsys) -> None:
    from rokgame.core.chart_io import MAX_NOTES

    notes = [{"t": round(i / 100, 3), "lane": i % 5} for i in range(MAX_NOTES + 1)]
    chart = write(tmp_path / "huge.json", chart_json(notes=notes, duration=3 * 3600))
    started = time.process_time()
    assert main(["chart", "validate", str(chart)]) == 1
    assert f"at most {MAX_NOTES:,}" in capsys.readouterr().out
    assert time.process_time() - started < 30  # it stopped at the count, not after judging every note


def test_headless_flags_that_make_no_sense_are_one_sentence(tmp_path: Path, capsys) -> None:
    chart = write(tmp_path / "c.json", chart_json())
    assert main(["play", str(chart), "--headless", "--autoplay", "--png", str(tmp_path / "png"),
                 "--png-every", "0"]) == 1
    assert "--png-every 0 is too small" in capsys.readouterr().err
    assert main(["play", str(chart), "--headless", "--autoplay", "--report", str(tmp_path / "no" / "r.json")]) == 1
    assert "there is no folder" in capsys.readouterr().err


def test_a_replay_with_a_lane_the_chart_lacks_is_one_sentence(tmp_path: Path, capsys) -> None:
    chart = write(tmp_path / "c.json", chart_json(lanes=4, notes=[{"t": 1.0, "lane": 0}]))
    replay = write(tmp_path / "r.json", {"version": 1, "events": [{"t": 1.0, "lane": 6, "type": "down"}]})
    assert main(["play", str(chart), "--headless", "--replay", str(replay)]) == 1
    err = capsys.readouterr().err
    assert "presses lane 6, but c.json has 4 lanes" in err and "Traceback" not in err


# --------------------------------------------------------------------------- files that are not files


@pytest.mark.parametrize("what", ["chart", "audio", "replay"])
def test_a_fifo_is_refused_at_once(tmp_path: Path, what: str) -> None:
    fifo = tmp_path / {"chart": "pipe.json", "audio": "pipe.ogg", "replay": "pipe-replay.json"}[what]
    os.mkfifo(fifo)
    chart = write(tmp_path / "c.json", chart_json())
    args = {"chart": ["chart", "validate", str(fifo)], "audio": ["fetch", str(fifo)],
            "replay": ["play", str(chart), "--headless", "--replay", str(fifo)]}[what]
    done = cli(*args, timeout=60)
    assert done.returncode == 1
    assert "not a regular file" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_pipes_and_devices_in_the_charts_folder_never_block_start_up(tmp_path: Path) -> None:
    folder = paths.user_charts_dir()
    os.mkfifo(folder / "pipe.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    write(folder / "ok.json", chart_json("Fine Song"))
    done = cli("library", timeout=60)
    assert done.returncode == 0 and "Fine Song" in done.stdout


def test_an_invalid_chart_file_is_read_once_not_at_every_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from rokgame.storage import library
    from rokgame.tracks import open_library

    bad = paths.user_charts_dir() / "broken.json"
    bad.write_text("{" * 10 + "not json")
    open_library().close()
    reads: list[Path] = []
    real = library.read_chart
    monkeypatch.setattr(library, "read_chart", lambda p: reads.append(Path(p)) or real(p))
    open_library().close()
    assert bad not in reads
    bad.write_text(json.dumps(chart_json("Fixed")))  # changed: read again, and now it plays
    open_library().close()
    assert bad in reads


def test_sigterm_during_a_headless_play_is_not_a_finished_play(tmp_path: Path) -> None:
    notes = [{"t": 1.0 + i, "lane": i % 5} for i in range(1500)]
    chart = write(tmp_path / "long.json", chart_json(notes=notes, duration=1600))
    report = tmp_path / "report.json"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    process = subprocess.Popen([sys.executable, "-m", "rokgame", "play", str(chart), "--headless", "--autoplay",
                                "--report", str(report)], env=env, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143 and "stopped" in err
    assert not report.exists()


def test_a_symlink_in_a_charts_folder_does_not_lead_its_audio_out(tmp_path: Path) -> None:
    from rokgame.core.chart_io import load_chart, resolve_audio

    secret = tmp_path / "elsewhere" / "private.ogg"
    secret.parent.mkdir()
    secret.write_bytes(b"OggS not yours")
    folder = tmp_path / "downloaded-chart"
    chart = write(folder / "c.json", chart_json())
    (folder / "song.ogg").symlink_to(secret)
    assert resolve_audio(load_chart(chart), chart) is None
    (folder / "song.ogg").unlink()
    (folder / "song.ogg").write_bytes(b"OggS mine")
    assert resolve_audio(load_chart(chart), chart) == folder / "song.ogg"


@pytest.mark.parametrize("link", ["http://127.0.0.1:99999/x", "http://host:abc/x", "http://[::1/x"])
def test_malformed_links_are_one_sentence(link: str, capsys) -> None:
    assert main(["fetch", link]) == 1
    err = capsys.readouterr().err
    assert "is not a valid link" in err and "Traceback" not in err


def test_a_file_named_like_an_option_gets_a_hint(capsys) -> None:
    assert main(["fetch", "-rf.mp3"]) == 2
    assert "write it as ./-rf.mp3" in capsys.readouterr().err


def test_a_home_that_cannot_be_made_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ROKGAME_HOME", str(blocker / "home"))
    assert main(["history"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rokgame: ") and "Traceback" not in err and len(err.splitlines()) == 1


def test_a_busy_database_is_one_sentence() -> None:
    import sqlite3

    from rokgame.cli import system_problem

    said = system_problem(sqlite3.OperationalError("database is locked"))
    assert "busy" in said and "another rokgame" in said


def test_a_video_without_sound_says_so(tmp_path: Path) -> None:
    from rokgame.errors import AudioError
    from rokgame.fetch.ffmpeg import convert_to_ogg, ffmpeg_exe

    video = tmp_path / "silent-film.mp4"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", "color=c=black:s=64x64:d=2",
                    "-c:v", "mpeg4", str(video)], check=True)
    with pytest.raises(AudioError, match="has no sound in it"):
        convert_to_ogg(video, tmp_path / "out.ogg")


def test_a_local_file_named_like_a_link_is_given_to_ffmpeg_as_a_file(tmp_path: Path) -> None:
    import shutil

    from test_fetch_support import make_audio

    from rokgame.fetch.ffmpeg import media_duration

    wav = make_audio(tmp_path / "src.wav", 6.0, seed=40)
    odd = tmp_path / "http:song.wav"
    shutil.copyfile(wav, odd)
    assert media_duration(odd) == pytest.approx(6.0, abs=0.05)


@pytest.mark.parametrize(("page_says", "refused"), [
    ({"_type": "url", "url": "ftp://files.example.org/song.mp3"}, "not ftp: ones"),
    ({"_type": "playlist", "entries": [{"url": "ytsearch1:something else", "title": "x"}]}, "not ytsearch1: ones"),
    ({"id": "x", "title": "t", "url": "file:///etc/passwd", "formats": [{"url": "file:///etc/passwd"}]},
     "not file: ones"),
])
def test_a_page_can_not_make_the_fetch_follow_other_schemes(monkeypatch: pytest.MonkeyPatch,
                                                            page_says: dict[str, object], refused: str) -> None:
    import yt_dlp

    from rokgame.errors import FetchError
    from rokgame.tracks import prepare_track

    asked: list[str] = []

    def extract_info(self, url, download=True, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(url)
        return dict(page_says)

    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", extract_info)
    monkeypatch.setattr("rokgame.fetch.network.check_reachable", lambda url, **kw: None)
    with pytest.raises(FetchError, match=refused):
        prepare_track("https://pages.example.org/a-page")
    assert asked == ["https://pages.example.org/a-page"]  # nothing else was opened
