"""Staff mode as a pure state machine: `step(state, event, now) -> (state, commands)`.

    closed ─Open─▶ PIN ─right PIN─▶ overview ─▶ slot · content · stats · hardware
      ▲             │                  │
      └─ Back ──────┘ (visit resumes)  └─ Exit / idle ─▶ closed (the kiosk returns to attract)

Help, on every staff screen, closes staff mode the same way and then shows the help lines.

No clock, no I/O: the shell passes `now` (monotonic) and carries out the commands (check the
PIN, refill, reload, …) off the UI thread, feeding their results back as events.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kiosk.staff.events import (
    PASSIVE,
    ArmDropTest,
    Back,
    ChangeCount,
    ChangePaper,
    ChangeSlot,
    CheckBoard,
    Digit,
    Done,
    DropSeen,
    Erase,
    Exit,
    Help,
    Leave,
    LockedOut,
    NewRoll,
    Notice,
    NoticeKind,
    Open,
    PinChecked,
    ProbeBoard,
    Refill,
    RefillFull,
    RefillToCount,
    Refresh,
    Reload,
    ReloadContent,
    SelectSlot,
    SetEnabled,
    SetLanguage,
    Show,
    StaffCommand,
    StaffEvent,
    StaffScreen,
    StartDropTest,
    Submit,
    Tick,
    TurnPage,
    VerifyPin,
)
from kiosk.staff.lockout import LOCKOUT_S, MAX_FAILURES, PinGate
from kiosk.staff.pin import MAX_DIGITS, MIN_DIGITS


@dataclass(frozen=True)
class StaffRules:
    max_failures: int = MAX_FAILURES
    lockout_s: float = LOCKOUT_S
    pin_idle_s: float = 60.0  # the PIN screen left alone: back to the visit
    idle_s: float = 180.0  # staff walked away: staff mode closes by itself
    drop_test_s: float = 20.0


@dataclass(frozen=True)
class StaffState:
    screen: StaffScreen = StaffScreen.CLOSED
    language: str = "ko"
    digits: str = ""  # the PIN typed so far; never shown, never logged
    checking: bool = False  # a PIN is being verified
    wrong: bool = False  # the last PIN was wrong (until the next key)
    gate: PinGate = field(default_factory=PinGate)  # kept while closed: Back keeps the count
    slot: int | None = None
    count: int = 0  # the count being set on the slot screen
    capacity: int = 0
    page: int = 0  # of the slot list
    notice: Notice | None = None
    busy: bool = False  # a refill, reload or board check is running
    drop_test_until: float | None = None
    last_activity: float = 0.0

    @property
    def active(self) -> bool:
        return self.screen is not StaffScreen.CLOSED

    @property
    def inside(self) -> bool:
        """Past the PIN: the staff screens proper."""
        return self.screen not in (StaffScreen.CLOSED, StaffScreen.PIN)


Result = tuple[StaffState, list[StaffCommand]]


def step(
    state: StaffState, event: StaffEvent, now: float, rules: StaffRules = StaffRules()
) -> Result:
    """One event in; the next state and the shell's commands out. Pure."""
    state = replace(state, gate=state.gate.expire(now))
    if isinstance(event, Tick):
        return _tick(state, now, rules)
    if isinstance(event, PinChecked):
        return _pin_checked(state, event.ok, now, rules)
    if isinstance(event, Done):
        return _done(state, event)
    if isinstance(event, DropSeen):
        if state.drop_test_until is None:
            return state, []
        return replace(state, drop_test_until=None, notice=Notice(NoticeKind.DROP_SEEN)), []
    if not isinstance(event, PASSIVE):
        state = replace(state, last_activity=now)
    if isinstance(event, Open):
        return _open(state, now)
    if not state.active:
        return state, []
    if isinstance(event, SetLanguage):
        return replace(state, language=event.language), []
    if isinstance(event, Help):
        # Past the PIN the visit is over (as with Exit); on the keypad it goes on after help.
        return _close(state, resume_visit=not state.inside, show_help=True)
    if state.screen is StaffScreen.PIN:
        return _pin(state, event, now, rules)
    return _inside(state, event, now, rules)


def _open(state: StaffState, now: float) -> Result:
    if state.active:
        return state, []
    opened = StaffState(StaffScreen.PIN, state.language, gate=state.gate, last_activity=now)
    return opened, []


def _close(state: StaffState, resume_visit: bool, show_help: bool = False) -> Result:
    closed = StaffState(language=state.language, gate=state.gate)
    return closed, [Leave(resume_visit, show_help)]


def _pin(state: StaffState, event: StaffEvent, now: float, rules: StaffRules) -> Result:
    if isinstance(event, Back | Exit):
        return _close(state, resume_visit=True)
    if state.checking or state.gate.locked(now):
        return state, []
    if isinstance(event, Digit) and 0 <= event.digit <= 9:
        if len(state.digits) >= MAX_DIGITS:
            return replace(state, wrong=False), []
        return replace(state, digits=state.digits + str(event.digit), wrong=False), []
    if isinstance(event, Erase):
        return replace(state, digits=state.digits[:-1], wrong=False), []
    if isinstance(event, Submit) and state.digits:
        if len(state.digits) < MIN_DIGITS:
            # Too short to be anyone's PIN: a wrong try like any other, no hint why.
            return _pin_checked(replace(state, checking=True), False, now, rules)
        return replace(state, checking=True, digits=""), [VerifyPin(state.digits)]
    return state, []


