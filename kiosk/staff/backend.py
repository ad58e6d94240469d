"""What staff mode reads and changes: the ledger's slots and statistics, the content, the
board, the door and the drop sensor. Staff screens see only a `Snapshot`; changes go through
`StaffBackend` methods, which the staff mode calls from its worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Protocol

from kiosk.cabinet.alerts import Alert, AlertMonitor, alerts_for
from kiosk.cabinet.cabinet import Cabinet
from kiosk.cabinet.ledger import Ledger, SlotState
from kiosk.reports.stats import Totals, day_bounds, summarize
from kiosk.staff.content import ContentKeeper, ContentStatus
from prescriptions.live import ReloadResult

if TYPE_CHECKING:
    from kiosk.visit.printing.paper import PrinterCondition

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Live:
    """Hardware state that changes by itself; read every frame on the hardware screen."""

    dispensing_fault: str | None = None  # None: the cabinet can dispense
    door_closed: bool | None = None  # None: there is no door switch to read
    drop_breaks: int | None = None  # beam breaks since start; None: no drop sensor
    printer: PrinterCondition | None = None  # None: this machine has no printer


@dataclass(frozen=True)
class Snapshot:
    content: ContentStatus
    slots: tuple[SlotState, ...] = ()
    alerts: tuple[Alert, ...] = ()
    today: Totals = field(default_factory=Totals)
    live: Live = field(default_factory=Live)
    simulated: bool = False
    ledger_ok: bool = True
    day: date | None = None  # the day `today` counts


class StaffBackend(Protocol):
    def snapshot(self, today: date) -> Snapshot: ...

    def live(self) -> Live: ...

    def refill(self, slot: int, count: int | None) -> int: ...

    def set_enabled(self, slot: int, enabled: bool) -> None: ...

    def reload_content(self) -> ReloadResult: ...

    def check_board(self) -> bool: ...

    def paper_changed(self) -> None: ...

    @property
    def content(self) -> ContentKeeper: ...


class PrinterPart(Protocol):
    """What staff mode sees of the receipt printer (`kiosk.visit.printing.PrintService`)."""

    def condition(self) -> PrinterCondition: ...

    def paper_changed(self) -> None: ...


class CabinetBackend:
    """The running kiosk's cabinet. `ledger` and `cabinet` are None when the cabinet could not
    be set up; staff then see why, and can still look at the content."""

    def __init__(
        self,
        *,
        ledger: Ledger | None,
        cabinet: Cabinet | None,
        dispensing_fault: Callable[[], str | None],
        content: ContentKeeper,
        monitor: AlertMonitor | None = None,
        simulated: bool = False,
        printer: PrinterPart | None = None,
    ) -> None:
        self._ledger = ledger
        self._cabinet = cabinet
        self._fault = dispensing_fault
        self._content = content
        self._monitor = monitor
        self._simulated = simulated
        self._printer = printer

    @property
    def content(self) -> ContentKeeper:
        return self._content

    def snapshot(self, today: date) -> Snapshot:
        slots: tuple[SlotState, ...] = ()
        totals = Totals()
        if self._ledger is not None:
            slots = tuple(self._ledger.slots())
            totals = summarize(self._ledger.counts(*day_bounds(today, today)))
        if self._monitor is not None:
            alerts = self._monitor.check()  # the LED and the log follow what staff see
        else:
            alerts = alerts_for(slots, self._fault())
        return Snapshot(
            content=self._content.status(),
            slots=slots,
            alerts=tuple(alerts),
            today=totals,
            live=self.live(),
            simulated=self._simulated,
            ledger_ok=self._ledger is not None,
            day=today,
        )

    def live(self) -> Live:
        io = self._cabinet.io if self._cabinet is not None else None
        return Live(
            dispensing_fault=self._fault(),
            door_closed=None if io is None else io.door.is_closed,
            drop_breaks=None if io is None else io.drop_sensor.breaks,
            printer=None if self._printer is None else self._printer.condition(),
        )

    def refill(self, slot: int, count: int | None) -> int:
        before = self._need_ledger().slot(slot).count
        after = self._need_ledger().refill(slot, count).count
        log.info("staff: slot %d refilled, %d -> %d", slot, before, after)
        return after

    def set_enabled(self, slot: int, enabled: bool) -> None:
        ledger = self._need_ledger()
        if enabled:
            ledger.enable(slot)
        else:
            ledger.disable(slot)
        log.info("staff: slot %d %s", slot, "enabled" if enabled else "disabled")

    def reload_content(self) -> ReloadResult:
        result = self._content.reload()
        log.info("staff: content reload %s", "accepted" if result.accepted else "refused")
        return result

    def check_board(self) -> bool:
        if self._cabinet is None:
            return False
        return self._cabinet.check_board()

    def paper_changed(self) -> None:
        """Staff put a new roll in the printer: the paper estimate starts again."""
        if self._printer is None:
            raise RuntimeError("this machine has no printer")
        self._printer.paper_changed()
        log.info("staff: printer paper changed")

    def _need_ledger(self) -> Ledger:
        if self._ledger is None:
            raise RuntimeError(self._fault() or "the ledger is not open")
        return self._ledger
