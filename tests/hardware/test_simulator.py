"""The simulated board: its physics and memory (pure, time passed in), its pty wire, its command."""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.board import Board
from hardware.protocol import (
    REFUSED,
    BoardState,
    BoardStatus,
    Cmd,
    ErrorCode,
    Frame,
    Sensors,
    VendCode,
    VendResultCode,
    unpack_vend_code,
    unpack_vend_result,
    vend_request,
    vend_result_request,
)
from hardware.simulator import HISTORY, PtyBoardServer, SimulatedBoard
from kiosk.commands import board_sim
from tests.hardware.conftest import fast_board

REPO = Path(__file__).resolve().parents[2]


class Host:
    """Talks to a SimulatedBoard directly, a new SEQ per request, like the driver."""

    def __init__(self, board: SimulatedBoard, now: float = 0.0) -> None:
        self.board, self.now, self.seq = board, now, 0

    def ask(self, cmd: int, payload: bytes = b"", *, resend: bool = False) -> Frame | None:
        if not resend:
            self.seq = (self.seq + 1) % 256
        return self.board.handle(Frame(self.seq, cmd, payload), self.now)

    def reply(self, cmd: int, payload: bytes = b"") -> Frame:
        frame = self.ask(cmd, payload)
        assert frame is not None, "the board did not answer"
        return frame

    def vend(self, vend_id: int, slot: int) -> VendCode:
        return unpack_vend_code(self.reply(Cmd.VEND, vend_request(vend_id, slot)).payload, vend_id)

    def result(self, vend_id: int) -> VendResultCode:
        reply = self.reply(Cmd.VEND_RESULT, vend_result_request(vend_id))
        return unpack_vend_result(reply.payload, vend_id)

    def status(self) -> BoardStatus:
        return BoardStatus.unpack(self.reply(Cmd.STATUS).payload)

    def sensors(self) -> Sensors:
        return Sensors.unpack(self.reply(Cmd.SENSORS).payload)

    def wait(self, seconds: float) -> None:
        self.now += seconds
        self.board.advance(self.now)


@pytest.fixture
def host() -> Host:
    board = SimulatedBoard(slots=6, revolution_s=1.0, stall_timeout_s=4.0, boot_s=1.5)
    board.power_on(0.0)
    return Host(board, now=1.5)


# --- the board's state machine -----------------------------------------------------------------


def test_board_is_deaf_until_booted() -> None:
    board = SimulatedBoard(boot_s=1.5)
    board.power_on(10.0)
    assert board.handle(Frame(1, Cmd.HELLO), 11.4) is None
    reply = board.handle(Frame(2, Cmd.HELLO), 11.5)
    assert reply is not None and reply.cmd == 0x81


def test_a_revolution_takes_its_time_then_is_done(host: Host) -> None:
    assert host.vend(1, 2) is VendCode.ACCEPTED
    host.wait(0.9)
    assert host.result(1) is VendResultCode.RUNNING
    assert host.sensors().home_mask & 0b10 == 0  # slot 2's spiral has left home
    host.wait(0.1)
    assert host.result(1) is VendResultCode.DONE
    assert host.sensors().home_mask & 0b10
    assert host.board.revolutions == {1: 1}


def test_motor_current_and_supply_while_turning(host: Host) -> None:
    idle = host.sensors()
    host.vend(1, 1)
    running = host.sensors()
    assert idle.motor_ma == 0
    assert 150 <= running.motor_ma <= 600
    assert running.supply_mv < idle.supply_mv + 50  # the supply dips under load
    assert 11_000 <= running.supply_mv <= 13_000


def test_a_resend_gets_the_stored_reply_and_does_not_run_again(host: Host) -> None:
    first = host.ask(Cmd.VEND, vend_request(7, 3))
    again = host.ask(Cmd.VEND, vend_request(7, 3), resend=True)
    assert first == again and first is not None
    assert unpack_vend_code(first.payload, 7) is VendCode.ACCEPTED
    assert host.board.motor_starts == {7: 1}


def test_the_same_vend_id_under_a_new_seq_is_a_duplicate(host: Host) -> None:
    host.vend(7, 3)
    host.wait(1.0)
    assert host.vend(7, 3) is VendCode.DUPLICATE
    assert host.vend(7, 4) is VendCode.DUPLICATE  # whatever the slot
    assert host.board.motor_starts == {7: 1}


