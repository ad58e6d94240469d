"""How the frame loop sleeps: until input, an inbox event or the next deadline, and no longer.

SDL's own `SDL_WaitEventTimeout` polls every millisecond on the Pi's KMS/DRM driver (and on the
headless ones), which alone costs about 1 % of a core. So the loop sleeps in `select()` instead,
on a self-pipe that `Waker.wake` writes to (the inbox's posts, a keypad press posted from a
GPIO thread) and, on the cabinet, on the touch and key devices under /dev/input: each reader of
an evdev device gets its own copy of every event, so SDL still reads its own. Where no device
can be watched (a desktop window under X11 or Wayland, where input arrives over the display
connection) the loop falls back to waking every `FALLBACK_POLL_S`.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import select
import signal
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

FALLBACK_POLL_S = 0.01
INPUT_GLOB = "/dev/input/event*"


class Waker:
    """A self-pipe: `wake()` from any thread makes the sleeping loop's `select` return."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        self._lock = threading.Lock()
        self._closed = False

    def fileno(self) -> int:
        return self._read

    def wake_on_signals(self) -> Callable[[], None]:
        """Make a stop signal (SIGTERM from systemd) wake the sleeping loop at once: without
        this, Python retries the interrupted `select` and the flag waits for the next input.
        Main thread only; returns how to undo it."""
        previous = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)

        def undo() -> None:
            signal.set_wakeup_fd(previous)

        return undo

    def wake(self) -> None:
        with self._lock:
            if self._closed:
                return
            with contextlib.suppress(BlockingIOError):  # already full: it will wake anyway
                os.write(self._write, b"\0")

    def clear(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while os.read(self._read, 4096):
                pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
            os.close(self._write)
        os.close(self._read)


class Sleep(Protocol):
    """What the frame loop needs: sleep until woken, or `timeout` seconds (None: no limit)."""

    def sleep(self, timeout: float | None) -> None: ...


class Sleeper:
    """Sleeps until the waker, an input device, or `timeout` (None: no deadline)."""

    def __init__(self, waker: Waker, input_fds: list[int], *, poll_input: bool) -> None:
        self.waker = waker
        self._inputs = input_fds
        self._poll = poll_input  # no device to watch: wake regularly to look for input

    @classmethod
    def for_driver(cls, waker: Waker, driver: str) -> Sleeper:
        """Devices are watched on the console drivers; window systems poll; headless drivers
        have no input but what the program posts itself (and wakes for)."""
        if driver in ("kmsdrm", "fbcon", "directfb"):
            fds = open_input_devices()
            if fds:
                return cls(waker, fds, poll_input=False)
            log.warning("no input device could be opened: the loop looks for input every 10 ms")
            return cls(waker, [], poll_input=True)
        if driver in ("dummy", "offscreen"):
            return cls(waker, [], poll_input=False)
        return cls(waker, [], poll_input=True)

    def sleep(self, timeout: float | None) -> None:
        if self._poll:
            timeout = FALLBACK_POLL_S if timeout is None else min(timeout, FALLBACK_POLL_S)
        if timeout is not None and timeout <= 0:
            return
        wake = self.waker.fileno()
        ready, _, _ = select.select([wake, *self._inputs], [], [], timeout)
        for fd in ready:
            if fd == wake:
                self.waker.clear()
            elif not _drain(fd):  # gone: never watched again (select would spin on it)
                self._inputs.remove(fd)
                with contextlib.suppress(OSError):
                    os.close(fd)

    def close(self) -> None:
        for fd in self._inputs:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._inputs = []


def open_input_devices(pattern: str = INPUT_GLOB) -> list[int]:
    """Read-only, non-blocking descriptors of the input devices we may read (only to wake)."""
    fds = []
    for path in sorted(glob.glob(pattern)):
        try:
            fds.append(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC))
        except OSError as exc:
            log.debug("cannot watch %s: %s", path, exc)
    return fds


def _drain(fd: int) -> bool:
    """Our copy of the device's events is read and dropped (SDL reads its own copy); False
    when the device went away (a USB keypad unplugged)."""
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        return True
    except OSError as exc:
        log.warning("an input device stopped answering: %s", exc)
        return False
    return False  # end of file: the device is gone
