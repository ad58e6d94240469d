"""Staff work that may take a while (checking the PIN, a refill's fsync, a content reload, a
board check) runs off the UI thread; its answer comes back as a staff event through the kiosk's
inbox. `InlineJobs` does the same work at once, for tests and tools."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from kiosk.staff.events import Done, Notice, NoticeKind, StaffEvent

log = logging.getLogger(__name__)

Job = Callable[[], StaffEvent]
DETAIL_CHARS = 60


class Jobs(Protocol):
    def submit(self, job: Job) -> None: ...

    def collect(self) -> list[StaffEvent]: ...

    def close(self) -> None: ...


def _failed(exc: BaseException) -> StaffEvent:
    log.error("staff action failed: %s", exc, exc_info=exc)
    detail = str(exc) or type(exc).__name__
    # The log has it all; the screen line stays short enough to read (and to fit).
    return Done(Notice(NoticeKind.FAILED, detail=detail[:DETAIL_CHARS]))


@dataclass(frozen=True)
class StaffJobDone:
    """A staff job's answer, on its way to the frame through the kiosk's inbox."""

    event: StaffEvent


class ThreadJobs:
    """One worker thread; jobs run in the order given. Each answer is posted to the kiosk's
    inbox (`post`) as a `StaffJobDone`, so the frame hears of it at once; without `post`
    the answers wait for `collect`."""

    def __init__(self, post: Callable[[object], None] | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="staff")
        self._running: list[Future[StaffEvent]] = []
        self._post = post

    def submit(self, job: Job) -> None:
        if self._post is None:
            self._running.append(self._pool.submit(job))
            return
        post = self._post

        def run_and_post() -> StaffEvent:
            try:
                answer = job()
            except Exception as exc:  # the same safety net as collect's
                answer = _failed(exc)
            post(StaffJobDone(answer))
            return answer

        self._pool.submit(run_and_post)

    def collect(self) -> list[StaffEvent]:
        """Answers of finished jobs, in order, when they are not posted; never waits."""
        done: list[StaffEvent] = []
        while self._running and self._running[0].done():
            future = self._running.pop(0)
            exc = future.exception()
            done.append(_failed(exc) if exc is not None else future.result())
        return done

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class InlineJobs:
    """Runs each job when it is submitted; its answer waits for `collect` like a thread's."""

    def __init__(self) -> None:
        self._done: list[StaffEvent] = []

    def submit(self, job: Job) -> None:
        try:
            self._done.append(job())
        except Exception as exc:  # the same safety net as the worker thread's
            self._done.append(_failed(exc))

    def collect(self) -> list[StaffEvent]:
        done, self._done = self._done, []
        return done

    def close(self) -> None:
        return None
