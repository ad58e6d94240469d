"""Each slot turned once, as a test vend through the kiosk's own vend path.

A test turn is `BoardDispenser.turn(slot, VendKind.TEST)`: the same send-and-poll
(`Board.vend`), the same table from the board's answer and the drop sensor to an outcome
(`hardware.outcomes`), the same journal (the kiosk's ledger, kind 'test'), the same settling of
vends left unfinished and the same DUPLICATE handling as a visitor's vend. Three things differ,
on purpose:

- the technician turns motors with the service door open, to watch the spirals: they are the
  interlock, so the vend path is told the door is shut;
- the chute light stays dark: nobody waits at the chute for an item;
- the motor current is sampled between polls, for the verdict.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from hardware.diagnostics.checks import Check, CheckResult, Clock, Sleep
from hardware.diagnostics.verdicts import MotorRun, motor_verdict
from hardware.errors import BoardUnreachable
from hardware.protocol import Sensors
from hardware.vend import BoardDispenser, BoardLink, DropWitness, VendJournal, VendKind

MOTOR_DEADLINE_S = 6.0  # the board gives up on a stall after 4 s; beyond 6 s it did not stop


class TurnBoard(BoardLink, Protocol):
    """What a test turn needs of the board: the vend path's link, and its current sensor."""

    def sensors(self) -> Sensors: ...


class OpenedBoard(Protocol):
    """The board opened by the HELLO check (`BoardSession`)."""

    @property
    def opened(self) -> TurnBoard: ...


def slot_checks(
    session: OpenedBoard,
    slots: Sequence[int],
    journal: VendJournal,
    *,
    drop_sensor: Callable[[], DropWitness | None] = lambda: None,
    stocked: Callable[[int], bool | None] = lambda slot: None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    poll_s: float = 0.1,
    drop_grace_s: float = 2.0,
) -> list[Check]:
    """Turn each slot once as a test vend written down in `journal`.

    `drop_sensor` is asked at run time (the GPIO check may or may not have set it up): with a
    sensor, each turn also says whether an item fell, and `stocked(slot)` (from the ledger)
    whether one should have.
    """
    turns = _TestTurns(session, journal, drop_sensor, clock, sleep, poll_s, drop_grace_s)

    def check(slot: int) -> Check:
        def run() -> CheckResult:
            return motor_verdict(turns.turn(slot, stocked(slot)))

        # A bad line could lose a test vend's result: fix the link before turning motors.
        needs = ("board.hello", "board.link")
        return Check(f"slots.{slot}", f"slot {slot} motor", "slots", run, requires=needs)

    return [check(slot) for slot in slots]


class _DoorHeldOpen:
    """The technician is the interlock: the vend path's door check is told the door is shut."""

    @property
    def is_closed(self) -> bool:
        return True


class _Dark:
    """No chute light during the test: nobody waits at the chute for an item."""

    def pulse(self) -> None:
        return None

    def off(self) -> None:
        return None


@dataclass
class _PeakCurrent:
    board: TurnBoard
    peak: int | None = None

    def sample(self) -> None:
        try:
            current = self.board.sensors().motor_ma
        except BoardUnreachable:
            return  # a lost sample costs nothing: the turn's own answer is what counts
        if current == 0:
            return  # no motor runs (this one already stopped): not a reading of the turn
        self.peak = current if self.peak is None else max(self.peak, current)


@dataclass
class _TestTurns:
    session: OpenedBoard
    journal: VendJournal
    drop_sensor: Callable[[], DropWitness | None]
    clock: Clock
    sleep: Sleep
    poll_s: float
    drop_grace_s: float
    _vending: BoardDispenser | None = None
    _parts: tuple[TurnBoard, DropWitness | None] | None = None

    def turn(self, slot: int, stocked: bool | None) -> MotorRun:
        board = self.session.opened
        peak = _PeakCurrent(board)
        turn = self._dispenser(board, self.drop_sensor()).turn(
            slot, VendKind.TEST, on_poll=peak.sample
        )
        result = turn.result
        return MotorRun(
            slot,
            result.vend_id,
            turn.answer,
            result.outcome,
            result.detail,
            seconds=turn.seconds,
            peak_ma=peak.peak,
            dropped=turn.fell,
            stocked=stocked,
        )

    def _dispenser(self, board: TurnBoard, drop: DropWitness | None) -> BoardDispenser:
        # One dispenser for all the turns on one board: an outcome the ledger could not take
        # waits in it and is written before the next turn, as on the kiosk.
        if (
            self._vending is None
            or self._parts is None
            or self._parts[0] is not board
            or self._parts[1] is not drop
        ):
            self._vending = BoardDispenser(
                board,
                drop=drop,
                door=_DoorHeldOpen(),
                chute=_Dark(),
                journal=self.journal,
                kind=VendKind.TEST,
                drop_grace_s=self.drop_grace_s,
                deadline_s=MOTOR_DEADLINE_S,
                poll_s=self.poll_s,
                clock=self.clock,
                sleep=self.sleep,
            )
            self._parts = (board, drop)
        return self._vending
