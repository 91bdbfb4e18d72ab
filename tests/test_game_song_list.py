"""What song select lists: the library opened like at start-up (sweep, then chart scan), with BPM when it is known."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from rokgame import paths
from rokgame.core.chart_io import save_chart
from rokgame.game.songs import list_songs


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_song_select_finds_new_charts_and_clears_what_a_killed_download_left(make_chart, monkeypatch):
    monkeypatch.delenv("ROKGAME_NO_LIBRARY", raising=False)
    cache = paths.audio_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    leftover = cache / f".attempt-{dead_pid()}-deadbeef"
    leftover.mkdir()
    (leftover / "yt-abcdefghijk.ogg").write_bytes(b"half a download")
    orphan = cache / "yt-abcdefghijk.ogg"  # named like ours, in no library row: a commit that never happened
    orphan.write_bytes(b"audio without a row")
    charts = paths.user_charts_dir()
    charts.mkdir(parents=True, exist_ok=True)
    save_chart(make_chart(title="My Own Chart"), charts / "mine.json")

    songs = list_songs()

    assert "My Own Chart" in [song.title for song in songs]
    assert any(song.title != "My Own Chart" for song in songs)  # the demo songs are still there
    assert not leftover.exists() and not orphan.exists()


def test_song_select_shows_the_bpm_the_library_knows(app, monkeypatch):
    from rokgame.game.scenes.song_select import SongSelectScene
    from rokgame.storage import library

    real = library.list_entries

    def with_tempo(conn):  # type: ignore[no-untyped-def]
        entries = [asdict(entry) for entry in real(conn)]
        entries[0]["bpm"] = 128.4  # the first one knows its tempo, the others do not
        return entries

    monkeypatch.setattr(library, "list_entries", with_tempo)
    scene = app.push(SongSelectScene(app))
    end = time.monotonic() + 10
    while scene.loading:  # the list is read on a worker and arrives as an event
        assert time.monotonic() < end
        app.frame(1 / 60)
        time.sleep(0.002)
    assert len(scene.visible) >= 2
    details = [item.detail or "" for item in scene.menu.items]
    assert sum("BPM" in detail for detail in details) == 1
    assert any(detail.endswith("128 BPM") for detail in details)
    app.frame(1 / 60)
    app.screenshot(Path(__file__).resolve().parent / "artifacts" / "screens" / "song-select-bpm-1280x720.png")


def test_the_list_sorts_numbers_as_numbers_and_search_matches_whole_words(make_chart, monkeypatch):
    from rokgame.game.songs import matches

    monkeypatch.delenv("ROKGAME_NO_LIBRARY", raising=False)
    charts = paths.user_charts_dir()
    charts.mkdir(parents=True, exist_ok=True)
    for n in (17, 2, 1):
        save_chart(make_chart(title=f"Track {n}"), charts / f"track-{n}.json")
    songs = [s for s in list_songs() if s.title.startswith("Track")]
    assert [s.title for s in songs] == ["Track 1", "Track 2", "Track 17"]
    band0 = next(s for s in songs if s.title == "Track 17")
    band0.artist = "Band 0"
    assert not matches(band0, "band 7")       # every word must start a word, not sit inside one
    assert matches(band0, "band 0") and matches(band0, "tra 17") and matches(band0, "1")


def test_one_song_added_twice_says_which_file_each_row_is(monkeypatch, tmp_path):
    import shutil

    from test_fetch_support import fake_generate_chart_file, make_audio

    from rokgame.tracks import prepare_track

    monkeypatch.delenv("ROKGAME_NO_LIBRARY", raising=False)
    monkeypatch.setattr("rokgame.analysis.generate_chart_file", fake_generate_chart_file)
    wav = make_audio(tmp_path / "Artist - Song.wav", 6.0, seed=30)
    flac = tmp_path / "flac" / "Artist - Song.flac"
    flac.parent.mkdir()
    import soundfile as sf

    data, rate = sf.read(str(wav))
    sf.write(str(flac), data, rate)
    shutil.copyfile(wav, tmp_path / "unused.wav")
    prepare_track(str(wav))
    prepare_track(str(flac))
    rows = [s for s in list_songs() if s.title == "Song"]
    assert len(rows) == 2
    assert sorted(r.origin for r in rows) == ["Artist - Song.flac", "Artist - Song.wav"]
