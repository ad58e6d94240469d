"""The ledger: vends (intent → outcome), stock per slot, refills and anonymous hourly counters.

One SQLite file in the data directory, in WAL mode with `synchronous=FULL`: a commit returns only
once it is on the disk, so a vend's intent is durable before VEND goes to the board, and its
outcome after. Every change is one transaction; a crash leaves either all of it or none.

Tables (schema version in `schema_version`, upgraded by `_MIGRATIONS` in order):

    vends      id, vend_id, slot, kind ('visit'|'test'), intent_at, outcome, outcome_at, detail
    counters   name → value; 'vend_id' is the last vend_id handed out
    slots      number, item, capacity, count, enabled, suspected_empty, motor_fault, low_stock
    refills    id, slot, at, count_before, count_after
    stats      hour, event, key → count (anonymous; no visitor data, no free text), and
               unsynced: how many of count were recorded before the clock was set from the
               network (their hour may be wrong; see kiosk.shell.clock)
    meta       key → value; 'clean_shutdown' for the crash counter, 'ledger_id' (random, made
               once: tells this ledger from a replaced one), 'content_version' (serving)
    alerts     id, at, kind, slot, item, count, detail, state ('raised'|'cleared'): append-only,
               so the fleet agent (another process, read-only) can follow it by id
    slips      id, slip_no, at, result ('printed'|'not_printed'|'interrupted'), length_mm,
               detail: every printed prescription slip job; counters 'slip_no' (the last
               number printed on a slip) and 'paper_mm' (paper printed since the roll changed)
    paper_rolls id, at, roll_mm, used_mm: staff changed the printer's roll (`used_mm` of the
               old one had been printed)

vend_ids are 16-bit (1..65535) and wrap past 65535 back to 1. That is safe: the board remembers
only its last 16 vends, so by the time an id comes round again (65535 vends later) the board has
long forgotten its first use and cannot answer DUPLICATE or an old result for it; the ledger
itself tells vends apart by its own row `id`, and an id still unfinished is never handed out.

Times: `intent_at`, `outcome_at` and refill times are UTC ISO-8601 (for staff; never used to
measure durations). Statistics are bucketed by the kiosk's local hour.

Thread-safety: one connection shared by the vend worker and the UI thread, behind a lock.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from hardware.dispenser import VendOutcome
from hardware.vend import PendingVend, VendKind
from kiosk.shell.errors import KioskError

VEND_ID_MAX = 65535
SLIP_RESULTS = ("printed", "not_printed", "interrupted")  # hardware.printer.PrintResult
SCHEMA_VERSION = 4

_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the first schema
    (
        """CREATE TABLE vends (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            vend_id INTEGER NOT NULL CHECK (vend_id BETWEEN 1 AND 65535),
            slot INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('visit', 'test')),
            intent_at TEXT NOT NULL,
            outcome TEXT,
            outcome_at TEXT,
            detail TEXT NOT NULL DEFAULT ''
        )""",
        # At most one unfinished vend per vend_id: `finish` and reconciliation find it by id.
        "CREATE UNIQUE INDEX vends_unfinished ON vends (vend_id) WHERE outcome IS NULL",
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        "INSERT INTO counters (name, value) VALUES ('vend_id', 0)",
        """CREATE TABLE slots (
            number INTEGER PRIMARY KEY CHECK (number BETWEEN 1 AND 16),
            item TEXT NOT NULL,
            capacity INTEGER NOT NULL CHECK (capacity >= 1),
            count INTEGER NOT NULL CHECK (count >= 0 AND count <= capacity),
            enabled INTEGER NOT NULL DEFAULT 1,
            suspected_empty INTEGER NOT NULL DEFAULT 0,
            motor_fault INTEGER NOT NULL DEFAULT 0,
            low_stock INTEGER NOT NULL DEFAULT 2
        )""",
        """CREATE TABLE refills (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            slot INTEGER NOT NULL,
            at TEXT NOT NULL,
            count_before INTEGER NOT NULL,
            count_after INTEGER NOT NULL
        )""",
        """CREATE TABLE stats (
            hour TEXT NOT NULL,
            event TEXT NOT NULL,
            key TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (hour, event, key)
        )""",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    # 2: counters recorded while the wall clock was not yet synchronised are marked
    ("ALTER TABLE stats ADD COLUMN unsynced INTEGER NOT NULL DEFAULT 0",),
    # 3: alerts raised and cleared, and the ledger's identity (for the fleet agent)
    (
        """CREATE TABLE alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            slot INTEGER,
            item TEXT NOT NULL DEFAULT '',
            count INTEGER NOT NULL DEFAULT 0,
            detail TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL CHECK (state IN ('raised', 'cleared'))
        )""",
        "INSERT INTO meta (key, value) VALUES ('ledger_id', lower(hex(randomblob(8))))",
    ),
    # 4: the receipt printer: its slips, the paper printed and the roll changes
    (
        """CREATE TABLE slips (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            slip_no INTEGER NOT NULL,
            at TEXT NOT NULL,
            result TEXT NOT NULL CHECK (result IN ('printed', 'not_printed', 'interrupted')),
            length_mm INTEGER NOT NULL DEFAULT 0 CHECK (length_mm >= 0),
            detail TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE paper_rolls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            roll_mm INTEGER NOT NULL,
            used_mm INTEGER NOT NULL
        )""",
        "INSERT INTO counters (name, value) VALUES ('slip_no', 0), ('paper_mm', 0)",
    ),
)

# Statistics keys are ids from the content and the code, never free text from a visitor.
_STAT_WORD = re.compile(r"^[\w.:-]{1,64}$")
_STAT_KEY = re.compile(r"^[\w.:-]{0,64}$")


class LedgerError(KioskError):
    """The ledger cannot be used (a broken or newer database, an impossible change)."""


class LedgerWriteError(LedgerError):
    """A change could not be written (the disk is full or read-only, an I/O error). Nothing
    of that change was kept; the kiosk must not dispense until writes succeed again."""


class SlotConfigLike(Protocol):
    """What `sync_slots` needs of a configured slot (the kiosk's `config.Slot`)."""

    @property
    def number(self) -> int: ...
    @property
    def item(self) -> str: ...
    @property
    def capacity(self) -> int: ...
    @property
    def low_stock(self) -> int: ...


@dataclass(frozen=True)
class SlotState:
    number: int
    item: str
    capacity: int
    count: int
    enabled: bool
    suspected_empty: bool
    motor_fault: bool
    low_stock: int

    @property
    def in_use(self) -> bool:
        """It may be offered to a visitor: enabled, stocked, not suspected empty, no fault."""
        return self.enabled and self.count > 0 and not self.suspected_empty and not self.motor_fault

    @property
    def is_low(self) -> bool:
        return self.count <= self.low_stock

    @property
    def needs_staff(self) -> bool:
        """Empty, suspected empty or faulty while enabled: someone has to come."""
        return self.enabled and (self.count == 0 or self.suspected_empty or self.motor_fault)


@dataclass(frozen=True)
class VendRecord:
    id: int
    vend_id: int
    slot: int
    kind: VendKind
    intent_at: str
    outcome: VendOutcome | None
    outcome_at: str | None
    detail: str


@dataclass(frozen=True)
class RefillRecord:
    slot: int
    at: str
    count_before: int
    count_after: int


@dataclass(frozen=True)
class AlertRow:
    """An alert as the ledger keeps it (`kiosk.cabinet.alerts.Alert` with its kind as text)."""

    kind: str
    slot: int | None = None
    item: str = ""
    count: int = 0
    detail: str = ""


@dataclass(frozen=True)
class HourCount:
    hour: str  # local time, "YYYY-MM-DDTHH:00"
    event: str
    key: str
    count: int
    unsynced: int = 0  # of `count`, recorded before the clock was synchronised


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _hour(when: datetime) -> str:
    local = when.astimezone() if when.tzinfo is not None else when
    return local.strftime("%Y-%m-%dT%H:00")


class Ledger:
    """The kiosk's durable record. Implements `hardware.vend.VendJournal`."""

    def __init__(
        self,
        path: Path,
        *,
        now: Callable[[], datetime] = _utc_now,
        records_runs: bool = True,
        clock_synced: Callable[[], bool] | None = None,
    ) -> None:
        """`records_runs=False` is for tools (`stock`, `stats`) that open the ledger while the
        kiosk may be running: they neither count a crash nor mark a clean shutdown.
        `clock_synced` says whether the wall clock is set from the network (kiosk.shell.clock);
        counters recorded while it says False are marked. None: the clock is trusted."""
        self.path = path
        self._now = now
        self._clock_synced = clock_synced
        self._records_runs = records_runs
        self._lock = threading.RLock()
        self._stats_lock = threading.RLock()
        # Why the last write failed, until a write succeeds again (the machine shows a fault).
        self.write_fault: str | None = None
        self.recovered_from: Path | None = self._set_aside_if_empty(path)
        self._db = self._connect(synchronous="FULL")
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._migrate()
            if self.recovered_from is not None:
                self._note_recovery(self.recovered_from)
            # Counters are written from the UI thread: no fsync per count (a power cut may lose
            # the last few). The next FULL commit of a vend makes them durable too.
            self._stats = self._connect(synchronous="NORMAL")
            self.crashed_last_run = self._mark_running() if records_runs else False
        except (sqlite3.Error, LedgerError) as exc:
            self._db.close()
            if isinstance(exc, LedgerError):
                raise
            raise LedgerError(f"{path}: cannot open the ledger: {exc}") from exc

    def _connect(self, synchronous: str) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=False, timeout=10.0
            )
            db.execute(f"PRAGMA synchronous={synchronous}")
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.path}: cannot open the ledger: {exc}") from exc
        return db

    # --- set-up -------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, stats: bool = False) -> Iterator[sqlite3.Connection]:
        """One atomic change; IMMEDIATE so two writers never deadlock midway. On the vend
        connection (synchronous=FULL) it is on the disk when this returns."""
        db, lock = (self._stats, self._stats_lock) if stats else (self._db, self._lock)
        with lock:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._write_failed(exc) from exc
            try:
                yield db
            except sqlite3.Error as exc:
                self._rollback(db)
                raise self._write_failed(exc) from exc
            except BaseException:
                self._rollback(db)
                raise
            try:
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback(db)
                raise self._write_failed(exc) from exc
            self.write_fault = None

    @staticmethod
    def _rollback(db: sqlite3.Connection) -> None:
        # After SQLITE_FULL SQLite may have rolled back already; a second error says nothing new.
        with suppress(sqlite3.Error):
            if db.in_transaction:
                db.execute("ROLLBACK")

    def _write_failed(self, exc: sqlite3.Error) -> LedgerWriteError:
        """Remember why writing failed (the machine reads it as a fault) and say it plainly."""
        text = str(exc)
        if "full" in text:
            why = "the disk is full"
        elif "readonly" in text or "read-only" in text:
            why = "the disk is read-only"
        else:
            why = f"a write failed ({text})"
        self.write_fault = f"ledger cannot be written: {why}"
        return LedgerWriteError(f"{self.path}: {self.write_fault}")

    def probe(self) -> bool:
        """Try one small write now; True (and the write fault cleared) if the disk takes it.
        For a background check while dispensing waits for the disk to come back."""
        try:
            with self._transaction(stats=True) as db:
                db.execute(
                    "INSERT INTO meta (key, value) VALUES ('probe', '1') "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                )
        except LedgerWriteError:
            return False
        return True

    def _migrate(self) -> None:
        with self._transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            version = 0 if row is None else int(row[0])
            if version > SCHEMA_VERSION:
                raise LedgerError(
                    f"{self.path}: schema version {version} is newer than this kiosk's "
                    f"{SCHEMA_VERSION}; refusing to touch it"
                )
            for statements in _MIGRATIONS[version:]:
                for statement in statements:
                    db.execute(statement)
            if row is None:
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            else:
                db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))

    def _mark_running(self) -> bool:
        """Note that a run started; True (and a 'crash' counted) if the last one never ended."""
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'clean_shutdown'").fetchone()
            crashed = row is not None and row[0] == "0"
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('clean_shutdown', '0') "
                "ON CONFLICT (key) DO UPDATE SET value = '0'"
            )
        if crashed:
            self.count("crash", "", self._now())
        return crashed

    def close(self) -> None:
        """Mark a clean shutdown and close the file."""
        with self._lock, self._stats_lock:
            try:
                if self._records_runs:
                    with self._transaction() as db:
                        db.execute("UPDATE meta SET value = '1' WHERE key = 'clean_shutdown'")
            finally:
                self._stats.close()
                self._db.close()

    def _set_aside_if_empty(self, path: Path) -> Path | None:
        """A ledger file of zero bytes (a power cut on a failing card, a bad copy) is not a new
        machine: it is moved aside, kept for a technician, and the fresh ledger says so."""
        try:
            empty = path.stat().st_size == 0
            wal = path.with_name(path.name + "-wal")
            if not empty or (wal.exists() and wal.stat().st_size > 0):
                return None
            aside = path.with_name(f"{path.name}.empty-{self._now().strftime('%Y%m%dT%H%M%S')}")
            path.rename(aside)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LedgerError(f"{path}: empty, and cannot be moved aside: {exc}") from exc
        return aside

    def _note_recovery(self, aside: Path) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('stock_unknown', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (f"the ledger was found empty on {self._stamp()} (kept as {aside.name})",),
            )

    def stock_unknown(self) -> str | None:
        """Why the stock counts cannot be trusted (the ledger was lost), until staff refill."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'stock_unknown'").fetchone()
        return None if row is None else str(row[0])

    # --- vends (VendJournal) ------------------------------------------------------------------

    def begin(self, slot: int, kind: VendKind = VendKind.VISIT) -> int:
        with self._transaction() as db:
            last = int(
                db.execute("SELECT value FROM counters WHERE name = 'vend_id'").fetchone()[0]
            )
            busy = {r[0] for r in db.execute("SELECT vend_id FROM vends WHERE outcome IS NULL")}
            vend_id = last
            for _ in range(VEND_ID_MAX):
                vend_id = vend_id % VEND_ID_MAX + 1
                if vend_id not in busy:
                    break
            else:
                raise LedgerError("every vend_id is taken by an unfinished vend")
            db.execute("UPDATE counters SET value = ? WHERE name = 'vend_id'", (vend_id,))
            db.execute(
                "INSERT INTO vends (vend_id, slot, kind, intent_at) VALUES (?, ?, ?, ?)",
                (vend_id, slot, kind.value, self._stamp()),
            )
        return vend_id

    def finish(self, vend_id: int, outcome: VendOutcome, detail: str = "") -> None:
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, slot, kind FROM vends WHERE vend_id = ? AND outcome IS NULL",
                (vend_id,),
            ).fetchone()
            if row is None:
                raise LedgerError(f"vend {vend_id} is not an unfinished vend")
            db.execute(
                "UPDATE vends SET outcome = ?, outcome_at = ?, detail = ? WHERE id = ?",
                (outcome.value, self._stamp(), detail, row[0]),
            )
            self._apply_outcome(db, int(row[1]), outcome, VendKind(row[2]))

    @staticmethod
    def _apply_outcome(
        db: sqlite3.Connection, slot: int, outcome: VendOutcome, kind: VendKind
    ) -> None:
        """What an outcome means for the slot; in the same transaction as the outcome.

        A technician's test vend leaves the stock alone (the item it drops is put back, and a
        test on an empty slot says nothing staff did not know); only a motor fault, which
        makes the slot unsafe for visitors, is kept."""
        if kind is VendKind.TEST and outcome is not VendOutcome.MOTOR_FAULT:
            return
        if outcome is VendOutcome.DISPENSED:
            # Never negative: an item that fell from a slot the ledger thought empty means staff
            # loaded it without a refill record; the count stays at 0 until the next refill.
            db.execute(
                "UPDATE slots SET count = MAX(count - 1, 0), suspected_empty = 0 WHERE number = ?",
                (slot,),
            )
        elif outcome is VendOutcome.NO_DROP:
            db.execute("UPDATE slots SET suspected_empty = 1 WHERE number = ?", (slot,))
        elif outcome is VendOutcome.MOTOR_FAULT:
            db.execute("UPDATE slots SET motor_fault = 1 WHERE number = ?", (slot,))

    def unfinished_vends(self) -> list[PendingVend]:
        with self._lock:
            rows = self._db.execute(
                "SELECT vend_id, slot FROM vends WHERE outcome IS NULL ORDER BY id"
            ).fetchall()
        return [PendingVend(int(r[0]), int(r[1])) for r in rows]

    def vends(self, limit: int | None = None) -> list[VendRecord]:
        """Vends, newest first."""
        query = (
            "SELECT id, vend_id, slot, kind, intent_at, outcome, outcome_at, detail "
            "FROM vends ORDER BY id DESC"
        )
        with self._lock:
            if limit is None:
                rows = self._db.execute(query).fetchall()
            else:
                rows = self._db.execute(query + " LIMIT ?", (limit,)).fetchall()
        return [
            VendRecord(
                id=r[0],
                vend_id=r[1],
                slot=r[2],
                kind=VendKind(r[3]),
                intent_at=r[4],
                outcome=None if r[5] is None else VendOutcome(r[5]),
                outcome_at=r[6],
                detail=r[7],
            )
            for r in rows
        ]

    def last_vend_id(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT value FROM counters WHERE name = 'vend_id'").fetchone()
        return int(row[0])

    # --- stock --------------------------------------------------------------------------------

    def sync_slots(self, config_slots: Iterable[SlotConfigLike], *, fill_new: bool = False) -> None:
        """Make the slot table match the configuration.

        A new slot starts empty (staff record the first refill), or full with `fill_new` (the
        simulation). A slot whose item changed starts empty: nobody knows what is inside. A slot
        gone from the configuration is dropped; its vends stay.
        """
        wanted = {s.number: s for s in config_slots}
        with self._transaction() as db:
            have = {r[0]: r for r in db.execute("SELECT number, item, count FROM slots")}
            for number in set(have) - set(wanted):
                db.execute("DELETE FROM slots WHERE number = ?", (number,))
            for number, s in wanted.items():
                if number not in have:
                    db.execute(
                        "INSERT INTO slots (number, item, capacity, count, low_stock) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (number, s.item, s.capacity, s.capacity if fill_new else 0, s.low_stock),
                    )
                    continue
                count = 0 if have[number][1] != s.item else min(int(have[number][2]), s.capacity)
                db.execute(
                    "UPDATE slots SET item = ?, capacity = ?, count = ?, low_stock = ? "
                    "WHERE number = ?",
                    (s.item, s.capacity, count, s.low_stock, number),
                )

    def refill(self, slot: int, count: int | None = None) -> SlotState:
        """Staff filled `slot` to `count` items (default: its capacity); clears "suspected empty".

        A motor fault stays until the slot is `enable`d after repair (the board itself keeps
        the fault until it is reset).
        """
        with self._transaction() as db:
            before = self._slot_row(db, slot)
            after = before.capacity if count is None else count
            if not 0 <= after <= before.capacity:
                raise LedgerError(f"slot {slot}: count {after} is not 0..{before.capacity}")
            db.execute(
                "UPDATE slots SET count = ?, suspected_empty = 0 WHERE number = ?", (after, slot)
            )
            db.execute("DELETE FROM meta WHERE key = 'stock_unknown'")  # staff counted it
            db.execute(
                "INSERT INTO refills (slot, at, count_before, count_after) VALUES (?, ?, ?, ?)",
                (slot, self._stamp(), before.count, after),
            )
            return self._slot_row(db, slot)

    def disable(self, slot: int) -> None:
        """Staff took the slot out of use."""
        with self._transaction() as db:
            self._slot_row(db, slot)
            db.execute("UPDATE slots SET enabled = 0 WHERE number = ?", (slot,))

    def enable(self, slot: int) -> None:
        """Staff checked the slot: back in use, its fault and "suspected empty" marks cleared."""
        with self._transaction() as db:
            self._slot_row(db, slot)
            db.execute(
                "UPDATE slots SET enabled = 1, suspected_empty = 0, motor_fault = 0 "
                "WHERE number = ?",
                (slot,),
            )

    def slots(self) -> list[SlotState]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_SLOT_COLUMNS} FROM slots ORDER BY number")
            return [_slot_state(r) for r in rows.fetchall()]

    def slot(self, number: int) -> SlotState:
        with self._lock:
            return self._slot_row(self._db, number)

    def stocked_slots(self) -> dict[int, str]:
        """Slot → item for every slot that may be offered now (see `SlotState.in_use`)."""
        return {s.number: s.item for s in self.slots() if s.in_use}

    def refills(self) -> list[RefillRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT slot, at, count_before, count_after FROM refills ORDER BY id"
            ).fetchall()
        return [RefillRecord(*r) for r in rows]

    @staticmethod
    def _slot_row(db: sqlite3.Connection, number: int) -> SlotState:
        row = db.execute(f"SELECT {_SLOT_COLUMNS} FROM slots WHERE number = ?", (number,))
        found = row.fetchone()
        if found is None:
            raise LedgerError(f"slot {number} is not configured")
        return _slot_state(found)

    # --- anonymous statistics -----------------------------------------------------------------

    def count(self, event: str, key: str = "", when: datetime | None = None, n: int = 1) -> None:
        """Add `n` to the counter of `event`/`key` in the local hour of `when` (default: now).

        Events and keys are ids, never free text: visit_started, visit_completed,
        visit_abandoned/<screen>, symptom/<id>, category/<id>, mood/<taken or skipped>,
        intensity/<band>, outcome/<slot>:<outcome>, help_view, language/<lang>, and crash
        (counted by the ledger itself).
        """
        if not _STAT_WORD.match(event) or not _STAT_KEY.match(key):
            raise LedgerError(f"statistics take ids only, not {event!r}/{key!r}")
        hour = _hour(self._now() if when is None else when)
        unsynced = 0 if self._clock_synced is None or self._clock_synced() else n
        with self._transaction(stats=True) as db:
            db.execute(
                "INSERT INTO stats (hour, event, key, count, unsynced) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (hour, event, key) DO UPDATE SET count = count + excluded.count, "
                "unsynced = unsynced + excluded.unsynced",
                (hour, event, key, n, unsynced),
            )

    def counts(self, start: datetime, end: datetime) -> list[HourCount]:
        """Counters of the hours from `start` up to (not including) `end`, oldest first."""
        first = _hour(start)
        local_end = end.astimezone() if end.tzinfo is not None else end
        on_the_hour = local_end == local_end.replace(minute=0, second=0, microsecond=0)
        # An hour that began before `end` is included; "~" sorts after every "…:00".
        last = _hour(end) if on_the_hour else _hour(end) + "~"
        with self._stats_lock:
            rows = self._stats.execute(
                "SELECT hour, event, key, count, unsynced FROM stats "
                "WHERE hour >= ? AND hour < ? ORDER BY hour, event, key",
                (first, last),
            ).fetchall()
        return [HourCount(*r) for r in rows]

    def clock(self) -> datetime:
        """The ledger's idea of now (UTC; a test passes its own)."""
        return self._now()

    # --- what the fleet agent reports: alerts and the content version ---------------------

    def record_alerts(self, current: Iterable[AlertRow]) -> int:
        """Note which alerts are open now: a 'raised' row for each that was not open, a
        'cleared' row for each open one that is gone. An alert is the same alert while its
        kind and slot are. Calling it again with the same alerts adds nothing (so a restart
        of the kiosk does not raise everything twice). Returns the rows added."""
        wanted = {(a.kind, a.slot): a for a in current}
        added = 0
        with self._transaction() as db:
            opened = {
                (r[0], r[1]): AlertRow(r[0], r[1], r[2], r[3], r[4])
                for r in db.execute(
                    "SELECT kind, slot, item, count, detail FROM alerts WHERE id IN "
                    "(SELECT MAX(id) FROM alerts GROUP BY kind, slot) AND state = 'raised'"
                )
            }
            changes = [(a, "raised") for k, a in wanted.items() if k not in opened]
            changes += [(a, "cleared") for k, a in opened.items() if k not in wanted]
            for alert, state in changes:
                db.execute(
                    "INSERT INTO alerts (at, kind, slot, item, count, detail, state) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        self._stamp(),
                        alert.kind,
                        alert.slot,
                        alert.item,
                        alert.count,
                        alert.detail,
                        state,
                    ),
                )
                added += 1
        return added

    def set_content_version(self, version: str) -> None:
        """The content visitors are served now (a short fingerprint)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('content_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (version,),
            )

    # --- the receipt printer: slips and paper ------------------------------------------------

    def last_slip_no(self) -> int:
        """The last number printed on a slip (numbers go on across restarts)."""
        return self._counter("slip_no")

    def paper_used_mm(self) -> int:
        """Paper printed since the roll was last changed, in millimetres."""
        return self._counter("paper_mm")

    def record_slip(self, slip_no: int, result: str, length_mm: int, detail: str = "") -> int:
        """One slip job's outcome and the paper it took; returns the paper used since the
        roll was changed."""
        if result not in SLIP_RESULTS:  # a bug, not a full disk: never a write fault
            raise LedgerError(f"slip {slip_no}: {result!r} is not one of {SLIP_RESULTS}")
        with self._transaction() as db:
            db.execute(
                "INSERT INTO slips (slip_no, at, result, length_mm, detail) VALUES (?, ?, ?, ?, ?)",
                (slip_no, self._stamp(), result, max(0, length_mm), detail[:200]),
            )
            db.execute(
                "UPDATE counters SET value = MAX(value, ?) WHERE name = 'slip_no'", (slip_no,)
            )
            db.execute(
                "UPDATE counters SET value = value + ? WHERE name = 'paper_mm'",
                (max(0, length_mm),),
            )
            return int(
                db.execute("SELECT value FROM counters WHERE name = 'paper_mm'").fetchone()[0]
            )

    def paper_changed(self, roll_mm: int) -> None:
        """Staff put in a new roll of `roll_mm`: the paper count starts again."""
        with self._transaction() as db:
            used = db.execute("SELECT value FROM counters WHERE name = 'paper_mm'").fetchone()[0]
            db.execute(
                "INSERT INTO paper_rolls (at, roll_mm, used_mm) VALUES (?, ?, ?)",
                (self._stamp(), roll_mm, int(used)),
            )
            db.execute("UPDATE counters SET value = 0 WHERE name = 'paper_mm'")

    def slip_results(self) -> dict[str, int]:
        """How many slip jobs ended each way, ever (printed, not_printed, interrupted)."""
        with self._lock:
            rows = self._db.execute("SELECT result, COUNT(*) FROM slips GROUP BY result")
            return {str(r): int(n) for r, n in rows.fetchall()}

    def _counter(self, name: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return 0 if row is None else int(row[0])

    def _stamp(self) -> str:
        return self._now().astimezone(UTC).isoformat(timespec="seconds")


_SLOT_COLUMNS = "number, item, capacity, count, enabled, suspected_empty, motor_fault, low_stock"


def _slot_state(row: tuple[object, ...]) -> SlotState:
    number, item, capacity, count, enabled, empty, fault, low = row
    return SlotState(
        number=int(str(number)),
        item=str(item),
        capacity=int(str(capacity)),
        count=int(str(count)),
        enabled=bool(enabled),
        suspected_empty=bool(empty),
        motor_fault=bool(fault),
        low_stock=int(str(low)),
    )
