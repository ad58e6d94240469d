"""Disk writes the UI thread hands off: statistics and the no-repeat history are written by one
background thread, in the order given, so the frame never waits for SQLite or an fsync.

`InlineWriter` does the same work at once, for tools and tests that want it written now.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

Job = Callable[[], None]
_STOP = object()


class Writer(Protocol):
    def submit(self, job: Job) -> None: ...


class InlineWriter:
    def submit(self, job: Job) -> None:
        _run(job)


class BackgroundWriter:
    """One thread; jobs run in order; a failing job is logged and the next one runs."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._pending = 0
        self._thread = threading.Thread(target=self._work, name="disk-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        with self._idle:
            self._pending += 1
        self._jobs.put(job)

    def flush(self, timeout: float | None = None) -> bool:
        """Until every job submitted so far is done; False if `timeout` ran out first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop (before the ledger closes)."""
        self._jobs.put(_STOP)
        self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            assert callable(job)
            _run(job)
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()


def _run(job: Job) -> None:
    try:
        job()
    except Exception:  # a write that fails must not take the writer (or a visit) down
        log.exception("a background write failed")
