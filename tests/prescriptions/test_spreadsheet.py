"""The spreadsheet file: formula cells neutralised both ways (issue #11, defect 5), rows named
right when encodings are mixed, and files too large or cells too long refused by row (7)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prescriptions.csvio import Entry, entries_from_csv, entries_in, entries_to_csv, import_csv
from prescriptions.errors import ContentError
from prescriptions.loader import load_content
from prescriptions.model import Localized
from prescriptions.schema import normalize_text
from prescriptions.spreadsheet import (
    FORMULA_STARTS,
    MAX_CSV_BYTES,
    escape_cell,
    unescape_cell,
)
from tests.prescriptions.helpers import GOOD, GOOD_MINIMUMS, copy_of, fake_fits

INJECTION = "=cmd|' /C calc'!A0"


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _with_phrase(text: str) -> list[Entry]:
    entries = entries_in(GOOD)
    first = entries[0].prescription
    phrase = Localized.of({"ko": text, "en": text})
    return [Entry(entries[0].file, replace(first, phrase=phrase)), *entries[1:]]


@pytest.mark.parametrize("text", [INJECTION, "+1 행복", "-5분 산책", "@SUM(A1)", "'인용'"])
def test_export_never_writes_a_cell_excel_would_evaluate(text: str) -> None:
    exported = entries_to_csv(_with_phrase(text))
    for row in _cells(exported):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
    header, first = _cells(exported)[:2]
    assert first[header.index("phrase_ko")] == "'" + text  # the OWASP quote, and only that
    first_entry = next(e for _, e in entries_from_csv(exported, "x.csv"))
    assert first_entry.prescription.phrase.get("ko") == text


# Texts that begin with anything, quotes and formula characters included, as the schema
# allows them (no control characters but the line break).
_START = st.sampled_from(["=", "+", "-", "@", "'", "''", "#", '"', "'=", "-'", ""])
_REST = st.text(st.sampled_from("가나다 abc'=-+@#\"\n,0123456789!?NAME"), max_size=12)
leading_texts = st.builds(lambda a, b: normalize_text(a + b), _START, _REST).filter(bool)


@settings(max_examples=200)
@given(text=st.text(max_size=30))
def test_a_cell_comes_back_exactly_as_it_was_escaped(text: str) -> None:
    assert unescape_cell(escape_cell(text)) == text
    assert not escape_cell(text).startswith(FORMULA_STARTS)


@settings(max_examples=100, deadline=None)
@given(phrase=leading_texts, dosage=leading_texts)
def test_texts_that_look_like_formulas_round_trip_losslessly(phrase: str, dosage: str) -> None:
    entries = entries_in(GOOD)
    first = entries[0].prescription
    edited = replace(
        first,
        phrase=Localized.of({"ko": phrase}),
        dosage=Localized.of({"ko": dosage, "en": phrase}),
    )
    entries = [Entry(entries[0].file, edited), *entries[1:]]
    assert [e for _, e in entries_from_csv(entries_to_csv(entries), "x.csv")] == entries


def test_a_formula_cell_that_arrives_unquoted_is_kept_as_plain_text(tmp_path: Path) -> None:
    """The import neutralises: the kiosk never evaluates a cell, so the text is kept as the
    text it is, and every later export quotes it."""
    content = copy_of(GOOD, tmp_path)
    sheet = tmp_path / "처방.csv"
    rows = _cells(entries_to_csv(entries_in(content)))
    rows[1][rows[0].index("phrase_ko")] = "-5분만 걸어요"  # as Excel saves a typed '-5분…
    rows[1][rows[0].index("dosage_ko")] = INJECTION  # as a hand-made file might hold
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    sheet.write_bytes(out.getvalue().encode("utf-8-sig"))

    import_csv(sheet, content, fake_fits, GOOD_MINIMUMS)

    imported = load_content(content).prescription(rows[1][rows[0].index("id")])
    assert (imported.phrase.get("ko"), imported.dosage.get("ko")) == ("-5분만 걸어요", INJECTION)
    again = _cells(entries_to_csv(entries_in(content)))
    assert again[1][again[0].index("dosage_ko")] == "'" + INJECTION


# ── rows ──────────────────────────────────────────────────────────────────────────────────


def _sheet(rows: list[str], encodings: dict[int, str]) -> bytes:
    """CSV lines, each in its own encoding (default UTF-8): a file pasted together."""
    return b"".join((row + "\r\n").encode(encodings.get(n, "utf-8")) for n, row in enumerate(rows))


HEADER = "file,id,categories,medicine_ko,phrase_ko,dosage_ko"


def _row(n: int) -> str:
    return f'fine.toml,fine-{n:03},fine,약{n},"괜찮은 날,\n쉬어 가세요",하루 한 번'


def _refusal(data: bytes) -> tuple[int, str, str]:
    with pytest.raises(ContentError) as refused:
        entries_from_csv(data, "x.csv")
    found = refused.value.issues[0]
    return found.line, found.code, found.message_ko


def test_a_cp949_row_in_a_utf8_file_is_named_by_its_own_row() -> None:
    # Every row holds a line break inside a quoted cell, so rows and lines differ.
    rows = [HEADER, *(_row(n) for n in range(1, 7))]
    line, code, message = _refusal(_sheet(rows, {5: "cp949"}))  # the 5th data row: row 6
    assert (line, code) == (6, "csv-encoding")
    assert "UTF-8" in message and "섞여" in message


def test_a_utf8_row_in_a_cp949_file_is_named_by_its_own_row() -> None:
    rows = [HEADER, *(_row(n) for n in range(1, 7))]
    cp949 = dict.fromkeys(range(len(rows)), "cp949")
    del cp949[4]  # the 4th data row was pasted from a UTF-8 file: row 5
    line, code, message = _refusal(_sheet(rows, cp949))
    assert (line, code) == (5, "csv-encoding")
    assert "CP949" in message


def test_a_whole_cp949_file_is_still_read() -> None:
    rows = [HEADER, *(_row(n) for n in range(1, 4))]
    data = _sheet(rows, dict.fromkeys(range(len(rows)), "cp949"))
    assert [e.prescription.id for _, e in entries_from_csv(data, "x.csv")] == [
        "fine-001",
        "fine-002",
        "fine-003",
    ]


def test_a_cell_too_long_for_the_reader_is_refused_by_row() -> None:
    rows = [HEADER, _row(1), f"fine.toml,fine-002,fine,약,{'가' * 200_000},하루"]
    line, code, _ = _refusal(_sheet(rows, {}))
    assert (line, code) == (3, "csv-cell")


def test_a_spreadsheet_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    sheet = tmp_path / "huge.csv"
    row = (_row(1).replace("\n", " ") + "\r\n").encode()
    sheet.write_bytes(HEADER.encode() + b"\r\n" + row * (MAX_CSV_BYTES // len(row) + 2))
    with pytest.raises(ContentError) as refused:
        import_csv(sheet, content, fake_fits, GOOD_MINIMUMS)
    found = refused.value.issues[0]
    assert (found.file, found.code) == ("huge.csv", "file-too-large")
    assert found.line == MAX_CSV_BYTES // len(row) + 2  # the row in which the limit passes
