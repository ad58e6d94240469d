"""The visit flow: every transition and every timeout, with time passed in."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from hardware.dispenser import VendOutcome
from kiosk.shell.config import Timeouts
from kiosk.visit.flow import (
    Access,
    Back,
    ChoosePrescription,
    ChooseSymptom,
    CloseHelp,
    Command,
    Continue,
    CountStat,
    DispensingChanged,
    Event,
    FlowState,
    GoHome,
    Mode,
    MoodAnswer,
    MoreTime,
    OpenHelp,
    PrescriptionChosen,
    Screen,
    ServiceChanged,
    SetLanguage,
    SkipMood,
    Start,
    StartVend,
    Tick,
    ToggleMode,
    VendFinished,
    VisitEnded,
    initial_state,
    step,
)

T = Timeouts(
    inactivity=30, more_time=10, help_inactivity=120, take_item=40, goodbye=5, dispense_deadline=15
)


class Kiosk:
    """Drives the pure flow like the app shell would, keeping the time and the commands."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.state: FlowState = initial_state("ko", self.now)
        self.commands: list[Command] = []

    def send(self, *events: Event) -> Kiosk:
        for event in events:
            self.state, out = step(self.state, event, self.now, T)
            self.commands.extend(out)
        return self

    def wait(self, seconds: float) -> Kiosk:
        self.now += seconds
        return self.send(Tick())

    @property
    def screen(self) -> Screen:
        return self.state.screen

    def last(self, kind: type) -> object:
        return [c for c in self.commands if isinstance(c, kind)][-1]


def at_prescription(slot: int | None = 3) -> Kiosk:
    k = Kiosk().send(
        Start(), ChooseSymptom("lone-wolf-virus"), MoodAnswer(3), MoodAnswer(3), MoodAnswer(2)
    )
    return k.send(PrescriptionChosen("lonely-001", slot))


def test_a_whole_visit_walks_every_screen_in_order() -> None:
    k = Kiosk()
    seen = [k.screen]
    for event in (
        Start(),
        ChooseSymptom("s1"),
        MoodAnswer(1),
        MoodAnswer(2),
        MoodAnswer(1),
        PrescriptionChosen("p1", 2),
        Continue(),
        VendFinished(VendOutcome.DISPENSED),
        Continue(),
        Continue(),
    ):
        k.send(event)
        if k.screen != seen[-1]:
            seen.append(k.screen)
    assert seen == [
        Screen.ATTRACT,
        Screen.SYMPTOM,
        Screen.MOOD,
        Screen.PRESCRIPTION,
        Screen.DISPENSING,
        Screen.TAKE_ITEM,
        Screen.INFO,
        Screen.GOODBYE,
    ]
    assert StartVend(2) in k.commands
    assert VisitEnded(completed=True, screen="goodbye") in k.commands
    k.wait(T.goodbye)
    assert k.screen is Screen.ATTRACT


def test_mood_answers_give_the_ucla_total_to_the_selection() -> None:
    k = Kiosk().send(Start(), ChooseSymptom("s1"), MoodAnswer(3), MoodAnswer(2), MoodAnswer(3))
    assert k.last(ChoosePrescription) == ChoosePrescription("s1", 8)
    assert k.screen is Screen.MOOD  # waits for the selection's answer


def test_skipping_the_mood_check_asks_without_a_score() -> None:
    k = Kiosk().send(Start(), ChooseSymptom("s1"), MoodAnswer(3), SkipMood())
    assert k.last(ChoosePrescription) == ChoosePrescription("s1", None)
    k.send(PrescriptionChosen("p", None))
    assert k.screen is Screen.PRESCRIPTION


def test_extra_taps_while_the_prescription_is_chosen_do_nothing() -> None:
    k = Kiosk().send(Start(), ChooseSymptom("s1"), MoodAnswer(1), MoodAnswer(1), MoodAnswer(1))
    k.send(MoodAnswer(3), SkipMood(), MoodAnswer(2))
    assert len([c for c in k.commands if isinstance(c, ChoosePrescription)]) == 1
    assert k.state.visit.answers == (1, 1, 1)


def test_back_steps_through_questions_then_to_symptoms_then_attract() -> None:
    k = Kiosk().send(Start(), ChooseSymptom("s1"), MoodAnswer(2), MoodAnswer(3))
    k.send(Back())
    assert k.state.visit.answers == (2,)
    k.send(Back(), Back())
    assert k.screen is Screen.SYMPTOM and k.state.visit.symptom is None
    k.send(Back())
    assert k.screen is Screen.ATTRACT
    assert VisitEnded(completed=False, screen="symptom") in k.commands


def test_phrase_only_when_no_slot_can_give_an_item() -> None:
    k = at_prescription(slot=None).send(Continue())
    assert k.screen is Screen.TAKE_ITEM
    assert k.state.visit.outcome is VendOutcome.OUT_OF_STOCK
    assert not any(isinstance(c, StartVend) for c in k.commands)
    assert k.state.visit.prescription == "lonely-001"  # the prescription stays


