"""The workbook written through openpyxl: the rules sheet first, one sheet per kind with every
cell typed as text, and drop-down lists for ids (`prescriptions.workbook` is the public side,
`prescriptions.sheets` the layout, `prescriptions.workbook_io` the reading).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from prescriptions.model import Content, Record
from prescriptions.rules import RULES
from prescriptions.sheets import (
    LISTS_SHEET,
    RULES_SHEET,
    SHEETS,
    Column,
    Sheet,
    row_cells,
)

# Column widths in characters: texts a visitor reads are wide and wrap, the rest narrow.
_WIDE, _NARROW = 60, 16
_LIST_ROWS = 1000  # how far down a drop-down list reaches in another sheet's id column


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
