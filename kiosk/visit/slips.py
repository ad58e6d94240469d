"""The prescription slip's number: the day's running count, the same on the screen and on paper.

Nothing about the visitor is in it. It must survive a restart without a disk write on the UI
thread, so it is derived from the counts already kept: when the cabinet joins, today's
"prescription" counters are read from the ledger (off the UI thread) and the book goes on from
there in memory. A new day starts again at 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.visit.flow import SlipStamp


@dataclass
class SlipBook:
    day: date | None = None
    issued: int = 0  # slips given on `day` so far

    def seed(self, day: date, issued: int) -> None:
        """`issued` prescriptions were counted on `day` before this run (or before the ledger
        joined). Never goes back: slips already handed out keep their numbers."""
        if self.day is None or day > self.day:
            self.day, self.issued = day, max(0, issued)
        elif day == self.day:
            self.issued = max(self.issued, issued)

    def next(self, day: date) -> SlipStamp:
        if self.day != day:
            self.day, self.issued = day, 0
        self.issued += 1
        return SlipStamp(day, self.issued)
