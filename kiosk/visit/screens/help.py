"""Help: the crisis and support lines, large, and a person to call over. Needs nothing but
the screen text, so that no fault (content, board, network) can ever keep it from showing.

"직원 불러 주세요" (where the configuration says staff can come) lights the cabinet's
attention LED and raises a staff alert; the screen then says a person has been asked, and
the lines stay right there meanwhile."""

from __future__ import annotations

import pygame

from kiosk.ui.fonts import Weight
from kiosk.ui.scene import Op, split_cols, split_rows
from kiosk.visit.flow import CallPerson, CloseHelp
from kiosk.visit.screens.base import Button, Page, View, button, chrome

LINES = ("help.line_120", "help.line_109", "help.line_1577", "help.emergency")


def help_lines(v: View, area: pygame.Rect, largest: int | None = None) -> list[Op]:
    """The four lines, all in one size (the largest at which every one fits its row in two
    lines at most); used by the help and out-of-service screens."""
    m, p = v.metrics, v.palette
    rows = split_rows(area, [None] * len(LINES), m.gap // 2)
    px = max(m.min_px, largest or m.heading_px)
    pairs = list(zip(LINES, rows, strict=True))
    while px > m.min_px and not all(_fits(v, key, row, px) for key, row in pairs):
        px -= max(1, px // 16)
    px = max(px, m.min_px)
    return [
        v.typesetter.block(
            v.t(key),
            row,
            px=px,
            color=p.help if key == "help.emergency" else p.text,
            weight=Weight.REGULAR if key == "help.emergency" else Weight.BOLD,
            valign="middle",
            max_lines=2,
        )
        for key, row in zip(LINES, rows, strict=True)
    ]


def _fits(v: View, key: str, row: pygame.Rect, px: int) -> bool:
    bold = Weight.REGULAR if key == "help.emergency" else Weight.BOLD
    block = v.typesetter.block(
        v.t(key), row, px=px, color=v.palette.text, weight=bold, min_px=px, max_lines=2
    )
    return not block.truncated


def build(v: View) -> Page:
    page = Page()
    area = chrome(v, [("close", v.t("help.close"), CloseHelp())], page)
    m = v.metrics
    calling = v.person_call != "off"
    called = calling and v.state.person_called
    title_h = v.typesetter.line_height(m.title_px)
    beside = calling and not m.portrait  # the call sits at the end of the title's row
    rows = split_rows(
        area,
        [
            max(title_h, m.target_px) if beside else title_h,
            v.typesetter.line_height(m.body_px) * 2,
            None,
        ],
        m.gap,
    )
    title = rows[0]
    if beside:
        labels = (v.t("person.call"), v.t("person.called"))
        widest = max(v.typesetter.fonts.measure(t, m.body_px, Weight.BOLD) for t in labels)
        width = min(rows[0].width // 2, max(4 * m.target_px, widest + 4 * m.gap))
        title, call = split_cols(rows[0], [None, width], m.gap)
        call.height = m.target_px
        page.add_button(_call_button(v, call, called))
    page.add(
        v.text(
            v.t("help.title"),
            title,
            px=m.title_px,
            bold=True,
            color=v.palette.help,
            valign="middle",
            max_lines=1,
        )
    )
    intro = v.t("person.asked") if called else v.t("help.intro")
    page.add(v.text(intro, rows[1], bold=called, color=v.palette.primary if called else None))
    lines, side = rows[2], None
    if not m.portrait and lines.width > 10 * m.target_px:
        if v.low_screen:  # the help button is in the bar below, at the right: keep away
            side, lines = split_cols(lines, [4 * m.target_px, None], m.gap)
        else:
            lines, side = split_cols(lines, [None, 4 * m.target_px], m.gap)
    elif calling:  # portrait: the call takes a row of its own under the lines
        lines, call_row = split_rows(lines, [None, m.target_px], m.gap)
        page.add_button(_call_button(v, call_row, called))
    page.add(*help_lines(v, lines, largest=m.title_px if m.portrait else m.heading_px))
    if side is not None:
        close = pygame.Rect(side.x, side.bottom - m.target_px, side.width, m.target_px)
        page.add_button(
            button(
                v, "close-big", close, v.t("help.close"), CloseHelp(), style="primary", primary=True
            )
        )
    return page


def _call_button(v: View, rect: pygame.Rect, called: bool) -> Button:
    label = v.t("person.called") if called else v.t("person.call")
    return button(v, "call-person", rect, label, CallPerson(), style="choice" if called else "help")
