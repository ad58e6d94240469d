"""What staff screens are built from: the visitor screens' view, sizes and buttons, with staff
events behind the buttons, a bar with the way out, and text that flows down a column.

Same rules as the visitor screens: sizes from the panel's millimetres, nothing smaller than
4.8 mm, touch targets of 9 mm or more, text that shrinks but never gets cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pygame

from kiosk.cabinet.ledger import SlotState
from kiosk.staff.backend import Live, Snapshot
from kiosk.staff.events import Back, Exit, Help, SetLanguage, StaffEvent, StaffScreen
from kiosk.staff.state import StaffState
from kiosk.ui.fonts import Weight
from kiosk.ui.scene import Box, Op, TextBlock, inset, split_cols
from kiosk.ui.theme import RGB
from kiosk.visit.screens.base import Pages, PageTurn, Style, View, button, footer

Tone = Literal["normal", "good", "warn", "muted"]


@dataclass(frozen=True)
class StaffButton:
    name: str
    rect: pygame.Rect
    action: StaffEvent
    ops: tuple[Op, ...]
    primary: bool = False


@dataclass
class StaffPage(Pages[StaffButton]):
    """A staff screen: the same display list and buttons as the visitor's pages."""


@dataclass(frozen=True)
class StaffView:
    """Everything a staff screen may look at."""

    v: View  # texts in the staff language, sizes, palette, content
    state: StaffState
    snap: Snapshot
    live: Live
    now: float
    languages: tuple[str, ...] = ("ko", "en")

    def t(self, key: str, **values: object) -> str:
        return self.v.t(key, **values)

    def item(self, item_id: str) -> str:
        """An item's name in the staff language (its id when the content does not know it)."""
        try:
            return self.v.content.item(item_id).name.get(self.v.texts.lang) or item_id
        except KeyError:
            return item_id

    def slot(self, number: int) -> SlotState | None:
        return next((s for s in self.snap.slots if s.number == number), None)

    def color(self, tone: Tone) -> RGB:
        p = self.v.palette
        return {"normal": p.text, "good": p.primary, "warn": p.help, "muted": p.muted}[tone]


def staff_button(
    sv: StaffView,
    name: str,
    rect: pygame.Rect,
    label: str,
    action: StaffEvent,
    style: Style = "secondary",
    primary: bool = False,
    sublabel: str = "",
) -> StaffButton:
    """A button that looks exactly like a visitor button and carries a staff event."""
    # The visitor button draws it; its (visitor) action is not kept.
    drawn = button(sv.v, name, rect, label, PageTurn(0), style, primary, sublabel)
    return StaffButton(name, rect, action, drawn.ops, primary)


