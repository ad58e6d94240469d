"""The machine configuration: one TOML file, or built-in defaults on a fresh checkout.

Where it comes from, in order: `--config FILE`, `$MAEUM_CONFIG`, `/etc/maeum-kiosk/kiosk.toml`.
With none of them the kiosk runs on the embedded default: simulated hardware and the bundled
content, and says "simulation" on the screen and in the log. A file that exists but is broken is
an error (never a silent fallback). See `deploy/kiosk.toml` for every key with comments.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

from hardware.speech.settings import SpeechSettings, settings_problems
from kiosk.shell.config_file import read_config_text
from kiosk.shell.errors import ConfigError

DEVICE_CONFIG = Path("/etc/maeum-kiosk/kiosk.toml")
DEVICE_DATA_DIR = Path("/var/lib/maeum-kiosk")
BUNDLED_CONTENT = Path(__file__).resolve().parents[2] / "prescriptions" / "content"


@dataclass(frozen=True)
class DisplayConfig:
    width: int = 1280
    height: int = 800
    fullscreen: bool = True
    # Physical size of the visible picture, for sizing text (>= 4.8 mm) and targets (>= 9 mm).
    # The default is a common 10.1" 1280x800 panel.
    width_mm: float = 217.0
    height_mm: float = 136.0
    sdl_driver: str = ""  # "" lets SDL choose; "kmsdrm" on the Pi without X
    low_screen: bool = False  # wheelchair mode: controls in the lower part of the screen
    attract_motion: bool = True  # the attract screen's gentle animation (a card, a symptom)

    @property
    def px_per_mm(self) -> float:
        return min(self.width / self.width_mm, self.height / self.height_mm)


@dataclass(frozen=True)
class Timeouts:
    """Seconds. All measured on the monotonic clock passed into the visit flow."""

    inactivity: float = 45.0  # no touch for this long: "need more time?"
    more_time: float = 15.0  # the countdown on that prompt, then back to attract
    help_inactivity: float = 300.0  # the help screen waits much longer
    take_item: float = 60.0
    goodbye: float = 8.0
    dispense_deadline: float = 20.0  # the whole vend, as the UI waits for it


@dataclass(frozen=True)
class GpioPins:
    """BCM numbers; defaults are the datasheet's host wiring."""

    drop_sensor: int = 17
    door: int = 27
    service_button: int = 22
    key_previous: int = 5
    key_next: int = 6
    key_select: int = 13
    key_help: int = 26
    chute_light: int = 12
    attention_led: int = 16
    earphone_jack: int = 23  # the front jack's detect switch (LOW = plugged in)


@dataclass(frozen=True)
class Slot:
    number: int
    item: str  # an item kind from the content (e.g. "candy", "tea")
    capacity: int = 10
    low_stock: int = 2


def _default_slots() -> tuple[Slot, ...]:
    items = ("candy", "tea", "vitamin", "hand_warmer", "sticker", "seed_paper")
    return tuple(Slot(number=i + 1, item=item) for i, item in enumerate(items))


@dataclass(frozen=True)
class HardwareConfig:
    simulated: bool = True
    # A path or a pyserial URL (loop://, spy://…). GPIO 14/15 is ttyAMA0 on a Pi 4 and a Pi 5
    # (/dev/serial0 is the Pi 5's debug connector); the installer's udev name is better.
    serial_port: str = "/dev/ttyAMA0"
    pin_factory: str = "mock"  # "mock" only in simulation; "lgpio" on a Pi 5, "" = gpiozero's
    drop_grace: float = 2.0  # seconds to wait for the beam break after DONE
    pins: GpioPins = field(default_factory=GpioPins)
    slots: tuple[Slot, ...] = field(default_factory=_default_slots)


