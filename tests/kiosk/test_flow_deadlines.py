"""The frame loop sleeps until `next_deadline`: it must never be later than a timeout, or a
visitor's screen would hang; and a deadline must really do something when it comes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.dispenser import VendOutcome
from kiosk.shell.config import Timeouts
from kiosk.visit.flow import (
    ChooseSymptom,
    ChuteLightOff,
    Continue,
    Event,
    GoHome,
    MoodAnswer,
    MoreTime,
    OpenHelp,
    PrescriptionChosen,
    Screen,
    SetLanguage,
    SkipMood,
    Start,
    Tick,
    VendFinished,
    initial_state,
    next_deadline,
    step,
)

T = Timeouts(
    inactivity=30, more_time=10, help_inactivity=120, take_item=40, goodbye=5, dispense_deadline=15
)

EVENTS: list[Event] = [
    Start(),
    ChooseSymptom("s1"),
    MoodAnswer(2),
    SkipMood(),
    PrescriptionChosen("p1", 1, False),
    PrescriptionChosen("p2", None, False),
    Continue(),
    VendFinished(VendOutcome.DISPENSED),
    OpenHelp(),
    MoreTime(),
    GoHome(),
    SetLanguage("en"),
]


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.sampled_from(EVENTS), st.floats(min_value=0, max_value=200)), max_size=25)
)
def test_nothing_happens_before_the_deadline_and_something_at_it(
    script: list[tuple[Event, float]],
) -> None:
    now = 0.0
    state = initial_state("ko", now)
    for event, gap in script:
        now += gap
        state, _ = step(state, Tick(), now, T)  # the loop wakes at least at the deadline
        due = next_deadline(state, T)
        if due is not None:
            assert due >= now or step(state, Tick(), now, T)[0] != state
            before = max(now, due - 1e-6)
            if before < due:
                assert step(state, Tick(), before, T)[0] == state  # not a moment too early
            assert step(state, Tick(), max(now, due), T)[0] != state  # and it acts on time
        else:
            assert step(state, Tick(), now + 10_000, T)[0] == state
        state, _ = step(state, event, now, T)


def test_leaving_the_take_item_screen_turns_the_chute_light_off() -> None:
    state = initial_state("ko", 0.0)
    for event in (Start(), ChooseSymptom("s1"), SkipMood(), PrescriptionChosen("p", 1, False)):
        state, _ = step(state, event, 1.0, T)
    state, _ = step(state, Continue(), 2.0, T)
    state, commands = step(state, VendFinished(VendOutcome.DISPENSED), 3.0, T)
    assert state.screen is Screen.TAKE_ITEM and ChuteLightOff() not in commands
    state, commands = step(state, Continue(), 4.0, T)
    assert state.screen is not Screen.TAKE_ITEM
    assert ChuteLightOff() in commands
