"""One module per screen; `build_page(view)` picks the right one for the flow's screen."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.visit.flow import Screen
from kiosk.visit.screens import (
    attract,
    dispensing,
    goodbye,
    help,
    info,
    mood,
    more_time,
    out_of_service,
    prescription,
    symptom,
    take_item,
    voice_controls,
)
from kiosk.visit.screens.base import Page, View

BUILDERS: dict[Screen, Callable[[View], Page]] = {
    Screen.ATTRACT: attract.build,
    Screen.SYMPTOM: symptom.build,
    Screen.MOOD: mood.build,
    Screen.PRESCRIPTION: prescription.build,
    Screen.DISPENSING: dispensing.build,
    Screen.TAKE_ITEM: take_item.build,
    Screen.INFO: info.build,
    Screen.GOODBYE: goodbye.build,
    Screen.HELP: help.build,
    Screen.OUT_OF_SERVICE: out_of_service.build,
}


def build_page(view: View) -> Page:
    """The page for the flow's current screen, with the voice's controls over it when open
    and the "more time?" prompt on top if due."""
    page = BUILDERS[view.state.screen](view)
    if voice_controls.shown(view):
        page = voice_controls.overlay(view, page)
    if view.state.prompting:
        page = more_time.overlay(view, page)
    return page
