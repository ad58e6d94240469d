"""The machine as the kiosk builds it: simulation, an outside board, broken parts, lights, keys."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from hardware.board import Board
from hardware.dispenser import VendOutcome
from hardware.protocol import Cmd
from hardware.sim_wiring import open_door
from hardware.simulator import PtyBoardServer, SimulatedBoard
from hardware.vend import VendKind
from kiosk.cabinet.alerts import AlertKind
from kiosk.cabinet.cabinet import LEDGER_FILE, Cabinet, build_cabinet
from kiosk.cabinet.ledger import Ledger
from kiosk.cabinet.link import CabinetLink, cabinet_link
from kiosk.shell.config import HardwareConfig, KioskConfig, Slot, load_config
from kiosk.shell.inbox import DispensingStatus, Inbox, KeypadPressed
from kiosk.shell.input import Nav
from prescriptions.history import MemoryHistory

SLOTS = (Slot(1, "candy", capacity=3), Slot(2, "tea", capacity=3))


def alert_kinds(handle: CabinetLink) -> set[tuple[AlertKind, int | None]]:
    assert handle.monitor is not None
    return {(a.kind, a.slot) for a in handle.monitor.current}


def fast_board() -> SimulatedBoard:
    return SimulatedBoard(slots=2, revolution_s=0.01, stall_timeout_s=0.05, boot_s=0.0)


def config(tmp_path: Path, **hardware: object) -> KioskConfig:
    hw = replace(HardwareConfig(slots=SLOTS, drop_grace=0.1), **hardware)  # type: ignore[arg-type]
    return KioskConfig(hardware=hw, data_dir=tmp_path / "data")


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[Cabinet]:
    built = build_cabinet(config(tmp_path), sim_board=fast_board())
    yield built
    built.close()


@pytest.fixture
def outside() -> Iterator[PtyBoardServer]:
    """A simulator that is not the kiosk's own (as `python main.py board-sim` would be)."""
    with PtyBoardServer(fast_board(), noise_bytes=0) as server:
        yield server


def vend_ids_on_the_wire(server: PtyBoardServer) -> list[int]:
    return [int.from_bytes(f.payload[:2], "big") for f in server.received if f.cmd == Cmd.VEND]


# --- simulation --------------------------------------------------------------------------------


def test_simulation_dispenses_and_says_so(machine: Cabinet) -> None:
    assert machine.simulated and machine.dispenser.simulated
    assert machine.board_fault is None
    result = machine.dispenser.vend(1)
    assert result.outcome is VendOutcome.DISPENSED
    assert machine.server is not None and machine.server.revolutions == {result.vend_id: 1}
    assert machine.ledger.slot(1).count == 2


def test_simulation_starts_with_full_slots(machine: Cabinet) -> None:
    assert machine.stocked_slots() == {1: "candy", 2: "tea"}


def test_empty_slot_in_simulation_is_taken_out_and_staff_are_called(machine: Cabinet) -> None:
    assert machine.server is not None and machine.io is not None
    handle = cabinet_link(machine, MemoryHistory(0))
    assert not machine.io.attention_led.is_lit
    machine.server.empty_slot(2)
    assert handle.dispenser.vend(2).outcome is VendOutcome.NO_DROP
    assert machine.stocked_slots() == {1: "candy"}
    assert machine.io.attention_led.is_lit
    assert alert_kinds(handle) == {(AlertKind.SUSPECTED_EMPTY, 2)}
    machine.ledger.refill(2)
    assert handle.monitor is not None and handle.monitor.check() == []
    assert not machine.io.attention_led.is_lit


def test_stalled_slot_in_simulation_is_a_motor_fault(machine: Cabinet) -> None:
    assert machine.server is not None and machine.io is not None
    handle = cabinet_link(machine, MemoryHistory(0))
    machine.server.stall_slot(1)
    assert handle.dispenser.vend(1).outcome is VendOutcome.MOTOR_FAULT
    assert machine.stocked_slots() == {2: "tea"}
    assert machine.io.attention_led.is_lit


