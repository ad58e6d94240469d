"""Every screen, at every supported resolution, in both languages, as a visitor would judge it:
all text inside its box and on screen, nothing cut off, big enough, the help button and the
외로움안녕120 footer always there, touch targets at least 9 mm."""

from __future__ import annotations

import pygame
import pytest

from kiosk.ui.theme import MIN_TARGET_MM, MIN_TEXT_MM
from kiosk.visit.screens.base import Page, UiState
from tests.kiosk.ui_support import (
    LANGS,
    RESOLUTIONS,
    bundled,
    fonts,
    page_for,
    states,
    translations,
    view,
)

CASES = [
    (size, lang, name) for size in RESOLUTIONS for lang in LANGS for name in states(bundled(), lang)
]


def _all_pages(size: tuple[int, int], lang: str, name: str) -> list[Page]:
    state = states(bundled(), lang)[name]
    pages = [page_for(state, size)]
    if name in ("info", "symptom"):  # every page of a paged screen
        pages += [page_for(state, size, ui=UiState(list_page=i)) for i in range(1, 5)]
    return pages


@pytest.mark.parametrize(
    ("size", "lang", "name"), CASES, ids=[f"{w}x{h}-{lang}-{n}" for (w, h), lang, n in CASES]
)
def test_screen_text_fits_and_the_help_is_there(
    size: tuple[int, int], lang: str, name: str
) -> None:
    screen = pygame.Rect(0, 0, *size)
    for page in _all_pages(size, lang, name):
        blocks = page.text_blocks()
        assert blocks
        for block in blocks:
            assert not block.truncated, f"cut off: {block.source!r}"
            assert screen.contains(block.box), f"box off screen: {block.source!r}"
            assert block.box.contains(block.ink), f"text outside its box: {block.source!r}"
        names = [b.name for b in page.buttons]
        assert "help" in names
        texts = " ".join(b.source for b in blocks)
        assert translations().text(lang, "footer.hotline") in texts
        assert "02-120" in texts


@pytest.mark.parametrize("size", RESOLUTIONS)
def test_touch_targets_and_text_meet_the_barrier_free_sizes(size: tuple[int, int]) -> None:
    v = view(states(bundled(), "ko")["symptom"], size, bundled())
    ppm = v.metrics.px_per_mm
    probe = fonts().regular(v.metrics.min_px).render("가나다라마바사", True, (0, 0, 0))
    assert probe.get_bounding_rect().height >= MIN_TEXT_MM * ppm
    for name, state in states(bundled(), "ko").items():
        page = page_for(state, size)
        for block in page.text_blocks():
            for line in block.lines:
                assert line.px >= v.metrics.min_px, f"{name}: {block.source!r} too small"
        for b in page.buttons:
            assert min(b.rect.width, b.rect.height) >= MIN_TARGET_MM * ppm - 1, (name, b.name)


@pytest.mark.parametrize("size", RESOLUTIONS)
def test_buttons_do_not_overlap(size: tuple[int, int]) -> None:
    for name, state in states(bundled(), "ko").items():
        if "more-time" in name:
            continue  # the prompt covers the screen on purpose; only its buttons are live
        buttons = page_for(state, size).buttons
        for i, a in enumerate(buttons):
            for b in buttons[i + 1 :]:
                assert not a.rect.colliderect(b.rect), (name, a.name, b.name)


def test_simulation_badge_shows_only_when_simulated() -> None:
    state = states(bundled(), "ko")["attract"]
    label = translations().text("ko", "app.simulation")
    shown = [b.source for b in page_for(state, (1280, 800), simulated=True).text_blocks()]
    hidden = [b.source for b in page_for(state, (1280, 800), simulated=False).text_blocks()]
    assert label in shown and label not in hidden


def test_low_screen_mode_puts_the_buttons_within_a_wheelchair_users_reach() -> None:
    state = states(bundled(), "ko")["symptom"]
    page = page_for(state, (720, 1280), low_screen=True)
    help_button = next(b for b in page.buttons if b.name == "help")
    assert help_button.rect.top > 1280 // 2


def test_the_more_time_prompt_counts_down_and_keeps_help_live() -> None:
    state = states(bundled(), "ko")["more-time"]
    page = page_for(state, (1280, 800))
    assert {b.name for b in page.buttons} == {"more-time", "home", "help"}
    countdown = translations().text("ko", "more_time.countdown", seconds=10)
    assert countdown in [b.source for b in page.text_blocks()]
