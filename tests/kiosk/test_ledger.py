"""The ledger: durable vend intents and outcomes, stock that staff can trust, anonymous counts."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hardware.dispenser import VendOutcome
from hardware.protocol import VendResultCode
from hardware.vend import PendingVend, VendKind, reconcile
from kiosk.cabinet.ledger import SCHEMA_VERSION, Ledger, LedgerError
from kiosk.shell.config import Slot

SLOTS = (Slot(1, "candy", capacity=5, low_stock=1), Slot(2, "tea", capacity=3))
T0 = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


@pytest.fixture
def ledger(path: Path) -> Iterator[Ledger]:
    opened = Ledger(path, now=lambda: T0)
    opened.sync_slots(SLOTS, fill_new=True)
    yield opened
    opened.close()


def raw(path: Path) -> sqlite3.Connection:
    """A second, independent connection: what another process would see on the disk."""
    return sqlite3.connect(str(path))


# --- vend ids ----------------------------------------------------------------------------------


def test_vend_ids_never_repeat_across_restarts(path: Path) -> None:
    seen: list[int] = []
    for _ in range(4):
        ledger = Ledger(path)
        ledger.sync_slots(SLOTS, fill_new=True)
        for _ in range(3):
            vend_id = ledger.begin(1)
            seen.append(vend_id)
            ledger.finish(vend_id, VendOutcome.DISPENSED)
        ledger.close()
    assert len(seen) == len(set(seen)) == 12


def test_vend_ids_never_repeat_after_a_crash(path: Path) -> None:
    first = Ledger(path)
    first.sync_slots(SLOTS)
    before = first.begin(1)
    # No close(): the process "died". The next run opens the same file.
    second = Ledger(path)
    after = second.begin(2)
    assert after != before
    assert second.unfinished_vends() == [PendingVend(before, 1), PendingVend(after, 2)]
    second.close()


def test_intent_is_on_disk_before_begin_returns(ledger: Ledger, path: Path) -> None:
    vend_id = ledger.begin(2, VendKind.TEST)
    row = (
        raw(path)
        .execute("SELECT slot, kind, outcome FROM vends WHERE vend_id = ?", (vend_id,))
        .fetchone()
    )
    assert row == (2, "test", None)


def test_outcome_is_on_disk_when_finish_returns(ledger: Ledger, path: Path) -> None:
    vend_id = ledger.begin(1)
    ledger.finish(vend_id, VendOutcome.NO_DROP, "no beam break in 2.0 s")
    row = (
        raw(path)
        .execute("SELECT outcome, detail FROM vends WHERE vend_id = ?", (vend_id,))
        .fetchone()
    )
    assert row == ("no_drop", "no beam break in 2.0 s")


def test_database_runs_in_wal_with_full_sync(ledger: Ledger, path: Path) -> None:
    assert raw(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert ledger._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_vend_id_wraps_from_65535_to_1(ledger: Ledger, path: Path) -> None:
    with raw(path) as db:
        db.execute("UPDATE counters SET value = 65534 WHERE name = 'vend_id'")
    assert ledger.begin(1) == 65535
    ledger.finish(65535, VendOutcome.DISPENSED)
    assert ledger.begin(1) == 1


def test_wrapping_skips_an_id_that_is_still_unfinished(ledger: Ledger, path: Path) -> None:
    stuck = ledger.begin(1)
    assert stuck == 1
    with raw(path) as db:
        db.execute("UPDATE counters SET value = 65535 WHERE name = 'vend_id'")
    assert ledger.begin(2) == 2


def test_each_vend_gets_exactly_one_outcome(ledger: Ledger) -> None:
    vend_id = ledger.begin(1)
    ledger.finish(vend_id, VendOutcome.DISPENSED)
    with pytest.raises(LedgerError):
        ledger.finish(vend_id, VendOutcome.UNVERIFIED)
    assert [v.outcome for v in ledger.vends()] == [VendOutcome.DISPENSED]


def test_finishing_an_unknown_vend_is_refused(ledger: Ledger) -> None:
    with pytest.raises(LedgerError):
        ledger.finish(4242, VendOutcome.DISPENSED)


def test_two_threads_never_get_the_same_vend_id(ledger: Ledger) -> None:
    ids: list[int] = []
    lock = threading.Lock()

    def vend_many() -> None:
        for _ in range(20):
            vend_id = ledger.begin(1)
            ledger.finish(vend_id, VendOutcome.NO_DROP)
            with lock:
                ids.append(vend_id)

    workers = [threading.Thread(target=vend_many) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(ids) == len(set(ids)) == 60


def test_vend_worker_and_ui_thread_write_at_the_same_time(ledger: Ledger) -> None:
    def vend_worker() -> None:
        for _ in range(30):
            ledger.finish(ledger.begin(1), VendOutcome.NO_DROP)

    def ui_thread() -> None:
        for _ in range(30):
            ledger.count("help_view", "", T0)

    workers = [threading.Thread(target=vend_worker), threading.Thread(target=ui_thread)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(ledger.vends()) == 30
    assert [r.count for r in ledger.counts(datetime(2026, 3, 1), datetime(2026, 3, 4))] == [30]


# --- reconciliation at start -------------------------------------------------------------------


class RememberingBoard:
    """A board that answers VEND_RESULT from what it remembers; it is never asked to VEND."""

    def __init__(self, memory: dict[int, VendResultCode]) -> None:
        self.memory = memory
        self.asked: list[int] = []

    def vend_result(self, vend_id: int) -> VendResultCode:
        self.asked.append(vend_id)
        return self.memory.get(vend_id, VendResultCode.UNKNOWN)


@pytest.mark.parametrize(
    ("answer", "outcome", "count", "in_use"),
    [
        (VendResultCode.DONE, VendOutcome.DISPENSED, 4, True),
        (VendResultCode.MOTOR_STALL, VendOutcome.MOTOR_FAULT, 5, False),
        (VendResultCode.NO_MOTOR, VendOutcome.MOTOR_FAULT, 5, False),
        (VendResultCode.UNKNOWN, VendOutcome.UNVERIFIED, 5, True),
    ],
)
def test_reconciling_each_board_answer_after_a_restart(
    path: Path,
    answer: VendResultCode,
    outcome: VendOutcome,
    count: int,
    in_use: bool,
) -> None:
    before = Ledger(path)
    before.sync_slots(SLOTS, fill_new=True)
    vend_id = before.begin(1)  # then the process died
    after = Ledger(path)
    board = RememberingBoard({vend_id: answer})
    results = reconcile(board, after)  # type: ignore[arg-type]
    assert [(r.vend_id, r.outcome) for r in results] == [(vend_id, outcome)]
    assert after.unfinished_vends() == []
    assert after.slot(1).count == count
    assert (1 in after.stocked_slots()) is in_use
    assert board.asked == [vend_id]
    assert after.begin(1) != vend_id  # and the id is not handed out again
    after.close()


# --- stock -------------------------------------------------------------------------------------


def test_dispensed_takes_one_from_stock(ledger: Ledger) -> None:
    ledger.finish(ledger.begin(1), VendOutcome.DISPENSED)
    assert ledger.slot(1).count == 4


@pytest.mark.parametrize(
    "outcome",
    [
        VendOutcome.NO_DROP,
        VendOutcome.MOTOR_FAULT,
        VendOutcome.BOARD_UNREACHABLE,
        VendOutcome.UNVERIFIED,
    ],
)
def test_only_dispensed_changes_stock(ledger: Ledger, outcome: VendOutcome) -> None:
    ledger.finish(ledger.begin(1), outcome)
    assert ledger.slot(1).count == 5


def test_no_drop_takes_the_slot_out_until_refilled(ledger: Ledger) -> None:
    ledger.finish(ledger.begin(2), VendOutcome.NO_DROP)
    assert ledger.slot(2).suspected_empty
    assert ledger.stocked_slots() == {1: "candy"}
    ledger.refill(2)
    assert ledger.stocked_slots() == {1: "candy", 2: "tea"}


def test_motor_fault_takes_the_slot_out_until_enabled(ledger: Ledger) -> None:
    ledger.finish(ledger.begin(1), VendOutcome.MOTOR_FAULT)
    assert ledger.stocked_slots() == {2: "tea"}
    ledger.refill(1)
    assert 1 not in ledger.stocked_slots()  # a refill does not mend a motor
    ledger.enable(1)
    assert ledger.stocked_slots() == {1: "candy", 2: "tea"}


def test_stock_never_goes_negative(ledger: Ledger) -> None:
    ledger.refill(2, 0)
    ledger.finish(ledger.begin(2), VendOutcome.DISPENSED)
    assert ledger.slot(2).count == 0


def test_an_empty_slot_is_not_offered(ledger: Ledger) -> None:
    for _ in range(3):
        ledger.finish(ledger.begin(2), VendOutcome.DISPENSED)
    assert ledger.slot(2).count == 0
    assert 2 not in ledger.stocked_slots()
    assert ledger.slot(2).needs_staff


def test_refill_is_recorded_and_bounded(ledger: Ledger) -> None:
    ledger.finish(ledger.begin(1), VendOutcome.DISPENSED)
    ledger.refill(1, 5)
    with pytest.raises(LedgerError):
        ledger.refill(1, 6)
    with pytest.raises(LedgerError):
        ledger.refill(1, -1)
    assert [(r.slot, r.count_before, r.count_after) for r in ledger.refills()] == [(1, 4, 5)]


def test_disabled_slot_is_not_offered(ledger: Ledger) -> None:
    ledger.disable(1)
    assert ledger.stocked_slots() == {2: "tea"}
    ledger.enable(1)
    assert ledger.stocked_slots() == {1: "candy", 2: "tea"}


def test_low_stock_is_flagged(ledger: Ledger) -> None:
    ledger.refill(1, 2)
    assert not ledger.slot(1).is_low
    ledger.finish(ledger.begin(1), VendOutcome.DISPENSED)
    assert ledger.slot(1).is_low


def test_new_slots_start_empty_on_a_real_machine(path: Path) -> None:
    ledger = Ledger(path)
    ledger.sync_slots(SLOTS)
    assert ledger.stocked_slots() == {}
    assert [s.count for s in ledger.slots()] == [0, 0]
    ledger.close()


def test_sync_keeps_counts_empties_changed_items_and_drops_removed_slots(ledger: Ledger) -> None:
    ledger.finish(ledger.begin(1), VendOutcome.DISPENSED)
    ledger.sync_slots((Slot(1, "candy", capacity=3), Slot(2, "sticker"), Slot(3, "tea")))
    by_number = {s.number: s for s in ledger.slots()}
    assert by_number[1].count == 3  # 4 left, but the slot now holds only 3
    assert by_number[2].item == "sticker" and by_number[2].count == 0
    assert by_number[3].count == 0
    ledger.sync_slots((Slot(1, "candy", capacity=3),))
    assert [s.number for s in ledger.slots()] == [1]


def test_stock_survives_a_restart(path: Path) -> None:
    ledger = Ledger(path)
    ledger.sync_slots(SLOTS, fill_new=True)
    ledger.finish(ledger.begin(1), VendOutcome.DISPENSED)
    ledger.close()
    again = Ledger(path)
    again.sync_slots(SLOTS, fill_new=True)
    assert again.slot(1).count == 4
    again.close()


def test_unknown_slot_is_an_error(ledger: Ledger) -> None:
    with pytest.raises(LedgerError):
        ledger.refill(9)


# --- statistics and crashes ---------------------------------------------------------------------


def test_counts_are_bucketed_by_hour(ledger: Ledger) -> None:
    nine = datetime(2026, 3, 2, 9, 5)
    ledger.count("visit_started", "", nine)
    ledger.count("visit_started", "", nine.replace(minute=55))
    ledger.count("symptom", "too_many_thoughts", nine.replace(hour=10))
    rows = ledger.counts(datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 11))
    assert [(r.hour, r.event, r.key, r.count) for r in rows] == [
        ("2026-03-02T09:00", "visit_started", "", 2),
        ("2026-03-02T10:00", "symptom", "too_many_thoughts", 1),
    ]


def test_counts_end_is_exclusive_on_the_hour(ledger: Ledger) -> None:
    ledger.count("help_view", "", datetime(2026, 3, 2, 10, 30))
    assert ledger.counts(datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10)) == []
    assert len(ledger.counts(datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10, 31))) == 1


def test_statistics_refuse_free_text(ledger: Ledger) -> None:
    with pytest.raises(LedgerError):
        ledger.count("symptom", "나는 오늘 너무 외로워요")


def test_unclean_end_is_counted_as_a_crash(path: Path) -> None:
    clean = Ledger(path, now=lambda: T0)
    clean.close()
    assert not Ledger(path, now=lambda: T0).crashed_last_run  # left open: the process "died"
    after_crash = Ledger(path, now=lambda: T0)
    assert after_crash.crashed_last_run
    rows = after_crash.counts(datetime(2026, 3, 1), datetime(2026, 3, 3))
    assert [(r.event, r.count) for r in rows] == [("crash", 1)]
    after_crash.close()


def test_first_run_is_not_a_crash(path: Path) -> None:
    ledger = Ledger(path)
    assert not ledger.crashed_last_run
    ledger.close()


# --- schema ------------------------------------------------------------------------------------


def test_schema_version_is_recorded(ledger: Ledger, path: Path) -> None:
    assert raw(path).execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]


def test_a_newer_schema_is_left_alone(path: Path) -> None:
    Ledger(path).close()
    with raw(path) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(LedgerError, match="newer"):
        Ledger(path)


def test_a_file_that_is_not_a_database_is_an_error(path: Path) -> None:
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LedgerError, match=str(path)):
        Ledger(path)
