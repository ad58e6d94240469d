"""The workbook's sheets read back, through openpyxl, into TOML files, with every problem
named by sheet and row. `prescriptions.workbook` is the public side; the layout is
`prescriptions.sheets`, the writing `prescriptions.workbook_write`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from prescriptions.errors import ContentIssue, IssueCode
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
    sheet_named,
)
from prescriptions.spreadsheet import EXCEL_ERRORS
from prescriptions.tomlwrite import records_toml

MAX_ROWS = 5000  # per sheet; the bundled content has about 160 prescriptions
MAX_COLUMNS = 80
# Plain fields whose value a spreadsheet must never turn into a number (a lost leading 0).
_PHONE_FIELDS = frozenset({"number", "phone"})


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
