"""The board part of `python main.py bench`: VEND_RESULT round trips over a pty."""

from __future__ import annotations

from hardware.link_bench import bench_vend_result, format_round_trip


def board_lines(samples: int = 500) -> list[str]:
    return [format_round_trip(bench_vend_result(samples))]
