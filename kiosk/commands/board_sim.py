"""`python main.py board-sim`: run a simulated dispenser board on a pty (prints its path)."""

from __future__ import annotations

import argparse
import sys

NAME = "board-sim"
HELP = "run a simulated dispenser board on a pty (prints its path)"


def configure(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    print(f"{NAME}: not built yet", file=sys.stderr)
    return 2
