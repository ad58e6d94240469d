"""`python main.py hwtest`: technician's guided hardware checklist."""

from __future__ import annotations

import argparse
import sys

NAME = "hwtest"
HELP = "technician's guided hardware checklist"


def configure(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    print(f"{NAME}: not built yet", file=sys.stderr)
    return 2
