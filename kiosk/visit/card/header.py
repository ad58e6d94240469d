"""The card's header: the seal, "마음약방 처 방 전", the number and the date, in the widest
arrangement that fits (beside, stacked for a narrow slip, or one line on a small screen)."""

from __future__ import annotations

import pygame

from kiosk.visit.card.model import Card
from kiosk.visit.card.plan import ROOMY, TIGHT, Plan


def header(plan: Plan, inner: pygame.Rect) -> tuple[pygame.Rect, int]:
    """Seal, "마음약방 처 방 전", the number and the date; returns the seal and the y below.

    Roomy: the title beside the seal, the number over the date on the right; if that is too
    wide, the number and date under the title. Smaller cards: one line, where the seal says
    마음약방 and the title says 처 방 전."""
    s, card = plan.sizes, plan.card
    line = plan.lh(s.small)
    if plan.level != ROOMY and _header_line(plan, inner, line):
        height = side = line
    else:
        height = side = 2 * line
        if not _header_side(plan, inner, height):
            height = _header_stacked(plan, inner, side)
    seal = pygame.Rect(inner.x, inner.y, side, side)
    thick = max(2, s.gap // 2)
    y = inner.y + height + max(2, s.gap // 2)
    plan.rules.append(pygame.Rect(inner.x, y, inner.width, thick))
    if plan.level == TIGHT:
        return seal, y + thick + s.gap
    thin = pygame.Rect(inner.x, y + thick + max(2, thick // 2), inner.width, max(1, thick // 2))
    plan.rules.append(thin)
    del card
    return seal, thin.bottom + s.gap


def seal_and_medicine(plan: Plan, inner: pygame.Rect) -> tuple[pygame.Rect, int]:
    """The tightest header of all: the seal, the medicine's name and the number in one row."""
    s, look, card = plan.sizes, plan.kit.look, plan.card
    big = plan.lh(s.large)
    seal = pygame.Rect(inner.x, inner.y, big, big)
    stamp = " · ".join(_stamp(card))
    right_w = plan.width(stamp, s.small) if stamp else 0
    if stamp:
        box = pygame.Rect(inner.right - right_w, inner.y, right_w, big)
        plan.text(stamp, box, s.small, look.ink, align="right", valign="middle", max_lines=1)
    left = seal.right + s.gap
    box = pygame.Rect(left, inner.y, inner.right - right_w - s.gap - left, big)
    plan.text(card.medicine, box, s.large, look.accent, bold=True, valign="middle", max_lines=1)
    y = inner.y + big + max(2, s.gap // 2)
    thick = max(2, s.gap // 2)
    plan.rules.append(pygame.Rect(inner.x, y, inner.width, thick))
    return seal, y + thick + s.gap


def _stamp(card: Card) -> list[str]:
    return [t for t in (card.number, card.date) if t]


def _header_side(plan: Plan, inner: pygame.Rect, height: int) -> bool:
    """Title beside the seal, number over date at the right; False when too wide."""
    s, look, card = plan.sizes, plan.kit.look, plan.card
    line = plan.lh(s.small)
    title = f"{card.pharmacy}  {card.title}"
    title_px = max(s.small, min(s.body, round(height / plan.ts.line_spacing)))
    right_w = max((plan.width(t, s.small) for t in _stamp(card)), default=0)
    left = inner.x + height + s.gap
    if left + plan.width(title, s.small, bold=True) + s.gap + right_w > inner.right:
        return False
    for i, t in enumerate(_stamp(card)):
        row = pygame.Rect(inner.right - right_w, inner.y + i * line, right_w, line)
        color = look.ink if i == 0 else look.muted
        plan.text(t, row, s.small, color, align="right", max_lines=1)
    box = pygame.Rect(left, inner.y, inner.right - right_w - s.gap - left, height)
    plan.text(title, box, title_px, look.accent, bold=True, valign="middle", max_lines=1)
    return True


def _header_stacked(plan: Plan, inner: pygame.Rect, height: int) -> int:
    """A narrow card (the 58 mm slip): the title (on two lines if it must), and under it the
    number and the date (on one line, or two). Returns the header's height."""
    s, look, card = plan.sizes, plan.kit.look, plan.card
    line = plan.lh(s.small)
    left = inner.x + height + s.gap
    width = inner.right - left
    title = f"{card.pharmacy}  {card.title}"
    title_lines = 1 if plan.width(title, s.small, bold=True) <= width else 2
    box = pygame.Rect(left, inner.y, width, line * title_lines)
    plan.text(title, box, s.small, look.accent, bold=True, max_lines=title_lines)
    joined = " · ".join(_stamp(card))
    rows = [joined] if plan.width(joined, s.small) <= width else _stamp(card)
    for i, text in enumerate(rows):
        row = pygame.Rect(left, box.bottom + i * line, width, line)
        plan.text(text, row, s.small, look.ink, max_lines=1)
    return max(height, line * (title_lines + len(rows)))


def _header_line(plan: Plan, inner: pygame.Rect, height: int) -> bool:
    """Seal, 처 방 전, then number · date on the right, all on one line; False if too wide."""
    s, look, card = plan.sizes, plan.kit.look, plan.card
    stamp = " · ".join(_stamp(card))
    right_w = plan.width(stamp, s.small) if stamp else 0
    left = inner.x + height + s.gap
    if left + plan.width(card.title, s.small, bold=True) + s.gap + right_w > inner.right:
        return False
    if stamp:
        box = pygame.Rect(inner.right - right_w, inner.y, right_w, height)
        plan.text(stamp, box, s.small, look.ink, align="right", max_lines=1)
    box = pygame.Rect(left, inner.y, inner.right - right_w - s.gap - left, height)
    plan.text(card.title, box, s.small, look.accent, bold=True, max_lines=1)
    return True
