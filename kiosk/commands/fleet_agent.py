"""`python main.py fleet-agent`: report this kiosk to the central server (docs/fleet.md).

Its own process and systemd unit (deploy/maeum-fleet.service): the kiosk's own unit has no
network at all. It reads the ledger read-only and publishes over MQTT/TLS; content the
centre publishes it checks (with the kiosk's own card check) and puts into the kiosk's
content folder (fleet/delivery.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

NAME = "fleet-agent"
HELP = "report anonymous counts, alerts, stock and content version to the central server"
# kiosk.cabinet.cabinet.LEDGER_FILE, named here so the agent does not import the machine (and with
# it the hardware drivers) only for a file name.
LEDGER_FILE = "ledger.sqlite3"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--agent-config",
        metavar="FILE",
        help="the agent's settings (default: $MAEUM_FLEET_AGENT, /etc/maeum-fleet/agent.toml)",
    )


def run(args: argparse.Namespace) -> int:
    import signal
    import threading

    from fleet.agent import Agent
    from fleet.config import AGENT_CONFIG, FleetConfigError, load_agent_config
    from fleet.cursor import CursorError
    from fleet.kiosk_checks import card_check
    from kiosk.shell.config import config_for_command

    path = Path(args.agent_config or os.environ.get("MAEUM_FLEET_AGENT") or AGENT_CONFIG)
    try:
        config = load_agent_config(path)
    except FleetConfigError as exc:
        print(f"fleet agent: {exc}", file=sys.stderr)
        return 2
    ledger, content_dir = config.agent.ledger, config.agent.content_dir
    if ledger is None or content_dir is None:
        kiosk = config_for_command(args.config)
        if kiosk is None:
            return 2
        ledger = ledger or kiosk.data_dir / LEDGER_FILE
        content_dir = content_dir or kiosk.content_dir
    try:
        agent = Agent(config, ledger, content_dir=content_dir, fits_for=card_check())
    except CursorError as exc:
        print(f"fleet agent: its state cannot be kept: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()
        agent.wake()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return agent.run(stop)
