"""The GPIO parts, each with the technician: drop sensor, door, service button, keys, lights."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from hardware.diagnostics.checks import Check, CheckResult, failed, passed, skipped
from hardware.diagnostics.person import Answer, Prompter, Request
from hardware.errors import GpioError
from hardware.gpio import CabinetIO, DoorSwitch, Key


@dataclass
class GpioSession:
    """The cabinet's GPIO parts, set up once by the "gpio.setup" check and shared after it."""

    build: Callable[[], CabinetIO]
    io: CabinetIO | None = None
    keys: list[Key] = field(default_factory=list)  # every keypad press, in order
    service_presses: int = 0

    def setup(self) -> CabinetIO:
        if self.io is None:
            self.io = self.build()
            self.io.keypad.on_key(self.keys.append)
            self.io.service_button.on_press(self._service_pressed)
        return self.io

    def _service_pressed(self) -> None:
        self.service_presses += 1

    @property
    def parts(self) -> CabinetIO:
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
    io: CabinetIO, prompter: Prompter, pin: int, wait_s: float, waves: int
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


def _door_switch(io: CabinetIO, prompter: Prompter, pin: int, wait_s: float) -> CheckResult:
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


def _chute_light(io: CabinetIO, prompter: Prompter, pin: int) -> CheckResult:
    io.chute_light.pulse()
    try:
        prompter.note(f"The chute light is now pulsing (GPIO {pin} driven).")
        answer = prompter.ask(
            "light.chute", "Is the light in the chute pulsing? (배출구 조명이 깜빡이나요?)"
        )
    finally:
        io.chute_light.off()
    return _light_verdict(answer, "chute light", pin, "the LED strip's MOSFET and 12 V feed")


def _attention_led(io: CabinetIO, prompter: Prompter, pin: int) -> CheckResult:
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
