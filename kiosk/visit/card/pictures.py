"""A small picture of each gift, drawn in code (nothing copied, nothing to ship): it scales to
any size and prints in black on white as well as it shows in colour.

Every picture is drawn on a square in unit coordinates (0..1, y down) by a `Pen`, at four
times the size asked and smoothed down, so edges stay soft on the screen. In `mono` the fills
are white and every outline black: a thermal printer's ink.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygame

RGB = tuple[int, int, int]
Point = tuple[float, float]

SUPERSAMPLE = 4
INK: RGB = (40, 36, 34)
BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)


@dataclass
class Pen:
    """Draws in unit coordinates on a square surface; `mono` turns colours into outlines."""

    surface: pygame.Surface
    mono: bool

    @property
    def ink(self) -> RGB:
        return BLACK if self.mono else INK

    @property
    def side(self) -> int:
        return self.surface.get_width()

    def _p(self, point: Point) -> tuple[int, int]:
        return round(point[0] * self.side), round(point[1] * self.side)

    def _w(self, width: float) -> int:
        return max(1, round(width * self.side))

    def _fill(self, color: RGB) -> RGB:
        return WHITE if self.mono else color

    def poly(self, points: Sequence[Point], color: RGB, outline: float = 0.025) -> None:
        pts = [self._p(p) for p in points]
        pygame.draw.polygon(self.surface, self._fill(color), pts)
        pygame.draw.polygon(self.surface, self.ink, pts, self._w(outline))

    def circle(self, center: Point, r: float, color: RGB, outline: float = 0.025) -> None:
        pygame.draw.circle(self.surface, self._fill(color), self._p(center), self._w(r))
        pygame.draw.circle(self.surface, self.ink, self._p(center), self._w(r), self._w(outline))

    def rect(self, x: float, y: float, w: float, h: float, color: RGB, radius: float = 0.0) -> None:
        box = pygame.Rect(*self._p((x, y)), self._w(w), self._w(h))
        r = self._w(radius) if radius else 0
        pygame.draw.rect(self.surface, self._fill(color), box, border_radius=r)
        pygame.draw.rect(self.surface, self.ink, box, self._w(0.025), border_radius=r)

    def line(self, points: Sequence[Point], width: float = 0.025, color: RGB = INK) -> None:
        pygame.draw.lines(
            self.surface,
            self.ink if self.mono else color,
            False,
            [self._p(p) for p in points],
            self._w(width),
        )

    def dot(self, center: Point, r: float, color: RGB = INK) -> None:
        pygame.draw.circle(
            self.surface, self.ink if self.mono else color, self._p(center), self._w(r)
        )


def _wave(x0: float, y0: float, y1: float, amp: float = 0.04) -> list[Point]:
    steps = 12
    return [
        (x0 + amp * math.sin(i / steps * 2 * math.pi), y0 + (y1 - y0) * i / steps)
        for i in range(steps + 1)
    ]


def _rotated(points: Sequence[Point], center: Point, degrees: float) -> list[Point]:
    a = math.radians(degrees)
    cx, cy = center
    return [
        (
            cx + (x - cx) * math.cos(a) - (y - cy) * math.sin(a),
            cy + (x - cx) * math.sin(a) + (y - cy) * math.cos(a),
        )
        for x, y in points
    ]


def _heart(cx: float, cy: float, size: float) -> list[Point]:
    out = []
    for i in range(40):
        t = i / 40 * 2 * math.pi
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        out.append((cx + x * size / 32, cy - y * size / 32))
    return out


def candy(pen: Pen) -> None:
    """A wrapped sweet with twisted ends."""
    pen.poly([(0.08, 0.30), (0.30, 0.50), (0.08, 0.70), (0.16, 0.50)], (250, 190, 60))
    pen.poly([(0.92, 0.30), (0.70, 0.50), (0.92, 0.70), (0.84, 0.50)], (250, 190, 60))
    pen.circle((0.5, 0.5), 0.23, (226, 82, 90))
    for dx in (-0.09, 0.0, 0.09):
        pen.line([(0.5 + dx - 0.05, 0.32), (0.5 + dx + 0.05, 0.68)], 0.03, (255, 236, 236))


def tea(pen: Pen) -> None:
    """A tea bag on its string, with a leaf on the tag."""
    pen.line([(0.5, 0.08), (0.5, 0.30)], 0.018)
    pen.rect(0.40, 0.02, 0.20, 0.12, (120, 170, 110), 0.02)
    pen.poly([(0.24, 0.36), (0.5, 0.28), (0.76, 0.36), (0.76, 0.90), (0.24, 0.90)], (214, 184, 140))
    pen.line([(0.24, 0.46), (0.76, 0.46)], 0.02, (170, 130, 90))
    leaf = [(0.5, 0.56), (0.62, 0.66), (0.5, 0.80), (0.38, 0.66)]
    pen.poly(leaf, (96, 150, 80))
    pen.line([(0.5, 0.58), (0.5, 0.78)], 0.015, (60, 100, 50))


def vitamin(pen: Pen) -> None:
    """A two-coloured capsule and a round tablet."""
    c, turn = (0.48, 0.48), -30.0
    orange, cream = (245, 150, 50), (250, 240, 225)
    for end, color in (((0.24, 0.48), orange), ((0.72, 0.48), cream)):
        ((x, y),) = _rotated([end], c, turn)
        pen.circle((x, y), 0.12, color)
    pen.poly(_rotated([(0.24, 0.36), (0.48, 0.36), (0.48, 0.60), (0.24, 0.60)], c, turn), orange)
    pen.poly(_rotated([(0.48, 0.36), (0.72, 0.36), (0.72, 0.60), (0.48, 0.60)], c, turn), cream)
    pen.circle((0.76, 0.82), 0.10, (255, 214, 90))
    pen.line([(0.69, 0.82), (0.83, 0.82)], 0.02, (200, 150, 40))


def hand_warmer(pen: Pen) -> None:
    """A warm pouch with a heart, and heat rising."""
    pen.rect(0.20, 0.40, 0.60, 0.50, (236, 120, 70), 0.10)
    pen.poly(_heart(0.5, 0.66, 0.30), (255, 226, 200))
    for x in (0.34, 0.5, 0.66):
        pen.line(_wave(x, 0.08, 0.32, 0.035), 0.025, (230, 110, 60))


def sticker(pen: Pen) -> None:
    """A star sticker with one corner peeling."""
    points = []
    for i in range(10):
        r = 0.40 if i % 2 == 0 else 0.18
        a = -math.pi / 2 + i * math.pi / 5
        points.append((0.5 + r * math.cos(a), 0.54 + r * math.sin(a)))
    pen.poly(points, (255, 205, 60))
    pen.poly([(0.70, 0.74), (0.84, 0.72), (0.76, 0.86)], (250, 250, 250))
    pen.dot((0.42, 0.50), 0.03)
    pen.dot((0.58, 0.50), 0.03)
    pen.line([(0.43, 0.62), (0.5, 0.66), (0.57, 0.62)], 0.02)


def seed_paper(pen: Pen) -> None:
    """A sheet of seed paper with a sprout coming up."""
    pen.poly([(0.14, 0.52), (0.86, 0.46), (0.90, 0.90), (0.10, 0.92)], (245, 236, 214))
    for x, y in ((0.26, 0.80), (0.40, 0.70), (0.62, 0.82), (0.74, 0.66), (0.32, 0.60)):
        pen.dot((x, y), 0.018, (150, 120, 80))
    pen.line([(0.5, 0.62), (0.5, 0.24)], 0.03, (70, 130, 60))
    pen.poly([(0.5, 0.36), (0.30, 0.20), (0.20, 0.30), (0.34, 0.40)], (110, 180, 90))
    pen.poly([(0.5, 0.30), (0.68, 0.12), (0.80, 0.20), (0.66, 0.34)], (110, 180, 90))


def bookmark(pen: Pen) -> None:
    """A bookmark with a notched end and a tassel."""
    pen.poly([(0.34, 0.12), (0.66, 0.12), (0.66, 0.92), (0.5, 0.80), (0.34, 0.92)], (90, 140, 200))
    pen.poly(_heart(0.5, 0.46, 0.22), (250, 250, 255))
    pen.line([(0.5, 0.12), (0.5, 0.04), (0.62, 0.02)], 0.02, (200, 60, 60))
    pen.circle((0.66, 0.06), 0.04, (220, 70, 70))


def postcard(pen: Pen) -> None:
    """A postcard: a stamp, address lines and a little sun."""
    pen.rect(0.06, 0.22, 0.88, 0.60, (250, 246, 236), 0.02)
    pen.rect(0.70, 0.28, 0.18, 0.20, (220, 90, 80))
    pen.line([(0.56, 0.30), (0.56, 0.76)], 0.015)
    for y in (0.56, 0.66, 0.76):
        pen.line([(0.62, y), (0.88, y)], 0.015)
    pen.circle((0.30, 0.46), 0.09, (250, 200, 70))
    pen.line([(0.14, 0.70), (0.24, 0.62), (0.34, 0.70), (0.46, 0.60)], 0.025, (80, 150, 190))


def gift(pen: Pen) -> None:
    """Any other gift (and the card's picture when a visit has no item): a wrapped box."""
    pen.rect(0.16, 0.40, 0.68, 0.50, (90, 160, 150), 0.03)
    pen.rect(0.12, 0.30, 0.76, 0.14, (110, 180, 170), 0.03)
    pen.rect(0.44, 0.30, 0.12, 0.60, (230, 90, 90))
    pen.poly([(0.5, 0.30), (0.30, 0.12), (0.26, 0.28)], (230, 90, 90))
    pen.poly([(0.5, 0.30), (0.70, 0.12), (0.74, 0.28)], (230, 90, 90))


DRAWINGS: dict[str, Callable[[Pen], None]] = {
    "candy": candy,
    "tea": tea,
    "vitamin": vitamin,
    "hand_warmer": hand_warmer,
    "sticker": sticker,
    "seed_paper": seed_paper,
    "bookmark": bookmark,
    "postcard": postcard,
}


def item_picture(item: str | None, side: int, *, mono: bool = False) -> pygame.Surface:
    """The picture of item kind `item` (a gift box for any other kind, or None), `side`
    pixels square, on a transparent background (white in `mono`)."""
    side = max(8, side)
    big = pygame.Surface((side * SUPERSAMPLE, side * SUPERSAMPLE), pygame.SRCALPHA)
    big.fill((*WHITE, 255) if mono else (0, 0, 0, 0))
    DRAWINGS.get(item or "", gift)(Pen(big, mono))
    return pygame.transform.smoothscale(big, (side, side))
