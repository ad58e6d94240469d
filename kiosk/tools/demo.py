"""The scripted visit: drives the real app headless and writes one PNG per screen.

Used by `python main.py demo`, by `make run` on a cabinet without a display, and by tests.
Time is scripted too (a fake monotonic clock), so the pictures are the same every run.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from hardware.dispenser import Dispenser, SimulatedDispenser, VendOutcome
from kiosk.cabinet.link import CabinetLink
from kiosk.shell.config import KioskConfig
from kiosk.shell.errors import KioskError
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.tools.demo_voice import VoiceShots
from kiosk.ui.fonts import FontBook
from kiosk.ui.theme import PANELS, panel
from kiosk.visit.flow import Access, Mode, Screen

if TYPE_CHECKING:  # python-escpos and Pillow: only for `demo --printer`
    from kiosk.tools.demo_printer import DemoPrinter

log = logging.getLogger(__name__)

RESOLUTIONS: tuple[tuple[int, int], ...] = tuple(PANELS)
# The demo's wall clock (the slip's date, the places' opening hours): a Monday afternoon, so
# the pictures are the same on every run.
DEMO_WALL = datetime(2026, 11, 30, 14, 0)


@dataclass
class Shot:
    name: str
    path: Path
    screen: Screen


class DemoBlocked(KioskError):
    """The kiosk came up out of service (no content, say), so no visit could be scripted.
    `shots` are the screens it could still show: out of service, and help."""

    def __init__(self, reason: str, shots: list[Shot]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.shots = shots


class Director:
    """Presses buttons like a visitor and takes pictures, on a scripted clock."""

    def __init__(
        self,
        runtime: Runtime,
        surface: pygame.Surface,
        out: Path,
        prefix: str,
        gate: threading.Event | None,
    ) -> None:
        self.rt = runtime
        self.surface = surface
        self.out = out
        self.prefix = prefix
        self.now = 0.0
        self.gate = gate
        self.shots: list[Shot] = []
        self.quiet = False  # after the first visit of a soak run: no more pictures
        self.printer: DemoPrinter | None = None  # `demo --printer`: slips come out
        self.voice: VoiceShots | None = None  # with voice guidance: .txt and .wav per shot

    def wait(self, seconds: float) -> None:
        self.now += seconds
        self.rt.app.tick(self.now)

    def press(self, name: str) -> None:
        self.now += 1.0
        self.rt.app.take_inbox(self.now)  # what the cabinet reported meanwhile
        try:
            self.rt.app.press(name, self.now)
        except KeyError as exc:
            state = self.rt.session.state
            names = [b.name for b in self.rt.app.page.buttons]
            raise KeyError(f"no button {name!r} on {state.screen.value} (has {names})") from exc

    def finish_vend(self) -> None:
        if self.gate is not None:
            self.gate.set()
        self.rt.worker.join(timeout=30)
        if self.printer is not None:
            self.printer.settle(self)
        self.wait(0.1)

    def shoot(self, name: str) -> None:
        if self.quiet:
            return
        app = self.rt.app
        app.refresh(self.now)
        app.draw(self.surface)
        path = self.out / f"{self.prefix}{len(self.shots) + 1:02d}-{name}.png"
        pygame.image.save(self.surface, str(path))
        self.shots.append(Shot(name, path, self.rt.session.state.screen))
        if self.voice is not None:
            self.voice.write(path, app.voice.here)


def visit_script(d: Director, lang: str) -> Iterator[None]:
    """One whole visit, with a look at help, the prompt and an honest failure on the way."""
    d.shoot("attract")
    yield
    if lang != "ko":
        d.press(f"lang:{lang}")
    d.press("start")
    d.shoot("symptom")
    first = next(b.name for b in d.rt.app.page.buttons if b.name.startswith("symptom:"))
    d.press(first)
    d.shoot("mood")
    yield
    for answer in ("answer:3", "answer:3", "answer:2"):
        d.press(answer)
    d.shoot("prescription")
    d.press("help")
    d.shoot("help")
    d.press("close")
    d.wait(d.rt.config.timeouts.inactivity + 0.5)
    d.shoot("more-time")
    d.press("more-time")
    d.press("continue")
    d.wait(0.5)
    d.shoot("dispensing")
    d.finish_vend()
    d.shoot("take-item")
    yield
    d.press("continue")
    d.shoot("info")
    if any(b.name == "places" for b in d.rt.app.page.buttons):
        d.press("places")
        d.shoot("info-places")
    d.press("continue")
    d.shoot("goodbye")
    d.wait(d.rt.config.timeouts.goodbye + 0.5)
    yield


def failure_script(d: Director, lang: str) -> Iterator[None]:
    """A visit whose item cannot come out: the visitor keeps the prescription, kindly told."""
    if lang != "ko":
        d.press(f"lang:{lang}")
    d.press("start")
    d.press(next(b.name for b in d.rt.app.page.buttons if b.name.startswith("symptom:")))
    d.press("skip")
    d.press("continue")
    d.finish_vend()
    d.shoot("take-item-motor-fault")
    d.press("home")
    d.rt.session.set_service_fault("demo: out of service", d.now)
    d.shoot("out-of-service")
    d.rt.session.set_service_fault(None, d.now)
    yield


def out_of_service_script(d: Director, lang: str) -> Iterator[None]:
    """What a kiosk that cannot serve visits still shows: its out-of-service screen and help."""
    if lang != "ko" and any(b.name == f"lang:{lang}" for b in d.rt.app.page.buttons):
        d.press(f"lang:{lang}")
    d.shoot("out-of-service")
    d.press("help")
    d.shoot("help")
    d.press("close")
    yield


def run_demo(
    config: KioskConfig,
    out: Path,
    *,
    lang: str = "ko",
    resolutions: tuple[tuple[int, int], ...] | None = None,
    visits: int = 1,
    cabinet: CabinetLink | None = None,
    fonts: FontBook | None = None,
    printer: DemoPrinter | None = None,
    access: Access | None = None,
) -> list[Shot]:
    """Run the scripted visits and write the PNGs into `out`; returns what was written.
    DemoBlocked (with the pictures it could take) when the kiosk is out of service.
    `printer`: the visits print their slips on it (`demo --printer`).
    `access`: the modes every visit starts with; with voice, each PNG gets what is said there
    beside it (`.txt` and `.wav`)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    pygame.init()
    out.mkdir(parents=True, exist_ok=True)
    fonts = fonts or FontBook()
    shots: list[Shot] = []
    blocked: str | None = None
    sizes = resolutions or ((config.display.width, config.display.height),)
    modes = access or Access()
    voice = VoiceShots(config) if Mode.VOICE in modes else None
    for width, height in sizes:
        display = (
            panel(width, height)
            if (width, height) in PANELS
            else replace(config.display, width=width, height=height)
        )
        sized = replace(config, display=display)
        surface = pygame.Surface((width, height))
        prefix = f"{width}x{height}-{lang}-" if len(sizes) > 1 else f"{lang}-"
        try:
            shots += _one_size(
                sized, surface, out, prefix, lang, visits, cabinet, fonts, printer, modes, voice
            )
        except DemoBlocked as exc:  # the other sizes still get their pictures
            shots += exc.shots
            blocked = exc.reason
    if blocked is not None:
        raise DemoBlocked(blocked, shots)
    return shots


