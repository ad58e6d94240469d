"""The printer driver against the simulated printer over a real pty: what comes out on paper,
what the kiosk is told for each fault, and that no slip is ever printed twice."""

from __future__ import annotations

import threading
import time

import pytest

from hardware.printer import (
    Printer,
    PrinterState,
    PrintResult,
    Raster,
    open_printer,
    to_1bit,
)
from hardware.printer.bench import card_like_slip
from hardware.printer.simulator import PtyPrinterServer, read_png
from tests.hardware.conftest import serial_settings

WIDTH = 576


def slip(rows: int = 300, seed: int = 1) -> Raster:
    """A slip with text-like strokes and a dithered picture box, different for each seed."""
    gray, box = card_like_slip(WIDTH, rows)
    shifted = gray[seed * 7 :] + gray[: seed * 7]
    return to_1bit(shifted, WIDTH, pictures=[box])


def test_a_slip_comes_out_as_sent_and_its_png_shows_every_dot(
    printer_sim: PtyPrinterServer, printer: Printer
) -> None:
    raster = slip(rows=700)  # three GS v 0 bands
    outcome = printer.print_slip(raster, job_id="visit-1")
    assert outcome.result is PrintResult.PRINTED
    assert outcome.bytes_sent == outcome.job_bytes > raster.height * raster.row_bytes
    [printed] = printer_sim.slips
    assert printed.cut
    assert printed.raster == raster
    assert printed.png is not None
    assert read_png(printed.png) == raster


def test_a_narrow_slip_is_centred_on_the_paper(
    printer_sim: PtyPrinterServer, printer: Printer
) -> None:
    gray = bytes([0]) * (100 * 10)  # a black block 100 dots wide, 10 rows
    assert printer.print_slip(to_1bit(gray, 100), job_id="narrow").printed
    [printed] = printer_sim.slips
    assert printed.raster.width == WIDTH
    row = [printed.raster.dot(x, 5) for x in range(WIDTH)]
    assert row.index(True) == (WIDTH - 100) // 2 and sum(row) == 100


def test_a_job_is_never_printed_twice(printer_sim: PtyPrinterServer, printer: Printer) -> None:
    raster = slip()
    first = printer.print_slip(raster, job_id="visit-7")
    sent = len(printer_sim.received)
    again = printer.print_slip(raster, job_id="visit-7")
    other = printer.print_slip(slip(seed=2), job_id="visit-8")
    assert first.printed and not first.repeated
    assert again.repeated and again.result is PrintResult.PRINTED
    assert other.printed and not other.repeated
    assert [s.raster for s in printer_sim.slips] == [raster, slip(seed=2)]
    assert len(printer_sim.received) > sent  # only visit-8's bytes came after


@pytest.mark.parametrize(
    ("fault", "state", "prints"),
    [
        ("near_end", PrinterState.PAPER_NEAR_END, True),
        ("paper_out", PrinterState.PAPER_OUT, False),
        ("cover_open", PrinterState.COVER_OPEN, False),
        ("garbage", PrinterState.GARBAGE, False),
        ("half", PrinterState.NO_ANSWER, False),
        ("stall", PrinterState.NO_ANSWER, False),
    ],
)
def test_each_fault_gives_its_status_and_only_a_ready_printer_prints(
    printer_sim: PtyPrinterServer, printer: Printer, fault: str, state: PrinterState, prints: bool
) -> None:
    assert printer.status().state is PrinterState.READY
    printer_sim.set_fault(fault)
    status = printer.status()
    assert status.state is state, status.detail
    outcome = printer.print_slip(slip(), job_id=f"with-{fault}")
    assert outcome.printed is prints
    assert len(printer_sim.slips) == int(prints)
    if not prints:  # refused before a byte went out: the same job may go once it is fixed
        assert outcome.result is PrintResult.NOT_PRINTED and outcome.bytes_sent == 0
        printer_sim.set_fault(fault, False)
        assert printer.print_slip(slip(), job_id=f"with-{fault}").printed
        assert len(printer_sim.slips) == 1


