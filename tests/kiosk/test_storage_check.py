"""The kiosk refuses to serve when its data folder is in RAM (tmpfs, an overlay): the ledger
would be gone at the next reboot. Judged from /proc/self/mountinfo, as text and for real."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from kiosk.commands.hwtest import Environment
from kiosk.commands.run import refusing_runtime
from kiosk.shell.config import KioskConfig, load_config
from kiosk.shell.storage_check import (
    HINT,
    check_data_dir,
    data_dir_check,
    judge,
    mount_of,
    parse_mountinfo,
    refusal,
)
from kiosk.ui.i18n import Translations
from kiosk.ui.scene import TextBlock
from kiosk.ui.theme import panel
from kiosk.visit.flow import Screen

DATA = Path("/var/lib/maeum-kiosk")

# A Pi with the installer's read-only root: / is overlayroot's overlay, the data partition and
# the boot partition are mounted as they are (recurse=0).
READ_ONLY_ROOT = """\
22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
24 28 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=1800000k,mode=755
27 1 179:2 / /media/root-ro ro,relatime shared:1 - ext4 /dev/mmcblk0p2 ro
26 1 0:25 / /media/root-rw rw,relatime shared:3 - tmpfs tmpfs-root rw
28 1 0:26 / / rw,relatime shared:4 - overlay overlayroot rw,lowerdir=/media/root-ro,upperdir=…
30 28 179:3 / /var/lib/maeum-kiosk rw,noatime shared:6 - ext4 /dev/mmcblk0p3 rw
31 28 179:1 / /boot/firmware rw,relatime shared:7 - vfat /dev/mmcblk0p1 rw,fmask=0022
32 28 0:27 / /run rw,nosuid,nodev,noexec,relatime shared:8 - tmpfs tmpfs rw,size=380000k
"""

# The same Pi after raspi-config's menu put `overlayroot=tmpfs` on the kernel command line:
# recurse=1 overlays the data partition as well.
RASPI_CONFIG_OVERLAY = READ_ONLY_ROOT.replace(
    "30 28 179:3 / /var/lib/maeum-kiosk rw,noatime shared:6 - ext4 /dev/mmcblk0p3 rw",
    "29 1 179:3 / /media/root-ro/var/lib/maeum-kiosk ro,noatime shared:5 - ext4 /dev/mmcblk0p3 ro\n"
    "30 28 0:28 / /var/lib/maeum-kiosk rw,relatime shared:6 - overlay overlayroot "
    "rw,lowerdir=/media/root-ro/var/lib/maeum-kiosk,upperdir=/media/root-rw/overlay/var/lib/maeum-kiosk",
)

PLAIN_PI = """\
25 1 179:2 / / rw,noatime shared:1 - ext4 /dev/mmcblk0p2 rw
31 25 179:1 / /boot/firmware rw,relatime shared:7 - vfat /dev/mmcblk0p1 rw
32 25 0:27 / /run rw,nosuid,nodev shared:8 - tmpfs tmpfs rw
"""


def test_the_data_partition_under_the_installers_read_only_root_keeps_the_ledger() -> None:
    verdict = judge(DATA, parse_mountinfo(READ_ONLY_ROOT))
    assert verdict.ok, verdict.problem
    assert verdict.mount is not None and verdict.mount.source == "/dev/mmcblk0p3"


def test_raspi_config_overlay_puts_the_data_partition_in_ram() -> None:
    verdict = judge(DATA, parse_mountinfo(RASPI_CONFIG_OVERLAY))
    assert verdict.problem is not None
    assert "overlay" in verdict.problem and "raspi-config" in verdict.problem
    assert "lost at the next reboot" in verdict.problem


def test_a_data_folder_left_on_the_overlaid_root_is_refused() -> None:
    verdict = judge(Path("/home/pi/kiosk-data"), parse_mountinfo(READ_ONLY_ROOT))
    assert verdict.problem is not None and "overlay" in verdict.problem
    assert verdict.mount is not None and verdict.mount.mount_point == "/"


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("40 25 0:30 / /var/lib/maeum-kiosk rw - tmpfs tmpfs rw", "RAM"),
        ("40 25 0:30 / /var/lib/maeum-kiosk rw - ramfs none rw", "RAM"),
        ("40 25 252:1 / /var/lib/maeum-kiosk rw - ext4 /dev/zram1 rw", "RAM"),
    ],
)
def test_folders_in_ram_are_refused(line: str, word: str) -> None:
    verdict = judge(DATA, parse_mountinfo(PLAIN_PI + line + "\n"))
    assert verdict.problem is not None and word in verdict.problem


# What the kiosk's own process sees under ProtectSystem=strict: every mount read-only but the
# data folder, which systemd bind-mounts onto itself, writable (StateDirectory=).
SERVICE_NAMESPACE = """\
300 280 179:2 / / ro,noatime shared:1 - ext4 /dev/mmcblk0p2 rw
301 300 179:2 /var/lib/maeum-kiosk /var/lib/maeum-kiosk rw,noatime shared:1 - ext4 /dev/mmcblk0p2 rw
302 300 0:27 / /run ro,nosuid,nodev shared:8 - tmpfs tmpfs rw
"""


def test_the_kiosks_sandbox_is_not_mistaken_for_ram() -> None:
    verdict = judge(DATA, parse_mountinfo(SERVICE_NAMESPACE))
    assert verdict.ok, verdict.problem
    assert verdict.mount is not None and verdict.mount.mount_point == str(DATA)
    # Even were the bind mount missing, a read-only disk is not RAM: the ledger's own open
    # fails then, with its own message.
    assert judge(DATA, parse_mountinfo(SERVICE_NAMESPACE.splitlines()[0] + "\n")).ok


def test_an_unreadable_mount_table_never_stops_the_kiosk(tmp_path: Path) -> None:
    missing = tmp_path / "no-mountinfo"
    verdict = check_data_dir(DATA, missing)
    assert verdict.ok and verdict.unknown
    assert refusal(DATA, simulated=False, mountinfo=missing) is None
    assert data_dir_check(DATA, simulated=False, mountinfo=missing).run().status.value == "SKIP"


def test_a_plain_sd_card_install_keeps_the_ledger() -> None:
    assert judge(DATA, parse_mountinfo(PLAIN_PI)).ok
    # /run is tmpfs: a folder there is not, and /running is not under /run.
    assert not judge(Path("/run/maeum"), parse_mountinfo(PLAIN_PI)).ok
    assert judge(Path("/running/data"), parse_mountinfo(PLAIN_PI)).ok


def test_mountinfo_details_escaped_names_optional_fields_and_stacked_mounts() -> None:
    text = (
        "25 1 179:2 / / rw shared:1 - ext4 /dev/root rw\n"
        "40 25 8:1 / /media/usb\\040stick rw,noatime shared:9 master:2 - ext4 /dev/sda1 rw\n"
        "41 25 0:40 / /srv rw - ext4 /dev/sdb1 rw\n"
        "42 41 0:41 / /srv rw - tmpfs tmpfs rw\n"  # mounted over the first /srv
        "broken line\n"
    )
    mounts = parse_mountinfo(text)
    assert [m.mount_point for m in mounts] == ["/", "/media/usb stick", "/srv", "/srv"]
    found = mount_of("/media/usb stick/data", mounts)
    assert found is not None and found.source == "/dev/sda1" and "noatime" in found.options
    top = mount_of("/srv/x", mounts)
    assert top is not None and top.fstype == "tmpfs", "the mount on top is the one written to"


@contextlib.contextmanager
def ram_folder(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs: mounted here when this runs as root, else /dev/shm if that is tmpfs."""
    target = tmp_path / "ram"
    target.mkdir()
    mounted = False
    if os.geteuid() == 0 and shutil.which("mount"):
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "maeum-test", str(target)],
            capture_output=True,
            check=False,
        )
        mounted = result.returncode == 0
    try:
        if mounted:
            yield target
        else:
            shm = Path("/dev/shm")
            if not shm.is_dir() or not os.access(shm, os.W_OK):
                pytest.skip("no tmpfs to test against (not root, no writable /dev/shm)")
            with tempfile.TemporaryDirectory(dir=shm) as folder:
                if check_data_dir(Path(folder)).ok:
                    pytest.skip("/dev/shm is not a tmpfs here")
                yield Path(folder)
    finally:
        if mounted:
            subprocess.run(["umount", str(target)], check=False)


