"""The agent's problems: what each failure means, who can act on it, and the status file the
kiosk reads (`kiosk.cabinet.fleet_status`) to show staff an alert.

A problem has a code (the kiosk's screen text is `staff.fleet.<code>`), a detail for the log,
and the monotonic time it began. `Health` is pure: events in, with `now` passed in; the
agent writes `Health.status_json` to the status file and sends the codes in its heartbeat.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)


class Problem(enum.Enum):
    AUTH = "auth"  # the broker refused the name, password or certificate: enrol again
    CERT_EXPIRED = "cert_expired"  # this kiosk's certificate is past its end
    CERT_EXPIRING = "cert_expiring"  # ends within a month: the centre renews it (no alert)
    BROKER_CERT = "broker_cert"  # the broker's certificate is not trusted
    CLOCK = "clock"  # certificates "not yet valid": the kiosk's clock is wrong
    UNREACHABLE = "unreachable"  # no broker for longer than `unreachable_alert_s`
    REFUSED = "refused"  # the broker refuses what we publish (ACL)
    LEDGER = "ledger"  # the ledger cannot be read


# Shown to staff on the kiosk: someone there (or a technician they call) can act. An
# expiring certificate is the centre's to renew; it travels in the heartbeat.
STAFF_PROBLEMS = (
    Problem.AUTH,
    Problem.CERT_EXPIRED,
    Problem.BROKER_CERT,
    Problem.CLOCK,
    Problem.UNREACHABLE,
    Problem.REFUSED,
    Problem.LEDGER,
)

# What each problem means, for the agent's log: the first thing a technician reads.
ADVICE = {
    Problem.AUTH: "the broker refused this kiosk's name, password or certificate; enrol it "
    "again (fleet-server enroll SITE) and copy the new folder to /etc/maeum-fleet",
    Problem.CERT_EXPIRED: "this kiosk's certificate has expired; enrol it again",
    Problem.CERT_EXPIRING: "this kiosk's certificate ends soon; enrol it again before then",
    Problem.BROKER_CERT: "the broker's certificate is not trusted (expired, wrong name, or "
    "another CA); the centre must renew it",
    Problem.CLOCK: "the kiosk's clock is wrong, so TLS refuses certificates; check NTP",
    Problem.UNREACHABLE: "the broker has been unreachable for long; check the network "
    "(LTE router); everything stays in the ledger and the outbox",
    Problem.REFUSED: "the broker refuses what this kiosk publishes; check the ACL and that "
    "the user name is the site id",
    Problem.LEDGER: "the ledger cannot be read",
}

# Problems a successful connection proves gone.
_CONNECTION_PROBLEMS = (
    Problem.AUTH,
    Problem.CERT_EXPIRED,
    Problem.BROKER_CERT,
    Problem.CLOCK,
    Problem.UNREACHABLE,
)


def classify(error: str, refused: bool) -> Problem | None:
    """The problem behind a failed connection, or None for a plain network failure (which
    becomes UNREACHABLE only when it lasts)."""
    text = error.lower()
    if refused:
        return Problem.AUTH
    if "not yet valid" in text:
        return Problem.CLOCK
    if "certificate_verify_failed" in text or "certificate verify failed" in text:
        return Problem.BROKER_CERT
    if "alert certificate expired" in text or "certificate_expired" in text:
        return Problem.CERT_EXPIRED
    if "alert" in text and ("certificate" in text or "unknown ca" in text):
        return Problem.AUTH  # the broker did not accept our certificate
    return None


def certificate_checks(
    start: datetime, end: datetime, today: datetime, warn_days: int
) -> tuple[tuple[Problem, bool, str], ...]:
    """(problem, whether it holds, detail) for a certificate valid from `start` to `end`."""
    return (
        (Problem.CLOCK, today < start, f"the clock says {today:%Y-%m-%d %H:%M}"),
        (Problem.CERT_EXPIRED, today > end, f"ended {end:%Y-%m-%d}"),
        (
            Problem.CERT_EXPIRING,
            today <= end < today + timedelta(days=warn_days),
            f"ends {end:%Y-%m-%d}",
        ),
    )


@dataclass
class Current:
    detail: str
    since: float  # monotonic
    since_wall: str


@dataclass
class Health:
    """What is wrong now. `unreachable_after` seconds without a broker make an alert."""

    unreachable_after: float
    problems: dict[Problem, Current] = field(default_factory=dict)
    connected: bool = False
    down_since: float | None = None  # monotonic; None while connected
    attempts: int = 0

    def raise_(self, problem: Problem, detail: str, now: float) -> bool:
        """True when it is new (log it then; repeats are not logged again)."""
        current = self.problems.get(problem)
        if current is not None:
            current.detail = detail
            return False
        self.problems[problem] = Current(detail, now, _wall())
        return True

    def clear(self, problem: Problem) -> bool:
        return self.problems.pop(problem, None) is not None

    def on_connected(self, now: float) -> list[Problem]:
        self.connected, self.down_since, self.attempts = True, None, 0
        return [p for p in _CONNECTION_PROBLEMS if self.clear(p)]

    def on_down(self, now: float) -> None:
        if self.connected or self.down_since is None:
            self.down_since = now
        self.connected = False

    def tick(self, now: float) -> Problem | None:
        """UNREACHABLE once the broker has been gone long enough; returned when new."""
        if self.down_since is None or now - self.down_since < self.unreachable_after:
            return None
        hours = (now - self.down_since) / 3600
        detail = f"no broker for {hours:.1f} h ({self.attempts} attempts)"
        return Problem.UNREACHABLE if self.raise_(Problem.UNREACHABLE, detail, now) else None

    def codes(self) -> list[str]:
        return [p.value for p in Problem if p in self.problems]

    def staff_problem(self) -> Problem | None:
        """The one problem staff see (the first that applies)."""
        return next((p for p in STAFF_PROBLEMS if p in self.problems), None)

    def status_json(self, site: str, now: float, outbox: int) -> bytes:
        staff = self.staff_problem()
        body = {
            "site": site,
            "mono": now,
            "wall": _wall(),
            "connected": self.connected,
            "outbox": outbox,
            "staff": None if staff is None else staff.value,
            "problems": [
                {"code": p.value, "detail": c.detail, "since": c.since_wall}
                for p, c in self.problems.items()
            ],
        }
        return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def write_status(path: Path, data: bytes) -> None:
    """Written beside and renamed, so the kiosk never reads half a file. /run is tmpfs:
    no fsync (nothing there survives a reboot anyway)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".status.")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("fleet status %s not written: %s", path, exc)


def _wall() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
