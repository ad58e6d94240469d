"""The cabinet as the running kiosk sees it: dispenser, stock, statistics and history, plus a
per-frame `poll` that keeps the visit flow and the lights in step with the hardware.

A cabinet that cannot be built (the ledger cannot open, a part is broken) still gives a kiosk:
prescriptions without items, the help lines, and an honest word — never a crash.

Alerts (low stock, a slot out of use, the board lost) light the attention LED and are logged:
the `AlertMonitor` checks every few seconds from `poll` and after every vend. The service
button inside the cabinet becomes a pygame event that opens staff mode.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hardware.dispenser import Dispenser, VendResult
from hardware.gpio import Key
from kiosk.cabinet.alerts import Alert, AlertKind, AlertMonitor, alerts_for
from kiosk.cabinet.cabinet import Cabinet, NoDispensing, build_cabinet
from kiosk.cabinet.fleet_status import FLEET_STATUS, fleet_problem
from kiosk.cabinet.ledger import AlertRow, LedgerError
from kiosk.reports.held_stats import HeldStats, OffThreadStats
from kiosk.reports.stats import day_bounds, prescriptions_given
from kiosk.shell.config import KioskConfig
from kiosk.shell.inbox import (
    DispensingStatus,
    EarphoneChanged,
    KeypadPressed,
    ServiceButtonPressed,
)
from kiosk.shell.input import Nav
from kiosk.shell.writer import InlineWriter, Writer
from kiosk.visit.session import NoStats, Stats, Stock
from prescriptions.history import History, JsonHistory, MemoryHistory

log = logging.getLogger(__name__)

KEYPAD_NAV = {
    Key.PREVIOUS: Nav.PREVIOUS,
    Key.NEXT: Nav.NEXT,
    Key.SELECT: Nav.SELECT,
    Key.HELP: Nav.HELP,
}
_UNSET = object()  # nothing published yet: the first `publish` always posts


@dataclass
class NoStock:
    def stocked_slots(self) -> dict[int, str]:
        return {}


@dataclass
class CabinetLink:
    """The cabinet as the visit sees it. What changes in it (a vend, the board lost or found,
    the disk full) reaches the frame through the inbox: `publish` posts `DispensingStatus`
    when dispensing becomes possible or impossible, and the alert monitor (the one owner of
    the attention LED) posts `AlertsChanged`. Nothing here is polled per frame."""

    dispenser: Dispenser
    stock: Stock
    stats: Stats
    history: History
    cabinet: Cabinet | None = None
    build_fault: str | None = None  # why the cabinet could not be built at all
    monitor: AlertMonitor | None = None
    post: Callable[[object], None] = lambda _event: None
    # Runs work that reads or writes the ledger off the UI thread (the kiosk's disk writer).
    background: Callable[[Callable[[], None]], None] = lambda job: job()
    _published: object = field(default=_UNSET, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def dispensing_fault(self) -> str | None:
        """Why nothing can be dispensed now (setup failed, board lost, ledger unwritable)."""
        if self.build_fault is not None or self.cabinet is None:
            return self.build_fault
        return self.cabinet.board_fault or self.cabinet.storage_fault

    def publish(self) -> None:
        """Re-read the faults and the alerts; tell the frame what changed. Any thread."""
        with self._lock:
            fault = self.dispensing_fault()
            if fault != self._published:
                self._published = fault
                self.post(DispensingStatus(fault))
        if self.monitor is not None:
            self.monitor.check()

    def attach(self, post: Callable[[object], None]) -> None:
        """Report into another inbox from now on (the demo builds a kiosk per resolution);
        it is told the current state at once."""
        with self._lock:
            self.post = post
            self._published = _UNSET
        if self.monitor is not None:
            self.monitor.post = post
        self.publish()

    def call_person(self, calling: bool) -> None:
        """A visitor asked for a person (or the call is over): the attention LED and the staff
        alert, through the alert monitor (the LED's only owner), off the UI thread."""
        monitor = self.monitor
        if monitor is None:
            log.warning("a visitor asked for a person, but there is no LED to light")
            return

        def call() -> None:
            monitor.call_person(calling)

        self.background(call)

    def prescriptions_on(self, day: date) -> int:
        """How many prescriptions the ledger counted on `day` (the slips' running number goes
        on from there after a restart). A ledger read: call it off the UI thread."""
        if self.cabinet is None:
            return 0
        try:
            counts = self.cabinet.ledger.counts(*day_bounds(day, day))
        except Exception:  # the numbers then start again at 1: no visit is stopped for it
            log.exception("today's prescriptions could not be counted")
            return 0
        return prescriptions_given(counts)

    def chute_off(self) -> None:
        if self.cabinet is not None:
            self.cabinet.chute_off()

    def close(self) -> None:
        if self.cabinet is not None:
            self.cabinet.close()
        else:
            self.dispenser.close()


def open_cabinet(
    config: KioskConfig,
    port: str | None,
    post: Callable[[object], None] = lambda _e: None,
    writer: Writer | None = None,
) -> CabinetLink:
    """The cabinet the configuration describes, reporting into `post` (the kiosk's inbox);
    statistics and history are written by `writer` (the kiosk's disk writer), else at once."""
    writer = writer if writer is not None else InlineWriter()
    try:
        history: History = JsonHistory.in_data_dir(
            config.data_dir, config.no_repeat_window, writer.submit
        )
    except OSError as exc:
        log.error("prescription history cannot be kept in %s: %s", config.data_dir, exc)
        history = MemoryHistory(config.no_repeat_window)
    try:
        cabinet = build_cabinet(config, port)
    except Exception as exc:  # the kiosk still serves prescriptions and the help lines
        log.exception("OUT OF SERVICE: the cabinet could not be set up")
        reason = f"cabinet setup failed: {exc}"
        kind = AlertKind.STORAGE if isinstance(exc, LedgerError) else AlertKind.BOARD
        standing = [Alert(kind, detail=reason)]
        monitor = AlertMonitor(lambda: standing, lambda _on: None, post=post)  # no GPIO, no LED
        handle = CabinetLink(
            NoDispensing(reason),
            NoStock(),
            NoStats(),
            history,
            build_fault=reason,
            monitor=monitor,
            post=post,
        )
        handle.publish()
        return handle
    return cabinet_link(cabinet, history, post, writer)


def cabinet_link(
    cabinet: Cabinet,
    history: History,
    post: Callable[[object], None] = lambda _e: None,
    writer: Writer | None = None,
) -> CabinetLink:
    """The running kiosk's view of a built cabinet: after every vend and every board check
    the faults and the alerts are read again and what changed is posted."""
    monitor = alert_monitor(cabinet, post)
    held = HeldStats(cabinet.ledger)
    stats = OffThreadStats(held, writer or InlineWriter(), cabinet.ledger.clock)
    handle = CabinetLink(
        cabinet.dispenser,
        cabinet,
        stats,
        history,
        cabinet,
        monitor=monitor,
        post=post,
        background=(writer or InlineWriter()).submit,
    )
    handle.dispenser = ThenPublish(cabinet.dispenser, handle.publish)
    cabinet.on_change = handle.publish
    if cabinet.io is not None:  # the cabinet's buttons report into the inbox like the rest
        cabinet.io.keypad.on_key(lambda key: handle.post(KeypadPressed(KEYPAD_NAV[key])))
        cabinet.io.service_button.on_press(lambda: handle.post(ServiceButtonPressed()))
        jack = cabinet.io.earphone_jack
        if jack is not None:  # the front earphone jack: voice guidance and the speaker rule
            jack.on_change(lambda present: handle.post(EarphoneChanged(present)))
            if jack.present:  # plugged in before the kiosk started
                handle.post(EarphoneChanged(True))
    handle.publish()
    return handle


def alert_monitor(
    cabinet: Cabinet,
    post: Callable[[object], None],
    fleet_status: Path = FLEET_STATUS,
    clock: Callable[[], float] = time.monotonic,
) -> AlertMonitor:
    """Alerts from the ledger's slots, the board, the disk and the fleet agent, on the
    cabinet's attention LED; the ledger keeps them for the fleet agent to report."""
    io = cabinet.io
    ledger = cabinet.ledger

    def set_led(on: bool) -> None:
        if io is not None:
            io.attention_led.set(on)

    def read() -> list[Alert]:
        return alerts_for(
            ledger.slots(),
            cabinet.board_fault,
            storage_fault=cabinet.storage_fault,
            stock_unknown=ledger.stock_unknown(),
            fleet_problem=fleet_problem(fleet_status, clock()),
        )

    def record(alerts: Sequence[Alert]) -> None:
        ledger.record_alerts(
            AlertRow(a.kind.value, a.slot, a.item, a.count, a.detail) for a in alerts
        )

    return AlertMonitor(read, set_led, post=post, record=record)


class ThenPublish:
    """The dispenser the kiosk uses: after every vend the faults and alerts are read again, so
    a slot that ran low lights the LED at once and a lost board stops dispensing."""

    def __init__(self, inner: Dispenser, publish: Callable[[], None]) -> None:
        self._inner = inner
        self._publish = publish

    @property
    def simulated(self) -> bool:
        return self._inner.simulated

    def vend(self, slot: int) -> VendResult:
        try:
            return self._inner.vend(slot)
        finally:
            self._publish()

    def close(self) -> None:
        self._inner.close()
