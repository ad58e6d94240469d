"""Staff mode sleeps like the visit does: the loop wakes for its timeouts, never polls. A
deadline is never later than the timeout it stands for, and something happens when it comes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.staff.events import (
    Back,
    Digit,
    Done,
    Exit,
    Notice,
    NoticeKind,
    Open,
    PinChecked,
    Show,
    StaffEvent,
    StaffScreen,
    StartDropTest,
    Submit,
    Tick,
)
from kiosk.staff.state import StaffRules, StaffState, next_deadline, step

RULES = StaffRules(pin_idle_s=60, idle_s=180, drop_test_s=20)
EVENTS: list[StaffEvent] = [
    Open(),
    Digit(1),
    Submit(),
    PinChecked(True),
    PinChecked(False),
    Show(StaffScreen.HARDWARE),
    StartDropTest(),
    Done(Notice(NoticeKind.REFILLED, 1, 5), 5),
    Back(),
    Exit(),
]


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.sampled_from(EVENTS), st.floats(min_value=0, max_value=400)), max_size=25)
)
def test_nothing_happens_before_the_deadline_and_something_at_it(
    script: list[tuple[StaffEvent, float]],
) -> None:
    now = 0.0
    state = StaffState()
    for event, gap in script:
        now += gap
        state, _ = step(state, Tick(), now, RULES)  # the loop wakes at least at the deadline
        due = next_deadline(state, RULES)
        if due is not None:
            before = max(now, due - 1e-6)
            if before < due:
                assert step(state, Tick(), before, RULES)[0] == state  # not a moment too early
            assert step(state, Tick(), max(now, due), RULES)[0] != state  # and it acts on time
        else:
            assert step(state, Tick(), now + 100_000, RULES)[0] == state
        state, _ = step(state, event, now, RULES)


def test_closed_staff_mode_needs_no_wake_up() -> None:
    assert next_deadline(StaffState(), RULES) is None
