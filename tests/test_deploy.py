"""The Pi installation: installer (shellcheck, dry run, staged install), unit file, udev rule
and the example device configuration."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from kiosk.shell.config import KioskConfig, load_config
from kiosk.shell.shutdown import TECHNICIAN_EXIT_STATUS

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
INSTALL = DEPLOY / "install.sh"
UNIT = DEPLOY / "maeum-kiosk.service"
PI_CMDLINE = (
    "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 "
    "fsck.repair=yes rootwait quiet splash plymouth.ignore-serial-consoles"
)
PI_CONFIG = "dtparam=audio=on\ncamera_auto_detect=1\ndtoverlay=vc4-kms-v3d\n[cm4]\notg_mode=1\n"


def install(*args: str, user: int | None = None) -> subprocess.CompletedProcess[str]:
    command = ["bash", str(INSTALL), *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def fake_pi_boot(prefix: Path) -> Path:
    boot = prefix / "boot" / "firmware"
    boot.mkdir(parents=True)
    (boot / "cmdline.txt").write_text(PI_CMDLINE + "\n")
    (boot / "config.txt").write_text(PI_CONFIG)
    return boot


# -- the installer ----------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
@pytest.mark.parametrize("script", sorted(DEPLOY.glob("*.sh")), ids=lambda p: p.name)
def test_shellcheck_passes(script: Path) -> None:
    result = subprocess.run(
        ["shellcheck", "--severity=style", str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def nobody_can_read_the_checkout() -> bool:
    """Whether the dry run can be tried as `nobody` (the checkout may sit in root's home)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    probe = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "test", "-r"]
    return subprocess.run([*probe, str(INSTALL)], check=False).returncode == 0


def test_dry_run_needs_no_root_and_names_every_step() -> None:
    result = install("--dry-run", user=65534 if nobody_can_read_the_checkout() else None)
    assert result.returncode == 0, result.stderr
    out = result.stdout.replace("\\", "")  # undo the shell quoting of the printed commands
    actions = [line.strip() for line in out.splitlines() if line.startswith("    ")]
    assert not [a for a in actions if a.startswith("+ ")], "a dry run runs nothing"

    def would(*words: str) -> bool:
        return any(all(w in a for w in words) for a in actions if a.startswith("would"))

    # The Raspberry Pi OS way: lgpio from apt, nothing compiled on the kiosk.
    assert would(
        "apt-get install", "fonts-nanum", "python3-lgpio", "libgbm1", "python3-venv", "espeak-ng"
    )
    apt = next(a for a in actions if "apt-get install" in a).split()
    assert not {"build-essential", "swig", "liblgpio-dev", "python3-dev", "gcc"} & set(apt)
    assert would("useradd", "--system", "maeum")
    assert would("usermod", "video,render,input,gpio,dialout,audio,lp", "maeum")
    # (On a machine where the kiosk is already installed, those two are kept instead.)
    assert would("python3 -m venv --system-site-packages", "/opt/maeum-kiosk/venv") or (
        "venv exists" in out
    )
    # One install of the code: a package built from a clean copy, into the venv; no [pi]
    # extra (no lgpio from pip), no copy of the code beside it.
    pips = [a for a in actions if "pip install" in a and "--upgrade pip" not in a]
    assert len(pips) == 2 and all("/opt/maeum-kiosk/venv/bin/python" in a for a in pips)
    assert not [a for a in pips if "[pi]" in a or "/opt/maeum-kiosk/app" in a or "-e " in a]
    assert not [a for a in actions if "/opt/maeum-kiosk/app" in a and "rm -rf" not in a]
    assert would("write /usr/local/bin/maeum-kiosk")
    assert would("write /etc/maeum-kiosk/kiosk.toml (") or "kept: /etc/maeum-kiosk" in out
    # The configuration is checked as the kiosk's user: root would read a root-only file.
    assert would("check as maeum:", "runuser -u maeum --", "load_config", "kiosk.toml")
    assert would("install -d", "/var/lib/maeum-kiosk")
    assert would("write /etc/udev/rules.d/99-maeum-board.rules")
    assert would("systemctl mask ctrl-alt-del.target")
    assert would("systemctl disable getty@tty1.service")
    assert would("write /etc/systemd/system/maeum-kiosk.service")
    assert would("systemctl enable maeum-kiosk.service")
    assert would("systemctl restart maeum-kiosk.service")


def test_dry_run_under_a_prefix_leaves_it_empty(tmp_path: Path) -> None:
    result = install("--dry-run", "--prefix", str(tmp_path), "--skip-python")
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_staged_install_lays_out_the_system_and_keeps_the_configuration(tmp_path: Path) -> None:
    boot = fake_pi_boot(tmp_path)
    first = install("--prefix", str(tmp_path), "--skip-python")
    assert first.returncode == 0, first.stderr + first.stdout

    assert not (tmp_path / "opt/maeum-kiosk/app").exists(), "the venv is the only copy"
    command = tmp_path / "usr/local/bin/maeum-kiosk"
    assert os.access(command, os.X_OK)
    assert "KIOSK_BIN=/opt/maeum-kiosk/venv/bin/maeum-kiosk" in command.read_text()
    assert "KIOSK_USER=maeum" in command.read_text() and "@KIOSK" not in command.read_text()
    guide = tmp_path / "usr/share/doc/maeum-kiosk/install-raspberry-pi.md"
    assert guide.read_text() == (ROOT / "docs/install-raspberry-pi.md").read_text()
    assert f"Documentation=file:///{guide.relative_to(tmp_path)}" in UNIT.read_text()
    unit = tmp_path / "etc/systemd/system/maeum-kiosk.service"
    assert unit.read_text() == UNIT.read_text()
    config = tmp_path / "etc/maeum-kiosk/kiosk.toml"
    assert config.read_text() == (DEPLOY / "kiosk.toml").read_text()
    content = tmp_path / "var/lib/maeum-kiosk/content"
    assert sorted(p.name for p in content.iterdir()) == sorted(
        p.name for p in (ROOT / "prescriptions/content").iterdir()
    )
    assert "kernel.sysrq = 0" in (tmp_path / "etc/sysctl.d/90-maeum-kiosk.conf").read_text()

    cmdline = (boot / "cmdline.txt").read_text().split()
    assert "console=serial0,115200" not in cmdline, "no kernel console on the board's UART"
    assert {"console=tty1", "consoleblank=0", "vt.global_cursor_default=0"} <= set(cmdline)
    assert (boot / "cmdline.txt.maeum-orig").read_text() == PI_CMDLINE + "\n"
    assert "dtoverlay=disable-bt" in (boot / "config.txt").read_text()
    assert "REBOOT" in first.stdout

    # A technician edits the configuration and staff edit the content; then the firmware is
    # updated by running the installer again.
    config.write_text(config.read_text() + "# 기술자 메모\n")
    (content / "categories.toml").write_text("# staff edit\n")
    # An older installer left a copy of the code in /opt/maeum-kiosk/app.
    stale = tmp_path / "opt/maeum-kiosk/app/kiosk/removed_module.py"
    stale.parent.mkdir(parents=True)
    stale.write_text("")
    second = install("--prefix", str(tmp_path), "--skip-python")
    assert second.returncode == 0, second.stderr

    assert config.read_text().endswith("# 기술자 메모\n")
    assert (content / "categories.toml").read_text() == "# staff edit\n"
    assert not stale.parent.parent.exists(), "the old copy of the code is gone"
    assert (boot / "cmdline.txt").read_text().split() == cmdline
    assert (boot / "config.txt").read_text().count("maeum-kiosk: end") == 1
    assert "REBOOT" not in second.stdout, "nothing changed, nothing to reboot for"


def test_usb_board_gets_its_own_rule_and_keeps_the_serial_console(tmp_path: Path) -> None:
    boot = fake_pi_boot(tmp_path)
    result = install("--prefix", str(tmp_path), "--skip-python", "--board", "usb:1A86:55D4")
    assert result.returncode == 0, result.stderr

    rules = (tmp_path / "etc/udev/rules.d/99-maeum-board.rules").read_text().splitlines()
    active = [line for line in rules if line.startswith("SUBSYSTEM==")]
    assert len(active) == 1
    assert 'ATTRS{idVendor}=="1a86"' in active[0] and 'ATTRS{idProduct}=="55d4"' in active[0]
    assert 'SYMLINK+="maeum-board"' in active[0] and 'GROUP="dialout"' in active[0]
    assert "console=serial0,115200" in (boot / "cmdline.txt").read_text()


def test_uart_board_rule_names_the_gpio_uart(tmp_path: Path) -> None:
    assert install("--prefix", str(tmp_path), "--skip-python").returncode == 0
    rules = (tmp_path / "etc/udev/rules.d/99-maeum-board.rules").read_text().splitlines()
    active = [line for line in rules if line.startswith("SUBSYSTEM==")]
    assert active == [line for line in active if 'KERNEL=="ttyAMA0"' in line] and len(active) == 1


@pytest.mark.parametrize("board", ["usb:1a86", "usb:xyz1:0001", "i2c"])
def test_a_wrong_board_option_is_refused(board: str, tmp_path: Path) -> None:
    result = install("--dry-run", "--prefix", str(tmp_path), "--board", board)
    assert result.returncode != 0
    assert "--board" in result.stderr


# -- the unit file ----------------------------------------------------------------------------


def unit_settings(text: str) -> dict[str, dict[str, list[str]]]:
    """Sections of a unit file; a key may repeat (Environment=, After=)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key, []).append(value)
    return sections


def test_unit_is_a_watched_notify_service_that_always_comes_back() -> None:
    service = unit_settings(UNIT.read_text())["Service"]
    assert service["Type"] == ["notify"] and service["NotifyAccess"] == ["main"]
    assert int(service["WatchdogSec"][0]) > 0
    assert service["Restart"] == ["always"]
    assert unit_settings(UNIT.read_text())["Unit"]["StartLimitIntervalSec"] == ["0"]
    assert service["RestartPreventExitStatus"] == [str(TECHNICIAN_EXIT_STATUS)]
    assert service["User"] == ["maeum"]
    assert set(service["SupplementaryGroups"][0].split()) == {
        "video",
        "render",
        "input",
        "gpio",
        "dialout",
        "audio",
        "lp",
    }
    assert "SDL_VIDEODRIVER=kmsdrm" in service["Environment"]
    # lgpio needs a writable working directory for its FIFO; /opt is read-only to the service.
    assert service["ProtectSystem"] == ["strict"]
    assert "LG_WD=/run/maeum-kiosk" in service["Environment"]
    assert service["RuntimeDirectory"] == ["maeum-kiosk"]
    assert service["StandardOutput"] == ["journal"] and service["StandardError"] == ["journal"]
    # The kiosk's command from the venv, the one copy of the code.
    assert service["ExecStart"][0].split()[:2] == ["/opt/maeum-kiosk/venv/bin/maeum-kiosk", "run"]
    # Device access must survive the hardening (DRM, input, gpiochip, serial port) ...
    for breaks_devices in ("PrivateDevices", "DevicePolicy", "ProtectClock"):
        assert breaks_devices not in service


def test_the_kiosk_opens_only_its_own_devices() -> None:
    """Its board, its touch and keys, the GPIO chip, audio, the printer, the screen and its
    console: the input and dialout groups no longer reach every keyboard and serial port."""
    service = unit_settings(UNIT.read_text())["Service"]
    allowed = dict(entry.split() for entry in service["DeviceAllow"])
    assert allowed == {
        "char-drm": "rw",  # the screen
        "char-input": "r",  # touch and the technician's keyboard, read only
        "/dev/tty1": "rw",  # TTYPath=
        "char-ttyAMA": "rw",  # the board on the GPIO UART
        "char-ttyACM": "rw",  # the board on USB-CDC
        "char-gpiochip": "rw",  # sensors, keypad, lights (lgpio)
        "char-alsa": "rw",  # speech
        "char-usb": "rw",  # the receipt printer (/dev/usb/lp*)
        "char-usb_device": "rw",  # the receipt printer through libusb (/dev/bus/usb/*)
        "char-ttyUSB": "rw",  # a serial receipt printer on a USB-serial adapter
    }
    # No catch-all: not every tty (ttyS) and no block device.
    assert not [d for d in allowed if d in ("char-tty", "char-*", "block-*")]
    assert service["TTYPath"] == ["/dev/tty1"]


def verify(unit: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", "verify", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def runnable_copy(tmp_path: Path, text: str) -> Path:
    """The unit with the Pi's install paths pointing at this checkout and Python, so that
    `verify` judges the unit and not whether /opt/maeum-kiosk exists on this machine."""
    command = Path(sys.executable).parent / "maeum-kiosk"
    assert command.exists(), "the checkout's venv has the maeum-kiosk command (make setup)"
    text = text.replace("/opt/maeum-kiosk/venv/bin/maeum-kiosk", str(command))
    text = text.replace("WorkingDirectory=/var/lib/maeum-kiosk", f"WorkingDirectory={ROOT}")
    left = [line for line in text.splitlines() if "/opt/maeum-kiosk" in line]
    assert all(line.startswith("#") for line in left), left
    unit = tmp_path / UNIT.name
    unit.write_text(text)
    return unit


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    result = verify(runnable_copy(tmp_path, UNIT.read_text()))
    complaints = [line for line in result.stderr.splitlines() if UNIT.name in line]
    assert result.returncode == 0 and complaints == [], result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_verify_would_catch_a_broken_unit(tmp_path: Path) -> None:
    broken = UNIT.read_text().replace("WatchdogSec=10", "WatchdogSec=ten seconds")
    result = verify(runnable_copy(tmp_path, broken))
    assert "WatchdogSec" in result.stderr or "sec value" in result.stderr


# -- the example device configuration ---------------------------------------------------------


def test_device_configuration_loads_for_real_hardware() -> None:
    config = load_config(str(DEPLOY / "kiosk.toml"), environ={})
    assert config.hardware.simulated is False
    assert config.hardware.serial_port == "/dev/maeum-board"
    assert config.hardware.pin_factory == "lgpio"
    assert config.data_dir == Path("/var/lib/maeum-kiosk")
    assert config.display.sdl_driver == "kmsdrm" and config.display.fullscreen
    assert "simulation" not in config.source


def schema_keys(cls: type[Any], prefix: str = "") -> set[str]:
    keys = set()
    defaults = cls()
    for f in dataclasses.fields(cls):
        value = getattr(defaults, f.name)
        if dataclasses.is_dataclass(value):
            keys |= schema_keys(type(value), f"{prefix}{f.name}.")
        elif f.name == "slots":
            keys |= {f"{prefix}slots[].{s.name}" for s in dataclasses.fields(value[0])}
        else:
            keys.add(prefix + f.name)
    return keys


def file_keys(table: dict[str, Any], prefix: str = "") -> set[str]:
    keys = set()
    for name, value in table.items():
        if isinstance(value, dict):
            keys |= file_keys(value, f"{prefix}{name}.")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            keys |= {f"{prefix}{name}[].{k}" for item in value for k in item}
        else:
            keys.add(prefix + name)
    return keys


def test_device_configuration_documents_every_key() -> None:
    """A technician sees every setting in one file: the example names every key of the schema
    (a key added to kiosk/shell/config.py must be added to deploy/kiosk.toml too)."""
    raw = tomllib.loads((DEPLOY / "kiosk.toml").read_text(encoding="utf-8"))
    assert file_keys(raw) == schema_keys(KioskConfig) - {"source"}
