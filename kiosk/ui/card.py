"""The prescription card as staff tools see it: rendered and measured by the real screen code
(the one card of `kiosk.visit.card`, on the real prescription screen).

`content check` asks `card_fit_problem` whether a prescription fits the prescription screen at
the smallest supported panel; `content preview` draws it with `render_card`. On that panel a
long card may leave out its date, then its symptom, then its picture (see
`kiosk.visit.card.layout.SPARE`); only text that would be cut is a problem.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import pygame

from kiosk.shell.config import KioskConfig
from kiosk.ui.fonts import FontBook
from kiosk.ui.i18n import Texts, Translations
from kiosk.ui.scene import Renderer, Typesetter
from kiosk.ui.theme import Metrics, Palette, metrics_for, panel
from kiosk.visit.flow import FlowState, Screen, SlipStamp, Visit
from kiosk.visit.screens import build_page
from kiosk.visit.screens.base import Page, UiState, View
from prescriptions.facts import Facts
from prescriptions.model import Content, Place, Prescription

SMALLEST = (800, 480)
# The widest number and date a slip can have in a year (a busy New Year's Eve): what the fit
# is measured with.
WIDEST_STAMP = SlipStamp(date(2026, 12, 31), 999)
FitCheck = Callable[[Prescription, str], "str | None"]


@dataclass(frozen=True)
class CardStage:
    """What every card at one size shares: sizes, fonts, screen text. Made once per check or
    preview run, not once per card (it measures the font and reads the text files)."""

    size: tuple[int, int]
    fonts: FontBook
    metrics: Metrics
    translations: Translations
    # One for the whole run: the chrome, footer and help lines are the same on every card,
    # so they are typeset once, not once per card.
    typesetter: Typesetter

    @classmethod
    def make(cls, size: tuple[int, int], fonts: FontBook | None = None) -> CardStage:
        from kiosk.shell.app import glyph_ratio

        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        book = fonts or FontBook()
        metrics = metrics_for(panel(*size), glyph_ratio(book))
        translations = Translations.load(KioskConfig().languages)
        return cls(size, book, metrics, translations, Typesetter(book, metrics.min_px))

    def page(self, rx: Prescription, content: Content, lang: str, help_first: bool) -> Page:
        """The prescription screen for `rx`, with the longest symptom name of its category."""
        symptoms = [s for s in content.symptoms if s.category in rx.categories]
        longest = max(symptoms, key=lambda s: len(s.name.get(lang)), default=None)
        visit = Visit(
            symptom=longest.id if longest else None,
            prescription=rx.id,
            slot=1,
            show_help_first=help_first,
            stamp=WIDEST_STAMP,
            item=rx.items[0] if rx.items else None,
        )
        # Measured with the place whose footer and placeholders take the most room, so the
        # card fits on every machine, whichever place it names.
        texts = Texts(self.translations, lang, Facts(content, _widest_place(content, lang)))
        item = texts("items.fallback")
        if rx.items:
            with contextlib.suppress(KeyError):
                item = content.item(rx.items[0]).name.get(lang) or item
        if _stored(content, rx.id) != rx:  # measure the text given, not a stored namesake
            others = tuple(p for p in content.prescriptions if p.id != rx.id)
            content = replace(content, prescriptions=(*others, rx))
        view = View(
            state=FlowState(Screen.PRESCRIPTION, lang, "ko", visit=visit),
            texts=texts,
            typesetter=self.typesetter,
            metrics=self.metrics,
            palette=Palette(),
            content=content,
            simulated=False,
            now=0.0,
            ui=UiState(),
            item_name=lambda _slot: item,
            nearest_place=texts("footer.place"),
            nearest_place_short=texts("footer.place_short"),
        )
        return build_page(view)


def _stored(content: Content, prescription_id: str) -> Prescription | None:
    """The content's prescription of that id, by its index: looking through the whole tuple
    for every card made checking n prescriptions cost n² comparisons."""
    try:
        return content.prescription(prescription_id)
    except KeyError:
        return None


def _widest_place(content: Content, lang: str) -> str:
    """The id of the place with the longest texts in `lang` ("" when there is none)."""

    def size(p: Place) -> int:
        return sum(len(t.get(lang)) for t in (p.name, p.district, p.address, p.hours))

    return max(content.places, key=size).id if content.places else ""


def make_fit_check(
    content: Content, size: tuple[int, int] = SMALLEST, fonts: FontBook | None = None
) -> FitCheck:
    """A `fits` callable for `prescriptions.checks`: None when the card fits, else why."""
    stage = CardStage.make(size, fonts)

    def fits(rx: Prescription, lang: str) -> str | None:
        for help_first in (False, True):
            page = stage.page(rx, content, lang, help_first)
            for block in page.text_blocks():
                if block.truncated:
                    where = "도움 안내와 함께" if help_first else "처방전"
                    return (
                        f"{size[0]}x{size[1]} 화면의 {where}에 다 들어가지 않아요: "
                        f"'{block.source[:30]}…'"
                    )
        return None

    return fits


def render_card(
    prescription: Prescription,
    content: Content,
    lang: str,
    size: tuple[int, int],
    *,
    fonts: FontBook | None = None,
    help_first: bool = False,
    stage: CardStage | None = None,
) -> pygame.Surface:
    """The prescription screen as a visitor sees it, as a surface (for PNG previews). Pass
    the same `stage` for every card of a run."""
    stage = stage if stage is not None and stage.size == size else CardStage.make(size, fonts)
    page = stage.page(prescription, content, lang, help_first)
    surface = pygame.Surface(size)
    surface.fill(Palette().background)
    renderer = Renderer(stage.fonts)
    renderer.draw(surface, page.ops)
    for b in page.buttons:
        renderer.draw(surface, b.ops)
    return surface
