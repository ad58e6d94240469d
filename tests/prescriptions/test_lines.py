"""Line numbers that tomllib does not report: the forms TOML allows for one record, and the
line where a file cut short left something open (issue #11: 6 of 15 cut files had none)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prescriptions.errors import ContentIssue
from prescriptions.lines import Unclosed, blocks_of, scan, unclosed_at_end
from prescriptions.loader import parse_toml
from tests.prescriptions.helpers import BUNDLED

TEXT = '''\
# a comment with [[prescription]] in it is not a header
[[prescription]]
id = "a"
ko.phrase = "dotted key"
en = { phrase = "inline table" }

[[prescription]]
id = "b"
[prescription.ko]
phrase = """
[[prescription]]
id = "inside a multi-line string"
"""
dosage = 'literal'
'''


def test_each_record_and_key_has_its_line() -> None:
    first, second = blocks_of(scan(TEXT), "prescription")
    assert (first.line, first.line_of("id"), first.line_of("ko", "phrase")) == (2, 3, 4)
    assert first.line_of("en", "phrase") == 5  # inside an inline table: the table's line
    assert (second.line, second.line_of("ko", "phrase"), second.line_of("ko", "dosage")) == (
        7,
        10,
        14,
    )
    assert second.line_of("ko", "medicine") == 9  # missing key: its table's header


def test_a_missing_key_in_a_record_without_tables_falls_back_to_the_header() -> None:
    (only,) = blocks_of(scan('[[item]]\nid = "candy"\n'), "item")
    assert only.line_of("ko", "name") == 1


@pytest.mark.parametrize(
    ("text", "what", "line"),
    [
        ('a = 1\nb = "never closed', "string", 2),
        ('a = 1\nb = """\nline one\nline two', "string", 2),
        ("a = '''\nx\n", "string", 1),
        ('a = "\\"" # "quote\nb = [1,\n2,\n', "[", 2),
        ("a = 1\nb = { x = 1,", "{", 2),
        ("x = 1\n[prescription", "[", 2),
        ('[[prescription]]\nid = "a"\nphrase =\n\n', "", 3),
    ],
)
def test_a_file_cut_short_names_the_line_where_the_open_part_began(
    text: str, what: str, line: int
) -> None:
    assert unclosed_at_end(text) == Unclosed(what, line)


@pytest.mark.parametrize("path", sorted(BUNDLED.rglob("*.toml")), ids=lambda p: p.name)
def test_every_cut_of_a_bundled_file_is_reported_with_a_line_that_has_the_problem(
    path: Path,
) -> None:
    """A copy interrupted or a disk full leaves a file cut anywhere. tomllib says only "at end
    of document" for most cuts; each message must still name a line, and the line it names
    must be the one with the unclosed quote or bracket (or the last one written)."""
    text = path.read_text(encoding="utf-8")
    for k in range(1, 16):
        cut = text[: len(text) * k // 16]
        issues: list[ContentIssue] = []
        if parse_toml(path.name, cut.encode(), issues) is not None:
            continue
        (found,) = issues
        lines = cut.split("\n")
        assert found.code == "toml-syntax" and 1 <= found.line <= len(lines), found
        if "end of document" in found.message_en:
            named = lines[found.line - 1]
            last = max(n for n, t in enumerate(lines, start=1) if t.strip())
            assert any(c in named for c in "\"'[{") or found.line == last, (k, named)
