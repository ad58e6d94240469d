"""The technician's checks: the framework, the prompters, the report, and each check."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hardware.board import Board
from hardware.diagnostics import (
    REVOLUTION_S,
    SLOW_MARGIN_S,
    Answer,
    BoardSession,
    Check,
    CheckResult,
    GpioSession,
    MotorRun,
    Request,
    ScriptedPrompter,
    Status,
    TerminalPrompter,
    board_checks,
    configuration_check,
    configuration_problems,
    exit_status,
    failed,
    gpio_checks,
    hello_verdict,
    home_verdict,
    motor_verdict,
    passed,
    report,
    run_checks,
    serial_port_check,
    skipped,
    slot_checks,
    slots_in_mask,
    status_verdict,
    supply_verdict,
)
from hardware.dispenser import VendOutcome
from hardware.errors import BoardUnreachable, GpioError
from hardware.gpio import CabinetIO, DropSensor, make_pin_factory
from hardware.outcomes import NoAnswer
from hardware.protocol import (
    BoardInfo,
    BoardState,
    BoardStatus,
    Sensors,
    VendCode,
    VendResultCode,
)
from hardware.simulator import PtyBoardServer, SimulatedBoard
from hardware.vend import PendingVend, VendKind
from tests.hardware.scripted import Clock as ScriptedClock
from tests.hardware.scripted import MemoryJournal, ScriptedBoard
from tests.hardware.wiring import Pins


class FakeClock:
    """Monotonic time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def check(
    name: str,
    result: CheckResult | Exception,
    *,
    group: str = "board",
    requires: tuple[str, ...] = (),
) -> Check:
    def run() -> CheckResult:
        if isinstance(result, Exception):
            raise result
        return result

    return Check(name, name.replace(".", " "), group, run, requires=requires)


# --- framework ------------------------------------------------------------------------------


def test_person_checks_are_skipped_when_nobody_is_there_and_say_why() -> None:
    ran: list[str] = []

    def run() -> CheckResult:
        ran.append("door")
        return passed("ok")

    door = Check("gpio.door", "door switch", "gpio", run, needs_person=True)
    [outcome] = run_checks([door], person_present=False)
    assert ran == []
    assert outcome.result.status is Status.SKIP
    assert "--yes" in outcome.result.reason


def test_a_check_whose_prerequisite_failed_is_skipped_naming_it() -> None:
    outcomes = run_checks(
        [
            check("board.hello", failed("no answer", "check power")),
            check("board.status", passed("idle"), requires=("board.hello",)),
        ],
        person_present=True,
    )
    assert [o.result.status for o in outcomes] == [Status.FAIL, Status.SKIP]
    assert "board hello" in outcomes[1].result.reason


def test_hardware_errors_and_crashes_fail_the_check_but_not_the_run() -> None:
    outcomes = run_checks(
        [
            check("board.hello", BoardUnreachable("no reply from /dev/ttyACM0")),
            check("board.status", ZeroDivisionError("oops")),
            check("config", passed("sane")),
        ],
        person_present=True,
    )
    statuses = [o.result.status for o in outcomes]
    assert statuses == [Status.FAIL, Status.FAIL, Status.PASS]
    assert "/dev/ttyACM0" in outcomes[0].result.reason
    assert "crashed" in outcomes[1].result.reason


def test_durations_are_measured_on_the_injected_clock() -> None:
    clock = FakeClock()

    def slow() -> CheckResult:
        clock.sleep(1.25)
        return passed("took a while")

    [outcome] = run_checks(
        [Check("slots.1", "slot 1 motor", "slots", slow)], person_present=True, clock=clock
    )
    assert outcome.result.duration_s == pytest.approx(1.25)


def test_exit_status_is_zero_only_when_every_check_that_ran_passed() -> None:
    def statuses(*results: CheckResult) -> int:
        return exit_status(
            run_checks([check(f"c.{i}", r) for i, r in enumerate(results)], person_present=True)
        )

    assert statuses(passed("a"), passed("b")) == 0
    assert statuses(passed("a"), skipped("nobody there")) == 0
    assert statuses(passed("a"), failed("bad", "fix it"), skipped("x")) == 1


def test_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="group"):
        Check("x", "x", "network", lambda: passed("x"))


