"""Runs vends off the UI thread; each result goes to the inbox as a `VendDone`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from hardware.dispenser import Dispenser, VendOutcome, VendResult
from kiosk.shell.inbox import VendDone

log = logging.getLogger(__name__)


class VendWorker:
    """One vend at a time in a background thread; `post` carries each result to the frame."""

    def __init__(self, dispenser: Dispenser, post: Callable[[object], None]) -> None:
        self.dispenser = dispenser
        self._post = post
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def submit(self, slot: int) -> bool:
        """Start a vend; False (and nothing sent) when one is still running."""
        if self.busy:
            log.warning("vend for slot %s refused: another vend is still running", slot)
            return False
        self._thread = threading.Thread(
            target=self._run, args=(slot,), name=f"vend-{slot}", daemon=True
        )
        self._thread.start()
        return True

    def _run(self, slot: int) -> None:
        try:
            result = self.dispenser.vend(slot)
        except Exception as exc:  # a driver bug must not leave the visitor waiting
            log.exception("vend on slot %s failed unexpectedly", slot)
            result = VendResult(VendOutcome.UNVERIFIED, slot, None, f"error: {exc!r}")
        self._post(VendDone(result))

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
