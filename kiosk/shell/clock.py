"""Has the wall clock been set from the network yet?

A Pi 4 has no battery clock: it boots with the last time saved on the disk (under the read-only
root, not even that) and jumps when NTP answers. Counters recorded before that land on a wrong
hour or day; the ledger marks them (`Ledger.count`) and `maeum-kiosk stats` says so. Timers
never depend on this: they run on the monotonic clock.

Two witnesses, either is enough:
- the kernel's NTP state, read with adjtimex(2) (modes 0 only reads; allowed to any user): it
  answers TIME_ERROR while STA_UNSYNC is set, i.e. until a time daemon (systemd-timesyncd,
  chrony, ntpd) has disciplined the clock. The kiosk's unit allows this one call
  (SystemCallFilter=adjtimex); without CAP_SYS_TIME it cannot change the clock.
- systemd-timesyncd touches /run/systemd/timesync/synchronized at each synchronisation (it
  stays until the next boot, so a network gone for a day does not unmark a clock that is
  still right to within seconds).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass, field
from pathlib import Path

TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
TIME_ERROR = 5  # adjtimex(2): "the clock is not synchronized"
# Room for struct timex on every Linux ABI (208 bytes on 64-bit); `modes`, its first field,
# stays 0, which makes the call a read.
TIMEX_BYTES = 512


@dataclass
class ClockSync:
    """Call it: True once the clock is known to be set from the network."""

    flag: Path = TIMESYNC_FLAG
    ask_kernel: bool = True
    _libc: ctypes.CDLL | None = field(default=None, init=False, repr=False)

    def kernel(self) -> bool | None:
        """The kernel's answer, or None where it cannot be asked (no libc, a seccomp filter)."""
        if not self.ask_kernel:
            return None
        try:
            if self._libc is None:
                self._libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
            timex = ctypes.create_string_buffer(TIMEX_BYTES)
            state = int(self._libc.adjtimex(timex))
        except (OSError, AttributeError):
            return None
        if state < 0:  # EPERM from a seccomp filter, or no such call
            return None
        return state != TIME_ERROR

    def __call__(self) -> bool:
        if self.kernel() is True:
            return True
        try:
            return self.flag.exists()
        except OSError:  # /run/systemd/timesync not readable: no witness, not synchronised
            return False
