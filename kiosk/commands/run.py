"""`python main.py run`: run the kiosk (the default command)."""

from __future__ import annotations

import argparse
import sys

NAME = "run"
HELP = "run the kiosk (the default command)"


def configure(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    print(f"{NAME}: not built yet", file=sys.stderr)
    return 2
