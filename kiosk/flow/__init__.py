"""The visit as a pure state machine: `step(state, event, now) -> (state, commands)`.

No pygame, no I/O, no clock: the app shell feeds events (with the monotonic `now`) and carries
out the commands (choose a prescription, start a vend, count a statistic).
"""

from kiosk.flow.commands import (
    ChoosePrescription,
    ChuteLightOff,
    Command,
    CountStat,
    StartVend,
    VisitEnded,
)
from kiosk.flow.events import (
    Back,
    ChooseSymptom,
    CloseHelp,
    Continue,
    DispensingChanged,
    Event,
    GoHome,
    MoodAnswer,
    MoreTime,
    OpenHelp,
    PrescriptionChosen,
    ServiceChanged,
    SetLanguage,
    SkipMood,
    Start,
    Tick,
    VendFinished,
)
from kiosk.flow.machine import UCLA_QUESTIONS, initial_state, next_deadline, step
from kiosk.flow.state import FlowState, Screen, Visit

__all__ = [
    "UCLA_QUESTIONS",
    "Back",
    "ChoosePrescription",
    "ChooseSymptom",
    "ChuteLightOff",
    "CloseHelp",
    "Command",
    "Continue",
    "CountStat",
    "DispensingChanged",
    "Event",
    "FlowState",
    "GoHome",
    "MoodAnswer",
    "MoreTime",
    "OpenHelp",
    "PrescriptionChosen",
    "Screen",
    "ServiceChanged",
    "SetLanguage",
    "SkipMood",
    "Start",
    "StartVend",
    "Tick",
    "VendFinished",
    "Visit",
    "VisitEnded",
    "initial_state",
    "next_deadline",
    "step",
]
