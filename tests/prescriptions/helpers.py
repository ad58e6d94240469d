"""Shared fixtures' paths and fakes for the prescriptions tests."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from prescriptions.checks import Minimums
from prescriptions.model import Prescription

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"
SPARSE = FIXTURES / "sparse"
BUNDLED = Path(__file__).resolve().parents[2] / "prescriptions" / "content"

# The good fixture is deliberately small; these are the minimums it is checked against (one
# gentle card per category is enough for it: a window of 0 and a margin of 1).
SMALL = {"no_repeat_window": 0, "gentle_margin": 1}
GOOD_MINIMUMS = Minimums(categories=2, symptoms=3, prescriptions_per_category=4, **SMALL)
BROKEN_MINIMUMS = Minimums(categories=4, symptoms=4, prescriptions_per_category=2, **SMALL)
SPARSE_MINIMUMS = Minimums(
    categories=4, symptoms=4, prescriptions_per_category=4, no_repeat_window=0, gentle_margin=2
)

FAKE_CARD_CHARACTERS = 60


def fake_fits(prescription: Prescription, lang: str) -> str | None:
    """Stands in for the real card layout: a phrase over 60 characters does not fit."""
    phrase = prescription.phrase.get(lang)
    if len(phrase) > FAKE_CARD_CHARACTERS:
        return f"phrase has {len(phrase)} characters"
    return None


def copy_of(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(source, target)
    return target


_MARK = re.compile(rb"#\s*expect:\s*([a-z][a-z, -]*)")
_MARK_AT = re.compile(rb"#\s*expect-at:\s*([^:]+):(\d+):\s*([a-z-]+)")


def expected_marks(directory: Path) -> set[tuple[str, int, str]]:
    """The (file, line, code) marked in a fixture with `# expect: code` comments."""
    found: set[tuple[str, int, str]] = set()
    for path in sorted(directory.rglob("*.toml")):
        relative = path.relative_to(directory).as_posix()
        for number, line in enumerate(path.read_bytes().splitlines(), start=1):
            if at := _MARK_AT.search(line):
                found.add((at.group(1).decode(), int(at.group(2)), at.group(3).decode()))
            elif mark := _MARK.search(line):
                for code in mark.group(1).decode().split(","):
                    found.add((relative, number, code.strip()))
    return found
