"""A disk that fills up or turns read-only, and a ledger found empty: what the visitor sees,
what staff are told, and that nothing recorded is lost.

The disk is real: a small tmpfs mounted for the test (see disk_support), filled with zeros until
the kernel says ENOSPC, so SQLite meets the same errors it would on a full SD card."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from hardware.dispenser import VendOutcome
from hardware.protocol import Cmd
from hardware.simulator import SimulatedBoard
from kiosk.cabinet.alerts import AlertKind
from kiosk.cabinet.cabinet import LEDGER_FILE, build_cabinet
from kiosk.cabinet.ledger import Ledger
from kiosk.cabinet.link import CabinetLink, cabinet_link, open_cabinet
from kiosk.shell.config import HardwareConfig, KioskConfig, Slot
from kiosk.shell.runtime import build_runtime
from kiosk.tools.demo import Director
from kiosk.visit.flow import Screen
from prescriptions.history import MemoryHistory
from tests.faults.disk_support import small_disk, truncate_wal

SLOTS = (Slot(1, "candy", capacity=3), Slot(2, "tea", capacity=3))


def fast_board() -> SimulatedBoard:
    return SimulatedBoard(slots=2, revolution_s=0.01, stall_timeout_s=0.05, boot_s=0.0)


def config(data_dir: Path) -> KioskConfig:
    return KioskConfig(hardware=HardwareConfig(slots=SLOTS, drop_grace=0.1), data_dir=data_dir)


def alert_kinds(handle: CabinetLink) -> set[AlertKind]:
    assert handle.monitor is not None
    return {a.kind for a in handle.monitor.check()}


def visit_to_the_gift(handle: CabinetLink, cfg: KioskConfig) -> Director:
    """A visitor's taps from attract to the gift, on the kiosk's real screens."""
    pygame.font.init()
    rt = build_runtime(
        cfg,
        0.0,
        dispenser=handle.dispenser,
        stock=handle.stock,
        stats=handle.stats,
        history=handle.history,
    )
    handle.attach(rt.inbox.post)  # the cabinet reports into this kiosk's inbox
    surface = pygame.Surface((cfg.display.width, cfg.display.height))
    d = Director(rt, surface, cfg.data_dir, "fault-", gate=None)
    d.press("start")
    d.press(next(b.name for b in rt.app.page.buttons if b.name.startswith("symptom:")))
    for _ in range(3):
        d.press("answer:1")
    d.press("continue")
    d.finish_vend()
    return d


def test_disk_full_while_the_motor_turns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with small_disk(tmp_path / "disk") as disk:
        machine = build_cabinet(
            config(disk.path / "data"), sim_board=fast_board(), board_retry_s=None
        )
        handle = cabinet_link(machine, MemoryHistory(0))
        try:
            server = machine.server
            assert server is not None and server.on_revolution is not None
            item_falls = server.on_revolution

            def disk_fills_as_the_item_falls(slot: int) -> None:
                truncate_wal(machine.ledger.path)
                disk.fill()
                item_falls(slot)

            server.on_revolution = disk_fills_as_the_item_falls
            first = handle.dispenser.vend(1)
            server.on_revolution = item_falls

            # The visitor is told what really happened: the item fell.
            assert first.outcome is VendOutcome.DISPENSED
            # Dispensing stops, staff are told, the lamp is lit.
            assert handle.dispensing_fault() is not None
            assert AlertKind.STORAGE in alert_kinds(handle)
            assert machine.io is not None and machine.io.attention_led.is_lit

            # The next visitor's vend is refused before the board hears of it.
            sent = len([f for f in server.received if f.cmd == Cmd.VEND])
            second = handle.dispenser.vend(1)
            assert second.outcome is VendOutcome.NOT_RECORDED
            assert len([f for f in server.received if f.cmd == Cmd.VEND]) == sent

            # Statistics wait in memory and say so once, not once per count.
            caplog.clear()
            with caplog.at_level(logging.ERROR, logger="kiosk.reports.held_stats"):
                for _ in range(300):
                    handle.stats.count("visit_started")
            assert len(caplog.records) == 1

            # Room again: the kept outcome and the counts are written, service resumes.
            disk.free()
            assert machine.ledger.probe()
            assert machine.check_board()
            handle.stats.count("visit_started")
            assert handle.dispensing_fault() is None
            assert AlertKind.STORAGE not in alert_kinds(handle)
            vends = machine.ledger.vends()
            assert [(v.vend_id, v.outcome) for v in vends] == [
                (first.vend_id, VendOutcome.DISPENSED)
            ]
            assert machine.ledger.slot(1).count == 2
            started = [c for c in machine.ledger.counts(*_all_time()) if c.event == "visit_started"]
            assert sum(c.count for c in started) == 301
        finally:
            handle.close()


def _all_time() -> tuple[object, object]:
    from datetime import datetime

    return datetime(2000, 1, 1), datetime(2100, 1, 1)


def test_full_disk_at_start_is_honest_to_the_visitor(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        cfg = config(disk.path / "data")
        cfg.data_dir.mkdir()
        disk.fill()
        handle = open_cabinet(cfg, None)
        try:
            assert handle.dispensing_fault() is not None
            assert alert_kinds(handle) == {AlertKind.STORAGE}
            d = visit_to_the_gift(handle, cfg)
            state = d.rt.session.state
            # Not "today's gifts are all gone": the machine is resting, and the help is there.
            assert state.screen is Screen.TAKE_ITEM
            assert state.visit.outcome is VendOutcome.BOARD_UNREACHABLE
            assert "help" in [b.name for b in d.rt.app.page.buttons]
        finally:
            handle.close()


def test_read_only_data_folder_keeps_the_ledger(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        cfg = config(disk.path / "data")
        first = build_cabinet(cfg, sim_board=fast_board(), board_retry_s=None)
        assert first.dispenser.vend(1).outcome is VendOutcome.DISPENSED
        first.close()
        ledger_bytes = (cfg.data_dir / LEDGER_FILE).read_bytes()
        disk.read_only()
        handle = open_cabinet(replace(cfg), None)
        try:
            assert alert_kinds(handle) == {AlertKind.STORAGE}
            d = visit_to_the_gift(handle, cfg)
            assert d.rt.session.state.visit.outcome is VendOutcome.BOARD_UNREACHABLE
        finally:
            handle.close()
        assert (cfg.data_dir / LEDGER_FILE).read_bytes() == ledger_bytes
        disk.writable()
        reopened = Ledger(cfg.data_dir / LEDGER_FILE, records_runs=False)
        assert [v.outcome for v in reopened.vends()] == [VendOutcome.DISPENSED]
        reopened.close()


def test_zero_length_ledger_is_not_a_new_machine(tmp_path: Path) -> None:
    cfg = config(tmp_path / "data")
    cfg.data_dir.mkdir()
    (cfg.data_dir / LEDGER_FILE).write_bytes(b"")
    machine = build_cabinet(cfg, sim_board=fast_board(), board_retry_s=None)
    handle = cabinet_link(machine, MemoryHistory(0))
    try:
        kept = machine.ledger.recovered_from
        assert kept is not None and kept.exists() and kept.stat().st_size == 0
        assert AlertKind.STOCK_UNKNOWN in alert_kinds(handle)
        assert machine.io is not None and machine.io.attention_led.is_lit
        # Staff count the cabinet and record it: the alert goes.
        machine.ledger.refill(1)
        machine.ledger.refill(2)
        assert AlertKind.STOCK_UNKNOWN not in alert_kinds(handle)
    finally:
        handle.close()
