"""How long one VEND_RESULT exchange takes, against what the wire allows at 115200 baud.

The kiosk polls VEND_RESULT every 100 ms while a motor turns, so this exchange is the driver's
hot path. A pty is not throttled to the baud rate, so over the simulator the measurement is the
software's share (driver + pty + simulated board); the wire-time floor is computed (10 bits per
byte: start, 8 data, stop). On the real board expect roughly floor + software share + the board's
own reaction (the datasheet allows up to 10 ms).

    from hardware.link_bench import bench_vend_result, format_round_trip
    print(format_round_trip(bench_vend_result()))
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from hardware.board import BAUDRATE, Board
from hardware.protocol import OVERHEAD, VendResultCode

BITS_PER_BYTE = 10  # 8N1: a start bit, 8 data bits, a stop bit
VEND_RESULT_REQUEST_BYTES = OVERHEAD + 2  # vend_id u16
VEND_RESULT_REPLY_BYTES = OVERHEAD + 3  # vend_id u16, result u8


def wire_time_s(n_bytes: int, baudrate: int = BAUDRATE) -> float:
    """Seconds `n_bytes` take on a UART at `baudrate`, 8N1."""
    return n_bytes * BITS_PER_BYTE / baudrate


def vend_result_floor_s(baudrate: int = BAUDRATE) -> float:
    """The least a VEND_RESULT round trip can take: request plus reply on the wire."""
    return wire_time_s(VEND_RESULT_REQUEST_BYTES + VEND_RESULT_REPLY_BYTES, baudrate)


@dataclass(frozen=True)
class RoundTrip:
    """Round-trip times of one request/reply exchange, in seconds."""

    transport: str
    samples: int
    min_s: float
    median_s: float
    p95_s: float
    max_s: float
    floor_s: float  # wire time at `baudrate`
    baudrate: int = BAUDRATE

    @property
    def expected_on_wire_s(self) -> float:
        """Median software share plus the wire floor: the estimate for a real UART link."""
        return self.median_s + self.floor_s


def measure_round_trip(
    board: Board,
    *,
    samples: int = 500,
    vend_id: int = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> RoundTrip:
    """Time `samples` VEND_RESULT exchanges on an open `board` (a few warm-ups not counted)."""
    if samples < 1:
        raise ValueError("samples must be at least 1")
    for _ in range(10):
        board.vend_result(vend_id)
    times = []
    for _ in range(samples):
        start = clock()
        board.vend_result(vend_id)
        times.append(clock() - start)
    times.sort()
    return RoundTrip(
        transport=board.url,
        samples=samples,
        min_s=times[0],
        median_s=statistics.median(times),
        p95_s=times[min(samples - 1, int(samples * 0.95))],
        max_s=times[-1],
        floor_s=vend_result_floor_s(board.baudrate),
    )


def bench_vend_result(samples: int = 500) -> RoundTrip:
    """Start a simulated board on a pty, run a vend to have a result to ask for, and time
    VEND_RESULT round trips to it."""
    from hardware.simulator import PtyBoardServer, SimulatedBoard

    sim_board = SimulatedBoard(revolution_s=0.01, boot_s=0.0)
    # No simulated reaction delay: the measurement is the software's share alone.
    quiet = PtyBoardServer(sim_board, noise_bytes=0, response_s=0.0)
    with quiet as server, Board(server.path) as board:
        if board.vend(1, 1, deadline_s=2.0, poll_s=0.005) is not VendResultCode.DONE:
            raise RuntimeError("the simulated board did not complete its vend")
        result = measure_round_trip(board, samples=samples, vend_id=1)
    return replace(result, transport="a pty to the simulated board")


def format_round_trip(rt: RoundTrip) -> str:
    """A few lines for `python main.py bench` and docs/performance.md."""
    ms = 1000.0
    return "\n".join(
        [
            f"VEND_RESULT round trip over {rt.transport} ({rt.samples} samples):",
            f"  min {rt.min_s * ms:.3f} ms, median {rt.median_s * ms:.3f} ms, "
            f"p95 {rt.p95_s * ms:.3f} ms, max {rt.max_s * ms:.3f} ms",
            f"  wire-time floor at {rt.baudrate} baud "
            f"({VEND_RESULT_REQUEST_BYTES}+{VEND_RESULT_REPLY_BYTES} bytes x {BITS_PER_BYTE} bits):"
            f" {rt.floor_s * ms:.3f} ms",
            f"  expected on a real UART: about {rt.expected_on_wire_s * ms:.3f} ms "
            f"+ the board's reaction (up to 10 ms)",
        ]
    )
