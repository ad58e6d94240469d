"""Reading an ESC/POS byte stream back into commands (pure): the simulator's ears.

`EscPosDecoder.feed(bytes)` returns the commands completed by those bytes; a command split
over several reads is held until its last byte comes. Only the subset the driver sends is
understood (hardware.printer.commands); any other byte is reported as `Unknown`, one byte at a
time, so a stray byte never swallows the commands after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware.printer.raster import Raster

MAX_ROW_BYTES = 256  # wider than any receipt printer (80 mm = 72 bytes)
MAX_ROWS = 4096  # one GS v 0; the driver sends 256, python-escpos 960


@dataclass(frozen=True)
class Init:
    pass


@dataclass(frozen=True)
class RasterImage:
    raster: Raster
    mode: int  # 0 normal, 1 double width, 2 double height, 3 both


@dataclass(frozen=True)
class Feed:
    lines: int


@dataclass(frozen=True)
class Cut:
    mode: int  # 0/48 full, 1/49 partial, 65/66 feed then cut


@dataclass(frozen=True)
class StatusQuery:
    n: int


@dataclass(frozen=True)
class Unknown:
    byte: int


@dataclass(frozen=True)
class Padding:
    """NUL bytes between commands: ignored by the printer (the driver's filler after a job
    was cut off ends in them)."""

    count: int


Command = Init | RasterImage | Feed | Cut | StatusQuery | Unknown | Padding
_WAIT = None  # a command has begun but its bytes are not all here yet


class EscPosDecoder:
    def __init__(self) -> None:
        self._buffer = bytearray()

    @property
    def pending(self) -> int:
        """Bytes held for a command not yet complete."""
        return len(self._buffer)

    def reset(self) -> None:
        self._buffer.clear()

    def feed(self, data: bytes) -> list[Command]:
        self._buffer += data
        out: list[Command] = []
        pos = 0
        while pos < len(self._buffer):
            step = self._command(pos)
            if step is _WAIT:
                break
            command, length = step
            out.append(command)
            pos += length
        del self._buffer[:pos]
        return out

    def _command(self, pos: int) -> tuple[Command, int] | None:
        buf = self._buffer
        first = buf[pos]
        have = len(buf) - pos
        if first in (0x1B, 0x1D, 0x10) and have < 2:
            return _WAIT
        second = buf[pos + 1] if have > 1 else -1
        if first == 0x1B and second == 0x40:
            return Init(), 2
        if first == 0x1B and second == 0x64:
            return _with_arg(buf, pos, have, Feed)
        if first == 0x10 and second == 0x04:
            return _with_arg(buf, pos, have, StatusQuery)
        if first == 0x1D and second == 0x56:
            if have < 3:
                return _WAIT
            mode = buf[pos + 2]
            if mode in (65, 66):  # with a feed amount first
                return _WAIT if have < 4 else (Cut(mode), 4)
            return Cut(mode), 3
        if first == 0x1D and second == 0x76:
            return self._raster(pos, have)
        if first == 0x0A:
            return Feed(1), 1
        if first == 0x00:  # ignored between commands; a run of them is one step
            run = have - len(buf[pos:].lstrip(b"\0"))
            return Padding(run), run
        return Unknown(first), 1

    def _raster(self, pos: int, have: int) -> tuple[Command, int] | None:
        buf = self._buffer
        if have < 3:
            return _WAIT
        if buf[pos + 2] not in (0x00, 0x30):  # "GS v" then something other than "0"
            return Unknown(buf[pos]), 1
        if have < 8:
            return _WAIT
        mode = buf[pos + 3] & 0x03
        row_bytes = int.from_bytes(buf[pos + 4 : pos + 6], "little")
        rows = int.from_bytes(buf[pos + 6 : pos + 8], "little")
        if not (1 <= row_bytes <= MAX_ROW_BYTES and rows <= MAX_ROWS):
            return Unknown(buf[pos]), 1  # not an image this printer could hold: noise
        size = 8 + row_bytes * rows
        if have < size:
            return _WAIT
        raster = Raster(row_bytes * 8, rows, bytes(buf[pos + 8 : pos + size]))
        return RasterImage(raster, mode), size


def _with_arg(
    buf: bytearray, pos: int, have: int, kind: type[Feed] | type[StatusQuery]
) -> tuple[Command, int] | None:
    if have < 3:
        return _WAIT
    return kind(buf[pos + 2]), 3