def test_only_the_last_request_is_remembered(host: Host) -> None:
    reply = host.ask(Cmd.VEND_RESULT, vend_result_request(1))
    host.ask(Cmd.STATUS)
    host.seq -= 2  # the host reuses an old SEQ with the same CMD
    later = host.ask(Cmd.VEND_RESULT, vend_result_request(2))
    assert reply is not None and later is not None
    assert unpack_vend_result(later.payload, 2) is VendResultCode.UNKNOWN  # executed afresh


def test_history_keeps_the_last_16_vends(host: Host) -> None:
    for vend_id in range(1, HISTORY + 2):
        assert host.vend(vend_id, 1) is VendCode.ACCEPTED
        host.wait(1.0)
    assert host.result(1) is VendResultCode.UNKNOWN
    assert host.result(2) is VendResultCode.DONE
    # Forgotten means unprotected: this is why vend_ids must never repeat.
    assert host.vend(1, 1) is VendCode.ACCEPTED


def test_one_motor_at_a_time(host: Host) -> None:
    host.vend(1, 1)
    assert host.vend(2, 2) is VendCode.BUSY
    status = host.status()
    assert (status.state, status.active_vend_id) == (BoardState.VENDING, 1)
    host.wait(1.0)
    assert host.vend(2, 2) is VendCode.ACCEPTED  # BUSY did nothing, so the id is still new


@pytest.mark.parametrize("slot", [0, 7])
def test_slots_outside_the_board_are_bad(host: Host, slot: int) -> None:
    assert host.vend(1, slot) is VendCode.BAD_SLOT


def test_a_jammed_slot_stalls_after_4_s_and_is_faulted_until_reset(host: Host) -> None:
    host.board.stall_slot(3)
    host.vend(1, 3)
    assert host.sensors().motor_ma >= 900  # stall current
    host.wait(3.9)
    assert host.result(1) is VendResultCode.RUNNING
    host.wait(0.1)
    assert host.result(1) is VendResultCode.MOTOR_STALL
    status = host.status()
    assert (status.state, status.fault_mask) == (BoardState.FAULT, 0b100)
    assert host.sensors().home_mask & 0b100 == 0  # stopped mid-turn
    assert host.vend(2, 3) is VendCode.SLOT_FAULTED
    assert host.board.revolutions == {}


def test_a_missing_motor_is_no_motor_at_once(host: Host) -> None:
    host.board.no_motor_slot(4)
    assert host.vend(1, 4) is VendCode.ACCEPTED
    assert host.result(1) is VendResultCode.NO_MOTOR
    assert host.status().fault_mask == 0b1000
    assert host.vend(2, 1) is VendCode.ACCEPTED  # the other motors still work


def test_reset_answers_then_reboots_forgetting_everything(host: Host) -> None:
    host.board.no_motor_slot(4)
    host.vend(1, 4)
    reply = host.reply(Cmd.RESET)
    assert (reply.cmd, reply.payload) == (0xFE, b"")
    assert host.ask(Cmd.STATUS) is None  # rebooting
    host.wait(1.5)
    status = host.status()
    assert (status.fault_mask, status.uptime_s) == (0, 1)  # rebooted 1.5 s ago
    assert host.result(1) is VendResultCode.UNKNOWN
    assert host.vend(2, 4) is VendCode.ACCEPTED  # the fault was cleared, the wiring was not
    assert host.result(2) is VendResultCode.NO_MOTOR


def test_power_loss_mid_vend_stops_the_motor(host: Host) -> None:
    host.vend(1, 2)
    host.wait(0.5)
    host.board.power_on(host.now)
    host.wait(2.0)
    assert host.board.revolutions == {}
    assert host.result(1) is VendResultCode.UNKNOWN
    assert host.sensors().home_mask & 0b10 == 0


def test_uptime_counts_from_power_on(host: Host) -> None:
    host.wait(3600)
    assert host.status().uptime_s == 3601  # booted at 0, now 3601.5


def test_items_fall_only_from_stocked_slots() -> None:
    fallen: list[int] = []
    board = SimulatedBoard(revolution_s=1.0, boot_s=0.0, on_revolution=fallen.append)
    board.power_on(0.0)
    board.set_stock(1, 1)
    board.empty_slot(2)
    host = Host(board)
    for vend_id, slot in [(1, 1), (2, 1), (3, 2), (4, 3)]:
        host.vend(vend_id, slot)
        host.wait(1.0)
        assert host.result(vend_id) is VendResultCode.DONE  # the board cannot tell
    assert fallen == [1, 3]  # slot 1 ran out after one item; slot 2 was empty
    assert board.revolutions == {1: 1, 2: 1, 3: 1, 4: 1}


