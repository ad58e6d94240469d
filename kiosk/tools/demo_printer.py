"""`demo --printer DIR`: the scripted visits print on a simulated printer on a pty, through the
kiosk's own print service and the real driver; every slip that comes out is written to DIR as
`slip-NN.bin` (the bytes the printer received for it, status questions included: feed them to
`hardware.printer.decoder.EscPosDecoder` to get the slip back) and `slip-NN.png` (the slip as
the printer decoded it, one pixel a dot)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hardware.printer.simulator import PtyPrinterServer, SimulatedPrinter, write_png
from kiosk.shell.config import PrinterConfig
from kiosk.shell.runtime import Runtime
from kiosk.visit.flow import PrinterReady, Screen
from kiosk.visit.printing.service import PrintService

if TYPE_CHECKING:
    from kiosk.tools.demo import Director

WHEN = datetime(2026, 3, 5, 14, 20)  # the date on every demo slip: the pictures do not change
BOUND_S = 30.0


class DemoPrinter:
    def __init__(self, out: Path, paper_mm: int = 80, data_dir: Path | None = None) -> None:
        self.out = out
        self.data_dir = data_dir if data_dir is not None else out.parent  # escpos's cache
        out.mkdir(parents=True, exist_ok=True)
        self.config = PrinterConfig(kind="serial", paper_mm=paper_mm)
        dots = 384 if paper_mm == 58 else 576
        self.server = PtyPrinterServer(SimulatedPrinter(dots=dots)).start()
        self.written: list[Path] = []
        self._mark = 0  # bytes received up to the last slip written
        self._service: PrintService | None = None

    def attach(self, rt: Runtime) -> None:
        """Give this kiosk (one per screen size) the printer; back once it has answered."""
        self.detach()
        self._service = PrintService(
            PrinterConfig(kind="serial", port=self.server.path, paper_mm=self.config.paper_mm),
            post=rt.inbox.post,
            fonts=rt.app.fonts,
            translations=rt.app.translations,
            data_dir=self.data_dir,
            wall=lambda: WHEN,
        )
        rt.session.printer = self._service
        self._service.start()
        self._settle(rt, lambda: rt.session.state.printer is not PrinterReady.ABSENT)

    def settle(self, d: Director) -> None:
        """The slip under way comes out, its answer reaches the visit, and it is written."""
        service = self._service
        if service is None:
            return
        self._settle(d.rt, lambda: service.wait_idle(0))
        self._write_new()

    def fault(self, d: Director, name: str, on: bool) -> None:
        """Turn one of the simulated printer's knobs and let the kiosk see it at once."""
        self.server.set_fault(name, on)
        if self._service is not None:
            self._service.check_now()
            self._settle(d.rt, lambda: self._service is not None and self._service.wait_idle(0))

    def detach(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None

    def close(self) -> None:
        self.detach()
        self.server.stop()

    def _settle(self, rt: Runtime, done: Callable[[], bool]) -> None:
        woke = threading.Event()
        rt.inbox.on_post(woke.set)
        end = time.monotonic() + BOUND_S
        while time.monotonic() < end:
            woke.clear()
            rt.app.take_inbox(0.0)
            if done():
                rt.app.take_inbox(0.0)
                return
            woke.wait(0.2)
        raise TimeoutError("the demo's printer did not answer")

    def _write_new(self) -> None:
        slips = self.server.slips
        received = self.server.received
        for slip in slips[len(self.written) :]:
            number = len(self.written) + 1
            png = self.out / f"slip-{number:02d}.png"
            write_png(slip.raster, png)
            (self.out / f"slip-{number:02d}.bin").write_bytes(received[self._mark :])
            self._mark = len(received)
            self.written.append(png)


def printer_fault_script(d: Director, lang: str, printer: DemoPrinter) -> Iterator[None]:
    """A visit while the printer is out of paper: no slip promised, a kind word instead."""
    printer.fault(d, "paper_out", True)
    if lang != "ko":
        d.press(f"lang:{lang}")
    d.press("start")
    d.press(next(b.name for b in d.rt.app.page.buttons if b.name.startswith("symptom:")))
    d.press("skip")
    d.press("continue")
    d.finish_vend()
    if d.rt.session.state.screen is Screen.TAKE_ITEM:
        d.shoot("take-item-no-slip")
    d.press("home")
    printer.fault(d, "paper_out", False)
    yield
