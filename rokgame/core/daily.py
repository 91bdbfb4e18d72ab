"""The Daily Track: a date and a catalogue in, one pick out. Pure and deterministic.

Everybody with the same catalogue gets the same track on the same (local calendar)
day, with no server: the pick is arithmetic on the date.

- Days are counted from :data:`EPOCH` (2026-01-01) on the player's local calendar.
  Day ``i`` belongs to *round* ``i // n`` (``n`` tracks in the catalogue) and plays
  position ``i % n`` of that round's order, so no track repeats until every track
  has had its day.
- Each round's order is a seeded permutation: the tracks (by source, sorted, so the
  order of the file does not matter) are sorted by ``sha256(seed | round | source)``,
  the seed being a SHA-256 of all the sources. We do not use ``random.shuffle``:
  ``random.Random(seed_str)`` *is* stable across Python versions for str seeds
  (``version=2`` hashes the string with SHA-512), but how ``shuffle`` draws from it is
  an implementation detail; a hash-keyed sort depends only on SHA-256 (FIPS 180-4).
- Where two rounds meet, the first tracks of the new round are never among the last
  tracks of the old one, so a track never comes back within a week when the catalogue
  has at least 18 tracks (and never on two days running when it has two or more).
- The suggested difficulty rises through the week: Monday and Tuesday easy, Wednesday
  and Thursday medium, Friday and Saturday hard, Sunday expert.

The rest is the arithmetic around it: the offline fallback (a pick from the player's
own library, or the demo songs), streaks, the 30-day calendar and the time until the
next track. Standard library only.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from rokgame.core.chart_io import json_type_name
from rokgame.errors import RokError

FORMAT = "rokgame.catalogue"
VERSION = 1
#: Day 0 of the Daily Track. Dates before it work too (negative day numbers).
EPOCH = date(2026, 1, 1)
#: No track comes back within this many days when the catalogue is big enough (3 × (WEEK - 1) tracks).
WEEK = 7
#: Monday (0) to Sunday (6): the week gets harder towards the weekend.
WEEKDAY_DIFFICULTY: tuple[str, ...] = ("easy", "easy", "medium", "medium", "hard", "hard", "expert")
WEEKDAY_NAMES: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ENTRY_KEYS = ("title", "artist", "source", "licence", "note")
#: What a catalogue source may look like: a YouTube search, a link, a demo song or a local file.
SOURCE_PATTERN = re.compile(r"^(ytsearch\d*:\S|https?://\S|builtin:[a-z0-9][a-z0-9-]*$|file:\S)")


class CatalogueError(RokError):
    """A Daily Track catalogue could not be read; the message names the JSON path of the problem."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One track the Daily Track can pick: what to show, where to fetch it, and its licence."""

    title: str
    source: str
    artist: str = ""
    licence: str = ""
    note: str = ""

    @property
    def display(self) -> str:
        return f"{self.title} — {self.artist}" if self.artist else self.title


#: The demo songs (original music rendered by tools/make_demo_songs.py), always there, even offline.
DEMO_ENTRIES: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("Neon Drive", "builtin:neon-drive", "rokgame demo", "CC0 1.0"),
    CatalogueEntry("Sunday Groove", "builtin:sunday-groove", "rokgame demo", "CC0 1.0"),
    CatalogueEntry("Overdrive", "builtin:overdrive-170", "rokgame demo", "CC0 1.0"),
)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The tracks the Daily Track walks through. Two catalogues with the same sources pick alike."""

    entries: tuple[CatalogueEntry, ...]
    name: str = ""

    def __post_init__(self) -> None:
        if not self.entries:
            raise ValueError("a catalogue needs at least one entry")

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the sorted sources: the seed of every round's order."""
        return _fingerprint(entry.source for entry in self.entries)


@dataclass(frozen=True, slots=True)
class DailyPick:
    """The track of one day and why; ``offline`` when it came from the library instead of the catalogue."""

    date: date
    entry: CatalogueEntry
    difficulty: str
    reason: str
    round: int
    position: int
    round_size: int
    offline: bool = False

    @property
    def title(self) -> str:
        return self.entry.title

    @property
    def artist(self) -> str:
        return self.entry.artist

    @property
    def source(self) -> str:
        return self.entry.source

    def as_json(self) -> dict[str, str]:
        """What ``rokgame daily --json`` prints."""
        return {"date": self.date.isoformat(), "title": self.title, "artist": self.artist, "source": self.source,
                "difficulty": self.difficulty, "reason": self.reason}


# --------------------------------------------------------------------------- the pick


def day_index(day: date) -> int:
    """Days since :data:`EPOCH` (negative before it)."""
    return (day - EPOCH).days


def difficulty_for(day: date) -> str:
    """The suggested difficulty: easy on Monday rising to expert on Sunday."""
    return WEEKDAY_DIFFICULTY[day.weekday()]


def _fingerprint(sources: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(sources)).encode("utf-8")).hexdigest()


