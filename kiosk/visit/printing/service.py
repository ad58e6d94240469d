"""The printer's own thread: the slip as part of the visit, never a blocker.

    UI thread                          printer thread
    submit(order) ─ draws the slip ─▶  queue ─▶ 1 bit ─▶ status? ─▶ GS v 0 … cut
         ▲                                                      │
         └──── inbox: PrintDone, PrinterStatusChanged ◀─────────┘

- The printer is opened on this thread after the first frame (python-escpos and Pillow take a
  while to import), like the cabinet; until it answers, no slip is offered.
- Between jobs its status is read every `ready_poll_s` (every `fault_poll_s` while it cannot
  print), so a roll put in, a cover shut or a cable plugged back is found without a restart,
  and staff hear of a fault with no visitor waiting.
- Each job is one visit's, printed at most once (the driver refuses a job id twice; the visit
  asks once). What the printer said comes back as a `PrintDone`; paper used is written to the
  ledger (`SlipBook`) and the paper left is estimated from it.
- `alerts()` is what staff should know (the cabinet's `AlertMonitor`, the only owner of the
  attention LED, reads it); `on_change` tells the monitor when it changed.

The slip is drawn on the UI thread in `submit` (the kiosk's fonts are not for two threads);
it takes milliseconds. Everything else happens here.
"""

from __future__ import annotations

import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from kiosk.cabinet.alerts import Alert
from kiosk.shell.config import PrinterConfig
from kiosk.shell.inbox import DrawSlip, PrintDone, PrinterStatusChanged
from kiosk.ui.fonts import FontBook
from kiosk.ui.i18n import Translations
from kiosk.visit.flow import PrinterReady
from kiosk.visit.printing.order import SlipOrder
from kiosk.visit.printing.paper import (
    MemoryBook,
    PaperLevel,
    PrinterCondition,
    SlipBook,
    printer_alerts,
    slip_length_mm,
    used_length_mm,
)
from kiosk.visit.printing.slip import slip_picture, slip_qr
from kiosk.visit.screens.base import PictureCache

if TYPE_CHECKING:
    from hardware.printer import Printer, PrinterState, PrinterStatus, PrintOutcome
    from hardware.printer.simulator import PtyPrinterServer

log = logging.getLogger(__name__)

DOTS = {58: 384, 80: 576}
SIM_FOLDER = "printer-sim"  # in the data folder: the simulated printer's slips, as PNGs


@dataclass(frozen=True)
class _Job:
    job_id: str
    slip_no: int
    width: int
    height: int
    rgb: bytes  # the slip as drawn, 3 bytes a pixel


_CHECK = "check"  # read the status now (staff, tests)
_STOP = "stop"
Opener = Callable[[], "Printer"]