def test_report_lists_every_check_with_result_reason_and_timing() -> None:
    outcomes = run_checks(
        [
            check("config", passed("sane", slots=6), group="config"),
            check("slots.3", failed("stalled", "check the spiral", vend_id=7), group="slots"),
        ],
        person_present=True,
    )
    doc = json.loads(json.dumps(report(outcomes, meta={"simulation": True})))
    assert doc["schema"] == "maeum-hwtest/1"
    assert doc["simulation"] is True
    assert doc["summary"] == {"pass": 1, "fail": 1, "skip": 0}
    assert doc["exit_status"] == 1
    assert [c["name"] for c in doc["checks"]] == ["config", "slots.3"]
    slot = doc["checks"][1]
    assert slot == {
        "name": "slots.3",
        "title": "slots 3",
        "group": "slots",
        "needs_person": False,
        "status": "FAIL",
        "reason": "stalled",
        "next_step": "check the spiral",
        "duration_s": slot["duration_s"],
        "details": {"vend_id": 7},
    }
    assert isinstance(slot["duration_s"], float)


# --- prompters ------------------------------------------------------------------------------


def test_terminal_prompter_reads_yes_no_and_skip_in_english_or_korean() -> None:
    out = io.StringIO()
    prompter = TerminalPrompter(io.StringIO("maybe\n네\nn\ns\n"), out)
    assert prompter.ask("led", "Is it lit?") is Answer.YES  # "maybe" is asked again
    assert prompter.ask("led", "Is it lit?") is Answer.NO
    assert prompter.ask("led", "Is it lit?") is Answer.SKIP
    assert prompter.ask("led", "Is it lit?") is Answer.SKIP  # end of input: nobody there
    assert out.getvalue().count("Is it lit?") == 5


def test_terminal_prompter_gives_up_at_the_timeout_without_real_waiting() -> None:
    clock = FakeClock()
    prompter = TerminalPrompter(io.StringIO(), io.StringIO(), clock, clock.sleep)
    assert not prompter.wait_for(Request("door.open", "Open the door"), lambda: False, 10.0)
    assert clock.now - 100.0 == pytest.approx(10.0, abs=0.05)


def test_terminal_prompter_returns_as_soon_as_the_thing_happens() -> None:
    clock = FakeClock()
    prompter = TerminalPrompter(io.StringIO(), io.StringIO(), clock, clock.sleep)
    assert prompter.wait_for(
        Request("door.open", "Open the door"), lambda: clock.now >= 102.0, 10.0
    )
    assert clock.now == pytest.approx(102.0, abs=0.05)


def test_in_simulation_the_simulated_person_acts_and_says_so() -> None:
    clock = FakeClock()
    out = io.StringIO()
    opened: list[bool] = []
    prompter = TerminalPrompter(
        io.StringIO(), out, clock, clock.sleep, person={"door.open": lambda: opened.append(True)}
    )
    assert prompter.wait_for(Request("door.open", "Open the door"), lambda: bool(opened), 10.0)
    assert "SIMULATION" in out.getvalue()
    assert clock.now - 100.0 < 2.0


def test_scripted_prompter_performs_only_scripted_actions() -> None:
    done: list[str] = []
    prompter = ScriptedPrompter(
        answers={"led": Answer.NO}, actions={"door.open": lambda: done.append("open")}
    )
    assert prompter.wait_for(Request("door.open", "Open"), lambda: bool(done), 5.0)
    assert not prompter.wait_for(Request("door.close", "Close"), lambda: len(done) > 1, 5.0)
    assert prompter.ask("led", "lit?") is Answer.NO
    assert prompter.ask("other", "?") is Answer.SKIP
    assert len(prompter.log) == 4


# --- configuration and serial port ----------------------------------------------------------

PINS = {
    "drop_sensor": 17,
    "door": 27,
    "service_button": 22,
    "key_previous": 5,
    "key_next": 6,
    "key_select": 13,
    "key_help": 26,
    "chute_light": 12,
    "attention_led": 16,
}


def config_check(**overrides: object) -> CheckResult:
    values: dict[str, object] = dict(
        source="/etc/maeum-kiosk/kiosk.toml",
        error=None,
        serial_port="/dev/serial0",
        pins=PINS,
        slots=[1, 2, 3, 4, 5, 6],
        pin_factory="lgpio",
        simulated=False,
    )
    values.update(overrides)
    return configuration_check(**values).run()  # type: ignore[arg-type]


def test_the_datasheet_wiring_is_a_sane_configuration() -> None:
    result = config_check()
    assert result.status is Status.PASS
    assert "6 slots" in result.reason and "real hardware" in result.reason


