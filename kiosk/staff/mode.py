"""Staff mode for the app shell: the pure staff machine plus the work its commands ask for.

The app shell calls `open` (service button, corner press), `handle` (a staff button), `tick`
(once per frame) and `build` (the page). Slow work runs as jobs off the UI thread; the answers
come back in `tick`. `handle` and `tick` return `Leave` when staff mode is over, and the shell
then resumes or ends the paused visit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from kiosk.staff.backend import Live, Snapshot, StaffBackend
from kiosk.staff.events import (
    ArmDropTest,
    ChangeSlot,
    Done,
    DropSeen,
    Leave,
    LockedOut,
    NewRoll,
    Notice,
    NoticeKind,
    Open,
    PinChecked,
    ProbeBoard,
    Refill,
    Refresh,
    Reload,
    StaffCommand,
    StaffEvent,
    StaffScreen,
    Tick,
    VerifyPin,
)
from kiosk.staff.jobs import Jobs
from kiosk.staff.lockout import PinGate
from kiosk.staff.lockout_store import CHECKPOINT_S, LockoutStore
from kiosk.staff.pin import PinHash, verify_pin
from kiosk.staff.screens import build_staff_page
from kiosk.staff.screens.base import StaffPage, StaffView
from kiosk.staff.state import StaffRules, StaffState, step
from kiosk.staff.state import next_deadline as staff_deadline
from kiosk.ui.i18n import Texts
from kiosk.visit.screens.base import View

log = logging.getLogger(__name__)

LIVE_EVERY_S = 0.2  # door and drop sensor on the machine-check screen


class StaffMode:
    def __init__(
        self,
        backend: StaffBackend,
        jobs: Jobs,
        pin_hash: PinHash | None,
        *,
        language: str = "ko",
        languages: tuple[str, ...] = ("ko", "en"),
        rules: StaffRules | None = None,
        today: Callable[[], date] = date.today,
        lockout: LockoutStore | None = None,
        now: float = 0.0,
    ) -> None:
        """`lockout` keeps wrong PINs and a lock across restarts (read here, at `now`)."""
        self.backend = backend
        self.jobs = jobs
        self.pin_hash = pin_hash  # None: no PIN set, staff mode is off
        self.languages = languages
        self.rules = rules or StaffRules()
        self.today = today
        self.lockout = lockout
        gate = lockout.load(now) if lockout is not None else PinGate()
        self.state = StaffState(language=language, gate=gate)
        self._saved_gate, self._saved_at, self._last_now = gate, now, now
        self.snapshot = Snapshot(content=backend.content.status())
        self.live = Live()
        self._version = 0  # goes up whenever the snapshot or live readings change
        self._drop_base: int | None = None
        self._live_at = float("-inf")

    @property
    def active(self) -> bool:
        return self.state.active

    @property
    def enabled(self) -> bool:
        return self.pin_hash is not None

    def open(self, now: float) -> bool:
        """Show the PIN keypad (the visit pauses); False when staff mode is off."""
        if self.pin_hash is None:
            log.warning("staff mode asked for, but it is off: no PIN set (main.py staff-pin)")
            return False
        if not self.active:
            log.info("staff mode: PIN keypad shown")
        self.handle(Open(), now)
        self._refresh()
        return True

    def handle(self, event: StaffEvent, now: float) -> Leave | None:
        """Step the staff machine and carry out its commands."""
        self.state, commands = step(self.state, event, now, self.rules)
        self._keep_lockout(now)
        leave: Leave | None = None
        for command in commands:
            leave = self._run(command) or leave
        return leave

    def watch(self, now: float) -> None:
        """Once per frame while staff mode is closed (cheap): a lock that ran out is
        forgotten, and one that lasts is written down now and then (`CHECKPOINT_S`)."""
        gate = self.state.gate.expire(now)
        if gate != self.state.gate:
            self.state = replace(self.state, gate=gate)
        self._keep_lockout(now)

    def _keep_lockout(self, now: float) -> None:
        """Hand the gate to the lockout store when it changed, or while locked, every
        `CHECKPOINT_S` (the store writes it off the UI thread)."""
        self._last_now = now
        gate = self.state.gate
        due = gate.locked_until is not None and now - self._saved_at >= CHECKPOINT_S
        if self.lockout is not None and (gate != self._saved_gate or due):
            self.lockout.save(gate, now)
            self._saved_gate, self._saved_at = gate, now

    def tick(self, now: float) -> Leave | None:
        """Once per frame: finished jobs, the drop sensor, timeouts."""
        leave: Leave | None = None
        for event in self.jobs.collect():
            leave = self.handle(event, now) or leave
        if self._watching() and now >= self._live_at + LIVE_EVERY_S:
            self._live_at = now
            self._read_live()
        if self.state.drop_test_until is not None and self._dropped():
            leave = self.handle(DropSeen(), now) or leave
        return self.handle(Tick(), now) or leave

    def next_deadline(self, now: float) -> float | None:
        """When staff mode must look again without a touch or a job's answer: its timeouts,
        the live readings on the machine-check screen, the drop test's countdown, the lock's
        minutes and checkpoint. None: sleep until something comes."""
        state = self.state
        due: list[float] = []
        if (timeout := staff_deadline(state, self.rules)) is not None:
            due.append(timeout)
        if self._watching():
            due.append(self._live_at + LIVE_EVERY_S)  # door and drop sensor are read, not told
        if state.drop_test_until is not None:  # the countdown shows whole seconds
            left = state.drop_test_until - now
            due.append(now + (left - int(left) or 1.0))
        gate = state.gate
        if gate.locked_until is not None:
            due.append(gate.locked_until)
            left = gate.seconds_left(now)
            due.append(now + (left % 60 or 60.0))  # "try again in N minutes" changes
            due.append(self._saved_at + CHECKPOINT_S)
        return min(due, default=None)

    def key(self, now: float) -> tuple[object, ...]:
        """Changes whenever the staff page would look different."""
        state = self.state
        return (
            state,
            self._version,
            state.gate.minutes_left(now),
            None if state.drop_test_until is None else int(state.drop_test_until - now),
        )

    def build(self, v: View, now: float) -> StaffPage:
        texts = Texts(v.texts.translations, self.state.language, v.texts.facts)
        sv = StaffView(
            replace(v, texts=texts),
            self.state,
            self.snapshot,
            self.live,
            now,
            self.languages,
        )
        return build_staff_page(sv)

    def close(self) -> None:
        self.jobs.close()
        if self.lockout is not None:
            if self.state.gate.locked_until is not None:  # the time worked off so far
                self.lockout.save(self.state.gate, self._last_now)
            self.lockout.close()

    # ---- commands --------------------------------------------------------------------------

    def _run(self, command: StaffCommand) -> Leave | None:
        if isinstance(command, Leave):
            log.info("staff mode closed")
            return command
        if isinstance(command, Refresh):
            self._refresh()
        elif isinstance(command, VerifyPin):
            self._verify(command.pin)
        elif isinstance(command, LockedOut):
            log.warning("staff mode locked for %.0f s after too many wrong PINs", command.seconds)
        elif isinstance(command, ArmDropTest):
            self._read_live()
            self._drop_base = self.live.drop_breaks
        else:
            self.jobs.submit(self._job(command))
        return None

    def _job(
        self, command: Refill | ChangeSlot | Reload | ProbeBoard | NewRoll
    ) -> Callable[[], StaffEvent]:
        backend = self.backend
        if isinstance(command, Refill):

            def refill() -> StaffEvent:
                count = backend.refill(command.slot, command.count)
                return Done(Notice(NoticeKind.REFILLED, command.slot, count), count)

            return refill
        if isinstance(command, ChangeSlot):

            def change() -> StaffEvent:
                backend.set_enabled(command.slot, command.enabled)
                kind = NoticeKind.ENABLED if command.enabled else NoticeKind.DISABLED
                return Done(Notice(kind, command.slot))

            return change
        if isinstance(command, Reload):

            def reload() -> StaffEvent:
                result = backend.reload_content()
                if result.accepted:
                    return Done(Notice(NoticeKind.RELOADED))
                return Done(Notice(NoticeKind.RELOAD_REFUSED, count=len(result.issues)))

            return reload
        if isinstance(command, NewRoll):

            def new_roll() -> StaffEvent:
                backend.paper_changed()
                return Done(Notice(NoticeKind.PAPER_CHANGED))

            return new_roll

        def probe() -> StaffEvent:
            ok = backend.check_board()
            return Done(Notice(NoticeKind.BOARD_OK if ok else NoticeKind.BOARD_LOST))

        return probe

    def _verify(self, pin: str) -> None:
        stored = self.pin_hash

        def check() -> StaffEvent:
            ok = stored is not None and verify_pin(pin, stored)
            if ok:
                log.info("staff mode: right PIN")
            else:
                log.warning("staff mode: wrong PIN")
            return PinChecked(ok)

        self.jobs.submit(check)

    def _refresh(self) -> None:
        """Read the slots, alerts, statistics and content status again."""
        try:
            self.snapshot = self.backend.snapshot(self.today())
        except Exception:  # a broken ledger must not take the staff screens down
            log.exception("staff mode: cannot read the machine's state")
            self.snapshot = Snapshot(
                content=self.backend.content.status(), ledger_ok=False, day=self.today()
            )
        self.live = self.snapshot.live
        self._version += 1

    def _read_live(self) -> None:
        live = self.backend.live()
        if live != self.live:
            self.live = live
            self._version += 1

    def _watching(self) -> bool:
        """The door and drop sensor are on the screen (or a drop test waits for the sensor)."""
        return self.state.screen is StaffScreen.HARDWARE or self.state.drop_test_until is not None

    def _dropped(self) -> bool:
        base, now = self._drop_base, self.live.drop_breaks
        return base is not None and now is not None and now > base
