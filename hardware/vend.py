"""One vend on the real machine: door interlock, drop sensor and the board's motor → an outcome.

The board turns a spiral and reports DONE; only the host's drop sensor knows whether an item
fell, only the host knows the service door, and only the host's journal can keep a vend from
being sent twice across restarts (see the datasheet, "What the board leaves to the host").
So one vend is:

1. door closed? If not: DOOR_OPEN, nothing is sent to the board and no vend_id is used.
2. the link: reconnect if it was lost, finish any vend left from before (`reconcile`), and
   ask STATUS. No answer: BOARD_UNREACHABLE, still nothing sent.
3. `journal.begin(slot)`: the intent, with a new vend_id, is committed to disk. If it cannot
   be: NOT_RECORDED, nothing sent.
4. arm the drop sensor, then VEND and poll VEND_RESULT (`Board.vend`).
5. The board's answer and the drop sensor make the outcome, by the one table in
   `hardware.outcomes` (shared with the start-up reconcile and the technician's test turn).
   DONE: the sensor is given the grace period (2 s); a break is DISPENSED (the chute light
   pulses until the kiosk turns it off), none is NO_DROP (the slot is suspected empty; never
   retried automatically). A stall, no motor, a faulted or missing slot: MOTOR_FAULT. BUSY past
   the deadline: BOARD_UNREACHABLE (the board did nothing). The board lost mid-vend, or it
   forgot the vend: the sensor is watched until a motor started then would surely have
   stopped, and decides alone: a break is DISPENSED, none UNVERIFIED. The VEND is never sent
   again. DUPLICATE (the board remembers the fresh vend_id from before the journal handed it
   out): nothing turned, so that id is finished as BOARD_UNREACHABLE and the next id is taken.
6. `journal.finish(vend_id, outcome, detail)`; if the journal fails now, the outcome waits in
   memory and is written before the next vend is allowed.

`reconcile(board, journal)` runs at start (and after a reconnect) before any new vend: each
vend begun but never finished is asked with VEND_RESULT and finished by the same table, the
drop counting as not watched unless the vend was still turning.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from hardware.dispenser import VendOutcome, VendResult
from hardware.errors import BoardError, BoardUnreachable, VendRefused
from hardware.outcomes import BoardAnswer, Meaning, NoAnswer, meaning, vend_outcome
from hardware.protocol import BoardState, VendCode, VendResultCode
from hardware.vend_types import (
    BoardLink,
    ChuteSignal,
    DoorState,
    DropWitness,
    PendingVend,
    VendJournal,
    VendKind,
)

__all__ = [  # the vend's vocabulary lives in hardware.vend_types; callers find it all here
    "BOARD_HISTORY",
    "DROP_GRACE_S",
    "MOTOR_LIMIT_S",
    "BoardDispenser",
    "BoardLink",
    "ChuteSignal",
    "DoorState",
    "DropWitness",
    "PendingVend",
    "Turn",
    "VendJournal",
    "VendKind",
    "reconcile",
    "watch_drop",
]

_log = logging.getLogger(__name__)

MOTOR_LIMIT_S = 4.0  # the board stops a motor that has not reached home within this
DROP_GRACE_S = 2.0  # an item may still be falling when the board reports DONE
BOARD_HISTORY = 16  # vends the board remembers (datasheet): 17 fresh ids always get through


@dataclass(frozen=True)
class Turn:
    """One vend with what its outcome was judged from: what the technician's test shows."""

    result: VendResult
    answer: BoardAnswer | None = None  # None: nothing was sent (see `result`)
    fell: bool | None = None  # the drop sensor saw a fall; None: nobody watched
    seconds: float = 0.0  # from VEND to the board's last answer


def watch_drop(
    drop: DropWitness | None,
    answer: BoardAnswer,
    started: float,
    grace_s: float,
    clock: Callable[[], float],
) -> bool | None:
    """What the drop sensor, armed at `started`, saw; waiting only as long as it matters.

    After DONE an item may still be falling: the grace period. When the board cannot tell,
    until a motor started at `started` would surely have stopped, plus the grace. When the
    outcome does not depend on it (a fault, nothing started), no waiting: only what was seen.
    """
    if drop is None:
        return None
    kind = meaning(answer)
    if kind is Meaning.TURNED:
        return drop.wait_for_drop(grace_s)
    if kind is Meaning.CANNOT_TELL:
        return drop.wait_for_drop(max(0.0, started + MOTOR_LIMIT_S + grace_s - clock()))
    return drop.wait_for_drop(0.0)


# --- start-up ----------------------------------------------------------------------------------


