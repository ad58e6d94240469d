"""WCAG contrast: the numbers everyone quotes, and the 4.5:1 gate for kiosk text."""

import pytest

from kiosk.ui.contrast import (
    MIN_TEXT_CONTRAST,
    ContrastError,
    assert_readable,
    contrast_ratio,
    is_readable,
    relative_luminance,
)

BLACK, WHITE = (0, 0, 0), (255, 255, 255)


def test_luminance_of_white_black_and_the_primaries() -> None:
    assert relative_luminance(WHITE) == pytest.approx(1.0)
    assert relative_luminance(BLACK) == pytest.approx(0.0)
    assert relative_luminance((255, 0, 0)) == pytest.approx(0.2126)
    assert relative_luminance((0, 255, 0)) == pytest.approx(0.7152)
    assert relative_luminance((0, 0, 255)) == pytest.approx(0.0722)


def test_mid_grey_luminance_follows_the_srgb_curve_not_a_straight_line() -> None:
    # #808080 is about 21.6 % luminance, far below the 50 % a linear scale would give.
    assert relative_luminance((128, 128, 128)) == pytest.approx(0.2159, abs=1e-4)


def test_black_on_white_is_21_to_1_either_way_round() -> None:
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)


def test_a_colour_on_itself_is_1_to_1() -> None:
    assert contrast_ratio((24, 88, 94), (24, 88, 94)) == pytest.approx(1.0)


def test_the_well_known_greys_either_side_of_the_limit() -> None:
    # #767676 is the lightest grey that passes on white; #777777 just fails.
    assert contrast_ratio((0x76, 0x76, 0x76), WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio((0x77, 0x77, 0x77), WHITE) == pytest.approx(4.48, abs=0.01)
    assert is_readable((0x76, 0x76, 0x76), WHITE)
    assert not is_readable((0x77, 0x77, 0x77), WHITE)


def test_pure_red_on_white_is_about_4_to_1() -> None:
    assert contrast_ratio((255, 0, 0), WHITE) == pytest.approx(4.0, abs=0.01)


def test_assert_readable_passes_good_pairs_and_names_bad_ones() -> None:
    assert_readable(BLACK, WHITE)
    with pytest.raises(ContrastError, match=r"\(119, 119, 119\) on \(255, 255, 255\).*4\.48"):
        assert_readable((119, 119, 119), WHITE)


def test_a_stricter_minimum_can_be_asked_for() -> None:
    assert_readable((0x76, 0x76, 0x76), WHITE, minimum=MIN_TEXT_CONTRAST)
    with pytest.raises(ContrastError):
        assert_readable((0x76, 0x76, 0x76), WHITE, minimum=7.0)  # WCAG AAA


def test_opaque_rgba_is_accepted() -> None:
    assert contrast_ratio((0, 0, 0, 255), (255, 255, 255, 255)) == pytest.approx(21.0)


@pytest.mark.parametrize("bad", [(256, 0, 0), (-1, 0, 0), (0, 0), (0, 0, 0, 128)])
def test_impossible_or_see_through_colours_are_refused(bad: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        relative_luminance(bad)
