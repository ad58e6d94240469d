"""A thermal receipt printer that speaks ESC/POS, for the demo, the tests and the technician.

Two layers, usable apart:

- `SimulatedPrinter`: the printer as a pure state machine. Bytes in, status replies out; every
  `GS v 0` image is put on the paper, and each slip (ended by a cut or a tear feed) becomes a
  `SimSlip`, written as a PNG when an output directory is given.
- `PtyPrinterServer`: that printer behind a pty (`hardware.pty_server`), so the real driver
  opens it like a serial printer; unplug and replug keep the same path.

Faults, each a knob that can be turned at any time:

    near_end     the roll's near-end sensor: still prints, says "paper near end"
    paper_out    no paper: says so, and prints nothing (images are lost, counted)
    cover_open   the cover is up: offline, prints nothing
    garbage      answers status queries with bytes that are not status bytes
    half         answers DLE EOT 1 only, never 2 or 4
    stall        takes no more bytes and answers nothing (the host's writes block)
    paper_out_after_rows(n)  the roll runs out n rows from now, mid-slip if need be
    stall_after_bytes(n)     stalls n bytes from now, mid-job if need be
    unplug / replug, unplug_after_bytes(n)   (the server) the cable

    with PtyPrinterServer(SimulatedPrinter(dots=576)) as sim:
        printer = open_printer(PrinterSettings(kind=PrinterKind.SERIAL, port=sim.path))
        printer.print_slip(raster, job_id="v1")
        assert sim.slips[0].raster == raster

`python main.py printer-sim` runs one from the command line.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from hardware.printer.decoder import (
    Command,
    Cut,
    EscPosDecoder,
    Feed,
    Init,
    RasterImage,
    StatusQuery,
    Unknown,
)
from hardware.printer.raster import Raster
from hardware.printer.status import is_status_byte
from hardware.pty_server import PtyServer

_log = logging.getLogger(__name__)
RAW_KEPT = 8 * 1024 * 1024  # the last 8 MB the printer received, for the tests and `status`


@dataclass(frozen=True)
class SimSlip:
    """One slip as it came out of the printer."""

    number: int  # 1, 2, ... since the printer was made
    raster: Raster
    cut: bool  # ended by a cut (False: fed to the tear bar, or cut off by the next job)
    png: Path | None


@dataclass
class SimulatedPrinter:
    dots: int = 576
    out_dir: Path | None = None  # slips as slip-0001.png, ...; every byte in received.bin
    seed: int = 0
    near_end: bool = False
    paper_out: bool = False
    cover_open: bool = False
    garbage: bool = False
    half: bool = False
    stall: bool = False
    # What happened:
    slips: list[SimSlip] = field(init=False, default_factory=list)
    status_queries: int = field(init=False, default=0)
    lost_rows: int = field(init=False, default=0)  # not printed: no paper, cover open
    unknown_bytes: int = field(init=False, default=0)
    received: bytearray = field(init=False, default_factory=bytearray)
    _rows_left: int | None = field(init=False, default=None)
    _bytes_left: int | None = field(init=False, default=None)
    _held: bytearray = field(init=False, default_factory=bytearray)
    _rows: list[bytes] = field(init=False, default_factory=list)
    _width: int = field(init=False, default=0)
    _decoder: EscPosDecoder = field(init=False, default_factory=EscPosDecoder)
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        if self.dots % 8 or not 8 <= self.dots <= 2048:
            raise ValueError(f"{self.dots} dots is not a whole number of bytes in 8..2048")
        self._rng = random.Random(self.seed)
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)

    def paper_out_after_rows(self, rows: int | None) -> None:
        """The roll runs out after `rows` more printed rows (None: plenty of paper)."""
        self._rows_left = rows

    def stall_after_bytes(self, count: int | None) -> None:
        """Stall once `count` more bytes have come in (None: never)."""
        self._bytes_left = count

    @property
    def offline(self) -> bool:
        return self.cover_open or self.paper_out

    def reset_input(self) -> None:
        """Forget a half-received command and what waits in the buffer (a USB replug)."""
        self._decoder.reset()
        self._held.clear()

    def handle(self, data: bytes) -> bytes:
        """Take `data` from the host; return what the printer sends back."""
        data, self._held = bytes(self._held) + data, bytearray()
        if self.stall:
            self._held += data  # in the printer's buffer, taken when it runs again
            return b""
        if self._bytes_left is not None:
            data, later = data[: self._bytes_left], data[self._bytes_left :]
            self._bytes_left -= len(data)
            if self._bytes_left <= 0:
                self.stall, self._bytes_left, self._held = True, None, bytearray(later)
        self._record(data)
        replies = bytearray()
        for command in self._decoder.feed(data):
            replies += self._execute(command)
        return bytes(replies)

    def _record(self, data: bytes) -> None:
        self.received += data
        if len(self.received) > RAW_KEPT:
            del self.received[: len(self.received) - RAW_KEPT]
        if self.out_dir is not None:
            with (self.out_dir / "received.bin").open("ab") as raw:
                raw.write(data)

    def _execute(self, command: Command) -> bytes:
        if isinstance(command, StatusQuery):
            return self._status(command.n)
        if isinstance(command, RasterImage):
            self._print(command.raster)
        elif isinstance(command, Feed | Cut):
            self._end_slip(cut=isinstance(command, Cut))
        elif isinstance(command, Init):
            self._end_slip(cut=False)  # a job started before the last one was torn off
        elif isinstance(command, Unknown):
            self.unknown_bytes += 1
        return b""

    def _status(self, n: int) -> bytes:
        self.status_queries += 1
        if self.half and n != 1:
            return b""
        if self.garbage:
            return bytes((self._garbage_byte(),))
        byte = 0x12
        if n == 1 and self.offline:
            byte |= 0x08
        elif n == 2:
            byte |= (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0)
        elif n == 4:
            byte |= (0x0C if self.near_end else 0) | (0x60 if self.paper_out else 0)
        return bytes((byte,))

    def _garbage_byte(self) -> int:
        while True:
            byte = self._rng.randrange(256)
            if not is_status_byte(byte):
                return byte

    def _print(self, raster: Raster) -> None:
        if raster.width > self.dots:
            self.lost_rows += raster.height  # real printers drop or garble an image too wide
            return
        if self._width and raster.width != self._width:
            self._end_slip(cut=False)
        self._width = raster.width
        for y in range(raster.height):
            if self._rows_left == 0:
                self.paper_out, self._rows_left = True, None
            if self.offline:
                self.lost_rows += raster.height - y
                return
            if self._rows_left is not None:
                self._rows_left -= 1
            self._rows.append(raster.row(y))

    def _end_slip(self, *, cut: bool) -> None:
        if not self._rows:
            if cut and self.slips and not self.slips[-1].cut:
                self.slips[-1] = _cut(self.slips[-1])  # feed, then cut: one slip
            return
        raster = Raster(self._width, len(self._rows), b"".join(self._rows))
        self._rows, self._width = [], 0
        number = len(self.slips) + 1
        png = None
        if self.out_dir is not None:
            png = self.out_dir / f"slip-{number:04d}.png"
            write_png(raster, png)
        self.slips.append(SimSlip(number, raster, cut, png))
        _log.info("printer simulator: slip %d, %d rows, %s", number, raster.height, png or "kept")


def _cut(slip: SimSlip) -> SimSlip:
    return SimSlip(slip.number, slip.raster, True, slip.png)


def write_png(raster: Raster, path: Path) -> None:
    """`raster` as a black-on-white PNG (written to a temporary name, then renamed)."""
    # Mode "1" keeps set bits as white; the printer's set bits are black dots.
    image = Image.frombytes("1", (raster.width, raster.height), raster.data).point(
        lambda v: 255 - v
    )
    partial = path.with_suffix(".png.partial")
    image.save(partial, format="PNG")
    partial.replace(path)


def read_png(path: Path) -> Raster:
    """A PNG (as `write_png` makes them) back as printer rows: dark pixels are dots."""
    with Image.open(path) as image:
        gray = image.convert("L")
        dots = gray.point([255 if v < 128 else 0 for v in range(256)], "1")
        return Raster(dots.width, dots.height, dots.tobytes())


class PtyPrinterServer(PtyServer):
    """Runs a `SimulatedPrinter` behind a pty until `stop()`. Use as a context manager."""

    def __init__(
        self,
        printer: SimulatedPrinter | None = None,
        *,
        response_s: float = 0.0005,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(label="printer", clock=clock)
        self.printer = printer if printer is not None else SimulatedPrinter()
        self.response_s = response_s  # how long a status reply takes
        self._unplug_in: int | None = None

    # --- the printer's side of the server ------------------------------------------------------

    def _receive(self, data: bytes, now: float) -> None:
        pull = False
        if self._unplug_in is not None:
            data, self._unplug_in = data[: self._unplug_in], self._unplug_in - len(data)
            pull = self._unplug_in <= 0
        reply = self.printer.handle(data)
        if pull:
            self._unplug_in = None
            self._unplug()  # the rest of the job is lost in the cable
        elif reply:
            self._enqueue(now + self.response_s, reply)

    def _reading(self) -> bool:
        return not self.printer.stall

    def _on_plug(self) -> None:
        self.printer.reset_input()

    def replug(self) -> None:
        """Plug the cable back in: a new pty behind the same path."""
        self._in_thread(self._plug)

    # --- knobs (any thread) --------------------------------------------------------------------

    def set_fault(self, name: str, on: bool = True) -> None:
        """Turn a fault knob: near_end, paper_out, cover_open, garbage, half or stall."""
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; one of {', '.join(FAULTS)}")
        with self._lock:
            setattr(self.printer, name, on)
        self._wake()  # a stall lifted: read what waited in the pty

    def paper_out_after_rows(self, rows: int | None) -> None:
        with self._lock:
            self.printer.paper_out_after_rows(rows)

    def stall_after_bytes(self, count: int | None) -> None:
        with self._lock:
            self.printer.stall_after_bytes(count)

    def unplug_after_bytes(self, count: int | None) -> None:
        """Pull the cable once `count` more bytes have come in (None: never)."""
        with self._lock:
            self._unplug_in = count

    # --- what happened -------------------------------------------------------------------------

    @property
    def slips(self) -> list[SimSlip]:
        with self._lock:
            return list(self.printer.slips)

    @property
    def received(self) -> bytes:
        """The bytes the printer received (the last 8 MB)."""
        with self._lock:
            return bytes(self.printer.received)

    @property
    def lost_rows(self) -> int:
        with self._lock:
            return self.printer.lost_rows

    @property
    def status_queries(self) -> int:
        with self._lock:
            return self.printer.status_queries


FAULTS = ("near_end", "paper_out", "cover_open", "garbage", "half", "stall")
