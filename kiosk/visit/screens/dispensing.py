"""Dispensing: the item is on its way; the slip stays in view."""

from __future__ import annotations

import math

import pygame

from kiosk.ui.scene import Box, split_cols, split_rows
from kiosk.visit.flow import GoHome
from kiosk.visit.printing.words import with_slip_note
from kiosk.visit.screens.base import Page, View, chrome
from kiosk.visit.screens.prescription import prescription_slip


def build(v: View) -> Page:
    page = Page(animated=True)
    area = chrome(v, [("home", v.t("footer.home"), GoHome())], page)
    m, p = v.metrics, v.palette
    if m.portrait:
        top, bottom = split_rows(area, [area.height // 3, None], m.gap)
        message, card = top, bottom
    else:
        message, card = split_cols(area, [area.width * 2 // 5, None], m.gap)
    rows = split_rows(message, [None, m.target_px, None], m.gap)
    page.add(
        v.text(
            v.t("dispensing.title"),
            rows[0],
            px=m.heading_px,
            bold=True,
            align="center",
            valign="bottom",
        )
    )
    page.add(*_dots(v, rows[1]))
    wait = with_slip_note(v, v.t("dispensing.wait"))
    page.add(v.text(wait, rows[2], color=p.muted, align="center"))
    page.add(*prescription_slip(v, card, compact=True))
    return page


def _dots(v: View, row: pygame.Rect) -> list[Box]:
    """Three dots that take turns growing: it is working, without a spinner's urgency."""
    phase = (v.now - v.state.entered_at) * 2.0
    size = row.height // 3
    boxes = []
    for i in range(3):
        grow = 0.5 + 0.5 * max(0.0, math.sin(phase * math.pi / 1.5 - i * 0.9))
        r = max(2, int(size * (0.6 + 0.4 * grow)))
        cx = row.centerx + (i - 1) * size * 2
        boxes.append(Box(pygame.Rect(cx - r, row.centery - r, 2 * r, 2 * r), v.palette.primary, r))
    return boxes