@dataclass(frozen=True)
class StaffConfig:
    pin_hash: str = ""  # "pbkdf2_sha256$iterations$salt_hex$hash_hex"; empty: staff mode off
    technician_exit_combo: tuple[str, ...] = ("ctrl", "alt", "shift", "q")
    # "직원 불러 주세요": "help" = on the help screen; "present" = staff are on site, so also
    # where something went wrong (the gift did not come out, out of service); "off" = nobody
    # could come (the help lines only).
    person_call: str = "help"
    person_call_clear_s: float = 900.0  # the LED goes out by itself after this (or at the PIN)


PERSON_CALL = ("off", "help", "present")


PRINTER_KINDS = ("none", "usb", "serial", "file", "simulated")
PRINTER_DEVICE = "/dev/maeum-printer"  # the udev name (deploy/99-maeum-printer.rules)


@dataclass(frozen=True)
class PrinterConfig:
    """The receipt printer, `[printer]` (docs/printer.md). `kind` is none, usb, serial, file,
    or simulated: a simulated printer on a pty in this process, the default only when there is
    no machine configuration (like the board). Kept as plain values here: the printer layer
    (`hardware.printer.PrinterSettings.from_table`) is imported only once the screen is up."""

    kind: str = "none"
    paper_mm: int = 80  # 58 (384 dots) or 80 (576 dots)
    vendor_id: str = ""  # usb: 4 hex digits as lsusb shows them ("0416")
    product_id: str = ""
    in_endpoint: str = "82"  # usb, hex
    out_endpoint: str = "01"
    port: str = PRINTER_DEVICE  # serial
    baudrate: int = 115200
    path: str = PRINTER_DEVICE  # file
    cutter: str = "partial"  # partial | full | none (no cutter: fed past the tear bar)
    feed_lines: int = 4
    status_timeout_s: float = 0.3
    write_timeout_s: float = 5.0
    roll_m: float = 50.0  # a new roll's length: paper left is estimated from what was printed
    low_paper_m: float = 3.0  # estimated paper left at which staff are told to change the roll

    @property
    def enabled(self) -> bool:
        return self.kind != "none"

    def table(self, port: str | None = None) -> dict[str, object]:
        """The `PrinterSettings.from_table` table for this printer (a simulated one is a
        serial printer on `port`, the simulator's pty)."""
        kind = "serial" if self.kind == "simulated" else self.kind
        table: dict[str, object] = {
            "kind": kind,
            "paper_mm": self.paper_mm,
            "port": port if port is not None else self.port,
            "baudrate": self.baudrate,
            "path": self.path,
            "cutter": self.cutter,
            "feed_lines": self.feed_lines,
            "status_timeout_s": self.status_timeout_s,
            "write_timeout_s": self.write_timeout_s,
        }
        if kind == "usb":
            table |= {
                "vendor_id": self.vendor_id,
                "product_id": self.product_id,
                "in_endpoint": self.in_endpoint,
                "out_endpoint": self.out_endpoint,
            }
        return table


@dataclass(frozen=True)
class KioskConfig:
    display: DisplayConfig = field(default_factory=DisplayConfig)
    timeouts: Timeouts = field(default_factory=Timeouts)
    hardware: HardwareConfig = field(default_factory=HardwareConfig)
    staff: StaffConfig = field(default_factory=StaffConfig)
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    speech: SpeechSettings = field(default_factory=SpeechSettings)  # [speech]: the voice
    language: str = "ko"
    languages: tuple[str, ...] = ("ko", "en")
    content_dir: Path = BUNDLED_CONTENT
    data_dir: Path = field(default_factory=lambda: default_data_dir())
    no_repeat_window: int = 10
    # The place id (places.toml) every screen names with its hours; "" names none and points
    # to 120 for the nearest instead (prescriptions.facts), never the first place in the file.
    nearest_place: str = ""
    source: str = "built-in defaults (simulation)"

    def with_resolution(self, width: int, height: int) -> KioskConfig:
        """Same physical pixel density, another pixel size (for --resolution and screenshots)."""
        d = self.display
        ppm = d.px_per_mm
        return replace(
            self,
            display=replace(
                d, width=width, height=height, width_mm=width / ppm, height_mm=height / ppm
            ),
        )


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("MAEUM_DATA_DIR"):
        return Path(env["MAEUM_DATA_DIR"])
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "maeum-kiosk"


