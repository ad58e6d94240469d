"""The central store: everything the kiosks report, in SQLite (WAL, synchronous=FULL).

    sites          site → online and since when, status (epoch, conn), first/last seen,
                   content version, stock, open alerts (each with the (epoch, seq) it came
                   with), heartbeat, the last delivery report (published content taken or
                   refused)
    counters       (site, ledger, hour, event, key) → count
    vend_outcomes  (site, ledger, hour, kind, slot, outcome) → count
    alert_events   (site, ledger, id) → at, kind, slot, item, count, detail, state

Counts are absolute totals and only grow, so an upsert keeps the larger of the stored and the
arriving value: a record repeated or arriving late changes nothing. Things that only have a
present (stock, content version, open alerts) are replaced only by a later seq of the same
agent epoch (or by a new epoch: the kiosk's agent state was renewed); stock arrives as the
slots that changed, merged into what the store has.

One writer (`Store`, the ingest thread) commits a batch of messages in one transaction before
the kiosks get their receipts; readers (`StoreReader`, the HTTP layer) use their own
connections and never block it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fleet.payloads import (
    Alerts,
    ContentVersion,
    Counters,
    Delivery,
    Heartbeat,
    Message,
    Status,
    Stock,
    Vends,
)

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS sites (
        site TEXT PRIMARY KEY, online INTEGER NOT NULL DEFAULT 0,
        status_epoch TEXT, status_conn INTEGER, first_seen TEXT, last_seen TEXT,
        content_version TEXT, content_at TEXT,
        stock TEXT, stock_at TEXT, open_alerts TEXT, alerts_at TEXT, heartbeat TEXT)""",
    """CREATE TABLE IF NOT EXISTS counters (
        site TEXT NOT NULL, ledger TEXT NOT NULL, hour TEXT NOT NULL, event TEXT NOT NULL,
        key TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (site, ledger, hour, event, key))""",
    """CREATE TABLE IF NOT EXISTS vend_outcomes (
        site TEXT NOT NULL, ledger TEXT NOT NULL, hour TEXT NOT NULL, kind TEXT NOT NULL,
        slot INTEGER NOT NULL, outcome TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (site, ledger, hour, kind, slot, outcome))""",
    """CREATE TABLE IF NOT EXISTS alert_events (
        site TEXT NOT NULL, ledger TEXT NOT NULL, id INTEGER NOT NULL, at TEXT NOT NULL,
        kind TEXT NOT NULL, slot INTEGER, item TEXT NOT NULL, count INTEGER NOT NULL,
        detail TEXT NOT NULL, state TEXT NOT NULL, received TEXT NOT NULL,
        PRIMARY KEY (site, ledger, id))""",
    # The dashboard's overview sums one event over all sites for a day: this index answers
    # it without reading the table (25 sites x a year: milliseconds instead of a second).
    "CREATE INDEX IF NOT EXISTS counters_by_event ON counters (event, hour, site, count)",
    # A site's page reads its hours in a period: without this, every row of the site is
    # read whatever the period (a year of data: a second for any page).
    "CREATE INDEX IF NOT EXISTS counters_by_site ON counters (site, hour, event, key, count)",
)
# Columns added after the first release: a store made before gets them on opening.
_ADDED_COLUMNS = (
    ("sites", "state_since", "TEXT"),
    ("sites", "delivery", "TEXT"),
    ("sites", "delivery_at", "TEXT"),
)
VISITS_EVENT = "visit_started"


class StoreError(RuntimeError):
    """The store cannot take what arrived (a full disk, a broken file); nothing is
    confirmed to the kiosks, so they keep it and send it again."""


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(
            f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)


