"""Every board answer ends in the documented outcome, in each of the three places that learn one.

The table below is written out by hand from docs/hardware.md ("From the board's answer to an
outcome"), not computed from `hardware.outcomes`, so a change to the code that the document does
not share fails here. The same rows are then played through each caller against a scripted board:
a visitor's vend (`BoardDispenser.vend`), the start-up reconcile of a vend left unfinished, and
the technician's test turn (`hwtest`'s slot check), and what each writes in the journal is
compared with the table. They cannot drift apart again without a test saying so.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from hardware.diagnostics import run_checks, slot_checks
from hardware.dispenser import VendOutcome
from hardware.errors import BoardProtocolError, BoardUnreachable, VendRefused
from hardware.gpio import CabinetIO, DropSensor, make_pin_factory
from hardware.outcomes import BoardAnswer, NoAnswer, vend_outcome
from hardware.protocol import VendCode, VendResultCode
from hardware.sim_wiring import close_door, fall_through_beam
from hardware.vend import MOTOR_LIMIT_S, BoardDispenser, VendKind, reconcile
from tests.hardware.scripted import Answer, Clock, MemoryJournal, ScriptedBoard
from tests.hardware.wiring import Pins

DISPENSED = VendOutcome.DISPENSED
NO_DROP = VendOutcome.NO_DROP
MOTOR_FAULT = VendOutcome.MOTOR_FAULT
NOTHING_DONE = VendOutcome.BOARD_UNREACHABLE
UNVERIFIED = VendOutcome.UNVERIFIED

# The board's answer → the outcome when the drop sensor saw a fall, saw none, nobody watched.
DOCUMENTED: list[tuple[BoardAnswer, tuple[VendOutcome, VendOutcome, VendOutcome]]] = [
    (VendResultCode.DONE, (DISPENSED, NO_DROP, DISPENSED)),
    (VendResultCode.MOTOR_STALL, (MOTOR_FAULT, MOTOR_FAULT, MOTOR_FAULT)),
    (VendResultCode.NO_MOTOR, (MOTOR_FAULT, MOTOR_FAULT, MOTOR_FAULT)),
    (VendCode.SLOT_FAULTED, (MOTOR_FAULT, MOTOR_FAULT, MOTOR_FAULT)),
    (VendCode.BAD_SLOT, (MOTOR_FAULT, MOTOR_FAULT, MOTOR_FAULT)),
    (VendCode.BUSY, (NOTHING_DONE, NOTHING_DONE, NOTHING_DONE)),
    (VendCode.DUPLICATE, (NOTHING_DONE, NOTHING_DONE, NOTHING_DONE)),
    (VendResultCode.RUNNING, (DISPENSED, UNVERIFIED, UNVERIFIED)),
    (VendResultCode.UNKNOWN, (DISPENSED, UNVERIFIED, UNVERIFIED)),
    (VendCode.ACCEPTED, (DISPENSED, UNVERIFIED, UNVERIFIED)),
    (NoAnswer.LINK_LOST, (DISPENSED, UNVERIFIED, UNVERIFIED)),
    (NoAnswer.ODD, (DISPENSED, UNVERIFIED, UNVERIFIED)),
]
SEEN = {True: "fell", False: "nothing fell", None: "not watched"}

# The driver never ends a vend on ACCEPTED (it polls on), so only the table itself can see it.
FROM_THE_DRIVER = [a for a, _ in DOCUMENTED if a is not VendCode.ACCEPTED]
# Reconcile only asks VEND_RESULT; no answer at all leaves the vend for later (test_vend.py).
FROM_VEND_RESULT = list(VendResultCode)


def rows(answers: Sequence[BoardAnswer]) -> list[object]:
    """(answer, fell, documented outcome) for each answer in `answers` and each drop seen."""
    table = {id(answer): outcomes for answer, outcomes in DOCUMENTED}
    return [
        pytest.param(answer, fell, outcome, id=f"{answer.name}-{SEEN[fell]}")
        for answer in answers
        for fell, outcome in zip(SEEN, table[id(answer)], strict=True)
    ]


def test_the_documented_table_has_every_answer_exactly_once() -> None:
    every: list[BoardAnswer] = [*VendResultCode, *VendCode, *NoAnswer]
    documented = [answer for answer, _ in DOCUMENTED]
    # By identity: the codes are IntEnums, and VendResultCode.DONE == VendCode.DUPLICATE.
    assert sorted(map(id, documented)) == sorted(map(id, every))


@pytest.mark.parametrize(("answer", "fell", "outcome"), rows([a for a, _ in DOCUMENTED]))
def test_the_table(answer: BoardAnswer, fell: bool | None, outcome: VendOutcome) -> None:
    got, detail = vend_outcome(answer, fell, slot=3, grace_s=2.0)
    assert got is outcome
    assert detail  # staff and the log always learn why


# --- the callers -------------------------------------------------------------------------------

GRACE_S = 0.05


@pytest.fixture
def io() -> Iterator[CabinetIO]:
    parts = CabinetIO.build(Pins(), make_pin_factory("mock"))
    close_door(parts)
    yield parts
    parts.close()


def driver_ends_with(answer: BoardAnswer) -> Answer:
    """How `Board.vend` hands the caller `answer`: returned, or raised."""
    if isinstance(answer, VendResultCode):
        return answer
    if isinstance(answer, VendCode):
        return VendRefused(1, 3, answer)
    if answer is NoAnswer.LINK_LOST:
        return BoardUnreachable("vend 1: no VEND_RESULT answered before the deadline")
    return BoardProtocolError("reply CMD 0x93 to VEND_RESULT")


def scripted_vend(answer: BoardAnswer, fell: bool | None, io: CabinetIO) -> ScriptedBoard:
    """A board whose first VEND ends with `answer` (the next ones DONE), the item falling
    while it turns when `fell`."""
    board = ScriptedBoard(Clock())
    board.vend_answers = [driver_ends_with(answer)]
    if fell:
        board.during_vend = lambda vend_id: fall_through_beam(io)
    return board


@pytest.mark.parametrize(("answer", "fell", "outcome"), rows(FROM_THE_DRIVER))
def test_a_visitors_vend_files_the_documented_outcome(
    io: CabinetIO, answer: BoardAnswer, fell: bool | None, outcome: VendOutcome
) -> None:
    board, journal = scripted_vend(answer, fell, io), MemoryJournal()
    vending = BoardDispenser(
        board,
        drop=None if fell is None else io.drop_sensor,
        door=io.door,
        chute=io.chute_light,
        journal=journal,
        drop_grace_s=GRACE_S,
        clock=board.clock,
        sleep=board.clock.sleep,
    )
    result = vending.vend(3)
    assert journal.outcomes[1][0] is outcome  # the first vend_id got `answer`
    if answer is VendCode.DUPLICATE:  # nothing turned for it: the next id did the vend
        assert (result.vend_id, board.vends) == (2, ["vend 1 3", "vend 2 3"])
    else:
        assert (result.outcome, result.vend_id, board.vends) == (outcome, 1, ["vend 1 3"])


@pytest.mark.parametrize(("answer", "fell", "outcome"), rows(FROM_VEND_RESULT))
def test_the_start_up_reconcile_files_the_documented_outcome(
    io: CabinetIO, answer: VendResultCode, fell: bool | None, outcome: VendOutcome
) -> None:
    clock, journal = Clock(), MemoryJournal()
    board = ScriptedBoard(clock)
    vend_id = journal.begin(3)
    if fell is None:
        # Nobody watched: the vend ended while the host was away (or no sensor for RUNNING).
        board.results = [answer] * 10
        drop = None if answer is VendResultCode.RUNNING else io.drop_sensor
    else:
        # Still turning when the host came back: watched from then on.
        board.results = [VendResultCode.RUNNING, *[answer] * 10]
        drop = io.drop_sensor

    def poll(seconds: float) -> None:
        # Each poll finds the motor a long while later, so the test never waits for one.
        clock.sleep(MOTOR_LIMIT_S)
        if fell:
            fall_through_beam(io)

    results = reconcile(board, journal, drop=drop, drop_grace_s=GRACE_S, clock=clock, sleep=poll)
    assert [(r.vend_id, r.outcome) for r in results] == [(vend_id, outcome)]
    assert journal.outcomes[vend_id][0] is outcome
    assert board.vends == []  # never sent again


@dataclass
class Opened:
    """The board session after HELLO, holding the scripted board."""

    opened: ScriptedBoard


@pytest.mark.parametrize(("answer", "fell", "outcome"), rows(FROM_THE_DRIVER))
def test_the_technicians_test_turn_files_the_documented_outcome(
    io: CabinetIO, answer: BoardAnswer, fell: bool | None, outcome: VendOutcome
) -> None:
    board, journal = scripted_vend(answer, fell, io), MemoryJournal()

    def sensor() -> DropSensor | None:  # the GPIO check set one up, or there is none
        return None if fell is None else io.drop_sensor

    checks = slot_checks(
        Opened(board),
        [3],
        journal,
        drop_sensor=sensor,
        clock=board.clock,
        sleep=board.clock.sleep,
        drop_grace_s=GRACE_S,
    )
    (done,) = run_checks(checks, person_present=False)
    assert journal.outcomes[1][0] is outcome  # the first vend_id got `answer`
    assert journal.kinds[1] is VendKind.TEST
    details = done.result.details
    if answer is VendCode.DUPLICATE:  # skipped, not reported: the next id made the turn
        assert (details["vend_id"], board.vends) == (2, ["vend 1 3", "vend 2 3"])
    else:
        assert (details["outcome"], details["board_result"]) == (outcome.value, answer.name)
        assert details["item_fell"] is fell
        assert board.vends == ["vend 1 3"]
