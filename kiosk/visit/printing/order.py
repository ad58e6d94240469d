"""What the visit asks to have printed, and what it asks: no pygame and no printer layer here,
so the session can import it before the first frame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kiosk.visit.flow.state import SlipStamp
from prescriptions.model import Content


@dataclass(frozen=True)
class SlipOrder:
    """One visit's slip: the prescription as the visitor saw it, in their language."""

    content: Content
    prescription: str  # a prescription id of `content`
    symptom: str | None
    lang: str
    help_first: bool  # the help lines up front (a high score and a low-mood symptom)
    stamp: SlipStamp | None = None  # the card's number and date, as the screen shows them
    item: str | None = None  # the gift's item kind, for the card's picture


class SlipPrinter(Protocol):
    def submit(self, order: SlipOrder) -> str | None:
        """Start printing `order` off the UI thread; its job id (the answer, a `PrintDone`,
        comes through the inbox), or None when no slip can even be started."""
        ...


class NoSlips:
    """A kiosk without a printer: nothing is ever printed."""

    def submit(self, order: SlipOrder) -> str | None:
        return None
