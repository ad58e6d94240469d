"""Line numbers for keys that tomllib does not report: the forms TOML allows for one record."""

from __future__ import annotations

from prescriptions.lines import blocks_of, scan

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
