"""The one road from background work to the frame.

Every worker (vends, the board watch, alerts, content checks, staff jobs, and later speech and
printing) reports back by `post`ing a typed event here; the frame loop `drain`s them all at the
start of a frame, on the UI thread, and nothing else crosses between threads. `post` also wakes
the loop, which otherwise sleeps until the next input or deadline (see `kiosk.shell.wait`).

    worker thread ──post(VendDone(...))──▶ Inbox ──drain()──▶ App.deliver (UI thread)
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hardware.dispenser import VendResult
from kiosk.shell.input import Nav

if TYPE_CHECKING:
    from hardware.printer import PrinterState, PrintResult
    from kiosk.cabinet.alerts import Alert
    from kiosk.visit.flow.state import PrinterReady
    from prescriptions.model import Content


@dataclass(frozen=True)
class VendDone:
    """A vend finished (any outcome)."""

    result: VendResult


@dataclass(frozen=True)
class DispensingStatus:
    """Whether the cabinet can dispense now; `fault` says why not (board, disk, a part)."""

    fault: str | None


@dataclass(frozen=True)
class AlertsChanged:
    """What staff should know changed (the attention LED already follows it)."""

    alerts: tuple[Alert, ...]


@dataclass(frozen=True)
class ContentReady:
    """Checked content of `generation` is ready; the visit takes it at the attract screen."""

    content: Content
    generation: int


@dataclass(frozen=True)
class ContentUnusable:
    """The full check refused the files and there is no earlier good copy to serve."""

    reason: str


@dataclass(frozen=True)
class KeypadPressed:
    """A key of the cabinet's keypad (gpiozero calls back on its own thread), as the
    navigation it stands for."""

    nav: Nav


@dataclass(frozen=True)
class ServiceButtonPressed:
    """The service button inside the cabinet: staff mode opens."""


@dataclass(frozen=True)
class EarphoneChanged:
    """The front earphone jack's detect switch: an earphone was plugged in (or pulled out).
    The speaker goes quiet while one is in, and voice guidance starts."""

    present: bool


@dataclass(frozen=True)
class Attach:
    """A part that started in the background (the cabinet's hardware) is ready; `attach`
    joins it to the running kiosk, on the UI thread."""

    what: str
    attach: Callable[[], None]


@dataclass(frozen=True)
class PrinterStatusChanged:
    """The receipt printer's condition changed (or it joined): whether a slip can be offered
    (`ready`), its state and a sentence for the log; `paper_left_mm` is the estimate from what
    was printed since the roll was changed (None: not known)."""

    ready: PrinterReady
    state: PrinterState
    detail: str
    paper_left_mm: int | None = None


@dataclass(frozen=True)
class DrawSlip:
    """Draw a slip on the UI thread (the fonts are the screen's), at the start of the next
    frame: the tap that asked for it has its answer on the screen first."""

    draw: Callable[[], None]


@dataclass(frozen=True)
class PrintDone:
    """A slip job finished (printed, refused before a byte went out, or cut off midway)."""

    job_id: str
    slip_no: int
    result: PrintResult
    printed: bool  # the slip came out whole
    state: PrinterState  # the printer's state after the job
    detail: str = ""


class Inbox:
    """A thread-safe queue of events for the frame, with a wake-up for the sleeping loop."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._wake: Callable[[], None] = lambda: None

    def on_post(self, wake: Callable[[], None]) -> None:
        """Called (from the posting thread) after every post: the shell's wake-up."""
        self._wake = wake

    def post(self, event: object) -> None:
        """From any thread; never blocks."""
        self._queue.put(event)
        self._wake()

    def drain(self) -> list[object]:
        """Every event posted so far, oldest first; never blocks."""
        out = []
        while True:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                return out
