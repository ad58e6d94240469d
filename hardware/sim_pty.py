"""A simulated board on a pty: the wire around `SimulatedBoard`, in a background thread.

The host opens `server.path` like a real port. That path is a symlink in a private temp dir to
the current pty, so after `unplug()` (the pty closes, the symlink goes) and `replug()` (a new pty,
the same symlink) the driver finds the board again under the same name, just as it does with
`/dev/serial/by-id/...` after a USB replug.

Wire faults, all random draws from one seeded RNG so tests are repeatable:

- `corrupt_fraction`: share of the board's transmitted bytes that arrive garbled. Corruption
  comes in bursts that spoil a whole reply, as a starting motor does to a UART line; so it is
  also the share of replies lost to corruption, and the host resends. (Independent per-byte
  errors at 10 % would spoil 85 % of 18-byte HELLO replies: no host within the datasheet's 3
  resends survives that, and no real line is that bad without being bursty.)
- `drop_fraction`: share of replies never sent (the request was executed).
- `delay_s`: extra latency before every reply.
- power-up noise: up to `noise_bytes` random bytes within `noise_window_s` of every boot.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import random
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

from hardware.protocol import Cmd, Frame, FrameParser, encode
from hardware.sim_board import SimulatedBoard

_log = logging.getLogger(__name__)
_IDLE_WAKEUP_S = 0.05  # the loop wakes at least this often, even with nothing scheduled


@dataclass
class WireStats:
    requests: int = 0  # frames the board received
    replies: int = 0  # replies put on the wire
    reply_bytes: int = 0
    corrupted_bytes: int = 0  # reply bytes garbled by the corrupt knob
    dropped: int = 0  # replies not sent (drop knobs)
    corrupted: int = 0  # replies garbled (corrupt knob)
    lost_requests: int = 0  # requests the board never heard (lose_next_requests)
    noise_bytes: int = 0


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


class PtyBoardServer:
    """Runs a `SimulatedBoard` behind a pty until `stop()`. Use as a context manager."""

    def __init__(
        self,
        board: SimulatedBoard | None = None,
        *,
        seed: int = 0,
        corrupt_fraction: float = 0.0,
        drop_fraction: float = 0.0,
        delay_s: float = 0.0,
        response_s: float = 0.0005,
        noise_bytes: int = 64,
        noise_window_s: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.board = board if board is not None else SimulatedBoard(seed=seed)
        self.corrupt_fraction = corrupt_fraction
        self.drop_fraction = drop_fraction
        self.delay_s = delay_s
        self.response_s = response_s  # the board's own reaction time (datasheet: under 10 ms)
        self.noise_bytes = noise_bytes
        self.noise_window_s = noise_window_s
        self.stats = WireStats()
        self._clock = clock
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._dir = Path(tempfile.mkdtemp(prefix="maeum-board-"))
        self.path = str(self._dir / "board")
        self._pty: _Pty | None = None
        self._parser = FrameParser()
        self._outbox: list[_Pending] = []
        self._order = itertools.count()
        self._boots_seen = 0
        self._drop_next = 0
        self._drop_cmd: int | None = None
        self._lose_next = 0
        self._prefix = b""
        self._received: deque[Frame] = deque(maxlen=1000)
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._wake_r, self._wake_w = os.pipe()
        self._tasks: deque[tuple[Callable[[], None], threading.Event]] = deque()

    # --- life cycle ----------------------------------------------------------------------------

    def start(self) -> PtyBoardServer:
        """Plug the board in and power it up; returns self (the path is ready at once)."""
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("already started")
            self._plug()
            self.board.power_on(self._clock())
            self._thread = threading.Thread(target=self._run, name="board-sim", daemon=True)
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

    def __enter__(self) -> PtyBoardServer:
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

    # --- faults that happen "now" --------------------------------------------------------------

    def unplug(self) -> None:
        """Pull the cable: the pty closes (the host's reads fail) and the path disappears.
        The board keeps its power: a turning motor finishes its revolution."""
        self._in_thread(self._unplug)

    def replug(self, *, reboot: bool = False) -> None:
        """Plug the cable back in: a new pty behind the same path. `reboot=True` also
        power-cycles the board (a USB-powered board does that), which forgets its history."""

        def plug() -> None:
            self._plug()
            if reboot:
                self.board.power_on(self._clock())

        self._in_thread(plug)

    def reboot(self) -> None:
        """Power-cycle the board now (history, faults and duplicate memory are lost)."""
        self._in_thread(lambda: self.board.power_on(self._clock()))

    # --- knobs ---------------------------------------------------------------------------------

    def stall_slot(self, slot: int, jammed: bool = True) -> None:
        with self._lock:
            self.board.stall_slot(slot, jammed)

    def no_motor_slot(self, slot: int, missing: bool = True) -> None:
        with self._lock:
            self.board.no_motor_slot(slot, missing)

    def empty_slot(self, slot: int, empty: bool = True) -> None:
        with self._lock:
            self.board.empty_slot(slot, empty)

    def set_stock(self, slot: int, items: int | None) -> None:
        with self._lock:
            self.board.set_stock(slot, items)

    @property
    def revolution_s(self) -> float:
        return self.board.revolution_s

    @revolution_s.setter
    def revolution_s(self, seconds: float) -> None:
        with self._lock:
            self.board.revolution_s = seconds

    @property
    def on_revolution(self) -> Callable[[int], None] | None:
        return self.board.on_revolution

    @on_revolution.setter
    def on_revolution(self, hook: Callable[[int], None] | None) -> None:
        with self._lock:
            self.board.on_revolution = hook

    def drop_next_replies(self, count: int, cmd: Cmd | None = None) -> None:
        """Do not send the next `count` replies (to `cmd` only, if given); they still execute."""
        with self._lock:
            self._drop_next, self._drop_cmd = count, (None if cmd is None else int(cmd))

    def prefix_next_reply(self, noise: bytes) -> None:
        """Put `noise` on the wire just before the next reply (line noise on demand)."""
        with self._lock:
            self._prefix = noise

    def lose_next_requests(self, count: int) -> None:
        """The board never hears the next `count` request frames (garbled on the way in)."""
        with self._lock:
            self._lose_next = count

    # --- what happened -------------------------------------------------------------------------

    @property
    def revolutions(self) -> dict[int, int]:
        """Completed motor revolutions per vend_id, since the server was created."""
        with self._lock:
            return dict(self.board.revolutions)

    @property
    def motor_starts(self) -> dict[int, int]:
        with self._lock:
            return dict(self.board.motor_starts)

    @property
    def received(self) -> list[Frame]:
        """Request frames the board received (the last 1000), oldest first."""
        with self._lock:
            return list(self._received)

    # --- the thread ----------------------------------------------------------------------------

    def _in_thread(self, task: Callable[[], None]) -> None:
        # fds are only opened and closed by the server thread, never under its select().
        if self._thread is None or not self._thread.is_alive():
            with self._lock:
                task()
            return
        done = threading.Event()
        with self._lock:
            self._tasks.append((task, done))
        self._wake()
        if not done.wait(timeout=5):
            raise RuntimeError("board simulator thread did not respond")

    def _wake(self) -> None:
        if self._wake_w >= 0:
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"!")

    def _run(self) -> None:
        try:
            self._loop()
        except Exception:  # say so loudly: a silent dead board looks like a cable fault
            _log.exception("board simulator thread crashed")
            raise

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    return
                self._run_tasks()
                now = self._clock()
                self.board.advance(now)
                self._schedule_boot_noise(now)
                due = self._take_due(now)
                master = self._pty.master if self._pty is not None else None
                timeout = self._next_wakeup(now)
            if due and master is not None:
                self._write(master, due)
            fds = [self._wake_r] if master is None else [self._wake_r, master]
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
        event = self.board.next_event_at()
        if event is not None:
            times.append(event)
        if self._parser.expires_at is not None:
            times.append(self._parser.expires_at)
        return max(0.0, min(times) - now)

    def _read(self, master: int) -> None:
        try:
            data = os.read(master, 4096)
        except OSError:
            return  # EIO while the pty is being torn down
        with self._lock:
            if self._pty is None or self._pty.master != master:
                return
            self._receive(data, self._clock())

    def _receive(self, data: bytes, now: float) -> None:
        for request in self._parser.feed(data, now):
            self.stats.requests += 1
            if self._lose_next > 0:
                self._lose_next -= 1
                self.stats.lost_requests += 1
                continue
            self._received.append(request)
            reply = self.board.handle(request, now)
            if reply is not None:
                self._send_reply(request, reply, now)

    def _send_reply(self, request: Frame, reply: Frame, now: float) -> None:
        if self._should_drop(request):
            self.stats.dropped += 1
            return
        raw = encode(reply)
        if self.corrupt_fraction and self._rng.random() < self.corrupt_fraction:
            raw = bytes(b ^ self._rng.randint(1, 255) for b in raw)
            self.stats.corrupted += 1
            self.stats.corrupted_bytes += len(raw)
        self.stats.replies += 1
        self.stats.reply_bytes += len(raw)
        raw, self._prefix = self._prefix + raw, b""
        self._enqueue(now + self.response_s + self.delay_s, raw)

    def _should_drop(self, request: Frame) -> bool:
        if self._drop_next > 0 and self._drop_cmd in (None, request.cmd):
            self._drop_next -= 1
            return True
        return bool(self.drop_fraction) and self._rng.random() < self.drop_fraction

    def _schedule_boot_noise(self, now: float) -> None:
        if self.board.boots == self._boots_seen:
            return
        self._boots_seen = self.board.boots
        self._parser.reset()
        count = self._rng.randint(0, self.noise_bytes)
        for _ in range(count):
            at = now + self._rng.uniform(0.0, self.noise_window_s)
            self._enqueue(at, bytes((self._rng.randint(0, 255),)))
        self.stats.noise_bytes += count

    def _enqueue(self, due: float, data: bytes) -> None:
        heapq.heappush(self._outbox, _Pending(due, next(self._order), data))

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
        link = self._dir / "board.new"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(self._pty.name)
        os.replace(link, self.path)
        self._parser.reset()
        _log.info("board simulator plugged in at %s -> %s", self.path, self._pty.name)

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
        _log.info("board simulator unplugged from %s", self.path)
