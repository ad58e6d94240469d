"""A board whose answers a test writes down, a clock that moves only when slept on, and the
VendJournal contract in memory: for every caller of the vend path (the vend, the start-up
reconcile, the technician's test turn) without a wire or a wait."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hardware.dispenser import VendOutcome
from hardware.protocol import BoardState, BoardStatus, Sensors, VendResultCode
from hardware.vend import PendingVend, VendKind


@dataclass
class MemoryJournal:
    """The VendJournal contract, in memory: ids from `next_id`, each vend finished exactly once."""

    intents: dict[int, int] = field(default_factory=dict)
    kinds: dict[int, VendKind] = field(default_factory=dict)
    outcomes: dict[int, tuple[VendOutcome, str]] = field(default_factory=dict)
    next_id: int = 1

    def begin(self, slot: int, kind: VendKind = VendKind.VISIT) -> int:
        vend_id = self.next_id
        self.next_id += 1
        self.intents[vend_id] = slot
        self.kinds[vend_id] = kind
        return vend_id

    def finish(self, vend_id: int, outcome: VendOutcome, detail: str = "") -> None:
        assert vend_id in self.intents and vend_id not in self.outcomes
        self.outcomes[vend_id] = (outcome, detail)

    def unfinished_vends(self) -> list[PendingVend]:
        return [PendingVend(v, s) for v, s in self.intents.items() if v not in self.outcomes]


class Clock:
    """Monotonic time that moves only when someone sleeps (or the scripted board turns)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


Answer = VendResultCode | BaseException


class ScriptedBoard:
    """A board whose answers the test writes down; it records every call.

    `vend` answers from `vend_answers` in order, then `vend_answer` for ever; it takes
    `turn_s` of the clock (default: its whole deadline, later than any motor could still turn)
    and calls `on_poll` once, as the driver does while the motor runs.
    """

    def __init__(self, clock: Clock, vend: Answer = VendResultCode.DONE) -> None:
        self.clock = clock
        self.vend_answer: Answer = vend
        self.vend_answers: list[Answer] = []
        self.turn_s: float | None = None
        self.results: list[Answer] = []  # VEND_RESULT answers, in order
        self.status_error: BaseException | None = None
        self.reconnect_error: BaseException | None = None
        self.motor_ma = 320
        self.is_open = True
        self.calls: list[str] = []
        self.during_vend: Callable[[int], None] = lambda vend_id: None

    def status(self) -> BoardStatus:
        self.calls.append("status")
        if self.status_error is not None:
            raise self.status_error
        return BoardStatus(BoardState.IDLE, 0, 0, 0)

    def sensors(self) -> Sensors:
        self.calls.append("sensors")
        return Sensors(0xFFFF, self.motor_ma, 12_000)

    def vend(
        self,
        vend_id: int,
        slot: int,
        *,
        deadline_s: float = 10.0,
        poll_s: float = 0.1,
        fresh_id: bool = False,
        on_poll: Callable[[], None] | None = None,
    ) -> VendResultCode:
        self.calls.append(f"vend {vend_id} {slot}")
        self.during_vend(vend_id)
        if on_poll is not None:
            on_poll()
        self.clock.now += deadline_s if self.turn_s is None else self.turn_s
        answer = self.vend_answers.pop(0) if self.vend_answers else self.vend_answer
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def vend_result(self, vend_id: int) -> VendResultCode:
        self.calls.append(f"result {vend_id}")
        answer = self.results.pop(0) if self.results else VendResultCode.UNKNOWN
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def reconnect(self, timeout_s: float) -> object:
        self.calls.append("reconnect")
        if self.reconnect_error is not None:
            raise self.reconnect_error
        self.is_open = True
        return None

    def close(self) -> None:
        self.is_open = False

    @property
    def vends(self) -> list[str]:
        return [c for c in self.calls if c.startswith("vend")]
