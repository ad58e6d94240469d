"""Is the kiosk's data folder on a disk, or in RAM where the ledger dies at the next reboot?

The ledger (vends, stock, counters) lives in `data_dir`. On a Pi with a read-only root that
folder must be its own writable partition. Two ways it silently ends up in RAM:

- raspi-config's "Overlay File System" writes `overlayroot=tmpfs` to cmdline.txt; overlayroot
  reads the kernel command line last and its default `recurse=1` overlays every partition in
  fstab, the data partition included: the folder becomes an `overlay` whose writes go to RAM.
- a data folder that was never moved to its partition sits on `/`, which under the read-only
  root is itself an `overlay` over RAM; or someone points `data_dir` at a `tmpfs`.

The running kiosk refuses to serve visits then (out-of-service screen, help lines, one clear
log line) rather than hand out items it will forget, and `hwtest` fails its storage check. The
mount table is read from /proc/self/mountinfo (proc(5)): the mount that holds a path is the one
with the longest mount point above it, the last one listed when mounts are stacked.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hardware.diagnostics import Check

log = logging.getLogger(__name__)

MOUNTINFO = Path("/proc/self/mountinfo")
# File systems whose contents live in RAM only: gone at the next boot or power cut.
RAM_FILESYSTEMS = frozenset({"tmpfs", "ramfs"})
# Writes to an overlay go to its upper layer: under overlayroot (and raspi-config's menu) RAM.
OVERLAY_FILESYSTEMS = frozenset({"overlay", "overlayfs", "aufs"})
# A block device that is itself compressed RAM (zram), whatever file system is on it.
RAM_DEVICE_PREFIXES = ("/dev/zram", "/dev/ram")

HINT = (
    "put data_dir on the data partition (docs/power-cuts.md); never switch on raspi-config's "
    "Overlay File System: `sudo deploy/install.sh --read-only-root` keeps the data partition "
    "writable"
)


@dataclass(frozen=True)
class Mount:
    mount_point: str
    fstype: str
    source: str
    options: tuple[str, ...]  # per-mount options: "rw"/"ro", "noatime", ...


@dataclass(frozen=True)
class StorageVerdict:
    path: Path
    mount: Mount | None
    problem: str | None  # None: the folder keeps what is written to it, or nobody can tell

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def unknown(self) -> bool:
        """The mount table could not be read: never a reason to stop serving."""
        return self.mount is None

    def describe(self) -> str:
        if self.mount is None:
            return f"{self.path}: no mount found for it"
        m = self.mount
        return f"{self.path} is on {m.fstype} ({m.source}) mounted at {m.mount_point}"


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in paths as octal escapes."""
    out, i = [], 0
    while i < len(field):
        code = field[i + 1 : i + 4]
        if field[i] == "\\" and len(code) == 3 and code.isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts in /proc/self/mountinfo text, in its order; malformed lines are skipped.

    A line: `id parent major:minor root mount_point options [optional...] - fstype source super`.
    """
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields[6:]:
            continue
        dash = fields.index("-", 6)
        if len(fields) < dash + 3:
            continue
        mounts.append(
            Mount(
                mount_point=_unescape(fields[4]),
                fstype=fields[dash + 1],
                source=_unescape(fields[dash + 2]),
                options=tuple(fields[5].split(",")),
            )
        )
    return mounts


def _under(path: str, mount_point: str) -> bool:
    return mount_point == "/" or path == mount_point or path.startswith(mount_point + "/")


def mount_of(path: str, mounts: Sequence[Mount]) -> Mount | None:
    """The mount that holds `path` (absolute, symlinks resolved)."""
    best: Mount | None = None
    for mount in mounts:  # later lines are mounted over earlier ones: ">=" lets them win
        if _under(path, mount.mount_point) and (
            best is None or len(mount.mount_point) >= len(best.mount_point)
        ):
            best = mount
    return best


def judge(path: Path, mounts: Sequence[Mount]) -> StorageVerdict:
    """Whether what the kiosk writes under `path` survives a reboot, and why not."""
    # Symlinks resolved; a folder not made yet (systemd makes StateDirectory at start) is
    # judged by the mount its path falls under.
    mount = mount_of(os.path.realpath(path), mounts)
    if mount is None:
        return StorageVerdict(path, None, None)
    where = f"{path} is on {mount.fstype} ({mount.source}, mounted at {mount.mount_point})"
    if mount.fstype in RAM_FILESYSTEMS or mount.source.startswith(RAM_DEVICE_PREFIXES):
        problem = f"{where}: that is RAM, everything written there is lost at the next reboot"
    elif mount.fstype in OVERLAY_FILESYSTEMS:
        problem = (
            f"{where}: an overlay (read-only root or raspi-config's Overlay File System) "
            "writes to RAM, everything written there is lost at the next reboot"
        )
    else:
        # Not judged here: "ro". Under the kiosk's ProtectSystem=strict the whole tree is
        # read-only but for the data folder's own bind mount; a folder that really cannot be
        # written stops the ledger from opening, which says so itself.
        problem = None
    return StorageVerdict(path, mount, problem)


def check_data_dir(path: Path, mountinfo: Path | None = None) -> StorageVerdict:
    """`judge` against this process's mount table."""
    mountinfo = MOUNTINFO if mountinfo is None else mountinfo
    try:
        text = mountinfo.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        log.warning("cannot tell where %s is stored: %s", path, exc)
        return StorageVerdict(path, None, None)
    return judge(path, parse_mountinfo(text))


def refusal(data_dir: Path, *, simulated: bool, mountinfo: Path | None = None) -> str | None:
    """Why the kiosk must not serve visits with this data folder, or None.

    In simulation nothing real is handed out, so a folder in RAM (a developer's /tmp) is only
    mentioned in the log."""
    verdict = check_data_dir(data_dir, mountinfo)
    if verdict.ok:
        return None
    if simulated:
        log.warning("simulation: %s", verdict.problem)
        return None
    log.critical("OUT OF SERVICE: the data folder would not survive a reboot: %s", verdict.problem)
    log.critical("what to do: %s", HINT)
    return f"data folder not on a disk: {verdict.problem}"


def data_dir_check(data_dir: Path, *, simulated: bool, mountinfo: Path | None = None) -> Check:
    """hwtest's check of the same thing the kiosk checks at start ("config.storage")."""
    from hardware.diagnostics import Check, CheckResult, failed, passed, skipped

    def run() -> CheckResult:
        verdict = check_data_dir(data_dir, mountinfo)
        details = {"path": str(data_dir)}
        if verdict.mount is None:
            return skipped(f"{data_dir}: the mount table cannot be read, so nobody can tell")
        details |= {"fstype": verdict.mount.fstype, "mount_point": verdict.mount.mount_point}
        if verdict.ok:
            return passed(f"{verdict.describe()}: kept across reboots", **details)
        if simulated:
            return passed(f"simulation, nothing real is recorded: {verdict.problem}", **details)
        return failed(
            f"{verdict.problem} (재부팅하면 장부가 사라짐; the kiosk shows out of service)",
            HINT,
            **details,
        )

    return Check("config.storage", "data folder on a disk", "config", run)
