"""The kiosk exactly as `run` builds it (kiosk.shell.assembly), headless: the first frame comes
before the hardware, the simulated cabinet joins through the inbox, a whole visit vends, and the
stop runs in the documented order and leaves the ledger closed cleanly and the lights off."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

import pygame

from hardware.dispenser import VendOutcome
from kiosk.cabinet.cabinet import LEDGER_FILE
from kiosk.shell.assembly import assemble
from kiosk.shell.config import KioskConfig
from kiosk.shell.loop import Shell
from kiosk.shell.shutdown import ShutdownCoordinator
from kiosk.ui.theme import panel
from kiosk.visit.flow import Screen

SIZE = (1024, 600)
BOUND_S = 30.0


@dataclass
class RecordingNotifier:
    said: list[str] = field(default_factory=list)

    def ready(self) -> None:
        self.said.append("READY")

    def status(self, text: str) -> None:
        self.said.append(f"STATUS {text}")

    def stopping(self) -> None:
        self.said.append("STOPPING")

    def watchdog(self, now: float) -> bool:
        return False

    def next_watchdog(self) -> float | None:
        return None


@dataclass
class Turns:
    """The loop's sleep: runs `script` between turns, as time and taps would come."""

    shutdown: ShutdownCoordinator
    script: list[object]
    turns: int = 0

    def sleep(self, timeout: float | None) -> None:
        self.turns += 1
        if not self.script:
            self.shutdown.request("test over")
            return
        step = self.script.pop(0)
        if callable(step):
            step()


def test_the_real_assembly_serves_a_visit_and_stops_in_order(tmp_path: Path) -> None:
    pygame.display.init()
    config = replace(KioskConfig(), display=panel(*SIZE), data_dir=tmp_path / "data")
    surface = pygame.display.set_mode(SIZE)
    notifier = RecordingNotifier()
    shutdown = ShutdownCoordinator(signals=())
    kiosk = assemble(config, notifier=notifier, shutdown=shutdown)  # type: ignore[arg-type]
    app, session = kiosk.runtime.app, kiosk.runtime.session

    # The first frame needs no hardware: it is drawn before the cabinet is even started.
    assert app.frame(surface, [], 0.0)
    assert not session.state.dispensing_ok

    kiosk.start(None)
    kiosk.wait_for_cabinet(BOUND_S)
    app.take_inbox(1.0)
    assert kiosk.cabinet is not None and kiosk.cabinet.cabinet is not None
    assert session.state.dispensing_ok and app.simulated

    def tap(name: str) -> None:
        pos = app.page.button(name).rect.center
        for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            pygame.event.post(pygame.event.Event(kind, pos=pos, button=1))

    def first_symptom() -> None:
        tap(next(b.name for b in app.page.buttons if b.name.startswith("symptom:")))

    def vend_done() -> None:
        kiosk.runtime.worker.join(BOUND_S)

    script: list[object] = [
        lambda: tap("start"),
        first_symptom,
        lambda: tap("skip"),
        lambda: tap("continue"),
        vend_done,
        None,  # one turn to take the result from the inbox and draw it
    ]
    clock = iter(float(t) for t in range(2, 10_000))
    shell = Shell(
        kiosk.runtime,
        surface,
        False,
        notifier,
        shutdown,
        Turns(shutdown, script),  # type: ignore[arg-type]
    )
    shell.run(clock=lambda: next(clock) * 0.5 + 100.0)
    assert session.state.screen is Screen.TAKE_ITEM
    assert session.state.visit.outcome is VendOutcome.DISPENSED
    machine = kiosk.cabinet.cabinet
    assert machine.io is not None and machine.io.chute_light.is_pulsing

    results = shutdown.shut_down()
    assert [r.name for r in results] == [
        "systemd",
        "content watcher",
        "audio",
        "vends",
        "staff",
        "disk writes",
        "printer",
        "cabinet",
        "display",
    ]
    assert all(r.ok for r in results), results
    assert "READY" in notifier.said and notifier.said[-1] == "STOPPING"
    db = sqlite3.connect(config.data_dir / LEDGER_FILE)
    try:
        clean = db.execute("SELECT value FROM meta WHERE key = 'clean_shutdown'").fetchone()
        outcomes = db.execute("SELECT outcome FROM vends").fetchall()
        visits = db.execute("SELECT SUM(count) FROM stats WHERE event = 'visit_started'")
        started = visits.fetchone()[0]
    finally:
        db.close()
    assert clean == ("1",) and outcomes == [("dispensed",)] and started == 1
    pins = machine.io.pin_factory
    assert pins.pin(12).state == 0 and pins.pin(16).state == 0  # chute light, attention LED
    kiosk.waker.close()
    pygame.display.quit()
