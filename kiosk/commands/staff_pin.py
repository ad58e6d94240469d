"""`python main.py staff-pin`: set the staff PIN."""

from __future__ import annotations

import argparse
import sys

NAME = "staff-pin"
HELP = "set the staff PIN"


def configure(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    print(f"{NAME}: not built yet", file=sys.stderr)
    return 2
