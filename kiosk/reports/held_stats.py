"""Statistics that a failing disk can neither lose nor turn into a flood of log lines.

The ledger's counters live on the same disk as everything else. When it is full or read-only a
count cannot be written: `HeldStats` keeps it in memory, with the hour it belongs to, says so
once in the log, and writes everything it holds as soon as a write works again (and says that
once too). Memory is bounded: past `limit` distinct counters the oldest are dropped, and the
number dropped is logged when writing works again.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from kiosk.cabinet.ledger import LedgerWriteError
from kiosk.shell.writer import Writer

log = logging.getLogger(__name__)

HELD_LIMIT = 5000  # distinct (event, key, hour) counters; a day of visits is a few hundred


class CountStore(Protocol):
    def count(
        self, event: str, key: str = "", when: datetime | None = None, n: int = 1
    ) -> None: ...


HeldKey = tuple[str, str, datetime]


class HeldStats:
    """Counts go to `store`, or wait in memory while it cannot write (the kiosk counts
    through `OffThreadStats`, which takes the time when a count happens)."""

    def __init__(self, store: CountStore, limit: int = HELD_LIMIT) -> None:
        self._store = store
        self._limit = limit
        self._held: OrderedDict[HeldKey, int] = OrderedDict()
        self._dropped = 0
        self._failing: str | None = None

    @property
    def held(self) -> int:
        """How many counts wait in memory."""
        return sum(self._held.values())

    @property
    def failing(self) -> str | None:
        """Why counts cannot be written now, or None."""
        return self._failing

    def count_at(self, event: str, key: str, at: datetime) -> None:
        """Count in the hour of `at` (taken when it happened, written maybe later)."""
        when = at.replace(minute=0, second=0, microsecond=0)
        if self._held and not self.flush():
            self._hold((event, key, when), 1)
            return
        try:
            self._store.count(event, key, when)
        except LedgerWriteError as exc:
            self._fail(exc)
            self._hold((event, key, when), 1)
        except Exception:  # an id the ledger refuses is a bug: say it, never stop a visit
            log.exception("statistic %s/%s not counted", event, key)

    def flush(self) -> bool:
        """Write what is held; True when nothing is held any more."""
        while self._held:
            (event, key, when), n = next(iter(self._held.items()))
            try:
                self._store.count(event, key, when, n)
            except LedgerWriteError as exc:
                self._fail(exc)
                return False
            except Exception:
                log.exception("held statistic %s/%s dropped", event, key)
            self._held.popitem(last=False)
        if self._failing is not None:
            log.warning(
                "statistics are written again (%s before); %d counter(s) lost to the memory limit",
                self._failing,
                self._dropped,
            )
            self._failing, self._dropped = None, 0
        return True

    def _fail(self, exc: Exception) -> None:
        if self._failing is None:
            self._failing = str(exc)
            log.error("statistics cannot be written (%s): held in memory until they can", exc)

    def _hold(self, held: HeldKey, n: int) -> None:
        self._held[held] = self._held.get(held, 0) + n
        while len(self._held) > self._limit:
            _, lost = self._held.popitem(last=False)
            self._dropped += lost


class OffThreadStats:
    """`Stats` for the UI thread: the time is taken now, the write is done by `writer`."""

    def __init__(self, held: HeldStats, writer: Writer, clock: Callable[[], datetime]) -> None:
        self._held = held
        self._writer = writer
        self._clock = clock

    def count(self, event: str, key: str = "") -> None:
        at = self._clock()
        self._writer.submit(lambda: self._held.count_at(event, key, at))
