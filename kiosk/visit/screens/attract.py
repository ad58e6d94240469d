"""Attract: the pharmacy sign, a big start button, the language switch."""

from __future__ import annotations

import pygame

from kiosk.ui.scene import Box, split_rows
from kiosk.visit.flow import SetLanguage, Start
from kiosk.visit.screens.base import LeftButton, Page, View, button, chrome


def build(v: View) -> Page:
    page = Page()
    languages: list[LeftButton] = [
        ("lang:ko", v.t("attract.language_ko"), SetLanguage("ko")),
        ("lang:en", v.t("attract.language_en"), SetLanguage("en")),
    ]
    area = chrome(v, languages, page)
    m, p = v.metrics, v.palette
    title_h = (
        v.typesetter.line_height(m.title_px * 2)
        if area.height > 6 * m.target_px
        else (v.typesetter.line_height(round(m.title_px * 1.4)))
    )
    start_h = round(m.target_px * 1.4)
    rows = split_rows(area, [title_h, None, start_h], m.gap)
    cross = _pill(rows[0], v)
    page.add(*cross)
    title_box = pygame.Rect(
        rows[0].x + rows[0].height, rows[0].y, rows[0].width - 2 * rows[0].height, rows[0].height
    )
    page.add(
        v.text(
            v.t("attract.title"),
            title_box,
            px=title_h * 4 // 5,
            bold=True,
            color=p.primary,
            align="center",
            valign="middle",
            max_lines=1,
        )
    )
    page.add(
        v.text(v.t("attract.subtitle"), rows[1], px=m.heading_px, align="center", valign="middle")
    )
    start = pygame.Rect(
        0, 0, min(rows[2].width, max(rows[2].width * 3 // 5, 8 * m.target_px)), rows[2].height
    )
    start.center = rows[2].center
    page.add_button(
        button(v, "start", start, v.t("attract.start"), Start(), style="primary", primary=True)
    )
    return page


def _pill(row: pygame.Rect, v: View) -> list[Box]:
    """A green pharmacy cross on each side of the sign: recognisable without words."""
    side = row.height
    boxes: list[Box] = []
    for x in (row.x, row.right - side):
        cell = pygame.Rect(x, row.y, side, side).inflate(-side // 5, -side // 5)
        bar = cell.width // 3
        boxes.append(
            Box(
                pygame.Rect(cell.x, cell.centery - bar // 2, cell.width, bar),
                v.palette.primary,
                bar // 4,
            )
        )
        boxes.append(
            Box(
                pygame.Rect(cell.centerx - bar // 2, cell.y, bar, cell.height),
                v.palette.primary,
                bar // 4,
            )
        )
    return boxes
