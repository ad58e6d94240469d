"""The loop's sleep: woken at once by a post from any thread, by input, or at its deadline."""

from __future__ import annotations

import os
import threading
import time

from kiosk.shell.inbox import Inbox
from kiosk.shell.wait import Sleeper, Waker

BOUND_S = 10.0  # a broken wake-up shows as this long wait, never as a hang


def test_a_post_from_another_thread_wakes_the_loop() -> None:
    waker = Waker()
    inbox = Inbox()
    inbox.on_post(waker.wake)
    sleeper = Sleeper(waker, [], poll_input=False)
    posted = threading.Thread(target=inbox.post, args=("vend done",))
    started = time.monotonic()
    posted.start()
    sleeper.sleep(BOUND_S)
    posted.join()
    assert time.monotonic() - started < BOUND_S / 2
    assert inbox.drain() == ["vend done"]
    waker.close()


def test_input_on_a_watched_device_wakes_the_loop_and_is_drained() -> None:
    read_end, write_end = os.pipe()  # stands in for /dev/input/eventN
    os.set_blocking(read_end, False)
    waker = Waker()
    sleeper = Sleeper(waker, [read_end], poll_input=False)
    os.write(write_end, b"x" * 24)  # one input_event
    started = time.monotonic()
    sleeper.sleep(BOUND_S)
    assert time.monotonic() - started < BOUND_S / 2
    sleeper.sleep(0.01)  # drained: no longer readable, so this one times out quietly
    os.close(write_end)
    sleeper.sleep(0.01)  # the device went away: it is dropped, not spun on
    assert sleeper._inputs == []
    waker.close()


def test_without_a_deadline_or_a_wake_nothing_happens_until_the_timeout() -> None:
    waker = Waker()
    sleeper = Sleeper(waker, [], poll_input=False)
    started = time.monotonic()
    sleeper.sleep(0.05)
    assert time.monotonic() - started >= 0.05
    waker.close()
