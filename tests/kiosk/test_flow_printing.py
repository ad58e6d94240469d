"""The visit flow and the printed slip: asked for once, when the prescription is confirmed,
and only when the printer can print; what the visitor is told follows what really happens."""

from __future__ import annotations

from kiosk.shell.config import Timeouts
from kiosk.visit.flow import (
    ChooseSymptom,
    Command,
    Continue,
    CountStat,
    Event,
    FlowState,
    GoHome,
    OpenHelp,
    PrescriptionChosen,
    PrinterChanged,
    PrinterReady,
    PrintSlip,
    Screen,
    SkipMood,
    Slip,
    SlipDone,
    Start,
    initial_state,
    step,
)
from kiosk.visit.flow.events import CloseHelp

T = Timeouts()


def run(state: FlowState, *events: Event) -> tuple[FlowState, list[Command]]:
    out: list[Command] = []
    for event in events:
        state, commands = step(state, event, 10.0, T)
        out += commands
    return state, out


def at_prescription(printer: PrinterReady) -> FlowState:
    state, _ = run(
        initial_state("ko", 0.0),
        PrinterChanged(printer),
        Start(),
        ChooseSymptom("s1"),
        SkipMood(),
        PrescriptionChosen("rx1", slot=2),
    )
    assert state.screen is Screen.PRESCRIPTION and state.visit.slip is Slip.NONE
    return state


def prints(commands: list[Command]) -> int:
    return sum(isinstance(c, PrintSlip) for c in commands)


def test_confirming_the_prescription_prints_its_slip_once() -> None:
    state, commands = run(at_prescription(PrinterReady.READY), Continue())
    assert prints(commands) == 1
    assert state.visit.slip is Slip.PRINTING
    again, more = run(state, OpenHelp(), CloseHelp(), Continue(), Continue())
    assert prints(more) == 0  # help and back, taps on the dispensing screen: no second slip
    done, _ = run(again, SlipDone(printed=True))
    assert done.visit.slip is Slip.PRINTED


def test_a_slip_that_could_not_print_is_said_to_have_failed() -> None:
    state, _ = run(at_prescription(PrinterReady.READY), Continue(), SlipDone(printed=False))
    assert state.visit.slip is Slip.NOT_PRINTED


def test_a_printer_known_to_be_down_is_not_tried_and_the_visitor_is_told_at_once() -> None:
    state, commands = run(at_prescription(PrinterReady.DOWN), Continue())
    assert prints(commands) == 0
    assert state.visit.slip is Slip.NOT_PRINTED
    assert CountStat("slip", "unavailable") in commands


def test_a_machine_without_a_printer_promises_and_apologises_for_nothing() -> None:
    state, commands = run(at_prescription(PrinterReady.ABSENT), Continue())
    assert prints(commands) == 0 and state.visit.slip is Slip.NONE


def test_a_visit_with_no_item_still_gets_its_slip() -> None:
    state, _ = run(
        initial_state("ko", 0.0),
        PrinterChanged(PrinterReady.READY),
        Start(),
        ChooseSymptom("s1"),
        SkipMood(),
        PrescriptionChosen("rx1", slot=None),
    )
    state, commands = run(state, Continue())
    assert state.screen is Screen.TAKE_ITEM and prints(commands) == 1


def test_a_late_answer_does_not_touch_the_next_visit() -> None:
    state, _ = run(at_prescription(PrinterReady.READY), Continue(), GoHome())
    assert state.screen is Screen.ATTRACT
    assert state.printer is PrinterReady.READY  # the kiosk remembers its printer
    state, _ = run(state, SlipDone(printed=False), Start())
    assert state.visit.slip is Slip.NONE
