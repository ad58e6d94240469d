""" "직원 불러 주세요": a visitor on the help screen asks for a person. The cabinet's attention
LED lights and the staff overview says so; the screen says a person has been asked, with the
help lines right there; the call ends when staff get past the PIN or after a set time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pygame
import pytest

from hardware.simulator import SimulatedBoard
from kiosk.cabinet.alerts import AlertKind
from kiosk.cabinet.cabinet import Cabinet, build_cabinet
from kiosk.cabinet.link import CabinetLink, cabinet_link
from kiosk.cabinet.stock_text import alert_line
from kiosk.shell.config import HardwareConfig, KioskConfig, Slot, StaffConfig
from kiosk.shell.errors import ConfigError
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.ui.i18n import Texts
from kiosk.ui.theme import panel
from kiosk.visit.flow import CallPerson, OpenHelp, Screen, Start
from prescriptions.history import MemoryHistory
from tests.kiosk.ui_support import bundled, fonts, page_for, states, translations

CLEAR_S = 600.0


@dataclass
class Site:
    cabinet: Cabinet
    link: CabinetLink
    rt: Runtime
    now: float = 0.0

    @property
    def led(self) -> bool:
        assert self.cabinet.io is not None
        return self.cabinet.io.attention_led.is_lit

    @property
    def alerts(self) -> set[AlertKind]:
        assert self.link.monitor is not None
        return {a.kind for a in self.link.monitor.current}

    def press(self, name: str) -> None:
        self.now += 1.0
        self.rt.app.press(name, self.now)

    def wait(self, seconds: float) -> None:
        self.now += seconds
        self.rt.app.frame(pygame.Surface((1280, 800)), [], self.now)

    def texts(self) -> list[str]:
        self.rt.app.refresh(self.now)
        return [b.source for b in self.rt.app.page.text_blocks()]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    slots = (Slot(1, "candy", capacity=5), Slot(2, "tea", capacity=5))
    config = KioskConfig(
        hardware=HardwareConfig(slots=slots),
        data_dir=tmp_path / "data",
        staff=StaffConfig(person_call_clear_s=CLEAR_S),
        display=panel(1280, 800),
    )
    board = SimulatedBoard(slots=2, revolution_s=0.01, stall_timeout_s=0.05, boot_s=0.0)
    cabinet = build_cabinet(config, sim_board=board)
    link = cabinet_link(cabinet, MemoryHistory(10))
    rt = build_runtime(config, 0.0, fonts=fonts(), content=bundled(), seed=1)
    rt.session.call_person = link.call_person  # as the assembly wires it when the cabinet joins
    yield Site(cabinet, link, rt)
    cabinet.close()


def test_the_call_lights_the_led_raises_the_alert_and_says_so_on_the_screen(site: Site) -> None:
    site.press("start")
    site.press("help")
    assert not site.led
    site.press("call-person")
    assert site.led
    assert AlertKind.PERSON_CALLED in site.alerts
    ko = translations().text
    assert ko("ko", "person.asked") in site.texts()
    assert ko("ko", "help.line_120") in site.texts()  # the lines stay right there meanwhile
    assert ko("ko", "person.called") in site.texts()  # the button says it was done


def test_pressing_again_calls_no_one_twice_and_a_board_check_keeps_the_led_lit(
    site: Site,
) -> None:
    site.press("help")
    site.press("call-person")
    site.press("call-person")
    assert site.rt.session.next_deadline() is not None
    site.link.publish()  # whatever else re-reads the alerts (a vend, a board check)
    assert site.led and AlertKind.PERSON_CALLED in site.alerts


def test_the_call_ends_by_itself_after_the_configured_time(site: Site) -> None:
    site.press("start")
    site.press("help")
    site.press("call-person")
    called_at = site.now
    assert site.rt.app.next_deadline(site.now) is not None
    site.press("close")
    site.press("home")  # the visitor leaves; the light stays for whoever comes
    site.wait(CLEAR_S - 5.0)
    assert site.led
    site.now = called_at + CLEAR_S
    site.wait(0.0)
    assert not site.led and AlertKind.PERSON_CALLED not in site.alerts


def test_staff_answer_the_call_when_they_get_past_the_pin(site: Site) -> None:
    site.press("help")
    site.press("call-person")
    assert site.led
    site.rt.session.person_call_answered()  # what the app does once staff are past the PIN
    assert not site.led


def test_a_new_visitor_has_asked_for_no_one(site: Site) -> None:
    site.press("help")
    site.press("call-person")
    site.press("close")
    site.press("start")
    site.press("help")
    assert translations().text("ko", "person.asked") not in site.texts()
    assert site.rt.session.state.person_called is False


def test_the_flow_calls_once_per_visit() -> None:
    from kiosk.shell.config import Timeouts
    from kiosk.visit.flow import CallStaff, initial_state, step

    state = initial_state("ko", 0.0)
    state, _ = step(state, Start(), 1.0, Timeouts())
    state, _ = step(state, OpenHelp(), 2.0, Timeouts())
    state, first = step(state, CallPerson(), 3.0, Timeouts())
    state, again = step(state, CallPerson(), 4.0, Timeouts())
    assert any(isinstance(c, CallStaff) for c in first)
    assert not any(isinstance(c, CallStaff) for c in again)
    assert state.screen is Screen.HELP and state.person_called


def test_where_the_button_shows_follows_the_configuration() -> None:
    help_state = states(bundled(), "ko")["help"]
    take = states(bundled(), "ko")["take-motor_fault"]
    shown = {
        where: (
            "call-person" in {b.name for b in _page(help_state, where).buttons},
            "call-person" in {b.name for b in _page(take, where).buttons},
        )
        for where in ("off", "help", "present")
    }
    assert shown == {"off": (False, False), "help": (True, False), "present": (True, True)}


def _page(state: object, where: str) -> object:
    from kiosk.visit.screens import build_page
    from tests.kiosk.ui_support import view

    v = replace(view(state, (1280, 800), bundled()), person_call=where)  # type: ignore[arg-type]
    return build_page(v)


def test_a_wrong_person_call_setting_is_refused_with_its_name(tmp_path: Path) -> None:
    from kiosk.shell.config import load_config

    path = tmp_path / "kiosk.toml"
    path.write_text('[staff]\nperson_call = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="person_call"):
        load_config(str(path), environ={})


def test_staff_read_the_call_first_on_their_overview() -> None:
    from kiosk.cabinet.alerts import Alert

    texts = Texts(translations(), "ko")
    line = alert_line(Alert(AlertKind.PERSON_CALLED), texts, lambda item: item)
    assert "직원" in line and line == translations().text("ko", "staff.alert.person_called")
    order = list(AlertKind)
    assert order[0] is AlertKind.PERSON_CALLED  # worse than any slot: someone is waiting


def test_the_help_screen_with_the_call_fits_everywhere() -> None:
    from tests.kiosk.ui_support import RESOLUTIONS

    for size in RESOLUTIONS:
        for name in ("help", "help-person-called"):
            page = page_for(states(bundled(), "en")[name], size)
            assert not [b.source for b in page.text_blocks() if b.truncated], (size, name)
