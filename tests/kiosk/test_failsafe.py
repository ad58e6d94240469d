"""Whatever fails while a screen is built or drawn, the kiosk keeps running: the traceback goes
to the log, the visit is forgotten, and a plain screen shows the help lines until a touch."""

from __future__ import annotations

import logging
from dataclasses import replace

import pygame
import pytest

from kiosk.shell import failsafe
from kiosk.shell.config import KioskConfig
from kiosk.shell.runtime import build_runtime
from kiosk.ui.theme import panel
from kiosk.visit.flow import Screen
from kiosk.visit.screens import BUILDERS
from kiosk.visit.screens.base import Page, View
from tests.kiosk.ui_support import bundled, fonts, states

SIZE = (1024, 600)


def broken(view: View) -> Page:
    raise RuntimeError("a screen builder bug")


def has_colour(surface: pygame.Surface, colour: tuple[int, int, int]) -> bool:
    mask = pygame.mask.from_threshold(surface, colour, (1, 1, 1, 255))
    return mask.count() > 50


@pytest.mark.parametrize("screen", list(Screen))
def test_a_failing_screen_ends_on_the_failsafe_screen_and_the_kiosk_goes_on(
    screen: Screen, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config = replace(KioskConfig(), display=panel(*SIZE))
    rt = build_runtime(config, 0.0, fonts=fonts(), content=bundled())
    surface = pygame.Surface(SIZE)
    monkeypatch.setitem(BUILDERS, screen, broken)
    rt.session.state = replace(states(rt.session.content, "ko")[screen.value], last_activity=1.0)
    with caplog.at_level(logging.ERROR, logger="kiosk.shell.app"):
        assert rt.app.frame(surface, [], 1.0)
    assert any("a screen failed" in r.getMessage() and r.exc_info for r in caplog.records)
    assert surface.get_at((2, 2))[:3] == failsafe.BACKGROUND
    assert has_colour(surface, failsafe.ALERT)  # the title; the help lines follow in ink
    assert rt.session.state.screen in (Screen.ATTRACT, Screen.OUT_OF_SERVICE)
    assert rt.session.state.visit.symptom is None  # the visit is forgotten

    # Nothing is redrawn over it until someone touches the screen...
    assert not rt.app.frame(surface, [], 2.0)
    tap = pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(10, 10), button=1)
    drew = rt.app.frame(surface, [tap], 3.0)
    assert drew
    if screen is Screen.ATTRACT:  # still broken: the failsafe again, and still running
        assert surface.get_at((2, 2))[:3] == failsafe.BACKGROUND
    else:  # the normal screens are back
        assert rt.app.page.buttons


def test_the_failsafe_lines_come_from_the_translations_or_the_built_in_ones() -> None:
    from kiosk.ui.i18n import Texts, Translations

    texts = Texts(Translations.load(("ko", "en")), "ko")
    lines = failsafe.lines(texts)
    assert any("109" in line for line in lines) and any("1577-0199" in line for line in lines)
    assert any("02-120" in line for line in lines)

    def broken_texts(key: str) -> str:
        raise KeyError(key)

    assert failsafe.lines(broken_texts) == failsafe.BUILT_IN
