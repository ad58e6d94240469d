"""Writing the staff PIN's hash into the machine configuration without disturbing the rest of
the file: every other line and comment stays as it was, and the file is replaced atomically
(a power cut leaves the old file or the new one, never half of one) with its owner, group and
mode kept (`kiosk.shell.config_file`), so the kiosk's user can still read it after `sudo`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from kiosk.shell.config_file import read_config_text, replace_config_file
from kiosk.shell.errors import ConfigError

_HEADER = re.compile(r"^\s*\[\s*staff\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")
_PIN_LINE = re.compile(r"""^(\s*pin_hash\s*=\s*)("[^"]*"|'[^']*')(.*)$""")
_PIN_KEY = re.compile(r"^\s*pin_hash\s*=")


def with_pin_hash(text: str, pin_hash: str) -> str:
    """`text` (a TOML configuration) with `[staff] pin_hash` set to `pin_hash`."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    value = f'"{pin_hash}"'
    start = next((i for i, line in enumerate(lines) if _HEADER.match(line.rstrip("\r\n"))), None)
    if start is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += newline
        lines += [newline, f"[staff]{newline}", f"pin_hash = {value}{newline}"]
        return "".join(lines)
    end = next((i for i in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines))
    for i in range(start + 1, end):
        bare = lines[i].rstrip("\r\n")
        ending = lines[i][len(bare) :]
        found = _PIN_LINE.match(bare)
        if found is not None:
            lines[i] = f"{found.group(1)}{value}{found.group(3)}{ending}"
            return "".join(lines)
        if _PIN_KEY.match(bare):  # some other form of value: the whole line is replaced
            lines[i] = f"pin_hash = {value}{ending or newline}"
            return "".join(lines)
    lines.insert(start + 1, f"pin_hash = {value}{newline}")
    return "".join(lines)


def write_pin_hash(path: Path, pin_hash: str, *, create: bool = False) -> None:
    """Set the hash in the configuration file at `path`; ConfigError when the file is missing
    (unless `create`) or the result would not be the same valid TOML with the new hash."""
    text = read_config_text(path, missing_ok=create) or ""
    updated = with_pin_hash(text, pin_hash)
    try:
        parsed = tomllib.loads(updated)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML after the change, left alone: {exc}") from exc
    staff = parsed.get("staff")
    if not isinstance(staff, dict) or staff.get("pin_hash") != pin_hash:
        raise ConfigError(f"{path}: [staff] could not be updated safely; left alone")
    replace_config_file(path, updated.encode("utf-8"))