def test_a_real_tmpfs_is_seen_from_the_live_mount_table(tmp_path: Path) -> None:
    with ram_folder(tmp_path) as ram:
        verdict = check_data_dir(ram / "maeum-kiosk")  # not made yet, as before systemd's
        assert verdict.problem is not None and "RAM" in verdict.problem
        assert verdict.mount is not None and verdict.mount.fstype == "tmpfs"
        # A symlink into it does not hide it.
        link = tmp_path / "data-link"
        link.symlink_to(ram)
        assert not check_data_dir(link).ok


def test_refusal_logs_one_clear_line_and_leaves_simulation_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(RASPI_CONFIG_OVERLAY)
    with caplog.at_level(logging.WARNING, logger="kiosk.shell.storage_check"):
        assert refusal(DATA, simulated=True, mountinfo=mountinfo) is None
        reason = refusal(DATA, simulated=False, mountinfo=mountinfo)
    assert reason is not None and "overlay" in reason
    critical = [r.getMessage() for r in caplog.records if r.levelno == logging.CRITICAL]
    assert critical[0].startswith("OUT OF SERVICE: the data folder would not survive a reboot")
    assert HINT in critical[1]
    mountinfo.write_text(READ_ONLY_ROOT)
    assert refusal(DATA, simulated=False, mountinfo=mountinfo) is None


def page_text(rt_page_ops: list[object]) -> str:
    return " ".join(op.source for op in rt_page_ops if isinstance(op, TextBlock))


