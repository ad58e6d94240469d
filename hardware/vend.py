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
5. DONE: wait up to the grace period (2 s) for a beam break. Seen: DISPENSED, and the chute
   light pulses until the kiosk says the item was taken. Not seen: NO_DROP (the journal marks
   the slot suspected empty; it is never retried automatically).
   MOTOR_STALL, NO_MOTOR, SLOT_FAULTED, BAD_SLOT: MOTOR_FAULT (the slot is out of use).
   BUSY past the deadline: BOARD_UNREACHABLE (the board did nothing).
   The board lost mid-vend, or it forgot the vend (it restarted): the drop sensor decides:
   a break seen is DISPENSED; otherwise UNVERIFIED. The VEND is never sent again.
6. `journal.finish(vend_id, outcome, detail)`; if the journal fails now, the outcome waits in
   memory and is written before the next vend is allowed.

`reconcile(board, journal)` runs at start (and after a reconnect) before any new vend: each
vend begun but never finished is asked with VEND_RESULT and finished with its result, or as
UNVERIFIED when the board no longer knows it.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from hardware.dispenser import VendOutcome, VendResult
from hardware.errors import BoardError, BoardUnreachable, VendRefused
from hardware.protocol import BoardState, BoardStatus, VendCode, VendResultCode

_log = logging.getLogger(__name__)

MOTOR_LIMIT_S = 4.0  # the board stops a motor that has not reached home within this
DROP_GRACE_S = 2.0  # an item may still be falling when the board reports DONE


class VendKind(enum.Enum):
    """Why a vend was made: for a visitor, or by a technician testing a slot."""

    VISIT = "visit"
    TEST = "test"


@dataclass(frozen=True)
class PendingVend:
    """A vend whose intent was recorded but whose outcome was not (the host stopped mid-vend)."""

    vend_id: int
    slot: int


class VendJournal(Protocol):
    """Where vends are written down, so that none is ever sent twice (the kiosk's ledger).

    `begin` must have committed the intent durably before it returns: only then is VEND sent.
    """

    def begin(self, slot: int, kind: VendKind = VendKind.VISIT) -> int:
        """Record the intent to vend from `slot`; return its new vend_id (1..65535)."""
        ...

    def finish(self, vend_id: int, outcome: VendOutcome, detail: str = "") -> None:
        """Record the outcome of an unfinished vend (exactly once)."""
        ...

    def unfinished_vends(self) -> list[PendingVend]:
        """Vends begun but never finished, oldest first."""
        ...


class BoardLink(Protocol):
    """What a vend needs of the board driver (`hardware.board.Board`)."""

    @property
    def is_open(self) -> bool: ...

    def status(self) -> BoardStatus: ...

    def vend_result(self, vend_id: int) -> VendResultCode: ...

    def vend(
        self, vend_id: int, slot: int, *, deadline_s: float = ..., poll_s: float = ...
    ) -> VendResultCode: ...

    def reconnect(self, timeout_s: float) -> object: ...

    def close(self) -> None: ...


class DropWitness(Protocol):
    """What a vend needs of the drop sensor (`hardware.gpio.DropSensor`)."""

    def arm(self) -> None: ...

    def wait_for_drop(self, timeout_s: float) -> bool: ...


class DoorState(Protocol):
    @property
    def is_closed(self) -> bool: ...


class ChuteSignal(Protocol):
    def pulse(self) -> None: ...

    def off(self) -> None: ...


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
    watched = result is VendResultCode.RUNNING and drop is not None
    if result is VendResultCode.RUNNING:
        if drop is not None:
            drop.arm()
        end = clock() + MOTOR_LIMIT_S + 1.0
        while result is VendResultCode.RUNNING and clock() < end:
            sleep(poll_s)
            result = board.vend_result(pending.vend_id)
    prefix = "after a restart: "
    if result is VendResultCode.DONE:
        if not watched:
            return VendOutcome.DISPENSED, prefix + "board reported DONE; the drop was not watched"
        assert drop is not None
        if drop.wait_for_drop(drop_grace_s):
            return VendOutcome.DISPENSED, prefix + "DONE and the drop sensor saw the item fall"
        return VendOutcome.NO_DROP, prefix + f"DONE but no beam break within {drop_grace_s:g} s"
    if result in (VendResultCode.MOTOR_STALL, VendResultCode.NO_MOTOR):
        return VendOutcome.MOTOR_FAULT, prefix + f"board reported {result.name}"
    if result is VendResultCode.RUNNING:
        return VendOutcome.UNVERIFIED, prefix + "the board still reports it running"
    return (
        VendOutcome.UNVERIFIED,
        prefix + "the board does not know this vend (never received, or it restarted)",
    )