def reconcile(
    board: BoardLink,
    journal: VendJournal,
    *,
    drop: DropWitness | None = None,
    drop_grace_s: float = DROP_GRACE_S,
    poll_s: float = 0.1,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> list[VendResult]:
    """Finish every vend the journal left unfinished, from what the board remembers.

    Never sends VEND. A vend still RUNNING is waited for (the motor stops within 4 s); with a
    `drop` sensor its drop is watched, as in a normal vend. DONE found later (the drop was not
    watched) is recorded as DISPENSED: the spiral turned once, so the item most likely fell,
    and the stock follows the cabinet; the detail says it was not seen. UNKNOWN (the board
    restarted and forgot it) is UNVERIFIED. Raises BoardUnreachable if the board stops
    answering; the vends not yet finished stay unfinished for the next attempt.
    """
    results = []
    for pending in journal.unfinished_vends():
        outcome, detail = _settle_pending(board, pending, drop, drop_grace_s, poll_s, clock, sleep)
        journal.finish(pending.vend_id, outcome, detail)
        _log.warning(
            "vend %d (slot %d) reconciled: %s, %s",
            pending.vend_id,
            pending.slot,
            outcome.value,
            detail,
        )
        results.append(VendResult(outcome, pending.slot, pending.vend_id, detail))
    return results


def _settle_pending(
    board: BoardLink,
    pending: PendingVend,
    drop: DropWitness | None,
    drop_grace_s: float,
    poll_s: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> tuple[VendOutcome, str]:
    result = board.vend_result(pending.vend_id)
    # Only a vend still turning can be watched; one that ended while the host was away could not.
    witness = drop if result is VendResultCode.RUNNING else None
    started = clock()
    if result is VendResultCode.RUNNING:
        if witness is not None:
            witness.arm()
        end = started + MOTOR_LIMIT_S + 1.0
        while result is VendResultCode.RUNNING and clock() < end:
            sleep(poll_s)
            result = board.vend_result(pending.vend_id)
    fell = watch_drop(witness, result, started, drop_grace_s, clock)
    outcome, detail = vend_outcome(result, fell, slot=pending.slot, grace_s=drop_grace_s)
    return outcome, f"after a restart: {detail}"


# --- one vend ----------------------------------------------------------------------------------


class BoardDispenser:
    """The `Dispenser` of the real machine (and of the simulation, with a simulated board).

    One vend at a time; `vend` blocks for up to about `deadline_s + drop_grace_s` and must be
    called off the UI thread. Hardware faults become outcomes, and so does a failing journal
    (the ledger's disk): a vend whose intent cannot be written down is never made
    (NOT_RECORDED, nothing sent); an outcome the journal cannot take after the motor ran is
    kept in memory, told to the visitor as it happened, and written before the next vend.

    `drop` is None only for the technician's test without a drop sensor: nobody watches then.
    """

    def __init__(
        self,
        board: BoardLink,
        *,
        drop: DropWitness | None,
        door: DoorState,
        chute: ChuteSignal,
        journal: VendJournal,
        simulated: bool = False,
        kind: VendKind = VendKind.VISIT,
        drop_grace_s: float = DROP_GRACE_S,
        deadline_s: float = 8.0,
        poll_s: float = 0.1,
        reconnect_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._board = board
        self._drop = drop
        self._door = door
        self._chute = chute
        self._journal = journal
        self._simulated = simulated
        self.kind = kind
        self.drop_grace_s = drop_grace_s
        self.deadline_s = deadline_s
        self.poll_s = poll_s
        self.reconnect_s = reconnect_s
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._unwritten: list[tuple[int, VendOutcome, str]] = []
        self._link_lost = not board.is_open
        self.last_error: str | None = None if board.is_open else "board not connected"

    @property
    def simulated(self) -> bool:
        return self._simulated

    @property
    def board_reachable(self) -> bool:
        """False after the board stopped answering, until a vend finds it again."""
        return not self._link_lost

    def vend(self, slot: int, kind: VendKind | None = None) -> VendResult:
        """One vend from `slot`, recorded as `kind` (default: this dispenser's `kind`)."""
        return self.turn(slot, kind).result

    def turn(
        self, slot: int, kind: VendKind | None = None, *, on_poll: Callable[[], None] | None = None
    ) -> Turn:
        """`vend`, with what the outcome was judged from; `on_poll` is called before each poll
        while the motor turns (the technician's test samples the motor current there)."""
        with self._lock:
            if not self._door.is_closed:
                return Turn(VendResult(VendOutcome.DOOR_OPEN, slot, None, "service door open"))
            refused = self._ready()
            if refused is not None:
                return Turn(VendResult(refused[0], slot, None, refused[1]))
            turn = self._recorded(slot, self.kind if kind is None else kind, on_poll)
            # A DUPLICATE id turned nothing: the next fresh one will (the board remembers 16).
            for _ in range(BOARD_HISTORY):
                if turn.answer is not VendCode.DUPLICATE:
                    break
                turn = self._recorded(slot, self.kind if kind is None else kind, on_poll)
            result = turn.result
            if result.outcome is VendOutcome.DISPENSED:
                self._chute.pulse()
            log = _log.info if result.dispensed else _log.warning
            log(
                "vend %s slot %d: %s (%s)",
                result.vend_id,
                slot,
                result.outcome.value,
                result.detail,
            )
            return turn

    def _recorded(self, slot: int, kind: VendKind, on_poll: Callable[[], None] | None) -> Turn:
        """Intent written, VEND, outcome written: one vend_id's whole life."""
        try:
            vend_id = self._journal.begin(slot, kind)
        except Exception as exc:  # a vend that cannot be written down must not be made
            _log.error("vend on slot %d not made: the journal cannot be written: %s", slot, exc)
            return Turn(VendResult(VendOutcome.NOT_RECORDED, slot, None, f"journal: {exc}"))
        turn = self._run(vend_id, slot, on_poll)
        self._finish(vend_id, slot, turn.result.outcome, turn.result.detail)
        return turn

    def check_link(self) -> bool:
        """Find a lost board again without vending (write down outcomes the journal could not
        take, reconnect, settle, STATUS); True if all is well. For a background retry while
        no vend is being attempted."""
        with self._lock:
            return self._ready() is None

    @property
    def unwritten(self) -> int:
        """Outcomes known but not yet in the journal (its disk failed after the motor ran)."""
        return len(self._unwritten)

    def _finish(self, vend_id: int, slot: int, outcome: VendOutcome, detail: str) -> None:
        """Write the outcome down; if the journal fails, keep it here and write it before
        the next vend (the visitor is still told what really happened)."""
        try:
            self._journal.finish(vend_id, outcome, detail)
        except Exception as exc:
            _log.error(
                "vend %d slot %d ended %s (%s) but the journal cannot take it (%s): kept in "
                "memory and written when the journal works again",
                vend_id,
                slot,
                outcome.value,
                detail,
                exc,
            )
            self._unwritten.append((vend_id, outcome, detail))

    def _ready(self) -> tuple[VendOutcome, str] | None:
        """None when a vend may be made now; else the outcome that refuses it (nothing sent)."""
        while self._unwritten:
            vend_id, outcome, detail = self._unwritten[0]
            try:
                self._journal.finish(vend_id, outcome, detail)
            except Exception as exc:
                return VendOutcome.NOT_RECORDED, f"journal: {exc}"
            self._unwritten.pop(0)
            _log.warning("vend %d: outcome %s written down late", vend_id, outcome.value)
        try:
            problem = self._check_link()
        except Exception as exc:  # settling an old vend could not be written down
            return VendOutcome.NOT_RECORDED, f"journal: {exc}"
        return None if problem is None else (VendOutcome.BOARD_UNREACHABLE, problem)

    def close(self) -> None:
        self._chute.off()
        self._board.close()

    def _check_link(self) -> str | None:
        """None when the board answers and nothing from before is unfinished; else why not.

        Nothing has been sent for this vend yet, so a failure here is BOARD_UNREACHABLE.
        """
        try:
            if self._link_lost or not self._board.is_open:
                self._board.reconnect(self.reconnect_s)
                self._link_lost = False
            # Left over from a start-up or a reconnect where the board did not answer.
            reconcile(
                self._board,
                self._journal,
                drop=self._drop,
                drop_grace_s=self.drop_grace_s,
                poll_s=self.poll_s,
                clock=self._clock,
                sleep=self._sleep,
            )
            status = self._board.status()
        except BoardError as exc:
            return self._lost_link(exc)
        if status.state is BoardState.FAULT:
            _log.warning("board reports a fault (mask 0x%04X)", status.fault_mask)
        self.last_error = None
        return None

    def _lost_link(self, exc: BaseException) -> str:
        self._link_lost = True
        self.last_error = f"board unreachable: {exc}"
        _log.error("%s", self.last_error)
        return self.last_error

    def _run(self, vend_id: int, slot: int, on_poll: Callable[[], None] | None) -> Turn:
        """VEND, its result and the drop, judged by the table; the intent is on disk already."""
        started = self._clock()
        if self._drop is not None:
            self._drop.arm()
        note = ""
        answer: BoardAnswer
        try:
            answer = self._board.vend(
                vend_id,
                slot,
                deadline_s=self.deadline_s,
                poll_s=self.poll_s,
                fresh_id=True,  # just handed out by the journal: never an old vend's
                on_poll=on_poll,
            )
        except VendRefused as exc:
            answer = exc.vend_code
        except BoardUnreachable as exc:
            self._lost_link(exc)
            answer, note = NoAnswer.LINK_LOST, str(exc)
        except BoardError as exc:  # the board answered something MDP/1 does not allow
            answer, note = NoAnswer.ODD, str(exc)
        seconds = self._clock() - started
        fell = watch_drop(self._drop, answer, started, self.drop_grace_s, self._clock)
        outcome, detail = vend_outcome(
            answer, fell, slot=slot, grace_s=self.drop_grace_s, note=note
        )
        return Turn(VendResult(outcome, slot, vend_id, detail), answer, fell, seconds)
