"""The layout check: every screen × resolution × language × access mode against the rules of
docs/screens.md ("Layout rules"): no paragraph ending on a lone word, no empty band taller than
a quarter of the screen, the main action a target's width from the help button, every string
a screen has drawn on it, nothing cut."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from kiosk.shell.app import glyph_ratio
from kiosk.ui.theme import metrics_for, panel
from kiosk.visit.flow import Access, FlowState, Mode, Screen
from kiosk.visit.screens import build_page
from kiosk.visit.screens.base import Page, UiState
from tests.kiosk.layout_rules import (
    OWNED_ELSEWHERE,
    SECTIONS,
    action_near_help,
    cut_or_outside,
    empty_bands,
    lone_last_words,
    missing_strings,
)
from tests.kiosk.ui_support import (
    LANGS,
    RESOLUTIONS,
    bundled,
    fonts,
    states,
    translations,
    view,
)

MODES = {
    "plain": Access(),
    "large": Access(frozenset({Mode.LARGE})),
    "contrast": Access(frozenset({Mode.CONTRAST})),
    "low": Access(frozenset({Mode.LOW})),
}
EVENING = datetime(2026, 11, 30, 22, 0)  # every place closed: "closed now" must show too
PAGED = {Screen.INFO: 6, Screen.SYMPTOM: 5}


def pages_of(state: FlowState, size: tuple[int, int], mode: str) -> list[Page]:
    low = Mode.LOW in MODES[mode]
    out = []
    for turn in range(PAGED.get(state.screen, 1)):
        v = view(state, size, bundled(), ui=UiState(list_page=turn), low_screen=low)
        out.append(build_page(v))
        if state.screen is Screen.INFO:
            out.append(build_page(replace(v, wall=EVENING)))
    return out


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("size", RESOLUTIONS, ids=[f"{w}x{h}" for w, h in RESOLUTIONS])
def test_every_screen_follows_the_layout_rules(size: tuple[int, int], mode: str) -> None:
    problems: list[str] = []
    target = metrics_for(panel(*size), glyph_ratio(fonts())).target_px
    roomy = size[1] >= 700 or size[1] > size[0]
    short = not roomy
    for lang in LANGS:
        by_screen: dict[str, list[Page]] = {}
        for name, state in states(bundled(), lang).items():
            state = replace(state, access=MODES[mode])
            for page in pages_of(state, size, mode):
                where = f"{name} {lang}"
                problems += [f"{where}: {p}" for p in lone_last_words(page.text_blocks())]
                if (state.screen.value, "empty band") not in OWNED_ELSEWHERE:
                    problems += [f"{where}: {p}" for p in empty_bands(page, size)]
                problems += [f"{where}: {p}" for p in action_near_help(page, target)]
                problems += [f"{where}: {p}" for p in cut_or_outside(page, size)]
                if not state.prompting:
                    by_screen.setdefault(state.screen.value, []).append(page)
        table = translations().tables["ko"] | translations().tables[lang]  # ko fills gaps
        for screen in SECTIONS:
            pages = by_screen.get(screen, [])
            found = missing_strings(screen, pages, table, roomy=roomy, short=short)
            problems += [f"{screen} {lang}: {p}" for p in found]
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])
