"""Help: the crisis and support lines, large. Needs nothing but the screen text, so that no
fault (content, board, network) can ever keep it from showing."""

from __future__ import annotations

import pygame

from kiosk.ui.scene import Op, split_cols, split_rows
from kiosk.visit.flow import CloseHelp
from kiosk.visit.screens.base import Page, View, button, chrome

LINES = ("help.line_120", "help.line_109", "help.line_1577", "help.emergency")


def help_lines(v: View, area: pygame.Rect) -> list[Op]:
    """The four lines as big text rows; used by the help and out-of-service screens."""
    m, p = v.metrics, v.palette
    ops: list[Op] = []
    for key, row in zip(LINES, split_rows(area, [None] * len(LINES), m.gap // 2), strict=True):
        ops.append(
            v.text(
                v.t(key),
                row,
                px=m.heading_px,
                bold=key != "help.emergency",
                color=p.help if key == "help.emergency" else p.text,
                valign="middle",
                max_lines=2,
            )
        )
    return ops


def build(v: View) -> Page:
    page = Page()
    area = chrome(v, [("close", v.t("help.close"), CloseHelp())], page)
    m = v.metrics
    rows = split_rows(
        area,
        [v.typesetter.line_height(m.title_px), v.typesetter.line_height(m.body_px) * 2, None],
        m.gap,
    )
    page.add(
        v.text(
            v.t("help.title"), rows[0], px=m.title_px, bold=True, color=v.palette.help, max_lines=1
        )
    )
    page.add(v.text(v.t("help.intro"), rows[1]))
    lines, action = rows[2], None
    if not m.portrait and lines.width > 10 * m.target_px:
        lines, action = split_cols(lines, [None, 4 * m.target_px], m.gap)
    page.add(*help_lines(v, lines))
    if action is not None:
        close = pygame.Rect(action.x, action.bottom - m.target_px, action.width, m.target_px)
        page.add_button(
            button(
                v, "close-big", close, v.t("help.close"), CloseHelp(), style="primary", primary=True
            )
        )
    return page
