"""The real kiosk on a real display: the frame loop, lockdown, systemd and a clean stop.

The loop never blocks: input, inbox events and timeouts are handled, the page is drawn only if
something changed, and the loop then sleeps (`kiosk.shell.wait`) until the next input, inbox
event or deadline: its only wait.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from kiosk.shell.config import KioskConfig
from kiosk.shell.runtime import Runtime
from kiosk.shell.shutdown import TECHNICIAN_EXIT_STATUS, ShutdownCoordinator
from kiosk.shell.systemd import Notifier
from kiosk.shell.wait import Sleep

log = logging.getLogger(__name__)

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
    """The frame loop: take input and inbox events, draw if anything changed, then sleep until
    the next input, inbox event or deadline (a timeout, the countdown, an animation frame, the
    watchdog). Nothing is polled while nothing happens."""

    runtime: Runtime
    surface: pygame.Surface
    windowed: bool
    notifier: Notifier
    shutdown: ShutdownCoordinator
    sleeper: Sleep
    # What starts once the first frame is on the screen (the hardware, the content checks):
    # before it, it would only compete with the first frame for the interpreter.
    after_first_frame: Callable[[], None] = lambda: None

    def run(self, clock: Callable[[], float] = time.monotonic) -> int:
        is_exit = exit_combo(self.runtime.config)
        app = self.runtime.app
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
            if app.frame(self.surface, events, now):
                if app.flip_rects:  # an animation frame: only its own area goes out
                    pygame.display.update(app.flip_rects)
                else:
                    pygame.display.flip()
                app.flipped(time.perf_counter())
            if not ready:  # READY only once the first frame is on the screen
                self.notifier.ready()
                fault = self.runtime.session.state.service_fault
                self.notifier.status(f"OUT OF SERVICE: {fault}" if fault else "serving visitors")
                ready = True
                self.after_first_frame()
            self.notifier.watchdog(now)  # only the frame loop feeds the watchdog
            self._sleep(clock)
        return self.shutdown.exit_status

    def _sleep(self, clock: Callable[[], float]) -> None:
        now = clock()
        due = (self.runtime.app.next_deadline(now), self.notifier.next_watchdog())
        wake_at = min((d for d in due if d is not None), default=None)
        if self.shutdown.requested or pygame.event.peek():
            return  # input arrived while drawing: no sleep
        self.sleeper.sleep(None if wake_at is None else max(0.0, wake_at - now))
