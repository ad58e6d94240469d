"""`python main.py` / `python main.py run`: the kiosk.

Without a display (a server, CI, a Pi with no screen yet) it says so and runs the scripted
demo instead, writing screenshots, so `make run` shows something everywhere.

With a configuration it cannot use (broken, unreadable, ...) it says so in the log and still
comes up, on the out-of-service screen with the help lines (`kiosk.shell.config_fallback`), as it
does for a data folder in RAM: an exit would only be a restart every 2 s under systemd.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pygame

    from kiosk.shell.config import KioskConfig
    from kiosk.shell.runtime import Runtime
    from kiosk.shell.shutdown import ShutdownCoordinator
    from kiosk.shell.systemd import Notifier
    from kiosk.ui.fonts import FontBook

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
    from kiosk.shell.config import load_config
    from kiosk.shell.errors import ConfigError

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return _run_out_of_service(str(exc), args)
    if args.resolution:
        config = config.with_resolution(*parse_resolution(args.resolution))
    log.info("configuration: %s", config.source)
    return _run(config, args)


def _run_out_of_service(problem: str, args: argparse.Namespace) -> int:
    """No usable configuration: the out-of-service screen with the help lines, on the
    screen's own size, until the service is stopped."""
    from kiosk.commands.demo import parse_resolution
    from kiosk.shell.config_fallback import fallback_config, unusable_configuration
    from kiosk.shell.loop import NoDisplay, open_display
    from kiosk.shell.shutdown import ShutdownCoordinator
    from kiosk.shell.systemd import Notifier

    size = parse_resolution(args.resolution) if args.resolution else _desktop_size()
    config = fallback_config(problem, size)
    try:
        surface = open_display(config, args.windowed)
    except NoDisplay as exc:
        print(f"No display ({exc}): nothing can show the out-of-service screen.", file=sys.stderr)
        return 2
    shutdown = ShutdownCoordinator()
    shutdown.install()
    reason = unusable_configuration(problem)
    return _refuse(config, surface, args.windowed, Notifier.from_environ(), shutdown, reason)


def _desktop_size() -> tuple[int, int] | None:
    """The screen's own size: the configured one is in the file that cannot be read."""
    import pygame

    try:
        pygame.display.init()
        sizes = pygame.display.get_desktop_sizes()
    except pygame.error:
        return None
    width, height = sizes[0] if sizes else (0, 0)
    return (width, height) if width >= 320 and height >= 240 else None


def _run(config: object, args: argparse.Namespace) -> int:
    import pygame

    from kiosk.shell.assembly import assemble
    from kiosk.shell.config import KioskConfig
    from kiosk.shell.loop import NoDisplay, Shell, open_display
    from kiosk.shell.shutdown import ShutdownCoordinator
    from kiosk.shell.storage_check import refusal
    from kiosk.shell.systemd import Notifier
    from kiosk.shell.wait import Sleeper

    assert isinstance(config, KioskConfig)
    try:
        surface = open_display(config, args.windowed)
    except NoDisplay as exc:
        from kiosk.commands.demo import blocked_message
        from kiosk.tools.demo import RESOLUTIONS, DemoBlocked, run_demo

        out = Path(args.demo_out)
        print(f"No display ({exc}): running the scripted demo instead.")
        try:
            shots = run_demo(config, out, lang=config.language, resolutions=RESOLUTIONS)
        except DemoBlocked as blocked:
            print(blocked_message(blocked, out), file=sys.stderr)
            return 1
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
    sleeper = Sleeper.for_driver(kiosk.waker, pygame.display.get_driver())
    shell = Shell(
        kiosk.runtime,
        surface,
        args.windowed,
        kiosk.notifier,
        shutdown,
        sleeper,
        after_first_frame=lambda: kiosk.start(args.port),  # the hardware joins after it
    )
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

    from kiosk.shell.loop import Shell
    from kiosk.shell.wait import Sleeper, Waker

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


def refusing_runtime(
    config: KioskConfig, now: float, reason: str, fonts: FontBook | None = None
) -> Runtime:
    """A kiosk that serves no visit: the out-of-service screen with the help lines, no ledger,
    no board, no content (nothing is opened that could record or hand out anything)."""
    from kiosk.cabinet.cabinet import NoDispensing
    from kiosk.shell.runtime import build_runtime
    from prescriptions.model import Content

    return build_runtime(
        config,
        now,
        dispenser=NoDispensing(reason),
        content=Content(),
        content_fault=reason,
        fonts=fonts,
    )
