"""The printed slip as part of the visit, against the simulated printer over a real pty: what
comes out on paper, what the visitor reads on the screen, what staff are told, and that the
visit never waits for the printer."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from hardware.printer import (
    Printer,
    PrinterStatus,
    PrintOutcome,
    Raster,
    open_printer,
)
from hardware.printer import PrinterSettings as Settings
from hardware.printer.simulator import read_png
from kiosk.cabinet.alerts import AlertKind, AlertMonitor
from kiosk.cabinet.ledger import Ledger
from kiosk.shell.config import PrinterConfig
from kiosk.visit.flow import PrinterReady, Screen, Slip
from kiosk.visit.printing.service import Opener
from tests.kiosk.printing_support import Kit, card_raster, printer_config, printing_kiosk


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    # python-escpos caches its printer database in a new /tmp directory per process unless
    # told where (see tests/hardware/conftest.py).
    if "escpos" not in sys.modules:
        os.environ.setdefault(
            "ESCPOS_CAPABILITIES_PICKLE_DIR", str(tmp_path_factory.mktemp("escpos"))
        )


def kinds(kit: Kit) -> set[AlertKind]:
    return {a.kind for a in kit.service.alerts()}


def test_the_slip_on_paper_is_the_card_as_drawn_and_the_screen_says_to_take_it(
    tmp_path: Path,
) -> None:
    with printing_kiosk(tmp_path) as kit:
        assert kit.rt.session.state.printer is PrinterReady.READY
        kit.to_take_item()
        expected = card_raster(kit)
        kit.finish_print()
        assert kit.rt.session.state.visit.slip is Slip.PRINTED
        [slip] = kit.sim.slips
        assert slip.cut
        assert slip.raster == expected  # every dot, decoded from the GS v 0 the printer got
        assert slip.png is not None and read_png(slip.png) == expected
        assert kit.t("slip.printed") in kit.screen_text()
        assert kinds(kit) == set()


def test_the_dispensing_screen_promises_the_slip_only_while_it_is_printing(
    tmp_path: Path,
) -> None:
    with printing_kiosk(tmp_path) as kit:
        kit.rt.app.refresh(kit.now)
        kit.press("start")
        symptom = next(b.name for b in kit.rt.app.page.buttons if b.name.startswith("symptom:"))
        kit.press(symptom)
        kit.press("skip")
        assert kit.t("slip.printing") not in kit.screen_text()  # nothing promised before
        kit.press("continue")
        assert kit.rt.session.state.screen is Screen.DISPENSING
        assert kit.rt.session.state.visit.slip is Slip.PRINTING
        assert kit.t("slip.printing") in kit.screen_text()
        kit.finish_print()


@pytest.mark.parametrize(
    ("knob", "alert", "ready"),
    [
        ("paper_out", AlertKind.PAPER_OUT, PrinterReady.DOWN),
        ("cover_open", AlertKind.PRINTER_COVER, PrinterReady.DOWN),
        ("stall", AlertKind.PRINTER_OFFLINE, PrinterReady.DOWN),
        ("garbage", AlertKind.PRINTER_OFFLINE, PrinterReady.DOWN),
        ("half", AlertKind.PRINTER_OFFLINE, PrinterReady.DOWN),
        ("unplug", AlertKind.PRINTER_UNPLUGGED, PrinterReady.DOWN),
        ("near_end", AlertKind.PAPER_LOW, PrinterReady.READY),
    ],
)
def test_each_fault_gives_its_screen_line_and_staff_alert_and_the_visit_goes_on(
    tmp_path: Path, knob: str, alert: AlertKind, ready: PrinterReady
) -> None:
    with printing_kiosk(tmp_path) as kit:
        leds: list[bool] = []
        monitor = AlertMonitor(lambda: [], leds.append, sources=[kit.service.alerts])
        if knob == "unplug":
            kit.sim.unplug()
        else:
            kit.sim.set_fault(knob)
        kit.check(ready)
        assert alert in kinds(kit)
        monitor.check()
        assert leds[-1] is True  # the attention LED: someone should come
        kit.to_take_item()
        kit.finish_print()
        prints = ready is PrinterReady.READY
        assert len(kit.sim.slips) == int(prints)
        line = "slip.printed" if prints else "slip.not_printed"
        assert kit.t(line) in kit.screen_text()
        if not prints:
            assert kit.t("slip.printing") not in kit.screen_text()  # never promised
        kit.to_goodbye()
        assert kit.rt.session.state.screen is Screen.GOODBYE  # the visit went on


def test_a_printer_that_failed_since_its_last_status_is_asked_again_before_printing(
    tmp_path: Path,
) -> None:
    with printing_kiosk(tmp_path) as kit:
        kit.sim.set_fault("paper_out")  # the kiosk does not know yet: it still offers a slip
        kit.to_take_item()
        kit.finish_print()
        assert kit.sim.slips == [] and kit.sim.lost_rows == 0  # not a byte of the slip went
        assert kit.rt.session.state.visit.slip is Slip.NOT_PRINTED
        assert kit.t("slip.not_printed") in kit.screen_text()
        assert AlertKind.PAPER_OUT in kinds(kit)
        assert kit.rt.session.state.printer is PrinterReady.DOWN  # the next visit is not offered


class HeldPrinter:
    """The real driver on the real pty, held before each slip until the test lets it go: a
    printer as slow as you like, without guessing at timings."""

    def __init__(self, inner: Printer) -> None:
        self.inner = inner
        self.go = threading.Event()
        self.started = threading.Event()

    @property
    def dots(self) -> int:
        return self.inner.dots

    def status(self) -> PrinterStatus:
        return self.inner.status()

    def print_slip(self, raster: Raster, *, job_id: str) -> PrintOutcome:
        self.started.set()
        assert self.go.wait(30), "the test never let the printer go"
        return self.inner.print_slip(raster, job_id=job_id)

    def close(self) -> None:
        self.go.set()
        self.inner.close()


def test_a_visit_never_waits_for_the_printer(tmp_path: Path) -> None:
    held: list[HeldPrinter] = []

    def opener(cfg: PrinterConfig) -> Opener:
        def open_held() -> Printer:
            held.append(HeldPrinter(open_printer(Settings.from_table(cfg.table()))))
            return held[0]

        return open_held

    with printing_kiosk(tmp_path, opener=opener) as kit:
        kit.to_take_item()
        assert held[0].started.wait(10), "the slip never reached the printer"
        assert kit.rt.session.state.visit.slip is Slip.PRINTING
        assert kit.t("slip.printing") in kit.screen_text()
        start = time.monotonic()
        kit.to_goodbye()
        assert time.monotonic() - start < 2.0  # screens, not a printer, set the pace
        assert kit.rt.session.state.screen is Screen.GOODBYE
        assert kit.sim.slips == []  # still held: the visitor did not wait for it
        held[0].go.set()
        kit.finish_print()
        assert len(kit.sim.slips) == 1  # it came out (the visit was over; counted all the same)


def test_a_printer_that_stalls_mid_slip_is_given_up_on_and_staff_are_told(
    tmp_path: Path,
) -> None:
    with printing_kiosk(tmp_path) as kit:
        kit.sim.stall_after_bytes(6000)
        kit.to_take_item()
        kit.finish_print()
        assert kit.rt.session.state.visit.slip is Slip.NOT_PRINTED
        assert kit.t("slip.not_printed") in kit.screen_text()
        assert AlertKind.PRINTER_OFFLINE in kinds(kit)
        assert kit.sim.slips == []


def test_an_unplugged_printer_comes_back_without_a_restart(tmp_path: Path) -> None:
    with printing_kiosk(tmp_path) as kit:
        kit.sim.unplug()
        kit.check(PrinterReady.DOWN)
        assert kinds(kit) == {AlertKind.PRINTER_UNPLUGGED}
        kit.to_take_item()
        assert kit.t("slip.not_printed") in kit.screen_text()
        kit.press("home")
        kit.sim.replug()
        kit.check(PrinterReady.READY)
        assert kinds(kit) == set()
        kit.to_take_item()
        kit.finish_print()
        assert kit.t("slip.printed") in kit.screen_text()
        assert len(kit.sim.slips) == 1


def test_paper_is_counted_in_the_ledger_and_staff_hear_of_a_low_roll_first(
    tmp_path: Path,
) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")

    def small_roll(path: str) -> PrinterConfig:
        return printer_config(path, roll_m=0.2, low_paper_m=0.1)  # 20 cm: a slip or two

    try:
        with printing_kiosk(tmp_path, config=small_roll) as kit:
            kit.service.use_book(ledger)
            kit.to_take_item()
            kit.finish_print()
            used = ledger.paper_used_mm()
            rows = kit.sim.slips[0].raster.height
            assert used == round(rows / 8 + 4 * 25.4 / 6)  # the picture and the feed after it
            assert ledger.slip_results() == {"printed": 1}
            assert ledger.last_slip_no() == 1
            kit.check(PrinterReady.READY)
            assert [(a.kind, a.detail) for a in kit.service.alerts()] == [
                (AlertKind.PAPER_LOW, "estimate")
            ]  # before the printer's sensor says anything
            kit.service.paper_changed()  # staff: "용지 교체"
            assert kit.pump(lambda: kit.service.wait_idle(0))
            assert kinds(kit) == set() and ledger.paper_used_mm() == 0
        with printing_kiosk(tmp_path, config=small_roll) as kit:  # the kiosk restarted
            kit.service.use_book(ledger)
            kit.to_take_item()
            kit.finish_print()
            assert ledger.last_slip_no() == 2  # numbers go on across restarts
    finally:
        ledger.close()


def test_a_slip_is_printed_once_per_visit(tmp_path: Path) -> None:
    with printing_kiosk(tmp_path) as kit:
        kit.to_take_item()
        kit.finish_print()
        for name in ("help", "close"):
            kit.press(name)
        kit.press("continue")
        kit.press("back")  # info → take item again
        kit.finish_print()
        assert len(kit.sim.slips) == 1
        kit.press("home")
        kit.to_take_item()  # the next visitor gets their own
        kit.finish_print()
        assert len(kit.sim.slips) == 2


def test_the_qr_code_on_paper_is_the_chatbots_address_module_for_module(tmp_path: Path) -> None:
    from kiosk.ui.qr import QUIET_ZONE, qr_matrix
    from kiosk.visit.card import card_for_visit, slip_image
    from kiosk.visit.printing.slip import QR_MODULE_DOTS, SlipSizes

    with printing_kiosk(tmp_path) as kit:
        kit.to_take_item()
        texts = kit.rt.app.view(kit.now).texts
        card = card_for_visit(kit.rt.session.state.visit, kit.rt.session.content, texts, "")
        assert card is not None
        kit.finish_print()
        [slip] = kit.sim.slips
        matrix = qr_matrix(kit.t("chatbot.url"))
    raster, m = slip.raster, QR_MODULE_DOTS
    below_card = slip_image(card, raster.width, kit.rt.app.fonts).get_height()  # the seal, rules
    left = SlipSizes.for_width(raster.width).gap + QUIET_ZONE * m  # the first module's column
    # The top-left finder pattern: the first row under the card where its 7-module bar starts.
    top = next(
        y
        for y in range(below_card, raster.height)
        if all(raster.dot(x, y) for x in range(left, left + 7 * m)) and not raster.dot(left - 1, y)
    )
    printed = [
        [raster.dot(left + c * m + m // 2, top + r * m + m // 2) for c in range(len(matrix))]
        for r in range(len(matrix))
    ]
    assert printed == matrix