def chrome(sv: StaffView, page: StaffPage) -> pygame.Rect:
    """The bar: the way out (cancel on the PIN screen; exit, and back to the list on detail
    screens), the SIMULATION badge, the language switch and the help button; and the footer
    with 외로움안녕120 and the nearest 서울마음편의점 (past the PIN, where room is short, the
    hotline alone when both do not fit on one line). A visitor may be the one in front of the
    keypad (or of a staff screen left open), so help is one tap away here too, as on every
    visitor screen; in portrait it gets a row of its own above the footer. Returns the area
    left."""
    v, m = sv.v, sv.v.metrics
    screen = sv.state.screen
    left: list[tuple[str, str, StaffEvent]]
    if screen is StaffScreen.PIN:
        left = [("cancel", sv.t("staff.cancel"), Back())]
    elif screen is StaffScreen.OVERVIEW:
        left = [("exit", sv.t("staff.exit"), Exit())]
    else:
        left = [("exit", sv.t("staff.exit"), Exit()), ("back", sv.t("staff.back"), Back())]
    foot = footer(v, page, badge=False, one_row=sv.state.inside)
    bottom = foot.y
    inner_w = m.width - 2 * m.gap
    help_label = sv.t("footer.help_button")
    if m.portrait:
        help_rect = pygame.Rect(m.gap, foot.y - m.gap - m.target_px, inner_w, m.target_px)
        bottom = help_rect.y - m.gap
    bar = pygame.Rect(0, 0, m.width, m.bar_height)
    inner = inset(bar, m.gap, (m.bar_height - m.target_px) // 2)
    page.add(Box(bar, v.palette.secondary))
    if not m.portrait:
        help_w = min(inner_w // 2, _width(sv, help_label) + 4 * m.gap)
        help_rect = pygame.Rect(inner.right - help_w, inner.y, help_w, inner.height)
    page.add_button(staff_button(sv, "help", help_rect, help_label, Help(), style="help"))
    x = inner.x
    for name, label, event in left:
        width = max(m.target_px, _width(sv, label) + 3 * m.gap)
        rect = pygame.Rect(x, inner.y, width, inner.height)
        page.add_button(staff_button(sv, name, rect, label, event, style="choice"))
        x = rect.right + m.gap
    right = inner.right if m.portrait else help_rect.x - m.gap
    other = _other_language(sv)
    if other is not None:
        label = sv.t(f"attract.language_{other}")
        width = max(m.target_px, _width(sv, label) + 3 * m.gap)
        rect = pygame.Rect(right - width, inner.y, width, inner.height)
        page.add_button(staff_button(sv, "lang", rect, label, SetLanguage(other), style="choice"))
        right = rect.x - m.gap
    if sv.snap.simulated:
        _badge(sv, page, pygame.Rect(x, inner.y, right - x, inner.height))
    return pygame.Rect(0, bar.bottom, m.width, bottom - bar.bottom).inflate(-2 * m.gap, -2 * m.gap)


def _other_language(sv: StaffView) -> str | None:
    langs = sv.languages
    if len(langs) < 2:
        return None
    current = sv.state.language
    return langs[(langs.index(current) + 1) % len(langs)] if current in langs else langs[0]


def _badge(sv: StaffView, page: StaffPage, room: pygame.Rect) -> None:
    v, m = sv.v, sv.v.metrics
    label = sv.t("app.simulation")
    width = v.typesetter.fonts.measure(label, m.min_px, Weight.BOLD) + 2 * m.gap
    height = v.typesetter.line_height(m.min_px)
    if width > room.width:
        return  # the hardware screen says it in words
    badge = pygame.Rect(0, 0, width, height)
    badge.center = room.center
    page.add(Box(badge, v.palette.badge, m.radius))
    page.add(
        v.text(
            label,
            badge,
            px=m.min_px,
            bold=True,
            color=v.palette.on_badge,
            align="center",
            valign="middle",
            max_lines=1,
        )
    )


def _width(sv: StaffView, label: str) -> int:
    return sv.v.typesetter.fonts.measure(label, sv.v.metrics.body_px, Weight.BOLD)


@dataclass(frozen=True)
class Line:
    """One paragraph of a text column."""

    text: str
    tone: Tone = "normal"
    bold: bool = False
    heading: bool = False


def flow(sv: StaffView, lines: Sequence[Line], area: pygame.Rect) -> list[TextBlock] | None:
    """The lines top to bottom, each as tall as it needs (at most 4 lines); None when they do
    not all fit in `area` (the caller then lays them out another way)."""
    m = sv.v.metrics
    blocks: list[TextBlock] = []
    y = area.y
    for line in lines:
        block = _paragraph(sv, line, pygame.Rect(area.x, y, area.width, area.bottom - y))
        if block is None:
            return None
        blocks.append(block)
        y = block.box.bottom + m.gap // 2
    return blocks


def _paragraph(sv: StaffView, line: Line, room: pygame.Rect) -> TextBlock | None:
    """The fewest lines at the full size; only when 4 lines are not enough, a smaller size."""
    v, m = sv.v, sv.v.metrics
    px = m.heading_px if line.heading else m.body_px
    step = v.typesetter.line_height(px)
    weight = Weight.BOLD if line.bold or line.heading else Weight.REGULAR
    for n, floor in [(1, px), (2, px), (3, px), (4, px), (4, None)]:
        box = pygame.Rect(room.x, room.y, room.width, step * n)
        if box.bottom > room.bottom:
            return None
        block = v.typesetter.block(
            line.text, box, px=px, color=sv.color(line.tone), weight=weight, min_px=floor
        )
        if not block.truncated:
            return block
    return None


def flow_columns(
    sv: StaffView, lines: Sequence[Line], area: pygame.Rect, max_cols: int = 2
) -> list[TextBlock] | None:
    """`flow` in one column if they fit, else split evenly over up to `max_cols` columns."""
    for cols in range(1, max_cols + 1):
        per = -(-len(lines) // cols)
        boxes = split_cols(area, [None] * cols, 2 * sv.v.metrics.gap)
        placed: list[TextBlock] = []
        for i, box in enumerate(boxes):
            part = flow(sv, lines[i * per : (i + 1) * per], box)
            if part is None:
                break
            placed.extend(part)
        else:
            return placed
    return None
