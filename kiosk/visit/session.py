"""One kiosk's visits: the pure flow, plus carrying out its commands (selection, vends,
statistics). No pygame here: the app shell feeds it events and draws its state.
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from hardware.dispenser import Dispenser, VendOutcome
from kiosk.cabinet.vending import VendWorker
from kiosk.shell.config import KioskConfig
from kiosk.shell.inbox import (
    ContentReady,
    ContentUnusable,
    DispensingStatus,
    DrawSlip,
    PrintDone,
    PrinterStatusChanged,
    VendDone,
)
from kiosk.visit.flow import (
    CallStaff,
    ChoosePrescription,
    ChuteLightOff,
    Command,
    CountStat,
    DispensingChanged,
    Event,
    FlowState,
    PrescriptionChosen,
    PrinterChanged,
    PrinterReady,
    PrintSlip,
    ServiceChanged,
    SlipDone,
    StartVend,
    Tick,
    VendFinished,
    VisitEnded,
    initial_state,
    next_deadline,
    step,
)
from kiosk.visit.flow.state import Screen
from kiosk.visit.printing.order import NoSlips, SlipOrder, SlipPrinter
from kiosk.visit.slips import SlipBook
from prescriptions.history import History
from prescriptions.model import Content, Intensity
from prescriptions.selection import RandomSource, Selector

log = logging.getLogger(__name__)


class Stats(Protocol):
    def count(self, event: str, key: str = "") -> None: ...


class Stock(Protocol):
    def stocked_slots(self) -> dict[int, str]: ...


@dataclass(frozen=True)
class Choice:
    prescription: str
    slot: int | None
    show_help_first: bool


Chooser = Callable[[Content, str, Intensity, dict[int, str]], Choice]


class NoStats:
    def count(self, event: str, key: str = "") -> None:
        return None


class KioskSession:
    """The flow state and the side effects of its commands."""

    def __init__(
        self,
        config: KioskConfig,
        content: Content,
        chooser: Chooser,
        worker: VendWorker,
        stock: Stock,
        stats: Stats,
        now: float,
        chute_off: Callable[[], None] = lambda: None,
        rng: RandomSource | None = None,
        wall: Callable[[], datetime] = datetime.now,
    ) -> None:
        """`wall` is local wall time, for the slip's date only (never for timeouts)."""
        self.config = config
        self.wall = wall
        self.slips = SlipBook()
        # "직원 불러 주세요": tells the cabinet (True: call, False: over), which lights the
        # attention LED through its alert monitor; set when the cabinet joins.
        self.call_person: Callable[[bool], None] = _nobody_to_call
        self._person_called_at: float | None = None
        self.rng: RandomSource = rng if rng is not None else random.Random()
        self.chute_off = chute_off
        self.content = content
        self.chooser = chooser
        self.worker = worker
        self.stock = stock
        self.stats = stats
        self.state: FlowState = initial_state(config.language, now)
        self._pending_content: Content | None = None
        # The printer joins in the background (kiosk.shell.assembly), like the cabinet.
        self.printer: SlipPrinter = NoSlips()
        self._slip_job: str | None = None  # this visit's print job, until its answer comes
        # Told whenever visitors start to be served other content (the ledger notes its
        # version for the fleet agent); set after construction, like the staff mode.
        self.on_content: Callable[[Content], None] | None = None

    def handle(self, event: Event, now: float) -> None:
        """Step the flow, then carry out its commands (which may feed events back)."""
        todo: list[Event] = [event]
        while todo:
            current = todo.pop(0)
            self.state, commands = step(
                self.state, current, now, self.config.timeouts, self.config.languages
            )
            for command in commands:
                follow = self._run(command, now)
                if follow is not None:
                    todo.append(follow)
        if self._pending_content is not None and self.state.screen is Screen.ATTRACT:
            self._take(self._pending_content)

    def reset(self, now: float) -> None:
        """Forget the visit (after a failure): attract, keeping what the kiosk knows of its
        own state (a fault, whether it can dispense)."""
        old = self.state
        fresh = initial_state(self.config.language, now)
        self.state = replace(fresh, dispensing_ok=old.dispensing_ok, printer=old.printer)
        if old.service_fault is not None:
            self.handle(ServiceChanged(old.service_fault), now)
        if old.screen is Screen.TAKE_ITEM:
            self.chute_off()

    def use_cabinet(
        self,
        dispenser: Dispenser,
        stock: Stock,
        stats: Stats,
        history: History,
        chute_off: Callable[[], None],
    ) -> None:
        """The cabinet's hardware joined (it starts in the background while the screen is
        already up): vends, stock, statistics and the no-repeat history are its from now."""
        self.worker.dispenser = dispenser
        self.stock, self.stats, self.chute_off = stock, stats, chute_off
        self.chooser = selector_chooser(history, self.rng)

    def tick(self, now: float) -> None:
        """Timeouts checked (at the deadlines `next_deadline` gives, or any time)."""
        called = self._person_called_at
        if called is not None and now >= called + self.config.staff.person_call_clear_s:
            self._person_called_at = None
            self._tell_cabinet(False)  # nobody cleared it: the LED goes out by itself
        self.handle(Tick(), now)

    def next_deadline(self) -> float | None:
        """When a timeout is next due (monotonic seconds), or None while nothing is pending."""
        due = next_deadline(self.state, self.config.timeouts)
        if self._person_called_at is not None:
            over = self._person_called_at + self.config.staff.person_call_clear_s
            due = over if due is None else min(due, over)
        return due

    def person_call_answered(self) -> None:
        """Staff came (they got past the PIN): the call is over."""
        if self._person_called_at is not None:
            self._person_called_at = None
            self._tell_cabinet(False)

    def _tell_cabinet(self, calling: bool) -> None:
        try:
            self.call_person(calling)
        except Exception:  # a light must never stop a visit
            log.exception("the person call could not reach the cabinet")

    def deliver(self, event: object, now: float) -> bool:
        """An inbox event that concerns the visit; True when it was one."""
        if isinstance(event, VendDone):
            self.handle(VendFinished(event.result.outcome), now)
        elif isinstance(event, DispensingStatus):
            self.set_dispensing(event.fault is None, now)
        elif isinstance(event, ContentReady):
            self.offer_content(event.content)
            self.set_service_fault(None, now)
        elif isinstance(event, ContentUnusable):
            self.set_service_fault(event.reason, now)
        elif isinstance(event, PrinterStatusChanged):
            self.set_printer(event.ready, now)
        elif isinstance(event, PrintDone):
            self._print_done(event, now)
        elif isinstance(event, DrawSlip):
            event.draw()
        else:
            return False
        return True

    def offer_content(self, content: Content) -> None:
        """New checked content; taken at the next attract screen, never mid-visit."""
        self._pending_content = content
        if self.state.screen is Screen.ATTRACT:
            self._take(content)

    def _take(self, content: Content) -> None:
        self.content, self._pending_content = content, None
        if self.on_content is not None:
            try:
                self.on_content(content)
            except Exception:  # noting the version must never disturb the kiosk
                log.exception("new content taken, but its version was not noted")

    def set_dispensing(self, available: bool, now: float) -> None:
        if available != self.state.dispensing_ok:
            self.handle(DispensingChanged(available), now)

    def set_printer(self, ready: PrinterReady, now: float) -> None:
        if ready is not self.state.printer:
            self.handle(PrinterChanged(ready), now)

    def _print_done(self, done: PrintDone, now: float) -> None:
        # Counted whatever became of the visit (a visitor who left still got the slip).
        self._stat("slip", done.result.value)
        if done.job_id == self._slip_job:
            self._slip_job = None
            self.handle(SlipDone(done.printed), now)

    def set_service_fault(self, fault: str | None, now: float) -> None:
        if fault != self.state.service_fault:
            self.handle(ServiceChanged(fault), now)

    def _run(self, command: Command, now: float) -> Event | None:
        if isinstance(command, ChoosePrescription):
            return self._choose(command)
        if isinstance(command, CallStaff):
            self._person_called_at = now
            self._tell_cabinet(True)
            return None
        if isinstance(command, StartVend):
            if not self.worker.submit(command.slot):
                return VendFinished(VendOutcome.UNVERIFIED)
            return None
        if isinstance(command, PrintSlip):
            return self._print_slip()
        if isinstance(command, ChuteLightOff):
            try:
                self.chute_off()
            except Exception:  # a light must never stop a visit
                log.exception("the chute light could not be switched off")
        elif isinstance(command, CountStat):
            self._count(command)
        elif isinstance(command, VisitEnded):
            if command.completed:
                self._stat("visit_completed")
            else:
                self._stat("visit_abandoned", command.screen)
        return None

    def _print_slip(self) -> Event | None:
        """Hand this visit's slip to the printer; a slip that cannot even start is said at
        once (the visit never waits for the printer)."""
        visit, self._slip_job = self.state.visit, None
        if visit.prescription is None:
            return SlipDone(printed=False)
        order = SlipOrder(
            self.content,
            visit.prescription,
            visit.symptom,
            self.state.language,
            visit.show_help_first,
            stamp=visit.stamp,
            item=visit.item,
        )
        try:
            job = self.printer.submit(order)
        except Exception:  # a slip must never stop a visit
            log.exception("the slip could not be started")
            job = None
        if job is None:
            self._stat("slip", "not_started")
            return SlipDone(printed=False)
        self._slip_job = job
        return None

    def _stat(self, event: str, key: str = "") -> None:
        """Counting must never disturb a visit: a failing ledger is logged, not raised."""
        try:
            self.stats.count(event, key)
        except Exception:
            log.exception("statistic %s/%s not counted", event, key)

    def _count(self, stat: CountStat) -> None:
        self._stat(stat.event, stat.key)
        if stat.event == "symptom":
            with contextlib.suppress(KeyError):
                self._stat("category", self.content.symptom(stat.key).category)

    def _choose(self, command: ChoosePrescription) -> Event | None:
        intensity = Intensity.from_ucla(command.ucla_total)
        if command.ucla_total is not None:
            self._stat("intensity", intensity.value)
        stocked = self.stock.stocked_slots() if self.state.dispensing_ok else {}
        try:
            choice = self.chooser(self.content, command.symptom, intensity, stocked)
        except Exception:
            log.exception("selection failed for symptom %s", command.symptom)
            return None
        stamp = self.slips.next(self.wall().date())
        item = stocked.get(choice.slot) if choice.slot is not None else None
        return PrescriptionChosen(
            choice.prescription, choice.slot, choice.show_help_first, stamp=stamp, item=item
        )


def _nobody_to_call(calling: bool) -> None:
    if calling:
        log.warning("a visitor asked for a person, but no cabinet is there to light the LED")


def selector_chooser(history: History, rng: RandomSource) -> Chooser:
    """The real selection (prescriptions.selection) over whatever content is current."""

    def choose(
        content: Content, symptom: str, intensity: Intensity, stocked: dict[int, str]
    ) -> Choice:
        picked = Selector(content, history, rng).choose(symptom, intensity, stocked)
        return Choice(picked.prescription.id, picked.slot, picked.show_help_first)

    return choose
