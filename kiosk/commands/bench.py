"""`python main.py bench`: start-up, frame times, idle CPU, memory, board round trip.

`python main.py bench --fleet 25` measures the fleet instead (fleet/bench.py): latency from a
ledger write to the central store, the server's messages per second, the agent's memory,
the bytes a kiosk sends per day, and the web dashboard over a year of data for 25 sites
(`--dashboard-only`: that part alone)."""

from __future__ import annotations

import argparse
import sys

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
    parser.add_argument(
        "--fleet",
        type=int,
        metavar="N",
        help="measure the fleet with N kiosks instead (a real broker on loopback)",
    )
    parser.add_argument(
        "--dashboard-only",
        action="store_true",
        help="for --fleet: only the web dashboard (a year of hourly counts for N sites)",
    )
    parser.add_argument(
        "--visits-per-day",
        type=int,
        default=80,
        help="for --fleet: visits a kiosk has in a day, for its bytes per day (default 80)",
    )


def run(args: argparse.Namespace) -> int:
    if args.fleet is not None:
        if args.fleet < 1:
            print("bench: --fleet needs at least 1 kiosk", file=sys.stderr)
            return 2
        from fleet.bench import run_fleet_bench

        for line in run_fleet_bench(args.fleet, args.visits_per_day, args.dashboard_only):
            print(line, flush=True)
        return 0
    from kiosk.tools.bench import run_all

    for line in run_all(args.idle_seconds, args.frames):
        print(line, flush=True)
    from kiosk.tools.bench_parts import board_lines, printer_lines, speech_lines

    parts = [printer_lines, speech_lines] + ([] if args.skip_board else [board_lines])
    for part in parts:
        for line in part():
            print(line, flush=True)
    return 0
