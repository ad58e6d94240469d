"""Staff mode in the running app, as staff and visitors meet it: the service button and the
hidden corner press, the PIN, the paused visit, refills and slots taken out of use (in the
ledger and in what visitors can get), content reload, the machine check, the way back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

import pygame
import pytest

from hardware.dispenser import SimulatedDispenser
from hardware.sim_wiring import fall_through_beam, open_door
from hardware.simulator import SimulatedBoard
from kiosk.cabinet.alerts import AlertKind, AlertMonitor, alerts_for
from kiosk.cabinet.cabinet import build_cabinet
from kiosk.cabinet.ledger import Ledger
from kiosk.cabinet.link import CabinetLink, cabinet_link
from kiosk.reports.stats import day_bounds, summarize
from kiosk.shell.config import HardwareConfig, KioskConfig, Slot
from kiosk.shell.inbox import ServiceButtonPressed
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.staff.backend import CabinetBackend
from kiosk.staff.content import ContentKeeper
from kiosk.staff.events import StaffScreen
from kiosk.staff.jobs import InlineJobs
from kiosk.staff.mode import StaffMode
from kiosk.staff.pin import hash_pin, parse_pin_hash
from kiosk.staff.setup import build_staff_mode
from kiosk.ui.theme import panel
from kiosk.visit.flow import Screen
from prescriptions.errors import ContentIssue
from prescriptions.live import ReloadResult
from prescriptions.selection import Selector
from tests.kiosk.ui_support import bundled, fonts

PIN = "2468"
DAY = date(2026, 3, 2)
SIZE = (1280, 800)
SLOTS = (Slot(1, "candy", capacity=5), Slot(2, "tea", capacity=5), Slot(3, "vitamin", capacity=5))


@dataclass
class FakeFeed:
    """The content feed: a last result, and a reload that answers as told."""

    answer: ReloadResult
    last_result: ReloadResult | None = None
    initial_fault: str | None = None
    reloads: list[float] = field(default_factory=list)

    def reload_now(self) -> ReloadResult:
        self.reloads.append(1.0)
        self.last_result = self.answer
        return self.answer


@dataclass
class Kiosk:
    rt: Runtime
    ledger: Ledger
    feed: FakeFeed
    leds: list[bool]
    now: float = 0.0

    @property
    def app(self):  # type: ignore[no-untyped-def]
        return self.rt.app

    @property
    def staff(self) -> StaffMode:
        assert self.rt.app.staff is not None
        return self.rt.app.staff

    def wait(self, seconds: float) -> None:
        self.now += seconds
        self.app.frame(pygame.Surface(SIZE), [], self.now)

    def send(self, *events: pygame.event.Event) -> None:
        self.app.frame(pygame.Surface(SIZE), list(events), self.now)

    def press(self, name: str) -> None:
        self.now += 1.0
        self.app.press(name, self.now)

    def service_button(self) -> None:
        self.app.inbox.post(ServiceButtonPressed())
        self.send()

    def log_in(self, pin: str = PIN) -> None:
        for digit in pin:
            self.press(f"key:{digit}")
        self.press("ok")
        self.wait(0.1)  # the PIN check's answer, collected by the next frame

    def buttons(self) -> set[str]:
        page = self.app.staff_page if self.app.staff_on else self.app.page
        return {b.name for b in page.buttons}


def _kiosk(tmp_path: Path, pin_hash: str | None) -> Kiosk:
    config = replace(
        KioskConfig(hardware=HardwareConfig(slots=SLOTS)),
        display=panel(*SIZE),
        data_dir=tmp_path,
    )
    # The ledger's clock says it is 10:30 on DAY, the staff screens' "today".
    ledger = Ledger(
        tmp_path / "ledger.sqlite3", now=lambda: datetime.combine(DAY, time(10, 30)).astimezone()
    )
    ledger.sync_slots(SLOTS, fill_new=True)
    rt = build_runtime(
        config,
        0.0,
        dispenser=SimulatedDispenser(),
        stock=ledger,
        stats=ledger,
        seed=1,
        fonts=fonts(),
        content=bundled(),
    )
    feed = FakeFeed(ReloadResult(True, (), tmp_path))
    leds: list[bool] = []
    monitor = AlertMonitor(lambda: alerts_for(ledger.slots(), None), leds.append)
    backend = CabinetBackend(
        ledger=ledger,
        cabinet=None,
        dispensing_fault=lambda: None,
        content=ContentKeeper(feed, lambda: rt.session.content),
        monitor=monitor,
        simulated=True,
    )
    stored = parse_pin_hash(pin_hash) if pin_hash else None
    rt.app.staff = StaffMode(backend, InlineJobs(), stored, today=lambda: DAY)
    return Kiosk(rt, ledger, feed, leds)


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    built = _kiosk(tmp_path, hash_pin(PIN, iterations=1000))
    built.wait(0.0)
    yield built
    built.ledger.close()


def visit_to_symptom(k: Kiosk) -> None:
    k.press("start")
    k.wait(1.0)
    assert k.rt.session.state.screen is Screen.SYMPTOM


# --- getting in and out --------------------------------------------------------------------------


def test_the_service_button_shows_the_pin_keypad_and_the_visit_waits(kiosk: Kiosk) -> None:
    visit_to_symptom(kiosk)
    kiosk.service_button()
    assert kiosk.staff.state.screen is StaffScreen.PIN
    kiosk.wait(40.0)  # longer than the visit's inactivity timeout
    assert kiosk.rt.session.state.screen is Screen.SYMPTOM
    assert not kiosk.rt.session.state.prompting
    kiosk.log_in()
    assert kiosk.staff.state.screen is StaffScreen.OVERVIEW
    assert {"slot:1", "slot:2", "slot:3", "exit"} <= kiosk.buttons()


def test_leaving_staff_mode_returns_to_attract_and_counts_the_visit_as_abandoned(
    kiosk: Kiosk,
) -> None:
    visit_to_symptom(kiosk)
    kiosk.service_button()
    kiosk.log_in()
    kiosk.press("exit")
    assert not kiosk.app.staff_on
    assert kiosk.rt.session.state.screen is Screen.ATTRACT
    assert "start" in kiosk.buttons()
    totals = summarize(kiosk.ledger.counts(*day_bounds(DAY, DAY)))
    assert totals.by_key("visit_abandoned") == {"symptom": 1}


def test_cancelling_the_pin_gives_the_visitor_their_screen_back(kiosk: Kiosk) -> None:
    visit_to_symptom(kiosk)
    kiosk.service_button()
    kiosk.wait(30.0)
    kiosk.press("cancel")
    assert not kiosk.app.staff_on
    assert kiosk.rt.session.state.screen is Screen.SYMPTOM
    kiosk.wait(5.0)
    assert not kiosk.rt.session.state.prompting  # not asked "more time?" at once


def test_help_on_the_pin_keypad_shows_the_help_lines_then_the_visit_goes_on(
    kiosk: Kiosk,
) -> None:
    visit_to_symptom(kiosk)
    kiosk.service_button()
    kiosk.press("key:1")
    kiosk.press("help")
    assert not kiosk.app.staff_on
    assert kiosk.rt.session.state.screen is Screen.HELP
    kiosk.press("close")
    assert kiosk.rt.session.state.screen is Screen.SYMPTOM
    kiosk.service_button()
    assert kiosk.staff.state.digits == "", "nothing typed is kept"


def test_help_on_a_staff_screen_ends_staff_mode_for_the_help_lines(kiosk: Kiosk) -> None:
    visit_to_symptom(kiosk)
    kiosk.service_button()
    kiosk.log_in()
    kiosk.press("slot:1")
    kiosk.press("help")
    assert not kiosk.app.staff_on
    assert kiosk.rt.session.state.screen is Screen.HELP
    kiosk.press("close")
    assert kiosk.rt.session.state.screen is Screen.ATTRACT  # the paused visit is over
    kiosk.service_button()
    assert kiosk.staff.state.screen is StaffScreen.PIN, "staff screens need the PIN again"


def test_the_help_key_on_the_keypad_works_on_the_pin_screen_too(kiosk: Kiosk) -> None:
    kiosk.service_button()
    kiosk.send(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_h, mod=0, unicode="h", scancode=0))
    assert not kiosk.app.staff_on
    assert kiosk.rt.session.state.screen is Screen.HELP


def test_a_forgotten_staff_screen_closes_by_itself(kiosk: Kiosk) -> None:
    kiosk.service_button()
    kiosk.log_in()
    kiosk.wait(179.0)
    assert kiosk.app.staff_on
    kiosk.wait(2.0)
    assert not kiosk.app.staff_on
    assert kiosk.rt.session.state.screen is Screen.ATTRACT


def test_a_wrong_pin_keeps_the_keypad(kiosk: Kiosk) -> None:
    kiosk.service_button()
    kiosk.log_in("1111")
    assert kiosk.staff.state.screen is StaffScreen.PIN and kiosk.staff.state.wrong


def test_staff_mode_is_off_without_a_pin(tmp_path: Path) -> None:
    k = _kiosk(tmp_path, None)
    k.wait(0.0)
    k.service_button()
    assert not k.app.staff_on
    k.ledger.close()


def finger(kind: int, pos: tuple[int, int]) -> pygame.event.Event:
    return pygame.event.Event(kind, x=pos[0] / SIZE[0], y=pos[1] / SIZE[1], finger_id=0, touch_id=1)


def test_a_long_press_in_the_top_left_corner_opens_the_keypad(kiosk: Kiosk) -> None:
    corner = (20, 20)  # on the PIN screen, the cancel button is right here
    kiosk.send(finger(pygame.FINGERDOWN, corner))
    kiosk.wait(2.9)
    assert not kiosk.app.staff_on
    kiosk.wait(0.2)
    assert kiosk.staff.state.screen is StaffScreen.PIN
    kiosk.wait(1.0)
    kiosk.send(finger(pygame.FINGERUP, corner))
    # The release of that long press is not a tap on the cancel button under the finger.
    assert kiosk.staff.state.screen is StaffScreen.PIN


def test_a_short_press_in_the_corner_is_an_ordinary_tap(kiosk: Kiosk) -> None:
    corner = (20, 20)
    kiosk.send(finger(pygame.FINGERDOWN, corner))
    kiosk.wait(1.0)
    kiosk.send(finger(pygame.FINGERUP, corner))
    kiosk.wait(5.0)
    assert not kiosk.app.staff_on


def test_a_press_that_slides_out_of_the_corner_opens_nothing(kiosk: Kiosk) -> None:
    kiosk.send(finger(pygame.FINGERDOWN, (20, 20)))
    kiosk.send(finger(pygame.FINGERMOTION, (400, 300)))
    kiosk.wait(4.0)
    assert not kiosk.app.staff_on


def test_a_usb_keyboard_can_type_the_pin_and_enter_it(kiosk: Kiosk) -> None:
    kiosk.service_button()
    for digit in PIN:
        kiosk.send(
            pygame.event.Event(pygame.KEYDOWN, key=ord(digit), mod=0, unicode=digit, scancode=0)
        )
    kiosk.send(
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r", scancode=0)
    )
    kiosk.wait(0.1)
    assert kiosk.staff.state.screen is StaffScreen.OVERVIEW


# --- slots ---------------------------------------------------------------------------------------


def open_slot(k: Kiosk, number: int) -> None:
    k.service_button()
    k.log_in()
    k.press(f"slot:{number}")
    assert k.staff.state.screen is StaffScreen.SLOT


def test_refill_to_a_count_and_to_full_changes_the_ledger(kiosk: Kiosk) -> None:
    open_slot(kiosk, 2)
    for _ in range(3):
        kiosk.press("minus")
    kiosk.press("save")
    kiosk.wait(0.1)
    assert kiosk.ledger.slot(2).count == 2
    assert [(r.slot, r.count_before, r.count_after) for r in kiosk.ledger.refills()] == [(2, 5, 2)]
    kiosk.press("fill")
    kiosk.wait(0.1)
    assert kiosk.ledger.slot(2).count == 5
    page_text = " ".join(b.source for b in kiosk.app.staff_page.text_blocks())
    assert "5" in page_text and kiosk.staff.state.notice is not None


def chosen_slots(k: Kiosk, draws: int = 60) -> set[int | None]:
    """The slots the real selection gives visitors, over every symptom, many times."""
    import random

    from prescriptions.history import MemoryHistory
    from prescriptions.model import Intensity

    content = bundled()
    selector = Selector(content, MemoryHistory(0), random.Random(3))
    found: set[int | None] = set()
    for i in range(draws):
        symptom = content.symptoms[i % len(content.symptoms)].id
        found.add(selector.choose(symptom, Intensity.LOW, k.ledger.stocked_slots()).slot)
    return found


def test_a_disabled_slot_is_never_offered_and_lights_the_attention_led(kiosk: Kiosk) -> None:
    assert 2 in chosen_slots(kiosk)
    open_slot(kiosk, 2)
    kiosk.press("disable")
    kiosk.wait(0.1)
    assert not kiosk.ledger.slot(2).enabled
    assert 2 not in chosen_slots(kiosk)
    assert kiosk.leds[-1] is True
    assert [a.kind for a in kiosk.staff.snapshot.alerts] == [AlertKind.DISABLED]
    kiosk.press("enable")
    kiosk.wait(0.1)
    assert kiosk.ledger.slot(2).enabled and 2 in chosen_slots(kiosk)
    assert kiosk.leds[-1] is False


def test_refill_from_the_slot_screen_brings_an_empty_slot_back(kiosk: Kiosk) -> None:
    kiosk.ledger.refill(3, 0)
    assert 3 not in chosen_slots(kiosk)
    open_slot(kiosk, 3)
    kiosk.press("fill")
    kiosk.wait(0.1)
    assert 3 in chosen_slots(kiosk)


def test_the_overview_lists_low_stock(kiosk: Kiosk) -> None:
    kiosk.ledger.refill(1, 1)  # at or under low_stock (2)
    kiosk.service_button()
    kiosk.log_in()
    assert [(a.kind, a.slot) for a in kiosk.staff.snapshot.alerts] == [(AlertKind.LOW, 1)]
    assert kiosk.leds[-1] is True


# --- content and statistics ----------------------------------------------------------------------


def test_content_reload_from_the_content_screen(kiosk: Kiosk) -> None:
    kiosk.service_button()
    kiosk.log_in()
    kiosk.press("content")
    kiosk.press("reload")
    kiosk.wait(0.1)
    assert kiosk.feed.reloads
    assert kiosk.staff.state.notice is not None
    assert kiosk.staff.state.notice.kind.value == "reloaded"
    assert kiosk.staff.snapshot.content.ok and kiosk.staff.snapshot.content.checked


def test_a_refused_reload_says_so_and_names_the_first_problem(kiosk: Kiosk) -> None:
    issue = ContentIssue("symptoms.toml", 3, "x", "문제", "problem")
    kiosk.feed.answer = ReloadResult(False, (issue,), Path("."))
    kiosk.service_button()
    kiosk.log_in()
    kiosk.press("content")
    kiosk.press("reload")
    kiosk.wait(0.1)
    status = kiosk.staff.snapshot.content
    assert not status.ok and status.issues == 1 and status.first_issue == issue
    said = " ".join(b.source for b in kiosk.app.staff_page.text_blocks())
    assert "symptoms.toml:3" in said


def test_todays_statistics_come_from_the_ledger(kiosk: Kiosk) -> None:
    visit_to_symptom(kiosk)
    kiosk.press("home")
    kiosk.service_button()
    kiosk.log_in()
    kiosk.press("stats")
    today = kiosk.staff.snapshot.today
    assert today.total("visit_started") == 1
    assert today.by_key("visit_abandoned") == {"symptom": 1}


# --- the machine check, on the simulated machine -------------------------------------------------


@pytest.fixture
def machine_kiosk(tmp_path: Path) -> Iterator[tuple[Kiosk, CabinetLink]]:
    config = replace(
        KioskConfig(hardware=HardwareConfig(slots=SLOTS[:2], drop_grace=0.1)),
        display=panel(*SIZE),
        data_dir=tmp_path,
        staff=replace(KioskConfig().staff, pin_hash=hash_pin(PIN, iterations=1000)),
    )
    board = SimulatedBoard(slots=2, revolution_s=0.01, stall_timeout_s=0.05, boot_s=0.0)
    machine = build_cabinet(config, sim_board=board, board_retry_s=None)
    handle = cabinet_link(machine, _history())
    rt = build_runtime(config, 0.0, dispenser=handle.dispenser, stock=machine,
                       stats=machine.ledger, seed=1, fonts=fonts(), content=bundled())  # fmt: skip
    feed = FakeFeed(ReloadResult(True, (), tmp_path))
    rt.app.staff = build_staff_mode(config, handle, rt.session, feed, simulated=True,
                                    jobs=InlineJobs(), now=0.0)  # fmt: skip
    k = Kiosk(rt, machine.ledger, feed, [])
    k.wait(0.0)
    yield k, handle
    machine.close()


def _history():  # type: ignore[no-untyped-def]
    from prescriptions.history import MemoryHistory

    return MemoryHistory(0)


def test_the_machine_check_sees_the_door_and_a_hand_in_the_chute(
    machine_kiosk: tuple[Kiosk, CabinetLink],
) -> None:
    k, handle = machine_kiosk
    assert handle.cabinet is not None and handle.cabinet.io is not None
    k.service_button()
    k.log_in()
    k.press("hardware")
    k.wait(0.3)
    assert k.staff.live.door_closed is True and k.staff.live.dispensing_fault is None
    open_door(handle.cabinet.io)
    k.wait(0.3)
    assert k.staff.live.door_closed is False
    k.press("check-board")
    k.wait(0.1)
    assert k.staff.state.notice is not None and k.staff.state.notice.kind.value == "board_ok"
    k.press("drop-test")
    k.wait(5.0)
    assert k.staff.state.drop_test_until is not None  # still waiting for a hand
    fall_through_beam(handle.cabinet.io)
    k.wait(0.3)
    assert k.staff.state.notice is not None and k.staff.state.notice.kind.value == "drop_seen"


def test_a_drop_test_with_no_hand_says_nothing_was_seen(
    machine_kiosk: tuple[Kiosk, CabinetLink],
) -> None:
    k, _ = machine_kiosk
    k.service_button()
    k.log_in()
    k.press("hardware")
    k.press("drop-test")
    k.wait(21.0)
    assert k.staff.state.notice is not None
    assert k.staff.state.notice.kind.value == "drop_not_seen"


def test_the_attention_led_follows_low_stock_after_a_vend(
    machine_kiosk: tuple[Kiosk, CabinetLink],
) -> None:
    _, handle = machine_kiosk
    assert handle.cabinet is not None and handle.cabinet.io is not None
    handle.cabinet.ledger.refill(1, 3)  # one vend from low (low_stock 2)
    handle.monitor.check()  # type: ignore[union-attr]
    assert not handle.cabinet.io.attention_led.is_lit
    handle.dispenser.vend(1)
    assert handle.cabinet.io.attention_led.is_lit


def test_the_service_button_inside_the_cabinet_reaches_the_ui(
    machine_kiosk: tuple[Kiosk, CabinetLink],
) -> None:
    k, handle = machine_kiosk
    assert handle.cabinet is not None and handle.cabinet.io is not None
    io = handle.cabinet.io
    handle.attach(k.app.inbox.post)
    pin = io.pin_factory.pin(io.service_button.pin)
    pin.drive_low()  # pressed (gpiozero calls back on its own thread)
    pin.drive_high()
    k.send()
    assert k.staff.state.screen is StaffScreen.PIN


def test_staff_getting_past_the_pin_answers_a_visitors_call(kiosk: Kiosk) -> None:
    told: list[bool] = []
    kiosk.rt.session.call_person = told.append  # the cabinet's LED, as the assembly wires it
    kiosk.press("help")
    kiosk.press("call-person")
    assert told == [True]
    kiosk.service_button()
    assert told == [True]  # the PIN keypad alone is not yet a member of staff
    kiosk.log_in()
    assert told == [True, False]
