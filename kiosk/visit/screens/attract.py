"""Attract: the pharmacy sign, what the machine does, and something gently alive.

A prescription card rests out of a slot, slides back in, and the next one slides out; each
time a different symptom is asked about ("혹시 오늘, '배터리 1%증' 있으세요?") and a different
gift is on the card. Calm, silent, and cheap: only that column moves (`Page.motion`), it moves
for two seconds in seven, and in between nothing is redrawn at all (`Page.still_until`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from kiosk.ui.scene import Box, Op, Picture, split_cols, split_rows
from kiosk.visit.card import item_picture
from kiosk.visit.card.look import CardLook
from kiosk.visit.card.paper import seal
from kiosk.visit.flow import SetLanguage, Start
from kiosk.visit.screens.base import Button, LeftButton, Page, View, button, chrome
from kiosk.visit.screens.stage import clear_of_help

CYCLE_S = 7.0  # one turn: the card rests out, slides in, and the next one slides out
IN_AT_S = 4.6  # starts sliding back in
IN_S = 0.8
OUT_AT_S = 5.8  # the next card starts sliding out (a new symptom, a new gift)
FPS = 12
GIFTS = ("candy", "tea", "vitamin", "hand_warmer", "sticker", "seed_paper", "bookmark", "postcard")


@dataclass(frozen=True)
class Moment:
    """Where the animation is: which turn (symptom and gift), and how far out the card is."""

    turn: int
    out: float  # 0 = inside the slot, 1 = all the way out
    still_until: float | None  # nothing moves until then (None: moving now)


def moment(since: float, entered_at: float, motion: bool) -> Moment:
    """Pure: the animation at `since` seconds after the screen was entered. A card is out
    from the first moment (the screen never opens empty)."""
    if not motion:
        return Moment(0, 1.0, None)
    turn, t = divmod(max(0.0, since), CYCLE_S)
    start = entered_at + turn * CYCLE_S
    if t < IN_AT_S:
        return Moment(int(turn), 1.0, start + IN_AT_S)
    if t < IN_AT_S + IN_S:
        k = (t - IN_AT_S) / IN_S
        return Moment(int(turn), 1 - k * k, None)
    if t < OUT_AT_S:
        return Moment(int(turn) + 1, 0.0, start + OUT_AT_S)
    k = (t - OUT_AT_S) / (CYCLE_S - OUT_AT_S)
    return Moment(int(turn) + 1, 1 - (1 - k) ** 3, None)  # eases out: calm at the end


def build(v: View) -> Page:
    page = Page()
    languages: list[LeftButton] = [
        ("lang:ko", v.t("attract.language_ko"), SetLanguage("ko")),
        ("lang:en", v.t("attract.language_en"), SetLanguage("en")),
    ]
    area = chrome(v, languages, page)
    _mark_language(v, page)
    m = v.metrics
    if m.portrait:
        sign_h = v.typesetter.line_height(round(m.title_px * 1.6))
        words_h = v.typesetter.line_height(m.heading_px) * 4
        clear = clear_of_help(v) - m.gap
        rows = split_rows(area, [sign_h, words_h, None, round(m.target_px * 1.3), clear], m.gap)
        sign, words, show, start, _ = rows
    else:
        left, show = split_cols(area, [area.width * 11 // 20, None], 2 * m.gap)
        sign_h = v.typesetter.line_height(round(m.title_px * (1.4 if m.height < 700 else 1.9)))
        start_h = round(m.target_px * 1.3)
        # The words come first: the sign gives up room (down to a title's line) for them.
        probe = v.text(v.t("attract.subtitle"), pygame.Rect(0, 0, left.width, 10_000))
        words_h = v.typesetter.line_height(m.body_px) * len(probe.lines)
        room = left.height - start_h - words_h - 2 * m.gap
        sign_h = max(v.typesetter.line_height(m.title_px), min(sign_h, room))
        sign, words, start = split_rows(left, [sign_h, None, start_h], m.gap)
    _sign(v, page, sign)
    page.add(
        v.text(v.t("attract.subtitle"), words, px=m.heading_px, align="center", valign="middle")
    )
    _show(v, page, show)
    rect = pygame.Rect(0, 0, min(start.width, max(start.width * 4 // 5, 6 * m.target_px)), 0)
    rect.height, rect.center = start.height, start.center
    page.add_button(
        button(v, "start", rect, v.t("attract.start"), Start(), style="primary", primary=True)
    )
    return page


def _mark_language(v: View, page: Page) -> None:
    """The language in use is marked like a chosen tab: a white face, a teal frame and a
    teal bar under its name."""
    name = f"lang:{v.state.language}"
    p, m = v.palette, v.metrics
    for i, b in enumerate(page.buttons):
        if b.name == name:
            marked = button(
                v,
                b.name,
                b.rect,
                v.t(f"attract.language_{v.state.language}"),
                b.action,
                style="choice",
            )
            frame = Box(
                b.rect,
                p.primary,
                m.radius,
                border=max(3, m.focus_width // 2),
                border_color=p.primary,
            )
            bar = pygame.Rect(0, 0, b.rect.width * 3 // 5, max(3, m.gap // 2))
            bar.midbottom = (b.rect.centerx, b.rect.bottom - max(4, m.gap))
            page.buttons[i] = Button(
                b.name, b.rect, b.action, (*marked.ops, frame, Box(bar, p.primary, bar.height))
            )


def _sign(v: View, page: Page, row: pygame.Rect) -> None:
    """The pharmacy sign: 마음약방 between two green crosses."""
    side = row.height
    for x in (row.x, row.right - side):
        cell = pygame.Rect(x, row.y, side, side).inflate(-side // 4, -side // 4)
        bar = cell.width // 3
        color = v.palette.primary
        page.add(
            Box(pygame.Rect(cell.x, cell.centery - bar // 2, cell.width, bar), color, bar // 4)
        )
        page.add(
            Box(pygame.Rect(cell.centerx - bar // 2, cell.y, bar, cell.height), color, bar // 4)
        )
    title = pygame.Rect(row.x + side, row.y, row.width - 2 * side, row.height)
    page.add(
        v.text(
            v.t("attract.title"),
            title,
            px=row.height * 4 // 5,
            bold=True,
            color=v.palette.primary,
            align="center",
            valign="middle",
            max_lines=1,
        )
    )


def _show(v: View, page: Page, area: pygame.Rect) -> None:
    """The moving part: the question of the turn, and the card coming out of the slot."""
    m = v.metrics
    now = moment(v.now - v.state.entered_at, v.state.entered_at, v.attract_motion)
    symptoms = v.content.symptoms
    lines = 2 if m.height >= 700 or m.portrait else 3
    question_h = v.typesetter.line_height(m.heading_px) * lines
    ask, stage = split_rows(area, [question_h, None], m.gap)
    if symptoms:
        name = symptoms[now.turn % len(symptoms)].name.get(v.texts.lang)
        # The name on one line where it can be (no break inside it), else as it comes.
        for candidate in (name.replace(" ", "\u00a0"), name):
            question = v.text(
                v.t("attract.wonder", symptom=candidate),
                ask,
                px=m.heading_px,
                bold=True,
                color=v.palette.primary,
                align="center",
                valign="middle",
            )
            if not question.truncated:
                break
        page.add(question)
    page.add(*slot_and_card(v, stage, GIFTS[now.turn % len(GIFTS)], now.out))
    page.animated = v.attract_motion
    page.fps = FPS
    page.motion = area
    page.still_until = now.still_until


def slot_and_card(v: View, stage: pygame.Rect, gift: str, out: float) -> list[Op]:
    """A dark slot, and below it as much of a small prescription card as is out of it."""
    p, m = v.palette, v.metrics
    slot_w = min(stage.width, max(stage.height, 4 * m.target_px))
    slot = pygame.Rect(0, 0, slot_w, max(10, stage.height // 14))
    slot.midtop = stage.midtop
    card_w = slot.width * 4 // 5
    card_h = max(8, min(stage.bottom - slot.centery - m.gap, round(card_w * 1.05)))
    ops: list[Op] = [Box(slot.inflate(m.gap, m.gap // 2), p.secondary, slot.height)]
    card = _mini_card(v, (card_w, card_h), gift)
    shown = round(card_h * max(0.0, min(1.0, out)))
    if shown > 0:
        part = card.subsurface(pygame.Rect(0, card_h - shown, card_w, shown))
        ops.append(Picture(part, (slot.centerx - card_w // 2, slot.centery)))
    ops.append(Box(slot, p.overlay, slot.height // 2))
    return ops


def _mini_card(v: View, size: tuple[int, int], gift: str) -> pygame.Surface:
    """A small card drawn like the real one, its lines of text as soft bars (a picture of a
    card, not text to read): the seal, the gift, a torn edge."""
    look = CardLook.screen(v.palette)

    def make() -> pygame.Surface:
        w, h = size
        surface = pygame.Surface(size, pygame.SRCALPHA)
        surface.fill((0, 0, 0, 0))
        edge = max(3, h // 24)
        teeth = max(4, w // (edge * 2))
        points = [(0, 0), (w, 0), (w, h - edge)]
        points += [
            (round(w * i / teeth), h - (edge if i % 2 == 0 else 0)) for i in range(teeth, -1, -1)
        ]
        points.append((0, h - edge))
        pygame.draw.polygon(surface, look.paper, points)
        pad = max(4, w // 16)
        side = max(8, h // 4)
        surface.blit(seal(side, look, v.typesetter.fonts, ("마음", "약방")), (pad, pad))
        bar = max(3, h // 22)
        pygame.draw.rect(surface, look.accent, (pad, pad + side + bar, w - 2 * pad, bar))
        y = pad + side + 3 * bar
        for i, frac in enumerate((0.55, 0.8, 0.7, 0.45)):
            color = look.accent if i == 0 else _soft(look)
            height = bar * 2 if i == 0 else bar
            pygame.draw.rect(surface, color, (pad, y, round((w - 2 * pad) * frac), height), 0, bar)
            y += height + bar * 2
        picture = item_picture(gift, side)
        surface.blit(picture, (w - pad - side, pad))
        return surface

    key = ("attract-card", size, gift, look)
    return v.pictures.get(key, make) if v.pictures is not None else make()


def _soft(look: CardLook) -> tuple[int, int, int]:
    """The grey of a line of text seen from afar."""
    return (
        (look.paper[0] + look.ink[0] * 2) // 3,
        (look.paper[1] + look.ink[1] * 2) // 3,
        (look.paper[2] + look.ink[2] * 2) // 3,
    )
