"""What staff should know about the machine: low stock, a slot out of use, the board lost.

Every alert lights the attention LED on the cabinet, writes one log line when it appears (and
one when it clears), and is a line on the staff overview. `alerts_for` is pure; the
`AlertMonitor` reads the ledger after every vend, board check and staff action (whatever
changes the stock or the faults) and is the only owner of the attention LED.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kiosk.cabinet.ledger import SlotState
from kiosk.shell.inbox import AlertsChanged

log = logging.getLogger(__name__)

PERSON_CALL = "person"  # the `hold` source of a visitor's "직원 불러 주세요"


class AlertKind(enum.Enum):
    """Worst first; the screen text is `staff.alert.<value>`."""

    PERSON_CALLED = "person_called"  # a visitor pressed "직원 불러 주세요": someone is waiting
    STORAGE = "storage"  # the ledger cannot be written (disk full, read-only): no vends
    BOARD = "board"  # the board does not answer (or a part failed at start)
    AUDIO = "audio"  # voice guidance cannot speak (detail: engine_missing, device)
    STOCK_UNKNOWN = "stock_unknown"  # the ledger was found empty: count and refill the slots
    MOTOR_FAULT = "motor_fault"
    SUSPECTED_EMPTY = "suspected_empty"
    EMPTY = "empty"
    DISABLED = "disabled"  # staff took the slot out of use
    LOW = "low"  # at or below the slot's low_stock threshold
    FLEET = "fleet"  # the fleet agent cannot report to the centre (detail: its problem code)
    # The receipt printer: no slips until someone comes (visits go on without them)...
    PRINTER_UNPLUGGED = "printer_unplugged"  # its cable, power or USB
    PAPER_OUT = "paper_out"
    PRINTER_COVER = "printer_cover"  # its cover is open
    PRINTER_OFFLINE = "printer_offline"  # silent, an error (cutter jam, hot head), or garbage
    # ... and a warning: still printing. detail "sensor" (the near-end sensor) or "estimate"
    # (paper printed since the roll was changed); count: metres left by the estimate.
    PAPER_LOW = "paper_low"


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    slot: int | None = None
    item: str = ""
    count: int = 0
    detail: str = ""

    def describe(self) -> str:
        """One line for the log (English, ids only)."""
        if self.kind is AlertKind.FLEET:
            return f"fleet reporting: {self.detail}"
        if self.kind is AlertKind.PERSON_CALLED:
            return "a visitor asked for a person at the kiosk"
        if self.kind.value.startswith(("printer", "paper")):
            return f"printer: {self.kind.value.replace('_', ' ')} ({self.detail})"
        if self.kind is AlertKind.AUDIO:
            return f"voice guidance: {self.detail}"
        if self.slot is None:
            return f"machine: {self.detail}"
        what = self.kind.value.replace("_", " ")
        return f"slot {self.slot} ({self.item}): {what}, {self.count} left"


def slot_alert(slot: SlotState) -> Alert | None:
    """The one alert that matters most for `slot`, or None when it is fine."""
    kind: AlertKind | None = None
    if not slot.enabled:
        kind = AlertKind.DISABLED
    elif slot.motor_fault:
        kind = AlertKind.MOTOR_FAULT
    elif slot.suspected_empty:
        kind = AlertKind.SUSPECTED_EMPTY
    elif slot.count == 0:
        kind = AlertKind.EMPTY
    elif slot.is_low:
        kind = AlertKind.LOW
    if kind is None:
        return None
    return Alert(kind, slot.number, slot.item, slot.count)


def alerts_for(
    slots: Sequence[SlotState],
    board_fault: str | None,
    *,
    storage_fault: str | None = None,
    stock_unknown: str | None = None,
    fleet_problem: str | None = None,
) -> list[Alert]:
    """Every alert, worst first, then by slot number."""
    found = [a for a in (slot_alert(s) for s in slots) if a is not None]
    if board_fault is not None:
        found.append(Alert(AlertKind.BOARD, detail=board_fault))
    if storage_fault is not None:
        found.append(Alert(AlertKind.STORAGE, detail=storage_fault))
    if stock_unknown is not None:
        found.append(Alert(AlertKind.STOCK_UNKNOWN, detail=stock_unknown))
    if fleet_problem is not None:
        found.append(Alert(AlertKind.FLEET, detail=fleet_problem))
    return worst_first(found)


def worst_first(alerts: Sequence[Alert]) -> list[Alert]:
    order = list(AlertKind)
    return sorted(alerts, key=lambda a: (order.index(a.kind), a.slot or 0))


@dataclass
class AlertMonitor:
    """Keeps the attention LED and the log in step with the alerts.

    `read` gives the alerts now (it reads the ledger: a quick SELECT); `set_led` lights the
    LED. `poll(now)` checks at most every `every_s` seconds; `check()` checks at once (after a
    vend, a refill).
    """

    read: Callable[[], list[Alert]]
    set_led: Callable[[bool], None]
    post: Callable[[object], None] = lambda _event: None  # the kiosk's inbox
    # Told the alerts after each change (and at the first check): the ledger keeps them for
    # the fleet agent.
    record: Callable[[Sequence[Alert]], None] | None = None
    current: tuple[Alert, ...] = ()
    # Alerts the kiosk raises itself, not read from the ledger (the voice cannot speak), by
    # who raised them; `hold` sets or clears one.
    held: dict[str, Alert] = field(default_factory=dict)
    _recorded: frozenset[tuple[AlertKind, int | None]] | None = field(default=None, repr=False)
    # Other parts that raise alerts of their own (the receipt printer): read with `read`.
    sources: list[Callable[[], Sequence[Alert]]] = field(default_factory=list)
    # `check` runs on the staff screens and on the workers (after a vend, a board check).
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def call_person(self, calling: bool) -> list[Alert]:
        """A visitor asked for a person (True), or that is over (False): held like any alert
        the kiosk raises itself. Call it off the UI thread (it reads the ledger)."""
        return self.hold(PERSON_CALL, Alert(AlertKind.PERSON_CALLED) if calling else None)

    def check(self) -> list[Alert]:
        """Read the alerts now; the LED, the log and the inbox follow any change."""
        with self._lock:
            try:
                found = [*self.read(), *(a for read in self.sources for a in read())]
                found = worst_first([*found, *self.held.values()])
            except Exception:  # a broken ledger must not stop the caller; it is logged
                log.exception("alerts: cannot read the machine's state")
                return list(self.current)
            changed = tuple(found) != self.current
            self._log_changes(found)
            self.current = tuple(found)
            self.set_led(bool(found))
            self._record(found)
        if changed:
            self.post(AlertsChanged(tuple(found)))
        return found

    def hold(self, source: str, alert: Alert | None) -> list[Alert]:
        """Raise (or with None clear) an alert the kiosk itself knows of, then check: the LED,
        the log, the ledger and the staff screens follow it like any other. Any thread."""
        with self._lock:
            if alert is None:
                self.held.pop(source, None)
            else:
                self.held[source] = alert
        return self.check()

    def _record(self, found: list[Alert]) -> None:
        identities = frozenset(_identity(a) for a in found)
        if self.record is None or identities == self._recorded:
            return
        try:
            self.record(found)
        except Exception:  # the LED and the log still work; the next change tries again
            log.exception("alerts: cannot record them in the ledger")
            return
        self._recorded = identities

    def _log_changes(self, found: list[Alert]) -> None:
        before = {_identity(a): a for a in self.current}
        now = {_identity(a): a for a in found}
        for key, alert in now.items():
            if key not in before:
                log.warning("ALERT %s", alert.describe())
        for key, alert in before.items():
            if key not in now:
                log.info("alert cleared: %s", alert.describe())


def _identity(alert: Alert) -> tuple[AlertKind, int | None]:
    """An alert is the same alert while its kind and slot are (a count going down is not new)."""
    return (alert.kind, alert.slot)
