"""The technician's checks: one `Check` per part, run in order, each ending PASS, FAIL or SKIP.

A check is a plain object: a stable `name` (for the JSON report), a `title` (for the
checklist), a `group` (config, board, slots, gpio, display), whether it `needs_person` at the
cabinet, the checks it `requires` to have passed, and a `run` function returning a
`CheckResult`. Everything a check touches is handed to it as plain values (a port URL, slot
numbers, pins, a board, a clock), so the same checks run against the simulator, mock pins and
the real machine, and the kiosk's configuration stays on the kiosk's side of the fence.

Whatever needs a person goes through a `Prompter`: `note` something, `ask` a yes/no question,
or `wait_for` a physical action (open the door, wave a hand through the chute) until a
condition holds or a timeout passes. The terminal prompter waits on an injected clock; tests
script the person (`ScriptedPrompter`) and never really wait.

Every message is written for a technician at the open cabinet: English, with a short Korean
gloss where it helps, and a next step that names the part to look at.
"""

from __future__ import annotations

import enum
import functools
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TextIO

from hardware.board import Board
from hardware.dispenser import VendOutcome
from hardware.errors import (
    BoardDisconnected,
    BoardProtocolError,
    BoardUnreachable,
    GpioError,
    HardwareError,
)
from hardware.gpio import DoorSwitch, DropSensor, Key, MachineIO
from hardware.protocol import (
    PROTOCOL_VERSION,
    BoardInfo,
    BoardState,
    BoardStatus,
    Sensors,
    VendCode,
    VendResultCode,
)
from hardware.vend import VendKind

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], None]
Details = Mapping[str, Any]  # JSON-safe values only: they go into the report as they are

GROUPS = ("config", "board", "slots", "gpio", "display")


class Status(enum.Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    SKIP = "SKIP"


@dataclass(frozen=True)
class CheckResult:
    status: Status
    reason: str
    next_step: str = ""  # what to look at next; empty when nothing needs doing
    duration_s: float = 0.0  # filled in by the runner
    details: Details = field(default_factory=dict)


def passed(reason: str, **details: Any) -> CheckResult:
    return CheckResult(Status.PASS, reason, "", 0.0, details)


def failed(reason: str, next_step: str, **details: Any) -> CheckResult:
    return CheckResult(Status.FAIL, reason, next_step, 0.0, details)


def skipped(reason: str, next_step: str = "", **details: Any) -> CheckResult:
    return CheckResult(Status.SKIP, reason, next_step, 0.0, details)


@dataclass(frozen=True)
class Check:
    name: str  # stable, for the report: "board.hello", "slots.3"
    title: str  # for the checklist: "board HELLO", "slot 3 motor"
    group: str  # one of GROUPS
    run: Callable[[], CheckResult]
    needs_person: bool = False
    requires: tuple[str, ...] = ()  # checks that, when they ran before, must have passed

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"check {self.name}: unknown group {self.group!r}")


# --- the person at the cabinet ------------------------------------------------------------


class Answer(enum.Enum):
    YES = "yes"
    NO = "no"
    SKIP = "skip"  # the technician cannot tell (e.g. cannot see the LED from where they stand)


@dataclass(frozen=True)
class Request:
    """A physical action asked of the person; `key` lets a simulation or a test perform it."""

    key: str  # "drop.wave", "door.open", "key.select"…
    text: str


class Prompter(Protocol):
    def note(self, text: str) -> None:
        """Tell the person something (what is about to happen, what to look at)."""
        ...

    def ask(self, key: str, question: str) -> Answer:
        """A yes/no question about what the person sees."""
        ...

    def wait_for(self, request: Request, done: Callable[[], bool], timeout_s: float) -> bool:
        """Ask for `request`, then wait until `done()` or `timeout_s`. Returns `done()`."""
        ...


@dataclass
class TerminalPrompter:
    """Questions on a terminal. Waiting polls `done` on the injected clock.

    `person` maps request keys to actions that perform them: in simulation there is no hand
    to wave, so the simulated person does it (and says so) after `act_after_s`.
    """

    stdin: TextIO
    stdout: TextIO
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    poll_s: float = 0.02
    person: Mapping[str, Callable[[], None]] = field(default_factory=dict)
    act_after_s: float = 1.0

    def note(self, text: str) -> None:
        print(f"      {text}", file=self.stdout, flush=True)

    def ask(self, key: str, question: str) -> Answer:
        while True:
            print(f"   ?  {question} [y/n/s=skip] ", end="", file=self.stdout, flush=True)
            line = self.stdin.readline()
            if not line:  # end of input: nobody is there to answer
                print("", file=self.stdout)
                return Answer.SKIP
            reply = line.strip().lower()
            if reply in ("y", "yes", "예", "네"):
                return Answer.YES
            if reply in ("n", "no", "아니오", "아니요"):
                return Answer.NO
            if reply in ("s", "skip"):
                return Answer.SKIP

    def wait_for(self, request: Request, done: Callable[[], bool], timeout_s: float) -> bool:
        print(f"   >  {request.text} (within {timeout_s:.0f} s)", file=self.stdout, flush=True)
        act = self.person.get(request.key)
        start = self.clock()
        while not done():
            elapsed = self.clock() - start
            if act is not None and elapsed >= self.act_after_s:
                print("      (SIMULATION: the simulated technician does it)", file=self.stdout)
                act()
                act = None
                continue
            if elapsed >= timeout_s:
                return done()
            self.sleep(self.poll_s)
        return True