# --- one vend ----------------------------------------------------------------------------------


class BoardDispenser:
    """The `Dispenser` of the real machine (and of the simulation, with a simulated board).

    One vend at a time; `vend` blocks for up to about `deadline_s + drop_grace_s` and must be
    called off the UI thread. Hardware faults become outcomes, and so does a failing journal
    (the ledger's disk): a vend whose intent cannot be written down is never made
    (NOT_RECORDED, nothing sent); an outcome the journal cannot take after the motor ran is
    kept in memory, told to the visitor as it happened, and written before the next vend.
    """

    def __init__(
        self,
        board: BoardLink,
        *,
        drop: DropWitness,
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
        with self._lock:
            if not self._door.is_closed:
                return VendResult(VendOutcome.DOOR_OPEN, slot, None, "service door open")
            refused = self._ready()
            if refused is not None:
                return VendResult(refused[0], slot, None, refused[1])
            try:
                vend_id = self._journal.begin(slot, self.kind if kind is None else kind)
            except Exception as exc:  # a vend that cannot be written down must not be made
                _log.error("vend on slot %d not made: the journal cannot be written: %s", slot, exc)
                return VendResult(VendOutcome.NOT_RECORDED, slot, None, f"journal: {exc}")
            outcome, detail = self._run(vend_id, slot)
            self._finish(vend_id, slot, outcome, detail)
            if outcome is VendOutcome.DISPENSED:
                self._chute.pulse()
            log = _log.info if outcome is VendOutcome.DISPENSED else _log.warning
            log("vend %d slot %d: %s (%s)", vend_id, slot, outcome.value, detail)
            return VendResult(outcome, slot, vend_id, detail)

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

    def item_taken(self) -> None:
        """The take-item screen is over: the chute light stops."""
        self._chute.off()

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

    def _run(self, vend_id: int, slot: int) -> tuple[VendOutcome, str]:
        """VEND and its result; the intent is on disk already."""
        started = self._clock()
        self._drop.arm()
        try:
            result = self._board.vend(vend_id, slot, deadline_s=self.deadline_s, poll_s=self.poll_s)
        except VendRefused as exc:
            return _refused(exc.vend_code, slot)
        except BoardUnreachable as exc:
            self._lost_link(exc)
            return self._by_drop_alone(started, f"board lost mid-vend ({exc})")
        except BoardError as exc:  # the board answered something MDP/1 does not allow
            return self._by_drop_alone(started, f"board answered oddly ({exc})")
        if result is VendResultCode.DONE:
            if self._drop.wait_for_drop(self.drop_grace_s):
                return VendOutcome.DISPENSED, "DONE; the drop sensor saw the item fall"
            return (
                VendOutcome.NO_DROP,
                f"DONE but no beam break within {self.drop_grace_s:g} s: slot suspected empty",
            )
        if result is VendResultCode.MOTOR_STALL:
            return VendOutcome.MOTOR_FAULT, "motor stalled (home switch not reached in 4 s)"
        if result is VendResultCode.NO_MOTOR:
            return VendOutcome.MOTOR_FAULT, "no motor on this slot (open circuit)"
        if result is VendResultCode.RUNNING:
            return self._by_drop_alone(started, "still running at the deadline")
        return self._by_drop_alone(started, "the board no longer knows this vend (restarted?)")

    def _by_drop_alone(self, started: float, why: str) -> tuple[VendOutcome, str]:
        """The board cannot tell: the drop sensor, armed before VEND, is the only witness.

        Wait until a motor started at `started` would surely have stopped, plus the grace.
        """
        remaining = started + MOTOR_LIMIT_S + self.drop_grace_s - self._clock()
        if self._drop.wait_for_drop(max(0.0, remaining)):
            return VendOutcome.DISPENSED, f"{why}; the drop sensor saw the item fall"
        return VendOutcome.UNVERIFIED, f"{why}; no drop seen; never retried"


def _refused(code: VendCode, slot: int) -> tuple[VendOutcome, str]:
    """The board did not start the motor."""
    if code is VendCode.SLOT_FAULTED:
        return (
            VendOutcome.MOTOR_FAULT,
            f"board reports slot {slot} faulted (a RESET clears it after repair)",
        )
    if code is VendCode.BAD_SLOT:
        return VendOutcome.MOTOR_FAULT, f"the board has no slot {slot}"
    return VendOutcome.BOARD_UNREACHABLE, f"board {code.name} past the deadline; nothing done"
