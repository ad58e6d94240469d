"""Goodbye: a warm word, then back to attract by itself (or at a touch)."""

from __future__ import annotations

from kiosk.ui.scene import split_rows
from kiosk.visit.flow import GoHome
from kiosk.visit.screens.base import Page, View, chrome


def build(v: View) -> Page:
    page = Page()
    area = chrome(v, [("home", v.t("footer.home"), GoHome())], page)
    m = v.metrics
    rows = split_rows(area, [None, v.typesetter.line_height(m.title_px), None], m.gap)
    page.add(
        v.text(
            v.t("goodbye.title"),
            rows[1],
            px=m.title_px,
            bold=True,
            color=v.palette.primary,
            align="center",
            valign="middle",
            max_lines=1,
        )
    )
    page.add(v.text(v.t("goodbye.text"), rows[2], px=m.heading_px, align="center"))
    return page
