"""Inputs to the staff machine (from buttons, the service button, the gesture and finished
jobs) and the commands it gives the shell."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class StaffScreen(enum.Enum):
    CLOSED = "closed"  # staff mode is not on the screen
    PIN = "pin"
    OVERVIEW = "overview"  # slots at a glance, alerts, the menu
    SLOT = "slot"  # one slot: refill, enable/disable
    CONTENT = "content"
    STATS = "stats"
    HARDWARE = "hardware"


class NoticeKind(enum.Enum):
    """What happened after a staff action; the text is `staff.notice.<value>`."""

    REFILLED = "refilled"
    DISABLED = "disabled"
    ENABLED = "enabled"
    RELOADED = "reloaded"
    RELOAD_REFUSED = "reload_refused"
    BOARD_OK = "board_ok"
    BOARD_LOST = "board_lost"
    DROP_SEEN = "drop_seen"
    DROP_NOT_SEEN = "drop_not_seen"
    PAPER_CHANGED = "paper_changed"
    FAILED = "failed"


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    slot: int | None = None
    count: int | None = None
    detail: str = ""


# --- events -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Open:
    """The service button inside the cabinet, or the hidden long press in the corner."""


@dataclass(frozen=True)
class Digit:
    digit: int


@dataclass(frozen=True)
class Erase:
    pass


@dataclass(frozen=True)
class Submit:
    pass


@dataclass(frozen=True)
class PinChecked:
    """The answer to `VerifyPin`."""

    ok: bool


@dataclass(frozen=True)
class Show:
    screen: StaffScreen


@dataclass(frozen=True)
class Back:
    """Cancel on the PIN screen, the overview from a detail screen, leave from the overview."""


@dataclass(frozen=True)
class Exit:
    pass


@dataclass(frozen=True)
class Help:
    """The help button (or key) on a staff screen: whoever pressed it needs the help lines.
    Staff mode closes, as Back on the PIN screen or Exit inside would, and help shows."""


@dataclass(frozen=True)
class SelectSlot:
    slot: int
    count: int
    capacity: int


@dataclass(frozen=True)
class ChangeCount:
    delta: int


@dataclass(frozen=True)
class RefillFull:
    pass


@dataclass(frozen=True)
class RefillToCount:
    pass


@dataclass(frozen=True)
class SetEnabled:
    enabled: bool


@dataclass(frozen=True)
class ReloadContent:
    pass


@dataclass(frozen=True)
class CheckBoard:
    pass


@dataclass(frozen=True)
class StartDropTest:
    pass


@dataclass(frozen=True)
class ChangePaper:
    """ "용지 교체": staff put a new roll in the printer."""


@dataclass(frozen=True)
class DropSeen:
    """The drop sensor's beam broke since the drop test started."""


@dataclass(frozen=True)
class Done:
    """A job finished; `count` is the slot's new count after a refill."""

    notice: Notice
    count: int | None = None


@dataclass(frozen=True)
class SetLanguage:
    language: str


@dataclass(frozen=True)
class TurnPage:
    delta: int


@dataclass(frozen=True)
class Tick:
    """Time passed: the idle timeout, the lockout's end, the drop test's end."""


StaffEvent = (
    Open
    | Digit
    | Erase
    | Submit
    | PinChecked
    | Show
    | Back
    | Exit
    | Help
    | SelectSlot
    | ChangeCount
    | RefillFull
    | RefillToCount
    | SetEnabled
    | ReloadContent
    | CheckBoard
    | StartDropTest
    | ChangePaper
    | DropSeen
    | Done
    | SetLanguage
    | TurnPage
    | Tick
)

# Not a person at the screen: they do not keep staff mode awake.
PASSIVE = (PinChecked, DropSeen, Done, Tick)


# --- commands -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyPin:
    """Check the PIN off the UI thread; answer with `PinChecked`."""

    pin: str


@dataclass(frozen=True)
class Refill:
    slot: int
    count: int | None  # None: to capacity


@dataclass(frozen=True)
class ChangeSlot:
    slot: int
    enabled: bool


@dataclass(frozen=True)
class Reload:
    pass


@dataclass(frozen=True)
class ProbeBoard:
    pass


@dataclass(frozen=True)
class NewRoll:
    """Record the new roll (writes the ledger: a job); answer with `Done`."""


@dataclass(frozen=True)
class ArmDropTest:
    """Remember the drop sensor's count now; answer with `DropSeen` when it goes up."""


@dataclass(frozen=True)
class Refresh:
    """Read the slots, alerts and statistics again."""


@dataclass(frozen=True)
class Leave:
    """Staff mode is over. `resume_visit`: nobody got in (a cancelled PIN), so the visit that
    was paused goes on; otherwise the kiosk returns to attract. `show_help`: then the help
    lines."""

    resume_visit: bool
    show_help: bool = False


@dataclass(frozen=True)
class LockedOut:
    """Too many wrong PINs: for the log."""

    seconds: float


StaffCommand = (
    VerifyPin
    | Refill
    | ChangeSlot
    | Reload
    | ProbeBoard
    | NewRoll
    | ArmDropTest
    | Refresh
    | Leave
    | LockedOut
)
