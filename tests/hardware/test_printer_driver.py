"""The printer as configured: no printer, a write-only file, a USB or serial printer that is
not there. Each gives a typed status and outcome, never an exception."""

from __future__ import annotations

from pathlib import Path

from hardware.printer import (
    NoPrinter,
    PrinterKind,
    PrinterSettings,
    PrinterState,
    PrintResult,
    open_printer,
    to_1bit,
)
from hardware.printer.commands import Cutter, slip_job
from hardware.printer.decoder import EscPosDecoder, RasterImage

RASTER = to_1bit(bytes(range(256)) * 72 * 3, 576)  # 96 rows of a gradient, thresholded


def test_no_printer_says_so_and_prints_nothing() -> None:
    printer = open_printer(PrinterSettings())
    assert isinstance(printer, NoPrinter)
    assert printer.status().state is PrinterState.NOT_CONFIGURED
    assert not printer.status().state.needs_staff
    outcome = printer.print_slip(RASTER, job_id="v1")
    assert outcome.result is PrintResult.NOT_PRINTED and outcome.bytes_sent == 0
    assert printer.dots == 576


def test_a_file_printer_gets_the_whole_job_but_cannot_say_how_it_is(tmp_path: Path) -> None:
    path = tmp_path / "lp0"
    settings = PrinterSettings(kind=PrinterKind.FILE, path=str(path), cutter=Cutter.FULL)
    printer = open_printer(settings)
    try:
        status = printer.status()
        assert status.state is PrinterState.UNCHECKED and status.can_print
        first = printer.print_slip(RASTER, job_id="v1")
        second = printer.print_slip(RASTER, job_id="v2")
        assert printer.print_slip(RASTER, job_id="v1").repeated
    finally:
        printer.close()
    assert first.printed and second.printed
    job = slip_job(RASTER, dots=576, cutter=Cutter.FULL, feed_lines=4)
    assert path.read_bytes() == job + job
    images = [c for c in EscPosDecoder().feed(path.read_bytes()) if isinstance(c, RasterImage)]
    assert b"".join(i.raster.data for i in images) == RASTER.data * 2


def test_a_file_printer_whose_directory_is_missing_is_unplugged(tmp_path: Path) -> None:
    settings = PrinterSettings(kind=PrinterKind.FILE, path=str(tmp_path / "no" / "lp0"))
    printer = open_printer(settings)
    status = printer.status()
    assert status.state is PrinterState.UNPLUGGED and status.state.needs_staff
    assert "lp0" in status.detail
    assert printer.print_slip(RASTER, job_id="v1").result is PrintResult.NOT_PRINTED
    printer.close()


def test_a_serial_printer_that_is_not_there_is_unplugged(tmp_path: Path) -> None:
    printer = open_printer(PrinterSettings(kind=PrinterKind.SERIAL, port=str(tmp_path / "ttyUSB9")))
    status = printer.status()
    assert status.state is PrinterState.UNPLUGGED
    assert "ttyUSB9" in status.detail
    printer.close()


def test_a_usb_printer_that_is_not_there_is_unplugged_with_its_ids() -> None:
    # With libusb installed this is "not found"; without it pyusb has no backend at all:
    # either way a clear status naming the printer, not an exception.
    settings = PrinterSettings(kind=PrinterKind.USB, vendor_id=0xFFFE, product_id=0x0001)
    printer = open_printer(settings)
    status = printer.status()
    assert status.state is PrinterState.UNPLUGGED
    assert "usb fffe:0001" in status.detail
    assert printer.print_slip(RASTER, job_id="v1").result is PrintResult.NOT_PRINTED
    printer.close()
