"""The real frame loop: READY after the first frame, the watchdog fed only by the loop,
lockdown (no way out but the technician's keys), and a clean stop."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pygame

from hardware.dispenser import SimulatedDispenser
from kiosk.shell.config import KioskConfig
from kiosk.shell.loop import Shell
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.shell.shutdown import TECHNICIAN_EXIT_STATUS, ShutdownCoordinator
from kiosk.ui.theme import panel
from tests.kiosk.ui_support import bundled, fonts


@dataclass
class FakeNotifier:
    runtime: Runtime | None = None
    log: list[str] = field(default_factory=list)

    def ready(self) -> None:
        drawn = self.runtime.app.frames_drawn if self.runtime else 0
        self.log.append(f"READY after {drawn} frame(s)")

    def status(self, text: str) -> None:
        self.log.append(f"STATUS {text}")

    def watchdog(self, now: float) -> bool:
        self.log.append("WATCHDOG")
        return True

    def next_watchdog(self) -> float | None:
        return None


def kiosk() -> tuple[Runtime, pygame.Surface]:
    pygame.display.init()
    surface = pygame.display.set_mode((800, 480))
    config = replace(KioskConfig(), display=panel(800, 480))
    rt = build_runtime(
        config, 0.0, dispenser=SimulatedDispenser(), fonts=fonts(), content=bundled()
    )
    return rt, surface


@dataclass
class CountingSleep:
    """Stands in for the loop's sleep: each call ends one turn of the loop; it feeds events
    in after the first turn and stops the kiosk after `turns`."""

    shutdown: ShutdownCoordinator
    turns: int
    events: list[pygame.event.Event]
    timeouts: list[float | None] = field(default_factory=list)

    def sleep(self, timeout: float | None) -> None:
        self.timeouts.append(timeout)
        if len(self.timeouts) == 1:
            for event in self.events:
                pygame.event.post(event)
        if len(self.timeouts) >= self.turns:
            self.shutdown.request("test over")


def run_frames(
    rt: Runtime,
    surface: pygame.Surface,
    windowed: bool,
    frames: int,
    events: list[pygame.event.Event] | None = None,
) -> tuple[int, FakeNotifier, int]:
    notifier = FakeNotifier(rt)
    shutdown = ShutdownCoordinator(signals=())
    sleeper = CountingSleep(shutdown, frames, events or [])
    ticks = iter(range(10_000))
    shell = Shell(rt, surface, windowed, notifier, shutdown, sleeper)
    status = shell.run(clock=lambda: float(next(ticks)))
    return status, notifier, len(sleeper.timeouts) + (1 if status else 0)


def test_ready_comes_after_the_first_frame_and_the_loop_feeds_the_watchdog() -> None:
    rt, surface = kiosk()
    status, notifier, frames = run_frames(rt, surface, windowed=False, frames=5)
    assert status == 0
    assert notifier.log[0] == "READY after 1 frame(s)"
    assert notifier.log.count("READY after 1 frame(s)") == 1
    assert notifier.log.count("WATCHDOG") == frames


def test_a_full_screen_kiosk_ignores_window_close_and_alt_f4() -> None:
    rt, surface = kiosk()
    quit_events = [
        pygame.event.Event(pygame.QUIT),
        pygame.event.Event(
            pygame.KEYDOWN, key=pygame.K_F4, mod=pygame.KMOD_ALT, unicode="", scancode=0
        ),
    ]
    status, _, frames = run_frames(rt, surface, windowed=False, frames=6, events=quit_events)
    assert frames == 6 and status == 0  # it ran on until the test stopped it


def test_only_the_technician_combination_leaves_the_kiosk() -> None:
    rt, surface = kiosk()
    combo = pygame.event.Event(
        pygame.KEYDOWN,
        key=pygame.K_q,
        unicode="q",
        scancode=0,
        mod=pygame.KMOD_CTRL | pygame.KMOD_ALT | pygame.KMOD_SHIFT,
    )
    status, _, frames = run_frames(rt, surface, windowed=False, frames=50, events=[combo])
    assert status == TECHNICIAN_EXIT_STATUS and frames < 50