@dataclass
class ScriptedPrompter:
    """A person who follows a script: for tests and for unattended demonstrations.

    `answers` maps question keys to answers (a missing key answers SKIP); `actions` maps
    request keys to what the person does when asked (a missing key: they do nothing, so the
    wait times out). Every prompt is kept in `log` so a test can see what was asked.
    """

    answers: Mapping[str, Answer] = field(default_factory=dict)
    actions: Mapping[str, Callable[[], None]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.log.append(f"note: {text}")

    def ask(self, key: str, question: str) -> Answer:
        self.log.append(f"ask {key}: {question}")
        return self.answers.get(key, Answer.SKIP)

    def wait_for(self, request: Request, done: Callable[[], bool], timeout_s: float) -> bool:
        self.log.append(f"wait {request.key}: {request.text}")
        action = self.actions.get(request.key)
        if action is not None:
            action()
        return done()


# --- running --------------------------------------------------------------------------------


class Listener(Protocol):
    def started(self, check: Check, index: int, total: int) -> None: ...

    def finished(self, check: Check, result: CheckResult) -> None: ...


@dataclass(frozen=True)
class Outcome:
    check: Check
    result: CheckResult


def run_checks(
    checks: Sequence[Check],
    *,
    person_present: bool,
    clock: Clock = time.monotonic,
    listener: Listener | None = None,
) -> list[Outcome]:
    """Run `checks` in order. A check never stops the run: each ends PASS, FAIL or SKIP."""
    outcomes: list[Outcome] = []
    status_of: dict[str, Status] = {}
    titles = {c.name: c.title for c in checks}
    for index, check in enumerate(checks):
        if listener is not None:
            listener.started(check, index, len(checks))
        start = clock()
        result = _run_one(check, status_of, titles, person_present)
        result = replace(result, duration_s=round(clock() - start, 3))
        status_of[check.name] = result.status
        outcomes.append(Outcome(check, result))
        if listener is not None:
            listener.finished(check, result)
    return outcomes


def _run_one(
    check: Check, status_of: Mapping[str, Status], titles: Mapping[str, str], person_present: bool
) -> CheckResult:
    if check.needs_person and not person_present:
        return skipped(
            "needs a person at the cabinet; --yes was given (사람 필요)",
            "run hwtest without --yes at the open cabinet",
        )
    for name in check.requires:
        # A prerequisite left out of this run (e.g. "config" in a test) does not block.
        if name in status_of and status_of[name] is not Status.PASS:
            return skipped(f"not tried: needs '{titles[name]}' to pass first")
    try:
        return check.run()
    except HardwareError as exc:
        return failed(f"hardware error: {exc}", "check the part named above and its wiring")
    except Exception as exc:  # a bug in a check must not hide the other checks' results
        log.exception("check %s crashed", check.name)
        return failed(
            f"the check itself crashed: {type(exc).__name__}: {exc}",
            "report this to the developers with the log; other checks still ran",
        )


def exit_status(outcomes: Iterable[Outcome]) -> int:
    """0 only when every check that ran passed (skipped checks did not run)."""
    return 1 if any(o.result.status is Status.FAIL for o in outcomes) else 0


def summary(outcomes: Sequence[Outcome]) -> dict[str, int]:
    counts = {s.value.lower(): 0 for s in Status}
    for o in outcomes:
        counts[o.result.status.value.lower()] += 1
    return counts


REPORT_SCHEMA = "maeum-hwtest/1"


def report(outcomes: Sequence[Outcome], *, meta: Mapping[str, Any]) -> dict[str, Any]:
    """The machine-readable report (schema in docs/hwtest.md): `meta` plus every check."""
    return {
        "schema": REPORT_SCHEMA,
        **meta,
        "summary": summary(outcomes),
        "exit_status": exit_status(outcomes),
        "checks": [_check_entry(o) for o in outcomes],
    }


def _check_entry(outcome: Outcome) -> dict[str, Any]:
    check, result = outcome.check, outcome.result
    return {
        "name": check.name,
        "title": check.title,
        "group": check.group,
        "needs_person": check.needs_person,
        "status": result.status.value,
        "reason": result.reason,
        "next_step": result.next_step,
        "duration_s": result.duration_s,
        "details": dict(result.details),
    }


# --- configuration and port -----------------------------------------------------------------

UART_PINS = (14, 15)  # the board's link: no part may sit on them
ID_EEPROM_PINS = (0, 1)  # reserved for HAT identification
HIGHEST_HEADER_PIN = 27


def configuration_problems(
    *,
    serial_port: str,
    pins: Mapping[str, int],
    slots: Sequence[int],
    pin_factory: str,
    simulated: bool,
) -> list[str]:
    """What is wrong with a configuration that parsed: the mistakes that break a machine."""
    problems: list[str] = []
    if not serial_port.strip():
        problems.append("serial_port is empty")
    owners: dict[int, list[str]] = {}
    for part, pin in pins.items():
        owners.setdefault(pin, []).append(part)
        if not 0 <= pin <= HIGHEST_HEADER_PIN:
            problems.append(f"{part} = GPIO {pin}: not on the Pi header (BCM 0–27)")
        elif pin in UART_PINS:
            problems.append(f"{part} = GPIO {pin}: that is the board's UART (14/15)")
        elif pin in ID_EEPROM_PINS:
            problems.append(f"{part} = GPIO {pin}: reserved for the HAT ID EEPROM (0/1)")
    for pin, parts in sorted(owners.items()):
        if len(parts) > 1:
            problems.append(f"GPIO {pin} is given to several parts: {', '.join(sorted(parts))}")
    if not slots:
        problems.append("no slots are configured")
    if not simulated and pin_factory == "mock":
        problems.append("pin_factory = 'mock' on a real machine: the GPIO parts would be fake")
    return problems


def configuration_check(
    *,
    source: str,
    error: str | None,
    serial_port: str,
    pins: Mapping[str, int],
    slots: Sequence[int],
    pin_factory: str,
    simulated: bool,
) -> Check:
    """`error` is the loader's message when the file could not be used at all."""

    def run() -> CheckResult:
        if error is not None:
            return failed(
                f"configuration unusable (설정 오류): {error}",
                "fix the file and key named above; deploy/kiosk.toml lists every key",
            )
        problems = configuration_problems(
            serial_port=serial_port,
            pins=pins,
            slots=slots,
            pin_factory=pin_factory,
            simulated=simulated,
        )
        if problems:
            return failed(
                f"configuration has mistakes (설정 오류): {'; '.join(problems)}",
                f"correct them in {source}",
                problems=problems,
                source=source,
            )
        mode = "SIMULATION" if simulated else "real hardware"
        return passed(
            f"sane (설정 정상): {len(slots)} slots, {len(pins)} pins, port {serial_port}, {mode}",
            source=source,
            simulated=simulated,
        )

    return Check("config", "configuration", "config", run)


def serial_port_check(
    port: str,
    *,
    exists: Callable[[str], bool] = os.path.exists,
    usable: Callable[[str], bool] = lambda p: os.access(p, os.R_OK | os.W_OK),
) -> Check:
    def run() -> CheckResult:
        if "://" in port:
            return passed(f"{port} is a pyserial URL; the next check opens it", port=port)
        if not exists(port):
            return failed(
                f"{port} does not exist (시리얼 포트 없음)", _missing_port_hint(port), port=port
            )
        if not usable(port):
            return failed(
                f"{port} exists but cannot be opened (권한 없음)",
                "add the kiosk user to the 'dialout' group, then log in again",
                port=port,
            )
        resolved = os.path.realpath(port)
        if resolved == PI5_DEBUG_UART:
            return failed(
                f"{port} is {resolved}, the Pi 5's debug connector, not GPIO 14/15",
                "use /dev/maeum-board (deploy/install.sh) or /dev/ttyAMA0 with dtparam=uart0=on",
                port=port,
                resolved=resolved,
            )
        return passed(f"{port} is present", port=port, resolved=resolved)

    return Check("board.port", "serial port", "board", run, requires=("config",))


# On a Pi 5 /dev/serial0 points here: the 3-pin debug connector, not the header's GPIO 14/15.
PI5_DEBUG_UART = "/dev/ttyAMA10"


def _missing_port_hint(port: str) -> str:
    uart = (
        "on the UART: `sudo deploy/install.sh` sets it up (Pi 4: dtoverlay=disable-bt, Pi 5: "
        "dtparam=uart0=on; or raspi-config → Interface Options → Serial Port: login shell No, "
        "hardware Yes), then reboot"
    )
    usb = "on USB: check the cable and the board's power, then `ls /dev/serial/by-id/`"
    if port.startswith(("/dev/serial0", "/dev/ttyAMA", "/dev/ttyS")):
        return uart
    if port == "/dev/maeum-board":
        return f"the udev rule makes this name for the board; {uart}; {usb}"
    return f"{usb}, and put that path in serial_port"


# --- GPIO parts -----------------------------------------------------------------------------


@dataclass
class GpioSession:
    """The cabinet's GPIO parts, set up once by the "gpio.setup" check and shared after it."""

    build: Callable[[], MachineIO]
    io: MachineIO | None = None
    keys: list[Key] = field(default_factory=list)  # every keypad press, in order
    service_presses: int = 0

    def setup(self) -> MachineIO:
        if self.io is None:
            self.io = self.build()
            self.io.keypad.on_key(self.keys.append)
            self.io.service_button.on_press(self._service_pressed)
        return self.io

    def _service_pressed(self) -> None:
        self.service_presses += 1

    @property
    def parts(self) -> MachineIO:
        if self.io is None:  # the runner only calls a part's check after gpio.setup passed
            raise RuntimeError("GPIO parts used before gpio.setup")
        return self.io

    def close(self) -> None:
        if self.io is not None:
            self.io.close()
            self.io = None


KEY_GLOSS = {Key.PREVIOUS: "이전", Key.NEXT: "다음", Key.SELECT: "선택", Key.HELP: "도움"}


def gpio_checks(
    session: GpioSession,
    prompter: Prompter,
    pins: Mapping[str, int],
    *,
    wait_s: float = 20.0,
    waves: int = 3,
) -> list[Check]:
    """Setup (no person needed), then every part with the technician's help.

    `pins` are the BCM numbers by part name (as in the configuration), for the messages.
    """
    return [
        gpio_setup_check(session),
        *gpio_person_checks(session, prompter, pins, wait_s=wait_s, waves=waves),
    ]


def gpio_setup_check(session: GpioSession) -> Check:
    """Claims every pin (no person needed): a busy pin or a missing backend shows here."""
    return Check("gpio.setup", "GPIO parts set up", "gpio", lambda: _gpio_setup(session))


def gpio_person_checks(
    session: GpioSession,
    prompter: Prompter,
    pins: Mapping[str, int],
    *,
    wait_s: float = 20.0,
    waves: int = 3,
) -> list[Check]:
    """Each part with the technician: drop sensor, door, service button, four keys, lights."""
    needs = ("gpio.setup",)

    def person(name: str, title: str, run: Callable[[], CheckResult]) -> Check:
        return Check(name, title, "gpio", run, needs_person=True, requires=needs)

    checks = [
        person(
            "gpio.drop",
            "drop sensor",
            lambda: _drop_sensor(session.parts, prompter, pins["drop_sensor"], wait_s, waves),
        ),
        person(
            "gpio.door",
            "door switch",
            lambda: _door_switch(session.parts, prompter, pins["door"], wait_s),
        ),
        person(
            "gpio.service",
            "service button",
            lambda: _service_button(session, prompter, pins["service_button"], wait_s),
        ),
    ]
    for key in Key:
        checks.append(
            person(
                f"gpio.key.{key.value}",
                f"keypad key {key.value}",
                functools.partial(_keypad_key, session, prompter, key, pins, wait_s),
            )
        )
    checks += [
        person(
            "gpio.chute_light",
            "chute light",
            lambda: _chute_light(session.parts, prompter, pins["chute_light"]),
        ),
        person(
            "gpio.attention_led",
            "attention LED",
            lambda: _attention_led(session.parts, prompter, pins["attention_led"]),
        ),
    ]
    return checks


def _gpio_setup(session: GpioSession) -> CheckResult:
    try:
        io = session.setup()
    except GpioError as exc:
        return failed(
            f"cannot set up the GPIO parts (GPIO 오류): {exc}",
            "is the kiosk still running (systemctl stop maeum-kiosk)? Otherwise check "
            "pin_factory in the configuration and that python3-lgpio is installed",
        )
    backend = type(io.pin_factory).__name__
    mode = "SIMULATION: mock pins" if io.is_mock else f"{backend}"
    return passed(f"every part set up ({mode})", pin_factory=backend, mock=io.is_mock)


def _drop_sensor(
    io: MachineIO, prompter: Prompter, pin: int, wait_s: float, waves: int
) -> CheckResult:
    sensor = io.drop_sensor
    if sensor.beam_broken:
        return failed(
            f"the beam reads broken all the time (GPIO {pin} stays LOW) (센서 막힘)",
            "look for something stuck in the chute, wipe both sensor windows, check "
            "the emitter's power and that emitter and receiver face each other",
        )
    sensor.arm()
    seen = prompter.wait_for(
        Request(
            "drop.wave",
            f"Wave a hand through the chute {waves} times (배출구에 손을 {waves}번 넣어 주세요)",
        ),
        lambda: sensor.breaks_since_arm >= waves,
        wait_s,
    )
    count = sensor.breaks_since_arm
    if seen:
        return passed(f"counted {count} beam breaks (낙하 감지 정상)", breaks=count)
    if count == 0:
        return failed(
            f"no beam break seen (GPIO {pin} never went LOW) (감지 안 됨)",
            f"check the receiver's wire to GPIO {pin}, the emitter's power, and the "
            "alignment of emitter and receiver",
            breaks=0,
        )
    return failed(
        f"counted only {count} of {waves} beam breaks on GPIO {pin} (감지 불안정)",
        "wipe the sensor windows and check the alignment; a weak beam misses items",
        breaks=count,
    )


def _door_switch(io: MachineIO, prompter: Prompter, pin: int, wait_s: float) -> CheckResult:
    door = io.door
    # The technician usually starts with the door open; either way both positions are seen.
    for want_closed in (not door.is_closed, door.is_closed):
        if want_closed:
            request = Request("door.close", "Close the service door (서비스 문을 닫아 주세요)")
        else:
            request = Request("door.open", "Open the service door (서비스 문을 열어 주세요)")
        if not prompter.wait_for(request, functools.partial(_door_is, door, want_closed), wait_s):
            stuck = "closed" if door.is_closed else "open"
            return failed(
                f"the door switch reads {stuck} all the time (GPIO {pin}) (문 스위치 이상)",
                f"check the reed switch's wire to GPIO {pin} and GND, and that the "
                "door's magnet passes within a few mm of the switch",
            )
    return passed("reads open and closed (문 스위치 정상)")


def _door_is(door: DoorSwitch, closed: bool) -> bool:
    return door.is_closed == closed


def _service_button(
    session: GpioSession, prompter: Prompter, pin: int, wait_s: float
) -> CheckResult:
    io = session.parts
    if io.service_button.is_pressed:
        return failed(
            f"reads pressed all the time (GPIO {pin} stays LOW) (버튼 눌림 고정)",
            "the button is stuck, or its wire touches GND",
        )
    before = session.service_presses
    if prompter.wait_for(
        Request("service.press", "Press the service button inside the cabinet (서비스 버튼)"),
        lambda: session.service_presses > before,
        wait_s,
    ):
        return passed("press seen (서비스 버튼 정상)")
    return failed(
        f"no press seen (GPIO {pin} never went LOW) (버튼 반응 없음)",
        f"check the button's wires to GPIO {pin} and GND",
    )


def _keypad_key(
    session: GpioSession, prompter: Prompter, key: Key, pins: Mapping[str, int], wait_s: float
) -> CheckResult:
    io = session.parts
    pin = pins[f"key_{key.value}"]
    if io.keypad.is_pressed(key):
        return failed(
            f"reads pressed all the time (GPIO {pin} stays LOW) (키 눌림 고정)",
            "the key is stuck, or its wire touches GND",
        )
    start = len(session.keys)
    text = f"Press the keypad key '{key.value}' ({KEY_GLOSS[key]} 키를 눌러 주세요)"
    if not prompter.wait_for(
        Request(f"key.{key.value}", text), lambda: len(session.keys) > start, wait_s
    ):
        return failed(
            f"no press seen (GPIO {pin} never went LOW) (키 반응 없음)",
            f"check the key's wires to GPIO {pin} and GND, and the keypad's connector",
        )
    got = session.keys[start]
    if got is not key:
        return failed(
            f"the press arrived as '{got.value}' (키 배선 바뀜?)",
            f"if you pressed '{key.value}', its wire sits on GPIO "
            f"{pins[f'key_{got.value}']} instead of GPIO {pin}: swap the wires",
            got=got.value,
        )
    return passed(f"press seen (GPIO {pin}) (키 정상)")


def _chute_light(io: MachineIO, prompter: Prompter, pin: int) -> CheckResult:
    io.chute_light.pulse()
    try:
        prompter.note(f"The chute light is now pulsing (GPIO {pin} driven).")
        answer = prompter.ask(
            "light.chute", "Is the light in the chute pulsing? (배출구 조명이 깜빡이나요?)"
        )
    finally:
        io.chute_light.off()
    return _light_verdict(answer, "chute light", pin, "the LED strip's MOSFET and 12 V feed")


def _attention_led(io: MachineIO, prompter: Prompter, pin: int) -> CheckResult:
    io.attention_led.set(True)
    try:
        prompter.note(f"The attention LED is now on (GPIO {pin} HIGH).")
        answer = prompter.ask(
            "light.attention", "Is the amber LED on the front lit? (앞면 알림 LED가 켜졌나요?)"
        )
    finally:
        io.attention_led.set(False)
    return _light_verdict(answer, "attention LED", pin, "the LED's series resistor and polarity")


def _light_verdict(answer: Answer, part: str, pin: int, also: str) -> CheckResult:
    if answer is Answer.YES:
        return passed(f"the technician saw the {part} lit (조명 정상)")
    if answer is Answer.SKIP:
        return skipped("the technician could not tell")
    return failed(
        f"the {part} stays dark although GPIO {pin} is driven (조명 안 켜짐)",
        f"check the wire from GPIO {pin}, {also}",
    )


# --- the board's answers, judged ------------------------------------------------------------
#
# Pure functions from what the board said to a verdict, so every message is tested without a
# board; the checks below only fetch the answers.

SUPPLY_MV = (11_000, 13_000)  # the datasheet's healthy motor supply
MOTOR_MA = (150, 600)  # a healthy motor's current while it turns
REVOLUTION_S = (0.8, 2.5)  # one revolution, per the datasheet
IDLE_MA_MAX = 50  # more than this with no motor running: something is powered that should not be
SLOW_MARGIN_S = 0.2  # polling every 0.1 s measures a revolution up to one poll late


def slots_in_mask(mask: int) -> list[int]:
    """Bit i-1 stands for slot i."""
    return [bit + 1 for bit in range(16) if mask >> bit & 1]


def _slot_list(slots: Sequence[int]) -> str:
    return ("slot " if len(slots) == 1 else "slots ") + ", ".join(map(str, slots))


def hello_verdict(info: BoardInfo, configured_slots: Sequence[int]) -> CheckResult:
    details = {
        "proto": info.proto,
        "slots": info.slots,
        "firmware": f"{info.fw_major}.{info.fw_minor}",
        "board_id": info.board_id,
    }
    described = (
        f"MDP/{info.proto}, {info.slots} slots, firmware "
        f"{info.fw_major}.{info.fw_minor}, id {info.board_id}"
    )
    if info.proto != PROTOCOL_VERSION:
        return failed(
            f"the board speaks protocol {info.proto}, not MDP/1 (프로토콜 불일치)",
            "this board needs other firmware or another kiosk version",
            **details,
        )
    beyond = [s for s in configured_slots if s > info.slots]
    if beyond:
        return failed(
            f"{described}; but the configuration uses {_slot_list(beyond)} (슬롯 수 불일치)",
            f"remove {_slot_list(beyond)} from [[hardware.slots]], or fit a board with more slots",
            **details,
        )
    return passed(described, **details)


def status_verdict(status: BoardStatus) -> CheckResult:
    details = {
        "state": status.state.name,
        "active_vend_id": status.active_vend_id,
        "fault_mask": status.fault_mask,
        "faulted_slots": slots_in_mask(status.fault_mask),
        "uptime_s": status.uptime_s,
    }
    uptime = _duration(status.uptime_s)
    if status.state is BoardState.VENDING:
        return failed(
            f"the board is busy with vend {status.active_vend_id} (작동 중)",
            "is the kiosk still running? stop it (systemctl stop maeum-kiosk) and run hwtest again",
            **details,
        )
    faulted = slots_in_mask(status.fault_mask)
    if faulted:
        return failed(
            f"the board marked {_slot_list(faulted)} faulted (모터 고장 기록); up {uptime}",
            "a motor stalled or was unplugged there since the board started: see the "
            "slot checks below; after the repair, power-cycle the board to clear it",
            **details,
        )
    if status.state is BoardState.FAULT:
        return failed(
            f"the board reports a fault with no slot named (보드 고장); up {uptime}",
            "power-cycle the board; if it stays, the board needs repair",
            **details,
        )
    return passed(f"idle, no faults, up {uptime}", **details)


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60:02d} min" if hours else f"{rest // 60} min {rest % 60:02d} s"


def supply_verdict(sensors: Sensors, *, idle: bool) -> CheckResult:
    volts = sensors.supply_mv / 1000
    details = {"supply_mv": sensors.supply_mv, "motor_ma": sensors.motor_ma}
    low, high = SUPPLY_MV
    if sensors.supply_mv == 0:
        return failed(
            "no motor supply (0 V) (모터 전원 없음)",
            "check that the 12 V supply is plugged in and switched on, its fuse, and "
            "its connector on the board",
            **details,
        )
    if sensors.supply_mv < low:
        return failed(
            f"motor supply {volts:.1f} V is low (전원 전압 낮음); healthy is 11–13 V",
            "check the 12 V supply and its connector; a weak supply stalls motors",
            **details,
        )
    if sensors.supply_mv > high:
        return failed(
            f"motor supply {volts:.1f} V is high (전원 전압 높음); healthy is 11–13 V",
            "is the right supply fitted? The board needs 12 V",
            **details,
        )
    if idle and sensors.motor_ma > IDLE_MA_MAX:
        return failed(
            f"supply {volts:.1f} V, but {sensors.motor_ma} mA flow with no motor "
            "running (대기 전류 이상)",
            "look for a motor wire shorted to the frame, or a motor driver stuck on",
            **details,
        )
    return passed(f"motor supply {volts:.2f} V (전원 정상)", **details)


def home_verdict(sensors: Sensors, configured_slots: Sequence[int]) -> CheckResult:
    """At rest every motor is parked on its home switch (the switch closes once per turn)."""
    parked = set(slots_in_mask(sensors.home_mask))
    away = [s for s in configured_slots if s not in parked]
    details = {"home_mask": sensors.home_mask, "not_home": away}
    if away:
        return failed(
            f"{_slot_list(away)} not on the home switch at rest (홈 스위치 열림)",
            "a spiral stopped off its home position or its home switch does not close: "
            "check the switch and its wire at the motor; the slot check below turns it "
            "once",
            **details,
        )
    return passed(
        f"every configured slot is on its home switch ({len(configured_slots)})", **details
    )


@dataclass(frozen=True)
class MotorRun:
    """What happened when one slot was turned once."""

    slot: int
    vend_id: int
    result: VendResultCode | None  # None: the board refused to start (see `refused`)
    refused: VendCode | None = None
    seconds: float = 0.0
    peak_ma: int | None = None  # highest current sampled while turning, if sampled
    dropped: bool | None = None  # the drop sensor saw something fall; None: not watched
    stocked: bool | None = None  # the ledger counts items in the slot; None: not known


def motor_verdict(run: MotorRun) -> CheckResult:
    details: dict[str, Any] = {
        "vend_id": run.vend_id,
        "seconds": round(run.seconds, 2),
        "peak_ma": run.peak_ma,
        "item_fell": run.dropped,
        "stocked": run.stocked,
        "board_result": _name(run.result or run.refused),
    }
    n = run.slot
    if run.refused is not None:
        return _refused_verdict(n, run.refused, details)
    if run.result is VendResultCode.MOTOR_STALL:
        return failed(
            "stalled (모터 멈춤): the home switch was not reached within 4 s",
            f"check the spiral for a jam and the motor connector J{n}; then "
            "power-cycle the board to clear the fault",
            **details,
        )
    if run.result is VendResultCode.NO_MOTOR:
        return failed(
            "no motor (모터 연결 없음): open circuit when the motor started",
            f"check the motor connector J{n} and the motor's wires for a break",
            **details,
        )
    if run.result is not VendResultCode.DONE:
        return failed(
            f"the board lost track of the vend ({_name(run.result)}) (결과 모름)",
            "did the board restart? check its power and cable, then try again",
            **details,
        )
    return _done_verdict(run, details)


def _done_verdict(run: MotorRun, details: Details) -> CheckResult:
    n = run.slot
    fell = ""
    if run.dropped is True:
        fell = "; an item fell: put it back in the slot (stock unchanged)"
    elif run.dropped is False:
        fell = {
            False: "; nothing fell, as expected: the ledger says it is empty",
            None: "; nothing fell (slot empty, or the item is stuck)",
            True: "",  # a failure, below
        }[run.stocked]
    current = "" if run.peak_ma is None else f", {run.peak_ma} mA"
    turned = f"one turn in {run.seconds:.1f} s{current}"
    if run.seconds > REVOLUTION_S[1] + SLOW_MARGIN_S:
        return failed(
            f"turned, but slowly: {turned} (healthy up to 2.5 s) (회전 느림)",
            f"check the spiral in slot {n} for friction and the motor supply; "
            "a slow motor soon stalls",
            **details,
        )
    if run.peak_ma is not None and run.peak_ma > MOTOR_MA[1]:
        return failed(
            f"{turned}: too much current (과전류), healthy is 150–600 mA",
            f"the spiral in slot {n} binds or the motor is wearing out: check for "
            "a bent spiral or an item caught",
            **details,
        )
    if run.peak_ma is not None and run.peak_ma < MOTOR_MA[0]:
        return failed(
            f"{turned}: too little current (전류 부족), healthy is 150–600 mA",
            f"check the motor connector J{n} for a loose contact",
            **details,
        )
    if run.dropped is False and run.stocked:
        return failed(
            f"{turned}, but nothing fell although the ledger counts items in it (배출 안 됨)",
            f"look into slot {n}: an item caught on the spiral, or a spiral too tight for the "
            "item; if the slot is really empty, refill it and record the refill; if an item did "
            "fall, see the drop sensor check",
            **details,
        )
    return passed(f"{turned}{fell}", **details)


def _refused_verdict(n: int, code: VendCode, details: Details) -> CheckResult:
    if code is VendCode.SLOT_FAULTED:
        return failed(
            "the board refuses it: marked faulted earlier (고장 표시)",
            f"fix slot {n} (jam? connector J{n}?), then power-cycle the board to clear "
            "the mark and run hwtest again",
            **details,
        )
    if code is VendCode.BAD_SLOT:
        return failed(
            f"the board has no slot {n} (슬롯 없음)",
            "remove it from [[hardware.slots]] in the configuration",
            **details,
        )
    return failed(
        f"the board refused to start ({code.name}) (시작 거부)",
        "another vend is running: is the kiosk still running? stop it and try again",
        **details,
    )


def _name(code: enum.Enum | None) -> str | None:
    return None if code is None else code.name


# --- the board and its slots ----------------------------------------------------------------

LINK_REQUESTS = 20  # STATUS round trips for the link check
LINK_MAX_RESENDS = 1  # one late reply can be bad luck; two in twenty is a bad line
LINK_MAX_MEDIAN_S = 0.020  # the datasheet promises a reply within 10 ms; allow the host's share
MOTOR_DEADLINE_S = 6.0  # the board gives up on a stall after 4 s; beyond 6 s it did not stop
BOOT_WAIT_S = 1.6  # power-on to ready is at most 1.5 s (datasheet)
BOARD_HISTORY = 16  # vends the board remembers (datasheet)


@dataclass
class BoardSession:
    """The board, opened by the HELLO check and shared by the checks after it."""

    connect: Callable[[], Board]
    board: Board | None = None
    info: BoardInfo | None = None

    def open(self) -> BoardInfo:
        self.close()
        board = self.connect()
        self.info = board.open()
        self.board = board
        return self.info

    @property
    def opened(self) -> Board:
        if self.board is None:  # the runner only calls these checks after board.hello passed
            raise RuntimeError("board used before board.hello")
        return self.board

    def close(self) -> None:
        if self.board is not None:
            self.board.close()
            self.board = None


class TurnJournal(Protocol):
    """Where a test vend is written down (the kiosk's ledger, kind 'test'): `begin` hands
    out a vend_id that was never used, so the board cannot mistake it for an old vend."""

    def begin(self, slot: int, kind: VendKind = VendKind.VISIT) -> int: ...

    def finish(self, vend_id: int, outcome: VendOutcome, detail: str = "") -> None: ...


def board_checks(
    session: BoardSession,
    port: str,
    configured_slots: Sequence[int],
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    include_health: bool = True,
) -> list[Check]:
    """Port and HELLO (needed by the slots too); then link, STATUS, supply and home switches.

    `include_health=False` keeps only what the slot checks need (for `--only slots`).
    """
    hello = ("board.hello",)
    checks = [
        serial_port_check(port),
        Check(
            "board.hello",
            "board HELLO",
            "board",
            lambda: _hello(session, port, configured_slots, clock, sleep),
            requires=("board.port",),
        ),
    ]
    if include_health:
        checks += [
            Check(
                "board.link",
                "serial link",
                "board",
                lambda: _link(session.opened, clock),
                requires=hello,
            ),
            Check(
                "board.status",
                "board STATUS",
                "board",
                lambda: status_verdict(session.opened.status()),
                requires=hello,
            ),
            Check(
                "board.supply",
                "motor supply voltage",
                "board",
                lambda: _supply(session.opened),
                requires=hello,
            ),
            Check(
                "board.home",
                "home switches",
                "board",
                lambda: home_verdict(session.opened.sensors(), configured_slots),
                requires=hello,
            ),
        ]
    return checks


def _hello(
    session: BoardSession, port: str, configured_slots: Sequence[int], clock: Clock, sleep: Sleep
) -> CheckResult:
    try:
        info = _open_while_booting(session, clock, sleep)
    except BoardDisconnected as exc:
        return failed(
            f"cannot open {port} (포트 열기 실패): {exc}",
            "check the cable; if the port exists, is another program using it "
            "(the kiosk: systemctl stop maeum-kiosk)?",
        )
    except BoardProtocolError as exc:
        return failed(
            f"the board answers, but not in MDP/1 (프로토콜 오류): {exc}",
            "check the board's firmware version with its maker",
        )
    except BoardUnreachable as exc:
        return failed(
            f"no answer from the board (보드 응답 없음): {exc}",
            "check the board's power (12 V, its LED), that TX goes to RX and RX to TX, "
            "and the ground wire between the Pi and the board",
        )
    return hello_verdict(info, configured_slots)


def _open_while_booting(session: BoardSession, clock: Clock, sleep: Sleep) -> BoardInfo:
    """A board switched on a moment ago is deaf for up to 1.5 s: keep saying HELLO that long."""
    end = clock() + BOOT_WAIT_S
    while True:
        try:
            return session.open()
        except BoardDisconnected:
            raise
        except BoardUnreachable:
            if clock() >= end:
                raise
        sleep(0.1)


def _link(board: Board, clock: Clock) -> CheckResult:
    before = (board.stats.resends, board.stats.unanswered)
    times = []
    for _ in range(LINK_REQUESTS):
        start = clock()
        try:
            board.status()
        except BoardDisconnected:
            raise
        except BoardUnreachable:
            continue  # counted in the board's statistics; the verdict below says it
        times.append(clock() - start)
    resends = board.stats.resends - before[0]
    unanswered = board.stats.unanswered - before[1]
    if not times:
        raise BoardUnreachable(f"none of {LINK_REQUESTS} STATUS requests was answered")
    median = sorted(times)[len(times) // 2]
    details = {
        "requests": LINK_REQUESTS,
        "resends": resends,
        "unanswered": unanswered,
        "median_ms": round(median * 1000, 1),
        "worst_ms": round(max(times) * 1000, 1),
    }
    if resends > LINK_MAX_RESENDS or unanswered:
        return failed(
            f"{resends} resends for {LINK_REQUESTS} requests, {unanswered} never answered: "
            "replies are lost or damaged (통신 불량)",
            "check the serial cable and its ground wire, keep it away from the motor "
            "wires, and make sure the baud rate is 115200",
            **details,
        )
    if median > LINK_MAX_MEDIAN_S:
        return failed(
            f"the board answers slowly: {median * 1000:.0f} ms (응답 느림); "
            "it should answer within 10 ms",
            "a USB hub or adapter in between? connect the board directly; otherwise "
            "the board's firmware is overloaded",
            **details,
        )
    return passed(
        f"{LINK_REQUESTS} requests, {resends} resent, replies in "
        f"{median * 1000:.1f} ms (통신 정상)",
        **details,
    )


def _supply(board: Board) -> CheckResult:
    idle = board.status().state is not BoardState.VENDING
    return supply_verdict(board.sensors(), idle=idle)


def slot_checks(
    session: BoardSession,
    slots: Sequence[int],
    journal: TurnJournal,
    *,
    drop_sensor: Callable[[], DropSensor | None] = lambda: None,
    stocked: Callable[[int], bool | None] = lambda slot: None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    poll_s: float = 0.1,
    drop_grace_s: float = 2.0,
) -> list[Check]:
    """Turn each slot once as a test vend written down in `journal`.

    `drop_sensor` is asked at run time (the GPIO check may or may not have set it up): with a
    sensor, each turn also says whether an item fell, and `stocked(slot)` (from the ledger)
    whether one should have.
    """

    def check(slot: int) -> Check:
        def run() -> CheckResult:
            expected = stocked(slot)
            turn = _TestTurn(
                session.opened, journal, drop_sensor(), clock, sleep, poll_s, drop_grace_s
            )
            return motor_verdict(replace(turn.run(slot), stocked=expected))

        # A bad line could lose a test vend's result: fix the link before turning motors.
        needs = ("board.hello", "board.link")
        return Check(f"slots.{slot}", f"slot {slot} motor", "slots", run, requires=needs)

    return [check(slot) for slot in slots]


@dataclass
class _TestTurn:
    board: Board
    journal: TurnJournal
    drop: DropSensor | None
    clock: Clock
    sleep: Sleep
    poll_s: float
    drop_grace_s: float

    def run(self, slot: int) -> MotorRun:
        # DUPLICATE means the board still remembers this vend_id from before the ledger handed
        # it out (a ledger newer than the board's last power-up): nothing turned, so take the
        # next id. The board remembers 16 vends, so 17 tries always get through.
        for _ in range(BOARD_HISTORY + 1):
            vend_id = self.journal.begin(slot, VendKind.TEST)
            try:
                run = self._turn(slot, vend_id)
            except HardwareError as exc:
                self.journal.finish(vend_id, VendOutcome.UNVERIFIED, f"hwtest: {exc}")
                raise
            detail = f"hwtest: {_name(run.result or run.refused)}"
            self.journal.finish(vend_id, _outcome(run), detail)
            if run.refused is not VendCode.DUPLICATE:
                break
        return run

    def _turn(self, slot: int, vend_id: int) -> MotorRun:
        if self.drop is not None:
            self.drop.arm()
        start = self.clock()
        code = self.board.start_vend(vend_id, slot)
        if code is not VendCode.ACCEPTED:
            return MotorRun(slot, vend_id, None, refused=code)
        # Poll the result and sample the motor current on the way (the datasheet: ~100 ms).
        peak: int | None = None
        result = VendResultCode.RUNNING
        while self.clock() - start < MOTOR_DEADLINE_S:
            sample = self.board.sensors().motor_ma
            peak = sample if peak is None else max(peak, sample)
            result = self.board.vend_result(vend_id)
            if result.final:
                break
            self.sleep(self.poll_s)
        seconds = self.clock() - start
        return MotorRun(
            slot, vend_id, result, seconds=seconds, peak_ma=peak, dropped=self._dropped(result)
        )

    def _dropped(self, result: VendResultCode) -> bool | None:
        if self.drop is None:
            return None
        if result is VendResultCode.DONE:
            # The item falls after the spiral lets go of it: give it a moment to pass the beam.
            end = self.clock() + self.drop_grace_s
            while not self.drop.dropped and self.clock() < end:
                self.sleep(0.02)
        return self.drop.dropped


def _outcome(run: MotorRun) -> VendOutcome:
    """How the ledger files a test turn (it keeps stock untouched for kind 'test')."""
    faulty = (VendResultCode.MOTOR_STALL, VendResultCode.NO_MOTOR)
    if run.result in faulty or run.refused in (VendCode.SLOT_FAULTED, VendCode.BAD_SLOT):
        return VendOutcome.MOTOR_FAULT
    if run.result is VendResultCode.DONE and run.dropped is not None:
        return VendOutcome.DISPENSED if run.dropped else VendOutcome.NO_DROP
    # Turned with no drop sensor watching, BUSY, or the board lost the vend: nobody can say
    # whether an item fell.
    return VendOutcome.UNVERIFIED
