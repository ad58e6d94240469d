"""`python main.py stats`: anonymous usage statistics."""

from __future__ import annotations

import argparse
import sys

NAME = "stats"
HELP = "anonymous usage statistics"


def configure(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    print(f"{NAME}: not built yet", file=sys.stderr)
    return 2
