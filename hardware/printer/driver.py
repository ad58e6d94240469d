"""The receipt printer driver: a slip in, a typed outcome out, never an exception, never twice.

Wiring: an ESC/POS thermal receipt printer (58 mm = 384 dots or 80 mm = 576 dots at 203 dpi)
on USB, on a serial port (RS-232 or a USB-serial adapter; use the udev name
/dev/maeum-printer) or behind a write-only device file. docs/printer.md says how.

- `status()` asks DLE EOT 1, 2 and 4, each with `status_timeout_s`, and returns a
  `PrinterStatus`: NO_ANSWER for silence (also for an answer to only some of the three),
  GARBAGE for bytes that are not status bytes (after asking once more), UNPLUGGED when the
  device is missing. Replies carry no question number, so input is discarded before each
  question, and after an unanswered one the next round first waits for a quiet line. A lost
  device is closed and reopened by the next call: a printer that comes back is found again
  without a restart.
- `print_slip(raster, job_id=...)` checks the status, sends the job in pieces and checks again.
  A job id that has reached the printer (PRINTED or INTERRUPTED) is never sent again: asking
  again returns the first outcome, marked `repeated`. A job refused before any byte went out
  (NOT_PRINTED) may be asked again once the printer is fixed. A job cut off mid-image is
  finished with blank rows before the printer is next asked anything. The job memory is this
  process's (the last 256 jobs); across restarts the kiosk's ledger keeps the job ids.

One caller at a time: each call holds a lock. Calls block for up to a few seconds (a slip takes
1-2 s to print): run them on a worker thread, never on the frame loop.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from hardware.errors import PrinterLinkLost, PrinterWriteTimeout
from hardware.printer.commands import INIT, filler_after_cut_off, slip_job
from hardware.printer.link import CHUNK, Link, open_link
from hardware.printer.raster import Raster
from hardware.printer.settings import PrinterKind, PrinterSettings
from hardware.printer.status import (
    QUERIES,
    PrinterState,
    PrinterStatus,
    is_status_byte,
    read_status,
    status_query,
)

_log = logging.getLogger(__name__)
REMEMBERED_JOBS = 256


class PrintResult(enum.Enum):
    PRINTED = "printed"  # every byte taken and the printer fine afterwards
    NOT_PRINTED = "not_printed"  # nothing sent: the printer was not ready (see status)
    # Sending started, then the printer or its cable failed: the visitor may hold part of a
    # slip, or nothing. Never sent again; the printer needs a look.
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class PrintOutcome:
    job_id: str
    result: PrintResult
    status: PrinterStatus  # what decided the result (after the job, if it was sent)
    bytes_sent: int
    job_bytes: int
    repeated: bool = False  # this job id was handled before; nothing was sent this time

    @property
    def printed(self) -> bool:
        return self.result is PrintResult.PRINTED


class Printer(Protocol):
    """What the kiosk sees of a printer."""

    @property
    def dots(self) -> int:
        """The paper's width in dots: render slips this wide."""
        ...

    def status(self) -> PrinterStatus: ...

    def print_slip(self, raster: Raster, *, job_id: str) -> PrintOutcome: ...

    def close(self) -> None: ...


def open_printer(
    settings: PrinterSettings,
    *,
    clock: Callable[[], float] = time.monotonic,
    link_factory: Callable[[PrinterSettings], Link] = open_link,
) -> Printer:
    """The printer `settings` describe. Never raises for a missing device: its status says
    UNPLUGGED until it is there."""
    if settings.kind is PrinterKind.NONE:
        return NoPrinter(settings)
    return EscposPrinter(settings, clock=clock, link_factory=link_factory)


class NoPrinter:
    """This machine has no printer: every slip stays on the screen."""

    def __init__(self, settings: PrinterSettings | None = None) -> None:
        self._dots = (settings or PrinterSettings()).dots

    @property
    def dots(self) -> int:
        return self._dots

    def status(self) -> PrinterStatus:
        return PrinterStatus(PrinterState.NOT_CONFIGURED, "no printer on this machine")

    def print_slip(self, raster: Raster, *, job_id: str) -> PrintOutcome:
        return PrintOutcome(job_id, PrintResult.NOT_PRINTED, self.status(), 0, 0)

    def close(self) -> None:
        pass


