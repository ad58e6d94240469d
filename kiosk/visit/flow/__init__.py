"""The visit as a pure state machine: `step(state, event, now) -> (state, commands)`.

No pygame, no I/O, no clock: the app shell feeds events (with the monotonic `now`) and carries
out the commands (choose a prescription, start a vend, count a statistic).
"""

from kiosk.visit.flow.commands import (
    CallStaff,
    ChoosePrescription,
    ChuteLightOff,
    Command,
    CountStat,
    StartVend,
    VisitEnded,
)
from kiosk.visit.flow.events import (
    Back,
    CallPerson,
    ChooseSymptom,
    CloseHelp,
    Continue,
    DispensingChanged,
    Event,
    Feedback,
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
    ToggleMode,
    VendFinished,
)
from kiosk.visit.flow.state import Access, FlowState, Mode, Screen, SlipStamp, Visit
from kiosk.visit.flow.steps import UCLA_QUESTIONS, initial_state, next_deadline, step

__all__ = [
    "UCLA_QUESTIONS",
    "Access",
    "Back",
    "CallPerson",
    "CallStaff",
    "ChoosePrescription",
    "ChooseSymptom",
    "ChuteLightOff",
    "CloseHelp",
    "Command",
    "Continue",
    "CountStat",
    "DispensingChanged",
    "Event",
    "Feedback",
    "FlowState",
    "GoHome",
    "Mode",
    "MoodAnswer",
    "MoreTime",
    "OpenHelp",
    "PrescriptionChosen",
    "Screen",
    "ServiceChanged",
    "SetLanguage",
    "SkipMood",
    "SlipStamp",
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
