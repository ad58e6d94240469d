"""The central store without a broker: repeats and late arrivals change nothing, and
present-only values follow the agent's order (the JSON API is tested with the dashboard,
tests/dashboard)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleet.payloads import (
    AlertEvent,
    Alerts,
    ContentVersion,
    Counters,
    Envelope,
    Heartbeat,
    OpenAlert,
    SlotStock,
    Status,
    Stock,
)
from fleet.server.store import HourKey, Store, StoreReader

E1, E2 = "0123456789abcdef", "fedcba9876543210"
NOW = "2026-03-02T05:00:00+00:00"
HOUR = "2026-03-02T14:00"


def counters(seq: int, n: int, ledger: str = "l1", epoch: str = E1) -> Counters:
    return Counters(Envelope(epoch, seq), ledger, HOUR, (("visit_started", "", n),))


def stock(
    seq: int, count: int, epoch: str = E1, slot: int = 1, numbers: tuple[int, ...] = (1,)
) -> Stock:
    state = SlotStock(slot, "tea", count, 8, True, count == 0, count <= 2)
    return Stock(Envelope(epoch, seq), (state,), numbers)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "centre.sqlite3")


def visits(reader: StoreReader, site: str = "gwanak") -> int:
    return reader.counts(site).get(HourKey(HOUR, "visit_started", ""), 0)


def test_a_repeated_or_late_total_counts_once(store: Store, tmp_path: Path) -> None:
    reader = StoreReader(store.path)
    store.write([("gwanak", counters(1, 3))], NOW)
    store.write([("gwanak", counters(1, 3)), ("gwanak", counters(1, 3))], NOW)
    assert visits(reader) == 3, "the same record three times"
    store.write([("gwanak", counters(4, 5)), ("gwanak", counters(2, 4))], NOW)
    assert visits(reader) == 5, "an older total arriving after a newer one"
    store.write([("gwanak", counters(1, 2, ledger="l2", epoch=E2))], NOW)
    assert visits(reader) == 7, "a replaced ledger's counts add to the old one's"
    assert reader.sites()[0]["visits"] == 7


def test_present_values_follow_the_agents_order(store: Store) -> None:
    reader = StoreReader(store.path)
    store.write([("gwanak", stock(5, 3))], NOW)
    store.write([("gwanak", stock(4, 8))], NOW)  # older, late
    assert reader.sites()[0]["stock"][0]["count"] == 3
    store.write([("gwanak", stock(1, 6, epoch=E2))], NOW)  # the agent's state was renewed
    assert reader.sites()[0]["stock"][0]["count"] == 6
    store.write([("gwanak", stock(2, 1, epoch=E2, slot=2, numbers=(1, 2)))], NOW)
    assert [(s["slot"], s["count"]) for s in reader.sites()[0]["stock"]] == [(1, 6), (2, 1)]
    store.write([("gwanak", Stock(Envelope(E2, 3), (), (2,)))], NOW)  # slot 1 taken away
    assert [s["slot"] for s in reader.sites()[0]["stock"]] == [2]
    store.write([("gwanak", ContentVersion(Envelope(E2, 4), "62ed0f41"))], NOW)
    assert reader.sites()[0]["content_version"] == "62ed0f41"


def test_a_late_will_of_an_older_run_does_not_win(store: Store) -> None:
    reader = StoreReader(store.path)
    store.write([("gwanak", Status("online", E1, 3))], NOW)
    store.write([("gwanak", Status("offline", E1, 2))], NOW)
    assert reader.sites()[0]["online"] is True
    store.write([("gwanak", Status("offline", E1, 3))], NOW)
    assert reader.sites()[0]["online"] is False
    store.write([("gwanak", Heartbeat(E1, 4, 60, 0, ("cert_expiring",)))], NOW)
    site = reader.sites()[0]
    assert site["online"] is True and site["agent"]["problems"] == ["cert_expiring"]


def test_open_alerts_and_their_history(store: Store) -> None:
    reader = StoreReader(store.path)
    raised = AlertEvent(1, NOW, "low", 1, "tea", 2, "", "raised")
    opened = (OpenAlert("low", 1, "tea", 2, "", NOW),)
    store.write([("gwanak", Alerts(Envelope(E1, 1), "l1", (raised,), opened))], NOW)
    assert reader.sites()[0]["open_alerts"] == [
        {"kind": "low", "slot": 1, "item": "tea", "count": 2, "detail": "", "since": NOW}
    ]
    cleared = AlertEvent(2, NOW, "low", 1, "tea", 8, "", "cleared")
    batch = ("gwanak", Alerts(Envelope(E1, 2), "l1", (cleared,), ()))
    store.write([batch, batch], NOW)
    assert reader.sites()[0]["open_alerts"] == []


def test_a_failed_batch_stores_nothing(store: Store, tmp_path: Path) -> None:
    tiny = Store(tmp_path / "tiny.sqlite3", max_pages=12)
    many = [
        ("gwanak", Counters(Envelope(E1, i), "l1", f"2026-03-{1 + i % 28:02d}T{i % 24:02d}:00",
                            tuple((f"symptom{j}", f"key-{j}", j) for j in range(40))))
        for i in range(60)
    ]  # fmt: skip
    from fleet.server.store import StoreError

    with pytest.raises(StoreError, match="full"):
        tiny.write(many, NOW)
    assert StoreReader(tiny.path).sites() == []
