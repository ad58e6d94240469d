"""What the visitor screens say about the printed slip: a promise only while one is really
coming (printing or printed), a kind word when it cannot come, nothing on a machine that has
no printer (the prescription stays on the screen, with the help lines as always)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.visit.flow import Slip

if TYPE_CHECKING:  # the screens import this module: no import of theirs at run time
    from kiosk.visit.screens.base import View

_KEYS = {
    Slip.PRINTING: "slip.printing",
    Slip.PRINTED: "slip.printed",
    Slip.NOT_PRINTED: "slip.not_printed",
}


def slip_note(v: View) -> str:
    """One sentence about this visit's slip, or "" when there is nothing to say."""
    key = _KEYS.get(v.state.visit.slip)
    return v.t(key) if key else ""


def with_slip_note(v: View, text: str) -> str:
    """`text`, then the sentence about the slip on a line of its own (if there is one)."""
    note = slip_note(v)
    return f"{text}\n{note}" if note else text