class EscposPrinter:
    """An ESC/POS printer over a `Link` (USB, serial or file, opened by python-escpos)."""

    def __init__(
        self,
        settings: PrinterSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        link_factory: Callable[[PrinterSettings], Link] = open_link,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._link_factory = link_factory
        self._link: Link | None = None
        self._lock = threading.RLock()
        self._jobs: OrderedDict[str, PrintOutcome] = OrderedDict()
        self._late_replies_possible = False
        self._unfinished = 0  # bytes the printer may still expect of a job cut off mid-image

    @property
    def dots(self) -> int:
        return self.settings.dots

    def close(self) -> None:
        with self._lock:
            self._drop_link()

    # --- status --------------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        with self._lock:
            link = self._connect()
            if isinstance(link, PrinterStatus):
                return link
            try:
                return self._ask_status(link)
            except PrinterLinkLost as exc:
                return self._lost(exc)
            except PrinterWriteTimeout as exc:
                self._lost(exc)
                return PrinterStatus(PrinterState.NO_ANSWER, str(exc))

    def _connect(self) -> Link | PrinterStatus:
        if self._link is None:
            try:
                self._link = self._link_factory(self.settings)
            except PrinterLinkLost as exc:
                return PrinterStatus(PrinterState.UNPLUGGED, str(exc))
            _log.info("printer open: %s", self.settings.where)
        return self._link

    def _ask_status(self, link: Link) -> PrinterStatus:
        if not link.can_read:
            return PrinterStatus(
                PrinterState.UNCHECKED, f"{self.settings.where} is write-only: status unknown"
            )
        if self._unfinished:
            self._finish_cut_off_job(link)
        if self._late_replies_possible:
            self._wait_for_quiet(link)
        replies = bytearray()
        for n in QUERIES:
            byte = self._ask(link, n)
            if byte is None:
                # A printer that was busy may still answer: those answers must not be read as
                # the replies of the next round (DLE EOT replies carry no question number).
                self._late_replies_possible = True
                return _silent(n, bytes(replies))
            replies.append(byte)
            if not is_status_byte(byte):
                break  # read_status names it
        if len(replies) < len(QUERIES):
            replies += bytes(len(QUERIES) - len(replies))  # padding; the bad byte comes first
        return read_status(replies[0], replies[1], replies[2])

    def _ask(self, link: Link, n: int) -> int | None:
        """The reply byte to DLE EOT n; a non-status byte only if asking again got one too."""
        byte: int | None = None
        for _ in range(2):  # once more after garbage: a burst of line noise passes
            link.discard_input()
            link.write(status_query(n))
            byte = self._read_byte(link)
            if byte is None or is_status_byte(byte):
                return byte
            _log.debug("printer: 0x%02X is not a reply to DLE EOT %d", byte, n)
        return byte

    def _finish_cut_off_job(self, link: Link) -> None:
        # A job cut off mid-image leaves the printer reading our next bytes (status questions
        # too) as image data: finish that image with white rows, then start afresh.
        _log.warning("printer: finishing a cut-off job with %d blank bytes", self._unfinished)
        filler = bytes(self._unfinished) + INIT
        for start in range(0, len(filler), CHUNK):
            link.write(filler[start : start + CHUNK])
        self._unfinished = 0
        self._late_replies_possible = True  # anything it said meanwhile is stale

    def _wait_for_quiet(self, link: Link) -> None:
        """Read and drop bytes until the line has been quiet for a moment (or for at most
        one status timeout, if the printer keeps talking)."""
        quiet = self.settings.status_timeout_s / 2
        end = self._clock() + self.settings.status_timeout_s
        for _ in range(100):
            if not link.read(quiet) or self._clock() >= end:
                break
        self._late_replies_possible = False

    def _read_byte(self, link: Link) -> int | None:
        timeout = self.settings.status_timeout_s
        deadline = self._clock() + timeout
        silent = 0.0  # real time in empty reads: ends the wait even if `clock` is frozen
        while (remaining := min(deadline - self._clock(), timeout - silent)) > 0:
            data = link.read(remaining)
            if data:
                return data[0]  # one byte per query; what follows is discarded before the next
            silent += remaining
        return None

    def _lost(self, exc: Exception) -> PrinterStatus:
        # Closing throws away unsent output; the next call reopens the device.
        _log.warning("printer lost: %s", exc)
        self._drop_link()
        return PrinterStatus(PrinterState.UNPLUGGED, str(exc))

    def _drop_link(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            link.close()

    # --- one slip ------------------------------------------------------------------------------

    def print_slip(self, raster: Raster, *, job_id: str) -> PrintOutcome:
        """Print `raster` once for `job_id` (see the module docstring). Raises ValueError only
        for a raster wider than the paper (a bug in the caller, not a printer fault)."""
        job = slip_job(
            raster,
            dots=self.dots,
            cutter=self.settings.cutter,
            feed_lines=self.settings.feed_lines,
        )
        with self._lock:
            earlier = self._jobs.get(job_id)
            if earlier is not None and earlier.result is not PrintResult.NOT_PRINTED:
                _log.info("printer: job %s was already %s", job_id, earlier.result.value)
                return replace(earlier, repeated=True)
            outcome = self._print(job, job_id)
            self._remember(outcome)
            return outcome

    def _print(self, job: bytes, job_id: str) -> PrintOutcome:
        before = self.status()
        if not before.can_print:
            return PrintOutcome(job_id, PrintResult.NOT_PRINTED, before, 0, len(job))
        link = self._link
        assert link is not None  # status() found a printer that can print, so it is open
        sent = 0
        piece = b""
        try:
            for start in range(0, len(job), CHUNK):
                piece = job[start : start + CHUNK]
                link.write(piece)
                sent += len(piece)
        except (PrinterLinkLost, PrinterWriteTimeout) as exc:
            # Part of the failed piece may have gone out, so even at 0 confirmed bytes this
            # job is not "not printed": sending it again could print a second slip.
            self._unfinished = filler_after_cut_off(job, sent, len(piece))
            failed = self._lost(exc)
            if isinstance(exc, PrinterWriteTimeout):
                failed = PrinterStatus(PrinterState.NO_ANSWER, str(exc))
            _log.warning("printer: job %s stopped after %d of %d bytes", job_id, sent, len(job))
            return PrintOutcome(job_id, PrintResult.INTERRUPTED, failed, sent, len(job))
        after = self.status()
        # Paper running out mid-slip or a cover opened shows now; silence or noise right
        # after a whole job is not a failure of the job (a busy printer may not answer).
        failed_after = after.state in (
            PrinterState.PAPER_OUT,
            PrinterState.COVER_OPEN,
            PrinterState.OFFLINE,
            PrinterState.UNPLUGGED,
        )
        result = PrintResult.INTERRUPTED if failed_after else PrintResult.PRINTED
        _log.info(
            "printer: job %s %s (%d bytes, %s)", job_id, result.value, sent, after.state.value
        )
        return PrintOutcome(job_id, result, after, sent, len(job))

    def _remember(self, outcome: PrintOutcome) -> None:
        self._jobs[outcome.job_id] = outcome
        self._jobs.move_to_end(outcome.job_id)
        while len(self._jobs) > REMEMBERED_JOBS:
            self._jobs.popitem(last=False)


def _silent(n: int, replies: bytes) -> PrinterStatus:
    if not replies:
        return PrinterStatus(PrinterState.NO_ANSWER, "the printer does not answer DLE EOT")
    return PrinterStatus(
        PrinterState.NO_ANSWER,
        f"the printer answered {len(replies)} of {len(QUERIES)} status queries "
        f"(none to DLE EOT {n})",
        replies,
    )
