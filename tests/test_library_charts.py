"""The library: chart folders found at start, the player's edits win, remove, best scores, offline start."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_fetch_support import AudioServer, fake_generate_chart_file, make_audio, serve

from rokgame import paths
from rokgame.cli import main
from rokgame.core.chart_io import file_sha256, load_chart, save_chart
from rokgame.errors import StorageError
from rokgame.storage.db import connect
from rokgame.storage.library import editable_copy, list_entries, remove_track, scan_charts
from rokgame.storage.scores import record_play
from rokgame.tracks import open_library, prepare_track


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rokgame.analysis.generate_chart_file", fake_generate_chart_file)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AudioServer]:
    root = tmp_path / "www"
    make_audio(root / "song.wav", 6.0, seed=5)
    yield from serve(root)


def mine(conn: Any) -> list[Any]:
    """The entries that are not the demo songs."""
    return [e for e in list_entries(conn) if e.kind != "builtin"]


def entry_for(track_id: int) -> Any:
    return next(e for e in list_entries(connect()) if e.track_id == track_id)


def test_the_demo_charts_are_in_the_library_with_their_audio(repo: Path) -> None:
    conn = open_library()
    builtin = {e.chart_path.name: e for e in list_entries(conn) if e.kind == "builtin"}
    shipped = sorted(p.name for p in (repo / "charts").glob("*.json"))
    assert sorted(builtin) == shipped and shipped
    for name, entry in builtin.items():
        chart = load_chart(repo / "charts" / name)
        assert entry.title == chart.song.title and entry.chart_origin == "builtin"
        assert entry.audio_path == repo / "assets" / "songs" / chart.song.audio
        assert entry.difficulties == tuple(chart.difficulties)
    again = scan_charts(conn)  # unchanged files are not read again
    assert (again.added, again.updated, again.removed, again.problems) == ([], [], [], [])


def test_chart_folders_follow_files_coming_and_going(tmp_path: Path) -> None:
    folder = tmp_path / "charts"
    folder.mkdir()
    make_audio(folder / "tune.wav", 6.0, seed=6)
    fake_generate_chart_file(folder / "tune.wav", out=folder / "tune.json", title="Tune")
    (folder / "broken.json").write_text('{"format": "rokgame.chart", "version": 1')
    conn = connect()
    report = scan_charts(conn, [(folder, "authored")])
    assert report.added == [folder / "tune.json"]
    assert len(report.problems) == 1 and report.problems[0].startswith(f"{folder / 'broken.json'}: ")
    [entry] = list_entries(conn)
    assert (entry.title, entry.kind, entry.audio_path) == ("Tune", "chart", folder / "tune.wav")

    (folder / "tune.json").unlink()
    report = scan_charts(conn, [(folder, "authored")])
    assert report.removed == [folder / "tune.json"]
    assert list_entries(conn) == []


def test_an_edited_copy_wins_and_survives_regenerating(server: AudioServer, quick_charts: None,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    track = prepare_track(server.link("song.wav"))
    assert main(["library", "edit", str(track.track_id)]) == 0
    copy = Path(capsys.readouterr().out.strip())
    assert copy.parent == paths.user_charts_dir() and copy.is_file()
    chart = load_chart(copy)
    assert chart.song.audio == track.audio_path.name
    assert chart.song.audio_sha256 == file_sha256(track.audio_path)
    # The player edits it...
    edited = json.loads(copy.read_text())
    edited["difficulties"]["expert"]["notes"] = edited["difficulties"]["expert"]["notes"][:3]
    copy.write_text(json.dumps(edited))
    edited_bytes = copy.read_bytes()
    open_library().close()
    entry = entry_for(track.track_id)
    assert (entry.chart_path, entry.chart_origin) == (copy, "authored")
    # ...and the track is downloaded and charted again (its cached audio was cleared):
    track.audio_path.unlink()
    again = prepare_track(server.link("song.wav"))
    assert not again.reused and again.chart_path == copy
    assert copy.read_bytes() == edited_bytes
    assert entry_for(track.track_id).chart_path == copy
    # Asking again gives the same copy.
    assert editable_copy(connect(), track.track_id) == (copy, False)


def test_a_players_chart_joins_its_track_by_audio_hash(tmp_path: Path, quick_charts: None) -> None:
    song = make_audio(tmp_path / "mine.wav", 6.0, seed=7)
    # Written before the track was added: it waits as a chart of its own...
    chart = paths.user_charts_dir() / "my-chart.json"
    fake_generate_chart_file(song, out=tmp_path / "draft.json", title="My Chart")
    draft = load_chart(tmp_path / "draft.json")
    from dataclasses import replace

    save_chart(replace(draft, song=replace(draft.song, audio_sha256=file_sha256(song))), chart)
    open_library().close()
    [alone] = mine(connect())
    assert alone.kind == "chart"
    # ...and becomes the chart of the track once the track is in the library.
    track = prepare_track(str(song))
    assert track.chart_path == chart
    [entry] = mine(connect())
    assert (entry.track_id, entry.kind, entry.chart_path, entry.audio_path) == (track.track_id, "file", chart, song)


def test_remove_deletes_cache_files_and_never_the_players_own(server: AudioServer, quick_charts: None,
                                                             tmp_path: Path) -> None:
    own = make_audio(tmp_path / "own.wav", 6.0, seed=8)
    downloaded = prepare_track(server.link("song.wav"))
    local = prepare_track(str(own))
    conn = connect()
    record_play(conn, chart_sha256=file_sha256(downloaded.chart_path), difficulty="expert",
                track_id=downloaded.track_id,
                report={"score": 1000, "accuracy": 0.9, "stars": 3, "max_combo": 10, "notes": 10,
                        "judgements": {"perfect": 10}})
    removed = remove_track(conn, downloaded.track_id)
    assert set(removed.deleted) == {downloaded.audio_path, downloaded.chart_path}
    assert not downloaded.audio_path.exists() and not downloaded.chart_path.exists()
    assert conn.execute("SELECT track_id FROM plays").fetchall()[0][0] is None  # the score stays

    assert main(["library", "remove", str(local.track_id)]) == 0
    assert own.is_file() and not local.chart_path.exists()
    assert mine(conn) == []


def test_remove_leaves_nothing_of_the_track_in_the_cache_and_keeps_what_is_not_its(server: AudioServer,
                                                                                    tmp_path: Path) -> None:
    from rokgame.analysis import generate_chart_file
    from rokgame.daily.local import prepared_chart, prepared_path, remember_prepared
    from rokgame.recommend import features_cache_path, warm_feature_cache

    own = make_audio(tmp_path / "mine" / "Some Band - own song.wav", 6.0, seed=8)
    other = make_audio(tmp_path / "elsewhere" / "Some Band - own song.wav", 6.0, seed=9)  # same name, other audio
    downloaded = prepare_track(server.link("song.wav"))  # real charting: it keeps its own cached copy
    local = prepare_track(str(own))
    renamed = own.rename(own.with_name("renamed.wav"))  # the player renames the file: rokgame follows it
    assert prepare_track(str(renamed)).track_id == local.track_id
    other_chart = generate_chart_file(other)  # `rokgame chart generate` of another file: stays
    remember_prepared("ytsearch1:Some Band - song", downloaded)
    assert warm_feature_cache() >= 2
    cache = paths.cache_dir()
    before = {p for p in cache.rglob("*") if p.is_file()}
    assert len([p for p in before if p.parent == paths.generated_charts_dir()]) >= 4  # charts + charter copies

    assert main(["library", "remove", str(downloaded.track_id)]) == 0
    assert main(["library", "remove", str(local.track_id)]) == 0

    left = {p for p in cache.rglob("*") if p.is_file()}
    assert {p for p in left if p.parent in (paths.generated_charts_dir(), paths.audio_cache_dir())} == {other_chart}
    assert renamed.is_file() and other.is_file()  # the player's files
    assert prepared_chart("ytsearch1:Some Band - song") is None
    assert "ytsearch1:Some Band - song" not in json.loads(prepared_path().read_text())
    figures = json.loads(features_cache_path().read_text())
    assert str(downloaded.chart_path) not in figures and str(local.chart_path) not in figures
    assert mine(connect()) == []


def test_remove_refuses_what_it_must_not_remove(capsys: pytest.CaptureFixture[str]) -> None:
    conn = open_library()
    demo = next(e for e in list_entries(conn) if e.kind == "builtin")
    with pytest.raises(StorageError, match="built-in demo song"):
        remove_track(conn, demo.track_id)
    assert main(["library", "remove", "9999"]) == 1
    err = capsys.readouterr().err
    assert err == "rokgame: there is no track 9999 in the library (see: rokgame library)\n"


def test_best_scores_per_difficulty_in_the_list(server: AudioServer, quick_charts: None,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    track = prepare_track(server.link("song.wav"))
    conn = connect()
    sha = entry_for(track.track_id).chart_sha256
    assert sha == file_sha256(track.chart_path)
    for difficulty, score in (("easy", 5000), ("easy", 7000), ("expert", 123456)):
        record_play(conn, chart_sha256=sha, difficulty=difficulty, track_id=track.track_id,
                    report={"score": score, "accuracy": 0.9, "stars": 3, "max_combo": 10, "notes": 10,
                            "judgements": {"perfect": 10}})
    entry = entry_for(track.track_id)
    assert dict(entry.best_scores) == {"easy": 7000, "expert": 123456}
    assert entry.play_count == 3
    assert main(["library"]) == 0
    line = next(li for li in capsys.readouterr().out.splitlines() if li.strip().startswith(str(track.track_id)))
    assert "song" in line and "0:06" in line and "123,456 (expert)" in line


def test_the_library_opens_and_lists_with_no_network(server: AudioServer, quick_charts: None,
                                                     monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    track = prepare_track(server.link("song.wav"))
    shutil.copy(track.audio_path, tmp_path / "keep.ogg")

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the library touched the network")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    conn = open_library()
    entries = list_entries(conn)
    assert any(e.track_id == track.track_id and e.playable for e in entries)
    assert prepare_track(server.link("song.wav")).reused  # and playing it again needs nothing either
