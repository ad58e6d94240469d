"""`python main.py bench`: start-up, frame times, idle CPU, memory, board round trip."""

from __future__ import annotations

import argparse
import sys

NAME = "bench"
HELP = "measure start-up, frame times, idle CPU, memory and the board round trip"


def configure(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    print(f"{NAME}: not built yet", file=sys.stderr)
    return 2
