"""Chart format v1: every problem reported with its JSON path, canonical saving, and properties."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rokgame.core.chart import DIFFICULTY_NAMES, Chart, Difficulty, Note, Song, Tempo
from rokgame.core.chart_io import (
    NOTE_KEYS,
    SONG_KEYS,
    TOP_KEYS,
    dumps_chart,
    load_chart,
    loads_chart,
    parse_chart,
    read_chart,
    save_chart,
)
from rokgame.errors import ChartError
from rokgame.schema import schema_path

SHOWN = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029")

# --------------------------------------------------------------------------- a valid chart to break


def base() -> dict[str, Any]:
    """A valid chart as parsed JSON: 5 lanes, 16 expert notes (one a hold), an easy difficulty."""
    expert = [{"t": round(1.0 + 0.25 * i, 3), "lane": i % 5} for i in range(16)]
    expert[3]["len"] = 0.2
    return {
        "format": "rokgame.chart",
        "version": 1,
        "song": {"title": "Test Song", "artist": "Tester", "audio": "song.ogg", "duration": 30.0},
        "lanes": 5,
        "offset": 0.0,
        "tempo": {"bpm": 120.0, "beats": [0.5, 1.0, 1.5]},
        "difficulties": {"easy": {"notes": [{"t": 1.0, "lane": 0}]}, "expert": {"notes": expert}},
    }


def check(data: Any) -> list[tuple[str, str, str]]:
    """(severity, path, message) of every problem in ``data``."""
    result = parse_chart(json.dumps(data, allow_nan=True) if not isinstance(data, str) else data)
    return [(p.severity, p.path, p.message) for p in result.problems]


def mutate(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = base()
    change(data)
    return data


def note(data: dict[str, Any], i: int, difficulty: str = "expert") -> dict[str, Any]:
    return data["difficulties"][difficulty]["notes"][i]


def test_the_base_chart_is_valid_without_warnings() -> None:
    assert check(base()) == []


def test_a_lane_outside_the_chart_has_exactly_this_sentence() -> None:
    data = mutate(lambda d: note(d, 12).update(lane=7))
    result = parse_chart(json.dumps(data))
    assert result.chart is None
    assert [str(p) for p in result.errors] == [
        "difficulties.expert.notes[12].lane: 7 is outside 0..4 (this chart has 5 lanes)"
    ]


ERROR_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("format missing", lambda d: d.pop("format"), "format", "is missing"),
    ("wrong format", lambda d: d.update(format="osu!mania"), "format", "is not a rokgame chart"),
    ("version 2", lambda d: d.update(version=2), "version", "update rokgame"),
    ("version 0", lambda d: d.update(version=0), "version", "is not a chart format version"),
    ("version missing", lambda d: d.pop("version"), "version", "is missing"),
    ("version text", lambda d: d.update(version="1"), "version", "whole number"),
    ("song missing", lambda d: d.pop("song"), "song", "is missing"),
    ("song not an object", lambda d: d.update(song="x"), "song", "must be an object"),
    ("title missing", lambda d: d["song"].pop("title"), "song.title", "is missing"),
    ("title empty", lambda d: d["song"].update(title="  "), "song.title", "is empty"),
    ("title a number", lambda d: d["song"].update(title=3), "song.title", "must be text"),
    ("audio missing", lambda d: d["song"].pop("audio"), "song.audio", "is missing"),
    ("duration text", lambda d: d["song"].update(duration="3:20"), "song.duration", "must be a number"),
    ("duration zero", lambda d: d["song"].update(duration=0), "song.duration", "too small"),
    # 0.0004 s would be saved as 0.000, which the loader refuses: refuse it on load already.
    ("duration under a ms", lambda d: d["song"].update(duration=0.0004), "song.duration", "at least 0.001"),
    ("bad sha", lambda d: d["song"].update(audio_sha256="ABC"), "song.audio_sha256", "64 lowercase"),
    ("lanes 8", lambda d: d.update(lanes=8), "lanes", "outside 3..7"),
    ("lanes text", lambda d: d.update(lanes="5"), "lanes", "whole number"),
    ("lanes true", lambda d: d.update(lanes=True), "lanes", "whole number"),
    ("offset too big", lambda d: d.update(offset=11), "offset", "too large"),
    ("tempo not an object", lambda d: d.update(tempo=[120]), "tempo", "must be an object"),
    ("bpm missing", lambda d: d["tempo"].pop("bpm"), "tempo.bpm", "is missing"),
    ("bpm negative", lambda d: d["tempo"].update(bpm=-1), "tempo.bpm", "too small"),
    ("bpm rounds to zero", lambda d: d["tempo"].update(bpm=0.0001), "tempo.bpm", "at least 0.001"),
    ("beats not a list", lambda d: d["tempo"].update(beats=3), "tempo.beats", "must be a list"),
    ("beat negative", lambda d: d["tempo"]["beats"].__setitem__(1, -1), "tempo.beats[1]", "negative"),
    ("beat text", lambda d: d["tempo"]["beats"].__setitem__(2, "x"), "tempo.beats[2]", "time in seconds"),
    ("difficulties missing", lambda d: d.pop("difficulties"), "difficulties", "is missing"),
    ("difficulties empty", lambda d: d.update(difficulties={}), "difficulties", "at least one"),
    ("unknown difficulty", lambda d: d["difficulties"].update(Expert={"notes": []}), "difficulties.Expert",
     "did you mean 'expert'"),
    ("unknown difficulty, no hint", lambda d: d["difficulties"].update(insane={"notes": []}),
     "difficulties.insane", "use easy, medium, hard or expert"),
    ("notes missing", lambda d: d["difficulties"]["easy"].pop("notes"), "difficulties.easy.notes", "is missing"),
    ("notes not a list", lambda d: d["difficulties"]["easy"].update(notes={}), "difficulties.easy.notes",
     "must be a list"),
    ("note not an object", lambda d: d["difficulties"]["expert"]["notes"].__setitem__(4, [1, 0]),
     "difficulties.expert.notes[4]", "must be a note like"),
    ("t missing", lambda d: note(d, 5).pop("t"), "difficulties.expert.notes[5].t", "is missing"),
    ("lane missing", lambda d: note(d, 5).pop("lane"), "difficulties.expert.notes[5].lane", "is missing"),
    ("t text", lambda d: note(d, 5).update(t="1.5"), "difficulties.expert.notes[5].t", "must be a number"),
    ("t null", lambda d: note(d, 5).update(t=None), "difficulties.expert.notes[5].t", "not null"),
    ("t negative", lambda d: note(d, 0).update(t=-0.5), "difficulties.expert.notes[0].t", "negative"),
    ("t NaN", lambda d: note(d, 6).update(t=float("nan")), "difficulties.expert.notes[6].t", "not a finite"),
    ("t Infinity", lambda d: note(d, 6).update(t=float("inf")), "difficulties.expert.notes[6].t", "not a finite"),
    ("t -Infinity", lambda d: note(d, 6).update(t=float("-inf")), "difficulties.expert.notes[6].t", "not a finite"),
    ("t a huge integer", lambda d: note(d, 6).update(t=10**400), "difficulties.expert.notes[6].t", "too large"),
    ("len negative", lambda d: note(d, 7).update(len=-0.1), "difficulties.expert.notes[7].len", "negative"),
    ("lane a float", lambda d: note(d, 8).update(lane=1.5), "difficulties.expert.notes[8].lane", "whole number"),
    ("lane negative", lambda d: note(d, 8).update(lane=-1), "difficulties.expert.notes[8].lane", "outside 0..4"),
    ("two notes at once in a lane", lambda d: note(d, 5).update(t=1.0, lane=0), "difficulties.expert.notes[5]",
     "two notes at the same time"),
    ("a note inside a hold", lambda d: note(d, 8).update(t=1.85, lane=3), "difficulties.expert.notes[8]",
     "inside the hold of notes[3]"),
]


@pytest.mark.parametrize(("change", "path", "says"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_each_error_is_reported_at_its_json_path_in_a_sentence(
    change: Callable[[dict[str, Any]], None], path: str, says: str
) -> None:
    problems = check(mutate(change))
    errors = [(p, m) for s, p, m in problems if s == "error"]
    assert any(p == path and says in m for p, m in errors), problems
    for _, message in errors:
        assert message and "\n" not in message and "Traceback" not in message
    assert parse_chart(json.dumps(mutate(change), allow_nan=True)).chart is None


def test_every_error_is_reported_at_once() -> None:
    def many(d: dict[str, Any]) -> None:
        note(d, 1).update(lane=9)
        note(d, 2).update(t=-1)
        d["song"].update(audio="/etc/x.ogg")

    paths = {p for s, p, _ in check(mutate(many)) if s == "error"}
    assert {"difficulties.expert.notes[1].lane", "difficulties.expert.notes[2].t", "song.audio"} <= paths


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"format": "rokgame.chart",\n "version": 1,,}', "line 2, column 15"),
        ('{"format": "rokgame.chart", "version": 1', "ends too early"),
        ("", "is empty"),
        ("[" * 100_000, "nested too deeply"),
        ('{"version": 1' + "0" * 5000 + "}", "too many digits"),
    ],
)
def test_text_that_is_not_json_is_one_sentence(text: str, says: str) -> None:
    result = parse_chart(text)
    assert result.chart is None and len(result.problems) == 1
    assert says in result.problems[0].message


@pytest.mark.parametrize("value", [[], "chart", 3, None])
def test_json_that_is_not_an_object_is_refused(value: Any) -> None:
    (problem,) = parse_chart(json.dumps(value)).problems
    assert "a chart is a JSON object" in problem.message


# --------------------------------------------------------------------------- issue 2's list, word for word


def _swap_notes(d: dict[str, Any]) -> None:
    notes = d["difficulties"]["expert"]["notes"]
    notes[2], notes[9] = notes[9], notes[2]


def _note_in_a_hold(d: dict[str, Any]) -> None:
    note(d, 3)["len"] = 0.6  # lane 3, 1.750 s: now held until 2.350 s
    note(d, 4)["lane"] = 3  # 2.000 s, in that lane


def _unknown_fields(d: dict[str, Any]) -> None:
    d["editor"] = {"zoom": 2}
    d["song"]["titel"] = "typo"
    note(d, 4)["star_power"] = True


def _text(change: Callable[[dict[str, Any]], None]) -> str:
    return json.dumps(mutate(change), allow_nan=True)


#: Every kind of problem the foundation issue names, with the exact path and sentence an author reads.
ISSUE_CASES: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    ("not JSON", '{"format": "rokgame.chart",\n "version": 1,,}',
     [("error", "", "not valid JSON at line 2, column 15: expecting property name enclosed in double quotes")]),
    ("truncated", '{"format": "rokgame.chart", "version": 1',
     [("error", "", "not valid JSON at line 1, column 41: the file ends too early (is it cut short?)")]),
    ("format missing, and more", _text(lambda d: (d.pop("format"), note(d, 12).update(lane=7))),
     [("error", "format", 'is missing: this is not a rokgame chart ("format": "rokgame.chart")'),
      ("error", "difficulties.expert.notes[12].lane", "7 is outside 0..4 (this chart has 5 lanes)")]),
    ("other JSON", json.dumps({"name": "my-app", "version": "1.0.0"}),
     [("error", "format", 'is missing: this is not a rokgame chart ("format": "rokgame.chart")')]),
    ("wrong format", _text(lambda d: d.update(format="osu!mania")),
     [("error", "format", '"osu!mania" is not a rokgame chart (expected "rokgame.chart")')]),
    ("wrong version", _text(lambda d: d.update(version=2)),
     [("error", "version",
       "this chart is format version 2; this rokgame reads version 1 (update rokgame to play it)")]),
    ("missing field", _text(lambda d: (d["song"].pop("title"), note(d, 5).pop("lane"))),
     [("error", "song.title", "is missing"), ("error", "difficulties.expert.notes[5].lane", "is missing")]),
    ("wrong types", _text(lambda d: (d.update(lanes="5"), note(d, 5).update(t="1.5"),
                                     d["difficulties"]["easy"].update(notes={}))),
     [("error", "lanes", 'must be a whole number from 3 to 7, not "5"'),
      ("error", "difficulties.easy.notes", "must be a list of notes, not an object"),
      ("error", "difficulties.expert.notes[5].t", 'must be a number, not text "1.5"')]),
    ("negative time", _text(lambda d: note(d, 0).update(t=-0.5)),
     [("error", "difficulties.expert.notes[0].t", "-0.5 is negative; it must be 0 or more")]),
    ("NaN time", _text(lambda d: note(d, 6).update(t=float("nan"))),
     [("error", "difficulties.expert.notes[6].t", "NaN is not a finite number")]),
    ("infinite time", _text(lambda d: note(d, 6).update(t=float("-inf"))),
     [("error", "difficulties.expert.notes[6].t", "-Infinity is not a finite number")]),
    ("lane out of range", _text(lambda d: note(d, 12).update(lane=7)),
     [("error", "difficulties.expert.notes[12].lane", "7 is outside 0..4 (this chart has 5 lanes)")]),
    ("notes out of order", _text(_swap_notes),
     [("warning", "difficulties.expert.notes[3]", "notes are not in time order (1.750 s comes after 3.250 s); "
       "they are played in time order and will be saved sorted")]),
    ("a note inside a hold", _text(_note_in_a_hold),
     [("error", "difficulties.expert.notes[4]",
       "starts at 2.000 s inside the hold of notes[3] in lane 3 (1.750–2.350 s); shorten that hold")]),
    ("two notes at once in a lane",
     _text(lambda d: d["difficulties"]["expert"]["notes"].insert(1, {"t": 1.0, "lane": 0})),
     [("error", "difficulties.expert.notes[1]",
       "two notes at the same time (1.000 s) in lane 0 (notes[0] and notes[1])")]),
    ("notes after the end", _text(lambda d: d["song"].update(duration=4.5)),
     [("warning", "difficulties.expert.notes[15].t",
       "4.750 s is after the end of the song (4.500 s); it can never be played")]),
    ("absolute audio", _text(lambda d: d["song"].update(audio="/home/me/x.ogg")),
     [("error", "song.audio", '"/home/me/x.ogg" is an absolute path or a link; it must be a file name relative '
       "to the chart's folder (charts come from strangers)")]),
    ("audio leaving the folder", _text(lambda d: d["song"].update(audio="../../x.ogg")),
     [("error", "song.audio", '"../../x.ogg" leaves the chart\'s folder; the audio must be in the chart\'s folder '
       "or below it (charts come from strangers)")]),
    ("unknown difficulty", _text(lambda d: d["difficulties"].update(insane={"notes": []})),
     [("error", "difficulties.insane", 'unknown difficulty "insane"; use easy, medium, hard or expert')]),
    ("unknown fields", _text(_unknown_fields),
     [("warning", "editor", "unknown field; kept as it is"),
      ("warning", "song.titel", "unknown field (did you mean 'title'?); kept as it is"),
      ("warning", "difficulties.expert.notes[4].star_power", "unknown field; kept as it is")]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in ISSUE_CASES], ids=[c[0] for c in ISSUE_CASES])
def test_every_case_of_the_issue_has_its_exact_path_and_sentence(text: str,
                                                                 expected: list[tuple[str, str, str]]) -> None:
    assert check(text) == expected


def test_a_key_written_twice_is_a_warning_at_its_path_and_the_last_one_counts() -> None:
    data = mutate(lambda d: d["song"].update(title="First"))
    fourth = json.dumps(note(data, 3))  # {"t": ..., "lane": ...}: the same note with its lane written twice
    text = json.dumps(data).replace(fourth, fourth[:-1] + ', "lane": 4}', 1)
    text = text.replace('"title": "First"', '"title": "First", "title": "Second"')
    result = parse_chart(text)
    assert [(p.severity, p.path, p.message) for p in result.problems] == [
        ("warning", "difficulties.expert.notes[3].lane",
         "appears more than once in the same object; only the last one (4) counts"),
        ("warning", "song.title", 'appears more than once in the same object; only the last one ("Second") counts'),
    ]
    assert result.chart is not None and result.chart.song.title == "Second"
    assert result.chart.difficulties["expert"].notes[3].lane == 4


def test_a_number_too_large_for_a_float_is_shown_as_written_not_as_infinity() -> None:
    text = _text(lambda d: note(d, 6).update(t=123456.0)).replace("123456.0", "1e400", 1)
    assert check(text) == [("error", "difficulties.expert.notes[6].t", "1e400 is far too large")]
    digits = _text(lambda d: note(d, 6).update(t=123456.0)).replace("123456.0", "9" * 400, 1)
    assert check(digits) == [("error", "difficulties.expert.notes[6].t", "is far too large")]


# --------------------------------------------------------------------------- audio paths


@pytest.mark.parametrize("audio", ["/etc/x.ogg", "C:\\x.ogg", "c:x.ogg", "\\\\server\\x.ogg", "../../x.ogg",
                                   "a/../../x.ogg", "..", "https://example.com/x.ogg", "", "x\x00.ogg"])
def test_audio_outside_the_charts_folder_is_an_error(audio: str) -> None:
    problems = check(mutate(lambda d: d["song"].update(audio=audio)))
    assert [p for s, p, _ in problems if s == "error"] == ["song.audio"]


@pytest.mark.parametrize("audio", ["song.ogg", "sub/../song.ogg", "audio/song.ogg", "./song.ogg", "a\\b.ogg"])
def test_audio_in_or_below_the_charts_folder_is_fine(audio: str) -> None:
    assert check(mutate(lambda d: d["song"].update(audio=audio))) == []


# --------------------------------------------------------------------------- warnings


def test_notes_out_of_order_load_with_a_warning_and_save_sorted() -> None:
    data = base()
    notes = data["difficulties"]["expert"]["notes"]
    notes[2], notes[9] = notes[9], notes[2]
    result = parse_chart(json.dumps(data))
    assert result.chart is not None
    assert [(p.severity, p.path) for p in result.problems] == [("warning", "difficulties.expert.notes[3]")]
    assert "saved sorted" in result.problems[0].message
    saved = json.loads(dumps_chart(result.chart))["difficulties"]["expert"]["notes"]
    assert [(n["t"], n["lane"]) for n in saved] == sorted((n["t"], n["lane"]) for n in notes)


def test_beats_out_of_order_warn_and_save_sorted() -> None:
    data = mutate(lambda d: d["tempo"].update(beats=[1.0, 0.5, 1.5]))
    result = parse_chart(json.dumps(data))
    assert [(p.severity, p.path) for p in result.problems] == [("warning", "tempo.beats[1]")]
    assert result.chart is not None and result.chart.tempo.beats == (0.5, 1.0, 1.5)


def test_notes_after_the_end_of_the_song_warn() -> None:
    data = mutate(lambda d: d["song"].update(duration=4.0))
    result = parse_chart(json.dumps(data))
    assert result.chart is not None
    late = [p for p in result.warnings if "after the end of the song" in p.message]
    assert late and all(p.path.startswith("difficulties.expert.notes") for p in late)
    assert late[0].path == "difficulties.expert.notes[13].t"


def test_unknown_fields_warn_and_are_kept_on_save() -> None:
    def add(d: dict[str, Any]) -> None:
        d["editor"] = {"name": "moonscraper", "zoom": 2}
        d["song"]["album"] = "Demo"
        d["tempo"]["time_signature"] = [4, 4]
        d["difficulties"]["expert"]["author"] = "me"
        note(d, 4)["star_power"] = True
        d["song"]["titel"] = "typo"

    data = mutate(add)
    result = parse_chart(json.dumps(data))
    assert result.chart is not None
    assert {p.path for p in result.warnings} == {
        "editor", "song.album", "tempo.time_signature", "difficulties.expert.author",
        "difficulties.expert.notes[4].star_power", "song.titel"}
    assert "did you mean 'title'" in next(p.message for p in result.warnings if p.path == "song.titel")
    again = json.loads(dumps_chart(result.chart))
    assert again["editor"] == data["editor"] and again["song"]["album"] == "Demo"
    assert again["tempo"]["time_signature"] == [4, 4] and again["difficulties"]["expert"]["author"] == "me"
    assert again["difficulties"]["expert"]["notes"][4]["star_power"] is True


# --------------------------------------------------------------------------- saving


CANONICAL = """{
  "format": "rokgame.chart",
  "version": 1,
  "song": {"title": "Café del Mar ✓", "artist": "", "audio": "audio/song.ogg", "duration": 12.500, \
"audio_sha256": "%s"},
  "lanes": 4,
  "offset": -0.015,
  "tempo": {"bpm": 128.000, "beats": [
    0.000, 0.469, 0.938, 1.406, 1.875, 2.344, 2.813, 3.281, 3.750, 4.219, 4.688, 5.156, 5.625, 6.094, 6.563, 7.031,
    7.500
  ]},
  "difficulties": {
    "easy": {"notes": []},
    "expert": {"notes": [
      {"t": 0.469, "lane": 0},
      {"t": 0.469, "lane": 3},
      {"t": 0.938, "lane": 1, "len": 0.750},
      {"t": 1.406, "lane": 2, "accent": true}
    ]}
  },
  "generator": {"name": "rokgame", "version": "0.1.0", "params": {"seed": 7}},
  "x-editor": {"zoom": 2}
}
""" % ("0123456789abcdef" * 4)


def test_a_canonical_file_loads_and_saves_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "chart.json"
    path.write_bytes(CANONICAL.encode("utf-8"))
    chart = load_chart(path)
    assert dumps_chart(chart) == CANONICAL
    save_chart(chart, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == CANONICAL.encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] != [] and not list(tmp_path.glob(".*.tmp"))


def test_a_saved_chart_reads_back_equal_from_the_demo_chart_files(repo: Path) -> None:
    for path in sorted((repo / "charts").glob("**/*.json")):
        result = read_chart(path)
        assert result.chart is not None, [str(p) for p in result.problems]
        assert dumps_chart(loads_chart(dumps_chart(result.chart))) == dumps_chart(result.chart)


def test_a_lone_surrogate_in_text_is_replaced_with_a_warning_and_still_saves(tmp_path: Path) -> None:
    data = mutate(lambda d: d["song"].update(title="broken \ud800 title\x00\x1b[2J"))
    result = parse_chart(json.dumps(data))
    assert result.chart is not None and result.chart.song.title == "broken \ufffd title[2J"
    assert [p.path for p in result.warnings] == ["song.title"]
    save_chart(result.chart, tmp_path / "c.json")
    assert load_chart(tmp_path / "c.json").song.title == "broken \ufffd title[2J"


def test_load_errors_raise_one_chart_error_listing_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(mutate(lambda d: (note(d, 1).update(lane=9), note(d, 2).update(t=-1)))))
    with pytest.raises(ChartError) as info:
        load_chart(path)
    assert str(info.value).startswith(f"{path}: difficulties.expert.notes[1].lane: 9 is outside")
    assert "and 1 more problem" in str(info.value) and len(info.value.problems) == 2
    with pytest.raises(ChartError, match="no such file"):
        load_chart(tmp_path / "missing.json")
    (tmp_path / "latin1.json").write_bytes('{"t": "é"}'.encode("latin-1"))
    with pytest.raises(ChartError, match="not UTF-8"):
        load_chart(tmp_path / "latin1.json")


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(base()).encode())
    assert read_chart(path).chart is not None


# --------------------------------------------------------------------------- properties

ms = st.integers(min_value=0, max_value=600_000).map(lambda n: n / 1000)
json_scalars = st.none() | st.booleans() | st.integers(-(10**18), 10**18) | st.floats(
    allow_nan=False, allow_infinity=False) | st.text(max_size=8)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=6)


def extras(known: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.text(min_size=1, max_size=6).filter(lambda k: k not in known), json_values,
                           max_size=2)


@st.composite
def difficulties(draw: st.DrawFn, lanes: int) -> tuple[Note, ...]:
    """Valid notes with ms times: per lane, gaps and hold lengths that never overlap."""
    notes: list[Note] = []
    steps = st.tuples(st.integers(1, 2000), st.sampled_from([0, 0, 0, 1, 250, 1500]))
    for lane in range(lanes):
        t = draw(st.integers(0, 3000))
        for gap, length in draw(st.lists(steps, max_size=6)):
            notes.append(Note(t / 1000, lane, length / 1000))
            t += length + gap
    # A few notes carry fields from a newer rokgame.
    for i in range(min(2, len(notes))):
        extra = draw(extras(NOTE_KEYS))
        notes[i] = Note(notes[i].t, notes[i].lane, notes[i].length, extra=extra or None)
    return tuple(notes)


@st.composite
def charts(draw: st.DrawFn) -> Chart:
    lanes = draw(st.integers(3, 7))
    names = draw(st.sets(st.sampled_from(DIFFICULTY_NAMES), min_size=1))
    song = Song(
        # Shown text: no control characters or lone surrogates (those are cleaned on load, with a warning).
        title=draw(st.text(SHOWN, min_size=1, max_size=20).filter(str.strip)),
        artist=draw(st.text(SHOWN, max_size=10)),
        audio=draw(st.sampled_from(["song.ogg", "a/b c.opus", "sub/../x.mp3", "ü.flac"])),
        duration=draw(st.none() | st.integers(1, 900_000).map(lambda n: n / 1000)),
        source=draw(st.none() | st.text(max_size=20)),
        audio_sha256=draw(st.none() | st.text("0123456789abcdef", min_size=64, max_size=64)),
        extra=draw(extras(SONG_KEYS)),
    )
    tempo = None
    if draw(st.booleans()):
        tempo = Tempo(bpm=draw(st.integers(1, 1_000_000)) / 1000,
                      beats=tuple(sorted(draw(st.lists(ms, max_size=40)))), extra=draw(extras(("bpm", "beats"))))
    return Chart(
        song=song,
        difficulties={name: Difficulty(name, draw(difficulties(lanes)), extra=draw(extras(("notes",))))
                      for name in names},
        lanes=lanes,
        offset=draw(st.integers(-10_000, 10_000)) / 1000,
        tempo=tempo,
        generator=draw(st.none() | st.dictionaries(st.text(max_size=6), json_values, max_size=3)),
        extra=draw(extras(TOP_KEYS)),
    )


def extras_of(chart: Chart) -> list[Any]:
    out: list[Any] = [dict(chart.extra), dict(chart.song.extra)]
    out.append(dict(chart.tempo.extra) if chart.tempo else None)
    for difficulty in chart.difficulties.values():
        out.append(dict(difficulty.extra))
        out.extend(dict(n.extra or {}) for n in difficulty.notes)
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charts())
def test_saving_and_loading_any_valid_chart_gives_it_back(chart: Chart) -> None:
    text = dumps_chart(chart)
    result = parse_chart(text)
    assert result.errors == [], [str(p) for p in result.errors]
    assert result.chart == chart
    assert extras_of(result.chart) == extras_of(chart)
    assert dumps_chart(result.chart) == text
    text.encode("utf-8")


def json_documents() -> st.SearchStrategy[Any]:
    chart_like = st.fixed_dictionaries({"format": st.just("rokgame.chart")}, optional={
        "version": json_values | st.just(1), "song": json_values, "lanes": json_values,
        "difficulties": json_values | st.dictionaries(st.sampled_from(DIFFICULTY_NAMES), json_values),
        "tempo": json_values, "offset": json_values, "generator": json_values})
    return json_values | chart_like


def assert_well_behaved(text: str) -> None:
    """Never raises; problems are sentences; whatever it accepts saves and loads back the same."""
    result = parse_chart(text)
    for problem in result.problems:
        assert isinstance(problem.path, str) and problem.message and "\n" not in problem.message
    if result.chart is not None:
        saved = dumps_chart(result.chart)
        saved.encode("utf-8")
        again = parse_chart(saved)
        assert again.errors == [] and again.chart == result.chart and dumps_chart(again.chart) == saved


@settings(max_examples=150, deadline=None)
@given(json_documents())
def test_the_validator_never_raises_on_any_json(value: Any) -> None:
    assert_well_behaved(json.dumps(value))


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_in(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths_in(item, (*prefix, i))
    return found


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_the_validator_never_raises_on_a_broken_chart(data: st.DataObject) -> None:
    doc = copy.deepcopy(base())
    for _ in range(data.draw(st.integers(1, 3))):
        paths = paths_in(doc)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_values | st.sampled_from(
                [float("nan"), float("inf"), -1, 10**400, 1e308, 0.0004, "", "..", 0, 7, True]))
    assert_well_behaved(json.dumps(doc, allow_nan=True))


# --------------------------------------------------------------------------- JSON Schema


def schema() -> dict[str, Any]:
    return json.loads(schema_path().read_text(encoding="utf-8"))


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_accepts_a_canonical_chart_and_rejects_a_wrong_lane_type() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    validator.validate(json.loads(CANONICAL))
    validator.validate(base())
    broken = mutate(lambda d: note(d, 3).update(lane="2"))
    errors = list(validator.iter_errors(broken))
    assert errors and any(list(e.absolute_path) == ["difficulties", "expert", "notes", 3, "lane"] for e in errors)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: note(d, 12).update(lane=7),  # outside this chart's 5 lanes
        lambda d: d.update(lanes=3) or note(d, 0).update(lane=3),
        lambda d: d.update(version=2),
        lambda d: d["difficulties"].update(insane={"notes": []}),
        lambda d: d["song"].update(audio="/etc/x.ogg"),
        lambda d: note(d, 1).update(t=-1),
        lambda d: d["song"].pop("title"),
    ],
)
def test_the_schema_rejects_what_the_loader_rejects(change: Callable[[dict[str, Any]], None]) -> None:
    broken = mutate(change)
    assert parse_chart(json.dumps(broken)).chart is None
    assert list(jsonschema.Draft202012Validator(schema()).iter_errors(broken))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charts())
def test_the_schema_accepts_every_chart_rokgame_saves(chart: Chart) -> None:
    jsonschema.Draft202012Validator(schema()).validate(json.loads(dumps_chart(chart)))
