"""The GPIO parts on gpiozero's MockFactory: what a visitor, staff or a technician would notice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from hardware.errors import GpioError
from hardware.gpio import CabinetIO, Key, make_pin_factory
from tests.hardware.wiring import Pins


@pytest.fixture
def factory() -> Any:
    return make_pin_factory("mock")


@pytest.fixture
def io(factory: Any) -> Iterator[CabinetIO]:
    parts = CabinetIO.build(Pins(), factory)
    yield parts
    parts.close()


def pulse_low(factory: Any, pin: int) -> None:
    """A falling item or a key press: the pin goes LOW, then back HIGH."""
    factory.pin(pin).drive_low()
    factory.pin(pin).drive_high()


def test_each_beam_break_is_counted_once(io: CabinetIO, factory: Any) -> None:
    for _ in range(3):
        pulse_low(factory, 17)
    assert io.drop_sensor.breaks == 3


def test_a_break_after_arming_is_the_drop(io: CabinetIO, factory: Any) -> None:
    io.drop_sensor.arm()
    assert not io.drop_sensor.dropped
    pulse_low(factory, 17)
    assert io.drop_sensor.wait_for_drop(0.0)
    assert io.drop_sensor.breaks_since_arm == 1


def test_a_break_before_arming_does_not_count_for_the_next_vend(
    io: CabinetIO, factory: Any
) -> None:
    pulse_low(factory, 17)
    io.drop_sensor.arm()
    assert not io.drop_sensor.wait_for_drop(0.0)
    assert io.drop_sensor.breaks == 1


def test_a_worker_waiting_for_the_drop_wakes_on_the_edge(io: CabinetIO, factory: Any) -> None:
    io.drop_sensor.arm()
    seen: list[bool] = []
    waiting = threading.Thread(target=lambda: seen.append(io.drop_sensor.wait_for_drop(5.0)))
    waiting.start()
    pulse_low(factory, 17)
    waiting.join(5.0)
    assert seen == [True]


def test_a_blocked_beam_is_visible(io: CabinetIO, factory: Any) -> None:
    factory.pin(17).drive_low()
    assert io.drop_sensor.beam_broken


def test_door_reads_closed_only_while_the_reed_pulls_low(io: CabinetIO, factory: Any) -> None:
    assert not io.door.is_closed  # pull-up with nothing connected: a cut wire reads open
    changes: list[bool] = []
    io.door.on_change(changes.append)
    factory.pin(27).drive_low()
    assert io.door.is_closed
    factory.pin(27).drive_high()
    assert not io.door.is_closed
    assert changes == [True, False]


def test_service_button_calls_back_on_press(io: CabinetIO, factory: Any) -> None:
    presses: list[str] = []
    io.service_button.on_press(lambda: presses.append("pressed"))
    pulse_low(factory, 22)
    assert presses == ["pressed"]


@pytest.mark.parametrize(
    ("pin", "key"), [(5, Key.PREVIOUS), (6, Key.NEXT), (13, Key.SELECT), (26, Key.HELP)]
)
def test_each_keypad_key_reports_itself(io: CabinetIO, factory: Any, pin: int, key: Key) -> None:
    keys: list[Key] = []
    io.keypad.on_key(keys.append)
    pulse_low(factory, pin)
    assert keys == [key]


def test_holding_a_key_reports_one_press(io: CabinetIO, factory: Any) -> None:
    keys: list[Key] = []
    io.keypad.on_key(keys.append)
    factory.pin(13).drive_low()
    assert io.keypad.is_pressed(Key.SELECT)
    factory.pin(13).drive_low()
    factory.pin(13).drive_high()
    assert keys == [Key.SELECT]


def test_chute_light_pulses_until_turned_off(io: CabinetIO, factory: Any) -> None:
    assert factory.pin(12).state == 0
    io.chute_light.pulse()
    assert io.chute_light.is_pulsing
    io.chute_light.off()
    assert not io.chute_light.is_pulsing
    assert factory.pin(12).state == 0


def test_chute_light_actually_changes_brightness(io: CabinetIO, factory: Any) -> None:
    io.chute_light.pulse()
    pin = factory.pin(12)
    lit = threading.Event()
    # The fade runs on gpiozero's thread: look (for at most 2 s) until it has lit the pin.
    for _ in range(200):
        if pin.state > 0:
            lit.set()
            break
        lit.wait(0.01)
    io.chute_light.off()
    assert lit.is_set()


def test_attention_led_follows_set(io: CabinetIO, factory: Any) -> None:
    io.attention_led.set(True)
    assert io.attention_led.is_lit and factory.pin(16).state == 1
    io.attention_led.set(False)
    assert not io.attention_led.is_lit and factory.pin(16).state == 0


def test_closing_turns_the_lights_off(factory: Any) -> None:
    parts = CabinetIO.build(Pins(), factory)
    parts.attention_led.set(True)
    parts.chute_light.pulse()
    parts.close()
    assert factory.pin(16).state == 0
    assert factory.pin(12).state == 0


def test_a_pin_used_twice_fails_loudly_naming_the_part(factory: Any) -> None:
    with pytest.raises(GpioError, match=r"keypad key next on GPIO17"):
        CabinetIO.build(Pins(key_next=17), factory)


def test_a_failed_build_releases_the_pins_it_took(factory: Any) -> None:
    with pytest.raises(GpioError):
        CabinetIO.build(Pins(attention_led=17), factory)
    CabinetIO.build(Pins(), factory).close()  # every pin free again


def test_unknown_pin_factory_is_an_error() -> None:
    with pytest.raises(GpioError, match="unknown pin factory"):
        make_pin_factory("mokc")


def test_a_real_backend_that_is_missing_is_an_error_not_mock() -> None:
    try:
        import lgpio  # noqa: F401
    except ImportError:
        with pytest.raises(GpioError, match="lgpio"):
            make_pin_factory("lgpio")
    else:
        pytest.skip("lgpio is installed here")


def test_environment_cannot_turn_the_default_into_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "mock")
    with pytest.raises(GpioError):
        make_pin_factory("")