def test_one_rule_for_the_attention_led_a_board_check_keeps_a_low_stock_alert_lit(
    machine: Cabinet,
) -> None:
    """The board watch used to switch the LED off while a low-stock alert still stood."""
    assert machine.io is not None
    handle = cabinet_link(machine, MemoryHistory(0))
    for _ in range(2):  # 3 → 1: at the low mark (2)
        assert handle.dispenser.vend(1).outcome is VendOutcome.DISPENSED
    assert alert_kinds(handle) == {(AlertKind.LOW, 1)}
    assert machine.io.attention_led.is_lit
    assert machine.check_board()
    assert machine.io.attention_led.is_lit


def test_chute_light_pulses_until_the_item_is_taken(machine: Cabinet) -> None:
    assert machine.io is not None
    machine.dispenser.vend(1)
    assert machine.io.chute_light.is_pulsing
    machine.chute_off()
    assert not machine.io.chute_light.is_pulsing


def test_open_door_in_simulation_sends_nothing(machine: Cabinet) -> None:
    assert machine.io is not None and machine.server is not None
    open_door(machine.io)
    assert machine.dispenser.vend(1).outcome is VendOutcome.DOOR_OPEN
    assert vend_ids_on_the_wire(machine.server) == []


def test_last_item_empties_the_slot_and_lights_the_led(machine: Cabinet) -> None:
    assert machine.io is not None
    handle = cabinet_link(machine, MemoryHistory(0))
    for _ in range(3):
        assert handle.dispenser.vend(2).outcome is VendOutcome.DISPENSED
    assert machine.stocked_slots() == {1: "candy"}
    assert alert_kinds(handle) == {(AlertKind.EMPTY, 2)}
    assert machine.io.attention_led.is_lit


def test_technician_vends_are_recorded_as_tests(machine: Cabinet) -> None:
    machine.test_vend(1)
    assert [v.kind for v in machine.ledger.vends()] == [VendKind.TEST]


def test_keypad_presses_reach_the_ui_through_the_inbox(machine: Cabinet) -> None:
    assert machine.io is not None
    inbox = Inbox()
    cabinet_link(machine, MemoryHistory(0), inbox.post)
    pins = machine.io.pin_factory
    for pin in (6, 13, 26, 5):  # next, select, help, previous
        pins.pin(pin).drive_low()
        pins.pin(pin).drive_high()
    navs = [e.nav for e in inbox.drain() if isinstance(e, KeypadPressed)]
    assert navs == [Nav.NEXT, Nav.SELECT, Nav.HELP, Nav.PREVIOUS]


def test_close_turns_lights_off_and_ends_cleanly(tmp_path: Path) -> None:
    built = build_cabinet(config(tmp_path), sim_board=fast_board())
    assert built.io is not None and built.server is not None
    built.dispenser.vend(1)
    pins, path = built.io.pin_factory, built.server.path
    built.close()
    assert pins.pin(12).state == 0 and pins.pin(16).state == 0
    assert not os.path.exists(path)
    again = Ledger(tmp_path / "data" / LEDGER_FILE)
    assert not again.crashed_last_run
    again.close()


# --- where the data lives ----------------------------------------------------------------------


def test_ledger_lives_in_the_configured_data_dir(machine: Cabinet, tmp_path: Path) -> None:
    assert machine.ledger.path == tmp_path / "data" / LEDGER_FILE
    assert machine.ledger.path.exists()


def test_maeum_data_dir_chooses_the_data_dir(tmp_path: Path) -> None:
    loaded = load_config(None, {"MAEUM_DATA_DIR": str(tmp_path / "elsewhere")})
    built = build_cabinet(
        replace(loaded, hardware=replace(loaded.hardware, slots=SLOTS)), sim_board=fast_board()
    )
    try:
        assert built.ledger.path == tmp_path / "elsewhere" / LEDGER_FILE
    finally:
        built.close()


# --- an outside board (--port) -----------------------------------------------------------------


def test_port_override_uses_that_board_not_a_simulator(
    tmp_path: Path, outside: PtyBoardServer
) -> None:
    built = build_cabinet(config(tmp_path), port_override=outside.path)
    try:
        assert built.server is None and built.port == outside.path
        result = built.dispenser.vend(1)
        assert result.outcome is VendOutcome.DISPENSED  # mock pins: the drop follows DONE
        assert outside.revolutions == {result.vend_id: 1}
    finally:
        built.close()


