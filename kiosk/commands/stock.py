"""`python main.py stock`: show and change the stock per slot."""

from __future__ import annotations

import argparse
import sys

NAME = "stock"
HELP = "show and change the stock per slot"


def configure(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    print(f"{NAME}: not built yet", file=sys.stderr)
    return 2