def _raw_order(sources: Sequence[str], seed: str, round_number: int) -> list[str]:
    def key(source: str) -> str:
        return hashlib.sha256(f"{seed}|{round_number}|{source}".encode()).hexdigest()

    return sorted(sources, key=lambda source: (key(source), source))


def _spacing(n: int) -> int:
    # How many tracks at the start of a round must avoid the end of the previous one. With n >= 3g
    # the reordering below only touches the first 2g places, so a round's last g tracks are those of
    # its raw order and each round depends on one raw order only (no recursion into the past).
    return min(WEEK - 1, n // 3)


def round_order(sources: Sequence[str], round_number: int) -> list[str]:
    """The order in which round ``round_number`` plays ``sources`` (each exactly once)."""
    unique = sorted(set(sources))
    n = len(unique)
    seed = _fingerprint(unique)
    if n <= 2:
        # Two tracks can only alternate: one fixed order for every round never plays one twice in a row.
        return _raw_order(unique, seed, 0)
    raw = _raw_order(unique, seed, round_number)
    gap = _spacing(n)
    recent = set(_raw_order(unique, seed, round_number - 1)[-gap:])
    head = [source for source in raw if source not in recent][:gap]
    chosen = set(head)
    return head + [source for source in raw if source not in chosen]


def _pick_from(entries: Sequence[CatalogueEntry], day: date) -> tuple[CatalogueEntry, int, int, int]:
    by_source = {entry.source: entry for entry in entries}
    n = len(by_source)
    index = day_index(day)
    round_number, position = divmod(index, n)
    source = round_order(list(by_source), round_number)[position]
    return by_source[source], round_number, position, n


def _reason(entry: CatalogueEntry, day: date, difficulty: str) -> str:
    weekday = WEEKDAY_NAMES[day.weekday()]
    why = f"Everyone's track today; on {weekday}s we suggest {difficulty}."
    return f"{entry.note.rstrip('.')}. {why}" if entry.note else why


def daily_pick(day: date, catalogue: Catalogue) -> DailyPick:
    """Today's (or any day's) Daily Track: the same for everyone with the same catalogue."""
    entry, round_number, position, n = _pick_from(catalogue.entries, day)
    difficulty = difficulty_for(day)
    return DailyPick(day, entry, difficulty, _reason(entry, day, difficulty), round_number, position, n)


def offline_pick(day: date, library: Sequence[CatalogueEntry], *, keep: str | None = None) -> DailyPick:
    """The day's pick without a network: a track already in the library, or a demo song when it is empty.

    A pure function of the date and the set of library sources (sorted, so the order the library
    lists them in does not matter); it walks its own rounds exactly like :func:`daily_pick`.
    ``keep`` is the source picked earlier the same day: while it is still there it stays the pick,
    so adding a track mid-day does not change "today's" track (see ``rokgame.daily.local``).
    """
    from_library = bool(library)
    entries = library if from_library else DEMO_ENTRIES
    entry, round_number, position, n = _pick_from(entries, day)
    kept = next((e for e in entries if e.source == keep), None)
    if kept is not None:
        entry = kept
    difficulty = difficulty_for(day)
    where = "your library" if from_library else "the demo songs"
    reason = (f"Offline: today's track is {entry.title} from {where}; "
              f"on {WEEKDAY_NAMES[day.weekday()]}s we suggest {difficulty}.")
    return DailyPick(day, entry, difficulty, reason, round_number, position, n, offline=True)


# --------------------------------------------------------------------------- the catalogue file


def _check(data: Any) -> tuple[list[str], list[CatalogueEntry]]:
    """Every problem (as ``path: message``) and the entries that are fine."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return [f"a catalogue is a JSON object ({{...}}), not {json_type_name(data)}"], []
    if data.get("format") != FORMAT:
        shown = "is missing" if "format" not in data else f"is {json.dumps(data['format'])}"
        return [f'format: {shown}; a Daily Track catalogue has "format": "{FORMAT}"'], []
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(f"version: must be a whole number, not {json_type_name(version)}"
                        if "version" in data else f"version: is missing (this rokgame reads version {VERSION})")
    elif version > VERSION:
        problems.append(f"version: this catalogue is version {version}; this rokgame reads version {VERSION} "
                        "(update rokgame)")
    if "entries" not in data:
        return [*problems, "entries: is missing"], []
    raw_entries = data["entries"]
    if not isinstance(raw_entries, list):
        return [*problems, f"entries: must be a list of tracks, not {json_type_name(raw_entries)}"], []
    if not raw_entries:
        return [*problems, "entries: is empty; a catalogue needs at least one track"], []
    entries: list[CatalogueEntry] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_entries):
        at = f"entries[{i}]"
        if not isinstance(raw, dict):
            problems.append(f'{at}: must be a track like {{"title": "…", "source": "…"}}, not {json_type_name(raw)}')
            continue
        before = len(problems)
        values: dict[str, str] = {}
        for key in ENTRY_KEYS:
            required = key in ("title", "source")
            if key not in raw:
                if required:
                    problems.append(f"{at}.{key}: is missing")
                continue
            value = raw[key]
            if not isinstance(value, str):
                problems.append(f"{at}.{key}: must be text, not {json_type_name(value)}")
            elif required and not value.strip():
                problems.append(f"{at}.{key}: is empty")
            else:
                values[key] = value.strip()
        source = values.get("source")
        if source is not None:
            if not SOURCE_PATTERN.match(source):
                problems.append(f'{at}.source: {json.dumps(source)} is not something rokgame can fetch (use '
                                '"ytsearch1:artist - title", an http(s) link, "builtin:slug" or "file:/path")')
            elif source in seen:
                problems.append(f"{at}.source: is the same as entries[{seen[source]}].source; "
                                "each track may be in the catalogue once")
            else:
                seen[source] = i
        if len(problems) == before:
            entries.append(CatalogueEntry(**values))
    return problems, entries


def parse_catalogue(text: str, *, name: str = "the catalogue") -> Catalogue:
    """Read a catalogue from JSON text; any problem raises :class:`CatalogueError` naming its JSON path."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON at line {exc.lineno}, column {exc.colno}"
        raise CatalogueError(f"{name}: {message}", [message]) from None
    except RecursionError:
        raise CatalogueError(f"{name}: the JSON is nested too deeply to be a catalogue") from None
    problems, entries = _check(data)
    if problems:
        more = len(problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise CatalogueError(f"{name}: {problems[0]}{tail}", problems)
    return Catalogue(tuple(entries), name=name)


def dumps_catalogue(catalogue: Catalogue) -> str:
    """The catalogue as JSON text, one entry per line (what ``parse_catalogue`` reads back)."""
    lines = []
    for entry in catalogue.entries:
        item = {"title": entry.title, "artist": entry.artist, "source": entry.source,
                "licence": entry.licence, "note": entry.note}
        lines.append("    " + json.dumps(item, ensure_ascii=False))
    return (f'{{\n  "format": "{FORMAT}",\n  "version": {VERSION},\n  "entries": [\n'
            + ",\n".join(lines) + "\n  ]\n}\n")


# --------------------------------------------------------------------------- streaks and the calendar


@dataclass(frozen=True, slots=True)
class Streak:
    """Consecutive days with the Daily Track played, as of ``today``.

    ``current`` still counts when today has not been played yet but yesterday was: the
    streak is alive until the day ends. ``best`` is the longest run ever.
    """

    current: int
    best: int
    played_today: bool
    last_played: date | None

    @property
    def at_risk(self) -> bool:
        """Alive, but it ends tonight unless today's track is played."""
        return self.current > 0 and not self.played_today


def streak_on(today: date, played: Iterable[date]) -> Streak:
    """The streak on ``today``, given every day the Daily Track was played (any order, repeats fine).

    Days after ``today`` are ignored, so asking about the past gives the streak as it was then.
    """
    days = sorted({day for day in played if day <= today})
    if not days:
        return Streak(0, 0, False, None)
    best = run = 1
    for previous, day in itertools.pairwise(days):
        run = run + 1 if (day - previous).days == 1 else 1
        best = max(best, run)
    last = days[-1]
    played_today = last == today
    current = 0
    if (today - last).days <= 1:
        # Count back from the last day played (today, or yesterday when today is still open).
        day_set = set(days)
        day = last
        while day in day_set:
            current += 1
            day -= timedelta(days=1)
    return Streak(current, best, played_today, last)


@dataclass(frozen=True, slots=True)
class CalendarDay:
    date: date
    stars: int | None  # None: the Daily Track was not played that day


def calendar_days(today: date, stars_by_day: Mapping[date, int], days: int = 30) -> list[CalendarDay]:
    """The last ``days`` days, oldest first, each with the best stars of that day's Daily Track or None."""
    start = today - timedelta(days=days - 1)
    return [CalendarDay(day, stars_by_day.get(day)) for day in (start + timedelta(days=i) for i in range(days))]


def next_daily_at(now: datetime) -> datetime:
    """When the next Daily Track starts: the coming local midnight (in ``now``'s time zone if it has one)."""
    return datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)


def time_until_next(now: datetime) -> timedelta:
    """How long until the next Daily Track; right across a daylight-saving change, too.

    Naive datetimes are local time: their ``timestamp()`` asks the system's time zone, so a
    23- or 25-hour day is measured as it is lived. So is an aware ``now`` in the system's
    current offset (what ``datetime.now().astimezone()`` gives, whose fixed offset alone
    would miss the change); any other aware ``now`` keeps its own fixed offset.
    """
    if now.tzinfo is not None and now.utcoffset() == now.astimezone().utcoffset():
        now = now.replace(tzinfo=None)
    midnight = next_daily_at(now)
    if now.tzinfo is None:
        return timedelta(seconds=max(0.0, midnight.timestamp() - now.timestamp()))
    return max(timedelta(0), midnight - now)


def format_wait(wait: timedelta) -> str:
    """``"5 h 07 min"`` / ``"42 min"`` / ``"under a minute"``: how the menu shows the time left."""
    minutes = int(wait.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
