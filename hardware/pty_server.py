"""A simulated serial device on a pty, in a background thread: the wire every simulator shares.

The host opens `server.path` like a real port. That path is a symlink in a private temp dir to
the current pty, so after `unplug()` (the pty closes, the symlink goes) and `replug()` (a new pty,
the same symlink) the driver finds the device again under the same name, just as it does with
`/dev/serial/by-id/...` or a udev symlink after a USB replug.

A subclass is the device: it gets the bytes the host wrote (`_receive`), puts its answers on
the wire with `_enqueue(due, data)`, and may keep time-driven state (`_advance`,
`_next_event_at`). All of these run on the server thread with `self._lock` held; fds are only
opened and closed by that thread, never under its `select()`.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import select
import shutil
import tempfile
import threading
import time
import tty
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

_log = logging.getLogger(__name__)
# Every change reaches the loop through its wake pipe (`_in_thread`); this is only a safety
# net, slow enough that an idle simulator costs nothing measurable (it once woke 20 times a
# second and showed as 0.4 % CPU of an idle kiosk).
_IDLE_WAKEUP_S = 1.0


@dataclass
class _Pty:
    master: int
    slave: int  # kept open by us too, so the master never sees a hang-up between host opens
    name: str


@dataclass(order=True)
class _Pending:
    due: float
    order: int
    data: bytes = field(compare=False)


class PtyServer:
    """Runs a simulated device behind a pty until `stop()`. Use as a context manager."""

    def __init__(self, *, label: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._label = label  # "board", "printer": names the thread, the path and the log lines
        self._clock = clock
        self._lock = threading.RLock()
        self._dir = Path(tempfile.mkdtemp(prefix=f"maeum-{label}-"))
        self.path = str(self._dir / label)
        self._pty: _Pty | None = None
        self._outbox: list[_Pending] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._wake_r, self._wake_w = os.pipe()
        self._tasks: deque[tuple[Callable[[], None], threading.Event]] = deque()

    # --- hooks for the device (server thread, lock held) --------------------------------------

    def _receive(self, data: bytes, now: float) -> None:
        """The host wrote `data`."""

    def _advance(self, now: float) -> None:
        """Time passed: move motors, expire timers."""

    def _next_event_at(self) -> float | None:
        """When `_advance` next has something to do (None: nothing scheduled)."""
        return None

    def _on_start(self, now: float) -> None:
        """The server starts (the device powers up)."""

    def _on_plug(self) -> None:
        """A new pty is behind the path (drop half-received input)."""

    def _reading(self) -> bool:
        """False while the device does not take bytes (a stalled printer): the host's writes
        then fill the pty and block, as they do against a device holding its flow control."""
        return True

    # --- life cycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        """Plug the device in and power it up; returns self (the path is ready at once)."""
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("already started")
            self._plug()
            self._on_start(self._clock())
            self._thread = threading.Thread(
                target=self._run, name=f"{self._label}-sim", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread, close the pty and remove the symlink and its directory."""
        thread = self._thread
        with self._lock:
            self._stopping = True
        self._wake()
        if thread is not None:
            thread.join(timeout=5)
        self._thread = None
        with self._lock:
            self._unplug()
            wake_fds, self._wake_r, self._wake_w = (self._wake_r, self._wake_w), -1, -1
        for fd in wake_fds:
            if fd >= 0:  # a second stop() must not close a number someone else now owns
                os.close(fd)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def pty_name(self) -> str | None:
        """The pty the symlink points at now (None while unplugged)."""
        with self._lock:
            return self._pty.name if self._pty is not None else None

    @property
    def plugged(self) -> bool:
        with self._lock:
            return self._pty is not None

    def unplug(self) -> None:
        """Pull the cable: the pty closes (the host's reads fail) and the path disappears."""
        self._in_thread(self._unplug)

    def _in_thread(self, task: Callable[[], None]) -> None:
        """Run `task` on the server thread (with the lock held) and wait for it."""
        if self._thread is None or not self._thread.is_alive():
            with self._lock:
                task()
            return
        done = threading.Event()
        with self._lock:
            self._tasks.append((task, done))
        self._wake()
        if not done.wait(timeout=5):
            raise RuntimeError(f"{self._label} simulator thread did not respond")

    def _enqueue(self, due: float, data: bytes) -> None:
        """Put `data` on the wire at `due` (lost if the cable is pulled before)."""
        heapq.heappush(self._outbox, _Pending(due, next(self._order), data))
        self._wake()

    # --- the thread ----------------------------------------------------------------------------

    def _wake(self) -> None:
        if self._wake_w >= 0:
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"!")

    def _run(self) -> None:
        try:
            self._loop()
        except Exception:  # say so loudly: a silent dead device looks like a cable fault
            _log.exception("%s simulator thread crashed", self._label)
            raise

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    return
                self._run_tasks()
                now = self._clock()
                self._advance(now)
                due = self._take_due(now)
                master = self._pty.master if self._pty is not None else None
                reading = self._reading()
                timeout = self._next_wakeup(now)
            if due and master is not None:
                self._write(master, due)
            fds = [self._wake_r] if master is None or not reading else [self._wake_r, master]
            ready, _, _ = select.select(fds, [], [], timeout)
            if self._wake_r in ready:
                os.read(self._wake_r, 4096)
            if master is not None and master in ready:
                self._read(master)

    def _run_tasks(self) -> None:
        while self._tasks:
            task, done = self._tasks.popleft()
            try:
                task()
            finally:
                done.set()

    def _next_wakeup(self, now: float) -> float:
        times = [now + _IDLE_WAKEUP_S]
        if self._outbox:
            times.append(self._outbox[0].due)
        event = self._next_event_at()
        if event is not None:
            times.append(event)
        return max(0.0, min(times) - now)

    def _read(self, master: int) -> None:
        try:
            data = os.read(master, 65536)
        except OSError:
            return  # EIO while the pty is being torn down
        with self._lock:
            if self._pty is None or self._pty.master != master:
                return
            self._receive(data, self._clock())

    def _take_due(self, now: float) -> bytes:
        out = bytearray()
        while self._outbox and self._outbox[0].due <= now:
            out += heapq.heappop(self._outbox).data
        return bytes(out)

    def _write(self, master: int, data: bytes) -> None:
        # Nobody listening (pty full or torn down): a UART just loses the bytes.
        with contextlib.suppress(OSError):
            os.write(master, data)

    # --- the pty -------------------------------------------------------------------------------

    def _plug(self) -> None:
        if self._pty is not None:
            return
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line editing: bytes pass untouched
        os.set_blocking(master, False)
        self._pty = _Pty(master, slave, os.ttyname(slave))
        link = self._dir / f"{self._label}.new"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(self._pty.name)
        os.replace(link, self.path)
        self._on_plug()
        _log.info("%s simulator plugged in at %s -> %s", self._label, self.path, self._pty.name)

    def _unplug(self) -> None:
        pty, self._pty = self._pty, None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        if pty is None:
            return
        for fd in (pty.master, pty.slave):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._outbox.clear()  # bytes still "in the cable" are gone
        _log.info("%s simulator unplugged from %s", self._label, self.path)
