"""MDP/1, the dispenser board's serial protocol: frames, CRC, payloads and a resynchronising parser.

Pure code: bytes in, frames out, time passed in. No I/O, so the driver (`hardware.board`), the
simulator (`hardware.simulator`) and the tests all share exactly one codec.

A frame on the wire (see docs/protocol.md and the board's datasheet)::

    SOF 0xA5 | LEN 0..32 | SEQ | CMD | PAYLOAD (LEN bytes) | CRC hi | CRC lo

CRC-16/CCITT-FALSE over LEN SEQ CMD PAYLOAD. Multi-byte integers are big-endian.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import TypeVar

from hardware.errors import BoardProtocolError

SOF = 0xA5
MAX_PAYLOAD = 32
OVERHEAD = 6  # SOF, LEN, SEQ, CMD and two CRC bytes
MAX_FRAME = MAX_PAYLOAD + OVERHEAD
PARTIAL_FRAME_TIMEOUT_S = 0.020  # a partial frame is dropped after this long with no byte
REPLY_FLAG = 0x80
PROTOCOL_VERSION = 1
BOARD_ID_LEN = 8

_E = TypeVar("_E", bound=enum.IntEnum)


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return tuple(table)


_CRC_TABLE = _crc_table()  # immutable: computed once, never changed


def crc16_ccitt_false(data: bytes | bytearray) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, init 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[(crc >> 8) ^ byte]
    return crc


class Cmd(enum.IntEnum):
    """Request commands. A reply carries `cmd | 0x80`; a refusal carries `REFUSED`."""

    HELLO = 0x01
    STATUS = 0x02
    VEND = 0x10
    VEND_RESULT = 0x11
    SENSORS = 0x21
    RESET = 0x7E

    @property
    def reply(self) -> int:
        return self.value | REPLY_FLAG


REFUSED = 0xFF  # reply CMD of a refused request; payload [request CMD, ErrorCode]


class VendCode(enum.IntEnum):
    """The board's answer to VEND (reply 0x90)."""

    ACCEPTED = 0x00  # motor started
    DUPLICATE = 0x01  # vend_id already in the history: nothing done, ask VEND_RESULT
    BUSY = 0x02  # another vend is running
    BAD_SLOT = 0x03
    SLOT_FAULTED = 0x04  # that slot's motor failed earlier; cleared by RESET


class VendResultCode(enum.IntEnum):
    """The board's answer to VEND_RESULT (reply 0x91)."""

    RUNNING = 0x00
    DONE = 0x01  # one revolution completed (the board cannot know whether anything fell)
    MOTOR_STALL = 0x02  # home switch not reached in 4 s; slot marked faulted
    NO_MOTOR = 0x03  # open circuit at start; slot marked faulted
    UNKNOWN = 0x04  # not in the board's history of 16 vends

    @property
    def final(self) -> bool:
        """True once the vend is over (or the board cannot tell any more)."""
        return self is not VendResultCode.RUNNING


class ErrorCode(enum.IntEnum):
    """Why the board refused a request (reply 0xFF)."""

    UNKNOWN_CMD = 0x01
    BAD_LENGTH = 0x02
    BAD_ARGUMENT = 0x03


class BoardState(enum.IntEnum):
    IDLE = 0
    VENDING = 1
    FAULT = 2


class FrameError(ValueError):
    """Bytes that are not exactly one valid MDP/1 frame."""


@dataclass(frozen=True)
class Frame:
    """One MDP/1 frame, request or reply."""

    seq: int
    cmd: int
    payload: bytes = b""

    def __post_init__(self) -> None:
        if not 0 <= self.seq <= 0xFF or not 0 <= self.cmd <= 0xFF:
            raise FrameError(f"seq {self.seq} and cmd {self.cmd} must be bytes")
        if len(self.payload) > MAX_PAYLOAD:
            raise FrameError(f"payload of {len(self.payload)} bytes exceeds {MAX_PAYLOAD}")


