"""The ledger's printed slips and paper (schema 4), and the upgrade of a ledger from before."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.cabinet.ledger import _MIGRATIONS, SCHEMA_VERSION, Ledger, LedgerError


def third_schema_ledger(path: Path) -> None:
    """A ledger as the kiosk left it before the printer (schema 3), with a vend, a counter
    and an alert in it."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for statements in _MIGRATIONS[:3]:
        for statement in statements:
            db.execute(statement)
    db.execute("INSERT INTO schema_version (version) VALUES (3)")
    db.execute(
        "INSERT INTO vends (vend_id, slot, kind, intent_at, outcome, outcome_at) "
        "VALUES (7, 2, 'visit', '2026-03-03T09:00:00+00:00', 'dispensed', "
        "'2026-03-03T09:00:02+00:00')"
    )
    db.execute("UPDATE counters SET value = 7 WHERE name = 'vend_id'")
    db.execute("INSERT INTO stats VALUES ('2026-03-03T09:00', 'visit_started', '', 5, 0)")
    db.execute(
        "INSERT INTO alerts (at, kind, slot, state) VALUES ('2026-03-03T09:00:00', 'low', 2, "
        "'raised')"
    )
    db.commit()
    db.close()


def test_a_ledger_from_before_the_printer_is_upgraded_and_keeps_everything(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ledger.sqlite3"
    third_schema_ledger(path)
    ledger = Ledger(path)
    try:
        assert ledger.last_vend_id() == 7
        assert [v.vend_id for v in ledger.vends()] == [7]
        assert ledger.last_slip_no() == 0 and ledger.paper_used_mm() == 0
        ledger.record_slip(1, "printed", 150)
    finally:
        ledger.close()
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT version FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("SELECT SUM(count) FROM stats").fetchone() == (5,)
        assert db.execute("SELECT kind, slot FROM alerts").fetchall() == [("low", 2)]
        assert db.execute("SELECT slip_no, result, length_mm FROM slips").fetchall() == [
            (1, "printed", 150)
        ]
    finally:
        db.close()


def test_slips_and_paper_are_counted_until_the_roll_is_changed(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    try:
        assert ledger.record_slip(1, "printed", 160) == 160
        assert ledger.record_slip(2, "interrupted", 40, "the paper roll is empty") == 200
        assert ledger.record_slip(3, "not_printed", 0) == 200
        assert ledger.slip_results() == {"printed": 1, "interrupted": 1, "not_printed": 1}
        assert ledger.last_slip_no() == 3
        ledger.paper_changed(50_000)
        assert ledger.paper_used_mm() == 0
        assert ledger.last_slip_no() == 3  # a new roll does not start the numbers again
        with pytest.raises(LedgerError):
            ledger.record_slip(4, "lost in the post", 10)  # results are ids, checked
        assert ledger.write_fault is None  # a wrong id is not a disk fault
    finally:
        ledger.close()


def test_the_ledger_takes_every_result_the_printer_driver_gives() -> None:
    from hardware.printer import PrintResult
    from kiosk.cabinet.ledger import SLIP_RESULTS

    assert {r.value for r in PrintResult} == set(SLIP_RESULTS)
