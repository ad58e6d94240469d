"""`python main.py content`: check, export, import and preview the prescription content."""

from __future__ import annotations

import argparse
import sys

NAME = "content"
HELP = "check, export, import and preview the prescription content"


def configure(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    print(f"{NAME}: not built yet", file=sys.stderr)
    return 2