def test_a_broken_file_fails_with_the_loaders_message() -> None:
    result = config_check(error="/etc/maeum-kiosk/kiosk.toml [hardware]: unknown key(s): prot")
    assert result.status is Status.FAIL
    assert "unknown key(s): prot" in result.reason


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"pins": {**PINS, "door": 17}}, "GPIO 17 is given to several parts: door, drop_sensor"),
        ({"pins": {**PINS, "door": 14}}, "board's UART"),
        ({"pins": {**PINS, "door": 40}}, "not on the Pi header"),
        ({"pins": {**PINS, "door": 0}}, "ID EEPROM"),
        ({"serial_port": " "}, "serial_port is empty"),
        ({"slots": []}, "no slots"),
        ({"pin_factory": "mock"}, "would be fake"),
    ],
)
def test_configuration_mistakes_are_named(change: dict[str, object], expected: str) -> None:
    result = config_check(**change)
    assert result.status is Status.FAIL
    assert expected in result.reason


def test_mock_pins_are_fine_in_simulation() -> None:
    assert (
        configuration_problems(
            serial_port="/dev/pts/3", pins=PINS, slots=[1], pin_factory="mock", simulated=True
        )
        == []
    )


def port_result(
    port: str, exists: Callable[[str], bool], usable: Callable[[str], bool] = lambda _: True
) -> CheckResult:
    return serial_port_check(port, exists=exists, usable=usable).run()


def test_a_missing_uart_points_at_raspi_config() -> None:
    result = port_result("/dev/serial0", lambda _: False)
    assert result.status is Status.FAIL
    assert "does not exist" in result.reason and "raspi-config" in result.next_step


def test_the_pi5_debug_connector_is_not_taken_for_the_boards_uart(tmp_path: Path) -> None:
    # On a Pi 5 /dev/serial0 is a link to ttyAMA10, the debug connector beside the HDMI ports.
    serial0 = tmp_path / "serial0"
    serial0.symlink_to("/dev/ttyAMA10")
    result = port_result(str(serial0), lambda _: True)
    assert result.status is Status.FAIL and "debug connector" in result.reason
    assert "/dev/maeum-board" in result.next_step and "uart0" in result.next_step


def test_a_missing_usb_board_points_at_the_cable_and_by_id() -> None:
    result = port_result("/dev/ttyACM0", lambda _: False)
    assert "/dev/serial/by-id/" in result.next_step


def test_the_kiosks_udev_name_points_at_both_wirings() -> None:
    hint = port_result("/dev/maeum-board", lambda _: False).next_step
    assert "udev" in hint and "raspi-config" in hint and "/dev/serial/by-id/" in hint


def test_a_port_without_permission_points_at_dialout() -> None:
    result = port_result("/dev/ttyACM0", lambda _: True, lambda _: False)
    assert result.status is Status.FAIL and "dialout" in result.next_step


def test_present_port_and_pyserial_urls_pass() -> None:
    assert port_result("/dev/ttyACM0", lambda _: True).status is Status.PASS
    assert port_result("loop://", lambda _: False).status is Status.PASS


# --- GPIO parts, on gpiozero's mock pins ------------------------------------------------------


class Cabinet:
    """Mock pins plus the hands of a technician who does what they are asked."""

    def __init__(self) -> None:
        self.factory = make_pin_factory("mock")
        self.session = GpioSession(lambda: CabinetIO.build(Pins(), self.factory))

    def pin(self, number: int) -> Any:
        return self.factory.pin(number)

    def tap(self, number: int, times: int = 1) -> Callable[[], None]:
        def act() -> None:
            for _ in range(times):
                self.pin(number).drive_low()
                self.pin(number).drive_high()

        return act

    def door(self, closed: bool) -> Callable[[], None]:
        def act() -> None:
            if closed:
                self.pin(27).drive_low()
            else:
                self.pin(27).drive_high()

        return act

    def helpful_hands(self) -> dict[str, Callable[[], None]]:
        return {
            "drop.wave": self.tap(17, 3),
            "door.open": self.door(False),
            "door.close": self.door(True),
            "service.press": self.tap(22),
            "key.previous": self.tap(5),
            "key.next": self.tap(6),
            "key.select": self.tap(13),
            "key.help": self.tap(26),
        }


@pytest.fixture
def cabinet() -> Iterator[Cabinet]:
    c = Cabinet()
    yield c
    c.session.close()


YES_TO_LIGHTS = {"light.chute": Answer.YES, "light.attention": Answer.YES}


