"""The visit as a pure state machine: `step(state, event, now) -> (state, commands)`.

No pygame, no I/O, no clock: the app shell feeds events (with the monotonic `now`) and carries
out the commands (choose a prescription, start a vend, count a statistic).
"""

from kiosk.visit.flow.commands import (
    ChoosePrescription,
    ChuteLightOff,
    Command,
    CountStat,
    StartVend,
    VisitEnded,
)
from kiosk.visit.flow.events import (
    Back,
    ChooseSymptom,
    CloseHelp,
    Continue,
    DispensingChanged,
    Event,
    GoHome,
    Listening,
    MoodAnswer,
    MoreTime,
    OpenHelp,
    PrescriptionChosen,
    ServiceChanged,
    SetLanguage,
    SkipMood,
    Start,
    Tick,
    ToggleMode,
    VendFinished,
)
from kiosk.visit.flow.state import Access, FlowState, Mode, Screen, Visit
from kiosk.visit.flow.steps import UCLA_QUESTIONS, initial_state, next_deadline, step

__all__ = [
    "UCLA_QUESTIONS",
    "Access",
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
    "Listening",
    "Mode",
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
    "ToggleMode",
    "VendFinished",
    "Visit",
    "VisitEnded",
    "initial_state",
    "next_deadline",
    "step",
]
