"""Read-only questions the dashboard asks the central store, over a period of local hours.

Hours are the kiosks' local hours as they report them (`YYYY-MM-DDTHH:00`), so a period is
a range of those strings: `[first, end)`. Every query names its site, or sums one event
over all sites (the overview), which the store's `counters_by_event` index answers without
reading the table. Each call opens its own read-only connection: a reader never blocks the
ingest thread's writes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SiteCounts:
    """A site's counters over a period, summed as the dashboard needs them: per day for the
    day-by-day figures, over the whole period for the keys (symptoms, languages), and per
    hour of the day for visits. A year of a site is a few thousand rows, not 80,000."""

    days: list[tuple[str, str, str, int]]  # (YYYY-MM-DD, event, key or "", total)
    keys: list[tuple[str, str, int]]  # (event, key, total)
    hours: list[tuple[int, int]]  # (hour of the day, visits)


DAY_EVENTS = ("visit_started", "visit_completed", "help_view", "prescription")
# Per day and per key: a vend's outcome (dispensed or not), a slip's (printed or not).
KEYED_DAY_EVENTS = ("outcome", "slip")
KEY_EVENTS = ("symptom", "language")  # per key over the period


@dataclass(frozen=True)
class AlertRow:
    at: str  # UTC ISO-8601, the kiosk's clock
    kind: str
    slot: int | None
    item: str
    count: int
    detail: str
    state: str  # raised | cleared


class Analytics:
    def __init__(self, store: Path) -> None:
        self.store = store

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, isolation_level=None)

    def event_by_site(self, event: str, first: str, end: str) -> dict[str, int]:
        """site → the total of `event` in the hours [first, end)."""
        db = self._db()
        try:
            rows = db.execute(
                "SELECT site, SUM(count) FROM counters WHERE event = ? AND hour >= ? "
                "AND hour < ? GROUP BY site",
                (event, first, end),
            ).fetchall()
        finally:
            db.close()
        return {str(s): int(n) for s, n in rows}

    def site_counts(self, site: str, first: str, end: str) -> SiteCounts:
        """`site`'s counters in the hours [first, end), summed for the dashboard."""
        span = (site, first, end)
        marks = ", ".join("?" * len(DAY_EVENTS + KEYED_DAY_EVENTS))
        keyed = ", ".join("?" * len(KEYED_DAY_EVENTS))
        where = "WHERE site = ? AND hour >= ? AND hour < ?"
        db = self._db()
        try:
            days = db.execute(
                f"SELECT substr(hour, 1, 10), event, CASE WHEN event IN ({keyed}) THEN key "
                f"ELSE '' END, SUM(count) FROM counters {where} AND event IN ({marks}) "
                "GROUP BY 1, 2, 3",
                (*KEYED_DAY_EVENTS, *span, *DAY_EVENTS, *KEYED_DAY_EVENTS),
            ).fetchall()
            keys = db.execute(
                f"SELECT event, key, SUM(count) FROM counters {where} AND event IN "
                f"({', '.join('?' * len(KEY_EVENTS))}) GROUP BY 1, 2",
                (*span, *KEY_EVENTS),
            ).fetchall()
            hours = db.execute(
                f"SELECT CAST(substr(hour, 12, 2) AS INTEGER), SUM(count) FROM counters {where} "
                "AND event = 'visit_started' GROUP BY 1",
                span,
            ).fetchall()
        finally:
            db.close()
        return SiteCounts(
            [(str(d), str(e), str(k), int(n)) for d, e, k, n in days],
            [(str(e), str(k), int(n)) for e, k, n in keys],
            [(int(h), int(n)) for h, n in hours],
        )

    def alerts(self, site: str, first: str, end: str, limit: int = 200) -> list[AlertRow]:
        """Alerts raised or cleared at `site` between two UTC times, newest first."""
        db = self._db()
        try:
            rows = db.execute(
                "SELECT at, kind, slot, item, count, detail, state FROM alert_events "
                "WHERE site = ? AND at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?",
                (site, first, end, limit),
            ).fetchall()
        finally:
            db.close()
        return [
            AlertRow(str(a), str(k), None if s is None else int(s), str(i), int(c), str(d), str(st))
            for a, k, s, i, c, d, st in rows
        ]

    def raised_by_site(self, first: str, end: str) -> dict[str, int]:
        """site → how many alerts were raised between two UTC times."""
        db = self._db()
        try:
            rows = db.execute(
                "SELECT site, COUNT(*) FROM alert_events WHERE state = 'raised' AND at >= ? "
                "AND at < ? GROUP BY site",
                (first, end),
            ).fetchall()
        finally:
            db.close()
        return {str(s): int(n) for s, n in rows}

    def site_names(self) -> list[str]:
        db = self._db()
        try:
            return [str(s) for (s,) in db.execute("SELECT site FROM sites ORDER BY site")]
        finally:
            db.close()
