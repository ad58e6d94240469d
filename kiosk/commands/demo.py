"""`python main.py demo`: run a scripted visit headless and write one PNG per screen."""

from __future__ import annotations

import argparse
import sys

NAME = "demo"
HELP = "run a scripted visit headless and write one PNG per screen"


def configure(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    print(f"{NAME}: not built yet", file=sys.stderr)
    return 2
