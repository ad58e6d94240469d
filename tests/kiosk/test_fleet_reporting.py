"""What the kiosk keeps for the fleet agent and shows of it: alerts raised and cleared in
the ledger, the content version serving, and the agent's problems as a staff alert."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.cabinet.alerts import AlertKind, alerts_for
from kiosk.cabinet.cabinet import Cabinet, build_cabinet
from kiosk.cabinet.fleet_status import fleet_problem
from kiosk.cabinet.ledger import _MIGRATIONS, SCHEMA_VERSION, AlertRow, Ledger
from kiosk.cabinet.link import alert_monitor
from kiosk.cabinet.stock_text import alert_line
from kiosk.ui.i18n import Texts, Translations
from tests.kiosk.test_cabinet import config, fast_board


def alert_log(path: Path) -> list[tuple[str, int | None, str]]:
    db = sqlite3.connect(path)
    try:
        return [tuple(r) for r in db.execute("SELECT kind, slot, state FROM alerts ORDER BY id")]
    finally:
        db.close()


def test_the_ledger_notes_each_alert_once_raised_and_once_cleared(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    low = AlertRow("low", 1, "candy", 2)
    assert ledger.record_alerts([low, AlertRow("board", None, detail="timeout")]) == 2
    assert ledger.record_alerts([AlertRow("low", 1, "candy", 1)]) == 1  # lower: not new
    ledger.close()
    again = Ledger(tmp_path / "ledger.sqlite3")  # a restart raises nothing twice
    assert again.record_alerts([low]) == 0
    assert again.record_alerts([]) == 1
    assert alert_log(again.path) == [
        ("low", 1, "raised"),
        ("board", None, "raised"),
        ("board", None, "cleared"),
        ("low", 1, "cleared"),
    ]


def test_a_first_schema_ledger_is_upgraded_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    db = sqlite3.connect(path)
    for statement in _MIGRATIONS[0]:
        db.execute(statement)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version VALUES (1)")
    db.execute("INSERT INTO stats VALUES ('2026-03-02T10:00', 'visit_started', '', 4)")
    db.commit()
    db.close()
    ledger = Ledger(path)
    assert SCHEMA_VERSION == 4  # upgraded through every step, the printer's slips included
    assert ledger.paper_used_mm() == 0
    assert ledger.counts(datetime(2026, 3, 2), datetime(2026, 3, 3))[0].count == 4
    ledger.record_alerts([AlertRow("empty", 2, "tea")])
    raw = sqlite3.connect(path)
    ledger_id = raw.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()[0]
    assert len(ledger_id) == 16 and alert_log(path) == [("empty", 2, "raised")]


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[Cabinet]:
    built = build_cabinet(config(tmp_path), sim_board=fast_board())
    yield built
    built.close()


def write_status(path: Path, staff: str | None, mono: float) -> None:
    path.write_text(json.dumps({"site": "gwanak", "mono": mono, "staff": staff}))


def test_the_running_kiosk_records_its_alerts_and_shows_the_agents_problem(
    machine: Cabinet, tmp_path: Path
) -> None:
    status = tmp_path / "status.json"
    now = [1000.0]
    monitor = alert_monitor(machine, lambda _e: None, fleet_status=status, clock=lambda: now[0])
    assert monitor.check() == [] and alert_log(machine.ledger.path) == []
    machine.ledger.refill(2, 1)  # at or below low_stock
    write_status(status, "auth", mono=999.0)
    found = monitor.check()
    assert [(a.kind, a.slot) for a in found] == [(AlertKind.LOW, 2), (AlertKind.FLEET, None)]
    assert machine.io is not None and machine.io.attention_led.is_lit
    assert alert_log(machine.ledger.path) == [("low", 2, "raised"), ("fleet", None, "raised")]
    write_status(status, None, mono=1001.0)
    now[0] = 1002.0
    monitor.check()
    assert alert_log(machine.ledger.path)[-1] == ("fleet", None, "cleared")


def test_the_agents_word_goes_stale_when_it_stops_writing(tmp_path: Path) -> None:
    status = tmp_path / "status.json"
    assert fleet_problem(status, 50.0) is None, "no agent on this kiosk: nothing to say"
    write_status(status, None, mono=50.0)
    assert fleet_problem(status, 60.0) is None
    assert fleet_problem(status, 50.0 + 301) == "agent_stopped"
    write_status(status, "unreachable", mono=time.monotonic())
    assert fleet_problem(status, time.monotonic()) == "unreachable"
    status.write_text("{half a fi")
    assert fleet_problem(status, 60.0) == "status_unreadable"


@pytest.mark.parametrize(
    ("code", "ko", "en"),
    [
        ("auth", "다시 등록", "enrol it again"),
        ("unreachable", "LTE", "router"),
        ("agent_stopped", "멈췄어요", "stopped"),
        ("something-new", "기술 담당자", "technician"),
    ],
)
def test_staff_read_what_to_do(code: str, ko: str, en: str) -> None:
    translations = Translations.load(("ko", "en"))
    (alert,) = alerts_for([], None, fleet_problem=code)
    for lang, words in (("ko", ko), ("en", en)):
        line = alert_line(alert, Texts(translations, lang), lambda item: item)
        assert words in line and "{" not in line
    assert alert.describe() == f"fleet reporting: {code}"


def test_the_content_version_serving_is_noted_when_taken(tmp_path: Path) -> None:
    from kiosk.shell.assembly import assemble
    from kiosk.shell.shutdown import ShutdownCoordinator
    from kiosk.shell.systemd import Notifier
    from kiosk.staff.content import fingerprint
    from prescriptions.model import Content

    ledger = Ledger(tmp_path / "ledger.sqlite3")
    shutdown = ShutdownCoordinator(signals=())
    kiosk = assemble(config(tmp_path), notifier=Notifier(None), shutdown=shutdown)
    kiosk._note_content_version(ledger)  # what joining the cabinet does

    def noted() -> str:
        assert kiosk.writer.flush(10.0)  # written by the disk writer, off the UI thread
        db = sqlite3.connect(ledger.path)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'content_version'").fetchone()
        finally:
            db.close()
        return str(row[0])

    session = kiosk.runtime.session
    assert noted() == fingerprint(session.content) != "-"
    session.offer_content(Content())  # at the attract screen: taken at once
    assert noted() == "-"
    shutdown.shut_down()
    kiosk.waker.close()


def test_the_fleet_alert_is_on_the_staff_overview() -> None:
    from tests.kiosk.staff_support import staff_page

    # Worst first: on a 7" panel it follows the slot alerts on the next page; here all fit.
    for lang, words in (("ko", "LTE"), ("en", "router")):
        page = staff_page("overview-fleet", (1280, 800), lang)
        shown = " ".join(b.source for b in page.text_blocks())
        assert words in shown
