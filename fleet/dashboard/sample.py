"""Made-up but plausible kiosk reports, written into a central store through its own
`Store.write`: for the dashboard's screenshots (`demo --dashboard`), its benchmark
(`bench --fleet`: 25 sites, a year of hourly counts) and its tests.

Each site has its own rhythm (busier sites, quieter ones), visits follow the day (closed at
night, busiest late morning and afternoon), and a few sites have something wrong: offline,
an empty slot, a jam, the board down, stock running low.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from fleet.payloads import (
    AlertEvent,
    Alerts,
    ContentVersion,
    Counters,
    Envelope,
    Message,
    OpenAlert,
    SlotStock,
    Status,
    Stock,
)
from fleet.server.store import Store

EPOCH = "5a3b1e0c9d7f2a64"
LEDGER = "sample-ledger"
# Share of a day's visits in each local hour (closed 22-07).
DAY_SHAPE = (0, 0, 0, 0, 0, 0, 0, 1, 3, 6, 9, 10, 8, 7, 9, 10, 9, 7, 5, 4, 3, 2, 0, 0)
ITEMS = ("candy", "tea", "sticker", "bookmark")
OUTCOMES = (("dispensed", 0.93), ("no_drop", 0.03), ("out_of_stock", 0.03), ("motor_fault", 0.01))


@dataclass(frozen=True)
class Trouble:
    """What is wrong at a site now (the overview's alerts)."""

    online: bool = True
    alerts: tuple[OpenAlert, ...] = ()
    counts: tuple[int, ...] = (9, 7, 6, 8)


def troubles(sites: Sequence[str], now: datetime) -> dict[str, Trouble]:
    """A few sites with something to see; the others fine."""
    since = (now - timedelta(hours=3)).isoformat(timespec="seconds")
    kinds = [
        Trouble(alerts=(OpenAlert("low", 2, "tea", 2, "", since),), counts=(9, 2, 6, 8)),
        Trouble(online=False),
        Trouble(
            alerts=(
                OpenAlert("empty", 3, "sticker", 0, "", since),
                OpenAlert("motor_fault", 1, "candy", 5, "stall on motor 1", since),
            ),
            counts=(5, 7, 0, 8),
        ),
        Trouble(alerts=(OpenAlert("board", None, "", 0, "no answer on /dev/ttyAMA0", since),)),
    ]
    return {site: kinds[i] for i, site in enumerate(sites[: len(kinds)])}


def hour_counts(
    rng: random.Random, visits: int, symptoms: Sequence[str], prescriptions: Sequence[str]
) -> list[tuple[str, str, int]]:
    """One hour's counters for `visits` visits, as the kiosk's ledger keeps them."""
    if visits <= 0:
        return []
    found: dict[tuple[str, str], int] = {}

    def add(event: str, key: str, n: int) -> None:
        if n > 0:
            found[(event, key)] = found.get((event, key), 0) + n

    add("visit_started", "", visits)
    completed = sum(rng.random() < 0.82 for _ in range(visits))
    add("visit_completed", "", completed)
    english = sum(rng.random() < 0.08 for _ in range(visits))
    add("language", "en", english)
    add("language", "ko", visits - english)
    for _ in range(completed):
        add("symptom", rng.choice(symptoms), 1)
        add("prescription", rng.choice(prescriptions), 1)
        add("mood", "taken" if rng.random() < 0.7 else "skipped", 1)
        add("slip", "printed", 1 if rng.random() < 0.9 else 0)
        roll, total = rng.random(), 0.0
        for outcome, share in OUTCOMES:
            total += share
            if roll < total:
                slot = "-" if outcome == "out_of_stock" else str(rng.randint(1, len(ITEMS)))
                add("outcome", f"{slot}:{outcome}", 1)
                break
    add("help_view", "", sum(rng.random() < 0.06 for _ in range(visits)))
    return [(e, k, n) for (e, k), n in sorted(found.items())]


def counter_messages(
    site_index: int,
    first: date,
    last: date,
    symptoms: Sequence[str],
    prescriptions: Sequence[str],
    seed: int = 7,
) -> Iterator[Counters]:
    rng = random.Random(seed * 1000 + site_index)
    busy = 0.6 + 0.9 * rng.random()  # this site's own pace: 0.6-1.5 x
    seq = 0
    day = first
    while day <= last:
        weekday = 0.7 if day.weekday() >= 5 else 1.0
        daily = max(0.0, rng.gauss(60 * busy * weekday, 10))
        for hour, share in enumerate(DAY_SHAPE):
            visits = round(daily * share / sum(DAY_SHAPE) + rng.uniform(-0.5, 0.5))
            counts = hour_counts(rng, visits, symptoms, prescriptions)
            if counts:
                seq += 1
                stamp = f"{day.isoformat()}T{hour:02d}:00"
                yield Counters(Envelope(EPOCH, seq), LEDGER, stamp, tuple(counts))
        day += timedelta(days=1)


def present(trouble: Trouble, version: str) -> list[Message]:
    """A site's status, stock, open alerts and content version, as its agent sends them."""
    env = Envelope(EPOCH, 10**9)
    slots = tuple(
        SlotStock(n + 1, item, count, 10, True, count == 0, count <= 2)
        for n, (item, count) in enumerate(zip(ITEMS, trouble.counts, strict=True))
    )
    events = tuple(
        AlertEvent(i + 1, a.since, a.kind, a.slot, a.item, a.count, a.detail, "raised")
        for i, a in enumerate(trouble.alerts)
    )
    return [
        Status("online", EPOCH, 1),
        Stock(env, slots, tuple(s.slot for s in slots)),
        Alerts(env, LEDGER, events, trouble.alerts),
        ContentVersion(env, version),
    ]


def fill(
    store: Store,
    sites: Sequence[str],
    first: date,
    last: date,
    symptoms: Sequence[str],
    prescriptions: Sequence[str],
    version: str,
    now: datetime | None = None,
) -> int:
    """Write every site's counts for the days [first, last] and its present state; the
    number of counter rows written. Written in time order across the sites, as a live
    fleet reports (and the store's indexes grow at their ends: fast)."""
    now = now or datetime.now(UTC)
    stamp = now.isoformat(timespec="seconds")
    found = troubles(sites, now)
    streams = [counter_messages(i, first, last, symptoms, prescriptions) for i in range(len(sites))]
    pending: list[Counters | None] = [next(s, None) for s in streams]
    rows = 0
    batch: list[tuple[str, Message]] = []
    while any(m is not None for m in pending):
        hour = min(m.hour for m in pending if m is not None)
        for i, message in enumerate(pending):
            while message is not None and message.hour == hour:
                batch.append((sites[i], message))
                rows += len(message.counts)
                message = next(streams[i], None)
            pending[i] = message
        if len(batch) >= 5000:
            store.write(batch, stamp)
            batch = []
    store.write(batch, stamp)
    for index, site in enumerate(sites):
        trouble = found.get(site, Trouble())
        earlier = (now - timedelta(hours=5 + index)).isoformat(timespec="seconds")
        store.write([(site, m) for m in present(trouble, version)], earlier)
        if not trouble.online:
            gone = (now - timedelta(hours=2, minutes=10)).isoformat(timespec="seconds")
            store.write([(site, Status("offline", EPOCH, 1))], gone)
    return rows
