"""Staff jobs (the PIN check, a refill, a content reload) answer through the kiosk's one inbox:
the frame hears of the answer when it arrives, nothing polls for it."""

from __future__ import annotations

import threading

from kiosk.shell.inbox import Inbox
from kiosk.staff.events import Done, Notice, NoticeKind
from kiosk.staff.jobs import StaffJobDone, ThreadJobs

BOUND_S = 10.0


def test_a_job_answer_and_a_failing_job_arrive_in_the_inbox() -> None:
    inbox = Inbox()
    arrived = threading.Semaphore(0)
    inbox.on_post(arrived.release)  # the shell's wake-up, standing in
    jobs = ThreadJobs(inbox.post)
    answer = Done(Notice(NoticeKind.REFILLED))

    def broken() -> Done:
        raise OSError("disk I/O error")

    jobs.submit(lambda: answer)
    jobs.submit(broken)
    assert arrived.acquire(timeout=BOUND_S) and arrived.acquire(timeout=BOUND_S)
    first, second = inbox.drain()
    assert first == StaffJobDone(answer)
    assert isinstance(second, StaffJobDone) and isinstance(second.event, Done)
    assert second.event.notice.kind is NoticeKind.FAILED
    assert jobs.collect() == []  # nothing left to poll
    jobs.close()
