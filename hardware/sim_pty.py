"""A simulated board on a pty: the wire around `SimulatedBoard`, in a background thread.

The pty, its stable path and unplug/replug are `hardware.pty_server.PtyServer`'s; this module
adds the board's wire faults.

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

import logging
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from hardware.protocol import Cmd, Frame, FrameParser, encode
from hardware.pty_server import PtyServer
from hardware.sim_board import SimulatedBoard

_log = logging.getLogger(__name__)


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


class PtyBoardServer(PtyServer):
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
        super().__init__(label="board", clock=clock)
        self.board = board if board is not None else SimulatedBoard(seed=seed)
        self.corrupt_fraction = corrupt_fraction
        self.drop_fraction = drop_fraction
        self.delay_s = delay_s
        self.response_s = response_s  # the board's own reaction time (datasheet: under 10 ms)
        self.noise_bytes = noise_bytes
        self.noise_window_s = noise_window_s
        self.stats = WireStats()
        self._rng = random.Random(seed)
        self._parser = FrameParser()
        self._boots_seen = 0
        self._drop_next = 0
        self._drop_cmd: int | None = None
        self._lose_next = 0
        self._prefix = b""
        self._received: deque[Frame] = deque(maxlen=1000)

    # --- the board's side of the server --------------------------------------------------------

    def _on_start(self, now: float) -> None:
        self.board.power_on(now)

    def _on_plug(self) -> None:
        self._parser.reset()

    def _advance(self, now: float) -> None:
        self.board.advance(now)
        self._schedule_boot_noise(now)

    def _next_event_at(self) -> float | None:
        times = [t for t in (self.board.next_event_at(), self._parser.expires_at) if t is not None]
        return min(times) if times else None

    # --- faults that happen "now" --------------------------------------------------------------

    def unplug(self) -> None:
        """Pull the cable: the pty closes (the host's reads fail) and the path disappears.
        The board keeps its power: a turning motor finishes its revolution."""
        super().unplug()

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

    # --- the wire ----------------------------------------------------------------------------

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
