"""What the fleet agent tells the kiosk: whether it can report to the centre.

The agent (`python main.py fleet-agent`, its own process and unit) rewrites a small JSON file
in /run every minute or so; the kiosk reads it with the other alerts. Its `staff` field names
a problem staff or a technician can act on (`staff.fleet.<code>` in the screen text), or is
null. Both processes read the same `CLOCK_MONOTONIC`, so "not rewritten for five minutes" holds
across wall-clock jumps. No file means no agent on this kiosk: nothing to say.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)

FLEET_STATUS = Path("/run/maeum-fleet/status.json")
STALE_AFTER_S = 300.0
AGENT_STOPPED = "agent_stopped"
UNREADABLE = "status_unreadable"


def fleet_problem(path: Path, now: float) -> str | None:
    """The agent's problem for staff, "agent_stopped" when it has not written for a while,
    or None. `now` is `time.monotonic()`."""
    try:
        raw = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("fleet status %s unreadable: %s", path, exc)
        return UNREADABLE
    if not isinstance(raw, dict):
        return UNREADABLE
    written = raw.get("mono")
    if not isinstance(written, int | float) or now - written > STALE_AFTER_S:
        return AGENT_STOPPED
    staff = raw.get("staff")
    return staff if isinstance(staff, str) and staff else None
