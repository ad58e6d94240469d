"""The datasheet's host wiring as plain numbers, for the hardware tests (which must not import
the kiosk's configuration: `hardware` does not know `kiosk`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pins:
    drop_sensor: int = 17
    door: int = 27
    service_button: int = 22
    key_previous: int = 5
    key_next: int = 6
    key_select: int = 13
    key_help: int = 26
    chute_light: int = 12
    attention_led: int = 16
