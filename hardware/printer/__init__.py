"""The receipt printer: prescription slips printed as pictures on an ESC/POS thermal printer.

    settings = PrinterSettings.from_table({"kind": "serial", "port": "/dev/maeum-printer"})
    printer = open_printer(settings)               # never raises for a missing printer
    raster = to_1bit(gray, printer.dots, pictures=[photo_box])
    outcome = printer.print_slip(raster, job_id="visit-123")   # on a worker thread
    outcome.result, outcome.status.state            # PRINTED / NOT_PRINTED / INTERRUPTED

Modules: `settings` (which printer), `raster` (grayscale to 1-bit), `commands` (ESC/POS bytes
of a slip), `status` (DLE EOT replies), `link` (the cable, through python-escpos), `driver`
(the `Printer`), `decoder` and `simulator` (a printer on a pty), `bench`.
Knows nothing of `prescriptions` or `kiosk`.
"""

from hardware.printer.commands import Cutter, slip_job, slip_job_from_gray
from hardware.printer.driver import (
    EscposPrinter,
    NoPrinter,
    Printer,
    PrintOutcome,
    PrintResult,
    open_printer,
)
from hardware.printer.raster import Box, Dither, Raster, to_1bit
from hardware.printer.settings import Paper, PrinterKind, PrinterSettings
from hardware.printer.status import PrinterState, PrinterStatus

__all__ = [
    "Box",
    "Cutter",
    "Dither",
    "EscposPrinter",
    "NoPrinter",
    "Paper",
    "PrintOutcome",
    "PrintResult",
    "Printer",
    "PrinterKind",
    "PrinterSettings",
    "PrinterState",
    "PrinterStatus",
    "Raster",
    "open_printer",
    "slip_job",
    "slip_job_from_gray",
    "to_1bit",
]
