"""A screen as a display list: boxes, typeset text and pictures, built first and drawn after.

Building and drawing are apart so that tests can check every text block against its box
(nothing outside, nothing cut) without looking at pixels, and so that the frame loop only draws
when the list changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pygame

from kiosk.ui.fonts import FontBook, Weight
from kiosk.ui.linebreak import fit_lines, wrap
from kiosk.ui.theme import RGB

Align = Literal["left", "center", "right"]
VAlign = Literal["top", "middle", "bottom"]
ELLIPSIS = "…"


@dataclass(frozen=True)
class Box:
    rect: pygame.Rect
    color: RGB
    radius: int = 0
    border: int = 0  # 0 = filled; > 0 = outline of that width
    border_color: RGB | None = None


@dataclass(frozen=True)
class Line:
    text: str
    px: int
    weight: Weight
    rect: pygame.Rect  # where the line's text surface goes
    color: RGB


@dataclass(frozen=True)
class TextBlock:
    box: pygame.Rect  # the space the text was given
    lines: tuple[Line, ...]
    source: str  # the whole text, for tests and checks
    truncated: bool = False  # True when even the smallest size did not fit: a content defect

    @property
    def ink(self) -> pygame.Rect:
        if not self.lines:
            return pygame.Rect(self.box.x, self.box.y, 0, 0)
        return self.lines[0].rect.unionall([line.rect for line in self.lines[1:]])


@dataclass(frozen=True)
class Picture:
    surface: pygame.Surface
    pos: tuple[int, int]


@dataclass(frozen=True)
class Pictured(Picture):
    """A picture with text set into it (a prescription card drawn once, blitted each frame):
    drawn as one picture, checked like text (`blocks` are where its text is)."""

    blocks: tuple[TextBlock, ...] = ()


Op = Box | TextBlock | Picture


@dataclass
class Typesetter:
    """Fits text into boxes with the real font; never lets text leave its box."""

    fonts: FontBook
    min_px: int
    line_spacing: float = 1.22
    cache_size: int = 2048
    # Typeset blocks are immutable, so the same request is answered from here: a screen that
    # is rebuilt (focus moved, a countdown ticked) costs no new measuring.
    _blocks: dict[tuple[object, ...], TextBlock] = field(default_factory=dict, repr=False)

    def line_height(self, px: int) -> int:
        return max(round(px * self.line_spacing), self.fonts.regular(px).get_linesize())

    def block(
        self,
        text: str,
        box: pygame.Rect,
        *,
        px: int,
        color: RGB,
        weight: Weight = Weight.REGULAR,
        align: Align = "left",
        valign: VAlign = "top",
        min_px: int | None = None,
        max_lines: int | None = None,
    ) -> TextBlock:
        """The largest size from `px` down to `min_px` at which `text` fits `box`."""
        key = (text, tuple(box), px, color, weight, align, valign, min_px, max_lines)
        found = self._blocks.get(key)
        if found is None:
            if len(self._blocks) >= self.cache_size:
                self._blocks.clear()
            found = self._blocks[key] = self._block(
                text, box, px, color, weight, align, valign, min_px, max_lines
            )
        return found

    def _block(
        self,
        text: str,
        box: pygame.Rect,
        px: int,
        color: RGB,
        weight: Weight,
        align: Align,
        valign: VAlign,
        min_px: int | None,
        max_lines: int | None,
    ) -> TextBlock:
        floor = min(px, self.min_px if min_px is None else max(min_px, self.min_px))
        size, tried = px, px + 1
        while True:
            lines = self._fit(text, box, size, weight, max_lines)
            if lines is not None:
                # Coarse steps found a fit; the sizes skipped above it may fit too.
                for larger in range(tried - 1, size, -1):
                    better = self._fit(text, box, larger, weight, max_lines)
                    if better is not None:
                        size, lines = larger, better
                        break
                return self._place(text, lines, box, size, weight, color, align, valign)
            if size <= floor:
                break
            tried, size = size, max(floor, size - max(1, size // 16))
        return self._truncated(text, box, floor, weight, color, align, valign, max_lines)

    def _fit(
        self, text: str, box: pygame.Rect, px: int, weight: Weight, max_lines: int | None
    ) -> list[str] | None:
        room = max(0, box.height // self.line_height(px))
        if max_lines is not None:
            room = min(room, max_lines)
        if room == 0:
            return None
        return fit_lines(text, box.width, room, self.fonts.measurer(px, weight))

    def _truncated(
        self,
        text: str,
        box: pygame.Rect,
        px: int,
        weight: Weight,
        color: RGB,
        align: Align,
        valign: VAlign,
        max_lines: int | None,
    ) -> TextBlock:
        measure = self.fonts.measurer(px, weight)
        room = max(1, box.height // self.line_height(px))
        if max_lines is not None:
            room = min(room, max_lines)
        lines = wrap(text, box.width, measure)[:room]
        last = lines[-1] if lines else ""
        while last and measure(last + ELLIPSIS) > box.width:
            last = last[:-1]
        lines[-1] = last + ELLIPSIS
        placed = self._place(text, lines, box, px, weight, color, align, valign)
        return TextBlock(placed.box, placed.lines, text, truncated=True)

    def _place(
        self,
        text: str,
        lines: Sequence[str],
        box: pygame.Rect,
        px: int,
        weight: Weight,
        color: RGB,
        align: Align,
        valign: VAlign,
    ) -> TextBlock:
        height = self.line_height(px)
        font_height = self.fonts.font(weight, px).get_linesize()
        total = height * (len(lines) - 1) + font_height
        top = box.y
        if valign == "middle":
            top = box.y + max(0, (box.height - total) // 2)
        elif valign == "bottom":
            top = box.bottom - total
        placed = []
        for i, line in enumerate(lines):
            width = self.fonts.measure(line, px, weight)
            x = box.x
            if align == "center":
                x = box.x + (box.width - width) // 2
            elif align == "right":
                x = box.right - width
            if width == 0:  # a blank line: an empty rectangle still inside the box
                x = min(x, box.right - 1)
            rect = pygame.Rect(x, top + i * height, width, font_height)
            placed.append(Line(line, px, weight, rect, color))
        return TextBlock(box.copy(), tuple(placed), text)


@dataclass
class Renderer:
    """Draws display lists; keeps rendered lines so a redraw costs a few blits."""

    fonts: FontBook
    cache_size: int = 512
    _lines: dict[tuple[str, int, Weight, RGB], pygame.Surface] = field(default_factory=dict)

    def draw(self, surface: pygame.Surface, ops: Sequence[Op]) -> None:
        for op in ops:
            if isinstance(op, Box):
                pygame.draw.rect(
                    surface,
                    op.border_color or op.color if op.border else op.color,
                    op.rect,
                    op.border,
                    border_radius=op.radius,
                )
            elif isinstance(op, TextBlock):
                for line in op.lines:
                    surface.blit(self._line(line), line.rect.topleft)
            else:
                surface.blit(op.surface, op.pos)

    def _line(self, line: Line) -> pygame.Surface:
        key = (line.text, line.px, line.weight, line.color)
        found = self._lines.get(key)
        if found is None:
            if len(self._lines) >= self.cache_size:
                self._lines.clear()
            # FontBook.render never raises: one undrawable text must not stop the frame loop.
            found = self._lines[key] = self.fonts.render(
                line.text, line.px, line.color, line.weight
            )
        return found


def text_blocks(ops: Sequence[Op]) -> list[TextBlock]:
    """Every text of `ops`, with the text set into pictures."""
    out: list[TextBlock] = []
    for op in ops:
        if isinstance(op, TextBlock):
            out.append(op)
        elif isinstance(op, Pictured):
            out.extend(op.blocks)
    return out


def inset(rect: pygame.Rect, dx: int, dy: int | None = None) -> pygame.Rect:
    return rect.inflate(-2 * dx, -2 * (dx if dy is None else dy))


def split_rows(rect: pygame.Rect, heights: Sequence[int | None], gap: int) -> list[pygame.Rect]:
    """Stack rows top to bottom; `None` rows share what is left equally."""
    fixed = sum(h for h in heights if h is not None) + gap * (len(heights) - 1)
    flexible = [h for h in heights if h is None]
    share = max(0, (rect.height - fixed) // len(flexible)) if flexible else 0
    out, y = [], rect.y
    for h in heights:
        height = share if h is None else h
        out.append(pygame.Rect(rect.x, y, rect.width, height))
        y += height + gap
    return out


def split_cols(rect: pygame.Rect, widths: Sequence[int | None], gap: int) -> list[pygame.Rect]:
    fixed = sum(w for w in widths if w is not None) + gap * (len(widths) - 1)
    flexible = [w for w in widths if w is None]
    share = max(0, (rect.width - fixed) // len(flexible)) if flexible else 0
    out, x = [], rect.x
    for w in widths:
        width = share if w is None else w
        out.append(pygame.Rect(x, rect.y, width, rect.height))
        x += width + gap
    return out


def grid(rect: pygame.Rect, cols: int, rows: int, gap: int) -> list[pygame.Rect]:
    """Cells left to right, top to bottom."""
    return [
        cell
        for row in split_rows(rect, [None] * rows, gap)
        for cell in split_cols(row, [None] * cols, gap)
    ]


MeasureFn = Callable[[str], int]
