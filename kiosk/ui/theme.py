"""Colours and sizes. Sizes come from the screen's physical size (KS X 9211 / FACTS.md):
text at least 4.8 mm high, touch targets at least 9 mm, text contrast at least 4.5:1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kiosk.shell.config import DisplayConfig

RGB = tuple[int, int, int]

MIN_TEXT_MM = 4.8  # the smallest Hangul glyph height allowed on any screen
MIN_TARGET_MM = 9.0  # the smallest touch target
BODY_TEXT_MM = 5.2  # body text, with a margin above the minimum


@dataclass(frozen=True)
class Palette:
    background: RGB = (250, 246, 238)  # warm paper
    text: RGB = (31, 36, 40)
    muted: RGB = (74, 80, 86)  # still >= 4.5:1 on the background
    primary: RGB = (24, 88, 94)  # deep teal buttons
    on_primary: RGB = (255, 255, 255)
    secondary: RGB = (232, 226, 214)
    on_secondary: RGB = (31, 36, 40)
    help: RGB = (168, 40, 30)  # the help button: warm brick red, always the same
    on_help: RGB = (255, 255, 255)
    footer: RGB = (31, 36, 40)
    on_footer: RGB = (255, 255, 255)
    focus: RGB = (255, 190, 0)  # focus ring, drawn with a dark outline so it shows anywhere
    focus_edge: RGB = (20, 20, 20)
    paper: RGB = (255, 255, 255)  # the prescription slip
    ink: RGB = (28, 28, 30)
    stamp: RGB = (176, 38, 30)
    rule: RGB = (24, 88, 94)
    badge: RGB = (120, 50, 140)  # SIMULATION badge
    on_badge: RGB = (255, 255, 255)
    overlay: RGB = (20, 24, 28)  # dims the screen behind the "more time?" prompt


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one screen."""

    width: int
    height: int
    px_per_mm: float
    body_px: int  # font size (px) for body text
    title_px: int
    heading_px: int
    min_px: int  # no text is ever set smaller than this
    target_px: int  # minimum button height/width
    gap: int
    radius: int
    focus_width: int
    bar_height: int  # the footer bar with the help button

    @property
    def portrait(self) -> bool:
        return self.height > self.width


def font_px_for_glyph_mm(mm: float, px_per_mm: float, glyph_ratio: float) -> int:
    """Font size whose Hangul glyphs are at least `mm` tall (glyph_ratio = ink height / px)."""
    return math.ceil(mm * px_per_mm / glyph_ratio)


def metrics_for(display: DisplayConfig, glyph_ratio: float) -> Metrics:
    ppm = display.px_per_mm
    min_px = font_px_for_glyph_mm(MIN_TEXT_MM, ppm, glyph_ratio)
    body = max(min_px, font_px_for_glyph_mm(BODY_TEXT_MM, ppm, glyph_ratio))
    short_side = min(display.width, display.height)
    target = max(math.ceil(MIN_TARGET_MM * ppm), round(short_side * 0.1))
    return Metrics(
        width=display.width,
        height=display.height,
        px_per_mm=ppm,
        body_px=body,
        title_px=round(body * 1.45),
        heading_px=round(body * 1.2),
        min_px=min_px,
        target_px=target,
        gap=max(6, round(short_side * 0.014)),
        radius=max(6, round(2.0 * ppm)),
        focus_width=max(4, round(1.0 * ppm)),
        bar_height=target + 2 * max(4, round(short_side * 0.01)),
    )


# Typical panels for each supported resolution, for screenshots and tests: (diagonal inches).
PANELS: dict[tuple[int, int], float] = {
    (800, 480): 7.0,
    (1024, 600): 7.0,
    (1280, 800): 10.1,
    (1920, 1080): 15.6,
    (720, 1280): 10.1,
}


def panel(width: int, height: int, diagonal_in: float | None = None) -> DisplayConfig:
    """A DisplayConfig for a panel of this resolution and diagonal (square pixels)."""
    inches = diagonal_in if diagonal_in is not None else PANELS.get((width, height), 10.1)
    diag_px = math.hypot(width, height)
    mm_per_px = inches * 25.4 / diag_px
    return DisplayConfig(
        width=width,
        height=height,
        width_mm=width * mm_per_px,
        height_mm=height * mm_per_px,
        fullscreen=False,
    )