def _pin_checked(state: StaffState, ok: bool, now: float, rules: StaffRules) -> Result:
    gate = state.gate.attempt(ok, now, max_failures=rules.max_failures, lockout_s=rules.lockout_s)
    if state.screen is not StaffScreen.PIN or not state.checking:
        # Cancelled while checking: a wrong PIN still counts, a right one opens nothing.
        return replace(state, gate=gate if not ok else state.gate), []
    if ok:
        inside = StaffState(StaffScreen.OVERVIEW, state.language, gate=gate, last_activity=now)
        return inside, [Refresh()]
    commands: list[StaffCommand] = []
    if gate.locked(now):
        commands.append(LockedOut(gate.seconds_left(now)))
    return replace(state, gate=gate, checking=False, digits="", wrong=True), commands


def _inside(state: StaffState, event: StaffEvent, now: float, rules: StaffRules) -> Result:
    if isinstance(event, Exit):
        return _close(state, resume_visit=False)
    if isinstance(event, Back):
        if state.screen is StaffScreen.OVERVIEW:
            return _close(state, resume_visit=False)
        return _show(state, StaffScreen.OVERVIEW)
    if isinstance(event, Show) and event.screen not in (StaffScreen.CLOSED, StaffScreen.PIN):
        return _show(state, event.screen)
    if isinstance(event, TurnPage):
        return replace(state, page=max(0, state.page + event.delta)), []
    if isinstance(event, SelectSlot):
        shown, _ = _show(state, StaffScreen.SLOT)
        return replace(shown, slot=event.slot, count=event.count, capacity=event.capacity), []
    if state.busy:
        return state, []  # one job at a time; the screen says it is working
    if state.screen is StaffScreen.SLOT and state.slot is not None:
        return _slot(state, event)
    if isinstance(event, ReloadContent) and state.screen is StaffScreen.CONTENT:
        return replace(state, busy=True, notice=None), [Reload()]
    if state.screen is StaffScreen.HARDWARE:
        if isinstance(event, CheckBoard):
            return replace(state, busy=True, notice=None), [ProbeBoard()]
        if isinstance(event, ChangePaper):
            return replace(state, busy=True, notice=None), [NewRoll()]
        if isinstance(event, StartDropTest):
            until = now + rules.drop_test_s
            return replace(state, drop_test_until=until, notice=None), [ArmDropTest()]
    return state, []


def _slot(state: StaffState, event: StaffEvent) -> Result:
    slot = state.slot
    assert slot is not None
    if isinstance(event, ChangeCount):
        count = min(state.capacity, max(0, state.count + event.delta))
        return replace(state, count=count, notice=None), []
    if isinstance(event, RefillFull):
        return replace(state, busy=True, notice=None), [Refill(slot, None)]
    if isinstance(event, RefillToCount):
        return replace(state, busy=True, notice=None), [Refill(slot, state.count)]
    if isinstance(event, SetEnabled):
        return replace(state, busy=True, notice=None), [ChangeSlot(slot, event.enabled)]
    return state, []


def _show(state: StaffState, screen: StaffScreen) -> Result:
    """Another staff screen; the last notice and any drop test are left behind."""
    moved = replace(state, screen=screen, notice=None, drop_test_until=None)
    return moved, [Refresh()]


def _done(state: StaffState, event: Done) -> Result:
    if not state.active:
        return state, []
    count = state.count if event.count is None else event.count
    return replace(state, busy=False, notice=event.notice, count=count), [Refresh()]


def next_deadline(state: StaffState, rules: StaffRules) -> float | None:
    """The earliest time at which a `Tick` can change `state` (the same sums `_tick` tests),
    or None: nothing will happen without a touch or a job's answer."""
    due: list[float] = []
    if state.gate.locked_until is not None:  # `step` forgets a lock that ran out
        due.append(state.gate.locked_until)
    if not state.active:
        return min(due, default=None)
    if state.screen is StaffScreen.PIN and not state.checking:
        due.append(state.last_activity + rules.pin_idle_s)
    if state.inside and not state.busy:
        due.append(state.last_activity + rules.idle_s)
    if state.drop_test_until is not None:
        due.append(state.drop_test_until)
    return min(due, default=None)


def _tick(state: StaffState, now: float, rules: StaffRules) -> Result:
    if not state.active:
        return state, []
    last = state.last_activity  # written as `now >= due`, the very sums next_deadline gives
    if state.screen is StaffScreen.PIN and not state.checking and now >= last + rules.pin_idle_s:
        return _close(state, resume_visit=True)
    if state.inside and not state.busy and now >= last + rules.idle_s:
        return _close(state, resume_visit=False)
    if state.drop_test_until is not None and now >= state.drop_test_until:
        return replace(state, drop_test_until=None, notice=Notice(NoticeKind.DROP_NOT_SEEN)), []
    return state, []
