"""Prescription: the card, and the button that fetches the gift that goes with it."""

from __future__ import annotations

import pygame

from kiosk.ui.scene import Op, split_rows
from kiosk.visit.flow import Continue, GoHome
from kiosk.visit.screens.base import LeftButton, Page, View, button, chrome
from kiosk.visit.screens.stage import (
    Stage,
    action_rect,
    card_on_stage,
    short_screen,
    stage,
)


def build(v: View) -> Page:
    page = Page()
    visit = v.state.visit
    gift = visit.slot is not None and v.state.dispensing_ok
    if gift:
        label = v.t("prescription.get_item", item=v.item_name(visit.slot))
    else:
        label = v.t("prescription.no_item")
    home: list[LeftButton] = [("home", v.t("footer.home"), GoHome())]
    if short_screen(v):  # every line counts: the card takes the screen, the action the bar
        area = chrome(v, home, page, action=("continue", label, Continue()))
        page.add(*card_on_stage(v, stage(v, area, prescription=True)))
        return page
    area = chrome(v, home, page)
    where = stage(v, area, prescription=True)
    page.add(*card_on_stage(v, where))
    action = action_rect(v, where.side)
    page.add(*side_words(v, where, action, "prescription.ready", "prescription.read_first"))
    page.add_button(button(v, "continue", action, label, Continue(), style="primary", primary=True))
    return page


def side_words(v: View, where: Stage, action: pygame.Rect, title: str, body: str) -> list[Op]:
    """A heading and a few words beside (or under) the card, centred in the room above the
    action, so that no empty band opens up between them."""
    m, p = v.metrics, v.palette
    room = pygame.Rect(
        where.side.x, where.side.y, where.side.width, action.y - m.gap - where.side.y
    )
    title_h = v.typesetter.line_height(m.heading_px) * 2
    body_h = v.typesetter.line_height(m.body_px) * 4
    height = min(room.height, title_h + m.gap + body_h)
    words = pygame.Rect(room.x, room.y + (room.height - height) // 2, room.width, height)
    top, rest = split_rows(words, [title_h, None], m.gap)
    return [
        v.text(v.t(title), top, px=m.heading_px, bold=True, color=p.primary, valign="bottom"),
        v.text(v.t(body), rest),
    ]


def prescription_slip(v: View, rect: pygame.Rect, compact: bool = False) -> list[Op]:
    """The visit's card inside `rect` (the old name; `compact` is no longer needed)."""
    del compact
    return card_on_stage(v, Stage(rect, rect, rect))
