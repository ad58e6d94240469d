"""The machine as the running kiosk sees it: dispenser, stock, statistics and history, plus a
per-frame `poll` that keeps the visit flow and the lights in step with the hardware.

A machine that cannot be built (the ledger cannot open, a part is broken) still gives a kiosk:
prescriptions without items, the help lines, and an honest word — never a crash.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from hardware.dispenser import Dispenser, VendOutcome
from kiosk.config import KioskConfig
from kiosk.flow import Screen
from kiosk.machine import Machine, OutOfService, build_machine
from kiosk.session import KioskSession, NoStats, Stats, Stock
from prescriptions.history import History, JsonHistory, MemoryHistory

log = logging.getLogger(__name__)


@dataclass
class NoStock:
    def stocked_slots(self) -> dict[int, str]:
        return {}


@dataclass
class MachineHandle:
    dispenser: Dispenser
    stock: Stock
    stats: Stats
    history: History
    machine: Machine | None = None
    fault: str | None = None  # why the machine could not be built at all
    _last_screen: Screen | None = field(default=None, repr=False)
    _last_outcome: VendOutcome | None = field(default=None, repr=False)

    def poll(self, session: KioskSession, now: float) -> None:
        """Once per frame; cheap. Dispensing follows the board; the chute light stops once
        the take-item screen is left."""
        fault = self.fault or (self.machine.fault if self.machine is not None else None)
        session.set_dispensing(fault is None, now)
        screen = session.state.screen
        if (
            self._last_screen is Screen.TAKE_ITEM
            and screen is not Screen.TAKE_ITEM
            and (self.machine is not None)
        ):
            self.machine.item_taken()
        self._last_screen = screen

    def close(self) -> None:
        if self.machine is not None:
            self.machine.close()
        else:
            self.dispenser.close()


def open_machine(config: KioskConfig, port: str | None) -> MachineHandle:
    try:
        history: History = JsonHistory.in_data_dir(config.data_dir, config.no_repeat_window)
    except OSError as exc:
        log.error("prescription history cannot be kept in %s: %s", config.data_dir, exc)
        history = MemoryHistory(config.no_repeat_window)
    try:
        machine = build_machine(config, port)
    except Exception as exc:  # the kiosk still serves prescriptions and the help lines
        log.exception("OUT OF SERVICE: the machine could not be set up")
        reason = f"machine setup failed: {exc}"
        return MachineHandle(OutOfService(reason), NoStock(), NoStats(), history, fault=reason)
    machine.post_keys_to_pygame()
    return MachineHandle(machine.dispenser, machine, machine.ledger, history, machine)
