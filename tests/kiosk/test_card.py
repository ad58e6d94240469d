"""The one prescription card: the same wherever it appears, with everything a pharmacy slip
has (seal, number, date, symptom, medicine, phrase, 복용법, the next step, the gift's
picture), on paper in black and white, and a slip number that goes on after a restart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pygame
import pytest

from kiosk.cabinet.cabinet import LEDGER_FILE
from kiosk.cabinet.ledger import Ledger
from kiosk.reports.stats import day_bounds, prescriptions_given
from kiosk.ui.contrast import contrast_ratio
from kiosk.ui.i18n import Texts
from kiosk.ui.scene import Picture
from kiosk.ui.theme import Palette
from kiosk.visit.card import (
    MONO,
    Card,
    CardKit,
    CardLook,
    card_for_visit,
    item_picture,
    layout_card,
    slip_image,
)
from kiosk.visit.card.layout import SPARE
from kiosk.visit.flow import SlipStamp
from kiosk.visit.screens.base import Page
from kiosk.visit.slips import SlipBook
from tests.kiosk.ui_support import STAMP, bundled, fonts, page_for, states, translations

CARD_SCREENS = ("prescription", "dispensing", "take-dispensed")


def the_card(lang: str = "ko") -> Card:
    visit = states(bundled(), lang)["prescription"].visit
    card = card_for_visit(visit, bundled(), Texts(translations(), lang), "손난로")
    assert card is not None
    return card


def card_blocks(page: Page, card: Card) -> list[tuple[str, tuple[int, ...]]]:
    return [
        (b.source, tuple(b.box))
        for b in page.text_blocks()
        if any(t in b.source for t in card.texts)
    ]


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080), (720, 1280)])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_card_is_the_same_on_every_screen_that_shows_it(
    size: tuple[int, int], lang: str
) -> None:
    card = the_card(lang)
    seen = [card_blocks(page_for(states(bundled(), lang)[s], size), card) for s in CARD_SCREENS]
    assert seen[0] and seen[0] == seen[1] == seen[2]
    shown = " / ".join(text for text, _ in seen[0])
    for part in (card.number, card.date, card.symptom, card.medicine, card.phrase, card.dosage):
        assert part in shown, part
    assert card.step in shown  # the one next step, with its number


@pytest.mark.parametrize("size", [(800, 480), (1024, 600)])
def test_on_a_7_inch_screen_the_card_moves_aside_whole(size: tuple[int, int]) -> None:
    """The prescription screen sets the card over the whole screen; dispensing and take-item
    show that same card, made smaller, beside what they say."""
    card = the_card()
    full = page_for(states(bundled(), "ko")["prescription"], size)
    assert card.phrase in [text for text, _ in card_blocks(full, card)]
    for name in CARD_SCREENS[1:]:
        page = page_for(states(bundled(), "ko")[name], size)
        pictures = [op for op in page.ops if isinstance(op, Picture)]
        smaller = max(pictures, key=lambda p: p.surface.get_width() * p.surface.get_height())
        w, h = smaller.surface.get_size()
        assert w < size[0] * 0.7 and h > size[1] // 4  # a real card's size, not an icon
        assert not card_blocks(page, card)  # not set again at a size below 4.8 mm


def test_every_card_has_a_seal_and_its_gift_pictured() -> None:
    layout = layout_card(the_card(), pygame.Rect(0, 0, 760, 580), kit())
    assert layout.fits and layout.left_out == ()
    assert layout.decor.seal.width > 0
    assert layout.decor.picture is not None and layout.decor.item == "hand_warmer"


def kit(look: CardLook | None = None) -> CardKit:
    from kiosk.ui.scene import Typesetter

    return CardKit(Typesetter(fonts(), 33), 33, 36, 52, look or CardLook.screen(Palette()))


def test_a_card_with_no_gift_says_so_where_the_picture_would_be() -> None:
    visit = states(bundled(), "ko")["prescription-no-item"].visit
    card = card_for_visit(visit, bundled(), Texts(translations(), "ko"), "")
    assert card is not None and card.item is None
    layout = layout_card(card, pygame.Rect(0, 0, 760, 580), kit())
    assert layout.decor.picture is None
    note = translations().text("ko", "prescription.no_item_note")
    assert note in [b.source for b in layout.blocks]


def test_every_item_kind_has_a_picture_of_its_own() -> None:
    kinds = [item.id for item in bundled().items]
    assert kinds
    drawn = {k: pygame.image.tobytes(item_picture(k, 96), "RGBA") for k in kinds}
    assert len(set(drawn.values())) == len(kinds)  # no two gifts look the same
    gift_box = pygame.image.tobytes(item_picture("something-new", 96), "RGBA")
    assert gift_box not in drawn.values()  # a kind added later gets the gift box
    for k in kinds:
        picture = item_picture(k, 96)
        covered = pygame.mask.from_surface(picture).count()
        assert 96 * 96 // 10 < covered < 96 * 96, k  # something drawn, not a filled square


@pytest.mark.parametrize("width", [384, 576])
def test_the_printed_slip_is_black_on_white_at_the_printers_width(width: int) -> None:
    card = the_card()
    slip = slip_image(card, width, fonts())
    assert slip.get_width() == width and slip.get_height() > width // 2
    assert slip.get_at((0, 0))[:3] == (255, 255, 255)
    colours = {
        slip.get_at((x, y))[:3] for x in range(0, width, 3) for y in range(0, slip.get_height(), 3)
    }
    assert all(r == g == b for r, g, b in colours), "grey levels only: no colour, no tint"
    darkest = min(r for r, _, _ in colours)
    assert darkest < 40  # real ink
    longer = replace(card, phrase=card.phrase + " " + card.phrase)
    assert slip_image(longer, width, fonts()).get_height() > slip.get_height()  # paper grows


def test_the_printed_slip_has_every_part_of_the_card() -> None:
    from kiosk.visit.card import natural_height
    from kiosk.visit.card.layout import attempt

    card = the_card("en")
    k = CardKit.for_paper(fonts(), 576)
    height = natural_height(card, 576, k)
    layout = attempt(card, pygame.Rect(0, 0, 576, height), k, 1.0)
    assert layout.fits
    shown = " ".join(b.source for b in layout.blocks)
    for part in (card.number, card.date, card.symptom, card.medicine, card.phrase, card.step):
        assert part in shown


def test_in_high_contrast_the_paper_is_plain_and_every_ink_reads() -> None:
    palette = Palette()
    plain = CardLook.screen(palette, plain=True)
    layout = layout_card(the_card(), pygame.Rect(0, 0, 760, 580), kit(plain))
    from kiosk.visit.card.paper import paper

    surface = paper(layout.decor, plain, fonts(), ("마음", "약방"))
    inside = pygame.Rect(40, layout.decor.size[1] // 2, 300, 4)  # a stretch of bare paper
    bare = {
        surface.get_at((x, y))[:3]
        for x in range(inside.left, inside.right)
        for y in range(inside.top, inside.bottom)
    }
    assert len(bare) <= 2, "no grain behind the text"
    for ink in (plain.ink, plain.muted, plain.accent, plain.warn):
        assert contrast_ratio(ink, plain.paper) >= 4.5
    assert MONO.texture is False and MONO.paper == (255, 255, 255)


def test_a_long_card_on_a_7_inch_screen_leaves_out_the_least_needed_first() -> None:
    rx = max(bundled().prescriptions, key=lambda p: len(p.phrase.get("en")))
    visit = replace(states(bundled(), "en")["prescription-help-first"].visit, prescription=rx.id)
    card = card_for_visit(visit, bundled(), Texts(translations(), "en"), "x")
    assert card is not None
    from kiosk.shell.app import glyph_ratio
    from kiosk.ui.scene import Typesetter
    from kiosk.ui.theme import metrics_for, panel

    m = metrics_for(panel(800, 480), glyph_ratio(fonts()))
    small = CardKit.for_screen(Typesetter(fonts(), m.min_px), m, CardLook.screen(Palette()))
    layout = layout_card(card, pygame.Rect(0, 0, 786, 327), small)
    assert layout.fits
    assert layout.left_out == SPARE[: len(layout.left_out)]  # in the documented order
    shown = " / ".join(b.source for b in layout.blocks)
    for part in (card.medicine, card.phrase, card.dosage, card.step, card.number):
        assert part in shown  # never the medicine, the phrase, 복용법, the step or the number


# --- the slip's number --------------------------------------------------------------------------


def test_slips_are_numbered_through_the_day_and_start_again_the_next() -> None:
    book = SlipBook()
    day = date(2026, 11, 30)
    assert [book.next(day).number for _ in range(3)] == [1, 2, 3]
    assert book.next(date(2026, 12, 1)) == SlipStamp(date(2026, 12, 1), 1)
    assert SlipStamp(day, 42).code == "2026-1130-042"


def test_the_number_goes_on_after_a_restart_from_the_counts_already_kept(tmp_path: Path) -> None:
    noon = datetime(2026, 11, 30, 12, 0)
    ledger = Ledger(tmp_path / LEDGER_FILE, now=lambda: noon.astimezone())
    for _ in range(41):
        ledger.count("prescription", "lonely-001", when=noon)
    ledger.count("prescription", "lonely-001", when=noon.replace(day=29))  # yesterday's
    issued = prescriptions_given(ledger.counts(*day_bounds(noon.date(), noon.date())))
    ledger.close()
    book = SlipBook()
    book.seed(noon.date(), issued)
    assert book.next(noon.date()).number == 42
    book.seed(noon.date(), 10)  # a late, smaller count never hands out a number twice
    assert book.next(noon.date()).number == 43


def test_the_same_number_and_date_show_on_the_screen_and_on_paper() -> None:
    from kiosk.visit.card import natural_height
    from kiosk.visit.card.layout import attempt

    card = the_card()
    assert STAMP.code in card.number and card.date == "2026년 12월 31일"
    screen = page_for(states(bundled(), "ko")["prescription"], (1280, 800))
    on_screen = {b.source for b in screen.text_blocks()}
    paper = CardKit.for_paper(fonts(), 384)
    layout = attempt(card, pygame.Rect(0, 0, 384, natural_height(card, 384, paper)), paper, 1.0)
    on_paper = {b.source for b in layout.blocks}
    assert {card.number, card.date} <= on_screen
    assert any(card.number in t for t in on_paper) and any(card.date in t for t in on_paper)