def test_no_vend_is_started_while_dispensing_is_down() -> None:
    k = at_prescription(slot=4).send(DispensingChanged(False), Continue())
    assert k.state.visit.outcome is VendOutcome.BOARD_UNREACHABLE
    assert not any(isinstance(c, StartVend) for c in k.commands)


@pytest.mark.parametrize("outcome", list(VendOutcome))
def test_every_vend_outcome_reaches_the_take_item_screen_with_the_prescription(
    outcome: VendOutcome,
) -> None:
    k = at_prescription().send(Continue(), VendFinished(outcome))
    assert k.screen is Screen.TAKE_ITEM
    assert k.state.visit.outcome is outcome
    assert k.state.visit.prescription == "lonely-001"
    assert CountStat("outcome", f"3:{outcome.value}") in k.commands


def test_a_stray_vend_answer_before_the_vend_is_ignored() -> None:
    """Only the vend this visit starts on the dispensing screen is waited for: an answer that
    comes before (a stray one) neither fills in the outcome nor skips the wait."""
    k = at_prescription(slot=3).send(VendFinished(VendOutcome.DISPENSED))
    assert k.state.visit.outcome is None
    k.send(Continue())
    assert k.screen is Screen.DISPENSING and k.state.visit.outcome is None
    k.send(VendFinished(VendOutcome.MOTOR_FAULT))
    assert k.screen is Screen.TAKE_ITEM and k.state.visit.outcome is VendOutcome.MOTOR_FAULT


def test_a_vend_that_never_answers_is_unverified_after_the_deadline() -> None:
    k = at_prescription().send(Continue())
    k.wait(T.dispense_deadline - 1)
    assert k.screen is Screen.DISPENSING
    assert not k.state.prompting  # nobody is asked "more time?" while the machine works
    k.wait(1)
    assert k.screen is Screen.TAKE_ITEM
    assert k.state.visit.outcome is VendOutcome.UNVERIFIED
    k.send(VendFinished(VendOutcome.DISPENSED))  # too late: ignored
    assert k.state.visit.outcome is VendOutcome.UNVERIFIED


@pytest.mark.parametrize(
    "screen_events",
    [
        [Start()],
        [Start(), ChooseSymptom("s")],
        [Start(), ChooseSymptom("s"), SkipMood(), PrescriptionChosen("p", 1)],
        [Start(), ChooseSymptom("s"), SkipMood(), PrescriptionChosen("p", None), Continue()],
        [
            Start(),
            ChooseSymptom("s"),
            SkipMood(),
            PrescriptionChosen("p", None),
            Continue(),
            Continue(),
        ],
    ],
)
def test_inactivity_asks_for_more_time_then_returns_to_attract(
    screen_events: Sequence[Event],
) -> None:
    k = Kiosk().send(*screen_events)
    screen = k.screen
    k.wait(T.inactivity - 0.5)
    assert not k.state.prompting
    k.wait(0.5)
    assert k.state.prompting and k.screen is screen
    assert k.state.seconds_left(k.now) == pytest.approx(T.more_time)
    k.wait(T.more_time - 0.5)
    assert k.screen is screen and k.state.seconds_left(k.now) == pytest.approx(0.5)
    k.wait(0.5)
    assert k.screen is Screen.ATTRACT
    assert k.state.visit.symptom is None and k.state.visit.prescription is None
    assert VisitEnded(completed=False, screen=screen.value) in k.commands


def test_more_time_keeps_the_visit() -> None:
    k = Kiosk().send(Start(), ChooseSymptom("s"))
    k.wait(T.inactivity)
    k.send(MoreTime())
    assert not k.state.prompting and k.screen is Screen.MOOD
    k.wait(T.inactivity - 1)
    assert not k.state.prompting


def test_the_touch_that_dismisses_the_prompt_does_nothing_else() -> None:
    k = Kiosk().send(Start())
    k.wait(T.inactivity)
    k.send(ChooseSymptom("s"))
    assert k.screen is Screen.SYMPTOM and not k.state.prompting


def test_home_on_the_prompt_ends_the_visit_now() -> None:
    k = Kiosk().send(Start(), ChooseSymptom("s"))
    k.wait(T.inactivity)
    k.send(GoHome())
    assert k.screen is Screen.ATTRACT


def test_help_is_reachable_from_every_screen_and_returns_there() -> None:
    k = at_prescription()
    k.send(OpenHelp())
    assert k.screen is Screen.HELP
    assert CountStat("help_view") in k.commands
    k.send(CloseHelp())
    assert k.screen is Screen.PRESCRIPTION
    for events in ([], [Start()], [Start(), ChooseSymptom("x")]):
        k2 = Kiosk().send(*events)
        before = k2.screen
        k2.send(OpenHelp())
        assert k2.screen is Screen.HELP
        k2.send(CloseHelp())
        assert k2.screen is before


