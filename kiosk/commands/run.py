"""`python main.py` / `python main.py run`: the kiosk.

Without a display (a server, CI, a Pi with no screen yet) it says so and runs the scripted
demo instead, writing screenshots, so `make run` shows something everywhere.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.ledger import Ledger
    from kiosk.session import KioskSession
    from prescriptions.model import Content

NAME = "run"
HELP = "run the kiosk (the default command)"

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    parser.add_argument("--resolution", metavar="WxH", help="window size, e.g. 1024x600")
    parser.add_argument(
        "--port", metavar="URL", help="use this board (a real port or a simulator's pty)"
    )
    parser.add_argument(
        "--demo-out",
        default="out/demo",
        metavar="DIR",
        help="where the headless demo writes its screenshots",
    )


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.demo import parse_resolution
    from kiosk.config import config_for_command

    config = config_for_command(args.config)
    if config is None:
        return 2
    if args.resolution:
        config = config.with_resolution(*parse_resolution(args.resolution))
    log.info("configuration: %s", config.source)
    return _run(config, args)


def _run(config: object, args: argparse.Namespace) -> int:
    import pygame

    from kiosk.config import KioskConfig
    from kiosk.content_feed import ContentFeed
    from kiosk.demo import RESOLUTIONS, run_demo
    from kiosk.machine_setup import open_machine
    from kiosk.runtime import build_runtime
    from kiosk.shell import NoDisplay, Shell, open_display
    from kiosk.shutdown import ShutdownCoordinator
    from kiosk.staff.setup import build_staff_mode
    from kiosk.systemd import Notifier

    assert isinstance(config, KioskConfig)
    try:
        surface = open_display(config, args.windowed)
    except NoDisplay as exc:
        out = Path(args.demo_out)
        print(f"No display ({exc}): running the scripted demo instead.")
        shots = run_demo(config, out, lang=config.language, resolutions=RESOLUTIONS)
        print(f"Wrote {len(shots)} screenshots to {out}/ — open them to see the kiosk.")
        return 0
    shutdown = ShutdownCoordinator()
    shutdown.install()
    notifier = Notifier.from_environ()
    machine = open_machine(config, args.port)
    feed = ContentFeed.open(config)
    runtime = build_runtime(
        config,
        time.monotonic(),
        dispenser=machine.dispenser,
        stock=machine.stock,
        stats=machine.stats,
        history=machine.history,
        content=feed.initial,
        content_fault=feed.initial_fault,
    )
    feed.start()
    if machine.machine is not None:
        note_content_version(runtime.session, machine.machine.ledger)

    def poll(session: KioskSession, now: float) -> None:
        machine.poll(session, now)
        feed.poll(session, now)

    staff = build_staff_mode(
        config, machine, runtime.session, feed, simulated=runtime.dispenser.simulated
    )
    runtime.app.staff = staff
    shutdown.on_shutdown("display", pygame.display.quit)
    shutdown.on_shutdown("machine", machine.close)
    shutdown.on_shutdown("staff", staff.close)  # its jobs end before the ledger closes
    shutdown.on_shutdown("vends", lambda: runtime.worker.join(timeout=5))
    shutdown.on_shutdown("content watcher", feed.close)
    shutdown.on_shutdown("systemd", notifier.stopping)
    try:
        status = Shell(runtime, surface, args.windowed, notifier, shutdown, poll=poll).run()
    finally:
        shutdown.shut_down()
    return status


def note_content_version(session: KioskSession, ledger: Ledger) -> None:
    """The ledger keeps the version of the content visitors are served (the fleet agent
    reports it): now, and whenever the session takes new content."""
    from kiosk.staff.content import fingerprint

    def note(content: Content) -> None:
        ledger.set_content_version(fingerprint(content))

    session.on_content = note
    try:
        note(session.content)
    except Exception:  # a ledger that cannot take it must not stop the kiosk
        log.exception("the content version was not noted")