@pytest.mark.parametrize(
    ("cmd", "payload", "code"),
    [
        (0x42, b"", ErrorCode.UNKNOWN_CMD),
        (Cmd.STATUS, b"\x00", ErrorCode.BAD_LENGTH),
        (Cmd.VEND_RESULT, b"\x00", ErrorCode.BAD_LENGTH),
        (Cmd.VEND, vend_request(0, 1), ErrorCode.BAD_ARGUMENT),
    ],
    ids=["unknown", "status-with-payload", "short-vend-result", "vend-id-0"],
)
def test_refusals(host: Host, cmd: int, payload: bytes, code: ErrorCode) -> None:
    reply = host.reply(cmd, payload)
    assert (reply.cmd, reply.payload) == (REFUSED, bytes((cmd, code)))


# --- the pty server ----------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[PtyBoardServer]:
    with PtyBoardServer(fast_board(), seed=5) as s:
        yield s


def test_path_is_stable_across_unplug_and_replug(server: PtyBoardServer) -> None:
    assert os.path.realpath(server.path) == server.pty_name
    server.unplug()
    assert not os.path.exists(server.path) and server.pty_name is None
    server.replug()
    assert os.path.realpath(server.path) == server.pty_name
    with Board(server.path) as board:
        assert board.hello().proto == 1


def test_stop_removes_the_path() -> None:
    server = PtyBoardServer(fast_board()).start()
    path = Path(server.path)
    assert path.is_symlink()
    server.stop()
    assert not path.exists() and not path.parent.exists()


def test_power_up_noise_is_emitted_and_tolerated(server: PtyBoardServer) -> None:
    with Board(server.path) as board:
        server.reboot()
        assert board.vend(1, 1, poll_s=0.01) is VendResultCode.DONE
    assert server.stats.noise_bytes > 0  # two boots, seeded: some noise each time


def test_dropped_replies_are_resent_and_every_command_succeeds() -> None:
    with (
        PtyBoardServer(fast_board(), seed=9, drop_fraction=0.2, noise_bytes=0) as server,
        Board(server.path) as board,
    ):
        for _ in range(40):
            assert board.status().state is BoardState.IDLE
    assert server.stats.dropped > 0
    assert board.stats.resends >= server.stats.dropped


def test_revolution_hook_runs_for_each_fallen_item(server: PtyBoardServer) -> None:
    fallen: list[int] = []
    server.on_revolution = fallen.append
    server.empty_slot(4)
    with Board(server.path) as board:
        assert board.vend(1, 3, poll_s=0.01) is VendResultCode.DONE
        assert board.vend(2, 4, poll_s=0.01) is VendResultCode.DONE
    assert fallen == [3]
    assert server.revolutions == {1: 1, 2: 1}


# --- `python main.py board-sim` -----------------------------------------------------------------


def test_console_commands_set_the_fault_knobs(server: PtyBoardServer) -> None:
    out = io.StringIO()
    script = "stall 2\nnomotor 3\nempty 4\ncorrupt 0.25\ndrop 0.5\ndelay 20\nbogus\nquit\nstall 1\n"
    assert board_sim.console(server, io.StringIO(script), out) is True
    slots = server.board.slots
    assert (slots[2].jammed, slots[3].motor, slots[4].stock, slots[1].jammed) == (
        True,
        False,
        0,
        False,  # after quit nothing more is read
    )
    assert (server.corrupt_fraction, server.drop_fraction, server.delay_s) == (0.25, 0.5, 0.02)
    assert "unknown command 'bogus'" in out.getvalue()


def test_board_sim_command_prints_a_path_that_speaks_mdp1_and_stops_on_ctrl_c() -> None:
    args = [sys.executable, "main.py", "board-sim", "--slots", "3", "--revolution-s", "0.05"]
    args += ["--boot-s", "0", "--no-motor-slot", "2", "--no-console"]
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, "board-sim printed no path"
        path = proc.stdout.readline().decode().strip()
        with Board(path) as board:
            assert board.hello().slots == 3
            assert board.vend(1, 1, poll_s=0.01) is VendResultCode.DONE
            assert board.vend(2, 2, poll_s=0.01) is VendResultCode.NO_MOTOR
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 130
        assert not os.path.exists(path)
    finally:
        proc.kill()
        proc.wait()