def _one_size(
    config: KioskConfig,
    surface: pygame.Surface,
    out: Path,
    prefix: str,
    lang: str,
    visits: int,
    cabinet: CabinetLink | None,
    fonts: FontBook,
    printer: DemoPrinter | None = None,
    access: Access | None = None,
    voice: VoiceShots | None = None,
) -> list[Shot]:
    """With a cabinet (`--port`), vends go to that board; else to an in-process one."""
    gate = threading.Event() if cabinet is None else None
    dispenser: Dispenser = SimulatedDispenser(wait=gate) if cabinet is None else cabinet.dispenser
    rt = build_runtime(
        config,
        0.0,
        dispenser=dispenser,
        seed=7,
        fonts=fonts,
        stock=cabinet.stock if cabinet else None,
        stats=cabinet.stats if cabinet else None,
        history=cabinet.history if cabinet else None,
        chute_off=cabinet.chute_off if cabinet else lambda: None,
        wall=lambda: DEMO_WALL,
    )
    try:
        if cabinet is not None:
            cabinet.attach(rt.inbox.post)
        if access:  # the machine's default modes: every visit of the script starts with them
            state = rt.session.state
            rt.session.state = replace(state, access=access, default_access=access)
        d = Director(rt, surface, out, prefix, gate)
        if printer is not None:
            printer.attach(rt)
            d.printer = printer
        d.voice = voice
        if rt.session.state.screen is Screen.OUT_OF_SERVICE:
            for _ in out_of_service_script(d, lang):
                pass
            raise DemoBlocked(rt.content_fault or "out of service", d.shots)
        for n in range(visits):
            d.quiet = n > 0
            if gate is not None:
                gate.clear()
            for _ in visit_script(d, lang):
                pass
        d.quiet = False
        if isinstance(dispenser, SimulatedDispenser):
            dispenser.script.append(VendOutcome.MOTOR_FAULT)
            if gate is not None:
                gate.set()
            for _ in failure_script(d, lang):
                pass
        if printer is not None:
            from kiosk.tools.demo_printer import printer_fault_script

            for _ in printer_fault_script(d, lang, printer):
                pass
        return d.shots
    finally:
        if printer is not None:
            printer.detach()
        if gate is not None:
            gate.set()
        rt.worker.join(timeout=30)
        if cabinet is None:
            rt.close()