def run_gpio(cabinet: Cabinet, prompter: ScriptedPrompter) -> dict[str, CheckResult]:
    checks = gpio_checks(cabinet.session, prompter, asdict(Pins()), wait_s=5.0)
    return {o.check.name: o.result for o in run_checks(checks, person_present=True)}


def test_every_gpio_part_passes_when_the_technician_does_what_is_asked(cabinet: Cabinet) -> None:
    results = run_gpio(cabinet, ScriptedPrompter(YES_TO_LIGHTS, cabinet.helpful_hands()))
    assert list(results) == [
        "gpio.setup", "gpio.drop", "gpio.door", "gpio.service", "gpio.key.previous",
        "gpio.key.next", "gpio.key.select", "gpio.key.help", "gpio.chute_light",
        "gpio.attention_led",
    ]  # fmt: skip
    assert {name: r.status for name, r in results.items()} == dict.fromkeys(results, Status.PASS)
    assert results["gpio.drop"].details == {"breaks": 3}
    assert "mock pins" in results["gpio.setup"].reason


def test_without_a_person_only_the_setup_runs(cabinet: Cabinet) -> None:
    checks = gpio_checks(cabinet.session, ScriptedPrompter(), asdict(Pins()))
    outcomes = run_checks(checks, person_present=False)
    assert [o.result.status for o in outcomes] == [Status.PASS] + [Status.SKIP] * 9


def test_a_gpio_backend_that_cannot_start_fails_setup_and_skips_the_parts() -> None:
    def broken() -> CabinetIO:
        raise GpioError("pin factory 'lgpio' cannot be used: No module named 'lgpio'")

    checks = gpio_checks(GpioSession(broken), ScriptedPrompter(), asdict(Pins()))
    outcomes = run_checks(checks, person_present=True)
    assert outcomes[0].result.status is Status.FAIL
    assert "lgpio" in outcomes[0].result.reason and "lgpio" in outcomes[0].result.next_step
    assert {o.result.status for o in outcomes[1:]} == {Status.SKIP}


def test_a_blocked_beam_fails_before_asking_anything(cabinet: Cabinet) -> None:
    cabinet.session.setup()
    cabinet.pin(17).drive_low()
    prompter = ScriptedPrompter(YES_TO_LIGHTS, cabinet.helpful_hands())
    result = run_gpio(cabinet, prompter)["gpio.drop"]
    assert result.status is Status.FAIL
    assert "broken all the time" in result.reason and "stuck in the chute" in result.next_step
    assert not any(line.startswith("wait drop.wave") for line in prompter.log)


@pytest.mark.parametrize(("waves", "expected"), [(0, "no beam break"), (1, "only 1 of 3")])
def test_missing_beam_breaks_fail_with_the_count(
    cabinet: Cabinet, waves: int, expected: str
) -> None:
    hands = {**cabinet.helpful_hands(), "drop.wave": cabinet.tap(17, waves)}
    result = run_gpio(cabinet, ScriptedPrompter(YES_TO_LIGHTS, hands))["gpio.drop"]
    assert result.status is Status.FAIL
    assert expected in result.reason and "GPIO 17" in result.reason + result.next_step


def test_a_door_switch_that_never_changes_fails_naming_its_pin(cabinet: Cabinet) -> None:
    hands = cabinet.helpful_hands()
    del hands["door.close"]
    result = run_gpio(cabinet, ScriptedPrompter(YES_TO_LIGHTS, hands))["gpio.door"]
    assert result.status is Status.FAIL
    assert "reads open all the time" in result.reason and "GPIO 27" in result.next_step


def test_the_door_test_starts_with_whichever_position_the_door_is_in(cabinet: Cabinet) -> None:
    cabinet.session.setup()
    cabinet.pin(27).drive_low()  # closed
    prompter = ScriptedPrompter(YES_TO_LIGHTS, cabinet.helpful_hands())
    assert run_gpio(cabinet, prompter)["gpio.door"].status is Status.PASS
    asked = [line.split(":")[0] for line in prompter.log if line.startswith("wait door")]
    assert asked == ["wait door.open", "wait door.close"]


