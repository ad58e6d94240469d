"""A crisp QR code as a pygame surface: whole pixels per module, no smoothing, quiet zone kept.

Phones read a code best when every module is a sharp square of one colour and the 4-module
blank border (the quiet zone the standard asks for) is there, so the code is drawn at an
integer scale and never resampled. Always a full QR code, never a Micro QR (segno picks
Micro QR for short data if allowed, and many phone cameras ignore it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
from pygame.typing import ColorLike

if TYPE_CHECKING:
    import segno

QUIET_ZONE = 4  # modules of blank border the QR standard asks for
ERROR_CORRECTION = "m"  # 15 % of the code may be smudged or glared and still read


def _code(data: str) -> segno.QRCode:
    import segno  # with its network helpers: only when a code is first drawn, not at start

    return segno.make_qr(data, error=ERROR_CORRECTION)


def qr_matrix(data: str) -> list[list[bool]]:
    """The dark/light modules of the code for `data`, without the quiet zone."""
    return [[bool(cell) for cell in row] for row in _code(data).matrix]


def qr_modules(data: str) -> int:
    """Side of the code for `data` in modules, quiet zone included: the smallest `max_px`
    `qr_surface` accepts (one pixel per module; two or more read far more reliably)."""
    return len(_code(data).matrix) + 2 * QUIET_ZONE


def qr_surface(data: str, max_px: int, fg: ColorLike, bg: ColorLike) -> pygame.Surface:
    """The largest whole-pixel rendering of the code for `data` that fits in
    `max_px` × `max_px`, quiet zone included. ValueError when not even one pixel per module
    fits (check with `qr_modules`)."""
    matrix = qr_matrix(data)
    modules = len(matrix) + 2 * QUIET_ZONE
    scale = max_px // modules
    if scale < 1:
        raise ValueError(f"a QR code for {data!r} needs at least {modules} px, got {max_px}")
    surface = pygame.Surface((modules * scale, modules * scale))
    surface.fill(bg)
    for row_index, row in enumerate(matrix):
        top = (row_index + QUIET_ZONE) * scale
        for start, length in _dark_runs(row):
            left = (start + QUIET_ZONE) * scale
            surface.fill(fg, (left, top, length * scale, scale))
    return surface


def _dark_runs(row: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules: one fill per run instead of per module."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, dark in enumerate([*row, False]):
        if dark and start is None:
            start = index
        elif not dark and start is not None:
            runs.append((start, index - start))
            start = None
    return runs
