"""What the kiosk sees of the machine's dispensing: one `Dispenser`, one `VendResult` per vend.

The kiosk never touches a serial port or a pin: it calls `Dispenser.vend(slot)` from a worker
thread (it blocks for up to a few seconds) and shows the outcome. Implementations:
`SimulatedDispenser` below (in-process, for the demo and UI tests) and the real composition of
board + drop sensor + door switch (issue #5).
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass, field
from typing import Protocol


class VendOutcome(enum.Enum):
    """How one vend ended, as the visitor and staff need to know it."""

    DISPENSED = "dispensed"  # the motor turned and the drop sensor saw the item fall
    NO_DROP = "no_drop"  # the motor turned but nothing fell: slot suspected empty
    MOTOR_FAULT = "motor_fault"  # stall or no motor: the slot is out of use
    DOOR_OPEN = "door_open"  # service door open: nothing was sent to the board
    BOARD_UNREACHABLE = "board_unreachable"  # the board did not answer (cable, power)
    OUT_OF_STOCK = "out_of_stock"  # no stocked slot could give anything
    UNVERIFIED = "unverified"  # the outcome could not be learned; never retried
    NOT_RECORDED = "not_recorded"  # the journal could not be written: nothing was sent


@dataclass(frozen=True)
class VendResult:
    outcome: VendOutcome
    slot: int | None
    vend_id: int | None = None
    detail: str = ""  # for logs and staff, never shown to visitors

    @property
    def dispensed(self) -> bool:
        return self.outcome is VendOutcome.DISPENSED


class Dispenser(Protocol):
    """One vend at a time. `vend` blocks; call it off the UI thread."""

    @property
    def simulated(self) -> bool:
        """True when no real hardware is behind it (the screen then says SIMULATION)."""
        ...

    def vend(self, slot: int) -> VendResult:
        """Turn `slot` once and report what happened. Never raises for hardware faults."""
        ...

    def close(self) -> None:
        """Release ports and pins."""
        ...


@dataclass
class SimulatedDispenser:
    """An in-process dispenser with fault knobs, for the demo and UI tests.

    `script` forces the next outcomes in order (then everything dispenses); `wait` is an
    optional event the vend waits on, so a test can hold a vend "in progress" without sleeping.
    """

    script: list[VendOutcome] = field(default_factory=list)
    wait: threading.Event | None = None
    vends: list[int] = field(default_factory=list)
    _next_id: int = 1

    @property
    def simulated(self) -> bool:
        return True

    def vend(self, slot: int) -> VendResult:
        if self.wait is not None:
            self.wait.wait()
        self.vends.append(slot)
        vend_id = self._next_id
        self._next_id += 1
        outcome = self.script.pop(0) if self.script else VendOutcome.DISPENSED
        return VendResult(outcome, slot, vend_id, "simulated")

    def close(self) -> None:
        return None
