"""Take the gift (or an honest, kind word about why there is none); the card stays."""

from __future__ import annotations

import pygame

from hardware.dispenser import VendOutcome
from kiosk.ui.fonts import Weight
from kiosk.ui.scene import split_rows
from kiosk.visit.flow import CallPerson, Continue, GoHome
from kiosk.visit.printing.words import with_slip_note
from kiosk.visit.screens.base import Page, View, button, chrome
from kiosk.visit.screens.stage import action_rect, card_on_stage, stage


def build(v: View) -> Page:
    page = Page()
    area = chrome(v, [("home", v.t("footer.home"), GoHome())], page)
    m, p = v.metrics, v.palette
    outcome = v.state.visit.outcome or VendOutcome.UNVERIFIED
    key = outcome.value
    good = outcome is VendOutcome.DISPENSED
    body = with_slip_note(v, v.t(f"take_item.{key}", item=v.item_name(v.state.visit.slot)))
    where = stage(v, area, wordy=not good or "\n" in body)
    page.add(*card_on_stage(v, where))
    action = action_rect(v, where.side)
    page.add_button(
        button(
            v, "continue", action, v.t("take_item.next"), Continue(), style="primary", primary=True
        )
    )
    room = where.side.copy()
    room.height = action.y - m.gap - room.y
    if not good and v.person_call == "present":  # staff on site: a person, one tap away
        call = room.copy()
        call.height, call.y = m.target_px, action.y - m.gap - m.target_px
        label = v.t("person.called" if v.state.person_called else "person.call")
        page.add_button(button(v, "call-person", call, label, CallPerson()))
        room.height = call.y - m.gap - room.y
    title = v.t(f"take_item.{key}_title")
    one_line = v.typesetter.fonts.measure(title, m.heading_px, Weight.BOLD) <= room.width
    title_h = v.typesetter.line_height(m.heading_px) * (1 if one_line else 2)
    probe = v.text(body, pygame.Rect(0, 0, room.width, 10_000))
    body_h = v.typesetter.line_height(m.body_px) * max(2, len(probe.lines))
    words = room.copy()  # centred in its room, so that no empty band opens under it
    words.height = min(room.height, title_h + m.gap + body_h)
    words.y = room.y + (room.height - words.height) // 2
    rows = split_rows(words, [title_h, None], m.gap)
    page.add(
        v.text(
            title,
            rows[0],
            px=m.heading_px,
            bold=True,
            color=p.primary if good else p.text,
            valign="bottom",
        )
    )
    page.add(v.text(body, rows[1]))
    return page
