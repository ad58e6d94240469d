"""The parts wired to the Raspberry Pi's GPIO, as gpiozero devices.

Every part takes its `pin_factory` as an argument (gpiozero style), so the same code runs on
lgpio on the Pi and on gpiozero's `MockFactory` in tests and in simulation. Pin numbers are BCM;
the kiosk's defaults are the datasheet's host wiring (GPIO17 drop sensor, 27 door, 22 service
button, 5/6/13/26 keypad, 12 chute light, 16 attention LED).

Callbacks (`on_key`, `on_press`, `on_change`) run on gpiozero's own thread, never on the UI
thread: a receiver must hand them over to its event stream and return at once.

A pin factory that cannot be made raises `GpioError`; nothing here ever falls back to mock pins.
"""

from __future__ import annotations

import enum
import functools
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from gpiozero import LED, PWMLED, Device, DigitalInputDevice
from gpiozero.exc import GPIOZeroError
from gpiozero.pins.mock import MockFactory, MockPWMPin

from hardware.errors import GpioError

# gpiozero is untyped; a factory is whatever gpiozero accepts as `pin_factory`.
PinFactory = Any

# Debounce for the mechanical switches (keypad, service button, door reed): presses last far
# longer than 30 ms, contact bounce far shorter. The drop sensor gets none: a falling item breaks
# the beam for only 5-50 ms.
SWITCH_BOUNCE_S = 0.03

# The mock pins keep every state change in a list; the chute light's pulse makes ~50 a second.
# A simulated kiosk runs for days, so only the newest changes are kept.
_MOCK_STATES_KEPT = 1000


class _BoundedMockPWMPin(MockPWMPin):  # type: ignore[misc]
    """A PWM-capable mock pin whose history of states does not grow without end."""

    def _change_state(self, value: Any) -> bool:
        changed = bool(super()._change_state(value))
        if len(self.states) > _MOCK_STATES_KEPT:
            del self.states[: len(self.states) - _MOCK_STATES_KEPT]
        return changed


_REAL_FACTORIES = {
    "lgpio": ("gpiozero.pins.lgpio", "LGPIOFactory"),
    "rpigpio": ("gpiozero.pins.rpigpio", "RPiGPIOFactory"),
    "pigpio": ("gpiozero.pins.pigpio", "PiGPIOFactory"),
    "native": ("gpiozero.pins.native", "NativeFactory"),
}


def make_pin_factory(name: str) -> PinFactory:
    """The pin factory the configuration names, or `GpioError` saying why it cannot be had.

    "mock": gpiozero's `MockFactory` with PWM-capable pins (tests and simulation only);
    "lgpio" (Pi 5, and Pi 4 on Bookworm), "rpigpio", "pigpio", "native": that backend;
    "": gpiozero's own choice among the real backends.
    """
    if name == "mock":
        return MockFactory(pin_class=_BoundedMockPWMPin)
    try:
        if name == "":
            factory = _default_factory()
        elif name in _REAL_FACTORIES:
            module_name, class_name = _REAL_FACTORIES[name]
            module = __import__(module_name, fromlist=[class_name])
            factory = getattr(module, class_name)()
        else:
            known = ", ".join(["mock", *_REAL_FACTORIES, '""'])
            raise GpioError(f"unknown pin factory {name!r} (known: {known})")
    except GpioError:
        raise
    except Exception as exc:  # ImportError, BadPinFactory, OSError from /dev/gpiochip…
        raise GpioError(f"pin factory {name or 'default'!r} cannot be used: {exc}") from exc
    if isinstance(factory, MockFactory):
        # Only reachable through GPIOZERO_PIN_FACTORY=mock in the environment.
        raise GpioError("the real pin factory came out as gpiozero's mock (GPIOZERO_PIN_FACTORY)")
    return factory