def find_config_file(explicit: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if env.get("MAEUM_CONFIG"):
        return Path(env["MAEUM_CONFIG"])
    if _something_at(DEVICE_CONFIG):
        return DEVICE_CONFIG
    return None


def _something_at(path: Path) -> bool:
    """Anything at all is at `path`: a file, a folder, a link to nothing, or a folder on the
    way that this user may not open. Then it is the configuration, and whatever is wrong with
    it is reported, never passed over for the built-in simulation."""
    try:
        path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return True


def load_config(
    explicit: str | None = None, environ: Mapping[str, str] | None = None
) -> KioskConfig:
    """The configuration in force. Raises ConfigError naming the file and key when broken."""
    env = os.environ if environ is None else environ
    path = find_config_file(explicit, env)
    if path is None:
        # A fresh checkout simulates the printer too, so the whole visit can be seen.
        return KioskConfig(data_dir=default_data_dir(env), printer=PrinterConfig(kind="simulated"))
    text = read_config_text(path)
    assert text is not None  # only None when missing_ok
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return parse_config(raw, path, env)


def parse_config(raw: dict[str, Any], path: Path, environ: Mapping[str, str]) -> KioskConfig:
    where = str(path)
    raw = dict(raw)
    display = _section(DisplayConfig, raw.pop("display", {}), f"{where} [display]")
    timeouts = _section(Timeouts, raw.pop("timeouts", {}), f"{where} [timeouts]")
    staff_raw = dict(raw.pop("staff", {}))
    if "technician_exit_combo" in staff_raw:
        staff_raw["technician_exit_combo"] = tuple(staff_raw["technician_exit_combo"])
    staff = _section(StaffConfig, staff_raw, f"{where} [staff]")
    hw_raw = dict(raw.pop("hardware", {}))
    pins = _section(GpioPins, hw_raw.pop("pins", {}), f"{where} [hardware.pins]")
    slots_raw = hw_raw.pop("slots", None)
    slots = _default_slots() if slots_raw is None else _slots(slots_raw, where)
    hardware = _section(HardwareConfig, hw_raw, f"{where} [hardware]")
    hardware = replace(hardware, pins=pins, slots=slots)
    printer = _section(PrinterConfig, raw.pop("printer", {}), f"{where} [printer]")
    speech_raw = dict(raw.pop("speech", {}))
    if isinstance(speech_raw.get("voices"), list):
        speech_raw["voices"] = tuple(speech_raw["voices"])
    speech = _section(SpeechSettings, speech_raw, f"{where} [speech]")
    problems = settings_problems(speech)
    if problems:
        raise ConfigError(f"{where} [speech]: {'; '.join(problems)}")

    top: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "languages":
            top[key] = tuple(value)
        elif key in ("content_dir", "data_dir"):
            top[key] = Path(value)
        else:
            top[key] = value
    known = {f.name for f in fields(KioskConfig)} - {
        "display",
        "timeouts",
        "hardware",
        "staff",
        "printer",
        "speech",
    }
    unknown = set(top) - known
    if unknown:
        raise ConfigError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
    if environ.get("MAEUM_DATA_DIR"):
        top["data_dir"] = Path(environ["MAEUM_DATA_DIR"])
    elif "data_dir" not in top:
        top["data_dir"] = DEVICE_DATA_DIR if path == DEVICE_CONFIG else default_data_dir(environ)
    top["source"] = f"{where}" + (" (simulation)" if hardware.simulated else "")
    config = KioskConfig(
        display=display,
        timeouts=timeouts,
        hardware=hardware,
        staff=staff,
        printer=printer,
        speech=speech,
        **top,
    )
    _validate(config, where)
    return config


def _section(cls: type[Any], raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a table")
    names = {f.name: f for f in fields(cls)}
    unknown = set(raw) - set(names)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
    hints = get_type_hints(cls)
    for key, value in raw.items():
        expected = _plain_type(hints[key])
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            continue
        if not isinstance(value, expected):
            raise ConfigError(f"{where}: {key} must be {expected.__name__}, not {value!r}")
    return cls(**raw)


def _plain_type(hint: Any) -> type:
    """int, float, str, bool or tuple for a field's annotation (tuple[str, ...] → tuple)."""
    origin = getattr(hint, "__origin__", None)
    return origin if isinstance(origin, type) else hint if isinstance(hint, type) else object


def _slots(raw: Any, where: str) -> tuple[Slot, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where} [[hardware.slots]]: must be a non-empty list of tables")
    slots = tuple(
        _section(Slot, item, f"{where} [[hardware.slots]] #{i + 1}") for i, item in enumerate(raw)
    )
    numbers = [s.number for s in slots]
    if len(set(numbers)) != len(numbers):
        raise ConfigError(f"{where} [[hardware.slots]]: slot numbers repeat: {numbers}")
    for s in slots:
        if not 1 <= s.number <= 16:
            raise ConfigError(f"{where} [[hardware.slots]]: slot {s.number} is not 1..16")
        if s.capacity < 1 or s.low_stock < 0:
            raise ConfigError(f"{where} [[hardware.slots]]: slot {s.number} capacity/low_stock")
    return slots


def _validate(config: KioskConfig, where: str) -> None:
    d = config.display
    if d.width < 320 or d.height < 240 or d.width_mm <= 0 or d.height_mm <= 0:
        raise ConfigError(f"{where} [display]: size out of range")
    if config.language not in config.languages:
        raise ConfigError(f"{where}: language {config.language!r} not in languages")
    for f in fields(Timeouts):
        if getattr(config.timeouts, f.name) <= 0:
            raise ConfigError(f"{where} [timeouts]: {f.name} must be positive")
    if config.no_repeat_window < 0:
        raise ConfigError(f"{where}: no_repeat_window must be >= 0")
    problem = printer_problem(config.printer)
    if problem is not None:
        raise ConfigError(f"{where} [printer]: {problem}")

    if config.staff.person_call not in PERSON_CALL:
        choices = ", ".join(PERSON_CALL)
        raise ConfigError(f"{where} [staff]: person_call must be one of {choices}")
    if config.staff.person_call_clear_s <= 0:
        raise ConfigError(f"{where} [staff]: person_call_clear_s must be positive")


def printer_problem(printer: PrinterConfig) -> str | None:
    """What is wrong with `[printer]`, or None. The common mistakes, checked without importing
    the printer layer (Pillow takes a fifth of a second: not before the first frame); the
    printer layer checks the rest when it opens the printer, and says so as a staff alert."""
    if printer.kind not in PRINTER_KINDS:
        return f"kind {printer.kind!r} is not one of {', '.join(PRINTER_KINDS)}"
    if printer.paper_mm not in (58, 80):
        return f"paper_mm {printer.paper_mm} is not 58 or 80"
    if printer.cutter not in ("partial", "full", "none"):
        return f"cutter {printer.cutter!r} is not partial, full or none"
    if printer.kind == "usb":
        for name in ("vendor_id", "product_id", "in_endpoint", "out_endpoint"):
            value = getattr(printer, name)
            try:
                number = int(value, 16)
            except ValueError:
                number = -1
            limit = 0xFFFF if name.endswith("_id") else 0xFF
            if not 0 <= number <= limit:
                return f'{name} {value!r} is not hex (as lsusb shows it, e.g. "0416")'
    if printer.roll_m <= 0 or not 0 <= printer.low_paper_m < printer.roll_m:
        return "roll_m must be positive and low_paper_m between 0 and roll_m"
    return None


def config_for_command(explicit: str | None) -> KioskConfig | None:
    """The configuration for a `main.py` command, or None after saying on stderr what is
    wrong with it (the command then exits with status 2)."""
    try:
        return load_config(explicit)
    except ConfigError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return None
