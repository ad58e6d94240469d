"""`python main.py [command]`: the kiosk and the tools around it.

Each command is a module in `kiosk.commands` with `NAME`, `HELP`, `configure(parser)` and
`run(args) -> exit status`. Modules import their heavy dependencies inside `run`, so that
`--help` and the kiosk's first frame stay fast.
"""

from __future__ import annotations

import argparse
import logging
from typing import Protocol

from kiosk.commands import (
    bench,
    board_sim,
    content,
    demo,
    fleet_agent,
    fleet_server,
    hwtest,
    run,
    staff_pin,
    stats,
    stock,
)


class Command(Protocol):
    NAME: str
    HELP: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


COMMANDS: tuple[Command, ...] = (
    run,
    demo,
    content,
    stock,
    stats,
    staff_pin,
    hwtest,
    board_sim,
    bench,
    fleet_agent,
    fleet_server,
)


def build_parser() -> argparse.ArgumentParser:
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
        prog="main.py",
        description="마음약방 kiosk. With no command it runs the kiosk (`run`).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(
            command.NAME, help=command.HELP, description=command.HELP, parents=[common]
        )
        command.configure(p)
        p.set_defaults(handler=command.run)
    return parser


def main(argv: list[str]) -> int:
    names = {c.NAME for c in COMMANDS}
    if not argv or (argv[0] not in names and argv[0] not in ("-h", "--help")):
        argv = ["run", *argv]
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, args.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        return 130
