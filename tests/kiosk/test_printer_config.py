"""`[printer]` in the machine configuration: the common mistakes refused when the file loads
(naming the file and the key), the rest by the printer layer; a fresh checkout simulates one."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from hardware.printer import Paper, PrinterKind, PrinterSettings
from kiosk.shell.config import load_config
from kiosk.shell.errors import ConfigError

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "kiosk.toml"


def write(tmp_path: Path, printer: str) -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[hardware]\nsimulated = true\n\n[printer]\n{printer}\n", encoding="utf-8")
    return str(path)


def test_a_usb_printer_is_read_and_becomes_the_drivers_settings(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, 'kind = "usb"\nvendor_id = "0416"\nproduct_id = "5011"\npaper_mm = 58'),
        environ={},
    )
    settings = PrinterSettings.from_table(config.printer.table())
    assert settings.kind is PrinterKind.USB and settings.paper is Paper.MM58
    assert (settings.vendor_id, settings.product_id) == (0x0416, 0x5011)
    assert config.printer.enabled


@pytest.mark.parametrize(
    ("printer", "words"),
    [
        ('kind = "laser"', "kind 'laser'"),
        ("paper_mm = 72", "paper_mm 72"),
        ('cutter = "scissors"', "cutter 'scissors'"),
        ('kind = "usb"\nvendor_id = "04x6"\nproduct_id = "5011"', "vendor_id '04x6'"),
        ('kind = "usb"\nproduct_id = "5011"', "vendor_id ''"),
        ("roll_m = 2.0\nlow_paper_m = 3.0", "low_paper_m"),
        ('paper_mm = "80"', "paper_mm must be int"),
        ("colour = true", "unknown key(s): colour"),
    ],
)
def test_a_bad_printer_setting_names_the_file_and_the_key(
    tmp_path: Path, printer: str, words: str
) -> None:
    path = write(tmp_path, printer)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert path in str(caught.value) and "[printer]" in str(caught.value)
    assert words in str(caught.value)


def test_the_example_configuration_has_no_printer_until_the_technician_names_one() -> None:
    config = load_config(str(DEPLOY), environ={})
    assert config.printer.kind == "none" and not config.printer.enabled
    raw = tomllib.loads(DEPLOY.read_text(encoding="utf-8"))["printer"]
    # Every example value is one the driver takes once kind is set.
    for kind in ("serial", "file"):
        table = {k: v for k, v in raw.items() if k not in ("roll_m", "low_paper_m")}
        table |= {"kind": kind, "vendor_id": "0416", "product_id": "5011"}
        assert PrinterSettings.from_table(table).kind is PrinterKind(kind)


def test_a_fresh_checkout_simulates_the_printer_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiosk.shell.config.DEVICE_CONFIG", tmp_path / "no-such-kiosk.toml")
    config = load_config(None, environ={})
    assert config.printer.kind == "simulated" and config.printer.enabled
    assert PrinterSettings.from_table(config.printer.table("/dev/pts/9")).port == "/dev/pts/9"
