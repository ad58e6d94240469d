"""The transitions of one visit.

    attract ─touch─▶ symptom ─▶ mood (3 taps or skip) ─▶ prescription ─▶ dispensing ─▶ take item
        ▲                                                                            │
        └──── goodbye ◀── info ◀─────────────────────────────────────────────────────┘
    help from every screen (back to where it was); out of service when the kiosk cannot serve.

Inactivity on any visitor screen raises the "need more time?" prompt; when its countdown ends the
visit is forgotten and the kiosk returns to attract.
"""

from __future__ import annotations

from dataclasses import replace

from hardware.dispenser import VendOutcome
from kiosk.shell.config import Timeouts
from kiosk.visit.flow.commands import (
    CallStaff,
    ChoosePrescription,
    ChuteLightOff,
    Command,
    CountStat,
    PrintSlip,
    StartVend,
    VisitEnded,
)
from kiosk.visit.flow.events import (
    PASSIVE,
    Back,
    CallPerson,
    ChooseSymptom,
    CloseHelp,
    Continue,
    DispensingChanged,
    Event,
    Feedback,
    GoHome,
    Listening,
    MoodAnswer,
    OpenHelp,
    PrescriptionChosen,
    PrinterChanged,
    ServiceChanged,
    SetLanguage,
    SkipMood,
    SlipDone,
    Start,
    Tick,
    ToggleMode,
    VendFinished,
)
from kiosk.visit.flow.state import Access, FlowState, PrinterReady, Screen, Slip, Visit

UCLA_QUESTIONS = 3  # the three items of the UCLA short loneliness scale (FACTS.md)

Result = tuple[FlowState, list[Command]]

# Screens on which a visit is under way (leaving them for attract abandons the visit).
_IN_VISIT = {
    Screen.SYMPTOM,
    Screen.MOOD,
    Screen.PRESCRIPTION,
    Screen.DISPENSING,
    Screen.TAKE_ITEM,
    Screen.INFO,
}
# Screens that ask "need more time?" after inactivity.
_PROMPTING = _IN_VISIT - {Screen.DISPENSING} | {Screen.HELP}


def initial_state(language: str, now: float, access: Access | None = None) -> FlowState:
    """Attract, in the machine's language and with the machine's default modes."""
    modes = access or Access()
    return FlowState(
        Screen.ATTRACT,
        language,
        language,
        last_activity=now,
        entered_at=now,
        access=modes,
        default_access=modes,
    )


def step(
    state: FlowState,
    event: Event,
    now: float,
    timeouts: Timeouts,
    languages: tuple[str, ...] = ("ko", "en"),
) -> Result:
    """One event in; the next state and what the shell must do out. Pure."""
    after, commands = _step(state, event, now, timeouts, languages)
    if state.screen is Screen.TAKE_ITEM and after.screen is not Screen.TAKE_ITEM:
        commands = [*commands, ChuteLightOff()]  # the item was taken (or left): light off
    return after, commands


def next_deadline(state: FlowState, t: Timeouts) -> float | None:
    """The earliest time at which a `Tick` can change `state`, or None if none will.

    The frame loop sleeps until then (or until input or an inbox event), so this must never
    be later than the time `_tick` acts: a test checks it against `_tick` itself."""
    screen = state.screen
    if state.prompt_until is not None:
        return state.prompt_until
    if screen is Screen.ATTRACT:
        if _attract_changed(state):
            return state.last_activity + t.inactivity
        return None
    due: list[float] = []
    if screen is Screen.GOODBYE:  # after the last touch or words heard on it
        due.append(max(state.entered_at, state.last_activity) + t.goodbye)
    if screen is Screen.DISPENSING:
        due.append(state.entered_at + t.dispense_deadline)
    if screen is Screen.TAKE_ITEM:
        due.append(max(state.entered_at, state.last_activity) + t.take_item)
    if screen in _PROMPTING:
        limit = t.help_inactivity if screen is Screen.HELP else t.inactivity
        due.append(state.last_activity + limit)
    return min(due, default=None)


