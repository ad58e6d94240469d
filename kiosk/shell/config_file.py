"""The machine configuration as a file: read it, or replace it, without surprises.

Reading: every way the file can be unusable (missing, closed to this user, a folder, a link to
nothing, not UTF-8, a NUL byte, a disk error) is a `ConfigError` that names the file and says
what to do: never a traceback, whichever command met it.

Replacing: atomically (a temporary file beside it, fsync, `os.replace`, fsync of the folder),
and the new file keeps the old one's owner, group and mode. `sudo python main.py staff-pin`
writes as root into a file that is root:maeum 0640; a new file owned by root:root would lock
the kiosk's own user out of its configuration, and the kiosk would not start.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import stat
from pathlib import Path

from kiosk.shell.errors import ConfigError
from prescriptions.atomic import write_atomically

KIOSK_USER = "maeum"  # the service's User= (deploy/maeum-kiosk.service)
NEW_FILE_MODE = 0o640  # it holds the PIN's hash: the kiosk's group reads it, others do not


def read_config_text(path: Path, *, missing_ok: bool = False) -> str | None:
    """The file's text; None only when it does not exist and `missing_ok`. ConfigError (path,
    what is wrong, what to do) for anything else that keeps it from being read."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        target = _link_target(path)
        if target is not None:
            raise ConfigError(
                f"{path}: is a link to {target}, which does not exist. Point the link at the "
                "configuration file, or put the file itself in its place."
            ) from exc
        if missing_ok:
            return None
        raise ConfigError(f"{path}: configuration file not found") from exc
    except PermissionError as exc:
        raise ConfigError(_closed(path)) from exc
    except OSError as exc:
        raise ConfigError(_broken(path, exc)) from exc
    if stat.S_ISDIR(info.st_mode):
        raise ConfigError(
            f"{path}: is a folder, not a file. The configuration is one TOML file "
            "(every key is explained in deploy/kiosk.toml, kiosk.toml.example on the device)."
        )
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{path}: is not a regular file; the configuration is one TOML file.")
    try:
        data = path.read_bytes()
    except PermissionError as exc:
        raise ConfigError(_closed(path)) from exc
    except OSError as exc:
        raise ConfigError(_broken(path, exc)) from exc
    return decode_config(path, data)


def decode_config(path: Path, data: bytes) -> str:
    """UTF-8 text without NUL bytes (tomllib would refuse a NUL with a puzzling message)."""
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise ConfigError(
            f"{path}: line {line} has a NUL byte: the file is damaged. Restore it from "
            "kiosk.toml.bak, or start again from kiosk.toml.example."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{path}: line {line} is not UTF-8 text. Save the file as UTF-8 (not EUC-KR or "
            "CP949) and try again."
        ) from exc


def replace_config_file(path: Path, data: bytes) -> None:
    """Replace the file at `path` (through a link, the file it points to) with `data`,
    keeping its owner, group and mode. ConfigError, and the file untouched, when the owner
    cannot be kept (only root may give a file away)."""
    target = path.resolve() if path.is_symlink() else path
    try:
        old: os.stat_result | None = target.stat()
    except FileNotFoundError:
        old = None
    write_atomically(target, data, prepare=lambda fd: _same_owner_and_mode(fd, target, old))


def _same_owner_and_mode(fd: int, path: Path, old: os.stat_result | None) -> None:
    """The old file's owner, group and mode on the new one; a new file gets its folder's
    group (root:maeum in /etc/maeum-kiosk) and NEW_FILE_MODE."""
    if old is None:
        os.fchmod(fd, NEW_FILE_MODE)
        with contextlib.suppress(PermissionError):  # not a member of it: our own group stays
            os.fchown(fd, -1, path.parent.stat().st_gid)
        return
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (old.st_uid, old.st_gid):
        return
    try:
        os.fchown(fd, old.st_uid, old.st_gid)
    except PermissionError as exc:
        raise ConfigError(
            f"{path}: belongs to {_owner(old)}, and only root can keep that owner on a new "
            "copy; nothing changed. Run the command with sudo."
        ) from exc
    # chown clears the set-id bits: the mode goes on again after it.
    os.fchmod(fd, stat.S_IMODE(old.st_mode))


def _link_target(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def _closed(path: Path) -> str:
    """Permission denied: who asked, what the file is, and the two ways out."""
    try:
        info = path.stat()
        what = f"the file is {_owner(info)} {stat.S_IMODE(info.st_mode):04o}"
    except OSError:
        what = f"the folder {path.parent} is closed to this user"
    return (
        f"{path}: permission denied for user {_user(os.geteuid())} ({what}). "
        f"The kiosk runs as the user {KIOSK_USER}, which must be able to read it: "
        f"sudo chown root:{KIOSK_USER} {path} && sudo chmod 0640 {path}. "
        "Other commands: run them with sudo."
    )


def _broken(path: Path, exc: OSError) -> str:
    return (
        f"{path}: cannot be read ({exc.strerror or exc}). Check the disk (journalctl -k), "
        "or restore the file from kiosk.toml.bak or kiosk.toml.example."
    )


def _owner(info: os.stat_result) -> str:
    return f"{_user(info.st_uid)}:{_group(info.st_gid)}"


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)
