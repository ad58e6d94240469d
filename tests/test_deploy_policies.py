"""The installer's choices for a kiosk that runs for years: the read-only root that survives
raspi-config, the clock (Asia/Seoul, an RTC), the update policy, a 64-bit system only, and the
`maeum-kiosk` command. Staged installs (--prefix) and dry runs, as in tests/test_deploy.py."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

from tests.test_deploy import DEPLOY, INSTALL, PI_CMDLINE, ROOT, fake_pi_boot, install

RASPI_CONFIG_CMDLINE = "overlayroot=tmpfs " + PI_CMDLINE  # what its overlay menu writes


def staged(
    prefix: Path, *args: str, cmdline: str | None = None
) -> subprocess.CompletedProcess[str]:
    boot = fake_pi_boot(prefix)
    if cmdline is not None:
        (boot / "cmdline.txt").write_text(cmdline + "\n")
    result = install("--prefix", str(prefix), "--skip-python", *args)
    assert result.returncode == 0, result.stderr + result.stdout
    return result


def cmdline_of(prefix: Path) -> list[str]:
    return (prefix / "boot/firmware/cmdline.txt").read_text().split()


def apt_policy(prefix: Path) -> str:
    return (prefix / "etc/apt/apt.conf.d/52maeum-kiosk").read_text()


def apt_line(result: subprocess.CompletedProcess[str]) -> list[str]:
    return next(x for x in result.stdout.splitlines() if "apt-get install" in x).split()


@dataclass
class Install:
    prefix: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Install:
    """A first install with every default: no read-only root, security updates, no RTC."""
    prefix = tmp_path_factory.mktemp("plain")
    return Install(prefix, staged(prefix))


@pytest.fixture(scope="module")
def read_only(tmp_path_factory: pytest.TempPathFactory) -> Install:
    """--read-only-root, run at the end of an update: the overlay was switched off for it (the
    maintenance switch at the end of cmdline.txt), and an older installer left its file."""
    prefix = tmp_path_factory.mktemp("read-only")
    old = prefix / "etc/overlayroot.local.conf"
    old.parent.mkdir(parents=True)
    old.write_text('# 마음약방 kiosk (maeum-kiosk)\noverlayroot="tmpfs:recurse=0"\n')
    maintenance = "overlayroot=tmpfs:recurse=0 " + PI_CMDLINE + " overlayroot=disabled"
    return Install(prefix, staged(prefix, "--read-only-root", cmdline=maintenance))


# -- the read-only root ------------------------------------------------------------------------


def test_the_read_only_root_is_switched_on_where_raspi_config_looks(read_only: Install) -> None:
    tokens = cmdline_of(read_only.prefix)
    assert [t for t in tokens if t.startswith("overlayroot=")] == ["overlayroot=tmpfs:recurse=0"]
    # raspi-config's menu decides "enabled" by finding `overlayroot=tmpfs` in cmdline.txt, so
    # it no longer shows this overlay as disabled and invites nobody to switch it on again.
    assert "overlayroot=tmpfs" in " ".join(tokens)
    # The maintenance switch is gone: the overlay is back at the next boot.
    assert "overlayroot=disabled" not in tokens
    assert "REBOOT" in read_only.result.stdout
    assert not (read_only.prefix / "etc/overlayroot.local.conf").exists(), "one switch only"
    journald = (read_only.prefix / "etc/systemd/journald.conf.d/maeum-kiosk.conf").read_text()
    assert "Storage=volatile" in journald, "no journal written to the RAM overlay's /var/log"


def test_raspi_config_overlay_menu_is_turned_into_the_installers_overlay(tmp_path: Path) -> None:
    """Its bare `overlayroot=tmpfs` means recurse=1: the data partition in RAM. Run again, the
    installer keeps the overlay the technician asked for, without that."""
    result = staged(tmp_path, cmdline=RASPI_CONFIG_CMDLINE)
    tokens = cmdline_of(tmp_path)
    assert [t for t in tokens if t.startswith("overlayroot=")] == ["overlayroot=tmpfs:recurse=0"]
    assert "read-only root: 1" in result.stdout and "kept" in result.stdout
    assert 'APT::Periodic::Enable "0";' in apt_policy(tmp_path)


# -- updates -----------------------------------------------------------------------------------


def test_security_updates_unattended_by_default(plain: Install) -> None:
    policy = apt_policy(plain.prefix)
    assert 'APT::Periodic::Unattended-Upgrade "1";' in policy
    assert 'APT::Periodic::Download-Upgradeable-Packages "0";' in policy
    assert "#clear Unattended-Upgrade::Origins-Pattern;" in policy
    patterns = [line.strip() for line in policy.splitlines() if "origin=" in line]
    assert patterns and all("label=Debian-Security" in p for p in patterns), "security only"
    assert 'Unattended-Upgrade::Automatic-Reboot "false";' in policy
    assert "unattended-upgrades" in apt_line(plain.result)
    assert "systemctl unmask apt-daily.timer apt-daily-upgrade.timer" in plain.result.stdout


def test_with_the_read_only_root_the_technician_updates(read_only: Install) -> None:
    assert 'APT::Periodic::Enable "0";' in apt_policy(read_only.prefix)
    assert "systemctl mask apt-daily.timer apt-daily-upgrade.timer" in read_only.result.stdout
    assert "unattended-upgrades" not in apt_line(read_only.result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--read-only-root", "--updates", "security"), "--updates manual"),
        (("--updates", "weekly"), "--updates must be"),
        (("--rtc", "cr2032"), "--rtc must be"),
    ],
)
def test_impossible_choices_are_refused(args: tuple[str, ...], message: str) -> None:
    result = install("--dry-run", "--skip-python", *args)
    assert result.returncode != 0 and message in result.stderr


@pytest.mark.skipif(shutil.which("apt-config") is None, reason="no apt-config")
def test_apt_reads_the_policy_as_written(plain: Install) -> None:
    result = subprocess.run(
        ["apt-config", "-c", str(plain.prefix / "etc/apt/apt.conf.d/52maeum-kiosk"), "dump"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "APT_CONFIG": "/dev/null"},
    )
    assert result.returncode == 0, result.stderr
    assert 'APT::Periodic::Unattended-Upgrade "1";' in result.stdout
    assert "Unattended-Upgrade::Origins-Pattern::" in result.stdout


# -- the clock ---------------------------------------------------------------------------------


def test_the_time_zone_is_seoul_and_network_time_is_on(plain: Install) -> None:
    assert (plain.prefix / "etc/timezone").read_text() == "Asia/Seoul\n"
    assert os.readlink(plain.prefix / "etc/localtime") == "/usr/share/zoneinfo/Asia/Seoul"
    assert "timedatectl set-ntp true" in plain.result.stdout
    config = (plain.prefix / "boot/firmware/config.txt").read_text()
    assert "rtc" not in config and "i2c" not in config, "no clock settings unless asked"


def test_a_ds3231_module_on_a_pi4_sets_the_clock_at_boot(tmp_path: Path) -> None:
    result = staged(tmp_path, "--rtc", "ds3231")
    config = (tmp_path / "boot/firmware/config.txt").read_text()
    assert "dtoverlay=i2c-rtc,ds3231" in config and "dtparam=i2c_arm=on" in config
    rule = (tmp_path / "etc/udev/rules.d/98-maeum-rtc.rules").read_text()
    assert 'SUBSYSTEM=="rtc"' in rule and "--hctosys" in rule
    assert "util-linux-extra" in apt_line(result)  # hwclock
    # An update runs the installer again without the options: the clock stays.
    again = install("--prefix", str(tmp_path), "--skip-python")
    assert again.returncode == 0, again.stderr
    assert "RTC: ds3231" in again.stdout
    assert "dtoverlay=i2c-rtc,ds3231" in (tmp_path / "boot/firmware/config.txt").read_text()
    assert "REBOOT" not in again.stdout, "nothing changed"
    # Given anew, an option changes it.
    assert install("--prefix", str(tmp_path), "--skip-python", "--rtc", "none").returncode == 0
    assert "ds3231" not in (tmp_path / "boot/firmware/config.txt").read_text()


def test_the_pi5_battery_is_charged_only_when_asked_and_updates_by_hand(tmp_path: Path) -> None:
    staged(tmp_path, "--rtc", "pi5-battery", "--updates", "manual")
    config = (tmp_path / "boot/firmware/config.txt").read_text()
    block = config[config.index("maeum-kiosk: managed") :]
    assert "[pi5]\ndtparam=rtc_bbat_vchg=3000000\n[all]" in block
    assert 'APT::Periodic::Enable "0";' in apt_policy(tmp_path)


# -- a 64-bit system only ----------------------------------------------------------------------


def fake_dpkg(tmp_path: Path, arch: str) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    dpkg = bin_dir / "dpkg"
    dpkg.write_text(f'#!/bin/sh\n[ "$1" = --print-architecture ] && echo {arch}\n')
    dpkg.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


@pytest.mark.parametrize("arch", ["armhf"])
def test_a_32_bit_raspberry_pi_os_is_refused_with_the_reason(tmp_path: Path, arch: str) -> None:
    result = subprocess.run(["bash", str(INSTALL), "--dry-run"], env=fake_dpkg(tmp_path, arch),
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode != 0
    assert f"32-bit system ({arch})" in result.stderr and "64-bit" in result.stderr
    assert "apt-get" not in result.stdout, "refused before anything else"


def test_a_64_bit_system_is_taken(tmp_path: Path) -> None:
    result = subprocess.run(["bash", str(INSTALL), "--dry-run"], env=fake_dpkg(tmp_path, "arm64"),
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "arch:    arm64" in result.stdout


# -- the maeum-kiosk command -------------------------------------------------------------------


def test_the_package_declares_the_maeum_kiosk_command() -> None:
    (entry,) = [
        e for e in metadata.entry_points(group="console_scripts") if e.name == "maeum-kiosk"
    ]
    assert entry.value == "kiosk.cli:entry_point"
    command = Path(shutil.which("maeum-kiosk") or Path(sys.executable).parent / "maeum-kiosk")
    result = subprocess.run([str(command), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("usage: maeum-kiosk")
    # `python main.py` keeps working in a checkout.
    old = subprocess.run([sys.executable, "main.py", "--help"], cwd=ROOT, capture_output=True,
                         text=True, check=False)  # fmt: skip
    assert old.returncode == 0 and "stock" in old.stdout


def wrapper(tmp_path: Path, user: str) -> Path:
    """The installed command, pointing at a stand-in kiosk that says who ran it, where."""
    tmp_path.chmod(0o755)  # the stand-in must be reachable by the kiosk's user
    kiosk = tmp_path / "kiosk-bin"
    kiosk.write_text('#!/bin/sh\necho "user=$(id -un) cwd=$(pwd) lg_wd=$LG_WD args=$*"\n')
    kiosk.chmod(0o755)
    text = (DEPLOY / "maeum-kiosk-command.sh").read_text()
    command = tmp_path / "maeum-kiosk"
    command.write_text(text.replace("@KIOSK_BIN@", str(kiosk)).replace("@KIOSK_USER@", user))
    command.chmod(0o755)
    return command


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("runuser") is None, reason="needs root and runuser"
)
def test_the_command_runs_as_the_kiosks_user_and_staff_pin_as_root() -> None:
    # Not under pytest's own temporary folder: its parents are closed to other users.
    with tempfile.TemporaryDirectory() as folder:
        check_the_command(Path(folder))


def check_the_command(tmp_path: Path) -> None:
    command = wrapper(tmp_path, "nobody")
    private = tmp_path / "home"
    private.mkdir(mode=0o700)  # like a technician's home folder
    stock = subprocess.run([str(command), "stock", "refill", "3"], cwd=private,
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert stock.returncode == 0, stock.stderr
    assert stock.stdout.strip() == "user=nobody cwd=/tmp lg_wd=/tmp args=stock refill 3"
    assert "cannot use" in stock.stderr and "/tmp" in stock.stderr
    pin = subprocess.run([str(command), "staff-pin"], cwd=private, capture_output=True,
                         text=True, check=False)  # fmt: skip
    assert pin.stdout.startswith(f"user=root cwd={private} ")
    open_dir = tmp_path / "shared"
    open_dir.mkdir()
    open_dir.chmod(stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)
    here = subprocess.run([str(command), "stats"], cwd=open_dir, capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert here.stdout.startswith(f"user=nobody cwd={open_dir} ") and here.stderr == ""