def test_a_stuck_service_button_and_a_dead_one_are_told_apart(cabinet: Cabinet) -> None:
    hands = cabinet.helpful_hands()
    del hands["service.press"]
    dead = run_gpio(cabinet, ScriptedPrompter(YES_TO_LIGHTS, hands))["gpio.service"]
    assert dead.status is Status.FAIL and "no press seen" in dead.reason
    cabinet.pin(22).drive_low()
    stuck = run_gpio(cabinet, ScriptedPrompter(YES_TO_LIGHTS, hands))["gpio.service"]
    assert stuck.status is Status.FAIL and "pressed all the time" in stuck.reason


def test_swapped_keypad_wires_are_named(cabinet: Cabinet) -> None:
    hands = {**cabinet.helpful_hands(), "key.previous": cabinet.tap(6)}
    result = run_gpio(cabinet, ScriptedPrompter(YES_TO_LIGHTS, hands))["gpio.key.previous"]
    assert result.status is Status.FAIL
    assert "arrived as 'next'" in result.reason
    assert "GPIO 6 instead of GPIO 5" in result.next_step


class WatchingPrompter(ScriptedPrompter):
    """Notes what the lights' pins were while the technician was looking."""

    def __init__(self, cabinet: Cabinet, answers: dict[str, Answer]) -> None:
        super().__init__(answers, cabinet.helpful_hands())
        self.cabinet = cabinet
        self.seen: dict[str, bool] = {}

    def ask(self, key: str, question: str) -> Answer:
        parts = self.cabinet.session.parts
        lit = parts.chute_light.is_pulsing if key == "light.chute" else parts.attention_led.is_lit
        self.seen[key] = lit
        return super().ask(key, question)


def test_lights_are_on_while_asked_and_off_afterwards(cabinet: Cabinet) -> None:
    prompter = WatchingPrompter(cabinet, {"light.chute": Answer.NO, "light.attention": Answer.YES})
    results = run_gpio(cabinet, prompter)
    assert prompter.seen == {"light.chute": True, "light.attention": True}
    assert results["gpio.attention_led"].status is Status.PASS
    chute = results["gpio.chute_light"]
    assert chute.status is Status.FAIL and "GPIO 12" in chute.reason
    parts = cabinet.session.parts
    assert not parts.attention_led.is_lit and not parts.chute_light.is_pulsing
    assert cabinet.pin(16).state == 0 and parts.chute_light.value == 0


# --- the board's answers, judged ----------------------------------------------------------


def info(**kw: Any) -> BoardInfo:
    values: dict[str, Any] = dict(proto=1, slots=6, fw_major=1, fw_minor=2, board_id="MY000042")
    values.update(kw)
    return BoardInfo(**values)


def test_hello_names_protocol_slots_firmware_and_id() -> None:
    result = hello_verdict(info(), [1, 2, 3, 4, 5, 6])
    assert result.status is Status.PASS
    assert result.reason == "MDP/1, 6 slots, firmware 1.2, id MY000042"
    assert result.details["firmware"] == "1.2"


def test_hello_fails_on_another_protocol_or_too_few_slots() -> None:
    assert "protocol 2" in hello_verdict(info(proto=2), [1]).reason
    result = hello_verdict(info(slots=4), [1, 2, 3, 4, 5, 6])
    assert result.status is Status.FAIL
    assert "slots 5, 6" in result.reason and "[[hardware.slots]]" in result.next_step


def status(state: BoardState = BoardState.IDLE, vend: int = 0, faults: int = 0) -> BoardStatus:
    return BoardStatus(state, vend, faults, 3720)


def test_status_idle_passes_with_uptime() -> None:
    result = status_verdict(status())
    assert result.status is Status.PASS and result.reason == "idle, no faults, up 1 h 02 min"


def test_fault_bits_are_named_as_slots() -> None:
    result = status_verdict(status(BoardState.FAULT, faults=0b10100))
    assert result.status is Status.FAIL
    assert "slots 3, 5" in result.reason and "power-cycle" in result.next_step
    assert result.details["faulted_slots"] == [3, 5]
    assert slots_in_mask(1 << 15) == [16]


def test_a_busy_board_points_at_the_running_kiosk() -> None:
    result = status_verdict(status(BoardState.VENDING, vend=77))
    assert result.status is Status.FAIL
    assert "vend 77" in result.reason and "systemctl stop" in result.next_step


