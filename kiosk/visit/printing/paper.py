"""Paper on the roll, and what staff should know about the printer (pure).

The length of a slip is its rows at 8 dots a millimetre plus the feed after it (ESC d n lines
of the printer's default 1/6 inch). What was printed since the roll was changed (the ledger
counts it) gives the paper left, so staff hear of a low roll before the printer's own near-end
sensor says so, and on printers that have no such sensor at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kiosk.cabinet.alerts import Alert, AlertKind

DOTS_PER_MM = 8
FEED_LINE_MM = 25.4 / 6  # ESC 2, the default line spacing: ESC d n feeds n of these
DETAIL_CHARS = 120  # an alert's detail goes to the fleet, which takes at most 200 characters


def slip_length_mm(rows: int, feed_lines: int) -> int:
    """Paper one slip takes: its picture and the feed that clears the cutter."""
    return round(rows / DOTS_PER_MM + feed_lines * FEED_LINE_MM)


def used_length_mm(full_mm: int, bytes_sent: int, job_bytes: int) -> int:
    """Paper a job took: all of it when every byte went, a share of it when it was cut off
    (the bytes are nearly all picture, so the share sent is the share printed at most)."""
    if job_bytes <= 0 or bytes_sent <= 0:
        return 0
    return round(full_mm * min(1.0, bytes_sent / job_bytes))


@dataclass(frozen=True)
class PaperLevel:
    roll_mm: int  # a new roll
    used_mm: int  # printed since the roll was changed
    low_mm: int  # tell staff at or below this much left

    @property
    def left_mm(self) -> int:
        return max(0, self.roll_mm - self.used_mm)

    @property
    def low(self) -> bool:
        return self.left_mm <= self.low_mm


@dataclass(frozen=True)
class PrinterCondition:
    """The printer as staff see it: its last known state (by name, as
    `hardware.printer.PrinterState.value`; None before it joined) and the paper estimate."""

    state: str | None
    detail: str = ""
    paper: PaperLevel | None = None

    @property
    def known(self) -> bool:
        return self.state is not None


_FAULTS = {
    "unplugged": AlertKind.PRINTER_UNPLUGGED,
    "paper_out": AlertKind.PAPER_OUT,
    "cover_open": AlertKind.PRINTER_COVER,
    "offline": AlertKind.PRINTER_OFFLINE,
    "no_answer": AlertKind.PRINTER_OFFLINE,
    "garbage": AlertKind.PRINTER_OFFLINE,
}


def printer_alerts(condition: PrinterCondition) -> Sequence[Alert]:
    """What staff should know: a fault that stops the slips, and/or paper running low (by the
    near-end sensor, or by the estimate). Nothing before the printer joined, nothing for a
    machine without one."""
    found: list[Alert] = []
    detail = " ".join(condition.detail.split())[:DETAIL_CHARS]
    fault = _FAULTS.get(condition.state or "")
    if fault is not None:
        found.append(Alert(fault, detail=detail))
    paper = condition.paper
    left_m = paper.left_mm // 1000 if paper is not None else 0
    if condition.state == "paper_near_end":
        found.append(Alert(AlertKind.PAPER_LOW, count=left_m, detail="sensor"))
    elif (
        paper is not None
        and paper.low
        and fault is not AlertKind.PAPER_OUT
        and condition.state not in (None, "not_configured")
    ):
        found.append(Alert(AlertKind.PAPER_LOW, count=left_m, detail="estimate"))
    return found


class SlipBook(Protocol):
    """Where slips and paper are counted (the ledger; `MemoryBook` until it joins)."""

    def last_slip_no(self) -> int: ...

    def paper_used_mm(self) -> int: ...

    def record_slip(self, slip_no: int, result: str, length_mm: int, detail: str = "") -> int: ...

    def paper_changed(self, roll_mm: int) -> None: ...


@dataclass
class MemoryBook:
    """Counts kept in memory: the demo, the tests, and a kiosk whose ledger is not open."""

    slip_no: int = 0
    used_mm: int = 0
    results: list[tuple[int, str, int]] = field(default_factory=list)

    def last_slip_no(self) -> int:
        return self.slip_no

    def paper_used_mm(self) -> int:
        return self.used_mm

    def record_slip(self, slip_no: int, result: str, length_mm: int, detail: str = "") -> int:
        self.results.append((slip_no, result, length_mm))
        self.slip_no = max(self.slip_no, slip_no)
        self.used_mm += max(0, length_mm)
        return self.used_mm

    def paper_changed(self, roll_mm: int) -> None:
        self.used_mm = 0
