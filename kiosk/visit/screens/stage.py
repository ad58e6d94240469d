"""The stage the prescription, dispensing and take-item screens share: the card in the same
place on all three, and a side for what each screen says and asks.

    landscape (10" and up)      portrait                  7" (800×480, 1024×600)
    ┌────────────┬──────┐       ┌──────────────┐          prescription: the card fills the area
    │            │ side │       │     card     │          (the action is in the bar);
    │    card    │      │       │              │          dispensing / take-item: the side on
    │            │[act.]│       ├──────────────┤          the left, the same card, smaller, on
    └────────────┴──────┘       │ side  [act.] │          the right (a picture of it: its text
                                └──────────────┘          is read on the screen before)
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from kiosk.ui.scene import Op, Picture, Renderer, split_cols, split_rows
from kiosk.visit.card import Card, CardKit, CardLook, card_for_visit, card_ops, card_picture
from kiosk.visit.flow import Mode
from kiosk.visit.screens.base import View


@dataclass(frozen=True)
class Stage:
    card: pygame.Rect  # where the card is drawn on this screen
    side: pygame.Rect  # the screen's own words and its action
    natural: pygame.Rect  # where the prescription screen draws the card (the full size)

    @property
    def reduced(self) -> bool:
        """The card is shown smaller than on the prescription screen (a picture of it)."""
        return self.card.size != self.natural.size


def short_screen(v: View) -> bool:
    """A 7-inch landscape panel: every line counts."""
    return not v.metrics.portrait and v.metrics.height < 700


def stage(v: View, area: pygame.Rect, *, prescription: bool = False, wordy: bool = False) -> Stage:
    """Where the card and the side go. `wordy`: the screen has much to say (an outcome that
    went wrong): on a 7-inch screen its side takes more of the width, the card less."""
    m = v.metrics
    if m.portrait:
        card, side = split_rows(area, [area.height * 3 // 5, None], 2 * m.gap)
        return Stage(card, side, card)
    if short_screen(v):
        if prescription:
            return Stage(area, pygame.Rect(area.right, area.y, 0, area.height), area)
        share = 3 / 5 if wordy else 9 / 20
        side, rest = split_cols(area, [round(area.width * share), None], 2 * m.gap)
        scale = min(rest.width / area.width, rest.height / area.height)
        card = pygame.Rect(0, 0, round(area.width * scale), round(area.height * scale))
        card.center = rest.center
        return Stage(card, side, area)
    if v.low_screen:  # the help button is in the bar at the bottom right: the side goes left
        side, card = split_cols(area, [area.width * 2 // 5, None], 2 * m.gap)
    else:
        card, side = split_cols(area, [area.width * 3 // 5, None], 2 * m.gap)
    return Stage(card, side, card)


def card_kit(v: View) -> CardKit:
    plain = Mode.CONTRAST in v.state.access
    return CardKit.for_screen(v.typesetter, v.metrics, CardLook.screen(v.palette, plain=plain))


def visit_card(v: View) -> Card | None:
    visit = v.state.visit
    return card_for_visit(visit, v.content, v.texts, v.item_name(visit.slot))


def card_on_stage(v: View, where: Stage) -> list[Op]:
    """The visit's card: set in place, or, where the screen has less room than the
    prescription screen, the very same card drawn at its full size and made smaller."""
    card = visit_card(v)
    if card is None:
        return []
    kit = card_kit(v)
    if not where.reduced:
        return [card_picture(card, where.card, kit, v.pictures)]
    full = where.natural.size

    def make() -> pygame.Surface:
        surface = pygame.Surface(full)
        surface.fill(kit.look.backdrop)
        ops = card_ops(card, pygame.Rect(0, 0, *full), kit, None)
        Renderer(v.typesetter.fonts).draw(surface, ops)
        return pygame.transform.smoothscale(surface, where.card.size)

    key = ("card-reduced", card, full, where.card.size, kit.look)
    picture = v.pictures.get(key, make) if v.pictures is not None else make()
    return [Picture(picture, where.card.topleft)]


def clear_of_help(v: View) -> int:
    """Room to leave under an action at the bottom of the area: in portrait the help button's
    row is right below it, and the main action keeps a target's height away from help."""
    m = v.metrics
    return m.target_px + m.gap if m.portrait and not v.low_screen else 0


def action_rect(v: View, side: pygame.Rect) -> pygame.Rect:
    """The screen's main action: along the bottom of the side, its full width."""
    m = v.metrics
    bottom = side.bottom - clear_of_help(v)
    width = side.width
    if v.low_screen:  # the help button is in the bar right below, at the right: keep away
        width = min(width, max(4 * m.target_px, side.width // 2))
    return pygame.Rect(side.x, bottom - m.target_px, width, m.target_px)
