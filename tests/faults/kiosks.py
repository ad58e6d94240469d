"""A kiosk with staff mode as `run` assembles it (`build_staff_mode` over a configuration with
a data folder and a PIN), on a scripted monotonic clock and boot id: "restarting" it is
building another one over the same data folder."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pygame

from hardware.dispenser import SimulatedDispenser
from kiosk.cabinet.link import CabinetLink, NoStock
from kiosk.shell.config import KioskConfig
from kiosk.shell.inbox import ServiceButtonPressed
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.staff.jobs import InlineJobs
from kiosk.staff.mode import StaffMode
from kiosk.staff.pin import hash_pin
from kiosk.staff.setup import build_staff_mode
from kiosk.ui.scene import TextBlock
from kiosk.ui.theme import panel
from kiosk.visit.session import NoStats
from prescriptions.history import MemoryHistory
from prescriptions.live import ReloadResult
from tests.kiosk.ui_support import bundled, fonts

PIN = "2468"
SIZE = (1280, 800)


@dataclass
class StillFeed:
    """The content feed as staff mode sees it: nothing new."""

    answer: ReloadResult
    last_result: ReloadResult | None = None
    initial_fault: str | None = None

    def reload_now(self) -> ReloadResult:
        return self.answer


@dataclass
class StaffKiosk:
    rt: Runtime
    now: float

    @property
    def app(self):  # type: ignore[no-untyped-def]
        return self.rt.app

    @property
    def staff(self) -> StaffMode:
        assert self.rt.app.staff is not None
        return self.rt.app.staff

    def frame(self, events: list[pygame.event.Event] | None = None) -> None:
        self.app.frame(pygame.Surface(SIZE), events or [], self.now)

    def wait(self, seconds: float) -> None:
        self.now += seconds
        self.frame()

    def press(self, name: str) -> None:
        self.now += 1.0
        self.app.press(name, self.now)
        self.frame()

    def service_button(self) -> None:
        self.app.inbox.post(ServiceButtonPressed())
        self.frame()

    def log_in(self, pin: str = PIN) -> None:
        for digit in pin:
            self.press(f"key:{digit}")
        self.press("ok")
        self.wait(0.1)  # the PIN check's answer, collected by the next frame

    def type_digits(self, digits: str) -> None:
        """Digits on a USB keyboard (they go to the keypad whatever it shows)."""
        keys = [
            pygame.event.Event(pygame.KEYDOWN, key=ord(d), mod=0, unicode=d, scancode=0)
            for d in digits
        ]
        self.frame(keys)

    def buttons(self) -> set[str]:
        page = self.app.staff_page if self.app.staff_on else self.app.page
        return {b.name for b in page.buttons}

    def said(self) -> str:
        page = self.app.staff_page if self.app.staff_on else self.app.page
        return " ".join(b.source for b in page.text_blocks() if isinstance(b, TextBlock))

    def close(self) -> None:
        """A clean stop, as the shutdown coordinator does it."""
        self.staff.close()
        self.rt.close()


def staff_kiosk(data: Path, *, now: float, boot: str) -> StaffKiosk:
    config = replace(
        KioskConfig(),
        display=panel(*SIZE),
        data_dir=data,
        staff=replace(KioskConfig().staff, pin_hash=hash_pin(PIN, iterations=1000)),
    )
    data.mkdir(parents=True, exist_ok=True)
    rt = build_runtime(
        config, now, dispenser=SimulatedDispenser(), seed=1, fonts=fonts(), content=bundled()
    )
    handle = CabinetLink(rt.dispenser, NoStock(), NoStats(), MemoryHistory(0))
    feed = StillFeed(ReloadResult(True, (), data))
    rt.app.staff = build_staff_mode(
        config, handle, rt.session, feed, jobs=InlineJobs(), now=now, boot_id=boot
    )
    kiosk = StaffKiosk(rt, now)
    kiosk.frame()
    return kiosk