def _default_factory() -> PinFactory:
    """gpiozero's own choice; its fallback warnings go into the error instead of stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return Device._default_pin_factory()
        except Exception as exc:
            tried = "; ".join(str(w.message) for w in caught)
            raise GpioError(f"no usable GPIO backend ({tried})") from exc


def _part(what: str, pin: int, build: Callable[[], Any]) -> Any:
    """Build one gpiozero device, turning its failure into a GpioError that names the part."""
    try:
        return build()
    except (GPIOZeroError, OSError, RuntimeError, ValueError) as exc:
        raise GpioError(f"{what} on GPIO{pin}: {exc}") from exc


def _switch(pin: int, pin_factory: PinFactory) -> Any:
    """A switch to GND with the internal pull-up, active (pressed, closed) when LOW.

    gpiozero's `Button` would add a hold-timer thread per key that nothing here uses.
    """
    return DigitalInputDevice(
        pin, pull_up=True, bounce_time=SWITCH_BOUNCE_S, pin_factory=pin_factory
    )


class DropSensor:
    """The IR light barrier across the chute: it is the only witness that an item fell.

    Wiring: the receiver's open-collector output to the pin (default GPIO17) with the Pi's
    internal pull-up; LOW while the beam is broken. A falling item breaks it for 5-50 ms, far
    shorter than a frame, so breaks are counted on the falling edge in gpiozero's callback and
    never by polling. A vend `arm()`s the sensor before it starts the motor and then waits with
    `wait_for_drop()` on its worker thread; the UI thread never waits on it.
    """

    def __init__(self, pin: int, *, pin_factory: PinFactory) -> None:
        self.pin = pin
        self._device = _part(
            "drop sensor",
            pin,
            lambda: DigitalInputDevice(pin, pull_up=True, pin_factory=pin_factory),
        )
        self._lock = threading.Lock()
        self._breaks = 0
        self._armed_breaks = 0
        self._dropped = threading.Event()
        self._device.when_activated = self._on_break

    def _on_break(self) -> None:
        with self._lock:
            self._breaks += 1
        self._dropped.set()

    def arm(self) -> None:
        """Forget earlier breaks: from now on, a break counts as this vend's drop."""
        with self._lock:
            self._dropped.clear()
            self._armed_breaks = self._breaks

    def wait_for_drop(self, timeout_s: float) -> bool:
        """True as soon as the beam has broken since `arm()`; False after `timeout_s` without."""
        return self._dropped.wait(max(0.0, timeout_s))

    @property
    def dropped(self) -> bool:
        """Whether the beam broke since `arm()` (without waiting)."""
        return self._dropped.is_set()

    @property
    def breaks(self) -> int:
        """Beam breaks counted since the part was set up."""
        with self._lock:
            return self._breaks

    @property
    def breaks_since_arm(self) -> int:
        with self._lock:
            return self._breaks - self._armed_breaks

    @property
    def beam_broken(self) -> bool:
        """The beam is broken right now (something stuck in the chute, or a dirty sensor)."""
        return bool(self._device.is_active)

    def close(self) -> None:
        self._device.close()


class DoorSwitch:
    """The service door's reed switch: vends are refused while the door is open.

    Wiring: reed switch between the pin (default GPIO27) and GND, internal pull-up; the magnet
    on the door closes it, so LOW = door closed. A cut wire reads as "open", the safe side.
    """

    def __init__(self, pin: int, *, pin_factory: PinFactory) -> None:
        self.pin = pin
        self._device = _part(
            "door switch",
            pin,
            lambda: _switch(pin, pin_factory),
        )

    @property
    def is_closed(self) -> bool:
        return bool(self._device.is_active)

    def on_change(self, callback: Callable[[bool], None]) -> None:
        """Call `callback(is_closed)` whenever the door opens or closes."""
        self._device.when_activated = lambda: callback(True)
        self._device.when_deactivated = lambda: callback(False)

    def close(self) -> None:
        self._device.close()


