"""Slow work off the main thread: fetching and charting run in a worker that posts pygame events.

The game never imports :mod:`rokgame.tracks`, :mod:`rokgame.fetch` or
:mod:`rokgame.analysis` at start-up: a job imports them inside its thread, so the
menu opens fast and stays responsive. Workers talk to the screen only through
``WORKER_EVENT`` events (``pygame.event.post`` is thread-safe), and the screen talks
back through the worker's cancel flag and, for a search, its choice.

While a song is played, background work waits: the gameplay screen holds
:data:`background` every frame, and a worker that reports progress meanwhile
stops at that report until the hold lapses or is released (a charting job next
to the song cost frames: p99 2.0 -> 7.2 ms in gameplay). The hold is a short
lease, not a flag, so a screen that goes away without saying so (a crash, a
test) can never leave background work stopped for good.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import pygame

from rokgame.errors import RokError

WORKER_EVENT = pygame.event.custom_type()
#: Progress events are posted at most this often (a fast stage must not flood the queue).
PROGRESS_INTERVAL = 0.05

Progress = Callable[[float, str], None]
Job = Callable[["Worker"], Any]

_ids = itertools.count(1)

#: How long one hold of :data:`background` lasts; gameplay renews it every frame.
HOLD_LEASE = 0.5
#: How often a waiting worker looks at its cancel flag and the lease.
WAIT_POLL = 0.05


class BackgroundWork:
    """The switch gameplay uses to keep background workers off the CPU while a song plays.

    :meth:`hold` keeps workers waiting for ``seconds`` from now (gameplay calls it each
    frame); :meth:`release` lets them go at once (the song ended, the player quit). A
    worker waits in :meth:`wait`, called from :meth:`Worker.progress`: between two
    progress reports it is never interrupted, so the work itself needs no changes.
    """

    def __init__(self) -> None:
        self._until = 0.0
        self._released = threading.Event()
        self.waits = 0  # how many times a worker has waited (tests and benches read it)

    def hold(self, seconds: float | None = None) -> None:
        lease = HOLD_LEASE if seconds is None else seconds
        self._until = max(self._until, time.monotonic() + lease)
        self._released.clear()

    def release(self) -> None:
        self._until = 0.0
        self._released.set()

    @property
    def held(self) -> bool:
        return time.monotonic() < self._until

    def wait(self, cancelled: threading.Event) -> float:
        """Block the calling worker while gameplay holds the switch; return the seconds waited."""
        if not self.held:
            return 0.0
        self.waits += 1
        start = time.monotonic()
        while not cancelled.is_set() and (left := self._until - time.monotonic()) > 0:
            self._released.wait(min(left, WAIT_POLL))
        return time.monotonic() - start


#: The one switch of this process (one song plays at a time).
background = BackgroundWork()


class NotAvailable(RokError):
    """A part of rokgame this build does not have yet."""


class Worker:
    """Runs ``job(worker)`` in a daemon thread; the job reports through :meth:`progress`.

    Every worker is background work: while a song is played it waits at its next
    :meth:`progress` report (see :class:`BackgroundWork`). Nothing a player waits for
    runs next to a song (the loading screen's job is done before gameplay starts).
    """

    def __init__(self, job: Job, *, name: str = "job", post: Callable[[pygame.event.Event], Any] | None = None,
                 gate: BackgroundWork | None = None) -> None:
        self.id = next(_ids)
        self.gate = gate if gate is not None else background
        self.job = job
        self.name = name
        self.cancel_event = threading.Event()
        self._post = post or pygame.event.post
        self._last_progress = 0.0
        self._last_stage = ""
        self._choice: int | None = None
        self._chosen = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"rokgame-{name}-{self.id}", daemon=True)

    def start(self) -> Worker:
        self.thread.start()
        return self

    def cancel(self) -> None:
        self.cancel_event.set()
        self._chosen.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    # -- called from the job's thread

    def progress(self, fraction: float, stage: str) -> None:
        self.gate.wait(self.cancel_event)  # a song is being played: go on when it is over
        now = time.perf_counter()
        if stage == self._last_stage and now - self._last_progress < PROGRESS_INTERVAL and fraction < 1.0:
            return
        self._last_progress, self._last_stage = now, stage
        self._send("progress", fraction=max(0.0, min(1.0, float(fraction))), stage=str(stage))

    def choose(self, results: Sequence[Any]) -> int | None:
        """Ask the screen to pick one of ``results`` (a search); blocks until it does or cancels."""
        self._chosen.clear()
        self._send("choose", results=list(results))
        self._chosen.wait()
        return None if self.cancelled else self._choice

    # -- called from the screen

    def answer(self, index: int | None) -> None:
        self._choice = index
        self._chosen.set()

    # -- internals

    def _send(self, kind: str, **data: Any) -> None:
        # pygame.error: the window closed under us, nobody is listening any more.
        with contextlib.suppress(pygame.error):
            self._post(pygame.event.Event(WORKER_EVENT, worker=self.id, kind=kind, **data))

    def _run(self) -> None:
        self.gate.wait(self.cancel_event)  # started while a song plays: begin when it is over
        if self.cancelled:
            self._send("cancelled")
            return
        try:
            result = self.job(self)
        except BaseException as exc:
            if self.cancelled or type(exc).__name__ == "Cancelled":
                self._send("cancelled")
            elif isinstance(exc, RokError):
                self._send("error", message=str(exc))
            else:
                self._send("error", message=f"Something went wrong: {type(exc).__name__}: {exc}")
            return
        if self.cancelled:
            self._send("cancelled")
        else:
            self._send("done", result=result)


def prepare_track_job(source: str) -> Job:
    """A job that makes ``source`` (a link, a search, an audio file) playable with rokgame.tracks."""

    def job(worker: Worker) -> Any:
        try:
            from rokgame.tracks import prepare_track
        except ImportError as exc:
            raise NotAvailable("Adding tracks is not available yet in this build of rokgame.") from exc
        worker.progress(0.0, "Starting")
        return prepare_track(source, progress=worker.progress, cancel=worker.cancel_event, choose=worker.choose)

    return job


def rebuild_chart_job(track_id: int) -> Job:
    """A job that charts a library track's audio again (its generated chart was damaged)."""

    def job(worker: Worker) -> Any:
        from rokgame.storage.db import connect
        from rokgame.tracks import rebuild_chart

        worker.progress(0.0, "The chart was damaged: charting it again")
        with contextlib.closing(connect()) as conn:
            return rebuild_chart(conn, track_id, progress=worker.progress, cancel=worker.cancel_event)

    return job