def encode(frame: Frame) -> bytes:
    """The frame's bytes on the wire."""
    body = bytes((len(frame.payload), frame.seq, frame.cmd)) + frame.payload
    return bytes((SOF,)) + body + crc16_ccitt_false(body).to_bytes(2, "big")


def decode(data: bytes) -> Frame:
    """Exactly one frame from `data`; raises FrameError naming what is wrong."""
    if len(data) < OVERHEAD or data[0] != SOF:
        raise FrameError("too short or no SOF")
    length = data[1]
    if length > MAX_PAYLOAD:
        raise FrameError(f"LEN {length} exceeds {MAX_PAYLOAD}")
    if len(data) != length + OVERHEAD:
        raise FrameError(f"LEN {length} needs {length + OVERHEAD} bytes, got {len(data)}")
    if crc16_ccitt_false(data[1:-2]) != int.from_bytes(data[-2:], "big"):
        raise FrameError("CRC mismatch")
    return Frame(seq=data[2], cmd=data[3], payload=bytes(data[4:-2]))


@dataclass
class ParserStats:
    """What the parser threw away; a noisy line shows up here first."""

    frames: int = 0
    bad_length: int = 0
    bad_crc: int = 0
    timeouts: int = 0  # partial frames dropped after 20 ms of silence
    skipped: int = 0  # bytes skipped while looking for SOF


class FrameParser:
    """Turns a byte stream into frames, resynchronising as the datasheet says.

    Bytes before an SOF (0xA5) are skipped. On LEN > 32 or a CRC mismatch only that SOF byte is
    dropped and the search restarts at the next byte, so a good frame that begins inside a damaged
    one is still found. A partial frame is dropped once 20 ms pass with no byte; "dropped" uses
    the same SOF-only rule, so a complete good frame hidden behind a false SOF and a large LEN
    still comes out, 20 ms late, instead of being thrown away with it.

    Time is passed in (`now`, seconds on a monotonic clock). Call `feed(b"", now)` to let the
    20 ms rule act when no byte arrives; `expires_at` says when that is due.
    """

    def __init__(self, partial_timeout_s: float = PARTIAL_FRAME_TIMEOUT_S) -> None:
        self._buf = bytearray()
        self._last_byte_at: float | None = None
        self._partial_timeout_s = partial_timeout_s
        self.stats = ParserStats()

    @property
    def buffered(self) -> int:
        """Bytes held as the start of a partial frame (never more than MAX_FRAME - 1)."""
        return len(self._buf)

    @property
    def expires_at(self) -> float | None:
        """When the partial frame held now will be dropped, or None if nothing is held."""
        if not self._buf or self._last_byte_at is None:
            return None
        return self._last_byte_at + self._partial_timeout_s

    def reset(self) -> None:
        """Forget any partial frame (the statistics are kept)."""
        self._buf.clear()
        self._last_byte_at = None

    def feed(self, data: bytes, now: float) -> list[Frame]:
        """Add the bytes received at `now`; return every frame completed, oldest first."""
        frames: list[Frame] = []
        expiry = self.expires_at
        if expiry is not None and now >= expiry:
            frames += self._drop_partial()
        if data:
            self._buf += data
            self._last_byte_at = now
            frames += self._extract()
        return frames

    def _drop_partial(self) -> list[Frame]:
        # Every byte held is stale: drop SOFs one by one, keeping any complete frame inside.
        self.stats.timeouts += 1
        frames: list[Frame] = []
        while self._buf:
            del self._buf[0]
            frames += self._extract()
        return frames

    def _extract(self) -> list[Frame]:
        frames: list[Frame] = []
        while True:
            start = self._buf.find(SOF)
            if start < 0:
                self.stats.skipped += len(self._buf)
                self._buf.clear()
                return frames
            self.stats.skipped += start
            del self._buf[:start]
            if len(self._buf) < 2:
                return frames
            length = self._buf[1]
            if length > MAX_PAYLOAD:
                self.stats.bad_length += 1
                del self._buf[0]
                continue
            size = length + OVERHEAD
            if len(self._buf) < size:
                return frames
            if crc16_ccitt_false(self._buf[1 : size - 2]) != int.from_bytes(
                self._buf[size - 2 : size], "big"
            ):
                self.stats.bad_crc += 1
                del self._buf[0]
                continue
            frames.append(Frame(self._buf[2], self._buf[3], bytes(self._buf[4 : size - 2])))
            self.stats.frames += 1
            del self._buf[:size]


