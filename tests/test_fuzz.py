"""Fuzzing what a player or a web page can hand us: odd charts, replays, settings and file names.

``make test`` draws a fixed sample (derandomised, a few dozen examples each); ``make fuzz``
(``HYPOTHESIS_PROFILE=fuzz``) draws hundreds of new ones every run. Each example goes through what a
player runs (``chart validate``, ``chart info``, the start-up library scan, song select's list, a
headless play) and must end in a result or one sentence: no exception, no hang, nothing raw on the
terminal (NULs, escape codes).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rokgame.cli import main

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
EXAMPLES = 400 if FUZZ else 25
FAST = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Text as the world writes it: every code point (NULs, escapes, lone surrogates, right-to-left marks...).
ANY_TEXT = st.text(st.characters(), max_size=60)
ODD_NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e308, -1e308, 5e-324, 2**63, 10**400]),
)
JSON_SCALARS = st.one_of(st.none(), st.booleans(), ODD_NUMBERS, ANY_TEXT)
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(ANY_TEXT, inner, max_size=4), max_leaves=12)


@st.composite
def odd_charts(draw: st.DrawFn) -> dict[str, Any]:
    """A chart-shaped document where any part may be wrong, absurd or missing."""
    lanes = draw(st.one_of(st.integers(1, 9), JSON_SCALARS))
    note = st.fixed_dictionaries({"t": st.one_of(st.floats(0, 400), ODD_NUMBERS), "lane": st.one_of(
        st.integers(-1, 9), JSON_SCALARS)}, optional={"len": st.one_of(st.floats(0, 30), ODD_NUMBERS),
                                                    draw(ANY_TEXT): JSON_VALUES})
    doc: dict[str, Any] = {
        "format": draw(st.sampled_from(["rokgame.chart", "rokgame.chart", "other"])),
        "version": draw(st.one_of(st.just(1), JSON_SCALARS)),
        "lanes": lanes,
        "song": draw(st.one_of(st.fixed_dictionaries({
            "title": st.one_of(ANY_TEXT, JSON_SCALARS), "artist": ANY_TEXT,
            "audio": st.one_of(st.just("song.ogg"), ANY_TEXT),
            "duration": st.one_of(st.floats(0.001, 600), ODD_NUMBERS)}), JSON_VALUES)),
        "difficulties": draw(st.one_of(st.dictionaries(
            st.sampled_from(["easy", "medium", "hard", "expert"]) | ANY_TEXT,
            st.fixed_dictionaries({"notes": st.lists(note, max_size=30)}) | JSON_VALUES, max_size=4),
            JSON_VALUES)),
    }
    for key in draw(st.lists(st.sampled_from(list(doc)), max_size=2)):
        doc.pop(key, None)
    return doc


def file_names() -> st.SearchStrategy[str]:
    """Names a file system takes: any characters but / and NUL, bytes that are not UTF-8 included."""
    raw = st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\0" not in b
                                                    and b not in (b".", b".."))
    return raw.map(os.fsdecode)


def run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    text = out.getvalue() + err.getvalue()
    return status, text


def assert_clean_terminal(text: str) -> None:
    assert "Traceback" not in text
    assert "\x00" not in text and "\x1b" not in text, "raw control characters reached the terminal"


@FAST
@given(doc=odd_charts(), name=file_names(), encode=st.sampled_from(["utf-8", "utf-16", "latin-1", "json"]))
def test_any_chart_file_validates_or_says_why(doc: dict[str, Any], name: str, encode: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (name + ".json")
        text = json.dumps(doc, ensure_ascii=False, allow_nan=True) if encode != "json" else json.dumps(doc)
        try:
            path.write_bytes(text.encode(encode if encode != "json" else "utf-8", errors="surrogatepass"))
        except (UnicodeEncodeError, OSError):
            return  # a name or text this file system refuses: not something a player can hand us
        for command in ("validate", "info"):
            status, said = run("chart", command, str(path))
            assert status in (0, 1)
            assert_clean_terminal(said)


@FAST
@given(events=st.lists(st.fixed_dictionaries({
    "t": st.one_of(st.floats(-5, 20), ODD_NUMBERS), "lane": st.one_of(st.integers(-2, 12), JSON_SCALARS),
    "type": st.sampled_from(["down", "up", "strum", "sideways"]) | JSON_SCALARS}), max_size=40),
    extra=st.dictionaries(ANY_TEXT, JSON_VALUES, max_size=3))
def test_any_replay_plays_back_headless_or_says_why(events: list[dict[str, Any]], extra: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        chart = Path(folder) / "c.json"
        notes = [{"t": 1.0 + 0.4 * i, "lane": i % 5} for i in range(12)]
        chart.write_text(json.dumps({"format": "rokgame.chart", "version": 1, "lanes": 5,
                                     "song": {"title": "Fuzz", "audio": "song.ogg", "duration": 8.0},
                                     "difficulties": {"expert": {"notes": notes}}}))
        replay = Path(folder) / "r.json"
        replay.write_text(json.dumps({**extra, "version": 1, "events": events}, allow_nan=True))
        status, said = run("play", str(chart), "--headless", "--replay", str(replay),
                           "--report", str(Path(folder) / "out.json"))
        assert status in (0, 1)
        assert_clean_terminal(said)
        if status == 0:
            report = json.loads((Path(folder) / "out.json").read_text())
            assert math.isfinite(report["score"]) and 0 <= report["accuracy"] <= 1


@FAST
@given(content=st.one_of(st.binary(max_size=300), st.dictionaries(
    st.sampled_from(["audio_offset_ms", "visual_offset_ms", "scroll_time", "window_size", "music_volume",
                     "max_track_minutes", "keys", "precision", "ghost_taps", "daily_prefetch", "lefty"]) | ANY_TEXT,
    JSON_VALUES, max_size=6).map(lambda d: json.dumps(d, allow_nan=True).encode("utf-8", "surrogatepass"))))
def test_any_settings_file_loads_to_sane_settings_and_is_never_lost(content: bytes) -> None:
    from rokgame import paths
    from rokgame.settings import BOUNDS, load_settings

    path = paths.settings_path()
    for old in path.parent.glob("settings.json*"):
        old.unlink()
    path.write_bytes(content)
    loaded = load_settings()
    for name, (low, high) in BOUNDS.items():
        value = getattr(loaded, name)
        assert math.isfinite(value) and low <= value <= high
    assert 320 <= loaded.window_size[0] <= 7680 and 200 <= loaded.window_size[1] <= 4320
    kept = [p for p in path.parent.glob("settings.json.broken-*")]
    if loaded.problems:  # whatever was wrong, the player's file is still there as they left it
        assert any(p.read_bytes() == content for p in kept)


@FAST
@given(files=st.lists(st.tuples(file_names(), st.one_of(odd_charts().map(
    lambda d: json.dumps(d, allow_nan=True).encode("utf-8", "surrogatepass")), st.binary(max_size=200))),
    max_size=5))
def test_any_charts_folder_scans_and_lists(files: list[tuple[str, bytes]]) -> None:
    from rokgame import paths
    from rokgame.game.songs import list_songs

    folder = paths.user_charts_dir()
    for old in folder.iterdir():
        old.unlink()
    for name, content in files:
        with contextlib.suppress(OSError):
            (folder / (name + ".json")).write_bytes(content)
    status, said = run("library")
    assert status == 0
    assert_clean_terminal(said)
    titles = [song.title for song in list_songs()]
    assert {"Neon Drive", "Overdrive", "Sunday Groove"} <= set(titles)  # one odd file never hides the rest
    assert all("\x00" not in title for title in titles)
