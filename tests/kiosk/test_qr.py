"""QR codes a phone camera can read: module for module, sharp, with the quiet zone."""

import pygame
import pytest
import segno

from kiosk.ui.qr import QUIET_ZONE, qr_matrix, qr_modules, qr_surface

CHATBOT = "https://qs.hiqri.ai/webchat/dasan/"
FG, BG = (20, 24, 28), (250, 246, 238)


def sample(surface: pygame.Surface, modules: int) -> list[list[bool]]:
    """Read the code back: dark or light at the centre of every module."""
    scale = surface.get_width() // modules
    return [
        [
            tuple(surface.get_at((x * scale + scale // 2, y * scale + scale // 2)))[:3] == FG
            for x in range(modules)
        ]
        for y in range(modules)
    ]


@pytest.mark.parametrize("data", [CHATBOT, "tel:109", "외로움안녕120: 120번 누르고 5번"])
def test_pixels_read_back_as_the_code_module_for_module(data: str) -> None:
    surface = qr_surface(data, 300, FG, BG)
    modules = qr_modules(data)
    expected = [
        [bool(cell) for cell in row]
        for row in segno.make_qr(data, error="m").matrix_iter(scale=1, border=QUIET_ZONE)
    ]
    assert sample(surface, modules) == expected


def test_finder_patterns_sit_in_three_corners() -> None:
    # The QR standard's 7x7 finder: dark outer ring, light ring, dark 3x3 centre.
    matrix = qr_matrix(CHATBOT)
    read = sample(qr_surface(CHATBOT, 300, FG, BG), len(matrix) + 2 * QUIET_ZONE)
    size = len(matrix)
    for top, left in [(0, 0), (0, size - 7), (size - 7, 0)]:
        for dy in range(7):
            for dx in range(7):
                ring = max(abs(dx - 3), abs(dy - 3))
                assert read[QUIET_ZONE + top + dy][QUIET_ZONE + left + dx] == (ring != 2)


def test_quiet_zone_is_blank_all_round() -> None:
    read = sample(qr_surface(CHATBOT, 300, FG, BG), qr_modules(CHATBOT))
    edge = [*read[:QUIET_ZONE], *read[-QUIET_ZONE:]]
    edge += [row[:QUIET_ZONE] + row[-QUIET_ZONE:] for row in read]
    assert not any(any(row) for row in edge)


def test_largest_whole_pixel_scale_that_fits() -> None:
    modules = qr_modules(CHATBOT)
    for max_px in [modules, 2 * modules - 1, 250, 301, 480]:
        side = qr_surface(CHATBOT, max_px, FG, BG).get_width()
        assert side % modules == 0
        assert side <= max_px < side + modules


def test_every_module_is_a_solid_square_of_one_colour() -> None:
    surface = qr_surface(CHATBOT, 400, FG, BG)
    modules = qr_modules(CHATBOT)
    scale = surface.get_width() // modules
    assert scale >= 3
    for y in range(modules):
        for x in range(modules):
            block = pygame.Rect(x * scale, y * scale, scale, scale)
            assert tuple(pygame.transform.average_color(surface, block))[:3] in (FG, BG)


def test_surface_is_square_and_opaque() -> None:
    surface = qr_surface(CHATBOT, 300, FG, BG)
    assert surface.get_width() == surface.get_height()
    assert not surface.get_flags() & pygame.SRCALPHA


def test_too_small_a_box_is_refused() -> None:
    with pytest.raises(ValueError, match=f"at least {qr_modules(CHATBOT)} px"):
        qr_surface(CHATBOT, qr_modules(CHATBOT) - 1, FG, BG)


def test_short_data_still_gives_a_full_qr_code_not_micro_qr() -> None:
    # A full QR code is at least version 1: 21 modules a side.
    assert len(qr_matrix("109")) >= 21
