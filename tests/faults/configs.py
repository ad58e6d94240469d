"""Configurations for the fault tests: a real cabinet's, and the ways a file can be unusable."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.cabinet.cabinet import LEDGER_FILE
from kiosk.cabinet.ledger import Ledger
from kiosk.shell.config import Slot
from tests.faults.support import NOBODY

ITEMS = ("candy", "tea", "vitamin")
SLOTS = tuple(Slot(n, item, capacity=8) for n, item in enumerate(ITEMS, start=1))


def config_text(data: Path, content: Path | None = None) -> str:
    """A real cabinet's configuration: three slots, real (not simulated) hardware."""
    lines = [f'data_dir = "{data}"']
    if content is not None:
        lines.append(f'content_dir = "{content}"')
    lines += ["", "[hardware]", "simulated = false", 'pin_factory = "mock"', ""]
    for number, item in enumerate(ITEMS, start=1):
        lines += ["[[hardware.slots]]", f"number = {number}", f'item = "{item}"', "capacity = 8"]
        lines.append("")
    lines += ["[staff]", "# staff-pin writes the hash here", 'pin_hash = ""', ""]
    return "\n".join(lines)


def a_ledger_with_history(data: Path) -> bytes:
    """The data folder of a kiosk that has run: a refill recorded. Returns the ledger's bytes."""
    data.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(data / LEDGER_FILE)
    ledger.sync_slots(SLOTS)
    ledger.refill(2, 5)
    ledger.close()
    return (data / LEDGER_FILE).read_bytes()


# kind -> words the message must contain besides the file's path (what is wrong, what to do)
KINDS: dict[str, tuple[str, ...]] = {
    "root-only": ("permission denied", "sudo chown root:maeum", "chmod 0640"),
    "folder": ("folder", "one TOML file"),
    "link-to-nothing": ("link", "gone.toml", "does not exist"),
    "not-utf-8": ("UTF-8", "line 4"),
    "nul-byte": ("NUL", "line 2"),
}


def broken_config(kind: str, where: Path) -> tuple[Path, int | None]:
    """The configuration file broken in this way, and the user who then runs the commands."""
    path = where / "kiosk.toml"
    good = config_text(where / "data").encode("utf-8")
    if kind == "root-only":
        # What `sudo staff-pin` used to leave behind: root:root 0640.
        path.write_bytes(good)
        os.chown(path, 0, 0)
        path.chmod(0o640)
        return path, NOBODY
    if kind == "folder":
        path.mkdir()
    elif kind == "link-to-nothing":
        path.symlink_to(where / "gone.toml")
    elif kind == "not-utf-8":
        path.write_bytes(b'data_dir = "/tmp"\n\n[display]\n# \xc7\xd1\xb1\xdb (EUC-KR)\n')
    elif kind == "nul-byte":
        path.write_bytes(b'data_dir = "/tmp"\n\x00\n' + good)
    return path, None