class PrintService:
    """The kiosk's receipt printer; see the module docstring."""

    def __init__(
        self,
        config: PrinterConfig,
        *,
        post: Callable[[object], None],
        fonts: FontBook,
        translations: Translations,
        data_dir: Path,
        nearest_place: str = "",
        wall: Callable[[], datetime] = datetime.now,
        opener: Opener | None = None,
        ready_poll_s: float = 30.0,
        fault_poll_s: float = 3.0,
    ) -> None:
        """`opener` opens the printer (on this service's thread); by default the one
        `config` describes (a simulated one runs on a pty, its slips in the data folder)."""
        self.config = config
        self.dots = DOTS.get(config.paper_mm, 576)
        self._post = post
        self._fonts = fonts
        self._translations = translations
        self._data_dir = data_dir
        self._nearest = nearest_place
        self._wall = wall
        self._opener = opener
        self._ready_poll_s = ready_poll_s
        self._fault_poll_s = fault_poll_s
        self._jobs: queue.Queue[_Job | str] = queue.Queue()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._busy = 0  # jobs and checks given and not yet done
        self._book: SlipBook = MemoryBook()
        self._slip_no = 0
        self._run = secrets.token_hex(3)  # job ids are unique to this run of the kiosk
        self._condition = PrinterCondition(None)
        self._reported: tuple[object, ...] | None = None
        self._pictures = PictureCache()  # the QR code, made once
        self._thread: threading.Thread | None = None
        self.server: PtyPrinterServer | None = None  # the simulated printer, if one runs here
        # Told when what staff should know changed (the AlertMonitor's check); any thread.
        self.on_change: Callable[[], None] = lambda: None

    # --- the UI thread ---------------------------------------------------------------------

    def start(self) -> None:
        """Open the printer and watch it, in the background."""
        self._thread = threading.Thread(target=self._serve, name="printer", daemon=True)
        self._thread.start()

    def use_book(self, book: SlipBook) -> None:
        """Count slips and paper in `book` (the ledger, once the cabinet joined)."""
        try:
            last = book.last_slip_no()
        except Exception:
            log.exception("printer: the ledger's slip numbers cannot be read; kept in memory")
            return
        with self._lock:
            self._book = book
            self._slip_no = max(self._slip_no, last)
        self.check_now()  # the paper estimate from the ledger's count

    def submit(self, order: SlipOrder) -> str | None:
        """Print `order`'s slip; its job id (the answer comes as a `PrintDone`). The slip is
        drawn at the start of the next frame (`DrawSlip`), so the tap that asked for it is
        answered on the screen first, and printed on the printer thread."""
        with self._lock:
            self._slip_no += 1
            slip_no = self._slip_no
        job_id = f"{self._run}-{slip_no}"
        with self._lock:
            self._busy += 1  # drawing counts: `wait_idle` waits for it too
        self._post(DrawSlip(lambda: self._draw(order, job_id, slip_no)))
        return job_id

    def _warm_up(self) -> None:
        """On the UI thread, once: what every slip shares (the QR code) is made now, not while
        a visitor waits for the screen to move on."""
        url = self._translations.text("ko", "chatbot.url")
        if url:
            try:
                slip_qr(url, self._pictures)
            except Exception:  # the first slip will try again, and say so
                log.exception("printer: the slip's QR code could not be made")

    def _draw(self, order: SlipOrder, job_id: str, slip_no: int) -> None:
        """On the UI thread: the slip's picture, handed to the printer thread."""
        try:
            surface = slip_picture(
                order.content,
                order.prescription,
                order.lang,
                self.dots,
                self._fonts,
                self._wall(),
                slip_no,
                symptom=order.symptom,
                help_first=order.help_first,
                stamp=order.stamp,
                item=order.item,
                nearest_place=self._nearest,
                translations=self._translations,
                cache=self._pictures,
            )
        except Exception as exc:
            log.exception("printer: slip %d could not be drawn", slip_no)
            self._post(_not_drawn(job_id, slip_no, exc))
            self._done_one()
            return
        width, height = surface.get_size()
        rgb = pygame.image.tobytes(surface, "RGB")
        self._jobs.put(_Job(job_id, slip_no, width, height, rgb))

    def check_now(self) -> None:
        """Read the printer's status as soon as the thread is free (staff, tests)."""
        self._give(_CHECK)

    def close(self, timeout: float = 10.0) -> None:
        """Finish the job under way (a slip half printed helps nobody), then stop."""
        self._jobs.put(_STOP)
        if self._thread is not None:
            self._thread.join(timeout)

    # --- any thread ------------------------------------------------------------------------

    def alerts(self) -> Sequence[Alert]:
        """What staff should know about the printer now (for the AlertMonitor)."""
        with self._lock:
            return printer_alerts(self._condition)

    def condition(self) -> PrinterCondition:
        with self._lock:
            return self._condition

    def paper_changed(self) -> None:
        """Staff put in a new roll ("용지 교체"): the estimate starts again. Writes the ledger:
        call it off the UI thread (a staff job)."""
        with self._lock:
            book = self._book
        book.paper_changed(round(self.config.roll_m * 1000))
        log.info("printer: a new roll of %.0f m", self.config.roll_m)
        self.check_now()

    def wait_idle(self, timeout: float) -> bool:
        """Until every job and check given so far is done (the demo, tests); False when
        `timeout` passed first."""
        end = time.monotonic() + timeout
        with self._idle:
            while self._busy:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def _give(self, item: _Job | str) -> None:
        with self._lock:
            self._busy += 1
        self._jobs.put(item)

    def _done_one(self) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    # --- the printer thread ----------------------------------------------------------------

    def _serve(self) -> None:
        printer = self._open()
        try:
            if printer is None:
                return
            self._post(DrawSlip(self._warm_up))  # the QR code made before the first slip
            self._report(printer.status())
            while True:
                can_print = self.condition().state in ("ready", "paper_near_end", "unchecked")
                wait = self._ready_poll_s if can_print else self._fault_poll_s
                try:
                    item = self._jobs.get(timeout=wait)
                except queue.Empty:
                    self._report(printer.status())
                    continue
                if item == _STOP:
                    return
                try:
                    if isinstance(item, _Job):
                        self._print(printer, item)
                    else:
                        self._report(printer.status())
                except Exception:  # the printer thread must outlive any one job
                    log.exception("printer: a job failed")
                finally:
                    self._done_one()
        finally:
            if printer is not None:
                printer.close()
            if self.server is not None:
                self.server.stop()
            self._release_waiters()

    def _open(self) -> Printer | None:
        try:
            if self._opener is not None:
                return self._opener()
            return self._configured()
        except Exception as exc:  # a bad setting, a simulator that cannot start
            log.exception("printer: cannot be set up")
            self._set(PrinterCondition("unplugged", f"printer setup failed: {exc}"), False)
            return None

    def _configured(self) -> Printer:
        from hardware.printer import PrinterSettings, open_printer

        # python-escpos parses its printer database at import (half a second) into a cache in
        # a new temporary folder each time, unless told where to keep it.
        cache = self._data_dir / "escpos-cache"
        try:
            cache.mkdir(parents=True, exist_ok=True)
            os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
        except OSError:
            log.warning("printer: no cache folder %s; python-escpos uses /tmp", cache)

        port = None
        if self.config.kind == "simulated":
            from hardware.printer.simulator import PtyPrinterServer, SimulatedPrinter

            out = self._data_dir / SIM_FOLDER
            self.server = PtyPrinterServer(SimulatedPrinter(dots=self.dots, out_dir=out)).start()
            port = self.server.path
            log.warning("SIMULATION: simulated printer on %s, slips in %s", port, out)
        return open_printer(PrinterSettings.from_table(self.config.table(port)))

    def _print(self, printer: Printer, job: _Job) -> None:
        from PIL import Image

        from hardware.printer import to_1bit

        gray = Image.frombytes("RGB", (job.width, job.height), job.rgb).convert("L")
        raster = to_1bit(gray.tobytes(), job.width)
        outcome = printer.print_slip(raster, job_id=job.job_id)
        full = slip_length_mm(raster.height, self.config.feed_lines)
        length = used_length_mm(full, outcome.bytes_sent, outcome.job_bytes)
        if outcome.repeated:
            length = 0  # nothing went out this time
        self._record(job, outcome, length)
        self._post(
            PrintDone(
                job.job_id,
                job.slip_no,
                outcome.result,
                outcome.printed,
                outcome.status.state,
                outcome.status.detail,
            )
        )
        log.info(
            "printer: slip %d %s (%d mm, %s)",
            job.slip_no,
            outcome.result.value,
            length,
            outcome.status.state.value,
        )
        self._report(outcome.status)

    def _record(self, job: _Job, outcome: PrintOutcome, length_mm: int) -> None:
        with self._lock:
            book = self._book
        try:
            book.record_slip(job.slip_no, outcome.result.value, length_mm, outcome.status.detail)
        except Exception:  # the slip is out; its paper goes uncounted (logged)
            log.exception("printer: slip %d not written to the ledger", job.slip_no)

    def _report(self, status: PrinterStatus) -> None:
        with self._lock:
            book = self._book
        try:
            used: int | None = book.paper_used_mm()
        except Exception:
            log.exception("printer: the paper count cannot be read")
            used = None
        paper = None
        if used is not None:
            cfg = self.config
            paper = PaperLevel(round(cfg.roll_m * 1000), used, round(cfg.low_paper_m * 1000))
        condition = PrinterCondition(status.state.value, status.detail, paper)
        self._set(condition, status.can_print)

    def _set(self, condition: PrinterCondition, can_print: bool) -> None:
        ready = PrinterReady.READY if can_print else PrinterReady.DOWN
        if condition.state == "not_configured":
            ready = PrinterReady.ABSENT
        left = condition.paper.left_mm if condition.paper is not None else None
        with self._lock:
            earlier, self._condition = self._condition, condition
            before, after = printer_alerts(earlier), printer_alerts(condition)
            key = (ready, condition.state, left)
            changed, self._reported = key != self._reported, key
        if condition.state != earlier.state:
            level = logging.WARNING if ready is PrinterReady.DOWN else logging.INFO
            log.log(level, "printer: %s (%s)", condition.state, condition.detail)
        if changed:
            self._post(PrinterStatusChanged(ready, _state(condition.state), condition.detail, left))
        if before != after:
            try:
                self.on_change()
            except Exception:
                log.exception("printer: the alerts could not be updated")

    def _release_waiters(self) -> None:
        # Jobs left in the queue at the stop are not printed: nobody waits for them.
        with self._idle:
            self._busy = 0
            self._idle.notify_all()


def _not_drawn(job_id: str, slip_no: int, exc: Exception) -> PrintDone:
    from hardware.printer import PrinterState, PrintResult

    why = f"the slip could not be drawn: {exc}"
    return PrintDone(job_id, slip_no, PrintResult.NOT_PRINTED, False, PrinterState.READY, why)


def _state(name: str | None) -> PrinterState:
    from hardware.printer import PrinterState

    return PrinterState(name or "unplugged")
