"""The spreadsheet round trip: lossless, tolerant of what Excel saves, strict about the rest."""

from __future__ import annotations

import csv
import io
import string
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prescriptions.checks import check_content
from prescriptions.csvio import (
    Entry,
    entries_from_csv,
    entries_in,
    entries_to_csv,
    export_csv,
    import_csv,
)
from prescriptions.errors import ContentError
from prescriptions.loader import read_content
from prescriptions.model import Localized, Prescription
from prescriptions.schema import normalize_text
from prescriptions.tomlwrite import prescriptions_toml, toml_string
from tests.prescriptions.helpers import GOOD, GOOD_MINIMUMS, copy_of, fake_fits

# Texts as the loader stores them: no surrounding space, no carriage returns, not empty.
# The alphabet is limited to what CP949 can hold, so every example can go through Korean
# Excel too: ASCII with quotes, commas and line breaks, Hangul, and CP949 punctuation.
_ALPHABET = "".join(
    ch
    for ch in (
        string.printable + "가각간갇갈감갑값강개객걀거건걸검겁게겨격견결겸경계고곡"
        "한글처방약마음외로움안녕·…—‘’“”①②※☆→～￦"
    )
    if ch.encode("cp949", errors="ignore")
)
EXCEL_ERRORS = {"#NAME?", "#VALUE!", "#REF!", "#N/A", "#DIV/0!", "#NUM!", "#NULL!"}
# A text that is exactly an Excel error value is refused on import as damage done by Excel.
texts = (
    st.text(st.sampled_from(_ALPHABET), min_size=1, max_size=40)
    .map(normalize_text)
    .filter(lambda t: bool(t) and t not in EXCEL_ERRORS)
)
ids = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4})?", fullmatch=True)


def _excel_keeps(text: str) -> bool:
    """Excel itself turns a cell that reads as a boolean or a number into one; no file format
    can prevent that, so the Excel round trip is tested on the texts Excel leaves alone."""
    try:
        float(text)
    except ValueError:
        return text.lower() not in ("true", "false")
    return False


excel_texts = texts.filter(_excel_keeps)


@st.composite
def localized(draw: st.DrawFn, languages: list[str], text: st.SearchStrategy[str]) -> Localized:
    return Localized.of({lang: draw(text) for lang in languages})


@st.composite
def entry_lists(draw: st.DrawFn, text: st.SearchStrategy[str] = texts) -> list[Entry]:
    languages = ["ko", *draw(st.sets(st.sampled_from(["en", "ja", "zh-hans"])))]
    names = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    files = draw(
        st.lists(
            st.sampled_from(["loneliness.toml", "fine.toml", "새 파일.toml"]),
            min_size=len(names),
            max_size=len(names),
        )
    )
    entries = []
    for name, file in sorted(zip(names, files, strict=True), key=lambda pair: pair[1]):
        per_text = [draw(st.lists(st.sampled_from(languages), unique=True)) for _ in range(3)]
        entries.append(
            Entry(
                file,
                Prescription(
                    id=name,
                    categories=tuple(draw(st.lists(ids, min_size=1, max_size=3, unique=True))),
                    items=tuple(draw(st.lists(ids, max_size=3, unique=True))),
                    gentle=draw(st.booleans()),
                    weight=draw(st.floats(min_value=1e-6, max_value=1000, allow_nan=False)),
                    next_step=draw(st.none() | ids),
                    medicine=draw(localized(["ko", *per_text[0]], text)),
                    phrase=draw(localized(["ko", *per_text[1]], text)),
                    dosage=draw(localized(["ko", *per_text[2]], text)),
                ),
            )
        )
    return entries


