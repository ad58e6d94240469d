"""A kiosk with a receipt printer for the tests: the real visit and the real print service,
driving the simulated printer over a real pty (hardware.printer.simulator). Every wait is on
the inbox's wake-up, bounded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image

from hardware.dispenser import SimulatedDispenser
from hardware.printer import Raster, to_1bit
from hardware.printer.simulator import PtyPrinterServer, SimulatedPrinter
from kiosk.shell.config import KioskConfig, PrinterConfig
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.ui.theme import panel
from kiosk.visit.flow import PrinterReady, Screen
from kiosk.visit.printing.service import Opener, PrintService
from kiosk.visit.printing.slip import slip_picture
from tests.kiosk.ui_support import fonts

WHEN = datetime(2026, 3, 5, 14, 20)
BOUND_S = 15.0


def printer_config(path: str, **changes: Any) -> PrinterConfig:
    """A serial printer on the simulator's pty, with timeouts short enough for the suite."""
    base = PrinterConfig(kind="serial", port=path, status_timeout_s=0.2, write_timeout_s=1.0)
    return replace(base, **changes)


@dataclass
class Kit:
    rt: Runtime
    sim: PtyPrinterServer
    service: PrintService
    woke: threading.Event
    now: float = 1.0

    def pump(self, done: Callable[[], bool], timeout: float = BOUND_S) -> bool:
        """Take what the workers posted, until `done()` (False after `timeout`)."""
        end = time.monotonic() + timeout
        while True:
            self.woke.clear()
            self.now += 0.01
            self.rt.app.take_inbox(self.now)
            if done():
                return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            self.woke.wait(min(left, 0.5))

    def check(self, ready: PrinterReady) -> None:
        """Read the printer's status now, until the visit knows it as `ready`."""
        self.service.check_now()
        session = self.rt.session
        assert self.pump(lambda: self.service.wait_idle(0) and session.state.printer is ready), (
            self.rt.session.state.printer,
            self.service.condition(),
        )

    def press(self, name: str) -> None:
        self.now += 1.0
        self.rt.app.press(name, self.now)

    def to_take_item(self) -> None:
        """A visitor's taps to the take-item screen (mood skipped); the vend is awaited."""
        self.rt.app.refresh(self.now)
        self.press("start")
        symptom = next(b.name for b in self.rt.app.page.buttons if b.name.startswith("symptom:"))
        self.press(symptom)
        self.press("skip")
        self.press("continue")
        assert self.pump(lambda: self.rt.session.state.screen is Screen.TAKE_ITEM)

    def to_goodbye(self) -> None:
        """From the take-item screen through the info screen(s) to goodbye."""
        self.press("continue")
        self.rt.app.refresh(self.now)
        if any(b.name == "places" for b in self.rt.app.page.buttons):  # a short screen
            self.press("places")
        self.press("continue")

    def finish_print(self) -> None:
        assert self.pump(lambda: self.service.wait_idle(0)), "the print job did not end"
        self.pump(lambda: True)  # its answer, from the inbox

    def screen_text(self) -> str:
        self.rt.app.refresh(self.now)
        return "\n".join(b.source for b in self.rt.app.page.text_blocks())

    def t(self, key: str) -> str:
        return self.rt.app.translations.text(self.rt.session.state.language, key)


@contextmanager
def printing_kiosk(
    tmp_path: Path,
    *,
    config: Callable[[str], PrinterConfig] = printer_config,
    opener: Callable[[PrinterConfig], Opener] | None = None,
    dots: int = 576,
) -> Iterator[Kit]:
    """The visit with a print service on a simulated printer; the printer has joined."""
    kiosk = replace(KioskConfig(), display=panel(1024, 600), data_dir=tmp_path / "data")
    rt = build_runtime(kiosk, 0.0, dispenser=SimulatedDispenser(), seed=5, fonts=fonts())
    woke = threading.Event()
    rt.inbox.on_post(woke.set)
    with PtyPrinterServer(SimulatedPrinter(dots=dots, out_dir=tmp_path / "slips")) as sim:
        cfg = config(sim.path)
        service = PrintService(
            cfg,
            post=rt.inbox.post,
            fonts=rt.app.fonts,
            translations=rt.app.translations,
            data_dir=tmp_path,
            wall=lambda: WHEN,
            opener=opener(cfg) if opener is not None else None,
            ready_poll_s=60.0,  # the tests ask for the status when they need it
            fault_poll_s=60.0,
        )
        rt.session.printer = service
        service.start()
        kit = Kit(rt, sim, service, woke)
        try:
            assert kit.pump(lambda: rt.session.state.printer is not PrinterReady.ABSENT)
            yield kit
        finally:
            service.close()
            rt.close()


def card_raster(kit: Kit, slip_no: int = 1) -> Raster:
    """The slip this visit should print, drawn directly and made 1-bit."""
    visit, lang = kit.rt.session.state.visit, kit.rt.session.state.language
    if kit.rt.session.state.screen is Screen.ATTRACT:
        raise AssertionError("the visit is over: draw the card while it lasts")
    assert visit.prescription is not None
    surface = slip_picture(
        kit.rt.session.content,
        visit.prescription,
        lang,
        kit.service.dots,
        kit.rt.app.fonts,
        WHEN,
        slip_no,
        symptom=visit.symptom,
        help_first=visit.show_help_first,
        stamp=visit.stamp,  # the number and date the screen showed
        item=visit.item,
        translations=kit.rt.app.translations,
    )
    import pygame

    size = surface.get_size()
    gray = Image.frombytes("RGB", size, pygame.image.tobytes(surface, "RGB")).convert("L")
    return to_1bit(gray.tobytes(), size[0])
