"""The first checks: the configuration is sane, and the board's serial port is there."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

from hardware.diagnostics.checks import Check, CheckResult, failed, passed

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
