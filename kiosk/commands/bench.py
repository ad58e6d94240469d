"""`python main.py bench`: start-up, frame times, idle CPU, memory, board round trip."""

from __future__ import annotations

import argparse

NAME = "bench"
HELP = "measure start-up, frame times, idle CPU, memory and the board round trip"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--idle-seconds",
        type=float,
        default=10.0,
        help="how long to measure idle CPU on the attract screen (default 10)",
    )
    parser.add_argument("--frames", type=int, default=200, help="frames per screen (default 200)")
    parser.add_argument("--skip-board", action="store_true", help="skip the board round trip")


def run(args: argparse.Namespace) -> int:
    from kiosk.bench import run_all

    for line in run_all(args.idle_seconds, args.frames):
        print(line, flush=True)
    if not args.skip_board:
        from kiosk.bench_board import board_lines

        for line in board_lines():
            print(line, flush=True)
    return 0
