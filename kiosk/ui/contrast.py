"""Text contrast as WCAG 2 defines it. The barrier-free kiosk guideline (KS X 9211) asks for
at least 4.5:1 between text and its background.

    relative_luminance((r, g, b))   0.0 (black) … 1.0 (white)
    contrast_ratio(a, b)            1.0 (same colour) … 21.0 (black on white), symmetric
    assert_readable(fg, bg)         raises ContrastError below 4.5:1
"""

from collections.abc import Sequence

from kiosk.shell.errors import KioskError

MIN_TEXT_CONTRAST = 4.5

RGB = tuple[int, int, int]


class ContrastError(KioskError):
    """A text colour is too close to its background to be read."""


def relative_luminance(rgb: Sequence[int]) -> float:
    """WCAG relative luminance of an sRGB colour given as 0–255 channels (alpha, if any,
    must be opaque: a see-through colour has no luminance of its own)."""
    red, green, blue = (_linear(channel) for channel in _opaque_rgb(rgb))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: Sequence[int], second: Sequence[int]) -> float:
    """(lighter + 0.05) / (darker + 0.05), whichever order the colours come in."""
    darker, lighter = sorted((relative_luminance(first), relative_luminance(second)))
    return (lighter + 0.05) / (darker + 0.05)


def is_readable(fg: Sequence[int], bg: Sequence[int], minimum: float = MIN_TEXT_CONTRAST) -> bool:
    return contrast_ratio(fg, bg) >= minimum


def assert_readable(
    fg: Sequence[int], bg: Sequence[int], minimum: float = MIN_TEXT_CONTRAST
) -> None:
    """Raise ContrastError naming both colours and the ratio when text would be too faint."""
    ratio = contrast_ratio(fg, bg)
    if ratio < minimum:
        raise ContrastError(
            f"text {tuple(fg)} on {tuple(bg)} has contrast {ratio:.2f}:1, "
            f"below the required {minimum}:1"
        )


def _opaque_rgb(color: Sequence[int]) -> RGB:
    if len(color) not in (3, 4) or (len(color) == 4 and color[3] != 255):
        raise ValueError(f"expected an opaque RGB colour, got {tuple(color)}")
    if any(not 0 <= channel <= 255 for channel in color):
        raise ValueError(f"colour channels must be 0–255, got {tuple(color)}")
    return color[0], color[1], color[2]


def _linear(channel: int) -> float:
    # sRGB transfer function. WCAG 2.0 printed 0.03928 as the threshold, sRGB says 0.04045;
    # no 8-bit channel (10/255 = 0.0392, 11/255 = 0.0431) falls between them.
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
