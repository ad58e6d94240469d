"""Wrong PINs and the lockout, as pure logic with time passed in.

Five wrong PINs in a row lock staff mode for five minutes; when the lock runs out the count
starts again from zero. A right PIN clears the count. Nothing here says how close a guess was
or how many tries are left: the screen says only "wrong" or "locked, try again in N minutes".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_FAILURES = 5
LOCKOUT_S = 300.0


@dataclass(frozen=True)
class PinGate:
    failures: int = 0  # wrong PINs in a row
    locked_until: float | None = None  # monotonic seconds

    def locked(self, now: float) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def seconds_left(self, now: float) -> float:
        if self.locked_until is None:
            return 0.0
        return max(0.0, self.locked_until - now)

    def minutes_left(self, now: float) -> int:
        """Whole minutes to show ("try again in 3 minutes"), at least 1 while locked."""
        return max(1, math.ceil(self.seconds_left(now) / 60)) if self.locked(now) else 0

    def expire(self, now: float) -> PinGate:
        """A lock that has run out is forgotten, with its count."""
        if self.locked_until is not None and now >= self.locked_until:
            return PinGate()
        return self

    def attempt(
        self,
        ok: bool,
        now: float,
        *,
        max_failures: int = MAX_FAILURES,
        lockout_s: float = LOCKOUT_S,
    ) -> PinGate:
        """The gate after one PIN was tried. Attempts while locked change nothing."""
        gate = self.expire(now)
        if gate.locked(now):
            return gate
        if ok:
            return PinGate()
        failures = gate.failures + 1
        if failures >= max_failures:
            return PinGate(failures, now + lockout_s)
        return PinGate(failures)
