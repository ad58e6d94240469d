"""The board contract: what the kiosk relies on, run against the simulator over a real pty and,
when MAEUM_BOARD_PORT is set, against the real board (see conftest.py).

The second half injects faults only the simulator can produce on demand: lost replies,
corruption, delays, unplug and replug.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

import pytest

from hardware.board import Board
from hardware.errors import (
    BoardDisconnected,
    BoardError,
    BoardProtocolError,
    BoardRefused,
    BoardUnreachable,
    VendRefused,
)
from hardware.link_bench import (
    bench_vend_result,
    format_round_trip,
    measure_round_trip,
    vend_result_floor_s,
    wire_time_s,
)
from hardware.protocol import (
    BoardState,
    Cmd,
    ErrorCode,
    VendCode,
    VendResultCode,
    encode,
    vend_request,
)
from hardware.simulator import PtyBoardServer, SimulatedBoard
from tests.hardware.conftest import SIM_POLL_S, BoardTarget, fast_board

DONE = VendResultCode.DONE

# --- the contract: simulator and real board ----------------------------------------------------


def test_hello_says_mdp1(target: BoardTarget) -> None:
    info = target.board.hello()
    assert info.proto == 1
    assert 1 <= info.slots <= 16
    assert len(info.board_id) == 8


def test_status_is_idle_without_faults(target: BoardTarget) -> None:
    status = target.board.status()
    assert status.state is BoardState.IDLE
    assert (status.active_vend_id, status.fault_mask) == (0, 0)


def test_sensors_read_healthy_when_idle(target: BoardTarget) -> None:
    sensors = target.board.sensors()
    assert 11_000 <= sensors.supply_mv <= 13_000
    assert sensors.motor_ma == 0
    slots = target.board.hello().slots
    assert sensors.home_mask >> slots == 0  # no home switch beyond the last slot
    assert sensors.home_mask & (1 << (target.good_slot - 1))  # the spiral rests at home


def test_vend_runs_the_motor_once_to_done(target: BoardTarget) -> None:
    board, vend_id = target.board, target.new_vend_id()
    assert board.start_vend(vend_id, target.good_slot) is VendCode.ACCEPTED
    status = board.status()
    assert (status.state, status.active_vend_id) == (BoardState.VENDING, vend_id)
    assert 150 <= board.sensors().motor_ma <= 600
    assert board.wait_result(vend_id, deadline_s=target.deadline_s, poll_s=target.poll_s) is DONE
    assert board.status().state is BoardState.IDLE
    assert target.revolutions(vend_id) in (1, None)


def test_vend_blocks_until_done(target: BoardTarget) -> None:
    vend_id = target.new_vend_id()
    result = target.board.vend(
        vend_id, target.good_slot, deadline_s=target.deadline_s, poll_s=target.poll_s
    )
    assert result is DONE
    assert target.revolutions(vend_id) in (1, None)


def test_stalled_motor_reports_stall_and_faults_the_slot(target: BoardTarget) -> None:
    if target.stall_slot is None:
        pytest.skip("no jammed slot prepared: set MAEUM_BOARD_STALL_SLOT")
    board, slot = target.board, target.stall_slot
    result = board.vend(target.new_vend_id(), slot, deadline_s=8.0, poll_s=target.poll_s)
    assert result is VendResultCode.MOTOR_STALL
    status = board.status()
    assert status.state is BoardState.FAULT
    assert status.fault_mask == 1 << (slot - 1)
    with pytest.raises(VendRefused) as refused:
        board.vend(target.new_vend_id(), slot, deadline_s=1.0, poll_s=target.poll_s)
    assert refused.value.vend_code is VendCode.SLOT_FAULTED


def test_missing_motor_reports_no_motor_and_faults_the_slot(target: BoardTarget) -> None:
    if target.no_motor_slot is None:
        pytest.skip("no slot without motor prepared: set MAEUM_BOARD_NO_MOTOR_SLOT")
    board, slot = target.board, target.no_motor_slot
    vend_id = target.new_vend_id()
    assert board.vend(vend_id, slot, poll_s=target.poll_s) is VendResultCode.NO_MOTOR
    assert board.status().fault_mask == 1 << (slot - 1)
    assert target.revolutions(vend_id) in (0, None)


def test_reset_clears_faults_and_forgets_history(target: BoardTarget) -> None:
    board = target.board
    done_id = target.new_vend_id()
    assert board.vend(done_id, target.good_slot, poll_s=target.poll_s) is DONE
    if target.no_motor_slot is not None:
        board.vend(target.new_vend_id(), target.no_motor_slot, poll_s=target.poll_s)
        assert board.status().fault_mask != 0
    info = board.reset()
    assert info.proto == 1
    assert board.status().fault_mask == 0
    assert board.vend_result(done_id) is VendResultCode.UNKNOWN


def test_duplicate_vend_id_never_turns_the_motor_twice(target: BoardTarget) -> None:
    board, vend_id = target.board, target.new_vend_id()
    assert board.vend(vend_id, target.good_slot, poll_s=target.poll_s) is DONE
    assert board.start_vend(vend_id, target.good_slot) is VendCode.DUPLICATE
    assert board.status().state is BoardState.IDLE  # nothing started
    assert board.sensors().motor_ma == 0
    # vend() with an old id answers from the history instead of turning again.
    assert board.vend(vend_id, target.good_slot, poll_s=target.poll_s) is DONE
    assert target.revolutions(vend_id) in (1, None)


def test_a_fresh_vend_id_the_board_remembers_is_refused_not_answered_from_history(
    target: BoardTarget,
) -> None:
    board, vend_id = target.board, target.new_vend_id()
    assert board.vend(vend_id, target.good_slot, poll_s=target.poll_s) is DONE
    with pytest.raises(VendRefused) as refused:
        board.vend(vend_id, target.good_slot, poll_s=target.poll_s, fresh_id=True)
    assert refused.value.vend_code is VendCode.DUPLICATE
    assert board.status().state is BoardState.IDLE  # nothing started
    assert target.revolutions(vend_id) in (1, None)


def test_the_poll_hook_runs_before_each_poll_while_the_motor_turns(target: BoardTarget) -> None:
    board, vend_id = target.board, target.new_vend_id()
    if target.sim is not None:
        target.sim.revolution_s = 0.3  # a real turn takes 0.8-2.5 s: long enough to sample
    currents: list[int] = []
    result = board.vend(
        vend_id,
        target.good_slot,
        poll_s=target.poll_s,
        on_poll=lambda: currents.append(board.sensors().motor_ma),
    )
    assert result is DONE
    assert currents and currents[0] > 0  # the first, right after VEND: the motor runs


def test_busy_board_is_waited_out(target: BoardTarget) -> None:
    board = target.board
    first, second = target.new_vend_id(), target.new_vend_id()
    assert board.start_vend(first, target.good_slot) is VendCode.ACCEPTED
    assert board.start_vend(second, target.good_slot) is VendCode.BUSY
    result = board.vend(
        second, target.good_slot, deadline_s=target.deadline_s, poll_s=target.poll_s
    )
    assert result is DONE
    assert board.vend_result(first) is DONE
    assert (target.revolutions(first), target.revolutions(second)) in ((1, 1), (None, None))


def test_bad_slot_is_refused_without_turning_anything(target: BoardTarget) -> None:
    slots = target.board.hello().slots
    with pytest.raises(VendRefused) as refused:
        target.board.vend(target.new_vend_id(), slots + 1)
    assert refused.value.vend_code is VendCode.BAD_SLOT
    assert target.board.status().state is not BoardState.VENDING


def test_result_of_an_unknown_vend_is_unknown(target: BoardTarget) -> None:
    assert target.board.vend_result(target.new_vend_id()) is VendResultCode.UNKNOWN


@pytest.mark.parametrize(
    ("cmd", "payload", "code"),
    [
        (0x33, b"", ErrorCode.UNKNOWN_CMD),
        (Cmd.VEND, b"\x00\x01", ErrorCode.BAD_LENGTH),
        (Cmd.VEND, vend_request(0, 1), ErrorCode.BAD_ARGUMENT),
    ],
    ids=["unknown-command", "short-vend", "vend-id-0"],
)
def test_board_refusals_raise_board_refused(
    target: BoardTarget, cmd: int, payload: bytes, code: ErrorCode
) -> None:
    with pytest.raises(BoardRefused) as refused:
        target.board.transact(cmd, payload)
    assert (refused.value.command, refused.value.code) == (cmd, code)


# --- the driver's side of the protocol (simulator) ---------------------------------------------


def test_open_says_hello_with_the_datasheet_frame(sim: PtyBoardServer, board: Board) -> None:
    assert encode(sim.received[0]) == bytes.fromhex("A5 00 01 01 EF 8C")


def test_every_request_gets_the_next_seq_mod_256(sim: PtyBoardServer, board: Board) -> None:
    for _ in range(300):
        board.status()
    seqs = [f.seq for f in sim.received if f.cmd == Cmd.STATUS]
    assert len(seqs) == 300
    assert all(b == (a + 1) % 256 for a, b in itertools.pairwise(seqs))


def test_board_speaking_another_protocol_is_refused() -> None:
    with PtyBoardServer(SimulatedBoard(proto=2, boot_s=0.0), noise_bytes=0) as server:
        board = Board(server.path)
        with pytest.raises(BoardProtocolError, match="MDP/2"):
            board.open()
        assert not board.is_open


def test_loopback_echo_is_not_taken_for_a_reply() -> None:
    # loop:// returns our own request: same SEQ, but not a reply CMD.
    board = Board("loop://")
    with pytest.raises(BoardUnreachable):
        board.open()
    assert board.stats.resends == 3
    assert not board.is_open


def test_spy_url_traces_the_traffic(sim: PtyBoardServer, tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    with Board(f"spy://{sim.path}?file={trace}") as board:
        assert board.status().state is BoardState.IDLE
    assert "A5 00 01 01 EF 8C" in trace.read_text()


def test_missing_port_is_disconnected() -> None:
    with pytest.raises(BoardDisconnected):
        Board("/dev/serial/by-id/no-such-board").open()


def test_vend_past_its_deadline_returns_running(sim: PtyBoardServer, board: Board) -> None:
    sim.revolution_s = 0.5
    assert board.vend(1, 1, deadline_s=0.05, poll_s=SIM_POLL_S) is VendResultCode.RUNNING


def test_busy_past_the_deadline_is_refused_and_starts_nothing(
    sim: PtyBoardServer, board: Board
) -> None:
    sim.revolution_s = 0.5
    assert board.start_vend(1, 1) is VendCode.ACCEPTED
    with pytest.raises(VendRefused) as refused:
        board.vend(2, 2, deadline_s=0.1, poll_s=0.02)
    assert refused.value.vend_code is VendCode.BUSY
    assert 2 not in sim.motor_starts


# --- lost replies, corruption, delay ------------------------------------------------------------


def test_lost_vend_reply_is_resent_identically_and_turns_once(
    sim: PtyBoardServer, board: Board
) -> None:
    resends_before = board.stats.resends
    sim.drop_next_replies(1, Cmd.VEND)
    assert board.vend(1, 2, poll_s=SIM_POLL_S) is DONE
    vends = [encode(f) for f in sim.received if f.cmd == Cmd.VEND]
    assert len(vends) == 2 and vends[0] == vends[1]  # the resend: same bytes, same SEQ
    assert board.stats.resends == resends_before + 1
    assert sim.motor_starts == {1: 1}
    assert sim.revolutions == {1: 1}


def test_all_vend_replies_lost_asks_vend_result_and_never_vends_again(
    sim: PtyBoardServer, board: Board
) -> None:
    sim.drop_next_replies(4, Cmd.VEND)  # the request and its 3 resends all go unanswered
    assert board.vend(1, 2, poll_s=SIM_POLL_S) is DONE
    vends = {encode(f) for f in sim.received if f.cmd == Cmd.VEND}
    assert len(vends) == 1  # only ever the one frame, resent
    assert sim.revolutions == {1: 1}


def test_vend_the_board_never_heard_is_unknown_not_retried(
    sim: PtyBoardServer, board: Board
) -> None:
    sim.lose_next_requests(4)
    assert board.vend(1, 2, poll_s=SIM_POLL_S) is VendResultCode.UNKNOWN
    assert not any(f.cmd == Cmd.VEND for f in sim.received)
    assert sim.motor_starts == {}


def test_reply_behind_a_false_frame_start_is_found_after_20_ms(sim: PtyBoardServer) -> None:
    # "A5 20" announces a 38-byte frame that never comes; the real reply hides inside it. The
    # driver must wake when the 20 ms partial-frame limit passes, not sit out its reply timeout.
    with Board(sim.path, reply_timeout=0.2) as board:
        sim.prefix_next_reply(bytes([0xA5, 0x20]))
        start = time.monotonic()
        assert board.status().state is BoardState.IDLE
        assert time.monotonic() - start < 0.15
        assert board.stats.resends == 0


def test_every_command_succeeds_with_10_percent_of_bytes_corrupted() -> None:
    with PtyBoardServer(fast_board(), seed=3, corrupt_fraction=0.1) as server:
        with Board(server.path) as board:
            for round_ in range(25):
                assert board.hello().proto == 1
                assert board.status().state is BoardState.IDLE
                assert board.sensors().supply_mv > 11_000
                assert board.vend(round_ + 1, 1 + round_ % 4, poll_s=SIM_POLL_S) is DONE
                assert board.vend_result(round_ + 1) is DONE
        stats = server.stats
        assert 0.05 <= stats.corrupted_bytes / stats.reply_bytes <= 0.15
        assert board.stats.resends >= stats.corrupted
        assert server.revolutions == {vend_id: 1 for vend_id in range(1, 26)}


def test_replies_later_than_the_timeout_still_succeed_once(
    sim: PtyBoardServer, board: Board
) -> None:
    sim.delay_s = 0.07  # longer than the 50 ms reply timeout: every request is resent
    assert board.status().state is BoardState.IDLE
    assert board.vend(1, 3, poll_s=SIM_POLL_S) is DONE
    assert sim.revolutions == {1: 1}
    assert board.stats.resends >= 2


# --- unplug and replug --------------------------------------------------------------------------


class ReplugOnSleep:
    """A sleep for the driver that plugs the board back in the first time it is called."""

    def __init__(self, sim: PtyBoardServer, *, reboot: bool = False) -> None:
        self.sim, self.reboot, self.calls = sim, reboot, 0

    def __call__(self, seconds: float) -> None:
        self.calls += 1
        if not self.sim.plugged:
            self.sim.replug(reboot=self.reboot)


def test_unplug_reports_unreachable_and_replug_recovers(sim: PtyBoardServer) -> None:
    sleep = ReplugOnSleep(sim)
    board = Board(sim.path, sleep=sleep)
    board.open()
    sim.unplug()
    assert not os.path.exists(sim.path)
    with pytest.raises(BoardDisconnected):
        board.status()
    assert not board.is_open
    info = board.reconnect(timeout_s=5.0)
    assert sleep.calls == 1  # it waited for the path, which came back
    assert info.proto == 1 and board.is_open
    assert board.vend(1, 1, poll_s=SIM_POLL_S) is DONE
    board.close()


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.hello(),
        lambda b: b.status(),
        lambda b: b.sensors(),
        lambda b: b.start_vend(1, 1),
        lambda b: b.vend_result(1),
        lambda b: b.vend(1, 1),
        lambda b: b.reset(),
    ],
    ids=["hello", "status", "sensors", "start_vend", "vend_result", "vend", "reset"],
)
def test_while_unplugged_every_call_fails_fast_with_a_board_error(
    sim: PtyBoardServer, board: Board, call: object
) -> None:
    sim.unplug()
    start = time.monotonic()
    for _ in range(2):  # the first call finds the port gone, the second finds it closed
        with pytest.raises(BoardDisconnected):
            call(board)  # type: ignore[operator]
    assert time.monotonic() - start < 0.5


def test_reconnect_gives_up_after_its_timeout(sim: PtyBoardServer, board: Board) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    late = Board(sim.path, clock=lambda: now[0], sleep=sleep)
    sim.unplug()
    with pytest.raises(BoardDisconnected, match="port did not come back"):
        late.reconnect(timeout_s=2.0)
    assert now[0] >= 2.0
    assert isinstance(BoardDisconnected("x"), BoardError)


def test_reconnect_to_a_silent_board_says_it_is_unreachable(sim: PtyBoardServer) -> None:
    sim.lose_next_requests(1000)  # the port is there, the board does not answer
    board = Board(sim.path, sleep=lambda seconds: None)
    with pytest.raises(BoardUnreachable, match="did not answer HELLO") as failed:
        board.reconnect(timeout_s=0.1)
    assert not isinstance(failed.value, BoardDisconnected)
    assert not board.is_open


def test_unplug_mid_vend_then_replug_learns_the_outcome_without_a_second_turn(
    sim: PtyBoardServer,
) -> None:
    sim.revolution_s = 0.2
    unplugged: list[bool] = []

    def sleep(seconds: float) -> None:
        # The driver's poll wait, faked: the cable goes during the first one. Later waits
        # return at once, so the driver simply polls more often.
        if not unplugged:
            unplugged.append(True)
            sim.unplug()

    board = Board(sim.path, sleep=sleep)
    board.open()
    with pytest.raises(BoardDisconnected):
        board.vend(1, 2, poll_s=SIM_POLL_S)
    sim.replug()
    board.reconnect(timeout_s=5.0)
    assert board.wait_result(1, deadline_s=2.0, poll_s=SIM_POLL_S) is DONE
    assert sim.motor_starts == {1: 1}
    assert sim.revolutions == {1: 1}
    board.close()


def test_board_that_rebooted_mid_vend_answers_unknown(sim: PtyBoardServer) -> None:
    sim.revolution_s = 0.2
    board = Board(sim.path, sleep=ReplugOnSleep(sim, reboot=True))
    board.open()
    assert board.start_vend(1, 2) is VendCode.ACCEPTED
    sim.unplug()
    board.reconnect(timeout_s=5.0)  # power-cycled: the motor stopped, the history is gone
    assert board.wait_result(1, deadline_s=1.0, poll_s=SIM_POLL_S) is VendResultCode.UNKNOWN
    assert sim.revolutions == {}
    assert sim.motor_starts == {1: 1}
    board.close()


# --- the round-trip benchmark -------------------------------------------------------------------


def test_wire_floor_counts_ten_bits_per_byte() -> None:
    assert wire_time_s(1152, baudrate=115200) == pytest.approx(0.1)
    assert vend_result_floor_s() == pytest.approx(17 * 10 / 115200)


def test_round_trip_is_measured_on_the_given_clock(sim: PtyBoardServer, board: Board) -> None:
    ticks = iter(range(1000))
    rt = measure_round_trip(board, samples=20, clock=lambda: float(next(ticks)))
    # Each exchange is timed by one start and one stop tick: exactly 1.0 "second" apart.
    assert (rt.min_s, rt.median_s, rt.max_s, rt.samples) == (1.0, 1.0, 1.0, 20)
    assert sum(f.cmd == Cmd.VEND_RESULT for f in sim.received) == 30  # 10 warm-ups + 20


def test_bench_reports_a_round_trip_within_the_reply_timeout() -> None:
    rt = bench_vend_result(samples=50)
    assert 0 < rt.min_s <= rt.median_s <= rt.p95_s <= rt.max_s
    assert rt.median_s < 0.05  # well inside the 50 ms the host waits
    assert "1.476 ms" in format_round_trip(rt)