@pytest.mark.parametrize(
    ("mv", "ma", "status_", "words"),
    [
        (12_000, 0, Status.PASS, "12.00 V"),
        (11_000, 0, Status.PASS, "11.00 V"),
        (13_000, 0, Status.PASS, "13.00 V"),
        (10_900, 0, Status.FAIL, "10.9 V is low"),
        (13_100, 0, Status.FAIL, "13.1 V is high"),
        (0, 0, Status.FAIL, "no motor supply"),
        (12_000, 300, Status.FAIL, "300 mA flow with no motor running"),
    ],
)
def test_supply_voltage_range(mv: int, ma: int, status_: Status, words: str) -> None:
    result = supply_verdict(Sensors(0b111111, ma, mv), idle=True)
    assert result.status is status_
    assert words in result.reason


def test_home_switches_open_at_rest_are_named() -> None:
    assert home_verdict(Sensors(0b111111, 0, 12_000), [1, 2, 3, 4, 5, 6]).status is Status.PASS
    result = home_verdict(Sensors(0b111011, 0, 12_000), [1, 2, 3, 4, 5, 6])
    assert result.status is Status.FAIL and "slot 3 not on the home switch" in result.reason


def motor(**kw: Any) -> CheckResult:
    values: dict[str, Any] = dict(
        slot=3,
        vend_id=9,
        answer=VendResultCode.DONE,
        outcome=VendOutcome.DISPENSED,
        seconds=1.2,
        peak_ma=320,
        dropped=None,
    )
    values.update(kw)
    return motor_verdict(MotorRun(**values))


def test_a_healthy_turn_passes_with_time_and_current() -> None:
    result = motor()
    assert result.status is Status.PASS
    assert result.reason == "one turn in 1.2 s, 320 mA"
    assert result.details["vend_id"] == 9


def test_a_stall_names_the_spiral_and_the_slots_connector() -> None:
    result = motor(answer=VendResultCode.MOTOR_STALL, seconds=4.1)
    assert result.status is Status.FAIL
    assert "stalled" in result.reason
    assert "jam" in result.next_step and "J3" in result.next_step


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"answer": VendResultCode.NO_MOTOR}, "no motor"),
        ({"answer": VendResultCode.UNKNOWN}, "lost track"),
        ({"answer": VendResultCode.RUNNING}, "lost track"),
        ({"answer": VendCode.SLOT_FAULTED}, "marked faulted earlier"),
        ({"answer": VendCode.BAD_SLOT}, "has no slot 3"),
        ({"answer": VendCode.BUSY}, "BUSY"),
        ({"answer": VendCode.DUPLICATE}, "remembers every vend_id"),
        ({"answer": NoAnswer.LINK_LOST, "detail": "no VEND_RESULT"}, "stopped answering"),
        ({"answer": NoAnswer.ODD}, "does not allow"),
        ({"answer": None, "outcome": VendOutcome.BOARD_UNREACHABLE}, "no answer from the board"),
        ({"answer": None, "outcome": VendOutcome.NOT_RECORDED}, "ledger cannot be written"),
        ({"seconds": 3.2}, "slowly"),
        ({"peak_ma": 700}, "too much current"),
        ({"peak_ma": 90}, "too little current"),
    ],
)
def test_motor_faults_are_told_apart(kw: dict[str, Any], words: str) -> None:
    result = motor(**kw)
    assert result.status is Status.FAIL
    assert words in result.reason


def test_what_fell_is_reported_without_failing_the_motor() -> None:
    assert "put it back" in motor(dropped=True).reason
    unknown = motor(dropped=False)
    assert unknown.status is Status.PASS and "nothing fell (slot empty" in unknown.reason
    empty = motor(dropped=False, stocked=False)
    assert empty.status is Status.PASS and "the ledger says it is empty" in empty.reason
    stocked = motor(dropped=False, stocked=True)
    assert stocked.status is Status.FAIL and "nothing fell" in stocked.reason


# --- the board and its slots, against the simulated board on a pty ----------------------------

SLOTS = [1, 2, 3, 4, 5, 6]


@dataclass
class Journal:
    """The ledger's part in a test vend: fresh vend_ids, intent and outcome written down."""

    last_id: int = 100
    begun: list[tuple[int, int, VendKind]] = field(default_factory=list)
    finished: dict[int, VendOutcome] = field(default_factory=dict)

    def begin(self, slot: int, kind: VendKind = VendKind.VISIT) -> int:
        self.last_id += 1
        self.begun.append((self.last_id, slot, kind))
        return self.last_id

    def finish(self, vend_id: int, outcome: VendOutcome, detail: str = "") -> None:
        assert vend_id not in self.finished, "a vend is finished exactly once"
        self.finished[vend_id] = outcome

    def unfinished_vends(self) -> list[PendingVend]:
        return [PendingVend(v, s) for v, s, _ in self.begun if v not in self.finished]

    def outcome_of(self, slot: int) -> VendOutcome:
        """The outcome of the last vend from `slot`."""
        vend_id = [v for v, s, _ in self.begun if s == slot][-1]
        return self.finished[vend_id]