def _step(
    state: FlowState,
    event: Event,
    now: float,
    timeouts: Timeouts,
    languages: tuple[str, ...],
) -> Result:
    if isinstance(event, Tick):
        return _tick(state, now, timeouts)
    if isinstance(event, ServiceChanged):
        return _service_changed(state, event, now)
    if isinstance(event, DispensingChanged):
        return replace(state, dispensing_ok=event.available), []
    if isinstance(event, PrinterChanged):
        return replace(state, printer=event.ready), []
    if isinstance(event, SlipDone):
        return _slip_done(state, event.printed)
    if isinstance(event, VendFinished):
        return _vend_finished(state, event.outcome, now)
    if isinstance(event, PrescriptionChosen):
        return _prescription_chosen(state, event, now)
    if not isinstance(event, PASSIVE):
        state = replace(state, last_activity=now)
    if isinstance(event, Listening):
        return state, []
    if state.prompting:
        if isinstance(event, GoHome):
            return _to_attract(state, now)
        state = replace(state, prompt_until=None)
        # The touch that dismisses the prompt does nothing else, except asking for help.
        if not isinstance(event, OpenHelp):
            return state, []
    if isinstance(event, ToggleMode):  # on every screen, for this visit only
        return replace(state, access=state.access.toggled(event.mode)), []
    if isinstance(event, OpenHelp):
        return _open_help(state, now)
    if isinstance(event, CallPerson):
        return _call_person(state)
    if isinstance(event, GoHome):
        return _to_attract(state, now)
    return _on_screen(state, event, now, languages)


def _on_screen(state: FlowState, event: Event, now: float, languages: tuple[str, ...]) -> Result:
    screen = state.screen
    if screen is Screen.ATTRACT:
        return _attract(state, event, now, languages)
    if screen is Screen.SYMPTOM:
        if isinstance(event, ChooseSymptom):
            visit = replace(state.visit, symptom=event.symptom)
            return _go(state, Screen.MOOD, now, visit=visit), [CountStat("symptom", event.symptom)]
        if isinstance(event, Back):
            return _to_attract(state, now)
    elif screen is Screen.MOOD:
        return _mood(state, event, now)
    elif screen is Screen.PRESCRIPTION:
        if isinstance(event, Continue):
            return _with_slip(*_start_dispensing(state, now))
    elif screen is Screen.TAKE_ITEM:
        if isinstance(event, Continue):
            return _go(state, Screen.INFO, now), []
    elif screen is Screen.INFO:
        if isinstance(event, Continue):
            return _goodbye(state, now)
        if isinstance(event, Back):
            return _go(state, Screen.TAKE_ITEM, now), []
    elif screen is Screen.GOODBYE:
        if isinstance(event, Continue | Start):
            return _to_attract(state, now)
        if isinstance(event, Feedback):
            return _feedback(state, event)
    elif screen is Screen.HELP and isinstance(event, CloseHelp | Back):
        return _go(state, state.help_return or Screen.ATTRACT, now, help_return=None), []
    return state, []


def _attract(state: FlowState, event: Event, now: float, languages: tuple[str, ...]) -> Result:
    if isinstance(event, SetLanguage) and event.language in languages:
        return replace(state, language=event.language), []
    if isinstance(event, Start | Continue):
        commands: list[Command] = [
            CountStat("visit_started"),
            CountStat("language", state.language),
        ]
        fresh = replace(state, person_called=False)  # a new visitor has asked for no one yet
        return _go(fresh, Screen.SYMPTOM, now, visit=Visit()), commands
    return state, []


def _mood(state: FlowState, event: Event, now: float) -> Result:
    visit, symptom = state.visit, state.visit.symptom
    waiting = visit.mood_skipped or len(visit.answers) >= UCLA_QUESTIONS
    if waiting or symptom is None:
        return state, []  # the prescription is being chosen; ignore extra taps
    if isinstance(event, MoodAnswer) and 1 <= event.value <= 3:
        visit = replace(visit, answers=(*visit.answers, event.value))
        if len(visit.answers) < UCLA_QUESTIONS:
            return replace(state, visit=visit), []
        return replace(state, visit=visit), [
            CountStat("mood", "taken"),
            ChoosePrescription(symptom, visit.ucla_total),
        ]
    if isinstance(event, SkipMood | Continue):
        visit = replace(visit, mood_skipped=True)
        return replace(state, visit=visit), [
            CountStat("mood", "skipped"),
            ChoosePrescription(symptom, None),
        ]
    if isinstance(event, Back):
        if visit.answers:
            return replace(state, visit=replace(visit, answers=visit.answers[:-1])), []
        return _go(state, Screen.SYMPTOM, now, visit=replace(visit, symptom=None)), []
    return state, []