def test_silence_garbage_and_half_answers_end_within_their_timeouts(
    printer_sim: PtyPrinterServer, printer: Printer
) -> None:
    timeout = serial_settings("x").status_timeout_s
    for fault, detail in (
        ("stall", "does not answer"),
        ("half", "answered 1 of 3"),
        ("garbage", "not a status byte"),
    ):
        printer_sim.set_fault(fault)
        start = time.monotonic()
        status = printer.status()
        elapsed = time.monotonic() - start
        printer_sim.set_fault(fault, False)
        assert detail in status.detail
        assert elapsed < 3 * 2 * timeout + 0.5  # at most: 3 queries, each asked twice
    assert printer.status().state is PrinterState.READY  # stale answers were not misread


def test_an_unplugged_printer_comes_back_without_a_restart(
    printer_sim: PtyPrinterServer, printer: Printer
) -> None:
    assert printer.status().state is PrinterState.READY
    printer_sim.unplug()
    assert printer.status().state is PrinterState.UNPLUGGED
    refused = printer.print_slip(slip(), job_id="while-unplugged")
    assert refused.result is PrintResult.NOT_PRINTED
    assert refused.status.state is PrinterState.UNPLUGGED
    printer_sim.replug()
    assert printer.status().state is PrinterState.READY
    assert printer.print_slip(slip(), job_id="while-unplugged").printed
    assert len(printer_sim.slips) == 1


def test_a_printer_not_there_at_start_is_found_when_it_appears(
    printer_sim: PtyPrinterServer,
) -> None:
    printer_sim.unplug()
    printer = open_printer(serial_settings(printer_sim.path))
    try:
        assert printer.status().state is PrinterState.UNPLUGGED
        printer_sim.replug()
        assert printer.status().state is PrinterState.READY
    finally:
        printer.close()


def test_paper_running_out_mid_slip_interrupts_the_job_and_it_is_not_sent_again(
    printer_sim: PtyPrinterServer, printer: Printer
) -> None:
    printer_sim.paper_out_after_rows(120)
    outcome = printer.print_slip(slip(rows=400), job_id="visit-9")
    assert outcome.result is PrintResult.INTERRUPTED
    assert outcome.status.state is PrinterState.PAPER_OUT
    assert printer_sim.lost_rows == 400 - 120
    received = len(printer_sim.received)
    printer_sim.set_fault("paper_out", False)  # staff change the roll
    again = printer.print_slip(slip(rows=400), job_id="visit-9")
    assert again.repeated and again.result is PrintResult.INTERRUPTED
    assert len(printer_sim.received) == received


def test_a_printer_that_stalls_mid_job_times_out_and_is_not_sent_the_job_again(
    printer_sim: PtyPrinterServer, printer: Printer
) -> None:
    printer_sim.stall_after_bytes(10_000)
    raster = slip(rows=1200)  # 86 kB: more than the pty holds, so the host's write blocks
    start = time.monotonic()
    outcome = printer.print_slip(raster, job_id="visit-10")
    assert time.monotonic() - start < 5
    assert outcome.result is PrintResult.INTERRUPTED
    assert 0 < outcome.bytes_sent < outcome.job_bytes
    assert outcome.status.state is PrinterState.NO_ANSWER
    printer_sim.set_fault("stall", False)
    again = printer.print_slip(raster, job_id="visit-10")
    assert again.repeated and again.bytes_sent == outcome.bytes_sent
    assert printer.status().state is PrinterState.READY  # reopened, answering again


def test_a_cable_pulled_mid_job_interrupts_it_and_the_printer_is_found_again(
    printer_sim: PtyPrinterServer, printer: Printer
) -> None:
    printer_sim.unplug_after_bytes(5_000)
    outcome = printer.print_slip(slip(rows=600), job_id="visit-11")
    assert outcome.result is PrintResult.INTERRUPTED
    assert outcome.status.state is PrinterState.UNPLUGGED
    assert printer_sim.slips == []  # the image never arrived whole
    printer_sim.replug()
    assert printer.status().state is PrinterState.READY
    assert printer.print_slip(slip(rows=600), job_id="visit-11").repeated
    assert printer.print_slip(slip(rows=600), job_id="visit-12").printed
    assert len(printer_sim.slips) == 1


def test_two_threads_printing_one_job_print_it_once(
    printer_sim: PtyPrinterServer, printer: Printer
) -> None:
    raster = slip()
    results: list[bool] = []
    go = threading.Barrier(2)

    def worker() -> None:
        go.wait(timeout=5)
        results.append(printer.print_slip(raster, job_id="visit-13").repeated)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(results) == [False, True]
    assert len(printer_sim.slips) == 1
