"""The old name of the prescription card, kept so that callers of `slip` and `resource_line`
keep working: the card itself is `kiosk.visit.card` (one card, drawn by one piece of code)."""

from __future__ import annotations

import pygame

from kiosk.ui.scene import Op
from kiosk.visit.card import card_for_visit, card_ops, resource_line
from kiosk.visit.flow import Visit
from kiosk.visit.screens.base import View
from kiosk.visit.screens.stage import card_kit
from prescriptions.model import Prescription

__all__ = ["resource_line", "slip"]


def slip(
    v: View,
    rect: pygame.Rect,
    rx: Prescription,
    symptom_name: str,
    help_first: bool,
    compact: bool = False,
) -> list[Op]:
    """The card of `rx` inside `rect` (`symptom_name` and `compact` are no longer needed:
    the card is the same everywhere, and says the visit's own symptom)."""
    del symptom_name, compact
    visit = v.state.visit
    visit = Visit(
        symptom=visit.symptom,
        prescription=rx.id,
        slot=visit.slot,
        show_help_first=help_first,
        stamp=visit.stamp,
        item=visit.item,
    )
    card = card_for_visit(visit, v.content, v.texts, v.item_name(visit.slot))
    return [] if card is None else card_ops(card, rect, card_kit(v), v.pictures)
