"""`hwtest`'s printer checks: against the simulated printer on a pty, from the command line and
check by check with each fault the technician can meet."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from hardware.diagnostics import (
    Answer,
    PrinterSession,
    ScriptedPrompter,
    printer_checks,
    run_checks,
)
from hardware.printer import open_printer
from hardware.printer.simulator import PtyPrinterServer, SimulatedPrinter, read_png
from kiosk.tools.printer_check import draw_test_slip
from tests.hardware.conftest import serial_settings
from tests.kiosk.test_hwtest_cli import hwtest_cli, machine
from tests.kiosk.ui_support import fonts

__all__ = ["machine"]  # the fixture, used by name below


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    if "escpos" not in sys.modules:
        os.environ.setdefault(
            "ESCPOS_CAPABILITIES_PICKLE_DIR", str(tmp_path_factory.mktemp("escpos"))
        )


def test_a_trainee_prints_the_test_slip_on_the_simulated_printer(machine: Path) -> None:
    run = hwtest_cli(machine, "--only", "printer", answers="y\n", interactive=True)
    assert run.status == 0, run.out
    for name in ("printer.present", "printer.status", "printer.test_print", "printer.readable"):
        assert run.result(name)["status"] == "PASS", run.result(name)
    [png] = sorted((machine / "data" / "printer-sim").glob("slip-*.png"))
    assert f"the test slip is the picture {png}" in run.out
    assert read_png(png) == draw_test_slip(576, fonts())  # what was drawn came out


def test_a_slip_the_technician_cannot_read_fails_with_what_to_look_at(machine: Path) -> None:
    run = hwtest_cli(machine, "--only", "printer", answers="n\n", interactive=True)
    assert run.status == 1
    readable = run.result("printer.readable")
    assert readable["status"] == "FAIL" and "paper_mm" in readable["next_step"]


def test_without_a_person_the_slip_is_printed_and_the_look_is_skipped(machine: Path) -> None:
    run = hwtest_cli(machine, "--only", "printer", "--yes")
    assert run.status == 0
    assert run.result("printer.test_print")["status"] == "PASS"
    assert run.result("printer.readable")["status"] == "SKIP"


@pytest.mark.parametrize(
    ("fault", "failing", "hint"),
    [
        ("paper_out", "printer.status", "roll"),
        ("cover_open", "printer.status", "cover"),
        ("stall", "printer.status", "baud"),
        ("garbage", "printer.status", "wrong device"),
        ("unplug", "printer.present", "lsusb"),
    ],
)
def test_each_printer_fault_fails_its_check_and_names_the_next_step(
    tmp_path: Path, fault: str, failing: str, hint: str
) -> None:
    with PtyPrinterServer(SimulatedPrinter(dots=384, out_dir=tmp_path)) as sim:
        if fault == "unplug":
            sim.unplug()
        else:
            sim.set_fault(fault)
        settings = serial_settings(sim.path)
        session = PrinterSession(lambda: open_printer(settings), settings.where)
        prompter = ScriptedPrompter(answers={"printer.readable": Answer.YES})
        try:
            checks = printer_checks(session, prompter, lambda dots: draw_test_slip(dots, fonts()))
            outcomes = {o.check.name: o.result for o in run_checks(checks, person_present=True)}
        finally:
            session.close()
        assert outcomes[failing].status.value == "FAIL"
        assert hint in outcomes[failing].next_step
        assert outcomes["printer.test_print"].status.value == "SKIP"  # nothing sent to it
        assert sim.slips == []
