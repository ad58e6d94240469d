"""The one prescription card, drawn by one piece of code at any size: on the prescription,
dispensing and take-item screens, in the staff preview, and on the printed slip.

    card = card_for_visit(visit, content, texts, item_name)     # what it says
    ops = card_ops(card, rect, CardKit.for_screen(...), cache)  # a screen's display list
    image = slip_image(card, 576, fonts)                        # the printer: 1-bit-ready

See docs/screens.md ("The prescription card") for its anatomy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Protocol, TypeVar

import pygame

from kiosk.ui.fonts import FontBook
from kiosk.ui.scene import Op, Picture, Pictured, Renderer, TextBlock
from kiosk.visit.card.layout import CardLayout, Decor, layout_card
from kiosk.visit.card.look import MONO, CardKit, CardLook
from kiosk.visit.card.model import Card, card_for_visit, resource_line, stamp_texts
from kiosk.visit.card.paper import paper
from kiosk.visit.card.pictures import item_picture

__all__ = [
    "MONO",
    "Card",
    "CardKit",
    "CardLayout",
    "CardLook",
    "card_for_visit",
    "card_ops",
    "card_picture",
    "card_surface",
    "item_picture",
    "layout_card",
    "resource_line",
    "slip_image",
    "stamp_texts",
]

T = TypeVar("T")


class Cache(Protocol):
    def get(self, key: tuple[object, ...], make: Callable[[], T]) -> T: ...


def _decor_key(decor: Decor) -> tuple[object, ...]:
    rects = (decor.seal, decor.picture, *decor.rules, *decor.dashes, *decor.chips)
    shapes = tuple(tuple(r) if r is not None else None for r in rects)
    return (decor.size, decor.stub, decor.edge, decor.shadow, decor.item, *shapes)


def card_ops(card: Card, rect: pygame.Rect, kit: CardKit, cache: Cache | None = None) -> list[Op]:
    """THE card: its display list inside `rect` (a picture of its paper, then its text).
    `cache` keeps the paper's picture between frames (one per card and size)."""
    sizes = (kit.small_px, kit.body_px, kit.large_px, kit.look)

    def lay_out() -> CardLayout:
        return layout_card(card, rect, kit)

    # The layout is the same for the same card, size and type (a rebuilt page asks again).
    place = ("card-layout", card, tuple(rect), sizes)
    layout = cache.get(place, lay_out) if cache is not None else lay_out()
    key = ("card-paper", _decor_key(layout.decor), kit.look, card.seal)

    def make() -> pygame.Surface:
        return paper(layout.decor, kit.look, kit.typesetter.fonts, card.seal)

    surface = cache.get(key, make) if cache is not None else make()
    return [Picture(surface, rect.topleft), *layout.blocks]


def card_picture(
    card: Card, rect: pygame.Rect, kit: CardKit, cache: Cache | None = None
) -> Pictured:
    """THE card drawn once into one picture (paper and text), for a screen that redraws often:
    one plain copy a frame instead of a blend per line. Its text blocks stay with it, so the
    checks see the card's text as they see any other."""
    ops = card_ops(card, rect, kit, cache)
    blocks = tuple(op for op in ops if isinstance(op, TextBlock))

    def make() -> pygame.Surface:
        surface = pygame.Surface(rect.size)
        surface.fill(kit.look.backdrop)
        Renderer(kit.typesetter.fonts).draw(surface, [_moved(op, rect) for op in ops])
        return surface

    key = ("card-composed", card, tuple(rect), kit.small_px, kit.body_px, kit.look)
    surface = cache.get(key, make) if cache is not None else make()
    return Pictured(surface, rect.topleft, blocks)


def _moved(op: Op, rect: pygame.Rect) -> Op:
    """`op` in the card's own coordinates (0, 0 at its top left)."""
    if isinstance(op, Picture):
        return Picture(op.surface, (op.pos[0] - rect.x, op.pos[1] - rect.y))
    if isinstance(op, TextBlock):
        lines = tuple(replace(line, rect=line.rect.move(-rect.x, -rect.y)) for line in op.lines)
        return replace(op, box=op.box.move(-rect.x, -rect.y), lines=lines)
    return op


def card_surface(
    card: Card, size: tuple[int, int], kit: CardKit, cache: Cache | None = None
) -> pygame.Surface:
    """The card alone as a picture of `size` (on the look's backdrop)."""
    surface = pygame.Surface(size)
    surface.fill(kit.look.backdrop)
    Renderer(kit.typesetter.fonts).draw(
        surface, card_ops(card, pygame.Rect(0, 0, *size), kit, cache)
    )
    return surface


def natural_height(card: Card, width: int, kit: CardKit) -> int:
    """How tall the card is at `width` with the kit's own type sizes (paper has no height
    limit: it is as long as its text)."""
    from kiosk.visit.card.layout import attempt

    tall = pygame.Rect(0, 0, width, 20 * width)
    probe = attempt(card, tall, kit, 1.0)
    phrase = next(b for b in probe.blocks if b.source == card.phrase)
    spare = phrase.box.height - phrase.ink.height
    return tall.height - spare + 2 * kit.typesetter.line_height(kit.small_px) // 3


def slip_image(card: Card, width: int, fonts: FontBook) -> pygame.Surface:
    """The printed slip: the card at `width` dots (384 for 58 mm paper, 576 for 80 mm),
    black ink on white, no grain, as long as its text needs. The printer thresholds it."""
    kit = CardKit.for_paper(fonts, width)
    return card_surface(card, (width, natural_height(card, width, kit)), kit)