@pytest.fixture
def sim() -> Iterator[PtyBoardServer]:
    board = SimulatedBoard(revolution_s=0.08, stall_timeout_s=0.3, boot_s=0.0)
    with PtyBoardServer(board, noise_bytes=0) as server:
        yield server


def run_board(
    sim: PtyBoardServer,
    journal: Journal | None = None,
    *,
    drop_sensor: DropSensor | None = None,
    stocked: Callable[[int], bool | None] = lambda slot: None,
    turn: Sequence[int] = SLOTS,
) -> dict[str, CheckResult]:
    """The board checks, then a test turn of each slot in `turn`."""
    session = BoardSession(lambda: Board(sim.path))
    checks = board_checks(session, sim.path, SLOTS)
    checks += slot_checks(
        session,
        turn,
        journal or Journal(),
        drop_sensor=lambda: drop_sensor,
        stocked=stocked,
        drop_grace_s=0.3,
        poll_s=0.02,
    )
    try:
        return {o.check.name: o.result for o in run_checks(checks, person_present=False)}
    finally:
        session.close()


def failures(results: dict[str, CheckResult]) -> dict[str, str]:
    return {name: r.reason for name, r in results.items() if r.status is not Status.PASS}


def test_a_healthy_simulated_board_passes_every_check(sim: PtyBoardServer) -> None:
    journal = Journal()
    results = run_board(sim, journal)
    assert list(results) == [
        "board.port", "board.hello", "board.link", "board.status", "board.supply", "board.home",
        "slots.1", "slots.2", "slots.3", "slots.4", "slots.5", "slots.6",
    ]  # fmt: skip
    assert failures(results) == {}
    assert results["board.hello"].reason == "MDP/1, 6 slots, firmware 1.0, id SIM00001"
    assert 200 <= results["slots.1"].details["peak_ma"] <= 600
    # Each slot turned exactly once, as a test vend with its own vend_id.
    assert [(s, k) for _, s, k in journal.begun] == [(s, VendKind.TEST) for s in SLOTS]
    assert sorted(sim.revolutions) == [v for v, _, _ in journal.begun]
    assert set(sim.revolutions.values()) == {1}
    # Filed by the one table: DONE nobody watched is dispensed (a test vend leaves the stock).
    assert set(journal.finished.values()) == {VendOutcome.DISPENSED}
    assert {results[f"slots.{n}"].details["item_fell"] for n in SLOTS} == {None}


def test_a_stalled_slot_fails_naming_the_slot_and_what_to_check(sim: PtyBoardServer) -> None:
    sim.stall_slot(3)
    journal = Journal()
    results = run_board(sim, journal)
    assert list(failures(results)) == ["slots.3"]
    stalled = results["slots.3"]
    assert "stalled" in stalled.reason
    assert "jam" in stalled.next_step and "J3" in stalled.next_step
    assert journal.outcome_of(3) is VendOutcome.MOTOR_FAULT


def test_a_slot_without_motor_fails_as_an_open_circuit(sim: PtyBoardServer) -> None:
    sim.no_motor_slot(2)
    journal = Journal()
    results = run_board(sim, journal)
    assert list(failures(results)) == ["slots.2"]
    assert "no motor" in results["slots.2"].reason and "J2" in results["slots.2"].next_step
    assert journal.outcome_of(2) is VendOutcome.MOTOR_FAULT


def test_a_board_with_fault_bits_set_names_them_and_refuses_those_slots(
    sim: PtyBoardServer,
) -> None:
    sim.stall_slot(5)
    journal = Journal()
    run_board(sim, journal)  # the stall leaves slot 5 marked faulted on the board
    sim.stall_slot(5, jammed=False)
    results = run_board(sim, journal)
    assert "slot 5" in results["board.status"].reason
    assert "marked faulted earlier" in results["slots.5"].reason
    assert results["board.home"].status is Status.FAIL  # the stalled spiral is off its home
    assert "slot 5" in results["board.home"].reason


