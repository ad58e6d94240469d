"""The kiosk's ledger as the agent sees it: read-only, with its own queries.

Opened as `file:…?mode=ro`: the agent can never change the ledger. (SQLite's WAL index, the
`-shm` file beside it, is still shared with the kiosk; that is how readers and the writer
agree on what is committed.) `PRAGMA data_version` says cheaply whether anyone committed
since the last look, so the agent asks every second and reads only when something changed.

The schema is kiosk/cabinet/ledger.py's (version 2): `stats`, `vends`, `slots`, `meta`, `alerts`.
A ledger from before version 2 has no alerts and no identity: those are skipped.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from fleet.cursor import AlertBatch, Change, Cursor, HourValues, StateValue, canonical

ALERT_BATCH = 500


class LedgerUnreadable(RuntimeError):
    """The ledger is missing, locked out or not a kiosk ledger; the text says which."""


class LedgerReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._version: int | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            if not self.path.is_file():
                raise LedgerUnreadable(f"{self.path}: no ledger (has the kiosk run yet?)")
            try:
                db = sqlite3.connect(
                    f"file:{self.path}?mode=ro", uri=True, isolation_level=None, timeout=5.0
                )
                db.execute("SELECT COUNT(*) FROM stats").fetchone()
            except sqlite3.Error as exc:
                raise LedgerUnreadable(f"{self.path}: {exc}") from exc
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def changed(self) -> bool:
        """Whether anything was committed since the last call (True the first time)."""
        try:
            version = int(self._connect().execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            self.close()
            raise LedgerUnreadable(f"{self.path}: {exc}") from exc
        changed, self._version = version != self._version, version
        return changed

    def scan(self, cursor: Cursor) -> list[Change]:
        """Everything that differs from what the cursor has queued, read in one snapshot."""
        db = self._connect()
        try:
            db.execute("BEGIN")
            try:
                return _scan(db, cursor)
            finally:
                db.execute("COMMIT")
        except sqlite3.Error as exc:
            self.close()
            raise LedgerUnreadable(f"{self.path}: {exc}") from exc


def _scan(db: sqlite3.Connection, cursor: Cursor) -> list[Change]:
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    ledger = _meta(db, "ledger_id") or ""
    cursor.follow(ledger)
    changes: list[Change] = []
    changes += _counters(db, cursor, ledger)
    changes += _vends(db, cursor, ledger)
    if "alerts" in tables:
        changes += _alerts(db, cursor, ledger)
    changes += _stock(db, cursor)
    version = _meta(db, "content_version")
    if version is not None and cursor.state("content") != canonical({"version": version}):
        changes.append(StateValue("content", {"version": version}))
    return changes


def _meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _counters(db: sqlite3.Connection, cursor: Cursor, ledger: str) -> list[Change]:
    """Hours whose sum differs from what was queued (counts only grow), then their keys."""
    sums = {
        str(h): int(s) for h, s in db.execute("SELECT hour, SUM(count) FROM stats GROUP BY hour")
    }
    queued = cursor.queued_sums("counters")
    changes: list[Change] = []
    for hour in sorted(h for h, s in sums.items() if queued.get(h) != s):
        rows = db.execute("SELECT event, key, count FROM stats WHERE hour = ?", (hour,))
        values = {(str(e), str(k)): int(n) for e, k, n in rows}
        had = cursor.queued_values("counters", hour)
        new = {k: v for k, v in values.items() if had.get(k) != v}
        if new:
            changes.append(HourValues("counters", ledger, hour, new))
    return changes


def _vends(db: sqlite3.Connection, cursor: Cursor, ledger: str) -> list[Change]:
    """Finished vends per local hour of their outcome, by kind, slot and outcome. The
    ledger stamps them in UTC; the hour is the kiosk's local one, like its statistics."""
    totals: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for utc_hour, kind, slot, outcome, n in db.execute(
        "SELECT substr(outcome_at, 1, 13), kind, slot, outcome, COUNT(*) FROM vends "
        "WHERE outcome IS NOT NULL GROUP BY 1, 2, 3, 4"
    ):
        hour = _local_hour(str(utc_hour))
        key = (str(kind), f"{int(slot)}:{outcome}")
        totals[hour][key] = totals[hour].get(key, 0) + int(n)
    queued = cursor.queued_sums("vends")
    changes: list[Change] = []
    for hour in sorted(totals):
        if queued.get(hour) == sum(totals[hour].values()):
            continue
        had = cursor.queued_values("vends", hour)
        new = {k: v for k, v in totals[hour].items() if had.get(k) != v}
        if new:
            changes.append(HourValues("vends", ledger, hour, new))
    return changes


def _local_hour(utc_hour: str) -> str:
    """'2026-03-01T05' (UTC) → '2026-03-01T14:00' in the kiosk's zone (Seoul: +9)."""
    return datetime.fromisoformat(utc_hour + ":00:00+00:00").astimezone().strftime("%Y-%m-%dT%H:00")


def _alerts(db: sqlite3.Connection, cursor: Cursor, ledger: str) -> list[Change]:
    rows = db.execute(
        "SELECT id, at, kind, slot, item, count, detail, state FROM alerts WHERE id > ? "
        "ORDER BY id LIMIT ?",
        (cursor.alert_pos, ALERT_BATCH),
    ).fetchall()
    if not rows:
        return []
    events = [
        {"id": i, "at": at, "kind": k, "slot": s, "item": it, "count": c, "detail": d, "state": st}
        for i, at, k, s, it, c, d, st in rows
    ]
    opened = [
        {"kind": k, "slot": s, "item": it, "count": c, "detail": d, "since": at}
        for k, s, it, c, d, at in db.execute(
            "SELECT kind, slot, item, count, detail, at FROM alerts WHERE id IN "
            "(SELECT MAX(id) FROM alerts GROUP BY kind, slot) AND state = 'raised' ORDER BY id"
        )
    ]
    body = {"ledger": ledger, "events": events, "open": opened}
    return [AlertBatch(ledger, int(rows[-1][0]), body)]


def _stock(db: sqlite3.Connection, cursor: Cursor) -> list[Change]:
    """The slots whose state differs from what was queued, and the slot numbers there are."""
    slots = [
        {
            "slot": n,
            "item": item,
            "count": count,
            "capacity": cap,
            "enabled": bool(enabled),
            "needs_staff": bool(enabled) and (count == 0 or bool(empty) or bool(fault)),
            "low": count <= low,
        }
        for n, item, cap, count, enabled, empty, fault, low in db.execute(
            "SELECT number, item, capacity, count, enabled, suspected_empty, motor_fault, "
            "low_stock FROM slots ORDER BY number"
        )
    ]
    numbers = [s["slot"] for s in slots]
    changed = [s for s in slots if cursor.state(f"stock/{s['slot']}") != canonical(s)]
    if not changed and cursor.state("stock/numbers") == canonical({"numbers": numbers}):
        return []
    return [StateValue("stock", {"slots": changed, "numbers": numbers})]
