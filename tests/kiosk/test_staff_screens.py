"""Every staff screen at every supported resolution, in Korean and English, held to the visitor
screens' rules: all text whole and inside its box and the screen, nothing under the minimum
size, touch targets of 9 mm or more, no buttons on top of each other; and what staff must see
is there (the way out, each slot's state, no PIN digits)."""

from __future__ import annotations

from dataclasses import replace

import pygame
import pytest

from kiosk.cabinet.stock_text import status_key
from kiosk.staff.events import Help
from kiosk.staff.screens import build_staff_page
from kiosk.staff.screens.pin import DOT
from kiosk.ui.scene import TextBlock
from kiosk.ui.theme import MIN_TARGET_MM
from tests.kiosk.staff_support import NOW, staff_page, staff_states, staff_view
from tests.kiosk.ui_support import LANGS, RESOLUTIONS, translations

NAMES = list(staff_states("ko"))
CASES = [(size, lang, name) for size in RESOLUTIONS for lang in LANGS for name in NAMES]


@pytest.mark.parametrize(
    ("size", "lang", "name"), CASES, ids=[f"{w}x{h}-{lang}-{n}" for (w, h), lang, n in CASES]
)
def test_staff_screens_fit_at_every_resolution(size: tuple[int, int], lang: str, name: str) -> None:
    page = staff_page(name, size, lang)
    state, snap = staff_states(lang)[name]
    v = staff_view(state, snap, size).v
    screen = pygame.Rect(0, 0, *size)
    blocks = page.text_blocks()
    assert blocks
    for block in blocks:
        assert not block.truncated, f"cut off: {block.source!r}"
        assert screen.contains(block.box), f"box off screen: {block.source!r}"
        assert block.box.contains(block.ink), f"text outside its box: {block.source!r}"
        for line in block.lines:
            assert line.px >= v.metrics.min_px, f"too small: {block.source!r}"
    ppm = v.metrics.px_per_mm
    for b in page.buttons:
        assert screen.contains(b.rect), b.name
        assert min(b.rect.width, b.rect.height) >= MIN_TARGET_MM * ppm - 1, b.name
    for i, a in enumerate(page.buttons):
        for b in page.buttons[i + 1 :]:
            assert not a.rect.colliderect(b.rect), (a.name, b.name)
    names = {b.name for b in page.buttons}
    assert names & {"exit", "cancel"}, "every staff screen has a way out"


def _texts(name: str, lang: str = "ko", size: tuple[int, int] = (1280, 800)) -> str:
    return " ".join(b.source for b in staff_page(name, size, lang).text_blocks())


def t(key: str, lang: str = "ko", **values: object) -> str:
    return translations().text(lang, key, **values)


def _footer_lines(name: str, lang: str = "ko") -> set[str]:
    """The footer's words: 외로움안녕120 and the nearest place, phone numbers and all."""
    state, snap = staff_states(lang)[name]
    v = staff_view(state, snap, (1280, 800)).v
    hotline = t("footer.hotline", lang)
    # With its hours where the line has room, without them where it has not.
    places = [t("footer.nearest", lang, place=p) for p in (v.nearest_place, v.nearest_place_short)]
    return {hotline, *places, *(f"{hotline}   ·   {place}" for place in places)}


def _said(name: str) -> str:
    """What the screen says outside its buttons (the keys are digits themselves) and its
    footer (the help numbers are digits too, and belong on every screen)."""
    page = staff_page(name, (1280, 800), "ko")
    footer = _footer_lines(name)
    return " ".join(
        op.source for op in page.ops if isinstance(op, TextBlock) and op.source not in footer
    )


def test_the_pin_is_never_shown_only_dots() -> None:
    said = _said("pin-digits")
    assert not any(digit in said for digit in "0123456789")
    assert said.count(DOT) == 6


def test_a_wrong_pin_says_only_that_it_was_wrong() -> None:
    said = _said("pin-wrong")
    assert t("staff.pin.wrong") in said
    # No hint: not how many tries are left, not how long a PIN is.
    assert not any(digit in said for digit in "0123456789")