class Store:
    """The writer. `max_pages` caps the file (`PRAGMA max_page_count`; 0: no cap)."""

    def __init__(self, path: Path, max_pages: int = 0) -> None:
        self.path = path
        try:
            self._db = _connect(path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            if max_pages:
                self._db.execute(f"PRAGMA max_page_count={int(max_pages)}")
            for statement in _SCHEMA[:-2]:
                self._db.execute(statement)
            for table, column, kind in _ADDED_COLUMNS:
                have = {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            for statement in _SCHEMA[-2:]:
                self._db.execute(statement)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def write(self, batch: Iterable[tuple[str, Message]], now: str) -> None:
        """Store a batch of (site, message) in one transaction; `now` is the server's UTC
        time. StoreError if it cannot: then none of it is stored."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                for site, message in batch:
                    self._one(site, message, now)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:  # SQLite may have rolled back already (a full disk)
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def mark_offline(self, sites: Iterable[str], now: str) -> None:
        try:
            self._db.executemany(
                "UPDATE sites SET online = 0, state_since = ? WHERE site = ? AND online = 1",
                [(now, s) for s in sites],
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def online_last_seen(self) -> dict[str, str]:
        """Sites shown online, with when they were last heard from."""
        rows = self._db.execute("SELECT site, last_seen FROM sites WHERE online = 1")
        return {str(s): str(t) for s, t in rows}

    def _one(self, site: str, m: Message, now: str) -> None:
        db = self._db
        db.execute(
            "INSERT INTO sites (site, first_seen, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT (site) DO UPDATE SET last_seen = excluded.last_seen",
            (site, now, now),
        )
        if isinstance(m, Status):
            # A will of an older run (lower conn) that comes late must not win.
            online = int(m.state == "online")
            db.execute(
                "UPDATE sites SET state_since = CASE WHEN online = ? AND state_since IS NOT "
                "NULL THEN state_since ELSE ? END, online = ?, status_epoch = ?, "
                "status_conn = ? WHERE site = ? "
                "AND (status_epoch IS NULL OR status_epoch != ? OR status_conn <= ?)",
                (online, now, online, m.epoch, m.conn, site, m.epoch, m.conn),
            )
        elif isinstance(m, Heartbeat):
            body = {"uptime_s": m.uptime_s, "outbox": m.outbox, "problems": list(m.problems)}
            db.execute(
                "UPDATE sites SET heartbeat = ?, state_since = CASE WHEN online = 1 AND "
                "state_since IS NOT NULL THEN state_since ELSE ? END, online = 1 WHERE site = ?",
                (json.dumps(body), now, site),
            )
        elif isinstance(m, Counters):
            db.executemany(
                "INSERT INTO counters (site, ledger, hour, event, key, count) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (site, ledger, hour, event, key) "
                "DO UPDATE SET count = MAX(count, excluded.count)",
                [(site, m.ledger, m.hour, e, k, n) for e, k, n in m.counts],
            )
        elif isinstance(m, Vends):
            db.executemany(
                "INSERT INTO vend_outcomes (site, ledger, hour, kind, slot, outcome, count) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, ledger, hour, kind, slot, "
                "outcome) DO UPDATE SET count = MAX(count, excluded.count)",
                [(site, m.ledger, m.hour, k, s, o, n) for k, s, o, n in m.vends],
            )
        elif isinstance(m, Alerts):
            db.executemany(
                "INSERT OR IGNORE INTO alert_events (site, ledger, id, at, kind, slot, item, "
                "count, detail, state, received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        site,
                        m.ledger,
                        e.id,
                        e.at,
                        e.kind,
                        e.slot,
                        e.item,
                        e.count,
                        e.detail,
                        e.state,
                        now,
                    )
                    for e in m.events
                ],
            )
            opened = [vars(a) for a in m.open]
            self._present(site, "open_alerts", "alerts_at", opened, m.env.epoch, m.env.seq)
        elif isinstance(m, Stock):
            row = db.execute("SELECT stock FROM sites WHERE site = ?", (site,)).fetchone()
            had = {s["slot"]: s for s in json.loads(row[0] or "[]")}
            had.update({s.slot: vars(s) for s in m.slots})
            slots = [had[n] for n in sorted(had) if n in m.numbers]
            self._present(site, "stock", "stock_at", slots, m.env.epoch, m.env.seq)
        elif isinstance(m, ContentVersion):
            self._present(site, "content_version", "content_at", m.version, m.env.epoch, m.env.seq)
        elif isinstance(m, Delivery):
            report = {
                "publication": m.publication,
                "version": m.version,
                "state": m.state,
                "code": m.code,
                "reason": m.reason,
                "issues": list(m.issues),
                "at": now,
            }
            self._present(site, "delivery", "delivery_at", report, m.env.epoch, m.env.seq)

    def _present(self, site: str, column: str, at: str, value: Any, epoch: str, seq: int) -> None:
        """Replace a present-only value unless what is stored came later from this agent."""
        row = self._db.execute(f"SELECT {at} FROM sites WHERE site = ?", (site,)).fetchone()
        if row is not None and row[0]:
            had_epoch, _, had_seq = str(row[0]).partition(":")
            if had_epoch == epoch and int(had_seq) > seq:
                return
        stored = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        self._db.execute(
            f"UPDATE sites SET {column} = ?, {at} = ? WHERE site = ?",
            (stored, f"{epoch}:{seq}", site),
        )


@dataclass(frozen=True)
class HourKey:
    hour: str
    event: str
    key: str


class StoreReader:
    """Read-only views for the HTTP layer (and, later, the dashboard)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _db(self) -> sqlite3.Connection:
        return _connect(self.path, readonly=True)

    def sites(self, all_time_visits: bool = True) -> list[dict[str, Any]]:
        """One object per site, as `GET /api/sites` gives it. Without `all_time_visits`
        (a sum over every hour of every site) `visits` is 0: the overview counts today's."""
        db = self._db()
        try:
            visits = (
                dict(
                    db.execute(
                        "SELECT site, SUM(count) FROM counters WHERE event = ? GROUP BY site",
                        (VISITS_EVENT,),
                    ).fetchall()
                )
                if all_time_visits
                else {}
            )
            rows = db.execute(
                "SELECT site, online, first_seen, last_seen, content_version, stock, "
                "open_alerts, heartbeat, state_since, delivery FROM sites ORDER BY site"
            ).fetchall()
        finally:
            db.close()
        return [
            {
                "site": site,
                "online": bool(online),
                "first_seen": first,
                "last_seen": last,
                "visits": int(visits.get(site, 0)),
                "open_alerts": _json_list(alerts),
                "stock": _json_list(stock),
                "content_version": version,
                "agent": json.loads(beat) if beat else None,
                "since": since or first,
                "delivery": json.loads(delivery) if delivery else None,
            }
            for site, online, first, last, version, stock, alerts, beat, since, delivery in rows
        ]

    def counts(self, site: str) -> dict[HourKey, int]:
        """Every counter of a site by hour (all its ledgers together)."""
        db = self._db()
        try:
            rows = db.execute(
                "SELECT hour, event, key, SUM(count) FROM counters WHERE site = ? "
                "GROUP BY hour, event, key",
                (site,),
            ).fetchall()
        finally:
            db.close()
        return {HourKey(h, e, k): int(n) for h, e, k, n in rows}

    def vends(self, site: str) -> dict[tuple[str, str, int, str], int]:
        db = self._db()
        try:
            rows = db.execute(
                "SELECT hour, kind, slot, outcome, SUM(count) FROM vend_outcomes WHERE site = ? "
                "GROUP BY hour, kind, slot, outcome",
                (site,),
            ).fetchall()
        finally:
            db.close()
        return {(h, k, int(s), o): int(n) for h, k, s, o, n in rows}


def _json_list(text: str | None) -> list[Any]:
    return [] if not text else list(json.loads(text))
