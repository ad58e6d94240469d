"""The frame never waits for the disk: statistics and the history are written by the disk
writer thread, in order, and all of it before the ledger closes."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from kiosk.reports.held_stats import HeldStats, OffThreadStats
from kiosk.shell.writer import BackgroundWriter
from prescriptions.history import JsonHistory

BOUND_S = 10.0


class SlowStore:
    """A ledger whose writes wait until the test lets them through (a slow SD card)."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.counted: list[tuple[str, str, datetime | None]] = []

    def count(self, event: str, key: str = "", when: datetime | None = None, n: int = 1) -> None:
        assert self.go.wait(BOUND_S)
        self.counted.append((event, key, when))


def test_a_count_returns_before_the_disk_is_written_and_keeps_its_hour() -> None:
    store = SlowStore()
    writer = BackgroundWriter()
    clock_times = iter([datetime(2026, 11, 30, 9, 59, 59), datetime(2026, 11, 30, 10, 0, 1)])
    stats = OffThreadStats(HeldStats(store), writer, lambda: next(clock_times))
    stats.count("visit_started")  # returns at once although the store is stuck
    stats.count("help_view")
    assert store.counted == []
    store.go.set()
    assert writer.flush(BOUND_S)
    assert [(e, w.hour if w else None) for e, _, w in store.counted] == [
        ("visit_started", 9),  # counted in the hour it happened, not when it was written
        ("help_view", 10),
    ]
    writer.close()


def test_history_is_saved_by_the_writer_and_survives_a_restart(tmp_path: Path) -> None:
    writer = BackgroundWriter()
    history = JsonHistory(tmp_path / "recent.json", 3, writer.submit)
    for rx in ("a", "b", "c", "d"):
        history.record(rx)
    assert history.recent() == ("b", "c", "d")  # at once, in memory
    writer.close()  # what shutdown does before the ledger closes
    assert JsonHistory(tmp_path / "recent.json", 3).recent() == ("b", "c", "d")
