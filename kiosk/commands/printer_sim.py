"""`python main.py printer-sim`: run a simulated receipt printer on a pty (prints its path).

Point the kiosk (or a test) at the printed path as a serial printer. Every slip it prints is
written as a PNG into `--out`, every byte into `received.bin` there. The printer runs until
Ctrl-C; faults are set by flags at start and changed while it runs by typing commands (`help`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kiosk.commands.sim_console import console as shared_console
from kiosk.commands.sim_console import serve

if TYPE_CHECKING:
    from hardware.printer.simulator import PtyPrinterServer

NAME = "printer-sim"
HELP = "run a simulated receipt printer on a pty (prints its path; slips become PNGs)"
FAULT_FLAGS = ("near_end", "paper_out", "cover_open", "garbage", "half", "stall")

CONSOLE_HELP = """\
commands while running:
  near_end | paper_out | cover_open | garbage | half | stall    turn that fault on
  ok FAULT                     turn it off again (`ok` alone: all of them)
  paper_out_after ROWS         the roll runs out ROWS printed rows from now
  unplug | replug              pull / reconnect the cable (same path)
  status                       slips printed, rows lost, bytes received
  quit                         stop (or Ctrl-C)"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--paper", type=int, choices=(58, 80), default=80, help="roll width, mm")
    parser.add_argument(
        "--out", type=Path, default=Path("out/printer-sim"), help="where slips go as PNGs"
    )
    for fault in FAULT_FLAGS:
        parser.add_argument(
            f"--{fault.replace('_', '-')}", action="store_true", help=f"start with {fault}"
        )
    parser.add_argument("--seed", type=int, default=0, help="seed for garbage answers")
    parser.add_argument(
        "--no-console",
        action="store_true",
        help="do not read commands from stdin; just run until Ctrl-C",
    )


def run(args: argparse.Namespace) -> int:

    from hardware.printer.settings import Paper
    from hardware.printer.simulator import PtyPrinterServer, SimulatedPrinter

    try:
        printer = SimulatedPrinter(dots=Paper(args.paper).dots, out_dir=args.out, seed=args.seed)
    except OSError as exc:
        print(f"{NAME}: cannot write slips to {args.out}: {exc}", file=sys.stderr)
        return 2
    for fault in FAULT_FLAGS:
        setattr(printer, fault, getattr(args, fault))
    with PtyPrinterServer(printer) as server:
        return serve(
            server.path,
            f"{NAME}: {args.paper} mm printer on {server.path} -> {server.pty_name}; "
            f"slips in {args.out}",
            args.no_console,
            lambda words: _command(server, words),
        )


def console(server: PtyPrinterServer, commands: TextIO, out: TextIO) -> bool:
    """Read fault commands line by line. True after `quit`, False at the end of input."""
    return shared_console(lambda words: _command(server, words), commands, out)


def _command(server: PtyPrinterServer, words: list[str]) -> str:
    name, args = words[0], words[1:]
    if name in FAULT_FLAGS:
        server.set_fault(name)
    elif name == "ok":
        for fault in args or FAULT_FLAGS:
            server.set_fault(fault, False)
    elif name == "paper_out_after":
        server.paper_out_after_rows(int(args[0]))
    elif name == "unplug":
        server.unplug()
    elif name == "replug":
        server.replug()
    elif name == "status":
        slips = server.slips
        return (
            f"{len(slips)} slips ({sum(s.raster.height for s in slips)} rows), "
            f"{server.lost_rows} rows lost, {len(server.received)} bytes received, "
            f"{server.status_queries} status queries"
        )
    elif name == "help":
        return CONSOLE_HELP
    else:
        raise ValueError(f"unknown command {name!r} (try `help`)")
    return "ok"