def excel_resave(data: bytes, encoding: str, delimiter: str = ",", blank_rows: int = 2) -> bytes:
    """What Excel writes back: its own encoding and delimiter, CRLF, TRUE/FALSE in capitals,
    a weight of 1.0 shown as 1, and empty rows at the end of the used range."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            [
                c.upper()
                if c.lower() in ("true", "false")
                else c.removesuffix(".0")
                if c.endswith(".0") and c[:-2].isdigit()
                else c
                for c in row
            ]
        )
    for _ in range(blank_rows):
        writer.writerow([""] * len(rows[0]))
    return out.getvalue().encode(encoding)


def _entries(data: bytes) -> list[Entry]:
    return [entry for _, entry in entries_from_csv(data, "test.csv")]


@settings(max_examples=150)
@given(entry_lists())
def test_csv_round_trip_loses_nothing(entries: list[Entry]) -> None:
    assert _entries(entries_to_csv(entries)) == entries


@settings(max_examples=100)
@given(
    entry_lists(excel_texts),
    st.sampled_from([("utf-8-sig", ","), ("utf-8", ","), ("cp949", ","), ("utf-16", "\t")]),
)
def test_what_excel_saves_back_reads_the_same(entries: list[Entry], saved: tuple[str, str]) -> None:
    encoding, delimiter = saved
    assert _entries(excel_resave(entries_to_csv(entries), encoding, delimiter)) == entries


@settings(
    max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=entry_lists())
def test_canonical_toml_reads_back_the_same(entries: list[Entry], tmp_path: Path) -> None:
    folder = tmp_path / "prescriptions"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.toml"):
        old.unlink()
    by_file: dict[str, list[Prescription]] = {}
    for e in entries:
        by_file.setdefault(e.file, []).append(e.prescription)
    for name, ps in by_file.items():
        (folder / name).write_text(prescriptions_toml(name, ps), encoding="utf-8")
    loaded = read_content(tmp_path)
    assert [i for i in loaded.issues if i.file.startswith("prescriptions/")] == []
    assert sorted(loaded.content.prescriptions, key=lambda p: p.id) == sorted(
        (e.prescription for e in entries), key=lambda p: p.id
    )


@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_any_text_survives_as_a_toml_string(text: str) -> None:
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


def test_export_starts_with_a_byte_order_mark_and_one_row_per_prescription(
    tmp_path: Path,
) -> None:
    out = tmp_path / "처방.csv"
    assert export_csv(GOOD, out) == 7
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["id"] for r in rows] == [
        "fine-001",
        "fine-002",
        "fine-003",
        "lonely-001",
        "lonely-002",
        "lonely-003",
        "lonely-004",
    ]
    lonely_002 = rows[4]
    assert lonely_002["file"] == "loneliness.toml"
    assert lonely_002["phrase_ko"] == "혼자라고 느껴질 때,\n가까운 마음편의점에 들러 보세요."
    assert lonely_002["phrase_en"] == ""  # no English: the kiosk shows the Korean
    assert rows[5]["categories"] == "loneliness, fine"


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(directory).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _edit(
    tmp_path: Path,
    edit: str = "",
    old: str = "",
    encoding: str = "utf-8-sig",
    drop_ids: tuple[str, ...] = (),
) -> Path:
    rows = list(
        csv.reader(io.StringIO(entries_to_csv(entries_in(GOOD)).decode("utf-8-sig"), newline=""))
    )
    rows = [r for r in rows if r[1] not in drop_ids]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    text = out.getvalue().replace(old, edit, 1) if old else out.getvalue()
    path = tmp_path / "edited.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_importing_an_unedited_export_changes_no_file(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    export_csv(content, tmp_path / "x.csv")
    before = _snapshot(content)
    result = import_csv(tmp_path / "x.csv", content, fake_fits, GOOD_MINIMUMS)
    assert result.written == () and result.removed == ()
    assert result.prescriptions == 7
    assert _snapshot(content) == before  # hand-written comments survive


def test_an_edit_in_cp949_from_korean_excel_rewrites_only_its_file(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    edited = _edit(
        tmp_path,
        old="좋은 하루를 누군가와 나누세요.",
        edit='"좋은 하루를\r\n이웃과 나누세요."',
        encoding="cp949",
    )
    result = import_csv(edited, content, fake_fits, GOOD_MINIMUMS)
    assert result.written == ("fine.toml",)
    assert result.unchanged == ("loneliness.toml",)
    new = read_content(content).content.prescription("fine-001")
    assert new.phrase.get("ko") == "좋은 하루를\n이웃과 나누세요."
    text = (content / "prescriptions" / "fine.toml").read_text(encoding="utf-8")
    assert text.startswith("# 마음약방 처방: fine.toml")
    assert check_content(content, fits=fake_fits, minimums=GOOD_MINIMUMS) == []
    assert sorted(p.name for p in (content / "prescriptions").iterdir()) == [
        "fine.toml",
        "loneliness.toml",
    ]  # no temporary files left behind


def test_a_new_file_name_makes_a_file_and_an_unused_one_is_removed(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    export_csv(content, tmp_path / "x.csv")
    data = (tmp_path / "x.csv").read_bytes().decode("utf-8-sig")
    (tmp_path / "x.csv").write_text(
        data.replace("fine.toml", "good-days.toml"), encoding="utf-8-sig"
    )
    result = import_csv(tmp_path / "x.csv", content, fake_fits, GOOD_MINIMUMS)
    assert result.written == ("good-days.toml",)
    assert result.removed == ("fine.toml",)
    assert read_content(content).sources.file_of("prescription", "fine-002") == (
        "prescriptions/good-days.toml"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (",TRUE,", ",maybe,", [("edited.csv", 3, "csv-cell")]),
        (",1.0,", ",heavy,", [("edited.csv", 2, "csv-cell")]),
        (
            '"loneliness, fine"',
            '"loneliness, fnie"',
            [
                ("categories.toml", 13, "too-few-prescriptions"),  # fine lost lonely-003 for real
                ("edited.csv", 7, "dangling-reference"),
            ],
        ),
        ("lonely-003", "lonely-001", [("edited.csv", 7, "duplicate-id")]),
        ("다정함정", "", [("edited.csv", 5, "missing-field")]),
        ("동네를 한 바퀴 걸어 보세요.", "#NAME?", [("edited.csv", 7, "csv-cell")]),
        ("Share a good day with someone.", "x" * 61, [("edited.csv", 2, "card-overflow")]),
        ("lonely-004", "Lonely 004", [("edited.csv", 8, "bad-id")]),
        ("phrase_en", "pharse_en", [("edited.csv", 1, "csv-header")]),
        ("fine.toml", "../fine.toml", [("edited.csv", 2, "csv-cell")]),
    ],
)
def test_a_bad_spreadsheet_is_refused_by_row_and_changes_nothing(
    tmp_path: Path,
    old: str,
    new: str,
    expected: list[tuple[str, int, str]],
) -> None:
    content = copy_of(GOOD, tmp_path)
    before = _snapshot(content)
    with pytest.raises(ContentError) as refused:
        import_csv(_edit(tmp_path, old=old, edit=new), content, fake_fits, GOOD_MINIMUMS)
    assert [(i.file, i.line, i.code) for i in refused.value.issues] == expected
    assert _snapshot(content) == before


def test_removing_rows_below_the_minimum_is_refused(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    before = _snapshot(content)
    with pytest.raises(ContentError) as refused:
        import_csv(_edit(tmp_path, drop_ids=("fine-003",)), content, fake_fits, GOOD_MINIMUMS)
    assert [(i.file, i.code) for i in refused.value.issues] == [
        ("categories.toml", "too-few-prescriptions")
    ]
    assert _snapshot(content) == before


def test_a_file_in_an_unknown_encoding_is_refused(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    path = tmp_path / "mojibake.csv"
    path.write_bytes(b"file,id\r\n\x80\xff\x80\xff,x\r\n")
    with pytest.raises(ContentError) as refused:
        import_csv(path, content, fake_fits, GOOD_MINIMUMS)
    assert [(i.line, i.code) for i in refused.value.issues] == [(2, "csv-encoding")]


def test_a_utf8_file_with_a_bad_byte_is_not_guessed_as_cp949(tmp_path: Path) -> None:
    data = "\ufefffile,id\r\n".encode() + b"\xea\xb0\r\n"  # BOM, then half a Korean letter
    with pytest.raises(ContentError) as refused:
        entries_from_csv(data, "broken.csv")
    assert refused.value.issues[0].code == "csv-encoding"


def test_export_refuses_content_whose_prescriptions_do_not_load(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    fine = content / "prescriptions" / "fine.toml"
    fine.write_text(fine.read_text().replace('id = "fine-002"', 'id = "fine-002"\nmood = 3'))
    with pytest.raises(ContentError) as refused:
        export_csv(content, tmp_path / "x.csv")
    assert refused.value.issues[0].code == "unknown-field"
    assert not (tmp_path / "x.csv").exists()


def test_empty_columns_excel_adds_at_the_right_are_ignored_but_not_values_under_them() -> None:
    text = entries_to_csv(entries_in(GOOD)).decode("utf-8-sig")
    lines = text.split("\r\n")
    widened = "\r\n".join(f"{line},," if line else line for line in lines)
    assert _entries(widened.encode("utf-8-sig")) == entries_in(GOOD)
    stray = "\r\n".join([f"{lines[0]},,", f"{lines[1]},,oops", *lines[2:]])
    with pytest.raises(ContentError) as refused:
        entries_from_csv(stray.encode("utf-8-sig"), "x.csv")
    assert [(i.line, i.code) for i in refused.value.issues] == [(2, "csv-cell")]
