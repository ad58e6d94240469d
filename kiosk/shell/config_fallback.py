"""The kiosk when its configuration cannot be used (broken, unreadable, a folder, ...).

It still comes up, on the out-of-service screen with the help lines and the 120 footer, as a
kiosk that refuses to serve (`kiosk.commands.run.refusing_runtime`), instead of exiting: under
systemd an exit is a restart every two seconds, forever, with a dark screen in front of a
visitor, and no restart can mend a file. The log and systemd's status line say what is wrong
with which file; the technician fixes it and restarts the service.

Nothing physical is touched: no board, no GPIO pins, no ledger (which folder holds it is written
in that very file), no content (nor the nearest place, which that file names), and never the
simulation in place of the real machine. Staff mode is off: the PIN's hash is in that file too.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk.shell.config import HardwareConfig, KioskConfig
from kiosk.ui.theme import PANELS, panel

log = logging.getLogger(__name__)


def unusable_configuration(problem: str) -> str:
    """The service fault for a configuration that cannot be used (it becomes systemd's status
    line, "OUT OF SERVICE: configuration: ..."), said once in the log."""
    log.error("OUT OF SERVICE: the configuration cannot be used: %s", problem)
    return f"configuration: {problem}"


def fallback_config(problem: str, size: tuple[int, int] | None = None) -> KioskConfig:
    """Built-in defaults on a screen of `size` (the panel's own, when known), real hardware
    declared (so nothing says or does "simulation"), and the problem as its source."""
    config = KioskConfig(hardware=HardwareConfig(simulated=False), source=f"unusable: {problem}")
    if size is None:
        return config
    if size in PANELS:
        return replace(config, display=replace(panel(*size), fullscreen=True))
    return config.with_resolution(*size)
