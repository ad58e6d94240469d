"""The clock: counters recorded before the clock is set from the network are marked in the
ledger and `stats` says so; an older ledger is migrated; no timer ever runs on wall-clock time."""

from __future__ import annotations

import ast
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.cabinet.cabinet import LEDGER_FILE
from kiosk.cabinet.ledger import _MIGRATIONS, SCHEMA_VERSION, Ledger
from kiosk.cli import main
from kiosk.shell.clock import ClockSync

ROOT = Path(__file__).resolve().parents[2]
MORNING = datetime(2026, 3, 3, 9, 30)


class Clock:
    """A clock that NTP has or has not set yet, switched by the test."""

    def __init__(self) -> None:
        self.synced = False

    def __call__(self) -> bool:
        return self.synced


def test_the_timesyncd_flag_file_says_the_clock_is_set(tmp_path: Path) -> None:
    flag = tmp_path / "synchronized"
    sync = ClockSync(flag=flag, ask_kernel=False)
    assert sync() is False, "a Pi 4 at boot, before NTP answered"
    flag.touch()  # what systemd-timesyncd does at each synchronisation
    assert sync() is True


def test_the_kernel_is_asked_without_privileges() -> None:
    # On this machine the answer may be either; it must be an answer or "cannot ask", never
    # an exception, and asking twice agrees (the call only reads).
    sync = ClockSync(flag=Path("/nonexistent/flag"))
    first = sync.kernel()
    assert first in (True, False, None)
    assert sync.kernel() == first
    assert sync() is (first is True)


def test_counters_recorded_before_the_clock_is_set_are_marked(tmp_path: Path) -> None:
    clock = Clock()
    ledger = Ledger(tmp_path / LEDGER_FILE, clock_synced=clock)
    try:
        ledger.count("visit_started", when=MORNING)
        ledger.count("visit_started", when=MORNING)
        clock.synced = True
        ledger.count("visit_started", when=MORNING)
        ledger.count("help_view", when=MORNING)
        counts = {
            c.event: c for c in ledger.counts(MORNING.replace(hour=0), MORNING.replace(hour=23))
        }
    finally:
        ledger.close()
    assert (counts["visit_started"].count, counts["visit_started"].unsynced) == (3, 2)
    assert (counts["help_view"].count, counts["help_view"].unsynced) == (1, 0)


def test_a_crash_counted_at_boot_before_ntp_is_marked_too(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_FILE
    Ledger(path)  # a run that never ended (power cut): not closed
    clock = Clock()
    ledger = Ledger(path, clock_synced=clock)
    try:
        assert ledger.crashed_last_run
        crash = [c for c in ledger.counts(datetime(2000, 1, 1), datetime(2100, 1, 1))]
    finally:
        ledger.close()
    assert [(c.event, c.unsynced) for c in crash] == [("crash", 1)]


def first_schema_ledger(path: Path) -> None:
    """A ledger as the first version of the kiosk left it (schema 1), with counters."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for statement in _MIGRATIONS[0]:
        db.execute(statement)
    db.execute("INSERT INTO schema_version (version) VALUES (1)")
    db.execute("INSERT INTO stats VALUES ('2026-03-03T09:00', 'visit_started', '', 7)")
    db.commit()
    db.close()


def test_an_existing_ledger_is_migrated_and_keeps_its_counters(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_FILE
    first_schema_ledger(path)
    clock = Clock()
    ledger = Ledger(path, clock_synced=clock)
    try:
        ledger.count("visit_started", when=MORNING)
        (row,) = ledger.counts(MORNING.replace(hour=0), MORNING.replace(hour=23))
    finally:
        ledger.close()
    assert (row.count, row.unsynced) == (8, 1), "old counts stay unmarked, the new one is marked"
    db = sqlite3.connect(path)
    assert db.execute("SELECT version FROM schema_version").fetchone() == (SCHEMA_VERSION,)
    db.close()


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAEUM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MAEUM_CONFIG", raising=False)
    monkeypatch.setattr("kiosk.shell.config.DEVICE_CONFIG", tmp_path / "no-such-kiosk.toml")
    return tmp_path


def test_stats_says_how_many_counts_came_before_the_clock_was_set(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = Clock()
    ledger = Ledger(data / LEDGER_FILE, clock_synced=clock)
    ledger.count("visit_started", when=MORNING)
    ledger.count("visit_completed", when=MORNING)
    clock.synced = True
    ledger.count("visit_started", when=MORNING.replace(day=4))
    ledger.close()

    assert main(["stats", "--from", "2026-03-03", "--to", "2026-03-04"]) == 0
    out = capsys.readouterr().out
    assert "2건" in out and "2026-03-03" in out.splitlines()[-1]
    assert "2026-03-04" not in out.splitlines()[-1], "only the day with marked counters"
    assert main(["stats", "--from", "2026-03-03", "--to", "2026-03-04", "--lang", "en"]) == 0
    assert "2 count(s) were recorded before the clock was set" in capsys.readouterr().out


def test_stats_says_nothing_of_the_clock_when_every_count_was_on_time(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = Ledger(data / LEDGER_FILE, clock_synced=lambda: True)
    ledger.count("visit_started", when=MORNING)
    ledger.close()
    assert main(["stats", "--from", "2026-03-03", "--to", "2026-03-03"]) == 0
    out = capsys.readouterr().out
    assert "시계" not in out and out.splitlines()[-1].startswith("Σ")


# --- timers never run on the wall clock ------------------------------------------------------

# The only places that may read the wall clock: dates and times for staff and records.
WALL_CLOCK_ALLOWED = {
    "kiosk/cabinet/ledger.py",  # record time stamps and the hour of a counter
    "kiosk/reports/held_stats.py",  # the hour a held counter belongs to
    "kiosk/staff/mode.py",  # today's date on the staff screens
    "kiosk/staff/setup.py",  # the staff screens' "now"
    "kiosk/commands/stats.py",  # the default date range
    "kiosk/commands/hwtest.py",  # the report's finished_at
    "kiosk/visit/session.py",  # the slip's date and the places' opening hours (no timer)
    "kiosk/visit/printing/service.py",  # the date printed on a slip
}
WALL_CLOCK = {
    ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "ctime"),
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
}  # fmt: skip


def wall_clock_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in WALL_CLOCK
        ):
            found.append(f"{node.value.id}.{node.attr} (line {node.lineno})")
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [f"from time import {a.name}" for a in node.names if a.name == "time"]
    return found


def test_no_timer_runs_on_the_wall_clock_which_jumps_at_ntp_sync() -> None:
    """The visit flow, the frame loop, vends and the board measure time on the monotonic clock
    passed in: a Pi 4 that jumps a year at NTP sync must not end a visit or a vend early."""
    offenders = {}
    for path in sorted([*(ROOT / "kiosk").rglob("*.py"), *(ROOT / "hardware").rglob("*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        uses = wall_clock_uses(path)
        if uses and rel not in WALL_CLOCK_ALLOWED:
            offenders[rel] = uses
    assert offenders == {}
    # The check sees what it looks for: the ledger reads the wall clock for its time stamps.
    assert wall_clock_uses(ROOT / "kiosk/cabinet/ledger.py")
