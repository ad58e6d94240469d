"""Take the item (or an honest, kind word about why there is none); the slip stays."""

from __future__ import annotations

from hardware.dispenser import VendOutcome
from kiosk.ui.scene import split_cols, split_rows
from kiosk.visit.flow import Continue, GoHome
from kiosk.visit.printing.words import with_slip_note
from kiosk.visit.screens.base import Page, View, button, chrome
from kiosk.visit.screens.prescription import prescription_slip


def build(v: View) -> Page:
    page = Page()
    area = chrome(v, [("home", v.t("footer.home"), GoHome())], page)
    m, p = v.metrics, v.palette
    outcome = v.state.visit.outcome or VendOutcome.UNVERIFIED
    key = outcome.value
    if m.portrait:
        message, card = split_rows(area, [area.height * 2 // 5, None], m.gap)
    else:
        message, card = split_cols(area, [area.width // 2, None], m.gap)
    rows = split_rows(
        message, [v.typesetter.line_height(m.heading_px) * 2, None, m.target_px], m.gap
    )
    good = outcome is VendOutcome.DISPENSED
    page.add(
        v.text(
            v.t(f"take_item.{key}_title"),
            rows[0],
            px=m.heading_px,
            bold=True,
            color=p.primary if good else p.text,
            valign="bottom",
        )
    )
    body = with_slip_note(v, v.t(f"take_item.{key}", item=v.item_name(v.state.visit.slot)))
    page.add(v.text(body, rows[1]))
    page.add_button(
        button(
            v, "continue", rows[2], v.t("take_item.next"), Continue(), style="primary", primary=True
        )
    )
    page.add(*prescription_slip(v, card, compact=True))
    return page