def test_a_fresh_ledger_makes_the_board_forget_old_vend_ids(
    tmp_path: Path, outside: PtyBoardServer
) -> None:
    with Board(outside.path) as link:
        link.vend(1, 1, poll_s=0.01)  # vend_id 1 from another life of this board
    boots = outside.board.boots
    built = build_cabinet(config(tmp_path), port_override=outside.path)
    try:
        assert outside.board.boots == boots + 1
        result = built.dispenser.vend(2)
        assert result.vend_id == 1 and result.outcome is VendOutcome.DISPENSED
        assert outside.motor_starts == {1: 2}  # the new vend 1 really turned the motor
    finally:
        built.close()


def test_unfinished_vend_is_settled_at_start_and_never_sent_again(
    tmp_path: Path, outside: PtyBoardServer
) -> None:
    first = build_cabinet(config(tmp_path), port_override=outside.path)
    vend_id = first.ledger.begin(2)
    assert first.board.vend(vend_id, 2, poll_s=0.01).name == "DONE"
    # The process "died" here: no outcome written, nothing closed cleanly.
    assert first.io is not None
    first.io.close()
    first.board.close()

    second = build_cabinet(config(tmp_path), port_override=outside.path)
    try:
        assert [(r.vend_id, r.outcome) for r in second.reconciled] == [
            (vend_id, VendOutcome.DISPENSED)
        ]
        assert second.ledger.unfinished_vends() == []
        assert second.ledger.slot(2).count == 2
        assert vend_ids_on_the_wire(outside) == [vend_id]
        assert second.ledger.crashed_last_run
    finally:
        second.close()


# --- broken parts: out of service, never a silent mock ------------------------------------------


def test_broken_gpio_puts_the_machine_out_of_service(
    tmp_path: Path, outside: PtyBoardServer
) -> None:
    built = build_cabinet(
        config(tmp_path, simulated=False, pin_factory="no-such-backend"),
        port_override=outside.path,
    )
    try:
        assert built.io is None and built.board_fault is not None and "GPIO" in built.board_fault
        assert not built.simulated
        assert built.stocked_slots() == {}
        assert built.dispenser.vend(1).outcome is VendOutcome.BOARD_UNREACHABLE
        assert vend_ids_on_the_wire(outside) == []
    finally:
        built.close()


def test_missing_board_is_out_of_service_not_simulated(tmp_path: Path) -> None:
    built = build_cabinet(config(tmp_path, simulated=False, serial_port=str(tmp_path / "no-board")))
    try:
        handle = cabinet_link(built, MemoryHistory(0))
        assert built.server is None
        assert built.board_fault is not None and "no-board" in built.board_fault
        assert handle.dispenser.vend(1).outcome is VendOutcome.BOARD_UNREACHABLE
        assert built.io is not None and built.io.attention_led.is_lit
    finally:
        built.close()


def test_a_board_that_comes_back_is_found_without_a_vend(
    tmp_path: Path, outside: PtyBoardServer
) -> None:
    outside.unplug()
    built = build_cabinet(config(tmp_path), port_override=outside.path, board_retry_s=None)
    try:
        inbox = Inbox()
        cabinet_link(built, MemoryHistory(0), inbox.post)
        assert built.board_fault is not None
        assert built.io is not None and built.io.attention_led.is_lit
        assert not built.check_board()
        outside.replug()
        assert built.check_board()
        assert built.board_fault is None and not built.io.attention_led.is_lit
        assert vend_ids_on_the_wire(outside) == []
        # The frame hears of both changes through the inbox; nothing polls.
        status = [e.fault is None for e in inbox.drain() if isinstance(e, DispensingStatus)]
        assert status[0] is False and status[-1] is True
    finally:
        built.close()


def test_door_state_is_visible_to_the_kiosk(machine: Cabinet) -> None:
    assert machine.io is not None and machine.door_closed
    open_door(machine.io)
    assert not machine.door_closed