def test_an_empty_slot_fails_when_the_ledger_counts_items_in_it(sim: PtyBoardServer) -> None:
    factory = make_pin_factory("mock")
    sensor = DropSensor(17, pin_factory=factory)
    beam = factory.pin(17)

    def item_falls(slot: int) -> None:
        beam.drive_low()
        beam.drive_high()

    sim.on_revolution = item_falls
    sim.empty_slot(4)
    journal = Journal()
    try:
        results = run_board(sim, journal, drop_sensor=sensor, stocked=lambda slot: slot != 6)
    finally:
        sensor.close()
    assert list(failures(results)) == ["slots.4"]
    assert "nothing fell although the ledger counts items" in results["slots.4"].reason
    assert "caught on the spiral" in results["slots.4"].next_step
    assert "an item fell: put it back" in results["slots.1"].reason
    assert journal.outcome_of(4) is VendOutcome.NO_DROP
    assert journal.outcome_of(1) is VendOutcome.DISPENSED


@pytest.mark.parametrize(
    ("knob", "value", "words"),
    [
        ("corrupt_fraction", 0.4, "replies are lost or damaged"),
        ("drop_fraction", 0.4, "replies are lost or damaged"),
        ("delay_s", 0.03, "answers slowly"),
    ],
)
def test_a_bad_line_fails_the_link_check(
    sim: PtyBoardServer, knob: str, value: float, words: str
) -> None:
    setattr(sim, knob, value)
    results = run_board(sim, turn=[])
    assert results["board.link"].status is Status.FAIL
    assert words in results["board.link"].reason
    assert results["board.hello"].status is Status.PASS  # the driver still gets through


def test_a_slow_motor_fails_as_slow(sim: PtyBoardServer) -> None:
    sim.revolution_s = REVOLUTION_S[1] + SLOW_MARGIN_S + 0.1
    session = BoardSession(lambda: Board(sim.path))
    checks = board_checks(session, sim.path, [1], include_health=False)
    checks += slot_checks(session, [1], Journal())
    try:
        outcomes = run_checks(checks, person_present=False)
    finally:
        session.close()
    assert "slowly" in outcomes[-1].result.reason


def test_a_sagging_supply_fails_the_supply_check(sim: PtyBoardServer) -> None:
    sim.board.supply_mv = 10_200
    results = run_board(sim)
    assert list(failures(results)) == ["board.supply"]
    assert "is low" in results["board.supply"].reason


def test_an_unplugged_board_fails_at_the_port_and_skips_the_rest(sim: PtyBoardServer) -> None:
    sim.unplug()
    results = run_board(sim)
    assert results["board.port"].status is Status.FAIL
    assert "does not exist" in results["board.port"].reason
    assert {r.status for n, r in results.items() if n != "board.port"} == {Status.SKIP}


def test_a_port_where_nothing_answers_fails_hello(sim: PtyBoardServer) -> None:
    clock = FakeClock()
    session = BoardSession(lambda: Board("loop://"))
    checks = board_checks(session, "loop://", SLOTS, clock=clock, sleep=lambda _: clock.sleep(1))
    outcomes = run_checks(checks, person_present=False)
    hello = outcomes[1].result
    assert hello.status is Status.FAIL and "no answer from the board" in hello.reason
    assert "TX goes to RX" in hello.next_step


def test_vend_ids_the_board_still_remembers_are_skipped_not_reported(
    sim: PtyBoardServer,
) -> None:
    run_board(sim, Journal(last_id=100))  # vend_ids 101-106 are now in the board's history
    journal = Journal(last_id=100)  # a fresh ledger hands out 101… again
    results = run_board(sim, journal)
    assert failures(results) == {}
    assert set(sim.revolutions.values()) == {1}  # nothing turned twice for one id
    assert all(len([v for v, s, _ in journal.begun if s == slot]) >= 2 for slot in SLOTS[:1])


@dataclass
class Opened:
    opened: ScriptedBoard


def test_the_motor_current_is_sampled_while_it_turns_and_idle_readings_do_not_count() -> None:
    clock = ScriptedClock()
    board = ScriptedBoard(clock)
    board.turn_s = 1.2

    def turn() -> CheckResult:
        checks = slot_checks(Opened(board), [2], MemoryJournal(), clock=clock, sleep=clock.sleep)
        return run_checks(checks, person_present=False)[0].result

    assert turn().reason == "one turn in 1.2 s, 320 mA"
    board.motor_ma = 0  # read after the motor stopped: the board has no motor running
    stopped = turn()
    assert stopped.status is Status.PASS and stopped.reason == "one turn in 1.2 s"
    assert stopped.details["peak_ma"] is None
