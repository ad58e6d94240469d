"""The dispenser board driver: MDP/1 over a serial port.

Wiring: the board's UART goes to the Pi's GPIO14 (TXD) and GPIO15 (RXD) at 3.3 V TTL: that is
`/dev/ttyAMA0` on a Pi 4 (with `dtoverlay=disable-bt`) and on a Pi 5 (with `dtparam=uart0=on`).
Not `/dev/serial0`: on a Pi 5 that names the debug connector (`ttyAMA10`). Or the board is
plugged in by USB (USB-CDC) and appears as `/dev/ttyACM*`: then use a stable name
(`/dev/serial/by-id/...`, or the installer's `/dev/maeum-board`) so a replug finds it again.
115200 baud, 8N1, no flow control. Any pyserial URL works: `loop://` (nothing ever answers, so
the board is unreachable), `spy:///dev/ttyACM0?file=trace.txt` (logs the traffic), or the pty
that `python main.py board-sim` prints.

What this driver does for the host (docs/protocol.md explains why):

- HELLO on `open()`; any protocol version but 1 is refused with `BoardProtocolError`.
- A new SEQ for every request, the identical frame (same SEQ) for a resend; 50 ms for a reply,
  up to 3 resends, then `BoardUnreachable`. A refusal (CMD 0xFF) raises `BoardRefused`.
- `vend()` runs one vend: VEND, then VEND_RESULT every `poll_s` until a final result or the
  deadline. DUPLICATE is answered by asking VEND_RESULT (or refused, for a caller whose journal
  just handed the id out), BUSY is waited out, and a VEND whose replies were all lost is
  followed by VEND_RESULT, never by a second VEND.
- A vanished port (USB unplugged) raises `BoardDisconnected` and closes it; `reconnect()` waits
  for the path to come back, reopens it and says HELLO again.

One caller at a time: every exchange holds a lock, so a second thread waits its turn.
"""

from __future__ import annotations

import contextlib
import logging
import os
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import NoReturn, Protocol, cast

import serial

from hardware.errors import (
    BoardDisconnected,
    BoardError,
    BoardProtocolError,
    BoardRefused,
    BoardUnreachable,
    VendRefused,
)
from hardware.protocol import (
    PROTOCOL_VERSION,
    REFUSED,
    BoardInfo,
    BoardStatus,
    Cmd,
    Frame,
    FrameParser,
    Sensors,
    VendCode,
    VendResultCode,
    encode,
    unpack_vend_code,
    unpack_vend_result,
    vend_request,
    vend_result_request,
)

__all__ = ["BAUDRATE", "Board", "BoardInfo", "BoardStatus", "LinkStats", "Sensors"]

BAUDRATE = 115200
READY_TIMEOUT_S = 1.5  # power-on or RESET to ready, per the datasheet
MAX_SLOTS = 16
_IO_ERRORS = (serial.SerialException, OSError, termios.error)

_log = logging.getLogger(__name__)


class SerialPort(Protocol):
    """The part of a pyserial port this driver uses (every `serial_for_url` port has it)."""

    timeout: float | None

    @property
    def in_waiting(self) -> int: ...

    def write(self, data: bytes, /) -> int | None: ...

    def read(self, size: int = 1, /) -> bytes: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


@dataclass
class LinkStats:
    """Counts for the technician: a rising resend count means a noisy cable."""

    requests: int = 0
    resends: int = 0
    unanswered: int = 0  # requests that got no valid reply after every resend
    refused: int = 0
    disconnects: int = 0
    reconnects: int = 0


