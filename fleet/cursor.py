"""The agent's own durable memory (SQLite in its state folder, synchronous=FULL): what it has
queued from the ledger, and the outbox of records the centre has not yet confirmed.

    meta     epoch (this cursor's identity, random), next_seq, conn (runs of the agent),
             ledger (the ledger followed), alert_pos (its last alert id queued),
             bundle_payload (the last content bundle handled), bundle_taken (the highest
             publication taken: an older one is refused)
    queued   family, hour, name, key → value last queued (to find what changed)
    state    name → the last of each slot ('stock/<n>'), the slot numbers and the content
             version queued (JSON)
    outbox   seq, kind, slot, body: one row per *thing* (an hour's counters, the stock…);
             a newer value of the same thing merges into its row under a new seq

A scan of the ledger becomes one transaction here; a receipt from the centre deletes rows
in another. A SIGKILL between any two leaves either the old or the new state, and a record
still in the outbox is sent again: harmless, because records carry absolute totals.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fleet.topics import Kind

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS queued (
        family TEXT NOT NULL, hour TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL,
        value INTEGER NOT NULL, PRIMARY KEY (family, hour, name, key))""",
    "CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, slot TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL)""",
)


class CursorError(RuntimeError):
    """The agent's state file cannot be used."""


@dataclass(frozen=True)
class HourValues:
    """New totals of one hour of one family ('counters' or 'vends') of one ledger."""

    family: str
    ledger: str
    hour: str
    values: dict[tuple[str, str], int]  # (name, key) → total


@dataclass(frozen=True)
class StateValue:
    """The latest of something that has only a present (stock, content version)."""

    name: str  # 'stock' | 'content'
    body: dict[str, Any]


@dataclass(frozen=True)
class AlertBatch:
    ledger: str
    last_id: int
    body: dict[str, Any]


Change = HourValues | StateValue | AlertBatch


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    kind: Kind
    body: dict[str, Any]


_FAMILY_KIND = {"counters": Kind.COUNTERS, "vends": Kind.VENDS}
_STATE_KIND = {"content": Kind.CONTENT}


