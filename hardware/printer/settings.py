"""Which printer this machine has, and how it is wired: one dataclass, checked when made.

kind = "none"                              no printer: the slip stays on the screen
kind = "usb"     vendor_id, product_id     USB printer class, claimed through libusb
                 (in_endpoint, out_endpoint if not 0x82 / 0x01)
kind = "serial"  port, baudrate            RS-232 or a USB-serial adapter
kind = "file"    path                      a write-only device file: /dev/usb/lp0 (the
                                           kernel's usblp) or a plain file to capture jobs
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from hardware.printer.commands import Cutter

DEFAULT_DEVICE = "/dev/maeum-printer"  # the udev symlink (deploy/99-maeum-printer.rules)


class PrinterKind(enum.Enum):
    NONE = "none"
    USB = "usb"
    SERIAL = "serial"
    FILE = "file"


class Paper(enum.Enum):
    """Roll width. Both print at 203 dpi (8 dots a millimetre)."""

    MM58 = 58
    MM80 = 80

    @property
    def dots(self) -> int:
        return {Paper.MM58: 384, Paper.MM80: 576}[self]


DOTS_PER_MM = 8


@dataclass(frozen=True)
class PrinterSettings:
    kind: PrinterKind = PrinterKind.NONE
    paper: Paper = Paper.MM80
    vendor_id: int | None = None  # usb
    product_id: int | None = None  # usb
    in_endpoint: int = 0x82  # usb: where status bytes come from
    out_endpoint: int = 0x01  # usb: where jobs go
    port: str = DEFAULT_DEVICE  # serial
    baudrate: int = 115200  # serial: a 576 × 1200 slip is 86 kB, 7.5 s at 115200, 90 s at 9600
    path: str = DEFAULT_DEVICE  # file
    cutter: Cutter = Cutter.PARTIAL
    feed_lines: int = 4  # after the image: the slip's end clears the cutter / tear bar
    status_timeout_s: float = 0.3  # per DLE EOT reply; printers answer in milliseconds
    write_timeout_s: float = 5.0  # per piece of a job: a printer taking nothing is stalled

    def __post_init__(self) -> None:
        if self.kind is PrinterKind.USB:
            for name, value in (("vendor_id", self.vendor_id), ("product_id", self.product_id)):
                if value is None or not 0 <= value <= 0xFFFF:
                    raise ValueError(f"a usb printer needs {name} (4 hex digits, see lsusb)")
            for name, ep in (
                ("in_endpoint", self.in_endpoint),
                ("out_endpoint", self.out_endpoint),
            ):
                if not 0 <= ep <= 0xFF:
                    raise ValueError(f"{name} 0x{ep:X} is not a byte")
        if self.kind is PrinterKind.SERIAL:
            if not self.port:
                raise ValueError("a serial printer needs its port")
            if self.baudrate not in _BAUDRATES:
                raise ValueError(f"baudrate {self.baudrate} is not one of {_BAUDRATES}")
        if self.kind is PrinterKind.FILE and not self.path:
            raise ValueError("a file printer needs its path")
        if not 0 <= self.feed_lines <= 255:
            raise ValueError(f"feed_lines {self.feed_lines} is not 0..255")
        if not 0 < self.status_timeout_s <= 5:
            raise ValueError(f"status_timeout_s {self.status_timeout_s} is not in (0, 5]")
        if not 0 < self.write_timeout_s <= 60:
            raise ValueError(f"write_timeout_s {self.write_timeout_s} is not in (0, 60]")

    @property
    def dots(self) -> int:
        return self.paper.dots

    @property
    def where(self) -> str:
        """The printer's address in words, for logs and hwtest."""
        if self.kind is PrinterKind.USB:
            return f"usb {self.vendor_id or 0:04x}:{self.product_id or 0:04x}"
        if self.kind is PrinterKind.SERIAL:
            return f"serial {self.port} at {self.baudrate} baud"
        if self.kind is PrinterKind.FILE:
            return f"file {self.path}"
        return "no printer"

    @classmethod
    def from_table(cls, table: Mapping[str, object]) -> PrinterSettings:
        """Settings from a configuration table (e.g. `[printer]` in kiosk.toml):
        kind, paper_mm (58 or 80), vendor_id and product_id (text is hex as lsusb shows it:
        "0416" or "0x0416"; or a number),
        in_endpoint, out_endpoint, port, baudrate, path, cutter, feed_lines,
        status_timeout_s, write_timeout_s. Raises ValueError naming the bad key."""
        known = {f.name for f in fields(cls)} - {"paper"} | {"paper_mm"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ValueError(f"unknown printer setting(s): {', '.join(unknown)}")
        values: dict[str, Any] = {}  # each converted to its field's type by _convert
        for key, raw in table.items():
            try:
                values[key] = _convert(key, raw)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"printer setting {key} = {raw!r}: {exc}") from exc
        if "paper_mm" in values:
            values["paper"] = values.pop("paper_mm")
        return replace(cls(), **values)


_BAUDRATES = (9600, 19200, 38400, 57600, 115200, 230400)
_HEX = ("vendor_id", "product_id", "in_endpoint", "out_endpoint")


def _convert(key: str, raw: object) -> object:
    if key == "kind":
        return PrinterKind(_text(raw))
    if key == "paper_mm":
        return Paper(_integer(raw))
    if key == "cutter":
        return Cutter(_text(raw))
    if key in ("port", "path"):
        return _text(raw)
    if key in _HEX:
        return int(raw, 16) if isinstance(raw, str) else _integer(raw)
    if key in ("status_timeout_s", "write_timeout_s"):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise TypeError("not a number")
        return float(raw)
    return _integer(raw)


def _text(raw: object) -> str:
    if not isinstance(raw, str):
        raise TypeError("not text")
    return raw


def _integer(raw: object) -> int:
    if isinstance(raw, bool):
        raise TypeError("not a number")
    if isinstance(raw, int):
        return raw
    raise TypeError("not a number")
