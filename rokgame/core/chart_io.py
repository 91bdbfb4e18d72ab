"""Chart format v1: JSON <-> :class:`~rokgame.core.chart.Chart`.

Charts come from strangers and are edited by hand, so loading never stops at the
first problem: it checks everything and reports every problem at once, each with
its JSON path (``difficulties.expert.notes[12].lane``) and a plain sentence.
Errors make a chart unplayable; warnings are worth knowing but the chart loads.

Saving is deterministic and diff-friendly: fixed key order, one note per line,
times in seconds with three decimals. Loading a saved chart and saving it again
gives the same bytes. Fields this version does not know are kept.
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rokgame.core.chart import (
    DEFAULT_LANES,
    DIFFICULTY_NAMES,
    FORMAT,
    MAX_LANES,
    MIN_LANES,
    VERSION,
    Chart,
    Difficulty,
    Note,
    Song,
    Tempo,
)
from rokgame.core.text import MAX_TEXT, clean_text, needs_cleaning

Severity = Literal["error", "warning"]

TOP_KEYS = ("format", "version", "song", "lanes", "offset", "tempo", "difficulties", "generator")
SONG_KEYS = ("title", "artist", "audio", "duration", "source", "audio_sha256")
TEMPO_KEYS = ("bpm", "beats")
DIFFICULTY_KEYS = ("notes",)
NOTE_KEYS = ("t", "lane", "len")
MAX_OFFSET = 10.0
MAX_BPM = 1000.0
#: No note starts or ends later than this (3 hours: longer than any track rokgame fetches). A note at
#: t = 1e6 s validated, and a headless run of it took 13 hours; a 1e308 s hold overflowed the scoring.
MAX_TIME = 3 * 3600.0
#: How far after ``song.duration`` a note may start and still load (with a warning); beyond is an error:
#: a play would wait in silence for it.
LATE_MARGIN = 60.0
#: Notes in one difficulty: 50 a second for an hour. Ten million validated in 2.5 minutes and 5.9 GB.
MAX_NOTES = 180_000
#: A chart file larger than this is not read (the largest real chart is a few MB).
MAX_CHART_BYTES = 32 * 1024 * 1024
#: Beats per line when saving: long enough to keep files short, short enough to diff.
BEATS_PER_LINE = 16
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a chart, where it is, and how bad it is."""

    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A chart (``None`` when there are errors) and every problem found in it."""

    chart: Chart | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.chart is not None


# --------------------------------------------------------------------------- loading


class _Overflowed(float):
    """A JSON number too large for a float (``1e400``): infinite, but shown as the author wrote it."""

    text: str

    def __new__(cls, text: str) -> _Overflowed:
        value = super().__new__(cls, text)
        value.text = text
        return value


def _parse_float(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else _Overflowed(text)


def _decode(text: str) -> tuple[Any, list[tuple[dict[str, Any], list[str]]]]:
    """The JSON value, and each object that names a key more than once with those keys.

    json keeps the last of repeated keys without a word; a hand-edited chart that says ``"lane"`` twice in a
    note most likely has a typo, so the validator warns about it (with the path) instead.
    """
    repeated: list[tuple[dict[str, Any], list[str]]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) < len(items):
            seen: set[str] = set()
            twice = [k for k, _ in items if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
            repeated.append((obj, list(dict.fromkeys(twice))))
        return obj

    return json.loads(text, object_pairs_hook=pairs, parse_float=_parse_float), repeated


def _repeated_key_problems(data: Any, repeated: list[tuple[dict[str, Any], list[str]]]) -> list[Problem]:
    """Warnings for repeated keys, each at its JSON path (found by walking to the objects that have them)."""
    wanted = {id(obj): keys for obj, keys in repeated}
    found: list[Problem] = []
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack and wanted:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key in wanted.pop(id(value), ()):
                found.append(Problem(_join(path, key), f"appears more than once in the same object; only the "
                                                       f"last one ({_show(value[key])}) counts", "warning"))
            stack.extend((v, _join(path, k)) for k, v in reversed(value.items()) if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(value)))
                         if isinstance(v, (dict, list)))
    return sorted(found, key=lambda p: p.path)


def parse_chart(text: str) -> LoadResult:
    """Parse and check a chart given as JSON text."""
    try:
        data, repeated = _decode(text)
    except json.JSONDecodeError as exc:
        return LoadResult(None, (Problem("", _describe_json_error(exc)),))
    except RecursionError:
        return LoadResult(None, (Problem("", "the JSON is nested too deeply to be a chart"),))
    except ValueError:  # not a JSONDecodeError: Python refuses integers of more than 4300 digits
        return LoadResult(None, (Problem("", "not valid JSON: a number in it has far too many digits"),))
    result = _Validator().chart(data)
    if repeated:
        result = LoadResult(result.chart, (*result.problems, *_repeated_key_problems(data, repeated)))
    return result


def read_chart(path: str | os.PathLike[str]) -> LoadResult:
    """Read and check the chart file at ``path``; an unreadable file is a problem, not an exception."""
    path = Path(path)
    try:
        raw = read_regular_file(path, MAX_CHART_BYTES, what="a chart file")
    except FileNotFoundError:
        return LoadResult(None, (Problem("", f"no such file: {path}"),))
    except IsADirectoryError:
        return LoadResult(None, (Problem("", f"{path} is a folder, not a chart file"),))
    except ValueError as exc:
        return LoadResult(None, (Problem("", str(exc)),))
    except OSError as exc:
        return LoadResult(None, (Problem("", f"can't read {path}: {exc.strerror or exc}"),))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return LoadResult(None, (Problem("", f"line {line}: the file is not UTF-8 text (is it a chart?)"),))
    return parse_chart(text)


def read_regular_file(path: str | os.PathLike[str], limit: int, *, what: str = "a file") -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    A FIFO blocks a read forever, a link to /dev/zero never ends and a 1 GB file is not a chart: each is
    a ``ValueError`` with one sentence, raised before anything is read. ``OSError`` as for ``open``.
    """
    import stat

    path = Path(path)
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "Is a directory", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{path} is not a regular file (a pipe or a device?), so it can't be {what}")
    if info.st_size > limit:
        raise ValueError(f"{path} is {info.st_size / 2**20:.0f} MB; {what} can be at most {limit // 2**20} MB")
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path} is over {limit // 2**20} MB; {what} can be at most {limit // 2**20} MB")
    return data


def loads_chart(text: str) -> Chart:
    """Parse a chart from JSON text or raise :class:`~rokgame.errors.ChartError`."""
    return _chart_or_raise(parse_chart(text), "the chart")


def load_chart(path: str | os.PathLike[str]) -> Chart:
    """Load the chart at ``path`` or raise :class:`~rokgame.errors.ChartError` listing every error."""
    return _chart_or_raise(read_chart(path), str(path))


def _chart_or_raise(result: LoadResult, name: str) -> Chart:
    if result.chart is not None:
        return result.chart
    from rokgame.errors import ChartError  # errors.py is stdlib-only too

    errors = result.errors
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    raise ChartError(f"{name}: {errors[0]}{more}", result.problems)


def _describe_json_error(exc: json.JSONDecodeError) -> str:
    if exc.pos >= len(exc.doc.rstrip()) and exc.doc.strip():
        what = "the file ends too early (is it cut short?)"
    elif not exc.doc.strip():
        what = "the file is empty"
    else:
        what = exc.msg[0].lower() + exc.msg[1:]
    return f"not valid JSON at line {exc.lineno}, column {exc.colno}: {what}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_finite(value: Any) -> bool:
    """A JSON number that fits a float (a 400-digit integer does not: math.isfinite would raise)."""
    try:
        return _is_number(value) and math.isfinite(value)
    except OverflowError:
        return False


def json_type_name(value: Any) -> str:
    """How a JSON value is named in a sentence for an author: 'text', 'a number', 'a list'..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "text"
    if _is_number(value):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _show(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        digits = str(abs(value)) if abs(value) < 10**4000 else None  # str() of a huge int is slow, and refused
        return f"a number {len(digits)} digits long" if digits else "a number thousands of digits long"
    if _is_number(value):
        if isinstance(value, _Overflowed):
            return value.text
        if not _is_finite(value):
            if isinstance(value, float):  # as the author wrote it in the file
                return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
            return "a number far too large"
        return f"{value:g}"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:37] + "...", ensure_ascii=False)
    return json_type_name(value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Validator:
    """Walks the JSON once, collecting problems and building the model where it can."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message, "error"))

    def warning(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message, "warning"))

    def result(self, chart: Chart | None) -> LoadResult:
        has_errors = any(p.severity == "error" for p in self.problems)
        return LoadResult(None if has_errors else chart, tuple(self.problems))

    # -- helpers

    def obj(self, value: Any, path: str, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.error(path, f"must be an object ({what}), not {json_type_name(value)}")
        return None

    def unknown(self, data: Mapping[str, Any], known: Sequence[str], path: str) -> dict[str, Any]:
        extra = {k: v for k, v in data.items() if k not in known}
        for key in extra:
            hint = difflib.get_close_matches(key, known, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            self.warning(_join(path, key), f"unknown field{suggestion}; kept as it is")
        return extra

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool,
        minimum: float | None = None,
        exclusive_minimum: bool = False,
        maximum: float | None = None,
        unit: str = "",
    ) -> float | None:
        at = _join(path, key)
        if key not in data:
            if required:
                self.error(at, "is missing")
            return None
        value = data[key]
        if not _is_number(value):
            shown = f" {_show(value)}" if isinstance(value, str) else ""
            self.error(at, f"must be a number{unit and ' of ' + unit}, not {json_type_name(value)}{shown}")
            return None
        if not _is_finite(value):
            if isinstance(value, _Overflowed):
                problem = f"{value.text} is far too large"
            elif isinstance(value, float):
                problem = f"{_show(value)} is not a finite number"
            else:  # an integer of hundreds of digits: not worth repeating
                problem = "is far too large"
            self.error(at, problem)
            return None
        value = float(value)
        if minimum is not None and (value <= minimum if exclusive_minimum else value < minimum):
            if minimum == 0 and not exclusive_minimum:
                self.error(at, f"{_show(value)} is negative; it must be 0 or more")
            else:
                bound = "more than" if exclusive_minimum else "at least"
                self.error(at, f"{_show(value)} is too small; it must be {bound} {_show(minimum)}")
            return None
        if maximum is not None and value > maximum:
            self.error(at, f"{_show(value)} is too large; it must be at most {_show(maximum)}")
            return None
        return value

    def text(self, data: Mapping[str, Any], key: str, path: str, *, required: bool) -> str | None:
        at = _join(path, key)
        if key not in data:
            if required:
                self.error(at, "is missing")
            return None
        value = data[key]
        if not isinstance(value, str):
            self.error(at, f"must be text, not {json_type_name(value)}")
            return None
        return value

    def shown_text(self, data: Mapping[str, Any], key: str, path: str, *, required: bool) -> str | None:
        """Text the game draws and the CLI prints: control characters (NUL, terminal escapes) and broken
        characters are left out with a warning, so neither pygame nor a terminal ever sees them."""
        value = self.text(data, key, path, required=required)
        if value is None:
            return None
        cleaned = clean_text(value)
        if cleaned != value:
            what = "is cut to 300 characters" if len(value) > MAX_TEXT and cleaned.endswith("…") else \
                "has control or broken characters; they are left out"
            self.warning(_join(path, key), what)
        return cleaned

    # -- the document

    def chart(self, data: Any) -> LoadResult:
        if not isinstance(data, dict):
            self.error("", f"a chart is a JSON object ({{...}}), not {json_type_name(data)}")
            return self.result(None)
        if "format" not in data:
            self.error("format", 'is missing: this is not a rokgame chart ("format": "rokgame.chart")')
            if "song" not in data and "difficulties" not in data:
                return self.result(None)  # some other JSON: its every field would be a problem
            # A chart that only lacks the line naming its format: everything else is checked too.
        elif data["format"] != FORMAT:
            self.error("format", f'{_show(data["format"])} is not a rokgame chart (expected "{FORMAT}")')
            return self.result(None)
        version = data.get("version")
        if "version" not in data:
            self.error("version", f"is missing (this rokgame reads version {VERSION})")
        elif not isinstance(version, int) or isinstance(version, bool):
            self.error("version", f"must be a whole number, not {json_type_name(version)}")
        elif version > VERSION:
            self.error("version", f"this chart is format version {version}; this rokgame reads version "
                       f"{VERSION} (update rokgame to play it)")
            return self.result(None)
        elif version != VERSION:
            self.error("version", f"{version} is not a chart format version (this rokgame reads {VERSION})")

        extra = self.unknown(data, TOP_KEYS, "")
        lanes = self.lanes(data)
        song = self.song(data.get("song"), present="song" in data)
        offset = self.number(data, "offset", "", required=False, minimum=-MAX_OFFSET, maximum=MAX_OFFSET)
        tempo = self.tempo(data["tempo"]) if "tempo" in data and data["tempo"] is not None else None
        generator = None
        if "generator" in data and data["generator"] is not None:
            generator = self.obj(data["generator"], "generator", "name, version and params of what made it")
        difficulties = self.difficulties(data, lanes, song.duration if song else None)
        if song is None or difficulties is None:
            return self.result(None)
        chart = Chart(
            song=song,
            difficulties=difficulties,
            lanes=lanes or DEFAULT_LANES,
            offset=round(offset, 3) if offset is not None else 0.0,
            tempo=tempo,
            generator=generator,
            extra=extra,
        )
        return self.result(chart)

    def lanes(self, data: Mapping[str, Any]) -> int | None:
        if "lanes" not in data:
            return DEFAULT_LANES
        value = data["lanes"]
        if not isinstance(value, int) or isinstance(value, bool):
            self.error("lanes", f"must be a whole number from {MIN_LANES} to {MAX_LANES}, not {_show(value)}")
            return None
        if not MIN_LANES <= value <= MAX_LANES:
            self.error("lanes", f"{_show(value)} is outside {MIN_LANES}..{MAX_LANES}")
            return None
        return value

    def song(self, value: Any, *, present: bool) -> Song | None:
        if not present:
            self.error("song", "is missing (title, artist, audio and duration of the song)")
            return None
        data = self.obj(value, "song", "title, artist, audio and duration")
        if data is None:
            return None
        extra = self.unknown(data, SONG_KEYS, "song")
        title = self.shown_text(data, "title", "song", required=True)
        if title is not None and not title.strip():
            self.error("song.title", "is empty")
        artist = self.shown_text(data, "artist", "song", required=False)
        audio = self.text(data, "audio", "song", required=True)
        if audio is not None:
            self.audio_path(audio)
        duration = self.number(data, "duration", "song", required=False, minimum=0.0, exclusive_minimum=True)
        if duration is not None and round(duration, 3) <= 0:
            self.error("song.duration", f"{_show(duration)} is too small; it must be at least 0.001 (times are "
                       "saved in milliseconds)")
            duration = None
        source = self.text(data, "source", "song", required=False)
        sha = self.text(data, "audio_sha256", "song", required=False)
        if sha is not None and not _SHA256.fullmatch(sha):
            self.error("song.audio_sha256", "must be 64 lowercase hexadecimal digits (the SHA-256 of the audio)")
        if title is None or audio is None:
            return None
        return Song(
            title=title,
            artist=artist or "",
            audio=audio,
            duration=round(duration, 3) if duration is not None else None,
            source=source,
            audio_sha256=sha,
            extra=extra,
        )

    def audio_path(self, audio: str) -> None:
        """Charts come from strangers: the audio must sit in the chart's folder or below it."""
        at = "song.audio"
        if not audio.strip():
            self.error(at, "is empty; name the audio file next to the chart, e.g. \"song.ogg\"")
            return
        if "\x00" in audio or needs_cleaning(audio):
            self.error(at, "contains control or broken characters; it must be a plain file name")
            return
        if audio.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", audio) or "://" in audio:
            self.error(at, f"{_show(audio)} is an absolute path or a link; it must be a file name relative "
                       "to the chart's folder (charts come from strangers)")
            return
        depth = 0
        for part in re.split(r"[\\/]+", audio):
            if part == "..":
                depth -= 1
                if depth < 0:
                    self.error(at, f"{_show(audio)} leaves the chart's folder; the audio must be in the "
                               "chart's folder or below it (charts come from strangers)")
                    return
            elif part not in ("", "."):
                depth += 1

    def tempo(self, value: Any) -> Tempo | None:
        data = self.obj(value, "tempo", "bpm and beat times")
        if data is None:
            return None
        extra = self.unknown(data, TEMPO_KEYS, "tempo")
        bpm = self.number(data, "bpm", "tempo", required=True, minimum=0.0, exclusive_minimum=True,
                          maximum=MAX_BPM)
        if bpm is not None and round(bpm, 3) <= 0:
            self.error("tempo.bpm", f"{_show(bpm)} is too small; it must be at least 0.001")
            bpm = None
        beats: list[float] = []
        raw = data.get("beats", [])
        if not isinstance(raw, list):
            self.error("tempo.beats", f"must be a list of beat times in seconds, not {json_type_name(raw)}")
        else:
            unsorted_at: int | None = None
            for i, t in enumerate(raw):
                at = f"tempo.beats[{i}]"
                if not _is_finite(t):
                    self.error(at, f"must be a time in seconds, not {_show(t)}")
                elif t < 0:
                    self.error(at, f"{_show(t)} is negative; times count from the start of the audio")
                else:
                    if beats and t < beats[-1] and unsorted_at is None:
                        unsorted_at = i
                    beats.append(round(float(t), 3))
            if unsorted_at is not None:
                self.warning(f"tempo.beats[{unsorted_at}]", "beats are not in time order; they will be saved sorted")
                beats.sort()
        if bpm is None:
            return None
        return Tempo(bpm=round(bpm, 3), beats=tuple(beats), extra=extra)

    def difficulties(
        self, data: Mapping[str, Any], lanes: int | None, duration: float | None
    ) -> dict[str, Difficulty] | None:
        if "difficulties" not in data:
            self.error("difficulties", "is missing (at least one of easy, medium, hard, expert)")
            return None
        table = self.obj(data["difficulties"], "difficulties", "easy, medium, hard and/or expert")
        if table is None:
            return None
        if not table:
            self.error("difficulties", "is empty; a chart needs at least one of easy, medium, hard, expert")
            return None
        result: dict[str, Difficulty] = {}
        for name, body in table.items():
            path = f"difficulties.{name}"
            if name not in DIFFICULTY_NAMES:
                hint = difflib.get_close_matches(name.lower(), DIFFICULTY_NAMES, n=1)
                suggestion = f"did you mean {hint[0]!r}? " if hint else ""
                self.error(path, f"unknown difficulty {_show(name)}; {suggestion}use easy, medium, hard or expert")
                continue
            difficulty = self.difficulty(name, body, path, lanes, duration)
            if difficulty is not None:
                result[name] = difficulty
        return result

    def difficulty(
        self, name: str, value: Any, path: str, lanes: int | None, duration: float | None
    ) -> Difficulty | None:
        data = self.obj(value, path, '{"notes": [...]}')
        if data is None:
            return None
        extra = self.unknown(data, DIFFICULTY_KEYS, path)
        if "notes" not in data:
            self.error(_join(path, "notes"), "is missing")
            return None
        raw = data["notes"]
        if not isinstance(raw, list):
            self.error(_join(path, "notes"), f"must be a list of notes, not {json_type_name(raw)}")
            return None
        if len(raw) > MAX_NOTES:
            self.error(_join(path, "notes"), f"has {len(raw):,} notes; a difficulty can have at most {MAX_NOTES:,}")
            return None
        indexed: list[tuple[int, Note]] = []
        for i, item in enumerate(raw):
            note = self.note(item, f"{path}.notes[{i}]", lanes)
            if note is not None:
                indexed.append((i, note))
        self.note_order(indexed, path)
        self.note_overlaps(indexed, path)
        if duration is not None:
            far = [(i, n) for i, n in indexed if n.t > duration + LATE_MARGIN]
            for i, note in far[:3]:
                self.error(f"{path}.notes[{i}].t", f"{note.t:.3f} s is long after the end of the song "
                           f"({duration:.3f} s); notes must start before {duration + LATE_MARGIN:.0f} s")
            if far:
                return None
            late = [(i, n) for i, n in indexed if n.t > duration]
            for i, note in late[:3]:
                self.warning(f"{path}.notes[{i}].t", f"{note.t:.3f} s is after the end of the song "
                             f"({duration:.3f} s); it can never be played")
            if len(late) > 3:
                self.warning(f"{path}.notes", f"{len(late) - 3} more notes are after the end of the song")
        return Difficulty(name=name, notes=tuple(n for _, n in indexed), extra=extra)

    def note(self, value: Any, path: str, lanes: int | None) -> Note | None:
        if not isinstance(value, dict):
            self.error(path, f'must be a note like {{"t": 1.5, "lane": 0}}, not {json_type_name(value)}')
            return None
        extra = self.unknown(value, NOTE_KEYS, path)
        problems_before = len(self.problems)
        t = self.number(value, "t", path, required=True, minimum=0.0, maximum=MAX_TIME)
        length = self.number(value, "len", path, required=False, minimum=0.0, maximum=MAX_TIME)
        if t is not None and length is not None and t + length > MAX_TIME:
            self.error(_join(path, "len"), f"the hold ends after {MAX_TIME:.0f} s (3 hours)")
            length = None
        lane: int | None = None
        if "lane" not in value:
            self.error(_join(path, "lane"), "is missing")
        else:
            raw = value["lane"]
            if not isinstance(raw, int) or isinstance(raw, bool):
                self.error(_join(path, "lane"), f"must be a whole number, not {_show(raw)}")
            elif lanes is not None and not 0 <= raw < lanes:
                self.error(_join(path, "lane"), f"{_show(raw)} is outside 0..{lanes - 1} "
                           f"(this chart has {lanes} lanes)")
            else:
                lane = raw
        if t is None or lane is None or any(p.severity == "error" for p in self.problems[problems_before:]):
            return None
        return Note(t=round(t, 3), lane=lane, length=round(length or 0.0, 3), extra=extra or None)

    def note_order(self, indexed: list[tuple[int, Note]], path: str) -> None:
        for (_, prev), (i, note) in itertools.pairwise(indexed):
            if (note.t, note.lane) < (prev.t, prev.lane):
                self.warning(f"{path}.notes[{i}]", f"notes are not in time order ({note.t:.3f} s comes after "
                             f"{prev.t:.3f} s); they are played in time order and will be saved sorted")
                return

    def note_overlaps(self, indexed: list[tuple[int, Note]], path: str) -> None:
        by_lane: dict[int, list[tuple[int, Note]]] = {}
        for i, note in sorted(indexed, key=lambda item: (item[1].t, item[0])):
            by_lane.setdefault(note.lane, []).append((i, note))
        for lane, notes in sorted(by_lane.items()):
            for (j, prev), (i, note) in itertools.pairwise(notes):
                if note.t == prev.t:
                    self.error(f"{path}.notes[{i}]", f"two notes at the same time ({note.t:.3f} s) in lane "
                               f"{lane} (notes[{j}] and notes[{i}])")
                # Times are whole milliseconds, but 1.0 + 0.9 is 1.9000000000000001 in floats: a hold
                # that ends exactly where the next note starts must not flip on rounding.
                elif prev.is_hold and note.t < prev.end - 0.0005:
                    self.error(f"{path}.notes[{i}]", f"starts at {note.t:.3f} s inside the hold of notes[{j}] "
                               f"in lane {lane} ({prev.t:.3f}–{prev.end:.3f} s); shorten that hold")


# --------------------------------------------------------------------------- saving


def _num(value: float) -> str:
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\\ud800" in the JSON): keep it escaped, or saving fails
        return json.dumps(value)
    return text


def _str(value: str) -> str:
    return _json(value)


def _extra_items(extra: Mapping[str, Any] | None) -> str:
    if not extra:
        return ""
    return "".join(f", {_str(k)}: {_json(v)}" for k, v in extra.items())


def _song_json(song: Song) -> str:
    parts = [f'"title": {_str(song.title)}', f'"artist": {_str(song.artist)}', f'"audio": {_str(song.audio)}']
    if song.duration is not None:
        parts.append(f'"duration": {_num(song.duration)}')
    if song.source is not None:
        parts.append(f'"source": {_str(song.source)}')
    if song.audio_sha256 is not None:
        parts.append(f'"audio_sha256": {_str(song.audio_sha256)}')
    return "{" + ", ".join(parts) + _extra_items(song.extra) + "}"


def _note_json(note: Note) -> str:
    text = f'{{"t": {_num(note.t)}, "lane": {note.lane}'
    if note.length > 0:
        text += f', "len": {_num(note.length)}'
    return text + _extra_items(note.extra) + "}"


def _lines(items: Sequence[str], indent: str) -> str:
    return ",\n".join(indent + item for item in items)


def dumps_chart(chart: Chart) -> str:
    """The chart as canonical JSON text: what :func:`save_chart` writes."""
    out = ["{", f'  "format": "{FORMAT}",', f'  "version": {VERSION},', f'  "song": {_song_json(chart.song)},',
           f'  "lanes": {chart.lanes},', f'  "offset": {_num(chart.offset)},']
    if chart.tempo is not None:
        beats = sorted(chart.tempo.beats)
        rows = [", ".join(_num(b) for b in beats[i:i + BEATS_PER_LINE]) for i in range(0, len(beats), BEATS_PER_LINE)]
        body = "[]" if not rows else "[\n" + _lines(rows, "    ") + "\n  ]"
        out.append(f'  "tempo": {{"bpm": {_num(chart.tempo.bpm)}, "beats": {body}{_extra_items(chart.tempo.extra)}}},')
    out.append('  "difficulties": {')
    blocks = []
    for name, difficulty in chart.difficulties.items():
        notes = [_note_json(n) for n in sorted(difficulty.notes)]
        body = "[]" if not notes else "[\n" + _lines(notes, "      ") + "\n    ]"
        blocks.append(f'    {_str(name)}: {{"notes": {body}{_extra_items(difficulty.extra)}}}')
    out.append(",\n".join(blocks))
    tail = []
    if chart.generator is not None:
        tail.append(f'  "generator": {_json(dict(chart.generator))}')
    tail.extend(f"  {_str(k)}: {_json(v)}" for k, v in chart.extra.items())
    out.append("  }" + ("," if tail else ""))
    if tail:
        out.append(",\n".join(tail))
    out.append("}")
    return "\n".join(out) + "\n"


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_chart(chart: Chart, path: str | os.PathLike[str]) -> None:
    """Save ``chart`` as canonical JSON, atomically (temp file + rename)."""
    atomic_write_text(path, dumps_chart(chart))


# --------------------------------------------------------------------------- audio


def resolve_audio(
    chart: Chart, chart_path: str | os.PathLike[str], search_dirs: Iterable[str | os.PathLike[str]] = ()
) -> Path | None:
    """Find the chart's audio file.

    First beside the chart (``song.audio`` is relative to the chart's folder); then,
    by file name, in ``search_dirs`` (the built-in songs, downloaded audio), which
    lets a chart the player saved elsewhere keep playing its track. A file found by
    name is only accepted when the chart's ``audio_sha256`` matches it, so a
    different song with the same name is never played by mistake.
    """
    folder = Path(chart_path).parent
    here = folder / chart.song.audio
    if here.is_file() and _inside(here, folder):
        return here
    name = Path(chart.song.audio.replace("\\", "/")).name
    for folder in search_dirs:
        candidate = Path(folder) / name
        expected = chart.song.audio_sha256
        if candidate.is_file() and (expected is None or file_sha256(candidate) == expected):
            return candidate
    return None


def _inside(path: Path, folder: Path) -> bool:
    """``path`` resolves into ``folder`` (a symlink in a chart's folder must not lead the audio out of it)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except (OSError, ValueError, RuntimeError):
        return False
    return True


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file, hex, read in chunks so a long song costs no memory."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
