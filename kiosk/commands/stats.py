"""`maeum-kiosk stats`: anonymous usage statistics from the kiosk's ledger.

    maeum-kiosk stats                                  the last 7 days, a summary per day
    maeum-kiosk stats --from 2026-03-01 --to 2026-03-31 --csv march.csv --chart march.png

Counters recorded before the clock was set from the network are marked in the ledger; the
summary then says how many and on which days (their hour may be wrong).

The CSV has one row per hour, event and key (columns: date, hour, event, key, count; see
docs/staff-guide.md); the chart is a daily bar chart of visits started and finished.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kiosk.cabinet.ledger import HourCount
    from kiosk.reports.stats import DayVisits
    from kiosk.ui.i18n import Texts

NAME = "stats"
HELP = "anonymous usage statistics: a daily summary, --csv FILE, --chart FILE.png"
DEFAULT_DAYS = 7


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="first", type=_date, metavar="DATE", help="first day (default: 6 days ago)"
    )
    parser.add_argument("--to", dest="last", type=_date, metavar="DATE", help="last day (today)")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="write the hourly counts as CSV")
    parser.add_argument("--chart", type=Path, metavar="FILE.png", help="write a daily chart")
    parser.add_argument("--lang", help="language of the summary and chart (default: the kiosk's)")


def run(args: argparse.Namespace, out: TextIO | None = None, today: date | None = None) -> int:
    from kiosk.cabinet.stock_text import open_tool_ledger
    from kiosk.reports.stats import daily_visits, day_bounds, write_csv
    from kiosk.shell.config import config_for_command
    from kiosk.ui.i18n import Texts, Translations

    out = out or sys.stdout
    config = config_for_command(args.config)
    if config is None:
        return 2
    last = args.last or today or date.today()
    first = args.first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        print(f"stats: --from {first} is after --to {last}", file=sys.stderr)
        return 2
    lang = args.lang or config.language
    texts = Texts(Translations.load(tuple(dict.fromkeys((lang, *config.languages)))), lang)
    ledger = open_tool_ledger(config.data_dir, texts)
    if ledger is None:
        return 1
    try:
        counts = ledger.counts(*day_bounds(first, last))
    finally:
        ledger.close()
    days = daily_visits(counts, first, last)
    print(summary_table(days, texts), file=out)
    liked = least_liked_line(counts, texts, _medicine_names(config.content_dir, lang))
    if liked:
        print(liked, file=out)
    note = unsynced_note(counts, texts)
    if note:
        print(note, file=out)
    if args.csv is not None:
        rows = write_csv(args.csv, counts)
        print(f"CSV: {args.csv} ({rows} rows)", file=out)
    if args.chart is not None:
        _chart(args.chart, days, texts)
        print(f"chart: {args.chart}", file=out)
    return 0


def summary_table(days: list[DayVisits], texts: Texts) -> str:
    """Visits started and finished per day, with the totals, as aligned columns; and the
    printed slips (whole, and failed) when there were any."""
    from kiosk.cabinet.stock_text import display_width, pad

    slips = any(d.slips_printed or d.slips_failed for d in days)
    head = ["", texts("staff.chart.started"), texts("staff.chart.completed")]
    rows = [head + ([texts("staff.chart.slips"), texts("staff.chart.slips_failed")] * slips)]
    for d in days:
        row = [d.day.isoformat(), str(d.started), str(d.completed)]
        rows.append(row + [str(d.slips_printed), str(d.slips_failed)] * slips)
    total = ["Σ", str(sum(d.started for d in days)), str(sum(d.completed for d in days))]
    rows.append(
        total
        + [str(sum(d.slips_printed for d in days)), str(sum(d.slips_failed for d in days))] * slips
    )
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


def least_liked_line(
    counts: Iterable[HourCount], texts: Texts, names: dict[str, str] | None = None
) -> str:
    """The cards visitors answered 글쎄요 to most on goodbye (the share first), so staff can
    retire them; "" when nobody answered 글쎄요 in the period."""
    from kiosk.reports.stats import least_liked, summarize

    cards = least_liked(summarize(counts))
    if not cards:
        return ""
    names = names or {}
    shown = ", ".join(
        f"{names.get(c.prescription, c.prescription)} ({c.prescription}) {c.unsure}/{c.answers}"
        for c in cards
    )
    return texts("staff.stats.least_liked", list=shown)


def _medicine_names(content_dir: Path, lang: str) -> dict[str, str]:
    """Prescription id → its medicine's name, for people; ids alone if the content cannot be
    read (the statistics are still worth printing)."""
    try:
        from prescriptions.loader import read_content

        content = read_content(content_dir).content
    except Exception:
        return {}
    return {p.id: p.medicine.get(lang) for p in content.prescriptions}


def unsynced_note(counts: Iterable[HourCount], texts: Texts) -> str:
    """Counters recorded before the clock was set from the network (a Pi without a battery
    clock, before NTP answered), and on which days they landed; "" when there are none."""
    marked = [c for c in counts if c.unsynced]
    if not marked:
        return ""
    days = sorted({c.hour[:10] for c in marked})
    shown = ", ".join(days[:5]) + (" …" if len(days) > 5 else "")
    return texts("staff.cli.unsynced", n=sum(c.unsynced for c in marked), days=shown)


def _chart(path: Path, days: list[DayVisits], texts: Texts) -> None:
    import os

    # Headless: the chart needs fonts and a surface, never a window.
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from kiosk.reports.chart import save_daily_chart
    from kiosk.ui.fonts import FontBook

    save_daily_chart(path, days, texts, FontBook())
