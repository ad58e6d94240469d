"""The vocabulary of a vend: why it is made, a vend left unfinished, and what a vend needs of the
board, the drop sensor, the door, the chute light and the journal (as Protocols, so that the
real parts, the simulation and the tests' scripted parts all fit). Used through `hardware.vend`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from hardware.dispenser import VendOutcome
from hardware.protocol import BoardStatus, VendResultCode


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
        self,
        vend_id: int,
        slot: int,
        *,
        deadline_s: float = ...,
        poll_s: float = ...,
        fresh_id: bool = ...,
        on_poll: Callable[[], None] | None = ...,
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
