"""Statistics as staff read them: counts summed across hours and days from the ledger's hourly
counters, days without visits shown as zero, the CSV with its documented columns, the chart."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pygame
import pytest

from kiosk.cabinet.ledger import HourCount, Ledger
from kiosk.reports.chart import draw_daily_chart, nice_ceiling, save_daily_chart
from kiosk.reports.stats import (
    CSV_COLUMNS,
    by_day,
    by_hour,
    csv_text,
    daily_visits,
    day_bounds,
    summarize,
    write_csv,
)
from kiosk.ui.i18n import Texts
from tests.kiosk.ui_support import fonts, translations


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Local time on 2026-03-<day>."""
    return datetime.combine(date(2026, 3, day), time(hour, minute)).astimezone()


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = Ledger(tmp_path / "ledger.sqlite3")
    yield opened
    opened.close()


def fill(ledger: Ledger) -> None:
    """Three days of visits, counted the way the kiosk counts them."""
    for when, started, completed in [
        (at(1, 9, 5), 2, 1),
        (at(1, 9, 55), 1, 1),  # same hour as the one above
        (at(1, 14, 0), 3, 2),
        (at(2, 23, 59), 1, 0),  # the last minute of a day
        (at(3, 0, 0), 4, 4),  # the first minute of the next
    ]:
        ledger.count("visit_started", "", when, n=started)
        ledger.count("visit_completed", "", when, n=completed)
    ledger.count("visit_abandoned", "mood", at(1, 14, 10))
    ledger.count("visit_abandoned", "mood", at(3, 0, 30))
    ledger.count("visit_abandoned", "symptom", at(3, 0, 40))
    ledger.count("symptom", "future_fog", at(1, 9, 5), n=2)
    ledger.count("symptom", "monday_blues", at(1, 14, 0))
    ledger.count("outcome", "2:dispensed", at(1, 9, 5))
    ledger.count("outcome", "2:no_drop", at(1, 14, 0))
    ledger.count("outcome", "-:out_of_stock", at(3, 0, 0))
    ledger.count("help_view", "", at(2, 23, 59))


def test_counts_add_up_across_hours_and_days(ledger: Ledger) -> None:
    fill(ledger)
    counts = ledger.counts(*day_bounds(date(2026, 3, 1), date(2026, 3, 3)))
    total = summarize(counts)
    assert total.total("visit_started") == 11
    assert total.total("visit_completed") == 8
    assert total.total("visit_abandoned") == 3
    assert total.by_key("visit_abandoned") == {"mood": 2, "symptom": 1}
    assert total.by_key("symptom") == {"future_fog": 2, "monday_blues": 1}
    assert total.outcomes_by_slot() == {
        "2": {"dispensed": 1, "no_drop": 1},
        "-": {"out_of_stock": 1},
    }
    days = by_day(counts)
    assert list(days) == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]
    assert [d.total("visit_started") for d in days.values()] == [6, 1, 4]
    assert days[date(2026, 3, 2)].total("help_view") == 1
    hours = by_hour(counts)
    assert hours["2026-03-01T09:00"].total("visit_started") == 3  # two counts, one hour
    assert hours["2026-03-01T14:00"].total("visit_started") == 3


def test_a_day_range_takes_whole_days_only(ledger: Ledger) -> None:
    fill(ledger)
    only_the_2nd = summarize(ledger.counts(*day_bounds(date(2026, 3, 2), date(2026, 3, 2))))
    assert only_the_2nd.total("visit_started") == 1  # 23:59 is in; the next 00:00 is not


def test_days_without_visits_are_zero_in_the_daily_series(ledger: Ledger) -> None:
    fill(ledger)
    first, last = date(2026, 2, 27), date(2026, 3, 4)
    days = daily_visits(ledger.counts(*day_bounds(first, last)), first, last)
    assert [(d.day.day, d.started, d.completed, d.abandoned) for d in days] == [
        (27, 0, 0, 0),
        (28, 0, 0, 0),
        (1, 6, 4, 1),
        (2, 1, 0, 0),
        (3, 4, 4, 2),
        (4, 0, 0, 0),
    ]


def test_the_csv_has_the_documented_columns_and_one_row_per_counter(
    ledger: Ledger, tmp_path: Path
) -> None:
    fill(ledger)
    counts = ledger.counts(*day_bounds(date(2026, 3, 1), date(2026, 3, 3)))
    path = tmp_path / "stats.csv"
    assert write_csv(path, counts) == len(counts)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == CSV_COLUMNS == ("date", "hour", "event", "key", "count")
    assert {"date": "2026-03-01", "hour": "09", "event": "visit_started", "key": "",
            "count": "3"} in rows  # fmt: skip
    assert {"date": "2026-03-03", "hour": "00", "event": "outcome", "key": "-:out_of_stock",
            "count": "1"} in rows  # fmt: skip
    assert sum(int(r["count"]) for r in rows if r["event"] == "visit_started") == 11
    # The documentation names the same columns.
    guide = Path(__file__).parents[2] / "docs" / "staff-guide.md"
    assert "`date`, `hour`, `event`, `key`, `count`" in guide.read_text(encoding="utf-8")


def test_an_empty_range_is_a_header_only_csv() -> None:
    assert csv_text([]) == "date,hour,event,key,count\r\n"


def test_csv_rows_are_ordered_by_time() -> None:
    counts = [
        HourCount("2026-03-02T10:00", "visit_started", "", 1),
        HourCount("2026-03-01T23:00", "visit_started", "", 2),
    ]
    lines = csv_text(counts).splitlines()[1:]
    assert lines == ["2026-03-01,23,visit_started,,2", "2026-03-02,10,visit_started,,1"]


def test_the_axis_top_is_round() -> None:
    assert nice_ceiling(0) == (5, 1)
    assert nice_ceiling(12) == (12, 2)
    assert nice_ceiling(73) == (80, 10)
    assert nice_ceiling(731) == (800, 100)


def test_the_chart_png_is_written_and_bars_grow_with_visits(ledger: Ledger, tmp_path: Path) -> None:
    fill(ledger)
    first, last = date(2026, 3, 1), date(2026, 3, 3)
    days = daily_visits(ledger.counts(*day_bounds(first, last)), first, last)
    path = tmp_path / "charts" / "march.png"
    save_daily_chart(path, days, Texts(translations(), "ko"), fonts())
    picture = pygame.image.load(str(path))
    assert picture.get_size() == (1600, 900)
    # The "started" bars in their colour: the busiest day's is the tallest.
    surface = draw_daily_chart(days, Texts(translations(), "ko"), fonts())
    heights = [_bar_height(surface, i, len(days)) for i in range(len(days))]
    assert heights[0] > heights[2] > heights[1] > 0


def _bar_height(surface: pygame.Surface, index: int, n: int) -> int:
    from kiosk.reports.chart import STARTED, ChartFrame

    plot = ChartFrame(surface.get_size()).plot
    slot = plot.width / n
    x = round(plot.x + slot * index + slot / 2 - slot * 0.35 / 2)
    return sum(
        1 for y in range(plot.y, plot.bottom) if tuple(surface.get_at((x, y)))[:3] == STARTED
    )
