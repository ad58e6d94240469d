"""What the printer says about itself: `DLE EOT n` replies read into a typed status (pure).

Every real-time status byte has the same frame: bit 1 and bit 4 set, bits 0 and 7 clear
(`byte & 0x93 == 0x12`). A byte that breaks that frame is not a status (line noise, a wrong
baud rate, another device on the port) and is reported as GARBAGE, never guessed at.

    DLE EOT 1  printer      bit 3: offline
    DLE EOT 2  offline      bit 2: cover open, bit 3: feed button held, bit 5: stopped at
               cause               paper end, bit 6: an error occurred
    DLE EOT 4  paper roll   bits 2+3: paper near its end, bits 5+6: paper out (Epson sets
                            both bits of a pair; some cheaper printers only one: either counts)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

DLE_EOT = b"\x10\x04"
QUERY_PRINTER = 1
QUERY_OFFLINE_CAUSE = 2
QUERY_PAPER = 4
QUERIES = (QUERY_PRINTER, QUERY_OFFLINE_CAUSE, QUERY_PAPER)

_FRAME_MASK = 0x93
_FRAME_BITS = 0x12
_OFFLINE = 0x08
_COVER_OPEN = 0x04
_FEED_BUTTON = 0x08
_STOPPED_AT_PAPER_END = 0x20
_ERROR = 0x40
_NEAR_END = 0x0C
_PAPER_OUT = 0x60


def status_query(n: int) -> bytes:
    """The bytes that ask real-time status `n` (1, 2 or 4)."""
    if n not in QUERIES:
        raise ValueError(f"DLE EOT {n} is not one of {QUERIES}")
    return DLE_EOT + bytes((n,))


def is_status_byte(byte: int) -> bool:
    """True when `byte` has the fixed bits every DLE EOT reply has."""
    return byte & _FRAME_MASK == _FRAME_BITS


class PrinterState(enum.Enum):
    """One word for the printer's condition; the kiosk decides what each means on screen."""

    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"  # still prints; staff should change the roll soon
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"  # offline for another reason (an error, the feed button held)
    NO_ANSWER = "no_answer"  # the port is there, the printer is silent (off, stalled)
    UNPLUGGED = "unplugged"  # the port or USB device is missing, or vanished
    GARBAGE = "garbage"  # something answered, but not with ESC/POS status bytes
    UNCHECKED = "unchecked"  # a write-only device (a file): takes bytes, cannot tell
    NOT_CONFIGURED = "not_configured"  # this machine has no printer

    @property
    def can_print(self) -> bool:
        return self in _PRINTABLE

    @property
    def needs_staff(self) -> bool:
        """Someone has to come (paper, cover, cable, power); near end is a warning only."""
        return self not in _PRINTABLE and self is not PrinterState.NOT_CONFIGURED


_PRINTABLE = frozenset({PrinterState.READY, PrinterState.PAPER_NEAR_END, PrinterState.UNCHECKED})


@dataclass(frozen=True)
class PrinterStatus:
    """The printer's condition, with the raw replies and a sentence for the technician."""

    state: PrinterState
    detail: str
    replies: bytes = b""  # the status bytes as they came, for hwtest and the log

    @property
    def can_print(self) -> bool:
        return self.state.can_print


def read_status(printer: int, offline_cause: int, paper: int) -> PrinterStatus:
    """The status from the three replies (to DLE EOT 1, 2 and 4), each already one byte."""
    replies = bytes((printer, offline_cause, paper))
    for n, byte in zip(QUERIES, replies, strict=True):
        if not is_status_byte(byte):
            return PrinterStatus(
                PrinterState.GARBAGE,
                f"reply 0x{byte:02X} to DLE EOT {n} is not a status byte",
                replies,
            )
    # Either bit of a sensor pair counts: cheaper printers set only one of the two.
    out = paper & _PAPER_OUT or offline_cause & _STOPPED_AT_PAPER_END
    if offline_cause & _COVER_OPEN:
        return PrinterStatus(PrinterState.COVER_OPEN, "the printer's cover is open", replies)
    if out:
        return PrinterStatus(PrinterState.PAPER_OUT, "the paper roll is empty", replies)
    if printer & _OFFLINE:
        return PrinterStatus(PrinterState.OFFLINE, _offline_reason(offline_cause), replies)
    if paper & _NEAR_END:
        return PrinterStatus(PrinterState.PAPER_NEAR_END, "the paper roll is near its end", replies)
    return PrinterStatus(PrinterState.READY, "ready", replies)


def _offline_reason(offline_cause: int) -> str:
    if offline_cause & _ERROR:
        return "offline: the printer reports an error (cutter jam or head too hot?)"
    if offline_cause & _FEED_BUTTON:
        return "offline: the feed button is held"
    return "offline (no cause given)"
