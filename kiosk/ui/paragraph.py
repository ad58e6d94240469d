"""Wrapped text: laid out once, drawn inside a rect, at the largest size that fits.

Layout (`layout_paragraph`, `fit_paragraph`) is separate from drawing so a screen can lay
out when its content changes and draw every frame. Drawing is clipped to the rect, and the
result says where each line went and whether anything had to be cut, so screens and tests
can check that no text was lost.
"""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pygame
from pygame.typing import ColorLike

from kiosk.ui.linebreak import measured_lines

log = logging.getLogger(__name__)

Align = Literal["left", "center", "right"]
VerticalAlign = Literal["top", "middle"]


@dataclass(frozen=True)
class Paragraph:
    """Lines of text broken for one font and width, with their pixel widths."""

    font: pygame.font.Font = field(compare=False, repr=False)
    lines: tuple[str, ...]
    line_widths: tuple[int, ...]
    line_height: int  # height of one rendered line
    line_step: int  # from the top of one line to the top of the next

    @property
    def width(self) -> int:
        return max(self.line_widths, default=0)

    @property
    def height(self) -> int:
        if not self.lines:
            return 0
        return (len(self.lines) - 1) * self.line_step + self.line_height

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def fits(self, box: tuple[int, int]) -> bool:
        return self.width <= box[0] and self.height <= box[1]


@dataclass(frozen=True)
class DrawnParagraph:
    """Where the lines of a drawn paragraph went."""

    rect: pygame.Rect
    line_rects: tuple[pygame.Rect, ...]

    @property
    def overflow(self) -> bool:
        """True when some text fell outside the rect and was clipped away."""
        return any(not self.rect.contains(line) for line in self.line_rects)


def layout_paragraph(
    text: str, font: pygame.font.Font, width: int, line_spacing: float = 1.25
) -> Paragraph:
    """Break `text` into lines no wider than `width` pixels in `font`."""
    if line_spacing <= 0:
        raise ValueError(f"line_spacing must be positive, not {line_spacing}")
    widths: dict[str, int] = {}  # the break search measures the same prefixes more than once

    def measure(line: str) -> int:
        if line not in widths:
            widths[line] = font.size(line)[0]
        return widths[line]

    measured = list(measured_lines(text, width, measure))
    height = font.get_height()
    return Paragraph(
        font=font,
        lines=tuple(line for line, _ in measured),
        line_widths=tuple(math.ceil(line_width) for _, line_width in measured),
        line_height=height,
        line_step=max(1, round(height * line_spacing)),
    )


def fit_paragraph(
    text: str,
    font_for_size: Callable[[int], pygame.font.Font],
    rect_size: tuple[int, int],
    max_px: int,
    min_px: int,
    line_spacing: float = 1.25,
) -> tuple[int, Paragraph] | None:
    """The largest font size in [min_px, max_px] at which `text` fits in `rect_size`, with
    its layout; None when it does not fit even at `min_px`.

    Binary search: text that fits at some size nearly always fits at every smaller one.
    Whatever is returned has been checked to fit.
    """

    def layout(px: int) -> Paragraph:
        return layout_paragraph(text, font_for_size(px), rect_size[0], line_spacing)

    if min_px > max_px:
        return None
    best = layout(min_px)
    if not best.fits(rect_size):
        return None
    low, high = min_px, max_px
    while low < high:
        middle = (low + high + 1) // 2
        candidate = layout(middle)
        if candidate.fits(rect_size):
            low, best = middle, candidate
        else:
            high = middle - 1
    return low, best


def line_rects(
    paragraph: Paragraph, rect: pygame.Rect, align: Align = "left", valign: VerticalAlign = "top"
) -> tuple[pygame.Rect, ...]:
    """Where each line of `paragraph` goes when placed in `rect`."""
    top = rect.top
    if valign == "middle":
        top += (rect.height - paragraph.height) // 2
    placed = []
    for index, line_width in enumerate(paragraph.line_widths):
        if align == "center":
            left = rect.left + (rect.width - line_width) // 2
        elif align == "right":
            left = rect.right - line_width
        else:
            left = rect.left
        y = top + index * paragraph.line_step
        placed.append(pygame.Rect(left, y, line_width, paragraph.line_height))
    return tuple(placed)


def draw_paragraph(
    surface: pygame.Surface,
    paragraph: Paragraph,
    rect: pygame.Rect,
    color: ColorLike,
    align: Align = "left",
    valign: VerticalAlign = "top",
) -> DrawnParagraph:
    """Draw anti-aliased text inside `rect`; nothing is ever drawn outside it."""
    drawn = DrawnParagraph(pygame.Rect(rect), line_rects(paragraph, rect, align, valign))
    if drawn.overflow:
        log.warning("text clipped to %s: %r", rect, paragraph.lines)
    previous_clip = surface.get_clip()
    surface.set_clip(previous_clip.clip(rect))
    try:
        for line, where in zip(paragraph.lines, drawn.line_rects, strict=True):
            if line:
                surface.blit(paragraph.font.render(line, True, color), where)
    finally:
        surface.set_clip(previous_clip)
    return drawn


def render_paragraph(
    paragraph: Paragraph, color: ColorLike, align: Align = "left"
) -> pygame.Surface:
    """The paragraph on a transparent surface of its own size, for screens that draw the
    same text every frame and want to render it only once."""
    surface = pygame.Surface(paragraph.size, pygame.SRCALPHA)
    draw_paragraph(surface, paragraph, surface.get_rect(), color, align)
    return surface
