"""A tiny sd_notify client: tell systemd the kiosk is up, alive, or stopping.

The unit (`deploy/maeum-kiosk.service`) is `Type=notify` with `WatchdogSec=`. systemd passes
`NOTIFY_SOCKET` (a datagram socket: a path, or `@name` in the abstract namespace),
`WATCHDOG_USEC` and `WATCHDOG_PID` in the environment. Outside systemd (a developer's shell,
the tests, `demo`) none of them is set and every method does nothing.

How the frame loop uses it (and nothing else may, so that a frozen UI gets restarted):

    notifier = Notifier.from_environ()
    ...first frame drawn...
    notifier.ready()
    while running:
        ...one frame...
        notifier.watchdog(time.monotonic())   # sends at most every half interval

No thread sends WATCHDOG on the loop's behalf: if the loop stalls, the pings stop, systemd
sends SIGABRT after `WatchdogSec` and `Restart=always` brings the attract screen back.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")


class Notifier:
    """Sends sd_notify datagrams to systemd; a no-op when `address` is None."""

    def __init__(self, address: str | None, watchdog_interval: float | None = None) -> None:
        """`address` as in NOTIFY_SOCKET; `watchdog_interval` in seconds (None: no watchdog)."""
        self._address = _socket_address(address) if address else None
        self.watchdog_interval = watchdog_interval if self._address else None
        self._socket: socket.socket | None = None
        self._last_ping: float | None = None
        self._send_failed = False
        self._ready_sent = False

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, pid: int | None = None
    ) -> Notifier:
        """Built from NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID, as sd_watchdog_enabled()."""
        env = os.environ if environ is None else environ
        return cls(env.get("NOTIFY_SOCKET") or None, _watchdog_interval(env, pid or os.getpid()))

    @property
    def enabled(self) -> bool:
        """True when running under systemd with a notify socket."""
        return self._address is not None

    def ready(self) -> None:
        """Start-up finished (the first frame is on the screen). Sent once; later calls do
        nothing, so the frame loop may call it without keeping its own flag."""
        if not self._ready_sent:
            self._ready_sent = self._send("READY=1")

    def status(self, text: str) -> None:
        """One line shown by `systemctl status`."""
        # A newline would start a new assignment in the datagram.
        self._send("STATUS=" + " ".join(text.split()))

    def stopping(self) -> None:
        """Shutdown has begun (systemd then waits up to TimeoutStopSec)."""
        self._send("STOPPING=1")

    def watchdog_due(self, now: float) -> bool:
        """Whether a WATCHDOG ping is due at monotonic time `now` (half the interval passed)."""
        if self.watchdog_interval is None:
            return False
        if self._last_ping is None:
            return True
        # A clock that went backwards (a test, or a new clock) also makes a ping due.
        elapsed = now - self._last_ping
        return elapsed >= self.watchdog_interval / 2 or elapsed < 0

    def next_watchdog(self) -> float | None:
        """When the next ping is due (monotonic), for a loop that sleeps until then."""
        if self.watchdog_interval is None:
            return None
        if self._last_ping is None:
            return float("-inf")
        return self._last_ping + self.watchdog_interval / 2

    def watchdog(self, now: float) -> bool:
        """Ping the watchdog if due; call once per frame. Returns whether a ping was sent."""
        if not self.watchdog_due(now):
            return False
        self._last_ping = now
        return self._send("WATCHDOG=1")

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def _send(self, message: str) -> bool:
        if self._address is None:
            return False
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._socket.sendto(message.encode("utf-8"), self._address)
        except OSError as exc:
            # The kiosk must keep serving visitors; if pings cannot get out, the watchdog
            # restarts us anyway. Say so once, not every frame.
            if not self._send_failed:
                log.warning("sd_notify to %r failed: %s", self._address, exc)
                self._send_failed = True
            return False
        return True


def _socket_address(value: str) -> str | bytes:
    if value.startswith("@"):
        # Abstract namespace: a leading NUL byte instead of '@'.
        return b"\0" + value[1:].encode("utf-8")
    if value.startswith("/"):
        return value
    # sd_notify accepts only absolute paths and '@' (and vsock, which a Pi kiosk never uses).
    raise ValueError(f"NOTIFY_SOCKET must be an absolute path or start with '@': {value!r}")


def _watchdog_interval(env: Mapping[str, str], pid: int) -> float | None:
    raw_usec = env.get("WATCHDOG_USEC", "")
    if not raw_usec.isdigit() or int(raw_usec) == 0:
        return None
    # WATCHDOG_PID names the process systemd watches; a child that inherited the
    # environment must not ping on its parent's behalf.
    raw_pid = env.get("WATCHDOG_PID", "")
    if raw_pid and (not raw_pid.isdigit() or int(raw_pid) != pid):
        return None
    return int(raw_usec) / 1_000_000


def read_boot_id(path: Path = BOOT_ID_FILE) -> str:
    """This boot's random id (empty where there is none). The ledger can store it with each
    start, so that an unclean end seen at the next start is told apart: same boot id means the
    process crashed; another boot id means the power was cut (or the Pi reset)."""
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError:
        return ""
