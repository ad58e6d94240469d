"""The receipt printer, with the technician: is it there, can it print, and does a test slip
come out readable (a grid, Korean and English: the slip is a picture, so if these are crisp,
every slip is)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from hardware.diagnostics.checks import Check, CheckResult, failed, passed, skipped
from hardware.diagnostics.person import Answer, Prompter
from hardware.printer.driver import Printer
from hardware.printer.raster import Raster
from hardware.printer.status import PrinterState, PrinterStatus

# What to look at for each state that stops the slips.
NEXT_STEP = {
    PrinterState.UNPLUGGED: (
        "the printer's power and cable; `lsusb` should list it (usb), or the port exist "
        "(serial); the udev rule gives it /dev/maeum-printer (docs/printer.md)"
    ),
    PrinterState.PAPER_OUT: "put in a roll (the paper's shiny side towards the head)",
    PrinterState.COVER_OPEN: "close the printer's cover until it clicks",
    PrinterState.OFFLINE: "a cutter jam or a hot head: open the cover, clear the paper, wait",
    PrinterState.NO_ANSWER: (
        "power it on; a serial printer must be set to the configured baud rate (115200)"
    ),
    PrinterState.GARBAGE: (
        "something else answers on that port: the wrong device, or a wrong baud rate"
    ),
}


@dataclass
class PrinterSession:
    """The printer, opened once by "printer.present" and shared by the checks after it."""

    open: Callable[[], Printer]
    where: str  # the printer's address in words, for the messages
    printer: Printer | None = None
    printed: str = ""  # where a simulated printer put the test slip (for the trainee)

    def setup(self) -> Printer:
        if self.printer is None:
            self.printer = self.open()
        return self.printer

    def close(self) -> None:
        if self.printer is not None:
            self.printer.close()
            self.printer = None


def printer_checks(
    session: PrinterSession,
    prompter: Prompter,
    test_slip: Callable[[int], Raster],
    *,
    where_printed: Callable[[], str] = lambda: "",
) -> list[Check]:
    """Present, status, a test slip, and the technician's look at it. `test_slip(dots)` draws
    the test slip at the paper's width; `where_printed()` names where a simulated printer put
    it ("" for a real one: the technician holds it)."""
    return [
        Check("printer.present", "receipt printer present", "printer", lambda: _present(session)),
        Check(
            "printer.status",
            "printer status (paper, cover)",
            "printer",
            lambda: _status(session),
            requires=("printer.present",),
        ),
        Check(
            "printer.test_print",
            "printer test slip",
            "printer",
            lambda: _test_print(session, test_slip),
            requires=("printer.status",),
        ),
        Check(
            "printer.readable",
            "test slip readable",
            "printer",
            lambda: _readable(prompter, where_printed()),
            needs_person=True,
            requires=("printer.test_print",),
        ),
    ]


def _details(status: PrinterStatus) -> dict[str, object]:
    return {"state": status.state.value, "replies": status.replies.hex(), "detail": status.detail}


def _present(session: PrinterSession) -> CheckResult:
    status = session.setup().status()
    if status.state is PrinterState.NOT_CONFIGURED:
        return skipped('no printer configured ([printer] kind = "none")')
    if status.state is PrinterState.UNPLUGGED:
        return failed(
            f"no printer at {session.where}: {status.detail} (프린터 없음)",
            NEXT_STEP[PrinterState.UNPLUGGED],
            **_details(status),
        )
    return passed(f"{session.where} answers ({status.state.value})", **_details(status))


def _status(session: PrinterSession) -> CheckResult:
    status = session.setup().status()
    state = status.state
    if state is PrinterState.READY:
        return passed("ready: paper in, cover shut", **_details(status))
    if state is PrinterState.PAPER_NEAR_END:
        return passed("prints, but the roll is near its end: change it soon", **_details(status))
    if state is PrinterState.UNCHECKED:
        return passed(
            "a write-only device: its status cannot be read (paper out will go unnoticed)",
            **_details(status),
        )
    return failed(
        f"cannot print: {status.detail} (인쇄 불가)",
        NEXT_STEP.get(state, "look at the printer"),
        **_details(status),
    )


def _test_print(session: PrinterSession, test_slip: Callable[[int], Raster]) -> CheckResult:
    printer = session.setup()
    raster = test_slip(printer.dots)
    start = time.monotonic()
    outcome = printer.print_slip(raster, job_id=f"hwtest-{time.monotonic_ns()}")
    details = {
        **_details(outcome.status),
        "rows": raster.height,
        "bytes": outcome.job_bytes,
        "seconds": round(time.monotonic() - start, 2),
    }
    if outcome.printed:
        return passed(f"{raster.height} rows, {outcome.job_bytes} bytes sent and cut", **details)
    return failed(
        f"the test slip did not print whole ({outcome.result.value}): {outcome.status.detail}",
        NEXT_STEP.get(outcome.status.state, "look at the printer, then run this check again"),
        **details,
    )


def _readable(prompter: Prompter, where: str) -> CheckResult:
    if where:
        prompter.note(f"SIMULATION: the test slip is the picture {where}")
    answer = prompter.ask(
        "printer.readable",
        "Is the test slip readable: every square of the grid closed, the Korean and English "
        "lines sharp, nothing cut off at either side? (시험 쪽지가 잘 읽히나요?)",
    )
    if answer is Answer.YES:
        return passed("the technician read the test slip")
    if answer is Answer.NO:
        return failed(
            "the test slip is not readable (잘 안 보임)",
            "paper_mm must match the roll (58 or 80); clean the head with an alcohol pen; "
            "thermal paper printed on the wrong side stays blank",
        )
    return skipped("the technician could not tell")
