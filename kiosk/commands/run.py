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
    import pygame

    from kiosk.config import KioskConfig
    from kiosk.runtime import Runtime
    from kiosk.shutdown import ShutdownCoordinator
    from kiosk.systemd import Notifier

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

    from kiosk.assembly import assemble
    from kiosk.config import KioskConfig
    from kiosk.shell import NoDisplay, Shell, open_display
    from kiosk.shutdown import ShutdownCoordinator
    from kiosk.storage_check import refusal
    from kiosk.systemd import Notifier
    from kiosk.wait import Sleeper

    assert isinstance(config, KioskConfig)
    try:
        surface = open_display(config, args.windowed)
    except NoDisplay as exc:
        from kiosk.demo import RESOLUTIONS, run_demo

        out = Path(args.demo_out)
        print(f"No display ({exc}): running the scripted demo instead.")
        shots = run_demo(config, out, lang=config.language, resolutions=RESOLUTIONS)
        print(f"Wrote {len(shots)} screenshots to {out}/ — open them to see the kiosk.")
        return 0
    shutdown = ShutdownCoordinator()
    shutdown.install()
    notifier = Notifier.from_environ()
    # A ledger in RAM would forget every vend at the next reboot: serve nothing, say why.
    reason = refusal(config.data_dir, simulated=config.hardware.simulated)
    if reason is not None:
        return _refuse(config, surface, args.windowed, notifier, shutdown, reason)
    kiosk = assemble(
        config,
        notifier=notifier,
        shutdown=shutdown,
        close_display=pygame.display.quit,
    )
    kiosk.start(args.port)
    sleeper = Sleeper.for_driver(kiosk.waker, pygame.display.get_driver())
    shell = Shell(kiosk.runtime, surface, args.windowed, kiosk.notifier, shutdown, sleeper)
    undo_wakeup = kiosk.waker.wake_on_signals()
    try:
        status = shell.run()
    finally:
        shutdown.shut_down()
        undo_wakeup()
        sleeper.close()
        kiosk.waker.close()
    return status


def _refuse(
    config: KioskConfig,
    surface: pygame.Surface,
    windowed: bool,
    notifier: Notifier,
    shutdown: ShutdownCoordinator,
    reason: str,
) -> int:
    """Serve no visit: the out-of-service screen with the help lines until stopped."""
    import pygame

    from kiosk.shell import Shell
    from kiosk.wait import Sleeper, Waker

    runtime = refusing_runtime(config, time.monotonic(), reason)
    shutdown.on_shutdown("display", pygame.display.quit)
    shutdown.on_shutdown("systemd", notifier.stopping)
    waker = Waker()
    undo_wakeup = waker.wake_on_signals()
    sleeper = Sleeper.for_driver(waker, pygame.display.get_driver())
    try:
        return Shell(runtime, surface, windowed, notifier, shutdown, sleeper).run()
    finally:
        shutdown.shut_down()
        undo_wakeup()
        sleeper.close()
        waker.close()


def refusing_runtime(config: KioskConfig, now: float, reason: str) -> Runtime:
    """A kiosk that serves no visit: the out-of-service screen with the help lines, no ledger,
    no board, no content (nothing is opened that could record or hand out anything)."""
    from kiosk.machine import NoDispensing
    from kiosk.runtime import build_runtime
    from prescriptions.model import Content

    return build_runtime(
        config, now, dispenser=NoDispensing(reason), content=Content(), content_fault=reason
    )
