"""The chart model: notes as data.

Everything here is a frozen dataclass, so a chart can be shared between the game
loop, the judge and the renderer without anybody changing it under the others.
Times are seconds from the start of the audio file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

FORMAT = "rokgame.chart"
VERSION = 1
DIFFICULTY_NAMES: tuple[str, ...] = ("easy", "medium", "hard", "expert")
MIN_LANES = 3
MAX_LANES = 7
DEFAULT_LANES = 5


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True, order=True)
class Note:
    """One note: hit ``lane`` at time ``t``; hold it for ``length`` seconds when > 0."""

    t: float
    lane: int
    length: float = 0.0
    #: Fields a newer rokgame wrote that this one does not know; kept on save.
    extra: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def is_hold(self) -> bool:
        return self.length > 0.0

    @property
    def end(self) -> float:
        """When the note is over: its time, or the end of its hold."""
        return self.t + self.length


@dataclass(frozen=True, slots=True)
class Difficulty:
    """The notes of one difficulty, sorted by time then lane."""

    name: str
    notes: tuple[Note, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "notes", tuple(sorted(self.notes)))
        object.__setattr__(self, "extra", _frozen(self.extra))

    @property
    def hold_count(self) -> int:
        return sum(1 for note in self.notes if note.is_hold)

    def chords(self) -> list[tuple[Note, ...]]:
        """Groups of two or more notes that start at the same millisecond."""
        groups: list[tuple[Note, ...]] = []
        current: list[Note] = []
        for note in self.notes:
            if current and round(note.t - current[0].t, 3) != 0:
                if len(current) > 1:
                    groups.append(tuple(current))
                current = []
            current.append(note)
        if len(current) > 1:
            groups.append(tuple(current))
        return groups


@dataclass(frozen=True, slots=True)
class Song:
    """What is played: metadata and the audio file, relative to the chart's folder."""

    title: str
    audio: str
    artist: str = ""
    duration: float | None = None
    source: str | None = None
    audio_sha256: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra", _frozen(self.extra))


@dataclass(frozen=True, slots=True)
class Tempo:
    """The tempo the chart was made against; ``beats`` draws the highway's beat lines."""

    bpm: float
    beats: tuple[float, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "beats", tuple(self.beats))
        object.__setattr__(self, "extra", _frozen(self.extra))


@dataclass(frozen=True, slots=True)
class Chart:
    """A whole chart: one song, its tempo, and up to four difficulties.

    ``extra`` keeps fields this version does not know, so a chart written by a newer
    rokgame survives being opened and saved by this one.
    """

    song: Song
    difficulties: Mapping[str, Difficulty]
    lanes: int = DEFAULT_LANES
    offset: float = 0.0
    tempo: Tempo | None = None
    generator: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # Difficulties always iterate easiest first, whatever order they were given in.
        rank = {name: i for i, name in enumerate(DIFFICULTY_NAMES)}
        ordered = sorted(self.difficulties.items(), key=lambda item: (rank.get(item[0], 99), item[0]))
        object.__setattr__(self, "difficulties", MappingProxyType(dict(ordered)))
        if self.generator is not None:
            object.__setattr__(self, "generator", _frozen(self.generator))
        object.__setattr__(self, "extra", _frozen(self.extra))

    def difficulty(self, name: str) -> Difficulty:
        """The named difficulty; a :class:`KeyError` names the ones there are."""
        try:
            return self.difficulties[name]
        except KeyError:
            have = ", ".join(self.difficulties) or "none"
            raise KeyError(f"this chart has no {name!r} difficulty (it has {have})") from None

    @property
    def first_note_time(self) -> float | None:
        times = [d.notes[0].t for d in self.difficulties.values() if d.notes]
        return min(times) if times else None
