""""For you": a second daily pick from the player's own library, worked out on their machine.

The idea is the one every "more like this" uses, kept small enough to explain in one line
on the menu: find the tracks the player *likes* (plays often and scores well on), then
suggest the library track that sounds most like one of them and has not been played lately.

Liking
    ``log(1 + plays) × (0.25 + mean accuracy) × (1 + best stars / 5)``: many plays count,
    but with diminishing returns, and a track the player aces counts more than one they
    grind through. The :data:`MAX_FAVOURITES` best-liked tracks are the favourites.
Sounding alike
    Each track is described by what the analysis measured (:class:`TrackProfile`): tempo,
    note density, energy and onset rate. Two tracks are compared feature by feature on a
    log scale (twice the tempo is as far as half of it), each divided by how big a difference
    a player notices (:data:`FEATURE_SCALES`); similarity is ``exp(-d² / 2)`` of the root
    mean square of the features both tracks have. A candidate scores its best
    ``similarity × liking`` against any favourite, and the reason names that favourite and
    the feature the two are closest in.
Lately
    Tracks played in the last :data:`RECENT_DAYS` days are not suggested. If that leaves
    nothing, the least recently played track is.
Per day
    Candidates within 10 % of the best score are near-ties; which of them is shown turns
    on a hash of the date, so the pick is the same all day and can change tomorrow.

Standard library only, like the rest of ``core``; nothing here ever leaves the machine.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

RECENT_DAYS = 7
#: How far apart two tracks must be, per feature, to count as one unit of "different".
#: Tempo and onset rate compare as log2 ratios, density too; energy compares as a log2 ratio as well.
FEATURE_SCALES: Mapping[str, float] = {"bpm": 0.15, "density": 0.35, "energy": 0.5, "onset_rate": 0.35}
#: Only the player's favourites this many are compared with (a big library stays quick).
MAX_FAVOURITES = 20
#: Candidates scoring at least this share of the best are near-ties, chosen between by the date.
NEAR_TIE = 0.9
_FEATURE_WORDS = {
    "bpm": "similar tempo to",
    "density": "as busy as",
    "energy": "similar energy to",
    "onset_rate": "a rhythm like",
}


@dataclass(frozen=True, slots=True)
class TrackProfile:
    """A library track as the recommender sees it; ``key`` is stable (the track's source)."""

    key: str
    title: str
    artist: str = ""
    bpm: float | None = None
    density: float | None = None  # notes per second on the chart's reference difficulty
    energy: float | None = None
    onset_rate: float | None = None

    def features(self) -> dict[str, float]:
        values = {"bpm": self.bpm, "density": self.density, "energy": self.energy, "onset_rate": self.onset_rate}
        return {name: float(v) for name, v in values.items() if v is not None and math.isfinite(v) and v > 0}


@dataclass(frozen=True, slots=True)
class TrackHistory:
    """How the player has done on one track."""

    key: str
    plays: int
    mean_accuracy: float  # 0..1
    best_stars: int
    last_played: date | None


@dataclass(frozen=True, slots=True)
class ForYouPick:
    """The suggestion and the line that explains it."""

    date: date
    track: TrackProfile
    reason: str
    similar_to: TrackProfile | None = None
    feature: str | None = None
    score: float = 0.0

    @property
    def key(self) -> str:
        return self.track.key

    @property
    def title(self) -> str:
        return self.track.title


def liking(history: TrackHistory) -> float:
    """How much the player likes a track, from how often and how well they play it."""
    if history.plays <= 0:
        return 0.0
    accuracy = min(1.0, max(0.0, history.mean_accuracy))
    stars = min(5, max(0, history.best_stars))
    return math.log1p(history.plays) * (0.25 + accuracy) * (1.0 + stars / 5.0)


_NAMES = tuple(FEATURE_SCALES)
_SCALES = tuple(FEATURE_SCALES.values())
_Scaled = tuple[float | None, ...]


def _scaled(track: TrackProfile) -> _Scaled:
    # Each feature as log2(value) / scale, once per track: a distance is then a subtraction.
    features = track.features()
    return tuple(math.log2(features[name]) / scale if name in features else None
                 for name, scale in zip(_NAMES, _SCALES, strict=True))


def _distances(a: _Scaled, b: _Scaled) -> dict[str, float]:
    return {name: abs(x - y) for name, x, y in zip(_NAMES, a, b, strict=True) if x is not None and y is not None}


def _similarity(a: _Scaled, b: _Scaled) -> float | None:
    total, count = 0.0, 0
    for x, y in zip(a, b, strict=True):
        if x is not None and y is not None:
            total += (x - y) * (x - y)
            count += 1
    return math.exp(-total / count / 2.0) if count else None


def feature_distances(a: TrackProfile, b: TrackProfile) -> dict[str, float]:
    """Per shared feature, how different the two tracks are, in units of :data:`FEATURE_SCALES`."""
    return _distances(_scaled(a), _scaled(b))


def similarity(a: TrackProfile, b: TrackProfile) -> float | None:
    """0..1 (1 = alike in every feature both have); None when they share no feature."""
    return _similarity(_scaled(a), _scaled(b))


def _day_hash(day: date, key: str) -> str:
    return hashlib.sha256(f"{day.isoformat()}|{key}".encode()).hexdigest()


def _describe(feature: str, track: TrackProfile, like: TrackProfile) -> str:
    words = f"{_FEATURE_WORDS[feature]} {like.title}"
    if feature == "bpm" and track.bpm and like.bpm:
        return f"{words} ({track.bpm:.0f} vs {like.bpm:.0f} BPM)"
    if feature == "density" and track.density and like.density:
        return f"{words} ({track.density:.1f} vs {like.density:.1f} notes a second)"
    return words


def _days_ago(day: date, last: date | None) -> int | None:
    return None if last is None else (day - last).days


def for_you(
    day: date,
    library: Sequence[TrackProfile],
    history: Iterable[TrackHistory],
    *,
    exclude: Iterable[str] = (),
    recent_days: int = RECENT_DAYS,
) -> ForYouPick | None:
    """The day's personal pick from ``library``, or None when the library has nothing to offer.

    ``exclude`` keys (today's Daily Track, say) are never picked. Deterministic: the same
    library, history and day give the same pick.
    """
    by_key = {track.key: track for track in library}
    excluded = set(exclude)
    histories = {h.key: h for h in history if h.key in by_key}
    eligible = [track for key, track in sorted(by_key.items()) if key not in excluded]
    if not eligible:
        return None

    def last(track: TrackProfile) -> date | None:
        entry = histories.get(track.key)
        return entry.last_played if entry else None

    candidates = [t for t in eligible if (ago := _days_ago(day, last(t))) is None or ago >= recent_days]
    if not candidates:
        # Everything was played lately: offer the one that has waited longest (never today's).
        waiting = [t for t in eligible if _days_ago(day, last(t)) != 0] or eligible
        track = min(waiting, key=lambda t: (last(t) or date.min, _day_hash(day, t.key)))
        ago = _days_ago(day, last(track))
        when = "today" if ago == 0 else "yesterday" if ago == 1 else f"{ago} days ago"
        return ForYouPick(day, track, f"You last played it {when}: the longest wait in your library")

    liked = sorted(((liking(h), by_key[h.key]) for h in histories.values() if liking(h) > 0),
                   key=lambda item: (-item[0], item[1].key))[:MAX_FAVOURITES]
    best_weight = liked[0][0] if liked else 0.0
    favourites = [(weight, like, _scaled(like)) for weight, like in liked]
    scored: list[tuple[float, TrackProfile, TrackProfile | None, str | None]] = []
    for track in candidates:
        features = _scaled(track)
        best: tuple[float, TrackProfile | None, _Scaled | None] = (0.0, None, None)
        for weight, like, like_features in favourites:
            if like.key == track.key:
                continue
            alike = _similarity(features, like_features)
            if alike is not None and alike * weight / best_weight > best[0]:
                best = (alike * weight / best_weight, like, like_features)
        closest = None
        if best[2] is not None:
            distances = _distances(features, best[2])
            closest = min(distances, key=lambda name: (distances[name], name))
        scored.append((best[0], track, best[1], closest))

    top = max(score for score, *_ in scored)
    if top <= 0.0:
        # Nothing to compare with yet (no plays, or no analysis): a fresh track, chosen by the date.
        track = min(candidates, key=lambda t: _day_hash(day, t.key))
        ago = _days_ago(day, last(track))
        reason = ("New to you: you haven't played it yet" if ago is None
                  else f"You haven't played it for {ago} days")
        return ForYouPick(day, track, reason)
    near = [item for item in scored if item[0] >= NEAR_TIE * top]
    score, track, like, feature = min(near, key=lambda item: _day_hash(day, item[1].key))
    assert like is not None and feature is not None  # score > 0 always comes with what it was compared to
    words = _describe(feature, track, like)
    reason = words[0].upper() + words[1:] + ", one of the tracks you play most and score well on"
    return ForYouPick(day, track, reason, like, feature, score)
