"""One vend on the real machine: door interlock, drop sensor and the board's motor → an outcome.

(The full sequence, `BoardDispenser` and start-up `reconcile` are added below.)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from hardware.dispenser import VendOutcome


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
