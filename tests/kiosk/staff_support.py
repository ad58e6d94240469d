"""Helpers for staff tests: a staff view of any staff screen at any size, with slots, alerts
and statistics that exercise the layout (long item names, every slot state)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hardware.dispenser import VendOutcome
from kiosk.cabinet.alerts import alerts_for
from kiosk.cabinet.ledger import HourCount, SlotState
from kiosk.reports.stats import summarize
from kiosk.staff.backend import Live, Snapshot
from kiosk.staff.content import ContentStatus
from kiosk.staff.events import Notice, NoticeKind, StaffScreen
from kiosk.staff.lockout import PinGate
from kiosk.staff.screens import build_staff_page
from kiosk.staff.screens.base import StaffPage, StaffView
from kiosk.staff.state import StaffState
from kiosk.ui.i18n import Texts
from kiosk.visit.flow import FlowState, Screen
from kiosk.visit.printing.paper import PaperLevel, PrinterCondition, printer_alerts
from prescriptions.errors import ContentIssue
from tests.kiosk.ui_support import bundled, translations, view

DAY = date(2026, 3, 2)


def slots(n: int = 6) -> tuple[SlotState, ...]:
    """Slots in every state a staff member can meet."""
    items = ("candy", "tea", "vitamin", "hand_warmer", "sticker", "seed_paper")
    kinds = [
        {},
        {"count": 1},  # low
        {"count": 0},  # empty
        {"motor_fault": True},
        {"suspected_empty": True},
        {"enabled": False},
    ]
    out = []
    for i in range(n):
        base = SlotState(i + 1, items[i % len(items)], 10, 7, True, False, False, 2)
        out.append(replace(base, **kinds[i % len(kinds)]))  # type: ignore[arg-type]
    return tuple(out)


def busy_day() -> list[HourCount]:
    hour = f"{DAY.isoformat()}T10:00"
    symptoms = [s.id for s in bundled().symptoms[:4]]
    counts = [
        HourCount(hour, "visit_started", "", 12),
        HourCount(hour, "visit_completed", "", 9),
        HourCount(hour, "visit_abandoned", "mood", 2),
        HourCount(hour, "visit_abandoned", "symptom", 1),
        HourCount(hour, "help_view", "", 3),
        HourCount(hour, "mood", "taken", 7),
        HourCount(hour, "mood", "skipped", 5),
        HourCount(hour, "intensity", "low", 2),
        HourCount(hour, "intensity", "moderate", 3),
        HourCount(hour, "intensity", "high", 2),
        HourCount(hour, "outcome", f"1:{VendOutcome.DISPENSED.value}", 8),
        HourCount(hour, "outcome", f"3:{VendOutcome.NO_DROP.value}", 1),
        HourCount(hour, "slip", "printed", 9),
        HourCount(hour, "slip", "interrupted", 1),
        HourCount(hour, "language", "ko", 10),
        HourCount(hour, "language", "en", 2),
    ]
    counts += [HourCount(hour, "symptom", s, 4 - i) for i, s in enumerate(symptoms)]
    # Goodbye's "did it help?": the longest medicine names, so the line is the widest it gets.
    cards = sorted(bundled().prescriptions, key=lambda p: -len(p.medicine.get("en")))[:3]
    for i, rx in enumerate(cards):
        counts += [
            HourCount(hour, "card_unsure", rx.id, 3 - i),
            HourCount(hour, "card_helped", rx.id, 1 + i),
        ]
    return counts


def content_status(ok: bool = True) -> ContentStatus:
    issue = ContentIssue(
        "prescriptions/loneliness.toml",
        42,
        "missing-ko",
        "한국어 문구가 비어 있어요: 처방 'walk-with-me'의 phrase",
        "The Korean phrase is empty: prescription 'walk-with-me'",
    )
    c = bundled()
    return ContentStatus(
        version="3fa9c01b",
        symptoms=len(c.symptoms),
        prescriptions=len(c.prescriptions),
        items=len(c.items),
        places=len(c.places),
        checked=True,
        ok=ok,
        issues=0 if ok else 3,
        first_issue=None if ok else issue,
    )


def snapshot(n_slots: int = 6, simulated: bool = True, board_lost: bool = False) -> Snapshot:
    s = slots(n_slots)
    fault = "board not answering on /dev/serial0" if board_lost else None
    return Snapshot(
        content=content_status(),
        slots=s,
        alerts=tuple(alerts_for(s, fault)),
        today=summarize(busy_day()),
        live=Live(dispensing_fault=fault, door_closed=True, drop_breaks=4),
        simulated=simulated,
        day=DAY,
    )


NOW = 100.0
ROLL = PaperLevel(roll_mm=50_000, used_mm=12_345, low_mm=3_000)
LOW = PaperLevel(roll_mm=50_000, used_mm=48_200, low_mm=3_000)
OUT_OF_PAPER = PrinterCondition("paper_out", "the paper roll is empty", LOW)


def staff_states(lang: str) -> dict[str, tuple[StaffState, Snapshot]]:
    """One (state, snapshot) per thing a staff member can see."""
    snap = snapshot()
    base = StaffState(language=lang, last_activity=NOW)
    pin = replace(base, screen=StaffScreen.PIN)
    slot = replace(base, screen=StaffScreen.SLOT, slot=4, count=7, capacity=10)
    out = {
        "pin": (pin, snap),
        "pin-digits": (replace(pin, digits="123456"), snap),
        "pin-wrong": (replace(pin, wrong=True, gate=PinGate(2)), snap),
        "pin-checking": (replace(pin, checking=True), snap),
        "pin-locked": (replace(pin, gate=PinGate(5, NOW + 240)), snap),
        "overview": (replace(base, screen=StaffScreen.OVERVIEW), snap),
        "overview-all-well": (
            replace(base, screen=StaffScreen.OVERVIEW),
            replace(snap, slots=snap.slots[:1], alerts=()),
        ),
        "overview-16-slots": (
            replace(base, screen=StaffScreen.OVERVIEW),
            replace(snapshot(16, board_lost=True)),
        ),
        "overview-fleet": (  # the longest of the fleet agent's words, beside slot alerts
            replace(base, screen=StaffScreen.OVERVIEW),
            replace(snap, alerts=tuple(alerts_for(snap.slots, None, fleet_problem="unreachable"))),
        ),
        "overview-no-ledger": (
            replace(base, screen=StaffScreen.OVERVIEW),
            replace(snap, slots=(), alerts=(), ledger_ok=False),
        ),
        "slot": (slot, snap),
        "slot-fault-notice": (
            replace(slot, notice=Notice(NoticeKind.FAILED, detail="database is locked")),
            snap,
        ),
        "slot-disabled": (replace(slot, slot=6, notice=Notice(NoticeKind.DISABLED, 6)), snap),
        "slot-busy": (replace(slot, busy=True), snap),
        "content": (replace(base, screen=StaffScreen.CONTENT), snap),
        "content-refused": (
            replace(
                base,
                screen=StaffScreen.CONTENT,
                notice=Notice(NoticeKind.RELOAD_REFUSED, count=3),
            ),
            replace(snap, content=content_status(ok=False)),
        ),
        "stats": (replace(base, screen=StaffScreen.STATS), snap),
        "stats-empty": (
            replace(base, screen=StaffScreen.STATS),
            replace(snap, today=summarize([])),
        ),
        "hardware": (replace(base, screen=StaffScreen.HARDWARE), snap),
        "hardware-drop-test": (
            replace(base, screen=StaffScreen.HARDWARE, drop_test_until=NOW + 12),
            replace(snapshot(board_lost=True), live=Live("lost", False, 4)),
        ),
        "hardware-printer": (  # the printer out of paper, the estimate nearly used up
            replace(base, screen=StaffScreen.HARDWARE, notice=Notice(NoticeKind.PAPER_CHANGED)),
            replace(snap, live=replace(snap.live, printer=OUT_OF_PAPER)),
        ),
        "hardware-printer-ready": (
            replace(base, screen=StaffScreen.HARDWARE),
            replace(
                snap, live=replace(snap.live, printer=PrinterCondition("ready", "ready", ROLL))
            ),
        ),
        "overview-printer": (  # a printer fault and its low paper beside the slot alerts
            replace(base, screen=StaffScreen.OVERVIEW),
            replace(
                snap,
                alerts=(
                    *alerts_for(snap.slots, None),
                    *printer_alerts(PrinterCondition("cover_open", "the cover is open", LOW)),
                ),
            ),
        ),
        "hardware-seen": (
            replace(base, screen=StaffScreen.HARDWARE, notice=Notice(NoticeKind.DROP_NOT_SEEN)),
            snap,
        ),
    }
    return out


def staff_view(
    state: StaffState, snap: Snapshot, size: tuple[int, int], *, simulated: bool = True
) -> StaffView:
    flow_state = FlowState(Screen.ATTRACT, state.language, "ko")
    v = view(flow_state, size, bundled(), simulated=simulated)
    v = replace(v, texts=Texts(translations(), state.language))
    return StaffView(v, state, snap, snap.live, NOW)


def staff_page(name: str, size: tuple[int, int], lang: str) -> StaffPage:
    state, snap = staff_states(lang)[name]
    return build_staff_page(staff_view(state, snap, size))
