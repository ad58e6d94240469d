"""`maeum-kiosk [command]` (or `python main.py [command]`): the kiosk and the tools around it.

Each command is a module in `kiosk.commands` with `NAME`, `HELP`, `configure(parser)` and
`run(args) -> exit status`. Only the module of the command being run is imported (all of them
only for the overall `--help`), and modules import their heavy dependencies inside `run`, so
that the kiosk's first frame does not wait for the staff tools.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Protocol

from kiosk.shell.errors import ConfigError
from kiosk.shell.journal import setup_logging


class Command(Protocol):
    NAME: str
    HELP: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


# name → module; the order is the order of `--help`.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("run", "kiosk.commands.run"),
    ("demo", "kiosk.commands.demo"),
    ("content", "kiosk.commands.content"),
    ("stock", "kiosk.commands.stock"),
    ("stats", "kiosk.commands.stats"),
    ("staff-pin", "kiosk.commands.staff_pin"),
    ("hwtest", "kiosk.commands.hwtest"),
    ("board-sim", "kiosk.commands.board_sim"),
    ("printer-sim", "kiosk.commands.printer_sim"),
    ("bench", "kiosk.commands.bench"),
    ("fleet-agent", "kiosk.commands.fleet_agent"),
    ("fleet-server", "kiosk.commands.fleet_server"),
)


def load(module: str) -> Command:
    loaded: Command = importlib.import_module(module)
    return loaded


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser for every command, or for `only` that one (nothing else imported)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="FILE",
        help="machine configuration (default: $MAEUM_CONFIG, "
        "/etc/maeum-kiosk/kiosk.toml, else built-in simulation)",
    )
    common.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    parser = argparse.ArgumentParser(
        description="마음약방 kiosk. With no command it runs the kiosk (`run`).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS:
        if only is not None and name != only:
            continue
        command = load(module)
        p = sub.add_parser(
            command.NAME, help=command.HELP, description=command.HELP, parents=[common]
        )
        command.configure(p)
        p.set_defaults(handler=command.run)
    return parser


def main(argv: list[str]) -> int:
    names = {name for name, _ in COMMANDS}
    if not argv or (argv[0] not in names and argv[0] not in ("-h", "--help")):
        argv = ["run", *argv]
    args = build_parser(argv[0] if argv[0] in names else None).parse_args(argv)
    setup_logging(getattr(logging, args.log_level))
    try:
        return int(args.handler(args))
    except ConfigError as exc:  # every command: the file and what to do, never a traceback
        print(f"configuration: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def entry_point() -> int:
    """The `maeum-kiosk` command (pyproject.toml `[project.scripts]`)."""
    return main(sys.argv[1:])
