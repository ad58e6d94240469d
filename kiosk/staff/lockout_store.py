"""The PIN lockout kept across restarts: five wrong PINs lock the keypad for five minutes, and
a restart (systemd, a power cut, a reboot) must not hand out five fresh guesses.

One small file in the data folder, `staff-lockout.json`, replaced atomically:

    {"failures": 5, "lock_left_s": 287.0, "boot": "<kernel boot id>",
     "at_monotonic": 1234.5, "at_wall": "2026-03-02T10:30:00+09:00"}

Time in the kiosk is monotonic, and a monotonic clock starts again at every boot, so:

- same boot (systemd restarted the kiosk; the kernel's boot id, `kiosk.shell.systemd.read_boot_id`,
  is the same): the lock ends exactly when it would have, at `at_monotonic + lock_left_s` on
  the same clock. Without a boot id every start counts as a new boot: longer, never shorter;
- another boot: the lock goes on with `lock_left_s`, the time left when it was last written.
  The time the machine was off does not count: a restart never shortens a lock. It is written
  when anything changes, every CHECKPOINT_S while a lock lasts and when the kiosk stops, so a
  machine that restarts again and again still works its lock off;
- the wall clock is written for people reading the file, never used: a Pi has no real-time
  clock and its wall clock jumps at the NTP sync, which could end a lock at once or make it
  last for years;
- `lock_left_s` never counts for more than the lockout itself, whatever the file says;
- a file that cannot be read back (damaged, edited) is a full lockout, logged; never five
  fresh guesses.

Writing happens in a small background thread (the newest record wins), never on the UI thread.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.staff.lockout import LOCKOUT_S, MAX_FAILURES, PinGate
from prescriptions.atomic import write_atomically

log = logging.getLogger(__name__)

LOCKOUT_FILE = "staff-lockout.json"
CHECKPOINT_S = 30.0
CLOSE_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Limits:
    max_failures: int = MAX_FAILURES
    lockout_s: float = LOCKOUT_S


class LockoutStore:
    def __init__(
        self,
        path: Path,
        *,
        boot_id: str,
        wall: Callable[[], datetime],
        limits: Limits = Limits(),
    ) -> None:
        """`wall`: the local wall-clock time, only written down for people reading the file."""
        self.path = path
        self.boot_id = boot_id
        self.limits = limits
        self._wall = wall
        self._cond = threading.Condition()
        self._pending: dict[str, Any] | None = None
        self._writing = False
        self._closed = False
        self._failed = False  # one error in the log, not one per write
        self._thread: threading.Thread | None = None

    # --- reading ----------------------------------------------------------------------------

    def load(self, now: float) -> PinGate:
        """The gate as the last run left it, on this run's clock."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            failures, left, boot, at = _fields(raw)
        except FileNotFoundError:
            return PinGate()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("staff lockout: %s cannot be read (%s): the keypad stays locked for "
                      "%.0f s", self.path, exc, self.limits.lockout_s)  # fmt: skip
            return PinGate(self.limits.max_failures, now + self.limits.lockout_s)
        left = min(left, self.limits.lockout_s)
        if boot and boot == self.boot_id and now >= at:
            left = min(left, at + left - now)  # the same clock: exactly where it was
        if left <= 0:
            # No lock (or it has run out, and its count with it); wrong PINs so far stay.
            return PinGate() if failures >= self.limits.max_failures else PinGate(failures)
        log.warning("staff lockout: the keypad stays locked for %.0f s after a restart", left)
        return PinGate(max(failures, self.limits.max_failures), now + left)

    # --- writing ----------------------------------------------------------------------------

    def save(self, gate: PinGate, now: float) -> None:
        """Remember `gate` (as of `now`); returns at once, the file is written behind."""
        record = {
            "failures": gate.failures,
            "lock_left_s": round(gate.seconds_left(now), 3),
            "boot": self.boot_id,
            "at_monotonic": now,
            "at_wall": self._wall().isoformat(timespec="seconds"),
        }
        with self._cond:
            if self._closed:
                return
            self._pending = record
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="lockout", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def flush(self, timeout: float = CLOSE_TIMEOUT_S) -> bool:
        """Wait until every saved record is on the disk; False when that took too long."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._pending is None and not self._writing, timeout=timeout
            )

    def close(self) -> None:
        """Write what is pending, then stop the writer."""
        self.flush()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=CLOSE_TIMEOUT_S)

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._pending is None:
                    return
                record, self._pending = self._pending, None
                self._writing = True
            try:
                self._write(record)
            finally:
                with self._cond:
                    self._writing = False
                    self._cond.notify_all()

    def _write(self, record: dict[str, Any]) -> None:
        try:
            write_atomically(self.path, (json.dumps(record, indent=1) + "\n").encode("utf-8"))
            self._failed = False
        except OSError as exc:
            if not self._failed:
                log.error("staff lockout: cannot write %s: %s (kept in memory only)",
                          self.path, exc)  # fmt: skip
            self._failed = True


def _fields(raw: Any) -> tuple[int, float, str, float]:
    """failures, lock_left_s, boot, at_monotonic; ValueError when any is not what it must be."""
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    failures, left, at = raw["failures"], raw["lock_left_s"], raw["at_monotonic"]
    boot = raw.get("boot", "")
    if not isinstance(failures, int) or isinstance(failures, bool) or failures < 0:
        raise ValueError(f"failures {failures!r}")
    for name, value in (("lock_left_s", left), ("at_monotonic", at)):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError(f"{name} {value!r}")
        if not math.isfinite(value) or (name == "lock_left_s" and value < 0):
            raise ValueError(f"{name} {value!r}")
    if not isinstance(boot, str):
        raise ValueError(f"boot {boot!r}")
    return failures, float(left), boot, float(at)