def _prescription_chosen(state: FlowState, event: PrescriptionChosen, now: float) -> Result:
    visit = state.visit
    if visit.symptom is None or visit.prescription is not None:
        return state, []  # a late answer for a visit that is already gone
    visit = replace(
        visit,
        prescription=event.prescription,
        slot=event.slot,
        show_help_first=event.show_help_first,
        stamp=event.stamp,
        item=event.item if event.slot is not None else None,
    )
    if state.screen is Screen.HELP:
        return replace(state, visit=visit, help_return=Screen.PRESCRIPTION), []
    if state.screen is not Screen.MOOD:
        return state, []
    return _go(state, Screen.PRESCRIPTION, now, visit=visit), [
        CountStat("prescription", event.prescription)
    ]


def _start_dispensing(state: FlowState, now: float) -> Result:
    visit = state.visit
    if visit.slot is None or not state.dispensing_ok:
        # A machine that cannot dispense (board, disk) is not an empty one: say which it is.
        outcome = VendOutcome.OUT_OF_STOCK if state.dispensing_ok else VendOutcome.BOARD_UNREACHABLE
        visit = replace(visit, outcome=outcome)
        return _go(state, Screen.TAKE_ITEM, now, visit=visit), [
            CountStat("outcome", f"-:{outcome.value}")
        ]
    return _go(state, Screen.DISPENSING, now), [StartVend(visit.slot)]


def _with_slip(state: FlowState, commands: list[Command]) -> Result:
    """The prescription is confirmed: its slip is printed now, once, if the printer can. A
    printer known to be down is not tried: the screens say kindly that no slip comes."""
    if state.visit.slip is not Slip.NONE or state.printer is PrinterReady.ABSENT:
        return state, commands
    if state.printer is PrinterReady.DOWN:
        visit = replace(state.visit, slip=Slip.NOT_PRINTED)
        return replace(state, visit=visit), [*commands, CountStat("slip", "unavailable")]
    visit = replace(state.visit, slip=Slip.PRINTING)
    return replace(state, visit=visit), [*commands, PrintSlip()]


def _slip_done(state: FlowState, printed: bool) -> Result:
    if state.visit.slip is not Slip.PRINTING:
        return state, []  # a late answer: the visit is gone (the slip is counted anyway)
    visit = replace(state.visit, slip=Slip.PRINTED if printed else Slip.NOT_PRINTED)
    return replace(state, visit=visit), []


def _vend_finished(state: FlowState, outcome: VendOutcome, now: float) -> Result:
    visit = state.visit
    if visit.slot is None or visit.outcome is not None:
        return state, []  # the visit already moved on (deadline passed, or it was abandoned)
    visit = replace(visit, outcome=outcome)
    stat: list[Command] = [CountStat("outcome", f"{visit.slot}:{outcome.value}")]
    if state.screen is Screen.DISPENSING:
        return _go(state, Screen.TAKE_ITEM, now, visit=visit), stat
    if state.screen is Screen.HELP and state.help_return is Screen.DISPENSING:
        return replace(state, visit=visit, help_return=Screen.TAKE_ITEM), stat
    # No vend of this visit is under way (it starts on the dispensing screen): a stray answer
    # must not fill in the outcome, or the vend that follows would never be waited for.
    return state, []


def _open_help(state: FlowState, now: float) -> Result:
    if state.screen is Screen.HELP:
        return state, []
    return _go(state, Screen.HELP, now, help_return=state.screen), [CountStat("help_view")]


def _call_person(state: FlowState) -> Result:
    """Once per visit: the LED and the staff alert; the screen then says a person was asked."""
    if state.person_called:
        return state, []
    return replace(state, person_called=True), [CallStaff(), CountStat("person_call")]