def test_help_waits_much_longer_before_prompting() -> None:
    k = Kiosk().send(Start(), OpenHelp())
    k.wait(T.inactivity * 2)
    assert k.screen is Screen.HELP and not k.state.prompting
    k.wait(T.help_inactivity - T.inactivity * 2)
    assert k.state.prompting
    k.wait(T.more_time)
    assert k.screen is Screen.ATTRACT


def test_help_is_reachable_from_the_prompt() -> None:
    k = Kiosk().send(Start())
    k.wait(T.inactivity)
    k.send(OpenHelp())
    assert k.screen is Screen.HELP and not k.state.prompting


def test_a_vend_finishing_while_help_is_open_shows_its_result_after() -> None:
    k = at_prescription().send(Continue(), OpenHelp(), VendFinished(VendOutcome.DISPENSED))
    assert k.screen is Screen.HELP
    k.send(CloseHelp())
    assert k.screen is Screen.TAKE_ITEM
    assert k.state.visit.outcome is VendOutcome.DISPENSED


def test_take_item_moves_on_by_itself() -> None:
    k = at_prescription().send(Continue(), VendFinished(VendOutcome.DISPENSED))
    k.wait(T.take_item)
    assert k.screen is Screen.INFO


def test_goodbye_returns_to_attract_and_forgets_everything() -> None:
    k = at_prescription().send(SetLanguage("en"))
    k.send(Continue(), VendFinished(VendOutcome.DISPENSED), Continue(), Continue())
    assert k.screen is Screen.GOODBYE
    k.wait(T.goodbye)
    assert k.screen is Screen.ATTRACT
    assert k.state == initial_state("ko", k.state.entered_at)


def test_language_is_chosen_on_attract_and_reset_after_the_visit() -> None:
    k = Kiosk().send(SetLanguage("en"), Start())
    assert k.state.language == "en"
    assert CountStat("language", "en") in k.commands
    k.send(GoHome())
    assert k.state.language == "ko"


def test_unknown_language_is_ignored() -> None:
    k = Kiosk().send(SetLanguage("xx"))
    assert k.state.language == "ko"


def test_attract_returns_to_the_default_language_when_left_alone() -> None:
    k = Kiosk().send(SetLanguage("en"))
    k.wait(T.inactivity)
    assert k.state.language == "ko" and k.screen is Screen.ATTRACT


def test_out_of_service_waits_for_the_visit_then_keeps_help_reachable() -> None:
    k = Kiosk().send(Start(), ServiceChanged("content missing"))
    assert k.screen is Screen.SYMPTOM  # the visitor in front of it is not cut off
    k.send(GoHome())
    assert k.screen is Screen.OUT_OF_SERVICE
    k.send(Start())
    assert k.screen is Screen.OUT_OF_SERVICE
    k.send(OpenHelp())
    assert k.screen is Screen.HELP
    k.send(CloseHelp())
    assert k.screen is Screen.OUT_OF_SERVICE
    k.send(ServiceChanged(None))
    assert k.screen is Screen.ATTRACT


def test_late_prescription_for_an_abandoned_visit_is_ignored() -> None:
    k = Kiosk().send(Start(), ChooseSymptom("s"), SkipMood(), GoHome())
    k.send(PrescriptionChosen("p", 1))
    assert k.screen is Screen.ATTRACT and k.state.visit.prescription is None


def test_ticks_alone_never_count_as_activity() -> None:
    k = Kiosk().send(Start())
    for _ in range(int(T.inactivity)):
        k.wait(1)
    assert k.state.prompting


def test_modes_switch_on_any_screen_and_end_with_the_visit() -> None:
    k = Kiosk().send(ToggleMode(Mode.LARGE), Start(), ToggleMode(Mode.VOICE))
    assert k.screen is Screen.SYMPTOM  # switching a mode moves nowhere
    assert k.state.access == Access(frozenset({Mode.LARGE, Mode.VOICE}))
    k.send(OpenHelp(), ToggleMode(Mode.CONTRAST), ToggleMode(Mode.VOICE))
    assert k.state.access == Access(frozenset({Mode.LARGE, Mode.CONTRAST}))
    k.send(CloseHelp(), GoHome())
    assert k.state.access == Access()


def test_machine_default_modes_come_back_after_each_visit() -> None:
    k = Kiosk()
    default = Access.parse("large,low")
    k.state = initial_state("ko", k.now, default)
    k.send(ToggleMode(Mode.LARGE), Start())
    assert Mode.LARGE not in k.state.access and Mode.LOW in k.state.access
    k.send(GoHome())
    assert k.state.access == default


def test_modes_switched_on_attract_return_to_the_default_when_left_alone() -> None:
    k = Kiosk().send(ToggleMode(Mode.CONTRAST))
    k.wait(T.inactivity - 1)
    assert Mode.CONTRAST in k.state.access
    k.wait(1)
    assert k.state.access == Access() and k.screen is Screen.ATTRACT


def test_unknown_mode_names_are_refused() -> None:
    with pytest.raises(ValueError):
        Access.parse("large,huge")
