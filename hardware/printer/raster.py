"""From an 8-bit grayscale slip to the printer's 1-bit rows (pure; Pillow does the pixel work).

A thermal head has dots that burn or do not: no gray. Text is thresholded, so every stroke of a
Hangul syllable keeps a clean edge (dithering the anti-aliased edge of a glyph scatters single
dots around it, and small text looks fuzzy); pictures — the boxes the renderer names — are
dithered, so their gray tones survive as dot density. Floyd–Steinberg gives the finest detail,
ordered (Bayer 8×8) a regular pattern that survives a worn head or thin paper better.

Rows are packed as the printer takes them in `GS v 0`: MSB first, 1 = a black dot, each row
padded with white to a whole byte.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops

BLACK = 0
WHITE = 255
DEFAULT_THRESHOLD = 160  # a little above middle gray: thin strokes' anti-aliased cores burn


class Dither(enum.Enum):
    THRESHOLD = "threshold"
    ORDERED = "ordered"
    FLOYD_STEINBERG = "floyd_steinberg"


@dataclass(frozen=True)
class Box:
    """A picture's rectangle in the slip, in dots (x, y from the top left)."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Raster:
    """A 1-bit image as the printer takes it."""

    width: int  # dots
    height: int  # rows
    data: bytes  # height rows of `row_bytes` bytes, MSB first, 1 = black

    def __post_init__(self) -> None:
        if self.width < 1 or self.height < 0:
            raise ValueError(f"a raster of {self.width}×{self.height} dots")
        if len(self.data) != self.row_bytes * self.height:
            raise ValueError(
                f"{len(self.data)} bytes for {self.height} rows of {self.row_bytes} bytes"
            )

    @property
    def row_bytes(self) -> int:
        return (self.width + 7) // 8

    def row(self, y: int) -> bytes:
        return self.data[y * self.row_bytes : (y + 1) * self.row_bytes]

    def dot(self, x: int, y: int) -> bool:
        """True when the dot at (x, y) is black."""
        byte = self.data[y * self.row_bytes + x // 8]
        return bool(byte & (0x80 >> (x % 8)))

    def black_dots(self) -> int:
        return sum(byte.bit_count() for byte in self.data)


# Bayer 8×8, scaled to 0..255 thresholds: a dot where the darkness is above the cell's value.
_BAYER_8 = (
    (0, 32, 8, 40, 2, 34, 10, 42),
    (48, 16, 56, 24, 50, 18, 58, 26),
    (12, 44, 4, 36, 14, 46, 6, 38),
    (60, 28, 52, 20, 62, 30, 54, 22),
    (3, 35, 11, 43, 1, 33, 9, 41),
    (51, 19, 59, 27, 49, 17, 57, 25),
    (15, 47, 7, 39, 13, 45, 5, 37),
    (63, 31, 55, 23, 61, 29, 53, 21),
)


def bayer_threshold(x: int, y: int) -> int:
    """The ordered-dither threshold (0..252) for darkness at dot (x, y)."""
    return _BAYER_8[y % 8][x % 8] * 4


def to_1bit(
    gray: bytes,
    width: int,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    pictures: Sequence[Box] = (),
    picture_dither: Dither = Dither.FLOYD_STEINBERG,
) -> Raster:
    """`gray` (rows of `width` bytes, 0 = black, 255 = white) as printer rows.

    Everything is thresholded (a dot where the pixel is darker than `threshold`), except the
    `pictures` boxes, which get `picture_dither`. Raises ValueError for a buffer that is not
    whole rows, or a box outside the image.
    """
    if width < 1:
        raise ValueError(f"width {width} dots")
    if len(gray) % width:
        raise ValueError(f"{len(gray)} bytes are not whole rows of {width} pixels")
    if not 1 <= threshold <= 255:
        raise ValueError(f"threshold {threshold} is not 1..255")
    height = len(gray) // width
    if height == 0:
        return Raster(width, 0, b"")
    image = Image.frombytes("L", (width, height), gray)
    # Darker than the threshold -> 255, which mode "1" stores as a set bit = a black dot.
    out = image.point([WHITE if v < threshold else BLACK for v in range(256)], "1")
    for box in pictures:
        _check_box(box, width, height)
        area = (box.x, box.y, box.x + box.width, box.y + box.height)
        out.paste(_dither(image.crop(area), picture_dither, threshold, box), area)
    return Raster(width, height, out.tobytes())


def _dither(picture: Image.Image, how: Dither, threshold: int, box: Box) -> Image.Image:
    darkness = picture.point([WHITE - v for v in range(256)])
    if how is Dither.THRESHOLD:
        return picture.point([WHITE if v < threshold else BLACK for v in range(256)], "1")
    if how is Dither.FLOYD_STEINBERG:
        return darkness.convert("1", dither=Image.Dither.FLOYDSTEINBERG)
    # Ordered: a dot where darkness exceeds the Bayer cell (phase taken from the slip, so
    # neighbouring pictures tile seamlessly); subtract clips to 0 where it does not.
    above = ImageChops.subtract(darkness, Image.frombytes("L", picture.size, _bayer_cells(box)))
    return above.point([BLACK] + [WHITE] * 255, "1")


def _bayer_cells(box: Box) -> bytes:
    # Eight distinct rows, each a repeated 8-byte cycle: built with bytes arithmetic, not
    # per pixel, so a full-width picture costs microseconds.
    rows = []
    for y in range(8):
        cycle = bytes(bayer_threshold(x, box.y + y) for x in range(8))
        start = box.x % 8
        rows.append((cycle * (box.width // 8 + 2))[start : start + box.width])
    return b"".join(rows[y % 8] for y in range(box.height))


def _check_box(box: Box, width: int, height: int) -> None:
    if (
        box.width < 1
        or box.height < 1
        or box.x < 0
        or box.y < 0
        or box.x + box.width > width
        or box.y + box.height > height
    ):
        raise ValueError(f"picture box {box} is not inside the {width}×{height} slip")


def pad_to(raster: Raster, dots: int) -> Raster:
    """`raster` on paper `dots` wide, centred (white on both sides). Raises ValueError when
    it is wider than the paper: cutting a slip's edge off silently would lose words."""
    if raster.width > dots:
        raise ValueError(f"a slip {raster.width} dots wide does not fit {dots}-dot paper")
    if raster.width == dots:
        return raster
    left = (dots - raster.width) // 2
    image = Image.frombytes("1", (raster.width, raster.height), raster.data)
    paper = Image.new("1", (dots, raster.height), 0)
    paper.paste(image, (left, 0))
    return Raster(dots, raster.height, paper.tobytes())
