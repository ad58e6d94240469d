"""Puts a kiosk together from its configuration: content, text, fonts, session, app.

Used by `run`, `demo`, `bench` and the tests, so they all exercise the same assembly.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hardware.dispenser import Dispenser, SimulatedDispenser
from kiosk.cabinet.vending import VendWorker
from kiosk.shell.app import App
from kiosk.shell.config import KioskConfig
from kiosk.shell.inbox import Inbox
from kiosk.ui.fonts import FontBook
from kiosk.ui.i18n import Translations
from kiosk.visit.session import KioskSession, NoStats, Stats, Stock, selector_chooser
from prescriptions.checks import check_directory
from prescriptions.history import History, MemoryHistory
from prescriptions.model import Content

log = logging.getLogger(__name__)


@dataclass
class ConfiguredStock:
    """Every configured slot counts as stocked (the simulated journey, before the ledger)."""

    config: KioskConfig

    def stocked_slots(self) -> dict[int, str]:
        return {s.number: s.item for s in self.config.hardware.slots}


@dataclass
class Runtime:
    config: KioskConfig
    app: App
    session: KioskSession
    worker: VendWorker
    dispenser: Dispenser
    inbox: Inbox
    content_fault: str | None = None

    def close(self) -> None:
        self.worker.join(timeout=5)
        self.dispenser.close()


def load_first_good(*sources: Path, screened: Path | None = None) -> tuple[Content, str | None]:
    """The content of the first folder that passes the structural checks, else empty content
    and the reason. Folders that do not exist are passed over; nothing here raises.
    `screened`: a folder that passed every check before (the last good copy): the slow
    banned-terms screening is not repeated for it, so the first frame comes sooner."""
    fault = f"no content folder at {sources[-1]}" if sources else "no content folder"
    for source in sources:
        try:
            if not source.is_dir():
                continue
            result = check_directory(source, screened=source == screened)
        except Exception as exc:  # an unreadable folder must not stop the kiosk
            log.exception("content in %s could not be read", source)
            fault = f"content unreadable: {exc}"
            continue
        if result.ok:
            log.info("content: starting on %s", source)
            return result.content, None
        for issue in result.issues[:20]:
            log.error("content in %s: %s", source, issue)
        fault = f"content has {len(result.issues)} problem(s)"
    return Content(), fault


def _say_nearest(config: KioskConfig, content: Content) -> None:
    """Which 서울마음편의점 the screens will name, in the log: never a silent guess."""
    if not config.nearest_place:
        log.warning(
            "no nearest_place configured (%s): the screens name no 서울마음편의점 and say that "
            "120 tells the nearest one",
            config.source,
        )
    elif content.places and not any(p.id == config.nearest_place for p in content.places):
        log.error(
            "nearest_place %r is not in places.toml: the screens name no 서울마음편의점 and say "
            "that 120 tells the nearest one",
            config.nearest_place,
        )


def build_runtime(
    config: KioskConfig,
    now: float,
    *,
    dispenser: Dispenser | None = None,
    stock: Stock | None = None,
    stats: Stats | None = None,
    history: History | None = None,
    seed: int | None = None,
    fonts: FontBook | None = None,
    content: Content | None = None,
    content_fault: str | None = None,
    inbox: Inbox | None = None,
    chute_off: Callable[[], None] = lambda: None,
    wall: Callable[[], datetime] | None = None,
) -> Runtime:
    """The visit side of a kiosk. Background work reports into `inbox` (a new one by default;
    pass the one the machine and content workers already post to)."""
    fault = content_fault
    if content is None:
        content, fault = load_first_good(config.content_dir)
    _say_nearest(config, content)
    inbox = inbox if inbox is not None else Inbox()
    dispenser = dispenser if dispenser is not None else SimulatedDispenser()
    worker = VendWorker(dispenser, inbox.post)
    rng = random.Random(seed)
    chooser = selector_chooser(history or MemoryHistory(config.no_repeat_window), rng)
    session = KioskSession(
        config,
        content,
        chooser,
        worker,
        stock or ConfiguredStock(config),
        stats or NoStats(),
        now,
        chute_off=chute_off,
        rng=rng,
        **({"wall": wall} if wall is not None else {}),
    )
    if fault is not None:
        session.set_service_fault(fault, now)
    app = App(
        config,
        session,
        fonts or FontBook(),
        Translations.load(config.languages),
        simulated=dispenser.simulated,
        inbox=inbox,
    )
    return Runtime(config, app, session, worker, dispenser, inbox, fault)
