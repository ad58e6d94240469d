"""The PIN keypad: big number keys, the digits shown only as dots, and no hints.

After a wrong PIN it says only that it was wrong; after five, that staff mode is locked and for
how many minutes (the keys are gone until then).
"""

from __future__ import annotations

import pygame

from kiosk.staff.events import Digit, Erase, Submit
from kiosk.staff.screens.base import StaffPage, StaffView, Tone, chrome, staff_button
from kiosk.ui.scene import grid, split_cols, split_rows

DOT = "●"
KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "erase", "0", "ok")


def build(sv: StaffView) -> StaffPage:
    page = StaffPage()
    area = chrome(sv, page)
    m = sv.v.metrics
    locked = sv.state.gate.locked(sv.now)
    if locked:
        _status(sv, page, area)
        return page
    if m.portrait:
        top, pad = split_rows(area, [area.height * 2 // 5, None], 2 * m.gap)
    else:
        top, pad = split_cols(area, [None, min(area.width // 2, area.height * 5 // 4)], 2 * m.gap)
    _status(sv, page, top)
    _keypad(sv, page, pad)
    return page


def _status(sv: StaffView, page: StaffPage, area: pygame.Rect) -> None:
    """Title, the dots, and one line of news (checking / wrong / locked)."""
    v, m, state = sv.v, sv.v.metrics, sv.state
    tone: Tone
    title_h = v.typesetter.line_height(m.title_px)
    dots_h = v.typesetter.line_height(m.title_px)
    rows = split_rows(area, [title_h, dots_h, None], m.gap)
    page.add(v.text(sv.t("staff.pin.title"), rows[0], px=m.title_px, bold=True, max_lines=1))
    message, tone = "", "muted"
    if state.gate.locked(sv.now):
        message, tone = sv.t("staff.pin.locked", minutes=state.gate.minutes_left(sv.now)), "warn"
    elif state.checking:
        message = sv.t("staff.pin.checking")
    elif state.wrong:
        message, tone = sv.t("staff.pin.wrong"), "warn"
    if state.digits:
        dots = " ".join(DOT * len(state.digits))
        page.add(v.text(dots, rows[1], px=m.title_px, bold=True, valign="middle", max_lines=1))
    elif not state.gate.locked(sv.now):
        page.add(
            v.text(sv.t("staff.pin.prompt"), rows[1], color=sv.color("muted"), valign="middle")
        )
    if message:
        page.add(v.text(message, rows[2], bold=True, color=sv.color(tone)))


def _keypad(sv: StaffView, page: StaffPage, area: pygame.Rect) -> None:
    m = sv.v.metrics
    # Keys a little wider than tall: room for a word like 지우기 on one line.
    pad = pygame.Rect(0, 0, min(area.width, area.height * 5 // 4), area.height)
    pad.center = area.center
    for key, cell in zip(KEYS, grid(pad, 3, 4, m.gap), strict=True):
        if key == "erase":
            b = staff_button(sv, "erase", cell, sv.t("staff.pin.erase"), Erase())
        elif key == "ok":
            b = staff_button(sv, "ok", cell, sv.t("staff.pin.ok"), Submit(), style="primary")
        else:
            b = staff_button(
                sv, f"key:{key}", cell, key, Digit(int(key)), style="choice", primary=key == "1"
            )
        page.add_button(b)
