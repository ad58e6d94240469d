"""The text-drawing path never raises, whatever string it is given: the content checks refuse
control characters, and this is the last line of defence behind them (issue #11, defect 1)."""

from __future__ import annotations

from dataclasses import replace

import pygame
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.ui.card import render_card
from kiosk.ui.fonts import REPLACEMENT, Weight, drawable
from kiosk.ui.scene import Renderer, Typesetter
from prescriptions.model import Localized
from tests.kiosk.ui_support import bundled, fonts

# Every code point, lone surrogates and controls included: what a damaged file could hold.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
BOX = pygame.Rect(0, 0, 300, 120)


def test_a_phrase_with_a_nul_is_drawn_instead_of_stopping_the_screen(pygame_font: None) -> None:
    content = bundled()
    rx = content.prescriptions[0]
    broken = replace(rx, phrase=Localized.of({"ko": "\x00욱할 땐 숨을 세 번 쉬세요."}))
    content = replace(content, prescriptions=(broken, *content.prescriptions[1:]))
    surface = render_card(broken, content, "ko", (800, 480), fonts=fonts())
    assert surface.get_size() == (800, 480)


@pytest.mark.parametrize(
    "text",
    ["\x00", "a\x00b", "\ud800", "가\udfff나", "\x1b[2J", "\u202e021-20", "줄\u2028바꿈", "\x85"],
)
def test_what_the_font_library_refuses_is_drawn_as_a_replacement(
    pygame_font: None, text: str
) -> None:
    book = fonts()
    surface = book.render(text, 24, (0, 0, 0))
    assert surface.get_height() > 0
    assert REPLACEMENT in drawable(text)
    assert book.measure(text, 24) == surface.get_width()  # measured as drawn


def test_a_line_too_long_for_one_surface_is_cut_not_raised(pygame_font: None) -> None:
    surface = fonts().render("가" * 100_000, 40, (0, 0, 0), Weight.BOLD)
    assert surface.get_height() > 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text)
def test_any_string_is_measured_typeset_and_drawn_without_raising(
    pygame_font: None, text: str
) -> None:
    book = fonts()
    block = Typesetter(book, min_px=14).block(text, BOX, px=28, color=(0, 0, 0))
    surface = pygame.Surface(BOX.size)
    Renderer(book).draw(surface, [block])
    book.render(text, 20, (0, 0, 0), Weight.BOLD)
    assert book.measure(text, 20) >= 0