@pytest.mark.parametrize("size", RESOLUTIONS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_staff_screen_has_the_help_button_and_the_120_footer(
    size: tuple[int, int], lang: str
) -> None:
    """A visitor may stand in front of the PIN keypad (or a staff screen left open): help is
    one tap away there too, and the footer shows 외로움안녕120 (and, on the keypad, the nearest
    place; past the PIN only when it fits on the same line)."""
    for name in NAMES:
        page = staff_page(name, size, lang)
        helps = [b for b in page.buttons if b.name == "help"]
        assert len(helps) == 1, name
        assert isinstance(helps[0].action, Help), name
        drawn = [op.source for op in helps[0].ops if isinstance(op, TextBlock)]
        assert drawn == [t("footer.help_button", lang)], name
        said = " ".join(b.source for b in page.text_blocks())
        assert t("footer.hotline", lang) in said and "02-120" in said, name
        state, snap = staff_states(lang)[name]
        v = staff_view(state, snap, size).v
        places = [
            t("footer.nearest", lang, place=p) for p in (v.nearest_place, v.nearest_place_short)
        ]
        assert any(place in said for place in places) or state.inside, name
        footer = [op for op in page.ops if isinstance(op, TextBlock) and "02-120" in op.source]
        assert footer and all(op.box.bottom > size[1] * 0.85 for op in footer), name


def test_a_locked_keypad_has_no_keys_and_says_for_how_long() -> None:
    page = staff_page("pin-locked", (1280, 800), "ko")
    assert not [b for b in page.buttons if b.name.startswith("key:") or b.name == "ok"]
    assert {b.name for b in page.buttons} >= {"cancel", "help"}
    assert t("staff.pin.locked", minutes=4) in _texts("pin-locked")


@pytest.mark.parametrize("size", RESOLUTIONS)
@pytest.mark.parametrize("slots", ["overview", "overview-16-slots"])
def test_every_slot_is_on_a_page_with_its_count_and_state_in_words(
    size: tuple[int, int], slots: str
) -> None:
    state, snap = staff_states("en")[slots]
    seen: dict[int, str] = {}
    for index in range(len(snap.slots)):  # every page, whatever the page size
        page = build_staff_page(staff_view(replace(state, page=index), snap, size))
        for tile in page.buttons:
            if tile.name.startswith("slot:"):
                seen[int(tile.name.split(":")[1])] = " ".join(
                    op.source for op in tile.ops if isinstance(op, TextBlock)
                )
    assert sorted(seen) == [s.number for s in snap.slots]
    for slot in snap.slots:
        words = translations().text("en", status_key(slot))
        assert f"{slot.count} / {slot.capacity}" in seen[slot.number]
        assert words in seen[slot.number]


def test_the_overview_counts_the_alerts() -> None:
    _, snap = staff_states("ko")["overview"]
    assert t("staff.overview.alerts", n=len(snap.alerts)) in _texts("overview")
    assert t("staff.overview.all_well") in _texts("overview-all-well")


def test_sixteen_slots_are_paged_and_every_slot_is_reachable() -> None:
    page = staff_page("overview-16-slots", (800, 480), "ko")
    assert {"page:next", "page:prev"} <= {b.name for b in page.buttons}


def test_the_board_alert_leads_the_overview() -> None:
    shown = _texts("overview-16-slots")
    assert t("staff.alert.board") in shown


def test_slot_screen_offers_refill_count_and_out_of_use() -> None:
    names = {b.name for b in staff_page("slot", (800, 480), "ko").buttons}
    assert {"fill", "minus", "plus", "save", "enable"} <= names  # slot 4 has a motor fault
    names = {b.name for b in staff_page("slot-disabled", (800, 480), "ko").buttons}
    assert "enable" in names
    state, snap = staff_states("ko")["slot"]
    healthy = build_staff_page(staff_view(replace(state, slot=1), snap, (800, 480)))
    assert "disable" in {b.name for b in healthy.buttons}


def test_content_screen_shows_version_counts_and_the_check() -> None:
    shown = _texts("content")
    assert "3fa9c01b" in shown and t("staff.content.check_ok") in shown
    refused = _texts("content-refused")
    assert t("staff.content.check_failed", n=3) in refused


def test_stats_screen_shows_todays_numbers() -> None:
    shown = _texts("stats")
    assert t("staff.stats.visits", started=12, completed=9, abandoned=3) in shown
    assert t("staff.stats.abandoned_at", screen=t("staff.screen.mood")) in shown
    assert t("staff.stats.mood", taken=7, skipped=5) in shown
    assert t("staff.stats.items", dispensed=8, failed=1) in shown


def test_hardware_screen_counts_down_the_drop_test() -> None:
    shown = _texts("hardware-drop-test")
    assert t("staff.hardware.drop_waiting", seconds=12) in shown
    assert t("staff.hardware.board_lost") in shown
    assert t("staff.hardware.door_open") in shown
    assert NOW  # the countdown is measured from the view's now


def test_stats_screen_shows_a_crash_even_on_a_quiet_day() -> None:
    from kiosk.reports.stats import Totals
    from kiosk.staff.screens.stats import lines

    state, snap = staff_states("ko")["stats"]
    sv = staff_view(state, snap, (800, 480))
    quiet = [line.text for line in lines(sv, Totals({("crash", ""): 2}))]
    assert t("staff.stats.crashes", n=2) in quiet
    assert t("staff.stats.none") in quiet
    calm = [line.text for line in lines(sv, Totals({}))]
    assert not any(t("staff.stats.crashes", n=2) == text for text in calm)