class Cursor:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            with self._tx() as db:
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('epoch', ?)",
                    (secrets.token_hex(8),),
                )
                for key in ("next_seq", "conn", "alert_pos", "bundle_taken"):
                    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, '0')", (key,))
                for key in ("ledger", "bundle_payload"):
                    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, '')", (key,))
        except sqlite3.Error as exc:
            raise CursorError(f"{path}: {exc}") from exc
        self.path = path
        self.epoch = self._meta("epoch")

    def close(self) -> None:
        self._db.close()

    def _tx(self) -> _Transaction:
        return _Transaction(self._db)

    def _meta(self, key: str) -> str:
        return str(self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0])

    def _set_meta(self, key: str, value: object) -> None:
        self._db.execute("UPDATE meta SET value = ? WHERE key = ?", (str(value), key))

    # --- runs and the ledger followed ---------------------------------------------------------

    def next_conn(self) -> int:
        """A new run of the agent: its number orders its status against older wills."""
        with self._tx():
            conn = int(self._meta("conn")) + 1
            self._set_meta("conn", conn)
        return conn

    def follow(self, ledger: str) -> bool:
        """The ledger's identity; a different ledger (a replaced card) starts from nothing.
        True when it changed."""
        if self._meta("ledger") == ledger:
            return False
        with self._tx() as db:
            db.execute("DELETE FROM queued")
            db.execute("DELETE FROM state")
            self._set_meta("ledger", ledger)
            self._set_meta("alert_pos", 0)
        return True

    @property
    def alert_pos(self) -> int:
        return int(self._meta("alert_pos"))

    def queued_sums(self, family: str) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT hour, SUM(value) FROM queued WHERE family = ? GROUP BY hour", (family,)
        )
        return {str(h): int(s) for h, s in rows}

    def queued_values(self, family: str, hour: str) -> dict[tuple[str, str], int]:
        rows = self._db.execute(
            "SELECT name, key, value FROM queued WHERE family = ? AND hour = ?", (family, hour)
        )
        return {(str(n), str(k)): int(v) for n, k, v in rows}

    def state(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM state WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    # --- published content ----------------------------------------------------------------

    def bundle_seen(self) -> tuple[str, int]:
        """(the id of the last bundle payload handled, the highest publication taken)."""
        return self._meta("bundle_payload"), int(self._meta("bundle_taken"))

    def record_delivery(self, payload: str, taken: int | None, body: dict[str, Any]) -> None:
        """A bundle was handled: remember it (and the publication, when it was taken) and
        queue the report for the centre, in one transaction."""
        with self._tx():
            self._set_meta("bundle_payload", payload)
            if taken is not None:
                self._set_meta("bundle_taken", taken)
            self._put(Kind.DELIVERY, "delivery", body)

    # --- the outbox ---------------------------------------------------------------------------

    def apply(self, changes: Iterable[Change]) -> int:
        """Queue the changes found by one scan, all or nothing. Returns rows written."""
        written = 0
        with self._tx():
            for change in changes:
                if isinstance(change, HourValues):
                    self._queue_hour(change)
                elif isinstance(change, StateValue) and change.name == "stock":
                    self._queue_stock(change.body)
                elif isinstance(change, StateValue):
                    self._put(_STATE_KIND[change.name], change.name, change.body)
                    self._set_state(change.name, change.body)
                else:
                    slot = f"alerts/{change.ledger}/{change.last_id}"
                    self._put(Kind.ALERTS, slot, change.body)
                    self._set_meta("alert_pos", change.last_id)
                written += 1
        return written

    def _queue_hour(self, change: HourValues) -> None:
        slot = f"{change.family}/{change.ledger}/{change.hour}"
        row = self._db.execute("SELECT body FROM outbox WHERE slot = ?", (slot,)).fetchone()
        merged = {} if row is None else _values(change.family, json.loads(row[0]))
        merged.update(change.values)
        self._put(_FAMILY_KIND[change.family], slot, _hour_body(change, merged))
        self._db.executemany(
            "INSERT INTO queued (family, hour, name, key, value) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (family, hour, name, key) DO UPDATE SET value = excluded.value",
            [(change.family, change.hour, n, k, v) for (n, k), v in change.values.items()],
        )

    def _queue_stock(self, body: dict[str, Any]) -> None:
        """Changed slots merge into the waiting stock row (the newest of each slot wins)."""
        row = self._db.execute("SELECT body FROM outbox WHERE slot = 'stock'").fetchone()
        waiting = {} if row is None else {s["slot"]: s for s in json.loads(row[0])["slots"]}
        waiting.update({s["slot"]: s for s in body["slots"]})
        numbers = body["numbers"]
        slots = [waiting[n] for n in sorted(waiting) if n in numbers]
        self._put(Kind.STOCK, "stock", {"slots": slots, "numbers": numbers})
        for slot in body["slots"]:
            self._set_state(f"stock/{slot['slot']}", slot)
        self._set_state("stock/numbers", {"numbers": numbers})

    def _set_state(self, name: str, body: dict[str, Any]) -> None:
        self._db.execute(
            "INSERT INTO state (name, value) VALUES (?, ?) ON CONFLICT (name) "
            "DO UPDATE SET value = excluded.value",
            (name, canonical(body)),
        )

    def _put(self, kind: Kind, slot: str, body: dict[str, Any]) -> None:
        """Write the thing's row under a new seq: a receipt for its older seq (already on
        its way) must not delete the newer value."""
        seq = int(self._meta("next_seq")) + 1
        self._set_meta("next_seq", seq)
        self._db.execute("DELETE FROM outbox WHERE slot = ?", (slot,))
        self._db.execute(
            "INSERT INTO outbox (seq, kind, slot, body) VALUES (?, ?, ?, ?)",
            (seq, kind.value, slot, canonical(body)),
        )

    def pending(self, limit: int = 1000) -> list[OutboxRow]:
        rows = self._db.execute("SELECT seq, kind, body FROM outbox ORDER BY seq LIMIT ?", (limit,))
        return [OutboxRow(int(s), Kind(k), json.loads(b)) for s, k, b in rows]

    def confirm(self, ranges: Iterable[tuple[int, int]]) -> int:
        """The centre stored these seqs: they leave the outbox. Returns rows deleted."""
        deleted = 0
        with self._tx() as db:
            for first, last in ranges:
                deleted += db.execute(
                    "DELETE FROM outbox WHERE seq BETWEEN ? AND ?", (first, last)
                ).rowcount
        return deleted

    def outbox_size(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> sqlite3.Connection:
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")


def canonical(body: dict[str, Any]) -> str:
    """The same text for the same body (so a state compares equal to what was queued)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _values(family: str, body: dict[str, Any]) -> dict[tuple[str, str], int]:
    if family == "counters":
        return {(e, k): int(n) for e, k, n in body["counts"]}
    return {(kind, f"{slot}:{outcome}"): int(n) for kind, slot, outcome, n in body["vends"]}


def _hour_body(change: HourValues, values: dict[tuple[str, str], int]) -> dict[str, Any]:
    body: dict[str, Any] = {"ledger": change.ledger, "hour": change.hour}
    if change.family == "counters":
        body["counts"] = [[n, k, v] for (n, k), v in sorted(values.items())]
    else:
        body["vends"] = [
            [n, int(k.split(":", 1)[0]), k.split(":", 1)[1], v]
            for (n, k), v in sorted(values.items())
        ]
    return body
