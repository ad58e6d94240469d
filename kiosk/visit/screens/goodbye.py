"""Goodbye: a warm word, one optional tap ("did it help?"), then back to attract by itself.

The answer is counted against the prescription, anonymously (`card_helped` / `card_unsure`),
so that staff can see which cards visitors liked least and retire them (`stats`)."""

from __future__ import annotations

import pygame

from kiosk.ui.scene import Picture, split_cols, split_rows
from kiosk.visit.card import item_picture
from kiosk.visit.flow import Feedback, GoHome
from kiosk.visit.screens.base import Page, View, button, chrome


def build(v: View) -> Page:
    page = Page()
    area = chrome(v, [("home", v.t("footer.home"), GoHome())], page)
    m, p = v.metrics, v.palette
    visit = v.state.visit
    ask = visit.prescription is not None
    side = max(m.target_px, min(area.height // 4, 3 * m.target_px))  # the gift, waving goodbye
    title_h = v.typesetter.line_height(m.title_px) * (2 if m.portrait else 1)
    text_h = v.typesetter.line_height(m.heading_px) * 3
    ask_h = v.typesetter.line_height(m.body_px) + m.gap + m.target_px if ask else 0
    used = side + title_h + text_h + ask_h + 4 * m.gap
    if used > area.height:  # a 7-inch screen: no room for the picture
        used, side = used - side - m.gap, 0
    top = area.y + max(0, (area.height - used) // 2)  # the whole group centred: no empty band
    group = pygame.Rect(area.x, top, area.width, min(area.height, used))
    picture_row, *rows = split_rows(group, [side, title_h, text_h, ask_h], m.gap)
    if side:
        gift = v.state.visit.item

        def make() -> pygame.Surface:
            return item_picture(gift, side)

        picture = v.pictures.get(("gift", gift, side), make) if v.pictures else make()
        page.add(Picture(picture, picture.get_rect(midtop=picture_row.midtop).topleft))
    page.add(
        v.text(
            v.t("goodbye.title"),
            rows[0],
            px=m.title_px,
            bold=True,
            color=p.primary,
            align="center",
            valign="middle",
        )
    )
    page.add(v.text(v.t("goodbye.text"), rows[1], px=m.heading_px, align="center"))
    if not ask:
        return page
    question, answers = split_rows(rows[2], [None, m.target_px], m.gap)
    if visit.feedback is not None:
        thanks = v.text(v.t("goodbye.thanks"), rows[2], bold=True, align="center", valign="middle")
        page.add(thanks)
        return page
    page.add(v.text(v.t("goodbye.ask"), question, color=p.muted, align="center", max_lines=1))
    width = min(answers.width, max(answers.width * 3 // 5, 8 * m.target_px))
    row = pygame.Rect(0, answers.y, width, answers.height)
    row.centerx = answers.centerx
    yes, unsure = split_cols(row, [None, None], 2 * m.gap)
    page.add_button(button(v, "helped", yes, v.t("goodbye.helped"), Feedback(True), "choice"))
    page.add_button(button(v, "unsure", unsure, v.t("goodbye.unsure"), Feedback(False), "choice"))
    return page
