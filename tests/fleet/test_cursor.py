"""The agent's side without a network: what a scan of the ledger queues, how the outbox
merges and forgets, and that the ledger is only ever read."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from fleet.cursor import Cursor
from fleet.ledger_reader import LedgerReader, LedgerUnreadable
from fleet.topics import Kind
from hardware.dispenser import VendOutcome
from kiosk.cabinet.ledger import AlertRow, Ledger
from tests.fleet.support import open_ledger

H10 = datetime(2026, 3, 2, 10, 5)
H11 = datetime(2026, 3, 2, 11, 5)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return open_ledger(tmp_path / "ledger.sqlite3")


def scan(ledger: Ledger, cursor: Cursor) -> list[str]:
    """Scan and queue; the kinds of the outbox rows written."""
    changes = LedgerReader(ledger.path).scan(cursor)
    cursor.apply(changes)
    return sorted(type(c).__name__ for c in changes)


def rows(cursor: Cursor, kind: Kind) -> list[dict[str, object]]:
    return [r.body for r in cursor.pending() if r.kind is kind]


def test_a_scan_queues_counts_vends_stock_and_content_once(ledger: Ledger, tmp_path: Path) -> None:
    cursor = Cursor(tmp_path / "agent.sqlite3")
    ledger.count("visit_started", "", H10)
    ledger.count("symptom", "escape", H10)
    ledger.count("visit_started", "", H11)
    ledger.finish(ledger.begin(1), VendOutcome.DISPENSED)
    ledger.set_content_version("62ed0f41")
    assert scan(ledger, cursor) == [
        "HourValues",
        "HourValues",
        "HourValues",
        "StateValue",
        "StateValue",
    ]
    counters = {r["hour"]: r["counts"] for r in rows(cursor, Kind.COUNTERS)}
    assert counters == {
        "2026-03-02T10:00": [["symptom", "escape", 1], ["visit_started", "", 1]],
        "2026-03-02T11:00": [["visit_started", "", 1]],
    }
    (vends,) = rows(cursor, Kind.VENDS)
    assert vends["vends"] == [["visit", 1, "dispensed", 1]]
    (stock,) = rows(cursor, Kind.STOCK)
    assert [(s["slot"], s["count"]) for s in stock["slots"]] == [(1, 7), (2, 8)]
    assert stock["numbers"] == [1, 2]
    assert rows(cursor, Kind.CONTENT) == [{"version": "62ed0f41"}]
    assert scan(ledger, cursor) == [], "nothing changed, nothing queued"


def test_only_the_slots_that_changed_travel(ledger: Ledger, tmp_path: Path) -> None:
    cursor = Cursor(tmp_path / "agent.sqlite3")
    scan(ledger, cursor)
    cursor.confirm([(1, 10**6)])
    ledger.finish(ledger.begin(2), VendOutcome.DISPENSED)
    scan(ledger, cursor)
    ledger.disable(1)  # before the first is confirmed: both wait in one row
    scan(ledger, cursor)
    (stock,) = rows(cursor, Kind.STOCK)
    assert [(s["slot"], s["count"], s["enabled"]) for s in stock["slots"]] == [
        (1, 8, False),
        (2, 7, True),
    ]
    cursor.confirm([(1, 10**6)])
    assert scan(ledger, cursor) == []


def test_a_new_count_merges_into_the_waiting_hour_under_a_new_seq(
    ledger: Ledger, tmp_path: Path
) -> None:
    cursor = Cursor(tmp_path / "agent.sqlite3")
    ledger.count("visit_started", "", H10)
    ledger.count("symptom", "escape", H10)
    scan(ledger, cursor)
    first = next(r for r in cursor.pending() if r.kind is Kind.COUNTERS)
    ledger.count("visit_started", "", H10)
    scan(ledger, cursor)
    (merged,) = [r for r in cursor.pending() if r.kind is Kind.COUNTERS]
    assert merged.seq > first.seq
    assert merged.body["counts"] == [["symptom", "escape", 1], ["visit_started", "", 2]]
    # The receipt for the first version (already on its way) must not drop the second.
    cursor.confirm([(first.seq, first.seq)])
    assert [r.seq for r in cursor.pending() if r.kind is Kind.COUNTERS] == [merged.seq]
    cursor.confirm([(merged.seq, merged.seq)])
    assert rows(cursor, Kind.COUNTERS) == []
    # Once confirmed, a later count sends only what changed in that hour: the absolute total.
    ledger.count("visit_started", "", H10)
    scan(ledger, cursor)
    assert rows(cursor, Kind.COUNTERS)[0]["counts"] == [["visit_started", "", 3]]


def test_an_hour_long_past_that_grows_again_is_sent_again(ledger: Ledger, tmp_path: Path) -> None:
    """A clock that jumped back puts counts into an old hour: it is seen and sent whole."""
    cursor = Cursor(tmp_path / "agent.sqlite3")
    ledger.count("visit_started", "", datetime(2019, 5, 1, 3))
    scan(ledger, cursor)
    cursor.confirm([(1, 10**6)])
    ledger.count("visit_started", "", datetime(2019, 5, 1, 3, 40))
    scan(ledger, cursor)
    assert rows(cursor, Kind.COUNTERS) == [
        {
            "ledger": rows_ledger(ledger),
            "hour": "2019-05-01T03:00",
            "counts": [["visit_started", "", 2]],
        }
    ]


def rows_ledger(ledger: Ledger) -> str:
    db = sqlite3.connect(ledger.path)
    try:
        return str(db.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()[0])
    finally:
        db.close()


def test_alerts_travel_with_the_ones_open(ledger: Ledger, tmp_path: Path) -> None:
    cursor = Cursor(tmp_path / "agent.sqlite3")
    ledger.record_alerts([AlertRow("low", 1, "candy", 2), AlertRow("board", None, detail="x")])
    scan(ledger, cursor)
    ledger.record_alerts([AlertRow("low", 1, "candy", 1)])  # the board answers again
    scan(ledger, cursor)
    first, second = rows(cursor, Kind.ALERTS)
    assert [(e["kind"], e["state"]) for e in first["events"]] == [
        ("low", "raised"),
        ("board", "raised"),
    ]
    assert [(e["kind"], e["state"]) for e in second["events"]] == [("board", "cleared")]
    assert [(a["kind"], a["slot"]) for a in second["open"]] == [("low", 1)]


def test_the_outbox_survives_a_kill_and_keeps_its_identity(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "agent.sqlite3"
    cursor = Cursor(path)
    ledger.count("visit_started", "", H10)
    scan(ledger, cursor)
    epoch, waiting = cursor.epoch, cursor.outbox_size()
    assert cursor.next_conn() == 1
    # No close(): as after a SIGKILL. A second opening sees the same.
    again = Cursor(path)
    assert (again.epoch, again.outbox_size(), again.next_conn()) == (epoch, waiting, 2)
    assert scan(ledger, again) == [], "what was queued is not queued twice"


def test_a_replaced_ledger_is_reported_from_the_start(tmp_path: Path) -> None:
    cursor = Cursor(tmp_path / "agent.sqlite3")
    old = open_ledger(tmp_path / "old" / "ledger.sqlite3")
    old.count("visit_started", "", H10)
    scan(old, cursor)
    new = open_ledger(tmp_path / "new" / "ledger.sqlite3")  # a new SD card, same hour
    new.count("visit_started", "", H10)
    cursor.confirm([(1, 10**6)])
    scan(new, cursor)
    (row,) = rows(cursor, Kind.COUNTERS)
    assert row["ledger"] == rows_ledger(new) != rows_ledger(old)
    assert row["counts"] == [["visit_started", "", 1]]


def test_the_agent_cannot_write_the_ledger(ledger: Ledger) -> None:
    ledger.count("visit_started", "", H10)
    reader = LedgerReader(ledger.path)
    assert reader.changed() is True
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader._connect().execute("DELETE FROM stats")
    assert ledger.counts(H10, H11)[0].count == 1
    assert reader.changed() is False
    ledger.count("visit_started", "", H10)
    assert reader.changed() is True, "a commit by the kiosk is noticed"


def test_a_missing_ledger_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerUnreadable, match="has the kiosk run yet"):
        LedgerReader(tmp_path / "nothing.sqlite3").changed()
