"""The real kiosk on a real display: the frame loop, lockdown, systemd and a clean stop.

The loop never blocks: input, finished vends and timeouts are handled, the page is drawn only
if something changed, and `Clock.tick` paces the loop (its wait is the only sleep).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from kiosk.config import KioskConfig
from kiosk.runtime import Runtime
from kiosk.session import KioskSession
from kiosk.shutdown import TECHNICIAN_EXIT_STATUS, ShutdownCoordinator
from kiosk.systemd import Notifier

log = logging.getLogger(__name__)

FPS = 30
HEADLESS_DRIVERS = ("offscreen", "dummy")
MODIFIERS = {"ctrl": pygame.KMOD_CTRL, "alt": pygame.KMOD_ALT, "shift": pygame.KMOD_SHIFT}


class NoDisplay(Exception):
    """There is no screen to show the kiosk on (the caller runs the headless demo)."""


def open_display(config: KioskConfig, windowed: bool) -> pygame.Surface:
    """The kiosk's window, or NoDisplay when SDL only found a headless driver."""
    # SIGTERM belongs to the ShutdownCoordinator, not SDL.
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    if config.display.sdl_driver:
        os.environ["SDL_VIDEODRIVER"] = config.display.sdl_driver
    try:
        pygame.display.init()
    except pygame.error as exc:
        raise NoDisplay(str(exc)) from exc
    driver = pygame.display.get_driver()
    if driver in HEADLESS_DRIVERS and config.display.sdl_driver not in HEADLESS_DRIVERS:
        pygame.display.quit()
        raise NoDisplay(f"SDL found only the {driver!r} video driver")
    fullscreen = config.display.fullscreen and not windowed
    flags = pygame.FULLSCREEN if fullscreen else 0
    surface = pygame.display.set_mode((config.display.width, config.display.height), flags)
    pygame.display.set_caption("마음약방")
    pygame.mouse.set_visible(not fullscreen)  # lockdown: no cursor on the kiosk
    pygame.display.set_allow_screensaver(False)  # the screen never blanks
    log.info(
        "display: %s %dx%d%s", driver, *surface.get_size(), " fullscreen" if fullscreen else ""
    )
    return surface


def exit_combo(config: KioskConfig) -> Callable[[pygame.event.Event], bool]:
    """The technician's way out: only this key combination leaves the kiosk."""
    names = [n.lower() for n in config.staff.technician_exit_combo]
    mods = [MODIFIERS[n] for n in names if n in MODIFIERS]
    keys = [pygame.key.key_code(n) for n in names if n not in MODIFIERS]

    def pressed(event: pygame.event.Event) -> bool:
        return (
            event.type == pygame.KEYDOWN
            and bool(keys)
            and event.key == keys[-1]
            and all(event.mod & m for m in mods)
        )

    return pressed


@dataclass
class Shell:
    runtime: Runtime
    surface: pygame.Surface
    windowed: bool
    notifier: Notifier
    shutdown: ShutdownCoordinator
    poll: Callable[[KioskSession, float], None] | None = None  # the machine, once per frame
    status: str = "serving visitors"  # systemd's status line once the first frame is up

    def run(self, clock: Callable[[], float] = time.monotonic) -> int:
        pace = pygame.time.Clock()
        is_exit = exit_combo(self.runtime.config)
        ready = False
        while not self.shutdown.requested:
            events = []
            for event in pygame.event.get():
                if is_exit(event):
                    self.shutdown.request("technician exit combination", TECHNICIAN_EXIT_STATUS)
                elif event.type == pygame.QUIT:
                    if self.windowed:  # lockdown: a full-screen kiosk ignores window closing
                        self.shutdown.request("window closed")
                else:
                    events.append(event)
            now = clock()
            if self.poll is not None:
                self.poll(self.runtime.session, now)
            if self.runtime.app.frame(self.surface, events, now):
                pygame.display.flip()
            if not ready:  # READY only once the first frame is on the screen
                self.notifier.ready()
                self.notifier.status(self.status)
                ready = True
            self.notifier.watchdog(now)  # only the frame loop feeds the watchdog
            pace.tick(FPS)
        return self.shutdown.exit_status
