"""What a chart author sees from ``rokgame chart validate`` and ``rokgame chart info``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rokgame.cli import main

VALID = {
    "format": "rokgame.chart",
    "version": 1,
    "song": {"title": "Test Song", "artist": "Tester", "audio": "song.ogg", "duration": 30.0},
    "lanes": 5,
    "tempo": {"bpm": 120, "beats": [0.5, 1.0, 1.5, 2.0]},
    "difficulties": {
        "easy": {"notes": [{"t": 1.0, "lane": 0}, {"t": 2.0, "lane": 2, "len": 1.0}]},
        "expert": {
            "notes": [
                {"t": 1.0, "lane": 0},
                {"t": 1.0, "lane": 4},
                {"t": 1.25, "lane": 1},
                {"t": 1.5, "lane": 2},
                {"t": 1.75, "lane": 3, "len": 0.5},
            ]
        },
    },
}


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_valid_chart_prints_ok_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = write(tmp_path / "good.json", VALID)
    assert main(["chart", "validate", str(chart)]) == 0
    assert capsys.readouterr().out.strip() == f"{chart}: OK"


def test_wrong_lane_names_the_json_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(json.dumps(VALID))
    data["difficulties"]["expert"]["notes"][3]["lane"] = 7
    chart = write(tmp_path / "lane.json", data)
    assert main(["chart", "validate", str(chart)]) == 1
    out = capsys.readouterr().out
    assert "difficulties.expert.notes[3].lane: 7 is outside 0..4 (this chart has 5 lanes)" in out


def test_truncated_file_gets_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = json.dumps(VALID, indent=2)
    chart = write(tmp_path / "cut.json", text[: len(text) // 2])
    assert main(["chart", "validate", str(chart)]) == 1
    out = capsys.readouterr().out
    assert "not valid JSON at line" in out and "column" in out and "ends too early" in out
    assert "Traceback" not in out


def test_audio_outside_the_chart_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(json.dumps(VALID))
    data["song"]["audio"] = "../../x.ogg"
    chart = write(tmp_path / "escape.json", data)
    assert main(["chart", "validate", str(chart)]) == 1
    assert "song.audio: \"../../x.ogg\" leaves the chart's folder" in capsys.readouterr().out


def test_several_files_report_each_and_fail_if_any_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path / "good.json", VALID)
    bad = write(tmp_path / "bad.json", {"format": "rokgame.chart", "version": 1})
    assert main(["chart", "validate", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{good}: OK" in out
    assert "song: is missing" in out and "difficulties: is missing" in out


def test_warnings_alone_still_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(json.dumps(VALID))
    data["difficulties"]["easy"]["notes"].append({"t": 45.0, "lane": 1})
    data["mood"] = "happy"
    chart = write(tmp_path / "warn.json", data)
    assert main(["chart", "validate", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "OK (2 warnings)" in out
    assert "after the end of the song" in out and "mood: unknown field" in out


def test_info_counts_notes_holds_chords_and_density(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = write(tmp_path / "good.json", VALID)
    assert main(["chart", "info", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "Test Song — Tester" in out and "120 BPM" in out
    expert = next(line for line in out.splitlines() if line.startswith("expert"))
    # 5 notes, 1 hold, 1 chord, 5 notes in 0.75 s -> mean 6.67/s, peak 5 in one second.
    assert expert.split()[1:6] == ["5", "1", "1", "6.67", "5"]


def test_info_on_a_broken_chart_is_one_clear_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = write(tmp_path / "broken.json", "{")
    assert main(["chart", "info", str(chart)]) == 1
    assert "not a playable chart" in capsys.readouterr().err


@pytest.mark.parametrize("entry", [["main.py"], ["-m", "rokgame"]])
def test_entry_points_run_the_same_cli(entry: list[str], tmp_path: Path, repo: Path) -> None:
    chart = write(tmp_path / "good.json", VALID)
    done = subprocess.run([sys.executable, *entry, "chart", "validate", str(chart)],
                          cwd=repo, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("OK")


def test_a_hold_ending_exactly_at_the_next_note_is_fine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(json.dumps(VALID))
    # 1.0 + 0.9 is 1.9000000000000001 in floating point; the chart author means 1.900.
    data["difficulties"]["easy"]["notes"] = [{"t": 1.0, "lane": 1, "len": 0.9}, {"t": 1.9, "lane": 1}]
    chart = write(tmp_path / "edge.json", data)
    assert main(["chart", "validate", str(chart)]) == 0, capsys.readouterr().out
    data["difficulties"]["easy"]["notes"][1]["t"] = 1.899
    write(chart, data)
    assert main(["chart", "validate", str(chart)]) == 1
    assert "inside the hold of notes[0]" in capsys.readouterr().out
