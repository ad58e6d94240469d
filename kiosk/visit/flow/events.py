"""Inputs to the visit flow. The app shell turns touches, keys and worker results into these."""

from __future__ import annotations

from dataclasses import dataclass

from hardware.dispenser import VendOutcome
from kiosk.visit.flow.state import Mode, PrinterReady, SlipStamp


@dataclass(frozen=True)
class Tick:
    """Time passed; checks the timeouts. Not a visitor action."""


@dataclass(frozen=True)
class Start:
    """The visitor touched the attract screen."""


@dataclass(frozen=True)
class SetLanguage:
    language: str


@dataclass(frozen=True)
class ChooseSymptom:
    symptom: str


@dataclass(frozen=True)
class MoodAnswer:
    value: int  # 1 hardly ever, 2 some of the time, 3 often


@dataclass(frozen=True)
class SkipMood:
    pass


@dataclass(frozen=True)
class PrescriptionChosen:
    """The answer to `ChoosePrescription`, from the selection in the app shell."""

    prescription: str
    slot: int | None
    show_help_first: bool = False
    stamp: SlipStamp | None = None  # the slip's number and date, given by the shell
    item: str | None = None  # the item kind in `slot`


@dataclass(frozen=True)
class Continue:
    """The screen's main "next" button."""


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class GoHome:
    """ "처음으로": end the visit now."""


@dataclass(frozen=True)
class VendFinished:
    outcome: VendOutcome


@dataclass(frozen=True)
class OpenHelp:
    pass


@dataclass(frozen=True)
class CloseHelp:
    pass


@dataclass(frozen=True)
class MoreTime:
    """ "시간이 더 필요해요" on the inactivity prompt."""


@dataclass(frozen=True)
class ServiceChanged:
    """The kiosk can (fault=None) or cannot serve visits at all."""

    fault: str | None


@dataclass(frozen=True)
class ToggleMode:
    """The visitor switched a barrier-free mode on or off (any screen, for this visit)."""

    mode: Mode


@dataclass(frozen=True)
class Listening:
    """Voice guidance finished reading to the visitor: time spent listening is not
    inactivity, so the timers count from here, as after a touch. Does nothing else (the
    "more time?" prompt stays until the visitor answers it)."""


@dataclass(frozen=True)
class CallPerson:
    """ "직원 불러 주세요": the visitor asks for a person (help screen; more where staff are on
    site)."""


@dataclass(frozen=True)
class Feedback:
    """Goodbye's one-tap "did it help?": 도움이 됐어요 (True) or 글쎄요 (False)."""

    helped: bool


@dataclass(frozen=True)
class DispensingChanged:
    """Items can (True) or cannot (False) be dispensed; visits go on either way."""

    available: bool


@dataclass(frozen=True)
class PrinterChanged:
    """The printer can print now, cannot, or is not there (`PrinterReady`)."""

    ready: PrinterReady


@dataclass(frozen=True)
class SlipDone:
    """The answer to `PrintSlip`: the slip came out whole (`printed`), or it did not."""

    printed: bool


Event = (
    Tick
    | Start
    | SetLanguage
    | ChooseSymptom
    | MoodAnswer
    | SkipMood
    | PrescriptionChosen
    | Continue
    | Back
    | GoHome
    | VendFinished
    | OpenHelp
    | CloseHelp
    | MoreTime
    | ServiceChanged
    | DispensingChanged
    | ToggleMode
    | PrinterChanged
    | SlipDone
    | Listening
    | CallPerson
    | Feedback
)

# Events that are not a person touching the kiosk: they never count as activity.
PASSIVE = (
    Tick,
    PrescriptionChosen,
    VendFinished,
    ServiceChanged,
    DispensingChanged,
    PrinterChanged,
    SlipDone,
)
