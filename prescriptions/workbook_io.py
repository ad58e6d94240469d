"""The workbook file itself, through openpyxl: sheets written with typed cells and drop-down
lists, and sheets read back into TOML files with every problem named by sheet and row.
`prescriptions.workbook` is the public side; the layout is `prescriptions.sheets`.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from prescriptions.errors import ContentIssue, IssueCode
from prescriptions.model import Content, Record
from prescriptions.rules import RULES
from prescriptions.schema import PRESCRIPTIONS_DIR, control_character_issue, issue
from prescriptions.sheets import (
    FILE,
    FILE_NAME,
    LISTS_SHEET,
    RULES_SHEET,
    SHEETS,
    CellProblem,
    Column,
    Sheet,
    fold,
    raw_record,
    row_cells,
    sheet_named,
)
from prescriptions.spreadsheet import EXCEL_ERRORS
from prescriptions.tomlwrite import records_toml

MAX_ROWS = 5000  # per sheet; the bundled content has about 160 prescriptions
MAX_COLUMNS = 80
# Column widths in characters: texts a visitor reads are wide and wrap, the rest narrow.
_WIDE, _NARROW = 60, 16
_LIST_ROWS = 1000  # how far down a drop-down list reaches in another sheet's id column
# Plain fields whose value a spreadsheet must never turn into a number (a lost leading 0).
_PHONE_FIELDS = frozenset({"number", "phone"})


@dataclass(frozen=True)
class SheetRecords:
    """One sheet to write: its records, each with the name of the file it lives in."""

    sheet: Sheet
    records: tuple[tuple[str, Record], ...]


# ── writing ───────────────────────────────────────────────────────────────────────────────


def _languages(records: Iterable[Record], sheet: Sheet) -> set[str]:
    found: set[str] = set()
    for record in records:
        for name in sheet.spec.texts:
            found.update(getattr(record, name).languages)
    return found


def _text_cell(ws: Any, row: int, column: int, value: str) -> Any:
    """A cell that is text whatever it holds: "=1+1" stays those characters, "02-120" is
    not a number, and the '@' format keeps what staff type there text as well."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"  # openpyxl takes a leading "=" for a formula; it is not one
    cell.number_format = "@"
    return cell


def _rules_sheet(ws: Any) -> None:
    from openpyxl.styles import Alignment, Font

    ws.title = RULES_SHEET
    ws.column_dimensions["A"].width = 110
    row = 1
    _text_cell(ws, row, 1, "마음약방 내용 통합 문서: 쓰는 규칙").font = Font(bold=True, size=14)
    row += 1
    _text_cell(
        ws,
        row,
        1,
        "시트마다 한 종류, 한 줄에 하나씩. 모든 칸은 글자(텍스트)입니다. 고친 뒤 `content import`"
        "로 가져오면 전체를 검사하고, 문제가 있으면 시트와 줄을 알려 주고 아무것도 바꾸지 "
        "않습니다. 자세한 형식: docs/content-format.md",
    ).alignment = Alignment(wrap_text=True)
    for group in RULES:
        row += 2
        _text_cell(ws, row, 1, f"{group.title_ko} ({group.title_en})").font = Font(bold=True)
        for rule in group.rules:
            row += 1
            cell = _text_cell(ws, row, 1, f"• {rule.ko}\n  {rule.en}")
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _lists_sheet(book: Any, content: Content) -> dict[str, str]:
    """A hidden sheet with the ids a drop-down offers where one sheet cannot: the next steps
    (hotlines, places and programmes together) and TRUE/FALSE. Returns list name → range."""
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    lists = {
        "next_step": [
            *(h.id for h in content.hotlines),
            *(p.id for p in content.places),
            *(p.id for p in content.programmes),
        ],
        "bool": ["TRUE", "FALSE"],
    }
    ranges = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        _text_cell(ws, 1, index, name)
        for row, value in enumerate(values, start=2):
            _text_cell(ws, row, index, value)
        last = max(2, len(values) + 1)
        ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${last}"
    return ranges


def _id_range(table: str) -> str:
    sheet = next(s for s in SHEETS if s.spec.table == table)
    letter = "B" if sheet.has_file else "A"  # the id column
    return f"'{sheet.name}'!${letter}$2:${letter}${_LIST_ROWS}"


def _validation(ws: Any, column: Column, letter: str, ranges: dict[str, str], rows: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = column.field
    if kind in ("category", "categories"):
        source, single = _id_range("category"), kind == "category"
    elif kind == "items":
        source, single = _id_range("item"), False
    elif kind == "next_step":
        source, single = ranges["next_step"], True
    elif kind in ("gentle", "low_mood"):
        source, single = ranges["bool"], True
    else:
        return
    # A list of several ids ("a, b") is not one entry of the list: Excel offers the ids but
    # accepts what is typed, and the import checks every id.
    dv = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
    dv.showErrorMessage = single
    dv.error = "목록에 있는 id를 고르세요."
    dv.errorTitle = "없는 id"
    ws.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}{max(rows, _LIST_ROWS)}")


