"""The kiosk when its configuration cannot be used (broken, unreadable, a folder, ...).

It still comes up, on the out-of-service screen with the help lines and the footer, instead of
exiting: under systemd an exit is a restart every two seconds, forever, with a dark screen in
front of a visitor, and no restart can mend a file. The log and systemd's status line say what
is wrong with which file; the technician fixes it and restarts the service.

Nothing physical is touched: no board, no GPIO pins, no ledger (which folder holds it is written
in that very file), and never the simulation in place of the real machine. Staff mode is off:
the PIN's hash is in that file too.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from kiosk.config import BUNDLED_CONTENT, DEVICE_DATA_DIR, HardwareConfig, KioskConfig
from kiosk.machine import NoDispensing
from kiosk.machine_setup import NoStock
from kiosk.runtime import Runtime, build_runtime, load_first_good
from kiosk.ui.fonts import FontBook
from kiosk.ui.theme import PANELS, panel

log = logging.getLogger(__name__)

# The content the kiosk served last (staff edits on the device), else the bundled files: only
# the nearest 서울마음편의점 in the footer comes from it; the help lines need no content.
CONTENT_DIRS = (DEVICE_DATA_DIR / "content", BUNDLED_CONTENT)


def out_of_service_status(reason: str) -> str:
    """systemd's status line (`systemctl status maeum-kiosk`) for this kiosk."""
    return f"OUT OF SERVICE: {reason}"


def fallback_config(reason: str, size: tuple[int, int] | None = None) -> KioskConfig:
    """Built-in defaults on a screen of `size` (the panel's own, when known), real hardware
    declared (so nothing says or does "simulation"), and the reason as its source."""
    config = KioskConfig(hardware=HardwareConfig(simulated=False), source=f"unusable: {reason}")
    if size is None:
        return config
    if size in PANELS:
        return replace(config, display=replace(panel(*size), fullscreen=True))
    return config.with_resolution(*size)


def out_of_service_kiosk(
    reason: str,
    now: float,
    *,
    fonts: FontBook | None = None,
    size: tuple[int, int] | None = None,
    content_dirs: tuple[Path, ...] = CONTENT_DIRS,
) -> Runtime:
    """The kiosk on its out-of-service screen, saying `reason` in the log."""
    log.error("OUT OF SERVICE: the configuration cannot be used: %s", reason)
    content, _ = load_first_good(*content_dirs)
    return build_runtime(
        fallback_config(reason, size),
        now,
        dispenser=NoDispensing(f"configuration: {reason}"),
        stock=NoStock(),
        content=content,
        content_fault=f"configuration: {reason}",
        fonts=fonts,
    )
