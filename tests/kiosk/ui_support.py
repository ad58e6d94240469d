"""Helpers for screen tests: the bundled content, views of any screen at any size."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from functools import cache

from hardware.dispenser import VendOutcome
from kiosk.shell.app import glyph_ratio
from kiosk.shell.config import BUNDLED_CONTENT
from kiosk.ui.fonts import FontBook
from kiosk.ui.i18n import Texts, Translations
from kiosk.ui.scene import Typesetter
from kiosk.ui.theme import PANELS, Palette, metrics_for, panel
from kiosk.visit.flow import FlowState, Screen, Slip, SlipStamp, Visit
from kiosk.visit.screens import build_page
from kiosk.visit.screens.base import Page, UiState, View
from prescriptions.checks import check_directory
from prescriptions.facts import Facts
from prescriptions.model import Content

RESOLUTIONS = tuple(PANELS)
LANGS = ("ko", "en")
WALL = datetime(2026, 11, 30, 14, 0)  # a Monday afternoon: some places open, one unknown
STAMP = SlipStamp(date(2026, 12, 31), 142)  # the widest number and date of a year


@cache
def fonts() -> FontBook:
    return FontBook()


@cache
def bundled() -> Content:
    result = check_directory(BUNDLED_CONTENT)
    assert result.ok, result.issues[:5]
    return result.content


@cache
def typesetter(min_px: int) -> Typesetter:
    """One per size for the whole test run: laid-out text is cached, as in the kiosk."""
    return Typesetter(fonts(), min_px)


@cache
def translations() -> Translations:
    return Translations.load(LANGS)


def a_visit(
    content: Content,
    outcome: VendOutcome | None = None,
    help_first: bool = False,
    answers: tuple[int, ...] = (3, 2, 3),
) -> Visit:
    # The longest phrase in the content: the hardest case for the layout.
    rx = max(content.prescriptions, key=lambda p: len(p.phrase.get("ko")))
    symptom = next(s for s in content.symptoms if s.category in rx.categories)
    return Visit(
        symptom=symptom.id,
        answers=answers,
        prescription=rx.id,
        slot=4,
        show_help_first=help_first,
        outcome=outcome,
        stamp=STAMP,
        item="hand_warmer",
    )


def states(content: Content, lang: str) -> dict[str, FlowState]:
    """One state per thing a visitor can see."""
    base = FlowState(Screen.ATTRACT, lang, "ko")
    visit = a_visit(content)
    out = {s.value: replace(base, screen=s, visit=visit) for s in Screen}
    out["mood"] = replace(base, screen=Screen.MOOD, visit=Visit(symptom=visit.symptom))
    out["mood-2"] = replace(out["mood"], visit=Visit(symptom=visit.symptom, answers=(1,)))
    out["mood-3"] = replace(out["mood"], visit=Visit(symptom=visit.symptom, answers=(1, 2)))
    out["mood-choosing"] = replace(out["mood"], visit=replace(visit, prescription=None))
    out["prescription-help-first"] = replace(
        out["prescription"], visit=a_visit(content, help_first=True)
    )
    out["prescription-no-item"] = replace(
        out["prescription"], visit=replace(visit, slot=None, item=None)
    )
    out["help-person-called"] = replace(out["help"], person_called=True)
    out["goodbye-answered"] = replace(out["goodbye"], visit=replace(visit, feedback=True))
    for outcome in VendOutcome:
        out[f"take-{outcome.value}"] = replace(
            base, screen=Screen.TAKE_ITEM, visit=a_visit(content, outcome)
        )
    # What the screens say about the printed slip, beside each outcome's own words.
    for outcome in VendOutcome:
        printed = replace(a_visit(content, outcome), slip=Slip.NOT_PRINTED)
        out[f"take-{outcome.value}-no-slip"] = replace(out[f"take-{outcome.value}"], visit=printed)
    out["take-dispensed-slip-printing"] = replace(
        out["take-dispensed"],
        visit=replace(a_visit(content, VendOutcome.DISPENSED), slip=Slip.PRINTING),
    )
    for slip in (Slip.PRINTING, Slip.NOT_PRINTED):
        out[f"dispensing-slip-{slip.value}"] = replace(
            out["dispensing"], visit=replace(visit, slip=slip)
        )
    out["more-time"] = replace(out["symptom"], prompt_until=15.0)
    out["help-more-time"] = replace(out["help"], prompt_until=15.0)
    return out


def view(
    state: FlowState,
    size: tuple[int, int],
    content: Content,
    *,
    ui: UiState | None = None,
    simulated: bool = True,
    low_screen: bool = False,
) -> View:
    display = replace(panel(*size), low_screen=low_screen)
    metrics = metrics_for(display, glyph_ratio(fonts()))
    # As the kiosk does (App.view): the content's facts, and a machine whose nearest place is
    # the first in places.toml.
    texts = Texts(translations(), state.language, Facts(content, content.places[0].id))
    ui = ui or UiState()
    return View(
        state=state,
        texts=texts,
        typesetter=typesetter(metrics.min_px),
        metrics=metrics,
        palette=Palette(),
        content=content,
        simulated=simulated,
        now=5.0,
        ui=ui,
        item_name=lambda _slot: texts("items.fallback"),
        low_screen=low_screen,
        nearest_place=texts("footer.place"),
        nearest_place_short=texts("footer.place_short"),
        wall=WALL,
    )


def page_for(
    state: FlowState,
    size: tuple[int, int],
    *,
    ui: UiState | None = None,
    simulated: bool = True,
    low_screen: bool = False,
) -> Page:
    return build_page(
        view(state, size, bundled(), ui=ui, simulated=simulated, low_screen=low_screen)
    )
