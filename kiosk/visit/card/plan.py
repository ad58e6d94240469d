"""One attempt at laying a card out: what goes where, and whether all of it fits."""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from kiosk.ui.fonts import Weight
from kiosk.ui.scene import Align, TextBlock, Typesetter, VAlign
from kiosk.ui.theme import RGB
from kiosk.visit.card.look import CardKit
from kiosk.visit.card.model import Card

ROOMY, COMPACT, TIGHT = 0, 1, 2  # the arrangements, from the most generous


@dataclass(frozen=True)
class Decor:
    """What the card's picture shows besides its text (rects relative to the card)."""

    size: tuple[int, int]
    stub: int  # the perforation runs this far below the top
    edge: int  # height of the torn bottom edge
    shadow: int
    seal: pygame.Rect
    picture: pygame.Rect | None
    item: str | None
    rules: tuple[pygame.Rect, ...] = ()  # solid rules (under the header)
    dashes: tuple[pygame.Rect, ...] = ()  # dashed rules (above the dosage)
    chips: tuple[pygame.Rect, ...] = ()  # the outlines around 증상, 복용법, 다음 한 걸음


@dataclass(frozen=True)
class CardLayout:
    decor: Decor
    blocks: tuple[TextBlock, ...]
    fits: bool  # every text whole, at or above the smallest size
    left_out: tuple[str, ...] = ()  # parts a small screen had no room for (see SPARE)


@dataclass
class Sizes:
    small: int
    body: int
    large: int
    gap: int


@dataclass
class Plan:
    """One attempt at laying the card out; collects what goes where."""

    card: Card
    kit: CardKit
    rect: pygame.Rect
    sizes: Sizes
    level: int
    blocks: list[TextBlock] = field(default_factory=list)
    rules: list[pygame.Rect] = field(default_factory=list)
    dashes: list[pygame.Rect] = field(default_factory=list)
    chips: list[pygame.Rect] = field(default_factory=list)
    fits: bool = True

    @property
    def ts(self) -> Typesetter:
        return self.kit.typesetter

    def lh(self, px: int) -> int:
        return self.ts.line_height(px)

    def text(
        self,
        text: str,
        box: pygame.Rect,
        px: int,
        color: RGB,
        *,
        bold: bool = False,
        align: Align = "left",
        valign: VAlign = "top",
        max_lines: int | None = None,
    ) -> TextBlock:
        block = self.ts.block(
            text,
            box,
            px=px,
            color=color,
            weight=Weight.BOLD if bold else Weight.REGULAR,
            align=align,
            valign=valign,
            min_px=self.sizes.small,
            max_lines=max_lines,
        )
        if block.truncated or box.width <= 0 or box.height <= 0:
            self.fits = False
        self.blocks.append(block)
        return block

    def width(self, text: str, px: int, bold: bool = False) -> int:
        return self.ts.fonts.measure(text, px, Weight.BOLD if bold else Weight.REGULAR)


ROOMY, COMPACT, TIGHT = 0, 1, 2  # the arrangements, from the most generous
