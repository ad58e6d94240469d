"""The printer in the kiosk exactly as `run` builds it: it joins after the first frame, prints
a visit's slip, counts it in the cabinet's ledger, lights the attention LED through the one
alert monitor, and stops before the ledger closes."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.cabinet.alerts import AlertKind
from kiosk.cabinet.cabinet import LEDGER_FILE
from kiosk.shell.assembly import assemble
from kiosk.shell.config import KioskConfig, PrinterConfig
from kiosk.shell.shutdown import ShutdownCoordinator
from kiosk.ui.theme import panel
from kiosk.visit.flow import PrinterReady, Screen, Slip
from tests.kiosk.test_assembly import RecordingNotifier

BOUND_S = 30.0


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    if "escpos" not in sys.modules:
        os.environ.setdefault(
            "ESCPOS_CAPABILITIES_PICKLE_DIR", str(tmp_path_factory.mktemp("escpos"))
        )


def test_the_assembled_kiosk_prints_counts_and_stops_in_order(tmp_path: Path) -> None:
    config = replace(
        KioskConfig(),
        display=panel(1024, 600),
        data_dir=tmp_path / "data",
        printer=PrinterConfig(kind="simulated", status_timeout_s=0.2, write_timeout_s=1.0),
    )
    shutdown = ShutdownCoordinator(signals=())
    kiosk = assemble(config, notifier=RecordingNotifier(), shutdown=shutdown)  # type: ignore[arg-type]
    app, session = kiosk.runtime.app, kiosk.runtime.session
    woke = threading.Event()
    kiosk.runtime.inbox.on_post(woke.set)
    now = [1.0]

    def pump(done: Callable[[], bool]) -> None:
        end = time.monotonic() + BOUND_S
        while not done():
            assert time.monotonic() < end, "not within the bound"
            woke.clear()
            now[0] += 0.01
            app.take_inbox(now[0])
            woke.wait(0.2)

    def press(name: str) -> None:
        now[0] += 1.0
        app.press(name, now[0])

    assert session.state.printer is PrinterReady.ABSENT  # not before the first frame
    kiosk.start(None)
    kiosk.wait_for_cabinet(BOUND_S)
    pump(lambda: kiosk.cabinet is not None and session.state.printer is PrinterReady.READY)
    assert kiosk.printing is not None and kiosk.cabinet is not None
    monitor = kiosk.cabinet.monitor
    assert monitor is not None and kiosk.printing.alerts in monitor.sources

    app.refresh(now[0])
    press("start")
    press(next(b.name for b in app.page.buttons if b.name.startswith("symptom:")))
    press("skip")
    press("continue")
    pump(
        lambda: (
            session.state.visit.slip is Slip.PRINTED and session.state.screen is Screen.TAKE_ITEM
        )
    )
    assert sorted(p.name for p in (config.data_dir / "printer-sim").glob("slip-*.png")) == [
        "slip-0001.png"
    ]

    server = kiosk.printing.server
    assert server is not None
    server.set_fault("cover_open")
    kiosk.printing.check_now()
    pump(lambda: session.state.printer is PrinterReady.DOWN)
    assert AlertKind.PRINTER_COVER in {a.kind for a in monitor.current}  # the LED's owner

    results = shutdown.shut_down()
    names = [r.name for r in results]
    assert names.index("printer") < names.index("cabinet")  # its slip written first
    assert all(r.ok for r in results), results
    db = sqlite3.connect(config.data_dir / LEDGER_FILE)
    try:
        slips = db.execute("SELECT slip_no, result FROM slips").fetchall()
        counted = db.execute("SELECT key, SUM(count) FROM stats WHERE event = 'slip' GROUP BY key")
        stats = dict(counted.fetchall())
        raised = {r[0] for r in db.execute("SELECT kind FROM alerts WHERE state = 'raised'")}
    finally:
        db.close()
    assert slips == [(1, "printed")] and stats == {"printed": 1}
    assert "printer_cover" in raised  # kept for the fleet agent
    kiosk.waker.close()
