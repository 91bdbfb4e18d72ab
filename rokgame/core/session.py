"""One play of one difficulty: the model the gameplay scene asks every frame.

The scene owns the clock and the keys; the session owns the rules. Each frame the
scene passes the frame's inputs, stamped with the song time they happened at and
in that order, to :meth:`PlaySession.press` / :meth:`PlaySession.release`, then
calls :meth:`PlaySession.update` with the current song time, and draws from
``session.judge`` (what is judged or held) and ``session.score`` (the HUD).
Every input is recorded in :attr:`PlaySession.events`: that list *is* the replay,
and :func:`run_replay` plays it back through the very same rules.

Times are chart times: the song clock fed to the session has already taken out the
audio offset and the chart's ``offset`` (see :func:`play_notes`).

When the rock meter empties (and ``no_fail`` is off) the play is over: every note
still to come counts as a miss, so the judgements always add up to the notes.

The play's options are the session's: ``windows`` (the precision setting),
``no_fail`` and ``ghost_taps`` (whether a press that judges no note breaks the combo,
:class:`~rokgame.core.scoring.GhostTapRule`). The report names the last two, and a
replay is played back with the rule it was recorded with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rokgame.core.chart import Chart, Note
from rokgame.core.judge import InputEvent, Judge, Result
from rokgame.core.replay import sorted_events
from rokgame.core.scoring import GhostTapRule, ScoreProcessor
from rokgame.core.timing import HIT_JUDGEMENTS, HitWindows, Judgement
from rokgame.errors import ChartError

#: How long the play goes on after the last note's miss window closes, so the last judgement is seen.
END_GRACE = 0.5


def play_notes(chart: Chart, difficulty: str) -> tuple[Note, ...]:
    """The notes of ``difficulty``; an unknown difficulty is a :class:`ChartError` in one sentence.

    Notes stay in chart time. The chart's ``offset`` ("added to every note and beat
    time when played", docs/chart-format.md) belongs to the song clock, which
    reports ``file time − audio offset − chart offset`` (:class:`rokgame.game.audio.AudioClock`),
    so notes, beat lines and replays all share one time line whatever the offset.
    """
    try:
        return chart.difficulty(difficulty).notes
    except KeyError as exc:
        raise ChartError(str(exc.args[0])) from None


class PlaySession:
    """The rules of one play: a :class:`Judge` feeding a :class:`ScoreProcessor`, and the recorded input."""

    def __init__(self, chart: Chart, difficulty: str, *, windows: HitWindows | None = None,
                 no_fail: bool = False, ghost_taps: GhostTapRule = GhostTapRule.FREE) -> None:
        #: The notes being played, in chart time (what the highway draws).
        self.notes: tuple[Note, ...] = play_notes(chart, difficulty)
        self.chart = chart
        self.difficulty = difficulty
        self.windows = windows or HitWindows()
        self.no_fail = no_fail
        self.ghost_taps = ghost_taps
        self.judge = Judge(self.notes, self.windows)
        self.score = ScoreProcessor(self.notes, no_fail=no_fail, windows=self.windows, ghost_taps=ghost_taps)
        self.events: list[InputEvent] = []
        last = max((n.end for n in self.notes), default=0.0)
        self.end_time: float = last + self.windows.miss + END_GRACE
        #: Song time at which the rock meter emptied, if it did and no_fail was off.
        self.failed_at: float | None = None
        self.now: float = float("-inf")

    # -- what the scene tells the session

    def press(self, t: float, lane: int) -> list[Result]:
        """A lane key went down at song time ``t``; returns everything judged up to and by it."""
        return self._input(InputEvent(t, lane, True))

    def release(self, t: float, lane: int) -> list[Result]:
        """A lane key went up at song time ``t``."""
        return self._input(InputEvent(t, lane, False))

    def feed(self, event: InputEvent) -> list[Result]:
        return self._input(event)

    def update(self, now: float) -> list[Result]:
        """Let song time pass to ``now``: auto-misses, hold completions, sustain ticking."""
        if self.failed_at is not None:
            return []
        self.now = max(self.now, now)
        results = self._apply(self.judge.update(now), now)
        self.score.sustain(now, self.judge.held(now))
        return results

    # -- what the scene asks

    @property
    def failed(self) -> bool:
        return self.failed_at is not None

    def finished(self, now: float) -> bool:
        """True once the song is past :attr:`end_time`, or the player failed."""
        return self.failed_at is not None or now >= self.end_time

    def report(self) -> dict[str, Any]:
        """The results screen and the score table: the figures of this play so far."""
        score = self.score
        mean = score.mean_offset_ms
        return {
            "score": score.score,
            "accuracy": score.accuracy,
            "max_combo": score.max_combo,
            "stars": score.stars,
            "notes": len(self.notes),
            "judgements": {j.value: score.counts[j] for j in (*HIT_JUDGEMENTS, Judgement.MISS)},
            "offsets": [None if o is None else round(o, 3) for o in score.offsets_ms],
            "early": score.early,
            "late": score.late,
            "mean_offset_ms": None if mean is None else round(mean, 3),
            "failed": score.failed,
            "no_fail": self.no_fail,
            "health_emptied": score.health_emptied,
            "max_score": score.max_score,
            "completed": self.judge.unjudged == 0 and not score.failed,
            "holds_completed": score.holds_completed,
            "holds_dropped": score.holds_dropped,
            "ghost_taps": self.ghost_taps.value,
            "ghost_tap_count": score.ghost_tap_count,
        }

    # -- internals

    def _input(self, event: InputEvent) -> list[Result]:
        if self.failed_at is not None:
            return []
        self.events.append(event)
        self.now = max(self.now, event.t)
        return self._apply(self.judge.feed(event), event.t)

    def _apply(self, results: list[Result], now: float) -> list[Result]:
        for result in results:
            self.score.apply(result)
        if self.score.failed and self.failed_at is None:
            self.failed_at = now
            rest = self.judge.miss_remaining(now)
            for result in rest:
                self.score.apply(result)
            results = results + rest
        return results


def run_replay(chart: Chart, difficulty: str, events: Sequence[InputEvent], **kw: Any) -> PlaySession:
    """Play ``events`` through the rules of ``difficulty`` and return the finished session.

    Pure simulation (no clock, no screen): what the tests, the replay viewer and the
    headless game loop's cross-check use. ``kw`` goes to :class:`PlaySession`.
    """
    session = PlaySession(chart, difficulty, **kw)
    for event in sorted_events(events):
        if session.failed:
            break
        session.feed(event)
    session.update(max(session.end_time, session.now))
    return session
