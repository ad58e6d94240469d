"""The printer as staff and technicians meet it: the machine check's printer line and "용지
교체", today's slips in the statistics, the `stats` command, and printer alerts on their way
to the fleet."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest

from fleet.cursor import Cursor
from fleet.ledger_reader import LedgerReader
from fleet.payloads import Alerts, decode, encode
from fleet.topics import Kind
from kiosk.cabinet.alerts import AlertKind
from kiosk.cabinet.ledger import AlertRow, HourCount, Ledger
from kiosk.commands.stats import summary_table
from kiosk.reports.stats import daily_visits, summarize
from kiosk.shell.config import PrinterConfig
from kiosk.staff.backend import CabinetBackend
from kiosk.staff.content import ContentKeeper
from kiosk.staff.events import NoticeKind, StaffScreen
from kiosk.staff.jobs import InlineJobs
from kiosk.staff.mode import StaffMode
from kiosk.staff.pin import hash_pin, parse_pin_hash
from kiosk.ui.i18n import Texts
from kiosk.visit.flow import PrinterReady
from kiosk.visit.printing.paper import PaperLevel, PrinterCondition, printer_alerts
from prescriptions.live import ReloadResult
from tests.kiosk.printing_support import printer_config, printing_kiosk
from tests.kiosk.test_staff_mode import FakeFeed
from tests.kiosk.ui_support import translations

PIN = "2468"
DAY = date(2026, 3, 5)


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    if "escpos" not in sys.modules:
        os.environ.setdefault(
            "ESCPOS_CAPABILITIES_PICKLE_DIR", str(tmp_path_factory.mktemp("escpos"))
        )


def test_staff_see_the_paper_left_and_record_a_new_roll(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")

    def small_roll(path: str) -> PrinterConfig:
        return printer_config(path, roll_m=0.5, low_paper_m=0.45)

    try:
        with printing_kiosk(tmp_path, config=small_roll) as kit:
            kit.service.use_book(ledger)
            kit.to_take_item()
            kit.finish_print()
            kit.press("home")
            kit.check(PrinterReady.READY)
            feed = FakeFeed(ReloadResult(True, (), tmp_path))
            backend = CabinetBackend(
                ledger=ledger,
                cabinet=None,
                dispensing_fault=lambda: None,
                content=ContentKeeper(feed, lambda: kit.rt.session.content),
                printer=kit.service,
            )
            pin = parse_pin_hash(hash_pin(PIN, iterations=1000))
            staff = StaffMode(backend, InlineJobs(), pin, today=lambda: DAY)
            kit.rt.app.staff = staff
            kit.rt.app.open_staff(kit.now)
            for digit in PIN:
                kit.press(f"key:{digit}")
            kit.press("ok")
            kit.rt.app.tick(kit.now)
            kit.press("hardware")
            kit.rt.app.tick(kit.now + 0.5)
            page = kit.rt.app.staff_page
            assert page is not None
            said = " ".join(b.source for b in page.text_blocks())
            t = Texts(translations(), "ko")
            left = 500 - ledger.paper_used_mm()  # mm, of a 0.5 m roll
            assert t("staff.hardware.printer_ready") in said
            assert t("staff.hardware.paper_left", metres=f"{left / 1000:.0f}") in said
            assert AlertKind.PAPER_LOW in {a.kind for a in kit.service.alerts()}
            kit.press("paper-changed")
            kit.rt.app.tick(kit.now + 1.0)
            assert staff.state.screen is StaffScreen.HARDWARE
            assert staff.state.notice is not None
            assert staff.state.notice.kind is NoticeKind.PAPER_CHANGED
            assert ledger.paper_used_mm() == 0
            assert kit.pump(lambda: kit.service.wait_idle(0))
            assert kit.service.alerts() == []
    finally:
        ledger.close()


def test_slips_printed_and_failed_are_counted_per_day() -> None:
    hour = f"{DAY.isoformat()}T10:00"
    counts = [
        HourCount(hour, "visit_started", "", 5),
        HourCount(hour, "visit_completed", "", 4),
        HourCount(hour, "slip", "printed", 3),
        HourCount(hour, "slip", "not_printed", 1),
        HourCount(hour, "slip", "unavailable", 1),
    ]
    assert summarize(counts).slips() == (3, 2)
    [day] = daily_visits(counts, DAY, DAY)
    table = summary_table([day], Texts(translations(), "en"))
    header, row, total = table.splitlines()
    assert "slips printed" in header and "slips failed" in header
    assert row.split() == [DAY.isoformat(), "5", "4", "3", "2"]
    assert total.split() == ["Σ", "5", "4", "3", "2"]
    quiet = summary_table(daily_visits(counts[:2], DAY, DAY), Texts(translations(), "en"))
    assert "slips" not in quiet  # a machine without a printer: no slip columns


def test_printer_alerts_reach_the_fleet_as_the_centre_accepts_them(tmp_path: Path) -> None:
    """Recorded by the kiosk, read by the agent, decoded by the centre: the new kinds and a
    long detail from the driver (the centre takes 200 characters) pass."""
    long_detail = "cannot open the printer (serial /dev/maeum-printer at 115200 baud): " * 5
    condition = PrinterCondition(
        "unplugged", long_detail, PaperLevel(roll_mm=50_000, used_mm=49_000, low_mm=3_000)
    )
    alerts = printer_alerts(condition)
    assert [a.kind for a in alerts] == [AlertKind.PRINTER_UNPLUGGED, AlertKind.PAPER_LOW]
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    try:
        ledger.record_alerts(
            AlertRow(a.kind.value, a.slot, a.item, a.count, a.detail) for a in alerts
        )
    finally:
        ledger.close()
    cursor = Cursor(tmp_path / "agent.sqlite3")
    cursor.apply(LedgerReader(ledger.path).scan(cursor))
    [row] = [r for r in cursor.pending() if r.kind is Kind.ALERTS]
    body = dict(row.body, epoch=cursor.epoch, seq=row.seq)  # as the agent sends it
    message = decode(Kind.ALERTS, encode(body))
    assert isinstance(message, Alerts)
    assert [e.kind for e in message.events] == ["printer_unplugged", "paper_low"]
    assert [a.count for a in message.open] == [0, 1]  # a metre left by the estimate