# --- payloads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardInfo:
    """The HELLO reply."""

    proto: int
    slots: int
    fw_major: int
    fw_minor: int
    board_id: str

    def pack(self) -> bytes:
        ident = self.board_id.encode("ascii", "replace")[:BOARD_ID_LEN].ljust(BOARD_ID_LEN)
        return bytes((self.proto, self.slots, self.fw_major, self.fw_minor)) + ident

    @classmethod
    def unpack(cls, payload: bytes) -> BoardInfo:
        _expect_length("HELLO", payload, 4 + BOARD_ID_LEN)
        ident = payload[4:].decode("ascii", "replace")
        return cls(payload[0], payload[1], payload[2], payload[3], ident)


_STATUS = struct.Struct(">BHHI")
_SENSORS = struct.Struct(">HHH")
_VEND_REQUEST = struct.Struct(">HB")
_VEND_REPLY = struct.Struct(">HB")


@dataclass(frozen=True)
class BoardStatus:
    """The STATUS reply."""

    state: BoardState
    active_vend_id: int  # 0 = none
    fault_mask: int  # bit i-1 = slot i
    uptime_s: int

    def pack(self) -> bytes:
        return _STATUS.pack(self.state, self.active_vend_id, self.fault_mask, self.uptime_s)

    @classmethod
    def unpack(cls, payload: bytes) -> BoardStatus:
        _expect_length("STATUS", payload, _STATUS.size)
        state, vend_id, faults, uptime = _STATUS.unpack(payload)
        return cls(_enum(BoardState, state, "STATUS state"), vend_id, faults, uptime)


@dataclass(frozen=True)
class Sensors:
    """The SENSORS reply."""

    home_mask: int  # bit i-1 = slot i's home switch closed
    motor_ma: int  # current of the running motor, 0 when idle
    supply_mv: int  # motor supply, 11 000-13 000 mV is healthy

    def pack(self) -> bytes:
        return _SENSORS.pack(self.home_mask, self.motor_ma, self.supply_mv)

    @classmethod
    def unpack(cls, payload: bytes) -> Sensors:
        _expect_length("SENSORS", payload, _SENSORS.size)
        return cls(*_SENSORS.unpack(payload))


def vend_request(vend_id: int, slot: int) -> bytes:
    return _VEND_REQUEST.pack(vend_id, slot)


def vend_result_request(vend_id: int) -> bytes:
    return vend_id.to_bytes(2, "big")


def vend_reply(vend_id: int, code: int) -> bytes:
    """Payload of a VEND (0x90) or VEND_RESULT (0x91) reply."""
    return _VEND_REPLY.pack(vend_id, code)


def unpack_vend_code(payload: bytes, vend_id: int) -> VendCode:
    return _enum(VendCode, _unpack_vend_reply("VEND", payload, vend_id), "VEND code")


def unpack_vend_result(payload: bytes, vend_id: int) -> VendResultCode:
    code = _unpack_vend_reply("VEND_RESULT", payload, vend_id)
    return _enum(VendResultCode, code, "VEND_RESULT code")


def _unpack_vend_reply(what: str, payload: bytes, vend_id: int) -> int:
    _expect_length(what, payload, _VEND_REPLY.size)
    got_id, code = _VEND_REPLY.unpack(payload)
    if got_id != vend_id:
        raise BoardProtocolError(f"{what} reply is about vend_id {got_id}, not {vend_id}")
    return int(code)


def _expect_length(what: str, payload: bytes, size: int) -> None:
    if len(payload) != size:
        raise BoardProtocolError(f"{what} reply has {len(payload)} payload bytes, not {size}")


def _enum(kind: type[_E], value: int, what: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        raise BoardProtocolError(f"{what} 0x{value:02X} is not in MDP/1") from None
