"""One vend = door → intent → VEND → result → drop, and start-up reconciliation.

First against a scripted board (every answer the board can give, no waiting), then against the
simulated board on a pty with mock GPIO wired to it (the whole stack, bytes on a wire).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from hardware.board import Board
from hardware.dispenser import VendOutcome, VendResult
from hardware.errors import BoardDisconnected, BoardUnreachable, VendRefused
from hardware.gpio import CabinetIO, make_pin_factory
from hardware.protocol import Cmd, VendCode, VendResultCode
from hardware.sim_wiring import (
    DropOnDone,
    close_door,
    fall_through_beam,
    open_door,
    wire_drop_sensor,
)
from hardware.simulator import PtyBoardServer, SimulatedBoard
from hardware.vend import BoardDispenser, PendingVend, reconcile
from tests.hardware.scripted import Answer, Clock, MemoryJournal, ScriptedBoard
from tests.hardware.wiring import Pins


@pytest.fixture
def io() -> Iterator[CabinetIO]:
    parts = CabinetIO.build(Pins(), make_pin_factory("mock"))
    close_door(parts)
    yield parts
    parts.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def journal() -> MemoryJournal:
    return MemoryJournal()


@pytest.fixture
def board(clock: Clock) -> ScriptedBoard:
    return ScriptedBoard(clock)


def dispenser(
    board: Any, io: CabinetIO, journal: MemoryJournal, clock: Clock, grace: float = 0.05
) -> BoardDispenser:
    return BoardDispenser(
        board,
        drop=io.drop_sensor,
        door=io.door,
        chute=io.chute_light,
        journal=journal,
        drop_grace_s=grace,
        clock=clock,
        sleep=clock.sleep,
    )


# --- the vend sequence, scripted board ---------------------------------------------------------


def test_item_falling_while_the_motor_turns_is_dispensed(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    board.during_vend = lambda vend_id: fall_through_beam(io)
    result = dispenser(board, io, journal, clock).vend(3)
    assert result == VendResult(VendOutcome.DISPENSED, 3, 1, result.detail)
    assert journal.outcomes[1][0] is VendOutcome.DISPENSED


def test_a_break_within_the_grace_period_after_done_is_dispensed(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    done = threading.Event()
    board.during_vend = lambda vend_id: done.set()
    vending = dispenser(board, io, journal, clock, grace=10.0)
    results: list[VendResult] = []
    worker = threading.Thread(target=lambda: results.append(vending.vend(2)))
    worker.start()
    assert done.wait(5.0)
    fall_through_beam(io)  # the item falls after the board already said DONE
    worker.join(5.0)
    assert [r.outcome for r in results] == [VendOutcome.DISPENSED]


def test_no_break_within_the_grace_period_is_no_drop(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    result = dispenser(board, io, journal, clock).vend(4)
    assert result.outcome is VendOutcome.NO_DROP
    assert journal.outcomes[1][0] is VendOutcome.NO_DROP
    assert board.vends == ["vend 1 4"]  # no automatic second try


def test_a_break_before_the_vend_does_not_count(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    fall_through_beam(io)  # a hand in the chute before the visit
    assert dispenser(board, io, journal, clock).vend(1).outcome is VendOutcome.NO_DROP


def test_intent_is_written_before_vend_is_sent(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    seen: list[list[PendingVend]] = []
    board.during_vend = lambda vend_id: seen.append(journal.unfinished_vends())
    dispenser(board, io, journal, clock).vend(5)
    assert seen == [[PendingVend(1, 5)]]


def test_door_open_is_refused_without_talking_to_the_board(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    open_door(io)
    result = dispenser(board, io, journal, clock).vend(1)
    assert result.outcome is VendOutcome.DOOR_OPEN and result.vend_id is None
    assert board.calls == [] and journal.intents == {}


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        (VendResultCode.MOTOR_STALL, VendOutcome.MOTOR_FAULT),
        (VendResultCode.NO_MOTOR, VendOutcome.MOTOR_FAULT),
        (VendRefused(1, 1, VendCode.SLOT_FAULTED), VendOutcome.MOTOR_FAULT),
        (VendRefused(1, 1, VendCode.BAD_SLOT), VendOutcome.MOTOR_FAULT),
        (VendRefused(1, 1, VendCode.BUSY), VendOutcome.BOARD_UNREACHABLE),
        (VendResultCode.UNKNOWN, VendOutcome.UNVERIFIED),
        (VendResultCode.RUNNING, VendOutcome.UNVERIFIED),
        (BoardUnreachable("no VEND_RESULT answered"), VendOutcome.UNVERIFIED),
        (BoardDisconnected("port lost"), VendOutcome.UNVERIFIED),
    ],
)
def test_each_board_answer_has_its_outcome(
    board: ScriptedBoard,
    io: CabinetIO,
    journal: MemoryJournal,
    clock: Clock,
    answer: Answer,
    outcome: VendOutcome,
) -> None:
    board.vend_answer = answer
    result = dispenser(board, io, journal, clock).vend(1)
    assert result.outcome is outcome
    assert journal.outcomes == {1: (outcome, result.detail)}
    assert board.vends == ["vend 1 1"]


@pytest.mark.parametrize(
    "answer", [VendResultCode.UNKNOWN, BoardUnreachable("lost"), VendResultCode.RUNNING]
)
def test_when_the_board_cannot_tell_a_seen_drop_is_dispensed(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock, answer: Answer
) -> None:
    board.vend_answer = answer
    board.during_vend = lambda vend_id: fall_through_beam(io)
    assert dispenser(board, io, journal, clock).vend(1).outcome is VendOutcome.DISPENSED


def test_silent_board_before_vend_is_unreachable_and_nothing_is_sent(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    board.status_error = BoardUnreachable("no reply to STATUS")
    vending = dispenser(board, io, journal, clock)
    result = vending.vend(1)
    assert result.outcome is VendOutcome.BOARD_UNREACHABLE and result.vend_id is None
    assert board.vends == [] and journal.intents == {}
    assert not vending.board_reachable and vending.last_error is not None


def test_after_losing_the_board_the_next_vend_reconnects(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    board.status_error = BoardUnreachable("no reply")
    vending = dispenser(board, io, journal, clock)
    vending.vend(1)
    board.status_error = None
    board.during_vend = lambda vend_id: fall_through_beam(io)
    assert vending.vend(1).outcome is VendOutcome.DISPENSED
    assert "reconnect" in board.calls
    assert vending.board_reachable and vending.last_error is None


def test_a_reconnect_that_fails_is_unreachable(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    board.is_open = False
    board.reconnect_error = BoardDisconnected("board did not come back within 1 s")
    result = dispenser(board, io, journal, clock).vend(1)
    assert result.outcome is VendOutcome.BOARD_UNREACHABLE
    assert board.vends == []


def test_chute_light_pulses_while_the_item_waits(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    # It pulses until the kiosk turns it off when the take-item screen ends (kiosk.cabinet.cabinet).
    board.during_vend = lambda vend_id: fall_through_beam(io)
    dispenser(board, io, journal, clock).vend(1)
    assert io.chute_light.is_pulsing


def test_chute_light_stays_dark_when_nothing_fell(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    dispenser(board, io, journal, clock).vend(1)
    assert not io.chute_light.is_pulsing


def test_a_vend_left_over_is_settled_before_the_next_vend(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    left = journal.begin(2)
    board.results = [VendResultCode.DONE]
    dispenser(board, io, journal, clock).vend(1)
    assert board.calls[:2] == [f"result {left}", "status"]
    assert journal.outcomes[left][0] is VendOutcome.DISPENSED
    assert board.vends == ["vend 2 1"]


# --- reconciliation, scripted board ------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ([VendResultCode.DONE], VendOutcome.DISPENSED),
        ([VendResultCode.MOTOR_STALL], VendOutcome.MOTOR_FAULT),
        ([VendResultCode.NO_MOTOR], VendOutcome.MOTOR_FAULT),
        ([VendResultCode.UNKNOWN], VendOutcome.UNVERIFIED),
        ([VendResultCode.RUNNING] * 100, VendOutcome.UNVERIFIED),
        (
            [VendResultCode.RUNNING, VendResultCode.RUNNING, VendResultCode.DONE],
            VendOutcome.NO_DROP,
        ),
        ([VendResultCode.RUNNING, VendResultCode.MOTOR_STALL], VendOutcome.MOTOR_FAULT),
    ],
)
def test_reconcile_records_each_board_answer(
    board: ScriptedBoard,
    io: CabinetIO,
    journal: MemoryJournal,
    clock: Clock,
    answers: list[Answer],
    outcome: VendOutcome,
) -> None:
    vend_id = journal.begin(3)
    board.results = list(answers)
    results = reconcile(
        board, journal, drop=io.drop_sensor, drop_grace_s=0.01, clock=clock, sleep=clock.sleep
    )
    assert [(r.vend_id, r.outcome) for r in results] == [(vend_id, outcome)]
    assert journal.outcomes[vend_id][0] is outcome
    assert board.vends == []  # never sent again


def test_reconcile_watches_the_drop_of_a_vend_still_running(
    board: ScriptedBoard, io: CabinetIO, journal: MemoryJournal, clock: Clock
) -> None:
    vend_id = journal.begin(3)
    board.results = [VendResultCode.RUNNING, VendResultCode.DONE]

    def turn(seconds: float) -> None:
        clock.sleep(seconds)
        fall_through_beam(io)  # the item falls while the restarted host watches

    results = reconcile(board, journal, drop=io.drop_sensor, clock=clock, sleep=turn)
    assert results[0].outcome is VendOutcome.DISPENSED
    assert journal.outcomes[vend_id][0] is VendOutcome.DISPENSED


def test_reconcile_without_an_answer_leaves_the_vend_for_later(
    board: ScriptedBoard, journal: MemoryJournal, clock: Clock
) -> None:
    vend_id = journal.begin(1)
    board.results = [BoardUnreachable("no reply")]
    with pytest.raises(BoardUnreachable):
        reconcile(board, journal, clock=clock, sleep=clock.sleep)
    assert journal.unfinished_vends() == [PendingVend(vend_id, 1)]


def test_reconcile_settles_every_unfinished_vend_oldest_first(
    board: ScriptedBoard, journal: MemoryJournal, clock: Clock
) -> None:
    first, second = journal.begin(1), journal.begin(2)
    board.results = [VendResultCode.DONE, VendResultCode.UNKNOWN]
    reconcile(board, journal, clock=clock, sleep=clock.sleep)
    assert journal.outcomes[first][0] is VendOutcome.DISPENSED
    assert journal.outcomes[second][0] is VendOutcome.UNVERIFIED
    assert board.calls == [f"result {first}", f"result {second}"]


# --- the whole stack: simulated board on a pty, mock GPIO wired to it ---------------------------


@pytest.fixture
def server() -> Iterator[PtyBoardServer]:
    sim = SimulatedBoard(revolution_s=0.02, stall_timeout_s=0.1, boot_s=0.0)
    with PtyBoardServer(sim, noise_bytes=0) as running:
        yield running


@pytest.fixture
def wired(server: PtyBoardServer, io: CabinetIO) -> Iterator[tuple[BoardDispenser, Board]]:
    wire_drop_sensor(server, io)
    link = Board(server.path)
    link.open()
    vending = BoardDispenser(
        link,
        drop=io.drop_sensor,
        door=io.door,
        chute=io.chute_light,
        journal=MemoryJournal(),
        drop_grace_s=0.1,
        poll_s=0.01,
    )
    yield vending, link
    vending.close()


def vend_frames(server: PtyBoardServer) -> list[int]:
    return [int.from_bytes(f.payload[:2], "big") for f in server.received if f.cmd == Cmd.VEND]


def test_good_slot_drops_its_item_once(
    server: PtyBoardServer, wired: tuple[BoardDispenser, Board], io: CabinetIO
) -> None:
    vending, _ = wired
    result = vending.vend(1)
    assert result.outcome is VendOutcome.DISPENSED
    assert server.revolutions == {result.vend_id: 1}
    assert io.drop_sensor.breaks == 1


def test_empty_slot_turns_but_nothing_falls(
    server: PtyBoardServer, wired: tuple[BoardDispenser, Board], io: CabinetIO
) -> None:
    server.empty_slot(2)
    result = wired[0].vend(2)
    assert result.outcome is VendOutcome.NO_DROP
    assert server.revolutions == {result.vend_id: 1}
    assert io.drop_sensor.breaks == 0


def test_stalled_slot_is_a_motor_fault_and_stays_one(
    server: PtyBoardServer, wired: tuple[BoardDispenser, Board]
) -> None:
    server.stall_slot(3)
    vending, _ = wired
    assert vending.vend(3).outcome is VendOutcome.MOTOR_FAULT
    again = vending.vend(3)  # the board now answers SLOT_FAULTED
    assert again.outcome is VendOutcome.MOTOR_FAULT and "faulted" in again.detail
    assert server.revolutions == {}


def test_missing_motor_is_a_motor_fault(
    server: PtyBoardServer, wired: tuple[BoardDispenser, Board]
) -> None:
    server.no_motor_slot(4)
    assert wired[0].vend(4).outcome is VendOutcome.MOTOR_FAULT


def test_door_open_puts_no_vend_on_the_wire(
    server: PtyBoardServer, wired: tuple[BoardDispenser, Board], io: CabinetIO
) -> None:
    open_door(io)
    assert wired[0].vend(1).outcome is VendOutcome.DOOR_OPEN
    assert vend_frames(server) == []
    close_door(io)
    assert wired[0].vend(1).outcome is VendOutcome.DISPENSED
    assert len(vend_frames(server)) == 1


def test_unplugged_board_is_unreachable_then_found_again(
    server: PtyBoardServer, wired: tuple[BoardDispenser, Board]
) -> None:
    vending, _ = wired
    server.unplug()
    lost = vending.vend(1)
    assert lost.outcome is VendOutcome.BOARD_UNREACHABLE and lost.vend_id is None
    server.replug()
    found = vending.vend(1)
    assert found.outcome is VendOutcome.DISPENSED
    assert vend_frames(server) == [found.vend_id]


def test_every_vend_id_turns_at_most_once_over_many_vends(
    server: PtyBoardServer, wired: tuple[BoardDispenser, Board]
) -> None:
    vending, _ = wired
    results = [vending.vend(slot) for slot in (1, 2, 3, 4, 5, 6) * 3]
    assert all(r.outcome is VendOutcome.DISPENSED for r in results)
    assert set(server.revolutions.values()) == {1}
    assert len(server.revolutions) == 18


def test_a_vend_id_the_board_remembers_from_before_turns_nothing_and_the_next_one_vends(
    server: PtyBoardServer, io: CabinetIO
) -> None:
    # A ledger newer than the board's last power-up hands out ids the board still remembers.
    wire_drop_sensor(server, io)
    journal = MemoryJournal()
    with Board(server.path) as link:
        assert link.vend(1, 4, poll_s=0.01) is VendResultCode.DONE  # an earlier ledger's vend 1
        vending = BoardDispenser(
            link,
            drop=io.drop_sensor,
            door=io.door,
            chute=io.chute_light,
            journal=journal,
            drop_grace_s=0.1,
            poll_s=0.01,
        )
        result = vending.vend(2)
    assert (result.outcome, result.vend_id) == (VendOutcome.DISPENSED, 2)
    assert journal.outcomes[1][0] is VendOutcome.BOARD_UNREACHABLE  # nothing turned for it
    assert "DUPLICATE" in journal.outcomes[1][1]
    assert server.revolutions == {1: 1, 2: 1}  # the old vend 1 was not turned again


def test_reconcile_finds_what_the_board_did_while_the_host_was_away(
    server: PtyBoardServer, io: CabinetIO
) -> None:
    wire_drop_sensor(server, io)
    journal = MemoryJournal()
    with Board(server.path) as link:
        finished = journal.begin(1)
        assert link.vend(finished, 1, poll_s=0.01) is VendResultCode.DONE  # then the host "died"
        turning = journal.begin(2)
        link.start_vend(turning, 2)  # the host "died" right after VEND
        results = reconcile(link, journal, drop=io.drop_sensor, poll_s=0.01)
    assert [(r.vend_id, r.outcome) for r in results] == [
        (finished, VendOutcome.DISPENSED),
        (turning, VendOutcome.DISPENSED),
    ]
    assert vend_frames(server) == [finished, turning]


def test_reconcile_after_the_board_restarted(server: PtyBoardServer, io: CabinetIO) -> None:
    journal = MemoryJournal()
    with Board(server.path) as link:
        forgotten = journal.begin(2)
        link.start_vend(forgotten, 2)
        server.reboot()  # the board lost power mid-vend: its history is gone
        link.reconnect(2.0)
        never_sent = journal.begin(3)  # the host died between the intent and VEND
        results = reconcile(link, journal, drop=io.drop_sensor, poll_s=0.01)
    assert [(r.vend_id, r.outcome) for r in results] == [
        (forgotten, VendOutcome.UNVERIFIED),
        (never_sent, VendOutcome.UNVERIFIED),
    ]
    assert vend_frames(server) == [forgotten]


def test_outside_board_with_mock_pins_drops_on_done(server: PtyBoardServer, io: CabinetIO) -> None:
    journal = MemoryJournal()
    with Board(server.path) as real:
        link = DropOnDone(real, io)
        vending = BoardDispenser(
            link,
            drop=io.drop_sensor,
            door=io.door,
            chute=io.chute_light,
            journal=journal,
            drop_grace_s=0.1,
            poll_s=0.01,
        )
        assert vending.vend(1).outcome is VendOutcome.DISPENSED
        server.revolution_s = 0.3  # slow enough to be found still turning
        turning = journal.begin(2)
        real.start_vend(turning, 2)  # the kiosk died while this one turned
        reconcile(link, journal, drop=io.drop_sensor, poll_s=0.01)
    assert journal.outcomes[turning][0] is VendOutcome.DISPENSED
    assert io.drop_sensor.breaks == 2
