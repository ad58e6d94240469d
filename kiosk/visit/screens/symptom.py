"""Symptom: the witty symptom names as big buttons, a page at a time."""

from __future__ import annotations

import pygame

from kiosk.ui.fonts import Weight
from kiosk.ui.scene import grid, split_cols, split_rows
from kiosk.visit.flow import Back, ChooseSymptom, GoHome
from kiosk.visit.screens.base import Page, PageTurn, View, button, chrome


def layout_size(v: View, area: pygame.Rect) -> tuple[int, int]:
    """Columns and rows of symptom buttons that fit with readable text."""
    m = v.metrics
    cols = 3 if area.width >= 1100 or (area.width >= 900 and not m.portrait) else 2
    if m.portrait:
        cols = 2
    # Fewer columns when the longest name would not fit on one line even at the smallest size.
    longest = max((s.name.get(v.texts.lang) for s in v.content.symptoms), key=len, default="")
    pad = 2 * max(m.gap, m.radius) + m.gap
    while (
        cols > 1
        and v.typesetter.fonts.measure(longest, m.min_px, Weight.BOLD)
        > (area.width - (cols - 1) * m.gap) // cols - pad
    ):
        cols -= 1
    cell_h = v.typesetter.line_height(m.body_px) + v.typesetter.line_height(m.min_px) * 2
    cell_h = max(m.target_px, cell_h + m.gap)
    rows = max(1, (area.height + m.gap) // (cell_h + m.gap))
    if rows < 3:  # small screens: names only, more per page
        rows = max(1, (area.height + m.gap) // (m.target_px + m.gap))
    return cols, rows


def build(v: View) -> Page:
    page = Page()
    area = chrome(
        v, [("home", v.t("footer.home"), GoHome()), ("back", v.t("footer.back"), Back())], page
    )
    m, lang = v.metrics, v.texts.lang
    title_h = v.typesetter.line_height(m.heading_px)
    symptoms = v.content.symptoms
    rows = split_rows(area, [title_h, None, m.target_px], m.gap)
    page.add(v.text(v.t("symptom.title"), rows[0], px=m.heading_px, bold=True, max_lines=1))
    cols, nrows = layout_size(v, rows[1])
    per_page = cols * nrows
    pages = max(1, -(-len(symptoms) // per_page))
    index = v.ui.list_page % pages
    shown = symptoms[index * per_page : (index + 1) * per_page]
    for i, (cell, s) in enumerate(zip(grid(rows[1], cols, nrows, m.gap), shown, strict=False)):
        page.add_button(
            button(
                v,
                f"symptom:{s.id}",
                cell,
                v.texts.fill(s.name.get(lang)),
                ChooseSymptom(s.id),
                style="choice",
                primary=i == 0,
                sublabel=v.texts.fill(s.description.get(lang)),
            )
        )
    if pages > 1:
        nav = split_cols(rows[2], [None, None, None], m.gap)
        page.add_button(button(v, "page:prev", nav[0], "◀", PageTurn(-1)))
        page.add(
            v.text(
                v.t("symptom.page", page=index + 1, pages=pages),
                nav[1],
                align="center",
                valign="middle",
                max_lines=1,
            )
        )
        page.add_button(button(v, "page:next", nav[2], v.t("symptom.more") + " ▶", PageTurn(+1)))
    else:
        page.add(v.text(v.t("symptom.hint"), rows[2], px=m.min_px, valign="middle"))
    return page