def _kind_sheet(book: Any, part: SheetRecords, ranges: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(part.sheet.name)
    columns = part.sheet.columns(_languages((r for _, r in part.records), part.sheet))
    for index, column in enumerate(columns, start=1):
        _text_cell(ws, 1, index, column.label).font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, (file, record) in enumerate(part.records, start=2):
        for index, value in enumerate(row_cells(part.sheet, record, file, columns), start=1):
            cell = _text_cell(ws, row, index, value)
            if columns[index - 1].lang is not None:
                cell.alignment = wrap
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = _WIDE if column.field in ("phrase", "description") else _NARROW
        dimension.number_format = "@"  # rows staff add are text too
        _validation(ws, column, letter, ranges, len(part.records) + 1)
    ws.freeze_panes = "B2" if part.sheet.has_file else "A2"


def write_workbook(parts: Sequence[SheetRecords], content: Content) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    _rules_sheet(book.active)
    ranges = _lists_sheet(book, content)
    for part in parts:
        _kind_sheet(book, part, ranges)
    book.move_sheet(LISTS_SHEET, offset=len(parts))  # last, out of the way
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ── reading ───────────────────────────────────────────────────────────────────────────────


@dataclass
class SheetsRead:
    files: dict[str, bytes] = field(default_factory=dict)
    tables: frozenset[str] = frozenset()
    rows: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    issues: list[ContentIssue] = field(default_factory=list)


def _cell_text(value: Any, column: Column) -> str:
    """What a cell holds, as text; CellProblem for what Excel made of a text by itself."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        raise CellProblem(
            f"수식이 들어 있습니다 ({value[:20]}). 가져올 때 수식은 계산하지 않습니다. 칸 서식을 "
            f"'텍스트'로 하고 글을 그대로 쓰세요",
            f"the cell holds a formula ({value[:20]}), which is never evaluated; make the cell "
            f"text and type the text itself",
        )
    if isinstance(value, str):
        if value.strip() in EXCEL_ERRORS:
            raise CellProblem(
                f"엑셀 오류 값 {value.strip()}이 들어 있습니다. = 로 시작하는 글은 엑셀이 "
                f"수식으로 바꿉니다. 칸 서식을 '텍스트'로 하고 원래 글로 고치세요",
                f"Excel error value {value.strip()}; make the cell text and restore the text",
            )
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise CellProblem(
            "엑셀이 이 칸을 날짜나 시간으로 바꿨습니다. 칸 서식을 '텍스트'로 하고 다시 쓰세요",
            "Excel turned this cell into a date or time; make the cell text and type it again",
        )
    if isinstance(value, int | float):
        if column.field in _PHONE_FIELDS:
            raise CellProblem(
                "엑셀이 전화번호를 숫자로 바꿨습니다 (앞의 0과 -가 사라집니다). 칸 서식을 "
                "'텍스트'로 하고 02-876-0900처럼 다시 쓰세요",
                "Excel turned the phone number into a number (losing the 0 and dashes); make "
                "the cell text and type it as 02-876-0900",
            )
        if isinstance(value, float) and value.is_integer() and column.field != "weight":
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    return str(value)


@dataclass
class _SheetReader:
    sheet: Sheet
    source: str
    issues: list[ContentIssue]

    @property
    def file(self) -> str:
        return f"{self.source}:{self.sheet.name}"

    def bad(self, row: int, label: str, ko: str, en: str, code: IssueCode) -> None:
        where = f"'{label}' 칸: " if label else ""
        where_en = f"column '{label}': " if label else ""
        self.issues.append(issue(self.file, row, code, where + ko, where_en + en))

    def header(self, cells: Sequence[Any]) -> list[Column | None] | None:
        allowed = self.sheet.allowed()
        columns: list[Column | None] = []
        unknown = []
        for value in cells:
            text = str(value).strip() if value is not None else ""
            column = allowed.get(fold(text)) if text else None
            if text and column is None:
                unknown.append(text)
            columns.append(column)
        named = [c for c in columns if c is not None]
        repeated = sorted(c.label for c, n in Counter(named).items() if n > 1)
        required = [Column(n) for n, k in self.sheet.spec.plain.items() if n == "id"]
        required += [Column(n, "ko") for n, need in self.sheet.spec.texts.items() if need]
        if self.sheet.has_file:
            required.append(Column(FILE))
        missing = [c.label for c in required if c not in named]
        for ko, en, names in (
            ("모르는 열", "unknown columns", unknown),
            ("빠진 열", "missing columns", missing),
            ("두 번 나온 열", "repeated columns", repeated),
        ):
            if names:
                self.bad(
                    1,
                    "",
                    f"첫 줄(머리글)에 {ko}이 있습니다: {', '.join(names)}",
                    f"the header row has {en}: {', '.join(names)}",
                    IssueCode.CSV_HEADER,
                )
        return None if unknown or missing or repeated else columns

    def record(
        self, row: int, columns: list[Column | None], values: Sequence[Any]
    ) -> tuple[str, dict[str, Any]] | None:
        before = len(self.issues)
        cells: dict[Column, str] = {}
        for index, value in enumerate(values):
            column = columns[index] if index < len(columns) else None
            if column is None:
                if value is not None and str(value).strip():
                    self.bad(
                        row,
                        "?",
                        "머리글이 없는 열에 값이 있습니다",
                        "a value under no header",
                        IssueCode.CSV_CELL,
                    )
                continue
            try:
                text = _cell_text(value, column)
            except CellProblem as problem:
                self.bad(row, column.label, problem.ko, problem.en, IssueCode.CSV_CELL)
                continue
            found = control_character_issue(
                self.file, row, f"'{column.label}' 칸", text, newline_ok=column.lang is not None
            )
            if found is not None:
                self.issues.append(found)
            cells[column] = text
        try:
            raw = raw_record(self.sheet, cells)
        except CellProblem as problem:
            self.bad(row, problem.column, problem.ko, problem.en, IssueCode.CSV_CELL)
            return None
        file = self.sheet.spec.file
        if self.sheet.has_file:
            file = self._file(row, cells.get(Column(FILE), ""))
        return (file, raw) if len(self.issues) == before else None

    def _file(self, row: int, cell: str) -> str:
        name = cell.strip()
        if name and not name.endswith(".toml"):
            name += ".toml"
        if not FILE_NAME.fullmatch(name):
            self.bad(
                row,
                Column(FILE).label,
                f"파일 이름을 쓰세요, 예: loneliness.toml (지금: '{cell}')",
                f"give a file name such as loneliness.toml, not '{cell}'",
                IssueCode.CSV_CELL,
            )
        return f"{PRESCRIPTIONS_DIR}/{name}"


class Formula(str):
    """A cell that holds a formula (its text, never evaluated): refused where it is read."""


def _value(cell: Any) -> Any:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f" and value is not None:
        return Formula(value)
    return value


def _rows(ws: Any) -> Iterable[tuple[int, tuple[Any, ...]]]:
    for number, cells in enumerate(
        ws.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS), start=1
    ):
        yield number, tuple(_value(cell) for cell in cells)


def _read_sheet(ws: Any, sheet: Sheet, source: str, read: SheetsRead) -> None:
    reader = _SheetReader(sheet, source, read.issues)
    numbered = iter(_rows(ws))
    first = next(numbered, None)
    columns = reader.header(first[1]) if first is not None else None
    if first is None:
        reader.bad(
            1, "", "빈 시트입니다 (머리글도 없습니다)", "the sheet is empty", IssueCode.CSV_HEADER
        )
    if columns is None:
        return
    grouped: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    if sheet.spec.file != PRESCRIPTIONS_DIR:
        grouped[sheet.spec.file] = []  # the file is written even with no rows (and refused)
    for row, values in numbered:
        if not any(v is not None and str(v).strip() for v in values):
            continue
        if row > MAX_ROWS:
            reader.bad(
                row,
                "",
                f"줄이 너무 많습니다 ({MAX_ROWS}줄까지)",
                f"more than {MAX_ROWS} rows",
                IssueCode.FILE_TOO_LARGE,
            )
            return
        made = reader.record(row, columns, values)
        if made is not None:
            grouped.setdefault(made[0], []).append((row, made[1]))
    for relative, entries in grouped.items():
        text = records_toml(sheet.spec, relative.rsplit("/", 1)[-1], [raw for _, raw in entries])
        read.files[relative] = text.encode("utf-8")
        read.rows[relative] = tuple((sheet.name, row) for row, _ in entries)


def read_sheets(book: Any, source: str) -> SheetsRead:
    """Every kind's sheet of an opened workbook, as TOML files."""
    read = SheetsRead()
    tables = set()
    for ws in book.worksheets:
        if ws.title in (RULES_SHEET, LISTS_SHEET):
            continue
        sheet = sheet_named(ws.title)
        if sheet is None:
            names = ", ".join(s.name for s in SHEETS)
            read.issues.append(
                issue(
                    f"{source}:{ws.title}",
                    1,
                    IssueCode.UNKNOWN_FIELD,
                    f"모르는 시트입니다: '{ws.title}'. 시트 이름은 {names} 중 하나입니다 (이름을 "
                    f"바꿨다면 되돌리세요).",
                    f"Unknown sheet '{ws.title}'; sheets are named {names}.",
                )
            )
            continue
        tables.add(sheet.spec.table)
        _read_sheet(ws, sheet, source, read)
    read.tables = frozenset(tables)
    return read
