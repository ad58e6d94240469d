"""The monthly report as a real Excel workbook (.xlsx, openpyxl): a summary sheet and one
sheet per site, Korean headers, and native Excel charts (they stay charts in Excel, and
follow the numbers if staff edit them).

    요약         one row per site: visits, finished visits, help screen, prescriptions,
                 slips printed, items out, items not out, alerts raised; a bar chart
    <site>       the month day by day (and a total), visits by hour of the day, symptoms
                 chosen, vend outcomes; a chart beside each table

Numbers are written as numbers, texts as texts: a text that starts like a formula is kept a
text (nothing in a report is ever evaluated).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fleet.dashboard import labels
from fleet.dashboard.figures import DAY_COLUMNS, Figures

HEADER_FILL = PatternFill("solid", fgColor="E8F0EC")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
SUMMARY = "요약"


@dataclass(frozen=True)
class SiteMonth:
    site: str
    figures: Figures
    alerts_raised: int


def month_title(month: date) -> str:
    return f"{month.year}년 {month.month}월"


def build_report(
    month: date, sites: Sequence[SiteMonth], symptom_names: Mapping[str, str]
) -> bytes:
    """The workbook's bytes for `month` (its first day) and these sites."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = SUMMARY
    _summary(summary, month, sites)
    for site in sites:
        _site_sheet(book.create_sheet(_sheet_name(site.site, book.sheetnames)), month, site,
                    symptom_names)  # fmt: skip
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(site: str, taken: list[str]) -> str:
    name = site[:31]
    n = 2
    while name in taken:
        name = f"{site[:28]}-{n}"
        n += 1
    return name


def _text(sheet: Worksheet, row: int, column: int, value: str, font: Font | None = None) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if value.startswith("="):
        cell.data_type = "s"  # a text, never a formula
    if font is not None:
        cell.font = font


def _header(sheet: Worksheet, row: int, names: Sequence[str], first_column: int = 1) -> None:
    for i, name in enumerate(names):
        _text(sheet, row, first_column + i, name, BOLD)
        sheet.cell(row=row, column=first_column + i).fill = HEADER_FILL
        sheet.cell(row=row, column=first_column + i).alignment = Alignment(horizontal="center")


def _summary(sheet: Worksheet, month: date, sites: Sequence[SiteMonth]) -> None:
    _text(sheet, 1, 1, f"마음약방 월간 보고서 — {month_title(month)}", TITLE)
    _text(sheet, 2, 1, "모든 수는 키오스크가 센터에 보고한 익명 집계입니다 (방문자 정보 없음).")
    columns = [labels.COLUMNS[c] for c in DAY_COLUMNS]
    _header(sheet, 4, ["현장", *columns, "새 알림"])
    row = 5
    totals = [0] * (len(DAY_COLUMNS) + 1)
    for site in sites:
        whole = site.figures.total
        values = [whole.value(c) for c in DAY_COLUMNS] + [site.alerts_raised]
        _text(sheet, row, 1, site.site)
        for i, value in enumerate(values):
            sheet.cell(row=row, column=2 + i, value=value)
            totals[i] += value
        row += 1
    _text(sheet, row, 1, "합계", BOLD)
    for i, value in enumerate(totals):
        sheet.cell(row=row, column=2 + i, value=value).font = BOLD
    _widths(sheet, [16] + [12] * len(totals))
    if sites:
        chart = BarChart()
        chart.type = "col"
        chart.title = f"현장별 방문 ({month_title(month)})"
        chart.y_axis.title = "방문"
        visits = Reference(sheet, min_col=2, min_row=4, max_row=row - 1)
        chart.add_data(visits, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=5, max_row=row - 1))
        chart.height = 8
        chart.width = max(16, round(len(sites) * 1.2))
        chart.legend = None
        sheet.add_chart(chart, f"A{row + 3}")


def _site_sheet(
    sheet: Worksheet, month: date, site: SiteMonth, symptom_names: Mapping[str, str]
) -> None:
    figures = site.figures
    _text(sheet, 1, 1, f"{site.site} — {month_title(month)}", TITLE)
    columns = [labels.COLUMNS[c] for c in DAY_COLUMNS]
    _header(sheet, 3, ["날짜", *columns])
    row = 4
    for day, values in sorted(figures.days.items()):
        sheet.cell(row=row, column=1, value=day).number_format = "yyyy-mm-dd"
        for i, column in enumerate(DAY_COLUMNS):
            sheet.cell(row=row, column=2 + i, value=values.value(column))
        row += 1
    last_day = row - 1
    whole = figures.total
    _text(sheet, row, 1, "합계", BOLD)
    for i, column in enumerate(DAY_COLUMNS):
        sheet.cell(row=row, column=2 + i, value=whole.value(column)).font = BOLD
    _widths(sheet, [12] + [11] * len(DAY_COLUMNS) + [3, 10, 10, 3, 24, 10, 3, 16, 10])

    visits = LineChart()
    visits.title = "날마다 방문"
    visits.y_axis.title = "방문"
    visits.add_data(Reference(sheet, min_col=2, max_col=3, min_row=3, max_row=last_day),
                    titles_from_data=True)  # fmt: skip
    visits.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=last_day))
    visits.x_axis.number_format = "m/d"
    visits.height = 8
    visits.width = 18
    sheet.add_chart(visits, f"A{row + 3}")

    # Visits by hour of the day (columns K-L), symptoms (N-O), outcomes (Q-R).
    hours = [(f"{h}시", n) for h, n in enumerate(figures.hours)]
    _table(sheet, 11, ("시간대", "방문"), hours)
    _bar(sheet, 11, len(hours), "시간대별 방문", "col", f"K{len(hours) + 6}")
    symptoms = [(symptom_names.get(k, k), n) for k, n in figures.symptoms.most_common()]
    _table(sheet, 14, ("증상", "선택"), symptoms)
    if symptoms:
        _bar(sheet, 14, len(symptoms), "고른 증상", "bar", f"N{len(symptoms) + 6}")
    outcomes = [(labels.outcome(k), n) for k, n in figures.outcomes.most_common()]
    _table(sheet, 17, ("배출 결과", "횟수"), outcomes)
    if outcomes:
        _bar(sheet, 17, len(outcomes), "배출 결과", "bar", f"Q{len(outcomes) + 6}")


def _table(
    sheet: Worksheet, column: int, names: tuple[str, str], rows: list[tuple[str, int]]
) -> None:
    _header(sheet, 3, names, column)
    for i, (label, value) in enumerate(rows):
        _text(sheet, 4 + i, column, label)
        sheet.cell(row=4 + i, column=column + 1, value=value)


def _bar(sheet: Worksheet, column: int, count: int, title: str, kind: str, anchor: str) -> None:
    chart = BarChart()
    chart.type = kind
    chart.title = title
    chart.add_data(Reference(sheet, min_col=column + 1, min_row=3, max_row=3 + count),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(sheet, min_col=column, min_row=4, max_row=3 + count))
    chart.legend = None
    chart.height = max(6.0, min(14.0, count * 0.6))
    chart.width = 14
    sheet.add_chart(chart, anchor)


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for i, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