class EarphoneJack:
    """The detect switch of the front 3.5 mm earphone jack: a plug in starts voice guidance and
    silences the speaker (the speaker is cut in copper by the jack's own contacts; this only
    tells the software).

    Wiring: the switched jack's detect contact between the pin (default GPIO23) and GND,
    internal pull-up; LOW = an earphone is plugged in. Not wired, the pin reads "no earphone".
    """

    def __init__(self, pin: int, *, pin_factory: PinFactory) -> None:
        self.pin = pin
        self._device = _part("earphone jack", pin, lambda: _switch(pin, pin_factory))

    @property
    def present(self) -> bool:
        return bool(self._device.is_active)

    def on_change(self, callback: Callable[[bool], None]) -> None:
        """Call `callback(present)` whenever an earphone is plugged in or pulled out."""
        self._device.when_activated = lambda: callback(True)
        self._device.when_deactivated = lambda: callback(False)

    def close(self) -> None:
        self._device.close()


class ServiceButton:
    """The push button inside the cabinet that opens staff mode.

    Wiring: momentary button between the pin (default GPIO22) and GND, internal pull-up;
    LOW = pressed.
    """

    def __init__(self, pin: int, *, pin_factory: PinFactory) -> None:
        self.pin = pin
        self._device = _part(
            "service button",
            pin,
            lambda: _switch(pin, pin_factory),
        )
        self._callbacks: list[Callable[[], None]] = []
        self._device.when_activated = self._pressed

    def _pressed(self) -> None:
        for callback in list(self._callbacks):
            callback()

    def on_press(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    @property
    def is_pressed(self) -> bool:
        return bool(self._device.is_active)

    def close(self) -> None:
        self._device.close()


class Key(enum.Enum):
    """The four keys of the tactile keypad under the screen, for visitors who cannot use touch."""

    PREVIOUS = "previous"
    NEXT = "next"
    SELECT = "select"
    HELP = "help"


class KeyPins(Protocol):
    @property
    def key_previous(self) -> int: ...
    @property
    def key_next(self) -> int: ...
    @property
    def key_select(self) -> int: ...
    @property
    def key_help(self) -> int: ...


class Keypad:
    """The 4-key tactile keypad: previous, next, select, help.

    Wiring: four momentary keys, each between its pin (defaults GPIO5, 6, 13, 26) and GND, with
    internal pull-ups; LOW = pressed. The kiosk turns each press into the same UI event as the
    arrow keys, Enter and H on a keyboard.
    """

    def __init__(self, pins: KeyPins, *, pin_factory: PinFactory) -> None:
        wiring = {
            Key.PREVIOUS: pins.key_previous,
            Key.NEXT: pins.key_next,
            Key.SELECT: pins.key_select,
            Key.HELP: pins.key_help,
        }
        self.pins = dict(wiring)
        self._callbacks: list[Callable[[Key], None]] = []
        self._buttons: dict[Key, Any] = {}
        try:
            for key, pin in wiring.items():
                button = _part(
                    f"keypad key {key.value}",
                    pin,
                    functools.partial(_switch, pin, pin_factory),
                )
                button.when_activated = functools.partial(self._pressed, key)
                self._buttons[key] = button
        except GpioError:
            self.close()
            raise

    def _pressed(self, key: Key) -> None:
        for callback in list(self._callbacks):
            callback(key)

    def on_key(self, callback: Callable[[Key], None]) -> None:
        """Call `callback(key)` on every key press (on gpiozero's thread)."""
        self._callbacks.append(callback)

    def is_pressed(self, key: Key) -> bool:
        return bool(self._buttons[key].is_active)

    def close(self) -> None:
        for button in self._buttons.values():
            button.close()


class ChuteLight:
    """The light in the chute opening: it pulses while an item waits to be taken.

    Wiring: LED strip through a logic-level MOSFET, gate on the pin (default GPIO12, hardware
    PWM0) with a 10 kΩ pull-down so it stays dark while the Pi boots; HIGH = lit.
    """

    def __init__(self, pin: int, *, pin_factory: PinFactory) -> None:
        self.pin = pin
        self._device = _part(
            "chute light", pin, lambda: PWMLED(pin, initial_value=0, pin_factory=pin_factory)
        )
        self._pulsing = False

    def pulse(self) -> None:
        """Fade in and out, once a second each way, until `off()` (in gpiozero's thread)."""
        if not self._pulsing:
            self._device.pulse(fade_in_time=1.0, fade_out_time=1.0, background=True)
            self._pulsing = True

    def off(self) -> None:
        self._device.off()
        self._pulsing = False

    @property
    def is_pulsing(self) -> bool:
        return self._pulsing

    @property
    def value(self) -> float:
        """The brightness right now, 0.0 to 1.0."""
        return float(self._device.value)

    def close(self) -> None:
        self._device.close()
        self._pulsing = False


class AttentionLed:
    """The amber LED on the front: lit while the machine needs staff (empty or faulty slot,
    board not answering, a part out of service).

    Wiring: LED with a series resistor (about 330 Ω) from the pin (default GPIO16) to GND;
    HIGH = lit.
    """

    def __init__(self, pin: int, *, pin_factory: PinFactory) -> None:
        self.pin = pin
        self._device = _part(
            "attention LED", pin, lambda: LED(pin, initial_value=False, pin_factory=pin_factory)
        )

    def set(self, lit: bool) -> None:
        if lit:
            self._device.on()
        else:
            self._device.off()

    @property
    def is_lit(self) -> bool:
        return bool(self._device.is_lit)

    def close(self) -> None:
        self._device.close()


class PinMap(KeyPins, Protocol):
    """The BCM pin numbers of every part (the kiosk's `GpioPins` fits this)."""

    @property
    def drop_sensor(self) -> int: ...
    @property
    def door(self) -> int: ...
    @property
    def service_button(self) -> int: ...
    @property
    def chute_light(self) -> int: ...
    @property
    def attention_led(self) -> int: ...


@dataclass
class CabinetIO:
    """Every GPIO part of the cabinet, built together from one pin map and one pin factory."""

    drop_sensor: DropSensor
    door: DoorSwitch
    service_button: ServiceButton
    keypad: Keypad
    chute_light: ChuteLight
    attention_led: AttentionLed
    pin_factory: PinFactory
    earphone_jack: EarphoneJack | None = None  # a pin map without one: no jack to watch

    @classmethod
    def build(cls, pins: PinMap, pin_factory: PinFactory) -> CabinetIO:
        """Set up every part, or raise `GpioError` naming the first part that failed."""
        made: list[Any] = []

        def keep(part: Any) -> Any:
            made.append(part)
            return part

        jack_pin: int | None = getattr(pins, "earphone_jack", None)
        try:
            return cls(
                earphone_jack=(
                    None
                    if jack_pin is None
                    else keep(EarphoneJack(jack_pin, pin_factory=pin_factory))
                ),
                drop_sensor=keep(DropSensor(pins.drop_sensor, pin_factory=pin_factory)),
                door=keep(DoorSwitch(pins.door, pin_factory=pin_factory)),
                service_button=keep(ServiceButton(pins.service_button, pin_factory=pin_factory)),
                keypad=keep(Keypad(pins, pin_factory=pin_factory)),
                chute_light=keep(ChuteLight(pins.chute_light, pin_factory=pin_factory)),
                attention_led=keep(AttentionLed(pins.attention_led, pin_factory=pin_factory)),
                pin_factory=pin_factory,
            )
        except GpioError:
            for part in reversed(made):
                part.close()
            raise

    @property
    def is_mock(self) -> bool:
        return isinstance(self.pin_factory, MockFactory)

    def lights_off(self) -> None:
        self.chute_light.off()
        self.attention_led.set(False)

    def close(self) -> None:
        """Lights off, then release every pin."""
        for close in (
            self.lights_off,
            self.drop_sensor.close,
            self.door.close,
            self.service_button.close,
            self.keypad.close,
            self.chute_light.close,
            self.attention_led.close,
            *([] if self.earphone_jack is None else [self.earphone_jack.close]),
        ):
            try:
                close()
            except (GPIOZeroError, OSError):  # closing must finish even on a broken part
                continue
