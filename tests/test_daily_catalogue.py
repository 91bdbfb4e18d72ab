"""Daily Track catalogues: the shipped one is free music with its licence; a broken one says where, in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rokgame.cli import main
from rokgame.core.daily import Catalogue, CatalogueEntry, CatalogueError, dumps_catalogue, parse_catalogue
from rokgame.daily.catalogue import builtin_catalogue_path, catalogue_for_menu, load_catalogue, read_catalogue
from rokgame.errors import RokError
from rokgame.settings import load_settings, save_settings


def document(entries: object, **top: object) -> str:
    return json.dumps({"format": "rokgame.catalogue", "version": 1, "entries": entries, **top})


GOOD = {"title": "Carefree", "artist": "Kevin MacLeod", "source": "ytsearch1:Kevin MacLeod - Carefree",
        "licence": "CC BY 4.0", "note": "ukulele"}


def good(i: int) -> dict[str, str]:
    return {**GOOD, "title": f"Track {i}", "source": f"ytsearch1:Kevin MacLeod - Track {i}"}


def test_the_shipped_catalogue_is_thirty_free_tracks_and_the_demo_songs(repo: Path) -> None:
    shipped = read_catalogue(builtin_catalogue_path())
    entries = shipped.entries
    assert len(entries) >= 30
    assert all(e.title and e.artist and e.licence and e.note for e in entries)
    searches = [e for e in entries if e.source.startswith("ytsearch1:")]
    assert len(searches) >= 30
    for e in searches:  # the search names the track it shows, so the right video comes up
        assert e.source == f"ytsearch1:{e.artist} - {e.title}"
        assert e.licence.startswith("CC"), e
    demos = {e.source.removeprefix("builtin:") for e in entries if e.source.startswith("builtin:")}
    assert demos == {"neon-drive", "sunday-groove", "overdrive-170"}
    for slug in demos:
        truth = json.loads((repo / "assets" / "songs" / f"{slug}.truth.json").read_text())
        assert truth["title"] in {e.title for e in entries}


def test_written_and_read_back_unchanged() -> None:
    cat = Catalogue((CatalogueEntry(**GOOD), CatalogueEntry("Night Owl", "builtin:neon-drive")))
    assert parse_catalogue(dumps_catalogue(cat)).entries == cat.entries


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (document([good(0), good(1), good(2), {"title": "No source"}]), "entries[3].source: is missing"),
        (document([GOOD, {**GOOD, "source": 7}]), "entries[1].source: must be text, not a number"),
        (document([GOOD, {**GOOD, "title": "  "}]), "entries[1].title: is empty"),
        (document([GOOD, {**GOOD, "licence": None}]), "entries[1].licence: must be text, not null"),
        (document([GOOD, dict(GOOD)]), "entries[1].source: is the same as entries[0].source"),
        (document([GOOD, {**GOOD, "source": "javascript:alert(1)"}]),
         'entries[1].source: "javascript:alert(1)" is not something rokgame can fetch'),
        (document([GOOD, "Carefree"]), "entries[1]: must be a track like"),
        (document([]), "entries: is empty"),
        (document({"a": GOOD}), "entries: must be a list of tracks, not an object"),
        (json.dumps({"format": "rokgame.chart", "version": 1, "entries": [GOOD]}), 'format: is "rokgame.chart"'),
        (json.dumps({"entries": [GOOD]}), "format: is missing"),
        (document([GOOD], version=2), "version: this catalogue is version 2"),
        ('{"format": "rokgame.catalogue", "entries": [', "not valid JSON at line 1"),
        ("[]", "a catalogue is a JSON object"),
    ],
)
def test_a_bad_catalogue_names_the_json_path_of_the_problem(text: str, message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(text, name="mine.json")
    error = caught.value
    assert isinstance(error, RokError)
    assert str(error).startswith(f"mine.json: {message}")
    assert "\n" not in str(error)


def test_every_problem_is_listed_and_the_message_counts_the_rest() -> None:
    text = document([{"title": "a"}, {"source": "ytsearch1:b"}, {"title": 3, "source": "ytsearch1:c"}])
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(text)
    assert caught.value.problems == [
        "entries[0].source: is missing", "entries[1].title: is missing", "entries[2].title: must be text, not a number"]
    assert str(caught.value).endswith("(and 2 more problems)")


def test_unreadable_files_are_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="no such catalogue file"):
        read_catalogue(tmp_path / "missing.json")
    with pytest.raises(CatalogueError, match="is a folder"):
        read_catalogue(tmp_path)
    (tmp_path / "latin1.json").write_bytes('{"title": "Caf\xe9"}'.encode("latin-1"))
    with pytest.raises(CatalogueError, match="not UTF-8"):
        read_catalogue(tmp_path / "latin1.json")


def test_the_cli_reports_a_bad_catalogue_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(document([good(0), good(1), good(2), {"title": "x"}]))
    assert main(["daily", "--dry-run", "--catalogue", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err == f"rokgame: {bad}: entries[3].source: is missing\n"


def test_the_players_catalogue_comes_from_the_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.json"
    mine.write_text(document([{"title": "Only Song", "source": "https://example.com/only.ogg"}]))
    settings = load_settings()
    settings.daily_catalogue = str(mine)
    save_settings(settings)
    assert load_catalogue().entries[0].title == "Only Song"
    assert main(["daily", "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Only Song"


def test_the_menu_falls_back_to_our_catalogue_when_the_players_is_broken(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(document([{"title": "x"}]))
    cat, problem = catalogue_for_menu(str(broken))
    assert len(cat) == len(read_catalogue(builtin_catalogue_path()))
    assert problem is not None and "entries[0].source: is missing" in problem
    assert catalogue_for_menu("")[1] is None
