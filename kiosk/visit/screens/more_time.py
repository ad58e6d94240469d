"""The "need more time?" prompt over any screen, with its countdown. Help stays reachable."""

from __future__ import annotations

import math

import pygame

from kiosk.ui.scene import Box, Picture, inset, split_cols, split_rows
from kiosk.visit.flow import GoHome, MoreTime
from kiosk.visit.screens.base import Page, View, button


def overlay(v: View, below: Page) -> Page:
    m, p = v.metrics, v.palette
    shade = pygame.Surface((m.width, m.height), pygame.SRCALPHA)
    shade.fill((*p.overlay, 170))
    page = Page(
        ops=[*below.ops, *(op for b in below.buttons for op in b.ops), Picture(shade, (0, 0))]
    )
    width = min(m.width - 4 * m.gap, max(m.width * 3 // 5, 9 * m.target_px))
    height = min(
        m.height - 2 * m.bar_height,
        v.typesetter.line_height(m.heading_px)
        + v.typesetter.line_height(m.body_px) * 2
        + m.target_px
        + 5 * m.gap,
    )
    dialog = pygame.Rect(0, 0, width, height)
    dialog.center = v.screen_rect.center
    page.add(Box(dialog, p.paper, m.radius))
    inner = inset(dialog, 2 * m.gap, 2 * m.gap)
    rows = split_rows(inner, [v.typesetter.line_height(m.heading_px), None, m.target_px], m.gap)
    page.add(
        v.text(
            v.t("more_time.title"), rows[0], px=m.heading_px, bold=True, align="center", max_lines=1
        )
    )
    seconds = math.ceil(v.state.seconds_left(v.now) or 0)
    page.add(
        v.text(
            v.t("more_time.countdown", seconds=seconds), rows[1], align="center", valign="middle"
        )
    )
    yes, home = split_cols(rows[2], [None, None], m.gap)
    page.add_button(
        button(v, "more-time", yes, v.t("more_time.yes"), MoreTime(), style="primary", primary=True)
    )
    page.add_button(button(v, "home", home, v.t("more_time.home"), GoHome()))
    for b in below.buttons:
        if b.name == "help":  # the help button stays live above the shade
            page.add(*b.ops)
            page.add_button(b)
    return page
