"""What the visit flow knows: which screen, the visit so far, and the timers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from hardware.dispenser import VendOutcome


class Screen(enum.Enum):
    ATTRACT = "attract"
    SYMPTOM = "symptom"
    MOOD = "mood"
    PRESCRIPTION = "prescription"
    DISPENSING = "dispensing"
    TAKE_ITEM = "take_item"
    INFO = "info"
    GOODBYE = "goodbye"
    HELP = "help"
    OUT_OF_SERVICE = "out_of_service"


class Mode(enum.Enum):
    """The barrier-free modes a visitor switches on for their visit (FACTS.md, barrier-free)."""

    LARGE = "large"  # 큰 글씨: everything at twice its size
    CONTRAST = "contrast"  # 고대비: text contrast at least 7:1
    LOW = "low"  # 낮은 화면: controls and reading within reach of a seated person
    VOICE = "voice"  # 음성 안내: screens, focus and the card are spoken


class PrinterReady(enum.Enum):
    """Whether a printed slip can be offered now."""

    ABSENT = "absent"  # this machine has no printer (or it has not joined yet): none offered
    READY = "ready"  # it answered that it can print
    DOWN = "down"  # there is one, but it cannot print now (paper, cover, cable…)


class Slip(enum.Enum):
    """The printed slip of this visit. Screens promise a slip only while it is PRINTING or
    PRINTED: that is, only when one is really coming."""

    NONE = "none"  # not asked for (yet), or this machine prints no slips
    PRINTING = "printing"
    PRINTED = "printed"
    NOT_PRINTED = "not_printed"  # the printer could not, or stopped midway: said kindly


@dataclass(frozen=True)
class Access:
    """The modes on for this visit. They combine freely and end with the visit."""

    modes: frozenset[Mode] = frozenset()

    def __contains__(self, mode: object) -> bool:
        return mode in self.modes

    def toggled(self, mode: Mode) -> Access:
        return Access(self.modes ^ {mode})

    @classmethod
    def parse(cls, names: str | list[str] | tuple[str, ...]) -> Access:
        """ "large,contrast" or ["large", "contrast"] -> Access; unknown names raise ValueError."""
        items = names.split(",") if isinstance(names, str) else list(names)
        return cls(frozenset(Mode(n.strip()) for n in items if n.strip()))


@dataclass(frozen=True)
class SlipStamp:
    """The prescription's anonymous number and date: the same on the screen and on paper.
    `number` is the day's running count of prescriptions, from 1; nothing about the visitor."""

    day: date
    number: int

    @property
    def code(self) -> str:
        """ "2026-1130-042": the year, the month and day, the day's count."""
        return f"{self.day:%Y}-{self.day:%m%d}-{self.number:03d}"


@dataclass(frozen=True)
class Visit:
    """Everything about one visitor; all of it is forgotten on the way back to attract."""

    symptom: str | None = None
    answers: tuple[int, ...] = ()  # UCLA 3-item answers so far, each 1..3
    mood_skipped: bool = False
    prescription: str | None = None
    slot: int | None = None  # the slot chosen for the item, None = phrase only
    show_help_first: bool = False  # high score + low-mood symptom: help lines up front
    outcome: VendOutcome | None = None
    slip: Slip = Slip.NONE
    stamp: SlipStamp | None = None  # the slip's number and date, given with the prescription
    item: str | None = None  # the item kind of `slot` ("hand_warmer"), for the card's picture
    feedback: bool | None = None  # goodbye's "did it help?": True, False, or not answered

    @property
    def ucla_total(self) -> int | None:
        """3..9 when all three were answered, else None (skipped or unfinished)."""
        if self.mood_skipped or len(self.answers) < 3:
            return None
        return sum(self.answers)


@dataclass(frozen=True)
class FlowState:
    screen: Screen
    language: str
    default_language: str
    visit: Visit = field(default_factory=Visit)
    last_activity: float = 0.0  # monotonic seconds of the last input
    entered_at: float = 0.0  # when this screen was entered
    prompt_until: float | None = None  # "need more time?" showing, back to attract at this time
    help_return: Screen | None = None  # where the help screen goes back to
    service_fault: str | None = None  # set while the kiosk cannot serve visits at all
    dispensing_ok: bool = True  # False while the board or GPIO is down: phrase only
    printer: PrinterReady = PrinterReady.ABSENT  # whether a slip can be printed now
    access: Access = field(default_factory=Access)  # this visit's modes
    default_access: Access = field(default_factory=Access)  # the machine's; back at visit end
    person_called: bool = False  # "직원 불러 주세요" was pressed (once per visit)

    @property
    def prompting(self) -> bool:
        return self.prompt_until is not None

    def seconds_left(self, now: float) -> float | None:
        """Countdown on the "need more time?" prompt, for the screen to show."""
        if self.prompt_until is None:
            return None
        return max(0.0, self.prompt_until - now)
