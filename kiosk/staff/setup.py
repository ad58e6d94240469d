"""Puts staff mode together for the running kiosk: the PIN from the configuration, the cabinet,
the content, the visit session that new content goes to."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from kiosk.cabinet.link import CabinetLink
from kiosk.shell.config import KioskConfig
from kiosk.shell.systemd import read_boot_id
from kiosk.staff.backend import CabinetBackend, PrinterPart
from kiosk.staff.content import ContentKeeper, ContentSource
from kiosk.staff.jobs import Jobs, ThreadJobs
from kiosk.staff.lockout_store import LOCKOUT_FILE, LockoutStore
from kiosk.staff.mode import StaffMode
from kiosk.staff.pin import PinError, PinHash, parse_pin_hash
from kiosk.visit.session import KioskSession

log = logging.getLogger(__name__)


def configured_pin(config: KioskConfig) -> PinHash | None:
    """The PIN hash, or None (staff mode off) when none is set or it cannot be read."""
    stored = config.staff.pin_hash
    if not stored:
        log.warning("staff mode is off: no staff PIN set (python main.py staff-pin)")
        return None
    try:
        return parse_pin_hash(stored)
    except PinError as exc:
        log.error("staff mode is off: %s (set it again with python main.py staff-pin)", exc)
        return None


def build_staff_mode(
    config: KioskConfig,
    handle: CabinetLink,
    session: KioskSession,
    content: ContentSource,
    *,
    simulated: bool = False,
    jobs: Jobs | None = None,
    wall: Callable[[], datetime] = datetime.now,
    now: float,
    boot_id: str | None = None,
    post: Callable[[object], None] | None = None,
    printer: PrinterPart | None = None,
) -> StaffMode:
    """Staff mode for the kiosk that `handle`, `session` and its content feed make up. `wall`
    is local wall time, for "today" only, never for timeouts; `now` is the monotonic clock at
    start, when the lockout left by the last run is read (`boot_id`: this boot's, for that)."""
    keeper = ContentKeeper(content, lambda: session.content)
    cabinet = handle.cabinet
    backend = CabinetBackend(
        ledger=cabinet.ledger if cabinet is not None else None,
        cabinet=cabinet,
        dispensing_fault=handle.dispensing_fault,
        content=keeper,
        monitor=handle.monitor,
        simulated=simulated,
        printer=printer,
    )
    lockout = LockoutStore(
        config.data_dir / LOCKOUT_FILE,
        boot_id=read_boot_id() if boot_id is None else boot_id,
        wall=lambda: wall().astimezone(),
    )
    return StaffMode(
        backend,
        jobs if jobs is not None else ThreadJobs(post),
        configured_pin(config),
        language=config.language,
        languages=config.languages,
        today=lambda: wall().date(),
        lockout=lockout,
        now=now,
    )
