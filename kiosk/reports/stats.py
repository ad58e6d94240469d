"""Anonymous usage statistics from the ledger's hourly counters: totals per day or per hour,
the daily visits for the chart, and the CSV staff open in a spreadsheet.

The ledger keeps one counter per (local hour, event, key); see `Ledger.count`. Events and
their keys (ids only; nothing about a person, no free text):

    visit_started                          a visitor touched the start button
    visit_completed                        a visit reached the goodbye screen
    visit_abandoned   <screen>             a visit ended by timeout or 처음으로 on that screen
    language          ko | en              the language a visit started in
    symptom           <symptom id>         the symptom chosen
    category          <category id>        that symptom's category
    mood              taken | skipped      the three mood questions answered, or skipped
    intensity         low|moderate|high    the mood check's band (only when taken)
    prescription      <prescription id>    the prescription given
    outcome           <slot>:<outcome>     how the item came out ("-" = no slot was chosen)
    help_view                              the help screen was opened
    slip              <result>             a printed slip: printed, not_printed (the printer
                                           refused), interrupted (cut off midway), unavailable
                                           (the printer was known down), not_started
    person_call                            a visitor pressed "직원 불러 주세요"
    card_helped       <prescription id>    goodbye's "도움이 됐어요" for that card
    card_unsure       <prescription id>    goodbye's "글쎄요" for that card
    crash                                  the kiosk did not shut down cleanly last time
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from kiosk.cabinet.ledger import HourCount

VISIT_STARTED = "visit_started"
VISIT_COMPLETED = "visit_completed"
VISIT_ABANDONED = "visit_abandoned"
LANGUAGE = "language"
SYMPTOM = "symptom"
CATEGORY = "category"
MOOD = "mood"
INTENSITY = "intensity"
PRESCRIPTION = "prescription"
OUTCOME = "outcome"
HELP_VIEW = "help_view"
SLIP = "slip"
SLIP_PRINTED = "printed"
PERSON_CALL = "person_call"
CARD_HELPED = "card_helped"
CARD_UNSURE = "card_unsure"

CSV_COLUMNS = ("date", "hour", "event", "key", "count")


@dataclass(frozen=True)
class Totals:
    """Counters summed over some hours: (event, key) → count."""

    counts: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def total(self, event: str) -> int:
        """All keys of `event` together (visits started, help views, …)."""
        return sum(n for (e, _), n in self.counts.items() if e == event)

    def by_key(self, event: str) -> dict[str, int]:
        """Key → count for `event`, largest first (ties by key, so the order is stable)."""
        found = {k: n for (e, k), n in self.counts.items() if e == event}
        return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))

    def outcomes_by_slot(self) -> dict[str, dict[str, int]]:
        """Slot ("-" when none was chosen) → outcome → count."""
        table: dict[str, dict[str, int]] = defaultdict(dict)
        for key, n in self.by_key(OUTCOME).items():
            slot, _, outcome = key.partition(":")
            table[slot][outcome] = table[slot].get(outcome, 0) + n
        return dict(sorted(table.items(), key=lambda kv: _slot_order(kv[0])))

    def slips(self) -> tuple[int, int]:
        """Slips (printed whole, not printed: refused, cut off or never tried)."""
        results = self.by_key(SLIP)
        printed = results.get(SLIP_PRINTED, 0)
        return printed, sum(results.values()) - printed

    def __add__(self, other: Totals) -> Totals:
        merged = dict(self.counts)
        for k, n in other.counts.items():
            merged[k] = merged.get(k, 0) + n
        return Totals(merged)


@dataclass(frozen=True)
class CardFeedback:
    """What visitors answered on goodbye about one card: 도움이 됐어요 / 글쎄요."""

    prescription: str
    helped: int
    unsure: int

    @property
    def answers(self) -> int:
        return self.helped + self.unsure


def prescriptions_given(counts: Iterable[HourCount]) -> int:
    """How many prescriptions the counters hold (the slips' running number goes on from
    today's after a restart)."""
    return sum(c.count for c in counts if c.event == PRESCRIPTION)


def least_liked(totals: Totals, limit: int = 3, min_answers: int = 1) -> list[CardFeedback]:
    """The cards visitors liked least: the largest share of 글쎄요 first (then the most 글쎄요,
    then the id), among cards with at least `min_answers` answers and at least one 글쎄요.
    Staff retire these first."""
    helped, unsure = totals.by_key(CARD_HELPED), totals.by_key(CARD_UNSURE)
    cards = [
        CardFeedback(rx, helped.get(rx, 0), n)
        for rx, n in unsure.items()
        if n > 0 and helped.get(rx, 0) + n >= min_answers
    ]
    cards.sort(key=lambda c: (-c.unsure / c.answers, -c.unsure, c.prescription))
    return cards[:limit]


def _slot_order(slot: str) -> tuple[int, str]:
    return (int(slot), "") if slot.isdigit() else (1 << 16, slot)


def summarize(counts: Iterable[HourCount]) -> Totals:
    summed: dict[tuple[str, str], int] = defaultdict(int)
    for c in counts:
        summed[(c.event, c.key)] += c.count
    return Totals(dict(summed))


def day_of(hour: str) -> date:
    """The local date of a ledger hour ("YYYY-MM-DDTHH:00")."""
    return date.fromisoformat(hour[:10])


def by_day(counts: Iterable[HourCount]) -> dict[date, Totals]:
    """Totals per local day, oldest first; days without any counter are left out."""
    days: dict[date, list[HourCount]] = defaultdict(list)
    for c in counts:
        days[day_of(c.hour)].append(c)
    return {d: summarize(days[d]) for d in sorted(days)}


def by_hour(counts: Iterable[HourCount]) -> dict[str, Totals]:
    """Totals per ledger hour ("YYYY-MM-DDTHH:00"), oldest first."""
    hours: dict[str, list[HourCount]] = defaultdict(list)
    for c in counts:
        hours[c.hour].append(c)
    return {h: summarize(hours[h]) for h in sorted(hours)}


def day_range(first: date, last: date) -> Iterator[date]:
    """Every date from `first` to `last`, both included."""
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Local naive datetimes for `Ledger.counts`: from `first` 00:00 to the day after `last`."""
    return datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())


@dataclass(frozen=True)
class DayVisits:
    day: date
    started: int
    completed: int
    abandoned: int
    slips_printed: int = 0
    slips_failed: int = 0


def daily_visits(counts: Iterable[HourCount], first: date, last: date) -> list[DayVisits]:
    """One row per day from `first` to `last` (days without visits as zeros), for the chart."""
    days = by_day(counts)
    empty = Totals()
    return [
        DayVisits(
            d,
            days.get(d, empty).total(VISIT_STARTED),
            days.get(d, empty).total(VISIT_COMPLETED),
            days.get(d, empty).total(VISIT_ABANDONED),
            *days.get(d, empty).slips(),
        )
        for d in day_range(first, last)
    ]


def csv_rows(counts: Iterable[HourCount]) -> Iterator[tuple[str, str, str, str, int]]:
    """(date, hour, event, key, count) per ledger counter, oldest first."""
    for c in sorted(counts, key=lambda c: (c.hour, c.event, c.key)):
        yield (c.hour[:10], c.hour[11:13], c.event, c.key, c.count)


def csv_text(counts: Iterable[HourCount]) -> str:
    """The statistics as CSV (columns `CSV_COLUMNS`, one row per hour, event and key)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(counts))
    return out.getvalue()


def write_csv(path: Path, counts: Iterable[HourCount]) -> int:
    """Write the CSV for Excel (UTF-8 with a byte-order mark); returns the number of rows."""
    rows = list(counts)
    path.write_text(csv_text(rows), encoding="utf-8-sig", newline="")
    return len(rows)
