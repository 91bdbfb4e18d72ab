"""``python -m rokgame.analysis``: the auto-charter without the rest of the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from rokgame.analysis.__main__ import main
from rokgame.analysis.testsignals import SR, arrange
from rokgame.cli import main as cli_main

ROCK = {"kick": "x.......x.x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."}


@pytest.fixture
def song(tmp_path: Path) -> Path:
    path = tmp_path / "groove.wav"
    sf.write(path, arrange(bpm=118, bars=6, drums=ROCK).y, SR)
    return path


def test_writes_the_same_chart_as_the_cli(song: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(song), "-o", str(song.with_name("entry.json")), "--no-cache"]) == 0
    assert capsys.readouterr().out.strip() == str(song.with_name("entry.json"))
    assert cli_main(["chart", "generate", str(song), "-o", str(song.with_name("cli.json")), "--no-cache"]) == 0
    entry = song.with_name("entry.json").read_bytes()
    assert b'"expert"' in entry
    assert entry == song.with_name("cli.json").read_bytes()


def test_a_missing_file_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nothing.ogg")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rokgame: ") and "nothing.ogg" in err
    assert len(err.strip().splitlines()) == 1
