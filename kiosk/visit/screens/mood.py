"""Mood check: the three UCLA loneliness items, one at a time, always skippable."""

from __future__ import annotations

import pygame

from kiosk.ui.scene import split_cols, split_rows
from kiosk.visit.flow import UCLA_QUESTIONS, Back, GoHome, MoodAnswer, SkipMood
from kiosk.visit.screens.attract import slot_and_card
from kiosk.visit.screens.base import Page, View, button, chrome


def build(v: View) -> Page:
    page = Page()
    area = chrome(
        v, [("home", v.t("footer.home"), GoHome()), ("back", v.t("footer.back"), Back())], page
    )
    m, p = v.metrics, v.palette
    answered = len(v.state.visit.answers)
    waiting = v.state.visit.mood_skipped or answered >= UCLA_QUESTIONS
    # Why the questions, and that nothing is kept; how to answer, where there is room.
    roomy = m.portrait or m.height >= 700
    head_text = v.t("mood.title") + ("\n" + v.t("mood.hint") if roomy else "")
    head_h = v.typesetter.line_height(m.min_px) * (3 if roomy else 2)
    question_h = v.typesetter.line_height(m.heading_px) * 2
    rows = split_rows(area, [head_h, question_h, None], m.gap)
    progress = v.t("mood.progress", n=min(answered + 1, UCLA_QUESTIONS))
    head = split_cols(
        rows[0], [None, v.typesetter.fonts.measure(progress, m.min_px) + m.gap], m.gap
    )
    page.add(v.text(head_text, head[0], px=m.min_px, color=p.muted))
    page.add(v.text(progress, head[1], px=m.min_px, color=p.muted, align="right", max_lines=1))
    if waiting:  # the prescription is being written: said, with a card on its way, centred
        rest = pygame.Rect(area.x, rows[1].y, area.width, area.bottom - rows[1].y)
        text_h = v.typesetter.line_height(m.heading_px) * 2
        show_h = min(rest.height - text_h - m.gap, max(3 * m.target_px, rest.height // 3))
        group = pygame.Rect(rest.x, 0, rest.width, text_h + m.gap + show_h)
        group.centery = rest.centery
        words, show = split_rows(group, [text_h, show_h], m.gap)
        page.add(
            v.text(
                v.t("mood.choosing"),
                words,
                px=m.heading_px,
                bold=True,
                align="center",
                valign="bottom",
            )
        )
        out = _writing(v)
        page.add(*slot_and_card(v, show, "gift", out))
        page.animated, page.motion, page.fps = out < 1.0, show, 12
        return page
    question = v.t(f"mood.q{answered + 1}")
    page.add(v.text(question, rows[1], px=m.heading_px, bold=True, valign="middle"))
    _answers(v, page, rows[2])
    return page


def _writing(v: View) -> float:
    """How far the card is out of the slot while the prescription is written (it comes out
    over a second, then waits)."""
    return min(1.0, max(0.0, (v.now - v.state.last_activity) / 1.0))


def _answers(v: View, page: Page, area: pygame.Rect) -> None:
    m = v.metrics
    labels = [(v.t(f"mood.a{i}"), MoodAnswer(i)) for i in (1, 2, 3)]
    if m.portrait or area.height >= 4 * (m.target_px + m.gap):
        # The answers in the middle of their room, so no empty band opens under them.
        height = min(area.height, 4 * (m.target_px * 5 // 4) + 3 * m.gap)
        block = pygame.Rect(area.x, area.y + (area.height - height) // 3, area.width, height)
        cells = split_rows(block, [m.target_px * 5 // 4] * 4, m.gap)
    else:
        top, bottom = split_rows(area, [None, m.target_px], m.gap)
        cells = [*split_cols(top, [None, None, None], m.gap), bottom]
        two_lines = 2 * v.typesetter.line_height(m.body_px) + m.gap
        if top.height < two_lines:  # too low for an answer on two lines: skip joins the row
            row = split_cols(area, [None, None, None, None], m.gap)
            cells = [*row[:3], row[3]]
            page.add_button(button(v, "skip", row[3], v.t("mood.skip"), SkipMood()))
    for i, ((label, action), cell) in enumerate(zip(labels, cells, strict=False)):
        page.add_button(
            button(v, f"answer:{i + 1}", cell, label, action, style="choice", primary=i == 0)
        )
    if any(b.name == "skip" for b in page.buttons):
        return
    skip = cells[3]
    skip_rect = pygame.Rect(
        0, 0, min(skip.width, max(skip.width // 3, 4 * m.target_px)), m.target_px
    )
    skip_rect.midright = skip.midright
    page.add_button(button(v, "skip", skip_rect, v.t("mood.skip"), SkipMood()))
