"""A technician's check, its result, the runner and the report (schema in docs/hwtest.md).

A check is a plain object: a stable `name` (for the JSON report), a `title` (for the
checklist), a `group` (config, board, slots, gpio, display, printer), whether it
`needs_person` at the cabinet, the checks it `requires` to have passed, and a `run` function
returning a
`CheckResult`. `run_checks` runs them in order; a check never stops the run: each ends PASS,
FAIL or SKIP.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from hardware.errors import HardwareError

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], None]
Details = Mapping[str, Any]  # JSON-safe values only: they go into the report as they are

GROUPS = ("config", "board", "slots", "gpio", "audio", "display", "printer")


class Status(enum.Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    SKIP = "SKIP"


@dataclass(frozen=True)
class CheckResult:
    status: Status
    reason: str
    next_step: str = ""  # what to look at next; empty when nothing needs doing
    duration_s: float = 0.0  # filled in by the runner
    details: Details = field(default_factory=dict)


def passed(reason: str, **details: Any) -> CheckResult:
    return CheckResult(Status.PASS, reason, "", 0.0, details)


def failed(reason: str, next_step: str, **details: Any) -> CheckResult:
    return CheckResult(Status.FAIL, reason, next_step, 0.0, details)


def skipped(reason: str, next_step: str = "", **details: Any) -> CheckResult:
    return CheckResult(Status.SKIP, reason, next_step, 0.0, details)


@dataclass(frozen=True)
class Check:
    name: str  # stable, for the report: "board.hello", "slots.3"
    title: str  # for the checklist: "board HELLO", "slot 3 motor"
    group: str  # one of GROUPS
    run: Callable[[], CheckResult]
    needs_person: bool = False
    requires: tuple[str, ...] = ()  # checks that, when they ran before, must have passed

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"check {self.name}: unknown group {self.group!r}")


# --- running --------------------------------------------------------------------------------


class Listener(Protocol):
    def started(self, check: Check, index: int, total: int) -> None: ...

    def finished(self, check: Check, result: CheckResult) -> None: ...


@dataclass(frozen=True)
class Outcome:
    check: Check
    result: CheckResult


def run_checks(
    checks: Sequence[Check],
    *,
    person_present: bool,
    clock: Clock = time.monotonic,
    listener: Listener | None = None,
) -> list[Outcome]:
    """Run `checks` in order. A check never stops the run: each ends PASS, FAIL or SKIP."""
    outcomes: list[Outcome] = []
    status_of: dict[str, Status] = {}
    titles = {c.name: c.title for c in checks}
    for index, check in enumerate(checks):
        if listener is not None:
            listener.started(check, index, len(checks))
        start = clock()
        result = _run_one(check, status_of, titles, person_present)
        result = replace(result, duration_s=round(clock() - start, 3))
        status_of[check.name] = result.status
        outcomes.append(Outcome(check, result))
        if listener is not None:
            listener.finished(check, result)
    return outcomes


def _run_one(
    check: Check, status_of: Mapping[str, Status], titles: Mapping[str, str], person_present: bool
) -> CheckResult:
    if check.needs_person and not person_present:
        return skipped(
            "needs a person at the cabinet; --yes was given (사람 필요)",
            "run hwtest without --yes at the open cabinet",
        )
    for name in check.requires:
        # A prerequisite left out of this run (e.g. "config" in a test) does not block.
        if name in status_of and status_of[name] is not Status.PASS:
            return skipped(f"not tried: needs '{titles[name]}' to pass first")
    try:
        return check.run()
    except HardwareError as exc:
        return failed(f"hardware error: {exc}", "check the part named above and its wiring")
    except Exception as exc:  # a bug in a check must not hide the other checks' results
        log.exception("check %s crashed", check.name)
        return failed(
            f"the check itself crashed: {type(exc).__name__}: {exc}",
            "report this to the developers with the log; other checks still ran",
        )


def exit_status(outcomes: Iterable[Outcome]) -> int:
    """0 only when every check that ran passed (skipped checks did not run)."""
    return 1 if any(o.result.status is Status.FAIL for o in outcomes) else 0


def summary(outcomes: Sequence[Outcome]) -> dict[str, int]:
    counts = {s.value.lower(): 0 for s in Status}
    for o in outcomes:
        counts[o.result.status.value.lower()] += 1
    return counts


REPORT_SCHEMA = "maeum-hwtest/1"


def report(outcomes: Sequence[Outcome], *, meta: Mapping[str, Any]) -> dict[str, Any]:
    """The machine-readable report (schema in docs/hwtest.md): `meta` plus every check."""
    return {
        "schema": REPORT_SCHEMA,
        **meta,
        "summary": summary(outcomes),
        "exit_status": exit_status(outcomes),
        "checks": [_check_entry(o) for o in outcomes],
    }


def _check_entry(outcome: Outcome) -> dict[str, Any]:
    check, result = outcome.check, outcome.result
    return {
        "name": check.name,
        "title": check.title,
        "group": check.group,
        "needs_person": check.needs_person,
        "status": result.status.value,
        "reason": result.reason,
        "next_step": result.next_step,
        "duration_s": result.duration_s,
        "details": dict(result.details),
    }
