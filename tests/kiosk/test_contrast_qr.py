"""Contrast of every text colour on its background, and a QR code a phone can read."""

from __future__ import annotations

import pytest

from kiosk.ui.contrast import MIN_TEXT_CONTRAST, contrast_ratio
from kiosk.ui.qr import QUIET_ZONE, qr_matrix, qr_surface
from kiosk.ui.theme import Palette

P = Palette()
TEXT_PAIRS = {
    "body": (P.text, P.background),
    "muted": (P.muted, P.background),
    "primary button": (P.on_primary, P.primary),
    "secondary button": (P.on_secondary, P.secondary),
    "help button": (P.on_help, P.help),
    "footer": (P.on_footer, P.footer),
    "slip ink": (P.ink, P.paper),
    "slip medicine": (P.primary, P.paper),
    "slip stamp": (P.stamp, P.paper),
    "slip muted": (P.muted, P.paper),
    "emergency line": (P.help, P.background),
    "badge": (P.on_badge, P.badge),
    "title on background": (P.primary, P.background),
}


def test_known_contrast_values() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    assert contrast_ratio((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("name", sorted(TEXT_PAIRS))
def test_every_text_colour_is_readable_on_its_background(name: str) -> None:
    fg, bg = TEXT_PAIRS[name]
    assert contrast_ratio(fg, bg) >= MIN_TEXT_CONTRAST


def test_qr_pixels_match_the_code_module_for_module() -> None:
    url = "https://qs.hiqri.ai/webchat/dasan/"
    matrix = qr_matrix(url)
    surface = qr_surface(url, 200, (0, 0, 0), (255, 255, 255))
    modules = len(matrix) + 2 * QUIET_ZONE
    scale = surface.get_width() // modules
    assert scale >= 2 and surface.get_width() == modules * scale <= 200
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            centre = ((x + QUIET_ZONE) * scale + scale // 2, (y + QUIET_ZONE) * scale + scale // 2)
            assert (surface.get_at(centre)[:3] == (0, 0, 0)) == dark
    # The quiet zone is blank all round.
    border = QUIET_ZONE * scale
    for i in range(surface.get_width()):
        for px in ((i, border // 2), (border // 2, i)):
            assert surface.get_at(px)[:3] == (255, 255, 255)
    # Only pure black and white: no blur for the phone's camera to fight.
    colours = {
        tuple(surface.get_at((x, y))[:3])
        for x in range(0, surface.get_width(), 3)
        for y in range(0, surface.get_height(), 3)
    }
    assert colours <= {(0, 0, 0), (255, 255, 255)}
