"""A site's figures over a period, from the store's hourly counters: what the site page
draws and the monthly report tabulates. Pure: rows in, figures out.

The kiosk's counters (kiosk/reports/stats.py) used here:

    visit_started, visit_completed     visits begun and finished
    help_view                          the help screen opened
    symptom <id>                       the symptom chosen
    prescription <id>                  a prescription given
    slip <result>                      a slip printed, not_printed, interrupted, not_started
    outcome <slot>:<outcome>           how the item came out (hardware.dispenser.VendOutcome)
    language <ko|en>, mood <taken|skipped>
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from fleet.server.queries import SiteCounts

VISITS = "visit_started"
COMPLETED = "visit_completed"
HELP = "help_view"
SYMPTOM = "symptom"
PRESCRIPTION = "prescription"
SLIP = "slip"  # key: the print's result (kiosk.reports.stats); "printed" counts
OUTCOME = "outcome"
DISPENSED = "dispensed"

# The columns of a day, in the order pages and reports show them.
DAY_COLUMNS = ("visits", "completed", "help", "prescriptions", "slips", "dispensed", "not_given")


@dataclass
class Day:
    visits: int = 0
    completed: int = 0
    help: int = 0
    prescriptions: int = 0
    slips: int = 0
    dispensed: int = 0
    not_given: int = 0  # a vend that ended any other way than with the item in the chute

    def value(self, column: str) -> int:
        return int(getattr(self, column))


@dataclass
class Figures:
    first: date
    last: date  # inclusive
    days: dict[date, Day] = field(default_factory=dict)
    hours: list[int] = field(default_factory=lambda: [0] * 24)  # visits by hour of the day
    symptoms: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> Day:
        whole = Day()
        for day in self.days.values():
            for column in DAY_COLUMNS:
                setattr(whole, column, whole.value(column) + day.value(column))
        return whole

    def series(self, column: str) -> list[tuple[date, int]]:
        return [(d, self.days[d].value(column)) for d in sorted(self.days)]


def day_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def hour_bounds(first: date, last: date) -> tuple[str, str]:
    """The store's hour strings for the days [first, last]: [start, end)."""
    return f"{first.isoformat()}T00:00", f"{(last + timedelta(days=1)).isoformat()}T00:00"


def figures(counts: SiteCounts, first: date, last: date) -> Figures:
    found = Figures(first, last, {d: Day() for d in day_range(first, last)})
    for day_text, event, key, n in counts.days:
        try:
            target = found.days.get(date.fromisoformat(day_text))
        except ValueError:
            continue  # the centre checked the shape; a bad one is skipped, not fatal
        if target is None:
            continue
        if event == VISITS:
            target.visits += n
        elif event == COMPLETED:
            target.completed += n
        elif event == HELP:
            target.help += n
        elif event == PRESCRIPTION:
            target.prescriptions += n
        elif event == SLIP:
            if key == "printed":
                target.slips += n
        elif event == OUTCOME:
            outcome = key.split(":", 1)[-1]
            found.outcomes[outcome] += n
            if outcome == DISPENSED:
                target.dispensed += n
            else:
                target.not_given += n
    for event, key, n in counts.keys:
        if event == SYMPTOM:
            found.symptoms[key] += n
        elif event == "language":
            found.languages[key] += n
    for hour, n in counts.hours:
        if 0 <= hour < 24:
            found.hours[hour] += n
    return found
