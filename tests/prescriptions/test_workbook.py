"""The Excel workbook staff edit: lossless both ways, every cell text, drop-downs for ids, the
rules on the first sheet; a refused import names sheet and row and changes nothing."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prescriptions.errors import ContentError
from prescriptions.files import FolderSnapshot
from prescriptions.loader import read_content, snapshot_of
from prescriptions.rules import RULES
from prescriptions.schema import SPECS, normalize_text
from prescriptions.sheets import FIELD_LABELS, SHEETS
from prescriptions.tomlwrite import toml_string
from prescriptions.workbook import (
    MAX_WORKBOOK_BYTES,
    check_workbook,
    export_workbook,
    import_workbook,
    read_workbook,
    workbook_bytes,
)
from tests.prescriptions.helpers import BUNDLED, GOOD, GOOD_MINIMUMS, copy_of, fake_fits


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*.toml")}


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, label: str) -> int:
    return next(c.column for c in ws[1] if c.value == label)


def _row(ws: openpyxl.worksheet.worksheet.Worksheet, record_id: str) -> int:
    id_column = _column(ws, FIELD_LABELS["id"])
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, id_column).value == record_id)


def test_every_kind_and_field_has_a_korean_header() -> None:
    for spec in SPECS:
        for name in (*spec.plain, *spec.texts):
            assert name in FIELD_LABELS, f"{spec.table}.{name} has no Korean header"
    assert all(ord(ch) > 0x1100 for s in SHEETS for ch in s.name.replace(" ", ""))


def test_the_bundled_content_comes_back_exactly() -> None:
    snapshot = snapshot_of(BUNDLED)
    files = read_workbook(workbook_bytes(snapshot))
    before = read_content(BUNDLED, snapshot).content
    after = read_content(Path(), files.staged(snapshot))
    assert not after.issues
    assert after.content == before
    assert len(after.content.prescriptions) == len(before.prescriptions) > 100


def test_importing_an_unedited_export_changes_no_file(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    before = _files(content)
    export_workbook(content, tmp_path / "content.xlsx")
    result = import_workbook(tmp_path / "content.xlsx", content, fake_fits, GOOD_MINIMUMS)
    assert result.written == () and result.removed == ()
    assert _files(content) == before  # comments and all


def test_an_edit_rewrites_only_its_file_and_reads_back(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    before = _files(content)
    book = _book(workbook_bytes(snapshot_of(content)))
    ws = book["처방"]
    ws.cell(_row(ws, "lonely-003"), _column(ws, "문구 (한국어)")).value = "새 문구예요."
    (tmp_path / "edited.xlsx").write_bytes(_saved(book))
    result = import_workbook(tmp_path / "edited.xlsx", content, fake_fits, GOOD_MINIMUMS)
    assert result.written == ("prescriptions/loneliness.toml",)
    after = _files(content)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"prescriptions/loneliness.toml"}
    loaded = read_content(content).content
    assert loaded.prescription("lonely-003").phrase.get("ko") == "새 문구예요."


def test_every_cell_is_text_so_excel_changes_nothing() -> None:
    book = _book(workbook_bytes(snapshot_of(GOOD)))
    for sheet in SHEETS:
        ws = book[sheet.name]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type == "s", (sheet.name, cell.coordinate, cell.value)
                    assert cell.number_format == "@", (sheet.name, cell.coordinate)
    places = book["장소"]
    phone = places.cell(2, _column(places, "전화번호")).value
    assert phone == "02-876-0900"  # a string, the leading 0 and dashes kept


def test_a_phrase_that_starts_like_a_formula_stays_text(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    path = content / "prescriptions" / "loneliness.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '"동네를 한 바퀴 걸어 보세요."', '"=HYPERLINK(\\"x\\") 동네를 걸어요"'
        ),
        encoding="utf-8",
    )
    data = workbook_bytes(snapshot_of(content))
    ws = _book(data)["처방"]
    cell = ws.cell(_row(ws, "lonely-003"), _column(ws, "문구 (한국어)"))
    assert cell.value == '=HYPERLINK("x") 동네를 걸어요' and cell.data_type == "s"
    staged = read_workbook(data).staged(snapshot_of(content))
    phrase = read_content(Path(), staged).content.prescription("lonely-003").phrase
    assert phrase.get("ko") == '=HYPERLINK("x") 동네를 걸어요'


def test_ids_have_drop_down_lists_and_the_rules_come_first() -> None:
    book = _book(workbook_bytes(snapshot_of(GOOD)))
    assert book.sheetnames[0] == "안내"
    rules = "\n".join(str(c.value) for row in book["안내"].iter_rows() for c in row if c.value)
    for group in RULES:
        for rule in group.rules:
            assert rule.ko in rules
    symptoms = book["증상"]
    category = symptoms.cell(1, _column(symptoms, "분류")).column_letter
    lists = symptoms.data_validations.dataValidation
    covering = [dv for dv in lists if any(category in str(r) for r in dv.sqref.ranges)]
    assert covering and covering[0].type == "list" and "분류" in covering[0].formula1
    rx = book["처방"]
    step = rx.cell(1, _column(rx, "다음 한 걸음")).column_letter
    assert any(step in str(dv.sqref) for dv in rx.data_validations.dataValidation)
    hidden = book["목록"]
    assert hidden.sheet_state == "hidden"
    assert "hotline-120" in [c.value for c in hidden["A"]]


def _refused(data: bytes, content: Path) -> list[str]:
    (content.parent / "edited.xlsx").write_bytes(data)
    before = _files(content)
    with pytest.raises(ContentError) as caught:
        import_workbook(content.parent / "edited.xlsx", content, fake_fits, GOOD_MINIMUMS)
    assert _files(content) == before, "a refused import changed a file"
    return [str(i) for i in caught.value.issues]


def test_a_refused_import_names_sheet_and_row_and_changes_nothing(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    book = _book(workbook_bytes(snapshot_of(content)))
    ws = book["처방"]
    row = _row(ws, "lonely-002")
    ws.cell(row, _column(ws, "문구 (한국어)")).value = "극단적인 선택은 하지 마세요"
    symptoms = book["증상"]
    symptoms.cell(3, _column(symptoms, "분류")).value = "nowhere"
    messages = _refused(_saved(book), content)
    assert any(m.startswith(f"edited.xlsx:처방:{row}:") and "banned-term" in m for m in messages)
    assert any(m.startswith("edited.xlsx:증상:3:") and "nowhere" in m for m in messages)


def test_what_excel_makes_of_a_cell_is_refused_by_sheet_row_and_column(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    book = _book(workbook_bytes(snapshot_of(content)))
    places = book["장소"]
    places.cell(2, _column(places, "전화번호")).value = 28760900  # Excel took it as a number
    ws = book["처방"]
    ws.cell(3, _column(ws, "약 이름 (영어)")).value = "=A1&B1"  # a real formula
    ws.cell(4, _column(ws, "비중")).value = "많이"
    ws.cell(5, _column(ws, "복용법 (한국어)")).value = __import__("datetime").date(2025, 3, 1)
    messages = _refused(_saved(book), content)
    assert any(m.startswith("edited.xlsx:장소:2: '전화번호'") for m in messages)
    formula = "edited.xlsx:처방:3: '약 이름 (영어)'"
    assert any(m.startswith(formula) and "수식" in m for m in messages)
    assert any(m.startswith("edited.xlsx:처방:4: '비중'") for m in messages)
    assert any(m.startswith("edited.xlsx:처방:5: '복용법 (한국어)'") for m in messages)


def test_a_renamed_sheet_or_header_is_refused(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    book = _book(workbook_bytes(snapshot_of(content)))
    book["증상"].title = "증상들"
    book["처방"].cell(1, 2).value = "이름표"
    messages = _refused(_saved(book), content)
    assert any("edited.xlsx:증상들:1:" in m for m in messages)
    assert any(m.startswith("edited.xlsx:처방:1:") and "이름표" in m for m in messages)


def test_a_missing_sheet_keeps_its_files_and_deleted_rows_are_removed(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    before = _files(content)
    book = _book(workbook_bytes(snapshot_of(content)))
    del book["증상"]
    ws = book["처방"]
    removed = _row(ws, "lonely-004")
    ws.delete_rows(removed)
    file_column = _column(ws, "파일")
    ws.cell(_row(ws, "lonely-003"), file_column).value = "새 파일"
    (tmp_path / "edited.xlsx").write_bytes(_saved(book))
    fewer = replace(GOOD_MINIMUMS, prescriptions_per_category=3)
    import_workbook(tmp_path / "edited.xlsx", content, fake_fits, fewer)
    after = _files(content)
    assert after["symptoms.toml"] == before["symptoms.toml"]
    assert "prescriptions/새 파일.toml" in after
    loaded = read_content(content).content
    ids = {p.id for p in loaded.prescriptions}
    assert "lonely-004" not in ids and "lonely-003" in ids


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"id,phrase\n1,2\n", "xlsx"),
        (b"PK\x03\x04 not really a zip", "xlsx"),
        (b"x" * (MAX_WORKBOOK_BYTES + 1), "MiB"),
    ],
)
def test_what_is_not_a_workbook_is_refused_plainly(data: bytes, needle: str) -> None:
    with pytest.raises(ContentError) as caught:
        read_workbook(data, "upload.xlsx")
    assert needle in str(caught.value) and str(caught.value).startswith("upload.xlsx:1:")


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * MAX_WORKBOOK_BYTES + 1))
    assert len(packed.getvalue()) < 1 << 20
    with pytest.raises(ContentError, match=r"unpacks|내용이 너무"):
        read_workbook(packed.getvalue())


def test_check_workbook_is_what_a_dashboard_calls() -> None:
    snapshot = snapshot_of(GOOD)
    files, staged = check_workbook(
        workbook_bytes(snapshot), snapshot, fake_fits, GOOD_MINIMUMS, source="up.xlsx"
    )
    assert isinstance(staged, FolderSnapshot)
    assert set(files.files) <= set(staged.files)
    assert read_content(Path(), staged).content == read_content(GOOD).content


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"),
    min_size=1,
    max_size=30,
)


@settings(max_examples=20)
@given(
    text=st.one_of(
        _TEXT,
        st.sampled_from(["=1+1", "+82", "-5분 산책", "@home", "'인용'", "02-120", "1.50", "TRUE"]),
        st.tuples(st.sampled_from("=+-@'"), _TEXT).map("".join),
    )
    .map(normalize_text)
    .filter(bool)
)
def test_any_text_survives_a_workbook_cell(text: str) -> None:
    from prescriptions.charset import unsafe_character

    if unsafe_character(text, newline_ok=True) is not None:
        return  # refused by the schema anyway, workbook or not
    snapshot = snapshot_of(GOOD)
    name = "prescriptions/loneliness.toml"
    source = snapshot.files[name].decode("utf-8")
    changed = source.replace('"동네를 한 바퀴 걸어 보세요."', toml_string(text), 1)
    edited = snapshot.with_files({name: changed.encode("utf-8")}, keep=lambda _: True)
    files = read_workbook(_saved(_book(workbook_bytes(edited))))  # as a spreadsheet re-saves
    loaded = read_content(Path(), files.staged(edited)).content
    assert loaded.prescription("lonely-003").phrase.get("ko") == text
