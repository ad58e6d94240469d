"""What the visit flow knows: which screen, the visit so far, and the timers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

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

    @property
    def prompting(self) -> bool:
        return self.prompt_until is not None

    def seconds_left(self, now: float) -> float | None:
        """Countdown on the "need more time?" prompt, for the screen to show."""
        if self.prompt_until is None:
            return None
        return max(0.0, self.prompt_until - now)
