"""Whether a place is open now, from the opening hours staff write in places.toml.

    "월–금 10–19시, 토 10–13시"      Monday to Friday 10 to 19 h, Saturday 10 to 13 h
    "월·수·금 9:30–18시"             three days a week, from half past nine
    "평일 9–18시", "매일 10–20시", "24시간"

Pure: the time is passed in. Anything it cannot read gives None ("we do not know"), so the
screen then says nothing about it rather than something wrong.
"""

from __future__ import annotations

import re
from datetime import datetime

DAYS = "월화수목금토일"
WORDS = {"매일": range(7), "평일": range(5), "주말": range(5, 7)}
DASH = "[–—~-]"
_PART = re.compile(
    rf"^\s*(?P<days>\S+)\s+(?P<from>[\d:]+)\s*시?\s*{DASH}\s*(?P<to>[\d:]+)\s*시?\s*$"
)
_ALWAYS = re.compile(r"^\s*(24\s*시간|연중무휴\s*24\s*시간)\s*$")

Span = tuple[frozenset[int], int, int]  # weekdays (0 = Monday), from and to in minutes


def open_now(hours: str, when: datetime) -> bool | None:
    """True while open at `when`, False while closed, None when the hours cannot be read."""
    if _ALWAYS.match(hours):
        return True
    spans = parse(hours)
    if not spans:
        return None
    minute = when.hour * 60 + when.minute
    return any(when.weekday() in days and start <= minute < end for days, start, end in spans)


def parse(hours: str) -> list[Span]:
    """The spans of "월–금 10–19시, 토 10–13시"; [] when any part cannot be read."""
    spans: list[Span] = []
    for part in hours.split(","):
        found = _PART.match(part)
        if found is None:
            return []
        days = _days(found["days"])
        start, end = _minutes(found["from"]), _minutes(found["to"])
        if days is None or start is None or end is None or end <= start:
            return []
        spans.append((days, start, end))
    return spans


def _days(text: str) -> frozenset[int] | None:
    if text in WORDS:
        return frozenset(WORDS[text])
    ranged = re.fullmatch(rf"([{DAYS}]){DASH}([{DAYS}])", text)
    if ranged:
        first, last = DAYS.index(ranged[1]), DAYS.index(ranged[2])
        return frozenset(range(first, last + 1)) if first <= last else None
    listed = re.split("[·/]", text)
    if all(len(d) == 1 and d in DAYS for d in listed):
        return frozenset(DAYS.index(d) for d in listed)
    return None


def _minutes(text: str) -> int | None:
    hour, _, minute = text.partition(":")
    if not hour.isdigit() or (minute and not minute.isdigit()):
        return None
    value = int(hour) * 60 + (int(minute) if minute else 0)
    return value if 0 <= value <= 24 * 60 else None
