"""Outputs of the visit flow: what the app shell must do next."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChoosePrescription:
    """Run the selection; answer with `PrescriptionChosen`."""

    symptom: str
    ucla_total: int | None  # None when the mood check was skipped


@dataclass(frozen=True)
class StartVend:
    """Dispense from `slot` off the UI thread; answer with `VendFinished`."""

    slot: int


@dataclass(frozen=True)
class CountStat:
    """An anonymous counter for the ledger's statistics (never anything about a person)."""

    event: str
    key: str = ""


@dataclass(frozen=True)
class VisitEnded:
    """The visit is over: completed (reached goodbye) or abandoned at `screen`."""

    completed: bool
    screen: str


@dataclass(frozen=True)
class ChuteLightOff:
    """The take-item screen is over: the chute light stops pulsing."""


@dataclass(frozen=True)
class CallStaff:
    """Light the attention LED and raise the staff alert: a visitor asked for a person."""


@dataclass(frozen=True)
class PrintSlip:
    """Print this visit's prescription slip off the UI thread; answer with `SlipDone`. Given
    at most once per visit, when the prescription is confirmed and the printer can print."""


Command = (
    ChoosePrescription | StartVend | CountStat | VisitEnded | ChuteLightOff | PrintSlip | CallStaff
)
