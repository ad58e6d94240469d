"""The house rules that keep the layers apart, checked on the source itself, and what the
kiosk's first frame imports (nothing it does not need: staff mode, GPIO, serial, QR, SQLite
join later, in the background)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports_of(path: Path) -> set[str]:
    """Top-level package names imported anywhere in the file (inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("hardware", ("kiosk", "prescriptions")),
        ("prescriptions", ("kiosk", "hardware")),
        ("kiosk/visit/flow", ("pygame",)),
    ],
)
def test_import_walls(package: str, forbidden: tuple[str, ...]) -> None:
    broken = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources(package)
        for name in imports_of(path)
        if name.split(".")[0] in forbidden
    ]
    assert not broken, "\n".join(broken)


FIRST_FRAME = """
import sys
from kiosk.cli import build_parser
build_parser("run")
import kiosk.shell.assembly, kiosk.commands.run, kiosk.shell.loop, kiosk.shell.wait
print("\\n".join(sorted(sys.modules)))
"""
LATER = (
    "gpiozero",
    "serial",
    "segno",
    "sqlite3",
    "kiosk.staff.mode",
    "kiosk.cabinet.ledger",
    "ssl",
    "PIL",  # the receipt printer's 1-bit slips: a fifth of a second, on its own thread
    "escpos",
    "hardware.printer",
    "kiosk.visit.printing.service",
    "hardware.speech.voice",  # the sound joins after the first frame, like the cabinet
    "hardware.speech.engine",
)


def test_the_first_frame_imports_only_what_it_needs() -> None:
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"SDL_VIDEODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1", "PATH": ""},
    )
    loaded = set(out.stdout.split())
    assert not [m for m in LATER if m in loaded]
