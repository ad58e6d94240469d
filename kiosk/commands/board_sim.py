"""`python main.py board-sim`: run a simulated dispenser board on a pty (prints its path).

Point the kiosk (or `hwtest`) at the printed path as its serial port. The board runs until
Ctrl-C. Faults can be set by flags at start and changed while it runs by typing commands
(`help` lists them): reboot, unplug, replug, stall N, nomotor N, empty N, corrupt F, drop F, ...
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from kiosk.commands.sim_console import console as shared_console
from kiosk.commands.sim_console import serve

if TYPE_CHECKING:
    from hardware.simulator import PtyBoardServer

NAME = "board-sim"
HELP = "run a simulated dispenser board on a pty (prints its path)"

CONSOLE_HELP = """\
commands while running:
  reboot              power-cycle the board (forgets history, faults, duplicate memory)
  unplug | replug     pull / reconnect the cable (same path); `replug reboot` power-cycles too
  stall N | unstall N jam slot N (MOTOR_STALL) / clear the jam
  nomotor N | motor N disconnect / reconnect slot N's motor (NO_MOTOR)
  empty N | fill N    slot N turns but nothing falls / stocked again
  corrupt F           share of replies garbled (0..1)
  drop F              share of replies lost (0..1)
  delay MS            extra reply delay in milliseconds
  revolution S        seconds per revolution
  status              what the simulator has done so far
  quit                stop (or Ctrl-C)"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--slots", type=int, default=6, help="slots on the board, 1..16")
    parser.add_argument(
        "--revolution-s", type=float, default=1.2, help="seconds per revolution (0.8-2.5 real)"
    )
    parser.add_argument("--stall-timeout-s", type=float, default=4.0, help="stall limit, s")
    parser.add_argument("--boot-s", type=float, default=1.0, help="power-on to ready, s")
    parser.add_argument("--board-id", default="SIM00001", help="8 ASCII characters")
    parser.add_argument("--supply-mv", type=int, default=12_000, help="motor supply, mV")
    for flag, what in (
        ("--stall-slot", "jam slot N: its motor never reaches home"),
        ("--no-motor-slot", "slot N has no motor (open circuit)"),
        ("--empty-slot", "slot N turns but nothing falls"),
    ):
        parser.add_argument(flag, type=int, action="append", default=[], metavar="N", help=what)
    parser.add_argument(
        "--corrupt",
        type=_fraction,
        default=0.0,
        metavar="F",
        help="share of replies garbled on the wire, 0..1",
    )
    parser.add_argument(
        "--drop", type=_fraction, default=0.0, metavar="F", help="share of replies lost, 0..1"
    )
    parser.add_argument("--delay-ms", type=float, default=0.0, help="extra reply delay, ms")
    parser.add_argument(
        "--noise-bytes", type=int, default=64, help="at most this many bytes of power-up noise"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for noise, corruption, drops")
    parser.add_argument(
        "--no-console",
        action="store_true",
        help="do not read commands from stdin; just run until Ctrl-C",
    )


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def run(args: argparse.Namespace) -> int:

    from hardware.simulator import PtyBoardServer, SimulatedBoard

    try:
        board = SimulatedBoard(
            slots=args.slots,
            revolution_s=args.revolution_s,
            stall_timeout_s=args.stall_timeout_s,
            boot_s=args.boot_s,
            board_id=args.board_id,
            supply_mv=args.supply_mv,
            seed=args.seed,
        )
        for slot in args.stall_slot:
            board.stall_slot(slot)
        for slot in args.no_motor_slot:
            board.no_motor_slot(slot)
        for slot in args.empty_slot:
            board.empty_slot(slot)
    except ValueError as exc:
        print(f"{NAME}: {exc}", file=sys.stderr)
        return 2
    server = PtyBoardServer(
        board,
        seed=args.seed,
        corrupt_fraction=args.corrupt,
        drop_fraction=args.drop,
        delay_s=args.delay_ms / 1000,
        noise_bytes=args.noise_bytes,
    )
    with server:
        return serve(
            server.path,
            f"board-sim: {args.slots} slots on {server.path} -> {server.pty_name}",
            args.no_console,
            lambda words: _command(server, words),
        )


def console(server: PtyBoardServer, commands: TextIO, out: TextIO) -> bool:
    """Read fault commands line by line. True after `quit`, False at the end of input."""
    return shared_console(lambda words: _command(server, words), commands, out)


def _command(server: PtyBoardServer, words: list[str]) -> str:
    name, args = words[0], words[1:]
    slot_actions: dict[str, Callable[[int], None]] = {
        "stall": server.stall_slot,
        "unstall": lambda n: server.stall_slot(n, False),
        "nomotor": server.no_motor_slot,
        "motor": lambda n: server.no_motor_slot(n, False),
        "empty": server.empty_slot,
        "fill": lambda n: server.empty_slot(n, False),
    }
    if name in slot_actions:
        slot_actions[name](int(args[0]))
    elif name == "reboot":
        server.reboot()
    elif name == "unplug":
        server.unplug()
    elif name == "replug":
        server.replug(reboot=args[:1] == ["reboot"])
    elif name == "corrupt":
        server.corrupt_fraction = _fraction(args[0])
    elif name == "drop":
        server.drop_fraction = _fraction(args[0])
    elif name == "delay":
        server.delay_s = float(args[0]) / 1000
    elif name == "revolution":
        server.revolution_s = float(args[0])
    elif name == "status":
        return f"revolutions per vend_id {server.revolutions}; wire {server.stats}"
    elif name == "help":
        return CONSOLE_HELP
    else:
        raise ValueError(f"unknown command {name!r} (try `help`)")
    return "ok"