def test_a_refusing_kiosk_shows_out_of_service_with_the_help_lines_and_records_nothing(
    tmp_path: Path,
) -> None:
    pygame.display.init()
    surface = pygame.display.set_mode((800, 480))
    data = tmp_path / "data"
    config = replace(KioskConfig(), display=panel(800, 480), data_dir=data)
    runtime = refusing_runtime(config, 0.0, "data folder not on a disk: …")
    runtime.app.frame(surface, [], 0.0)
    assert runtime.session.state.screen is Screen.OUT_OF_SERVICE
    text = page_text(runtime.app.page.ops)
    ko = Translations.load(("ko",))
    assert ko.text("ko", "help.line_120") in text
    assert ko.text("ko", "out_of_service.title") in text
    # A touch anywhere does not start a visit.
    for _ in range(3):
        runtime.app.frame(surface, [tap(400, 240)], 1.0)
    assert runtime.session.state.screen is Screen.OUT_OF_SERVICE
    assert runtime.dispenser.vend(1).outcome.value != "dispensed"
    assert not data.exists(), "nothing was written: no ledger, no history"
    runtime.close()


def tap(x: int, y: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(x, y), button=1)


def test_hwtest_fails_its_storage_check_for_a_real_machine_only(tmp_path: Path) -> None:
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(RASPI_CONFIG_OVERLAY)
    real = data_dir_check(DATA, simulated=False, mountinfo=mountinfo).run()
    assert real.status.value == "FAIL" and "raspi-config" in real.reason
    assert real.next_step == HINT and real.details["fstype"] == "overlay"
    training = data_dir_check(DATA, simulated=True, mountinfo=mountinfo).run()
    assert training.status.value == "PASS" and "simulation" in training.reason
    mountinfo.write_text(READ_ONLY_ROOT)
    good = data_dir_check(DATA, simulated=False, mountinfo=mountinfo).run()
    assert good.status.value == "PASS" and "/dev/mmcblk0p3" in good.reason


def test_hwtest_on_a_machine_with_its_data_in_ram_says_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole command, against a real tmpfs, with the configuration of a real machine."""
    import io

    from kiosk.cli import build_parser
    from kiosk.commands.hwtest import hwtest

    with ram_folder(tmp_path) as ram:
        config = tmp_path / "kiosk.toml"
        config.write_text(
            f'data_dir = "{ram}"\n[hardware]\nsimulated = false\npin_factory = "lgpio"\n'
            'serial_port = "loop://"\n',
            encoding="utf-8",
        )
        assert load_config(str(config), environ={}).data_dir == ram
        monkeypatch.delenv("MAEUM_DATA_DIR", raising=False)
        args = build_parser().parse_args(
            ["hwtest", "--config", str(config), "--yes", "--only", "config"]
        )
        out = io.StringIO()
        status = hwtest(args, stdin=io.StringIO(), stdout=out, env=Environment())
    assert status == 1
    assert "PASS  configuration" in out.getvalue(), "only the data folder is wrong"
    assert "FAIL  data folder on a disk" in out.getvalue()
    assert "재부팅하면 장부가 사라짐" in out.getvalue()


def test_the_kiosk_started_by_systemd_on_a_ram_folder_refuses_and_says_so_at_crit(
    tmp_path: Path,
) -> None:
    """`maeum-kiosk run` as the service starts it: the journal gets one "crit" line naming the
    folder, the kiosk stays up on the out-of-service screen (no restart loop) and stops
    cleanly on SIGTERM, having written nothing into the folder."""
    import select
    import signal
    import sys

    root = Path(__file__).resolve().parents[2]
    with ram_folder(tmp_path) as ram:
        config = tmp_path / "kiosk.toml"
        config.write_text(
            f'data_dir = "{ram}"\n[display]\nsdl_driver = "dummy"\nwidth = 800\nheight = 480\n'
            '[hardware]\nsimulated = false\npin_factory = "lgpio"\nserial_port = "loop://"\n',
            encoding="utf-8",
        )
        read_fd, write_fd = os.pipe()
        info = os.fstat(write_fd)
        env = {k: v for k, v in os.environ.items() if k != "MAEUM_DATA_DIR"}
        env |= {"JOURNAL_STREAM": f"{info.st_dev}:{info.st_ino}", "SDL_AUDIODRIVER": "dummy"}
        with subprocess.Popen(
            [sys.executable, "main.py", "run", "--config", str(config)],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=write_fd,
        ) as kiosk:
            os.close(write_fd)
            seen = ""
            try:
                while "OUT OF SERVICE" not in seen:
                    ready, _, _ = select.select([read_fd], [], [], 30)
                    chunk = os.read(read_fd, 65536).decode() if ready else ""
                    assert chunk, f"the kiosk said nothing of its refusal: {seen}"
                    seen += chunk
                kiosk.send_signal(signal.SIGTERM)
                assert kiosk.wait(timeout=30) == 0
            finally:
                if kiosk.poll() is None:
                    kiosk.kill()
                os.close(read_fd)
        assert list(ram.iterdir()) == [], "no ledger, no history written"
    crit = [line for line in seen.splitlines() if "OUT OF SERVICE" in line]
    assert crit[0].startswith("<2>CRITICAL kiosk.shell.storage_check: OUT OF SERVICE"), crit
    assert f"{ram} is on tmpfs" in crit[0]
