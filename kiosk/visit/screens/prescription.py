"""Prescription: the slip, and the button that fetches the item that goes with it."""

from __future__ import annotations

import pygame

from kiosk.ui.scene import Op, split_cols, split_rows
from kiosk.visit.flow import Continue, GoHome
from kiosk.visit.screens.base import Page, View, button, chrome
from kiosk.visit.screens.slip import slip


def build(v: View) -> Page:
    page = Page()
    m = v.metrics
    visit = v.state.visit
    if visit.slot is not None and v.state.dispensing_ok:
        label = v.t("prescription.get_item", item=v.item_name(visit.slot))
        note = ""
    else:
        label, note = v.t("prescription.no_item"), v.t("prescription.no_item_note")
    home = [("home", v.t("footer.home"), GoHome())]
    if short_screen(v):  # every line counts: the action moves up into the bar
        area = chrome(v, home, page, action=("continue", label, Continue()))
        page.add(*prescription_slip(v, area))
        return page
    area = chrome(v, home, page)
    action_h = max(m.target_px, 2 * v.typesetter.line_height(m.min_px) if note else 0)
    if m.portrait and note:  # narrow: the note gets a row of its own above the button
        slip_area, note_row, action_row = split_rows(area, [None, action_h, m.target_px], m.gap)
        page.add(*prescription_slip(v, slip_area))
        page.add(v.text(note, note_row, px=m.min_px, valign="middle", max_lines=2))
        page.add_button(
            button(v, "continue", action_row, label, Continue(), style="primary", primary=True)
        )
        return page
    rows = split_rows(area, [None, action_h], m.gap)
    page.add(*prescription_slip(v, rows[0]))
    width = min(rows[1].width, max(rows[1].width * 2 // 5, 5 * m.target_px))
    cols = split_cols(rows[1], [None, width], m.gap)
    if note:
        page.add(v.text(note, cols[0], px=m.min_px, valign="middle", max_lines=2))
    page.add_button(
        button(v, "continue", cols[1], label, Continue(), style="primary", primary=True)
    )
    return page


def short_screen(v: View) -> bool:
    return not v.metrics.portrait and v.metrics.height < 700


def prescription_slip(v: View, rect: pygame.Rect, compact: bool = False) -> list[Op]:
    """The visitor's slip, or nothing when the visit has none (yet)."""
    visit = v.state.visit
    if visit.prescription is None:
        return []
    try:
        rx = v.content.prescription(visit.prescription)
    except KeyError:
        return []
    name = ""
    if visit.symptom:
        try:
            name = v.texts.fill(v.content.symptom(visit.symptom).name.get(v.texts.lang))
        except KeyError:
            name = ""
    return slip(v, rect, rx, name, visit.show_help_first, compact)
