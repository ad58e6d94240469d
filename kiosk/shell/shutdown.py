"""An orderly stop: SIGTERM (systemd), SIGINT (Ctrl+C) or the technician's key combination.

A signal handler only sets a flag; the frame loop checks `requested` once per frame and then
calls `shut_down()`, which runs the registered steps in reverse order of registration, each
guarded so that one failing step does not keep the others from running:

    shutdown = ShutdownCoordinator()
    shutdown.install()                       # main thread, before the loop
    ledger = open_ledger(...);   shutdown.on_shutdown("ledger closed", ledger.close)
    board = open_board(...);     shutdown.on_shutdown("board port closed", board.close)
    lights = Lights(...);        shutdown.on_shutdown("lights off", lights.off)
    while not shutdown.requested:
        ...one frame...
    notifier.stopping()
    shutdown.shut_down()                     # lights off, port closed, ledger closed
    return shutdown.exit_status

Doing the work in the loop and not in the handler means it never runs in the middle of a
frame, a ledger write or a serial exchange. A loop that is stuck never sees the flag: then
systemd's watchdog (frozen UI) or TimeoutStopSec (stuck stop) ends the process the hard way.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import Any

log = logging.getLogger(__name__)

# The run command returns this after the technician's exit combination. The unit treats it as
# "stay stopped" (RestartPreventExitStatus=) and opens a login prompt on the screen
# (ExecStopPost=). Not a sysexits code, so nothing else produces it by accident.
TECHNICIAN_EXIT_STATUS = 99

DEFAULT_SIGNALS = (signal.SIGTERM, signal.SIGINT)

_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


@dataclass(frozen=True)
class StepResult:
    """How one shutdown step went, for the log and for tests."""

    name: str
    ok: bool
    seconds: float
    error: str = ""


class ShutdownCoordinator:
    """Turns stop signals into a flag and runs the shutdown steps once, in reverse order."""

    def __init__(
        self,
        signals: Iterable[signal.Signals] = DEFAULT_SIGNALS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._signals = tuple(signals)
        self._clock = clock
        self._steps: list[tuple[str, Callable[[], object]]] = []
        self._previous: dict[signal.Signals, _Handler] = {}
        self._signal: int | None = None
        self._reason: str | None = None
        self._exit_status = 0
        self._results: list[StepResult] | None = None

    # -- signals -------------------------------------------------------------------------------

    def install(self) -> None:
        """Catch the stop signals (main thread only); the previous handlers are kept."""
        for sig in self._signals:
            if sig not in self._previous:
                self._previous[sig] = signal.signal(sig, self._on_signal)

    def uninstall(self) -> None:
        """Put the previous handlers back."""
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()

    def __enter__(self) -> ShutdownCoordinator:
        self.install()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.uninstall()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # Only a flag: no logging, no I/O, nothing that could deadlock or interleave with
        # whatever the main thread was doing when the signal arrived.
        if self._signal is None:
            self._signal = signum

    # -- requests ------------------------------------------------------------------------------

    def request(self, reason: str, exit_status: int = 0) -> None:
        """Ask for a stop from inside the app (e.g. the technician combination)."""
        if not self.requested:
            self._reason = reason
            self._exit_status = exit_status

    @property
    def requested(self) -> bool:
        return self._signal is not None or self._reason is not None

    @property
    def reason(self) -> str | None:
        """Why the kiosk is stopping: "SIGTERM", "SIGINT" or the text given to request()."""
        if self._reason is not None:
            return self._reason
        if self._signal is not None:
            return signal.Signals(self._signal).name
        return None

    @property
    def exit_status(self) -> int:
        """0 after a signal (a clean stop for systemd), else what request() was given."""
        return self._exit_status if self._reason is not None else 0

    # -- steps ---------------------------------------------------------------------------------

    def on_shutdown(self, name: str, fn: Callable[[], object]) -> None:
        """Register a step; steps run in reverse order of registration, like closing brackets."""
        self._steps.append((name, fn))

    def shut_down(self) -> list[StepResult]:
        """Run every step once (later calls return the first results) and log each."""
        if self._results is not None:
            return self._results
        log.info("shutting down (%s)", self.reason or "no request")
        self._results = [self._run_step(name, fn) for name, fn in reversed(self._steps)]
        return self._results

    def _run_step(self, name: str, fn: Callable[[], object]) -> StepResult:
        start = self._clock()
        try:
            fn()
        except Exception as exc:  # one broken part must not keep the others switched on
            seconds = self._clock() - start
            log.exception("shutdown step failed: %s (%.3f s)", name, seconds)
            return StepResult(name, ok=False, seconds=seconds, error=f"{type(exc).__name__}: {exc}")
        seconds = self._clock() - start
        log.info("shutdown step done: %s (%.3f s)", name, seconds)
        return StepResult(name, ok=True, seconds=seconds)