def _feedback(state: FlowState, event: Feedback) -> Result:
    """One answer per visit, counted against the prescription (nothing about the person)."""
    visit = state.visit
    if visit.feedback is not None or visit.prescription is None:
        return state, []
    stat = CountStat("card_helped" if event.helped else "card_unsure", visit.prescription)
    return replace(state, visit=replace(visit, feedback=event.helped)), [stat]


def _attract_changed(state: FlowState) -> bool:
    """Someone changed the language or the modes, or asked for a person, and walked away."""
    return (
        state.language != state.default_language
        or state.access != state.default_access
        or state.person_called
    )


def _goodbye(state: FlowState, now: float) -> Result:
    return _go(state, Screen.GOODBYE, now), [VisitEnded(completed=True, screen="goodbye")]


def _tick(state: FlowState, now: float, t: Timeouts) -> Result:
    # Each test is written as `now >= <the time it is due>`, the very sum `next_deadline`
    # gives, so that waking at a deadline always acts (no floating-point near miss).
    screen, last = state.screen, state.last_activity
    if state.prompt_until is not None:
        return _to_attract(state, now) if now >= state.prompt_until else (state, [])
    if screen is Screen.ATTRACT:
        # Someone switched to English and walked away: the next visitor starts in the default.
        if _attract_changed(state) and now >= last + t.inactivity:
            return replace(
                state,
                language=state.default_language,
                access=state.default_access,
                person_called=False,
            ), []
        return state, []
    if screen is Screen.GOODBYE and now >= max(state.entered_at, last) + t.goodbye:
        return _to_attract(state, now)
    if screen is Screen.DISPENSING and now >= state.entered_at + t.dispense_deadline:
        return _vend_finished(state, VendOutcome.UNVERIFIED, now)
    if screen is Screen.TAKE_ITEM and now >= max(state.entered_at, last) + t.take_item:
        return _go(state, Screen.INFO, now), []
    if screen in _PROMPTING:
        limit = t.help_inactivity if screen is Screen.HELP else t.inactivity
        if now >= last + limit:
            return replace(state, prompt_until=now + t.more_time), []
    return state, []


def _service_changed(state: FlowState, event: ServiceChanged, now: float) -> Result:
    state = replace(state, service_fault=event.fault)
    if event.fault is not None and state.screen is Screen.ATTRACT:
        return _go(state, Screen.OUT_OF_SERVICE, now), []
    if event.fault is None and state.screen is Screen.OUT_OF_SERVICE:
        return _go(state, Screen.ATTRACT, now), []
    if event.fault is None and state.help_return is Screen.OUT_OF_SERVICE:
        return replace(state, help_return=Screen.ATTRACT), []
    return state, []  # a visit under way finishes first; attract then shows out of service


def _to_attract(state: FlowState, now: float) -> Result:
    """Forget the visit. Counted as abandoned when it had started and not reached goodbye."""
    commands: list[Command] = []
    where = state.help_return if state.screen is Screen.HELP else state.screen
    if where in _IN_VISIT:
        commands.append(VisitEnded(completed=False, screen=where.value))
    target = Screen.OUT_OF_SERVICE if state.service_fault else Screen.ATTRACT
    fresh = FlowState(
        target,
        state.default_language,
        state.default_language,
        last_activity=now,
        entered_at=now,
        service_fault=state.service_fault,
        dispensing_ok=state.dispensing_ok,
        printer=state.printer,
        access=state.default_access,
        default_access=state.default_access,
    )
    return fresh, commands


def _go(
    state: FlowState,
    screen: Screen,
    now: float,
    *,
    visit: Visit | None = None,
    help_return: Screen | bool | None = False,
) -> FlowState:
    """Enter `screen` now; the prompt goes away. `help_return=False` keeps the old one."""
    moved = replace(
        state,
        screen=screen,
        entered_at=now,
        prompt_until=None,
        visit=state.visit if visit is None else visit,
    )
    if help_return is False:
        return moved
    return replace(moved, help_return=help_return if isinstance(help_return, Screen) else None)
