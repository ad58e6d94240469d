"""The machine as the running kiosk sees it: dispenser, stock, statistics and history, plus a
per-frame `poll` that keeps the visit flow and the lights in step with the hardware.

A machine that cannot be built (the ledger cannot open, a part is broken) still gives a kiosk:
prescriptions without items, the help lines, and an honest word — never a crash.

Alerts (low stock, a slot out of use, the board lost) light the attention LED and are logged:
the `AlertMonitor` checks every few seconds from `poll` and after every vend. The service
button inside the cabinet becomes a pygame event that opens staff mode.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hardware.dispenser import Dispenser, VendOutcome, VendResult
from kiosk.alerts import Alert, AlertMonitor, alerts_for
from kiosk.config import KioskConfig
from kiosk.fleet_status import FLEET_STATUS, fleet_problem
from kiosk.flow import Screen
from kiosk.ledger import AlertRow
from kiosk.machine import Machine, OutOfService, build_machine
from kiosk.session import KioskSession, NoStats, Stats, Stock
from kiosk.staff.service import post_service_button_to_pygame
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
    monitor: AlertMonitor | None = None
    _last_screen: Screen | None = field(default=None, repr=False)
    _last_outcome: VendOutcome | None = field(default=None, repr=False)

    def current_fault(self) -> str | None:
        """Why nothing can be dispensed now (setup failed, board lost), or None."""
        return self.fault or (self.machine.fault if self.machine is not None else None)

    def poll(self, session: KioskSession, now: float) -> None:
        """Once per frame; cheap. Dispensing follows the board; the chute light stops once
        the take-item screen is left; alerts are checked every few seconds."""
        fault = self.current_fault()
        session.set_dispensing(fault is None, now)
        if self.monitor is not None:
            self.monitor.poll(now)
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
    if machine.io is not None:
        post_service_button_to_pygame(machine.io.service_button)
    return machine_handle(machine, history)


def machine_handle(machine: Machine, history: History) -> MachineHandle:
    """The running kiosk's view of a built machine: its vends followed by the alerts."""
    monitor = alert_monitor(machine)
    dispenser = AlertsFollow(machine.dispenser, monitor)
    return MachineHandle(dispenser, machine, machine.ledger, history, machine, monitor=monitor)


def alert_monitor(
    machine: Machine,
    fleet_status: Path = FLEET_STATUS,
    clock: Callable[[], float] = time.monotonic,
) -> AlertMonitor:
    """Alerts from the ledger's slots, the board and the fleet agent, on the cabinet's
    attention LED; the ledger keeps them for the fleet agent to report."""
    io = machine.io
    ledger = machine.ledger

    def set_led(on: bool) -> None:
        if io is not None:
            io.attention_led.set(on)

    def read() -> list[Alert]:
        return alerts_for(ledger.slots(), machine.fault, fleet_problem(fleet_status, clock()))

    def record(alerts: Sequence[Alert]) -> None:
        ledger.record_alerts(
            AlertRow(a.kind.value, a.slot, a.item, a.count, a.detail) for a in alerts
        )

    return AlertMonitor(read, set_led, record=record)


class AlertsFollow:
    """The dispenser the kiosk uses: after every vend the alerts are checked, so a slot that
    ran low lights the LED at once (the machine's own light rule knows only empty and
    faulty slots)."""

    def __init__(self, inner: Dispenser, monitor: AlertMonitor) -> None:
        self._inner = inner
        self._monitor = monitor

    @property
    def simulated(self) -> bool:
        return self._inner.simulated

    def vend(self, slot: int) -> VendResult:
        try:
            return self._inner.vend(slot)
        finally:
            self._monitor.check()

    def close(self) -> None:
        self._inner.close()