class Board:
    """The dispenser board behind `url` (a device path or any pyserial URL)."""

    def __init__(
        self,
        url: str,
        *,
        reply_timeout: float = 0.05,
        resends: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        baudrate: int = BAUDRATE,
        reconnect_poll_s: float = 0.1,
    ) -> None:
        self.url = url
        self.reply_timeout = reply_timeout
        self.resends = resends
        self.baudrate = baudrate
        self.reconnect_poll_s = reconnect_poll_s
        self._clock = clock
        self._sleep = sleep
        self._port: SerialPort | None = None
        self._parser = FrameParser()
        self._seq = 0
        self._lock = threading.RLock()
        self.info: BoardInfo | None = None  # from the last HELLO
        self.stats = LinkStats()

    # --- port ----------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def open(self) -> BoardInfo:
        """Open the port and say HELLO. Raises BoardDisconnected, BoardUnreachable or
        BoardProtocolError (a protocol version other than 1); the port is closed again then."""
        with self._lock:
            self._close_port()
            self._port = self._open_port()
            try:
                return self.hello()
            except BoardError:
                self._close_port()
                raise

    def close(self) -> None:
        with self._lock:
            self._close_port()

    def __enter__(self) -> Board:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def reconnect(self, timeout_s: float) -> BoardInfo:
        """Close the port, wait up to `timeout_s` for its path to come back, reopen, HELLO.

        Raises BoardDisconnected if the port never came back, BoardUnreachable if it did but
        the board stayed silent, BoardProtocolError if what answered is not MDP/1.
        """
        with self._lock:
            self._close_port()
            self.stats.reconnects += 1
            end = self._clock() + timeout_s
            last: BoardUnreachable | None = None
            while True:
                if self._path_present():
                    try:
                        return self.open()
                    except BoardUnreachable as exc:  # still booting, or the path just flickered
                        last = exc
                if self._clock() >= end:
                    if last is None or isinstance(last, BoardDisconnected):
                        raise BoardDisconnected(
                            f"{self.url}: port did not come back within {timeout_s:g} s"
                        ) from last
                    raise BoardUnreachable(
                        f"{self.url}: port is back but the board did not answer HELLO"
                        f" within {timeout_s:g} s"
                    ) from last
                self._sleep(self.reconnect_poll_s)

    def _path_present(self) -> bool:
        # A URL (loop://, spy://…) cannot be checked without opening it: just try.
        return "://" in self.url or os.path.exists(self.url)

    def _open_port(self) -> SerialPort:
        try:
            port = serial.serial_for_url(
                self.url, baudrate=self.baudrate, timeout=self.reply_timeout, write_timeout=1.0
            )
            return cast(SerialPort, port)
        except (*_IO_ERRORS, ValueError) as exc:
            raise BoardDisconnected(f"cannot open {self.url}: {exc}") from exc

    def _close_port(self) -> None:
        port, self._port = self._port, None
        self._parser.reset()
        if port is not None:
            # The device may already be gone; closing is all we wanted.
            with contextlib.suppress(*_IO_ERRORS):
                port.close()

    def _port_lost(self, exc: BaseException) -> NoReturn:
        self._close_port()
        self.info = None
        self.stats.disconnects += 1
        _log.warning("board port %s lost: %s", self.url, exc)
        raise BoardDisconnected(f"{self.url}: serial port lost ({exc})") from exc

    # --- commands ------------------------------------------------------------------------------

    def hello(self) -> BoardInfo:
        info = BoardInfo.unpack(self._request(Cmd.HELLO).payload)
        if info.proto != PROTOCOL_VERSION:
            raise BoardProtocolError(
                f"board speaks MDP/{info.proto}; this driver implements MDP/{PROTOCOL_VERSION}"
            )
        if not 1 <= info.slots <= MAX_SLOTS:
            raise BoardProtocolError(f"board reports {info.slots} slots (1..{MAX_SLOTS})")
        self.info = info
        _log.info(
            "board %s on %s: %d slots, firmware %d.%d",
            info.board_id,
            self.url,
            info.slots,
            info.fw_major,
            info.fw_minor,
        )
        return info

    def status(self) -> BoardStatus:
        return BoardStatus.unpack(self._request(Cmd.STATUS).payload)

    def sensors(self) -> Sensors:
        return Sensors.unpack(self._request(Cmd.SENSORS).payload)

    def start_vend(self, vend_id: int, slot: int) -> VendCode:
        """Send one VEND and return the board's code as it is (no waiting, no retrying)."""
        _check_vend_id(vend_id)
        if not 0 <= slot <= 0xFF:
            raise ValueError(f"slot {slot} is not a byte")
        reply = self._request(Cmd.VEND, vend_request(vend_id, slot))
        return unpack_vend_code(reply.payload, vend_id)

    def vend_result(self, vend_id: int) -> VendResultCode:
        _check_vend_id(vend_id)
        reply = self._request(Cmd.VEND_RESULT, vend_result_request(vend_id))
        return unpack_vend_result(reply.payload, vend_id)

    def reset(self) -> BoardInfo:
        """RESET the board (clears faults, history and duplicate memory) and wait until it is
        ready again (HELLO answered, at most 1.5 s per the datasheet)."""
        with self._lock:
            try:
                self._request(Cmd.RESET)
            except BoardDisconnected:
                raise
            except BoardUnreachable:
                # The board may have taken the RESET and rebooted before our resends arrived.
                _log.warning("RESET was not acknowledged; waiting for the board anyway")
            return self._wait_ready(READY_TIMEOUT_S + 4 * self.reply_timeout)

    def _wait_ready(self, timeout_s: float) -> BoardInfo:
        end = self._clock() + timeout_s
        while True:
            try:
                return self.hello()
            except BoardDisconnected:
                raise
            except BoardUnreachable:
                if self._clock() >= end:
                    raise
            self._sleep(self.reply_timeout)

    # --- one vend ------------------------------------------------------------------------------

    def vend(
        self,
        vend_id: int,
        slot: int,
        *,
        deadline_s: float = 10.0,
        poll_s: float = 0.1,
        fresh_id: bool = False,
        on_poll: Callable[[], None] | None = None,
    ) -> VendResultCode:
        """Turn `slot` once for `vend_id` and return how it ended.

        Returns DONE, MOTOR_STALL or NO_MOTOR; UNKNOWN when the board does not know the vend_id
        (it rebooted, or never got a VEND whose replies were all lost): record that as
        unverified and never send VEND for it again; RUNNING only when the deadline passed with
        the motor still turning. Raises VendRefused (BUSY past the deadline, BAD_SLOT,
        SLOT_FAULTED: the motor was not started), BoardUnreachable when no VEND_RESULT was
        answered before the deadline, BoardDisconnected when the port vanished.

        DUPLICATE (the board has `vend_id` in its history) is answered from that history, unless
        `fresh_id`: the caller's journal has just handed the id out, so the board remembers it
        from before (a journal newer than the board's power-up), nothing turned now, and
        VendRefused(DUPLICATE) is raised instead of reporting the old vend's result as this
        one's. `on_poll` is called before each VEND_RESULT, the first time right after VEND (the
        technician's test samples the motor current there).
        """
        deadline = self._clock() + deadline_s
        try:
            code = self._start_waiting_out_busy(vend_id, slot, deadline, poll_s)
        except BoardDisconnected:
            raise
        except BoardUnreachable:
            # Every reply to VEND was lost, so the motor may be turning: only VEND_RESULT knows.
            _log.warning("vend %d: VEND unanswered; asking VEND_RESULT", vend_id)
            return self._poll_result(vend_id, deadline, poll_s, on_poll)
        if code is VendCode.ACCEPTED or (code is VendCode.DUPLICATE and not fresh_id):
            return self._poll_result(vend_id, deadline, poll_s, on_poll)
        raise VendRefused(vend_id, slot, code)

    def wait_result(
        self, vend_id: int, *, deadline_s: float = 10.0, poll_s: float = 0.1
    ) -> VendResultCode:
        """Poll VEND_RESULT until a final result or the deadline; never sends VEND.

        For a vend whose outcome was not learned (the port went away mid-vend, the host
        restarted): returns as `vend()` does, and UNKNOWN means "record it as unverified".
        """
        return self._poll_result(vend_id, self._clock() + deadline_s, poll_s)

    def _start_waiting_out_busy(
        self, vend_id: int, slot: int, deadline: float, poll_s: float
    ) -> VendCode:
        while True:
            code = self.start_vend(vend_id, slot)
            if code is not VendCode.BUSY or self._clock() + poll_s > deadline:
                return code
            self._sleep(poll_s)

    def _poll_result(
        self,
        vend_id: int,
        deadline: float,
        poll_s: float,
        on_poll: Callable[[], None] | None = None,
    ) -> VendResultCode:
        running: VendResultCode | None = None
        error: BoardUnreachable | None = None
        while True:
            if on_poll is not None:
                on_poll()  # before asking: the first time, right after VEND, the motor surely runs
            try:
                result = self.vend_result(vend_id)
            except BoardDisconnected:
                raise
            except BoardUnreachable as exc:
                error = exc  # a bad moment on the line; the motor does not care: ask again
            else:
                if result.final:
                    return result
                running = result
            now = self._clock()
            if now >= deadline:
                if running is None:
                    raise BoardUnreachable(
                        f"vend {vend_id}: no VEND_RESULT answered before the deadline"
                    ) from error
                return running
            self._sleep(min(poll_s, deadline - now))

    # --- one exchange --------------------------------------------------------------------------

    def transact(self, cmd: int, payload: bytes = b"") -> Frame:
        """One raw request/reply exchange (new SEQ, resends, refusals raised): for diagnostics
        and tests. Returns the reply frame as it came."""
        return self._request(cmd, payload)

    def _request(self, cmd: int, payload: bytes = b"") -> Frame:
        with self._lock:
            port = self._port
            if port is None:
                raise BoardDisconnected(f"{self.url}: port is not open")
            self._seq = (self._seq + 1) & 0xFF
            request = Frame(self._seq, cmd, payload)
            raw = encode(request)
            self.stats.requests += 1
            self._discard_stale_input(port)
            for attempt in range(self.resends + 1):
                if attempt:
                    self.stats.resends += 1
                    _log.debug("resend %d of CMD 0x%02X SEQ %d", attempt, cmd, request.seq)
                reply = self._attempt(port, raw, request)
                if reply is not None:
                    return self._accept(request, reply)
            self.stats.unanswered += 1
            raise BoardUnreachable(
                f"no reply to {_name(cmd)} (SEQ {request.seq}) after {self.resends} resends"
            )

    def _accept(self, request: Frame, reply: Frame) -> Frame:
        if reply.cmd != REFUSED:
            return reply
        self.stats.refused += 1
        if len(reply.payload) != 2:
            raise BoardProtocolError(f"refusal with {len(reply.payload)} payload bytes, not 2")
        raise BoardRefused(reply.payload[0], reply.payload[1])

    def _discard_stale_input(self, port: SerialPort) -> None:
        # Late replies to earlier requests must not be read as the answer to this one.
        try:
            port.reset_input_buffer()
        except _IO_ERRORS as exc:
            self._port_lost(exc)
        self._parser.reset()

    def _attempt(self, port: SerialPort, raw: bytes, request: Frame) -> Frame | None:
        """Send `raw` once and wait `reply_timeout` for the reply to it."""
        try:
            port.write(raw)
        except _IO_ERRORS as exc:
            self._port_lost(exc)
        deadline = self._clock() + self.reply_timeout
        silent = 0.0  # real time spent in empty reads: ends the wait even if `clock` is frozen
        while True:
            now = self._clock()
            remaining = min(deadline - now, self.reply_timeout - silent)
            if remaining <= 0:
                return None
            wait = remaining
            expires = self._parser.expires_at
            if expires is not None:  # wake up in time to apply the 20 ms partial-frame rule
                wait = max(min(wait, expires - now), 0.001)
            data = self._read(port, wait)
            if not data:
                silent += wait
            for frame in self._parser.feed(data, self._clock()):
                if _answers(request, frame):
                    return frame
                _log.debug("ignoring frame SEQ %d CMD 0x%02X", frame.seq, frame.cmd)

    def _read(self, port: SerialPort, timeout: float) -> bytes:
        try:
            port.timeout = timeout
            data = port.read(1)
            waiting = port.in_waiting if data else 0
            return data + port.read(waiting) if waiting else data
        except _IO_ERRORS as exc:
            self._port_lost(exc)


def _answers(request: Frame, frame: Frame) -> bool:
    if frame.seq != request.seq:
        return False
    if frame.cmd == REFUSED:
        return frame.payload[:1] == bytes((request.cmd,))
    return frame.cmd == request.cmd | 0x80


def _name(cmd: int) -> str:
    try:
        return Cmd(cmd).name
    except ValueError:
        return f"CMD 0x{cmd:02X}"


def _check_vend_id(vend_id: int) -> None:
    if not 1 <= vend_id <= 0xFFFF:
        raise ValueError(f"vend_id {vend_id} is not 1..65535")
