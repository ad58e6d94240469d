"""Where each part of the card goes, for a card of any size.

    ┌ stub ─────────────────────────────────────── ○ ○ ○ perforation ○ ○ ○ ┐
    │ [seal] 마음약방 처 방 전                           제 2026-1130-042 호  │
    │                                                    2026년 11월 30일   │
    │ ═════════════════════════════════════════════════════════════════════ │
    │ (증상) 외톨이 바이러스                                        ┌─────┐ │
    │ 따끈온기정                                                    │ pic │ │
    │                                                               └─────┘ │
    │   이 손난로만큼 따뜻한 곳이 있어요. …             (the phrase: the body) │
    │ - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - │
    │ (복용법) 추운 날일수록 자주, 편하게 들르세요                            │
    │ (다음 한 걸음) 관악구 성민종합사회복지관 · 02-876-0900                  │
    └/\\/\\/\\/\\/\\/\\/\\/\\/\\/\\/\\ torn edge /\\/\\/\\/\\/\\/\\/\\/\\/\\/\\/\\/\\┘

The largest type that fits is chosen (never below the kit's `small_px`); a roomy header with
the number over the date, or a one-line header on a small card. Everything is always there:
the card has the same parts on every screen and on paper.
"""

from __future__ import annotations

from dataclasses import replace

import pygame

from kiosk.ui.theme import RGB
from kiosk.visit.card.header import header, seal_and_medicine
from kiosk.visit.card.look import CardKit
from kiosk.visit.card.model import Card
from kiosk.visit.card.plan import COMPACT, ROOMY, TIGHT, CardLayout, Decor, Plan, Sizes

__all__ = ["SCALES", "SPARE", "CardLayout", "Decor", "attempt", "frame", "layout_card"]

# Type sizes tried from large to small (a big card gets big type); then a tighter header.
SCALES = (1.9, 1.7, 1.5, 1.35, 1.2, 1.1, 1.0)

# What a card too long for a 7-inch screen leaves out, in this order, before any text would
# be cut: the date, then the symptom (chosen one screen before), then the gift's picture, last
# the words "처 방 전" (the seal then stands beside the medicine's name and the number), and
# only then the line that says there is no gift today. The printed slip always has them all.
SPARE = ("date", "symptom", "picture", "title", "note")


def layout_card(card: Card, rect: pygame.Rect, kit: CardKit) -> CardLayout:
    """The largest layout of `card` that fits `rect` whole; on a card too small for that,
    the tightest one that leaves out the fewest `SPARE` parts; if even that does not fit,
    the last try (its `fits` is False and a text block says `truncated`: a content defect)."""
    tight = attempt(card, rect, kit, 1.0, TIGHT)
    if not tight.fits:
        return _spared(card, rect, kit, tight)
    for level in (ROOMY, COMPACT):
        found = _largest(card, rect, kit, level)
        if found is not None:
            return found
    return tight


def _largest(card: Card, rect: pygame.Rect, kit: CardKit, level: int) -> CardLayout | None:
    """The largest scale at which `level` fits (a larger type never fits where a smaller
    did not, so a binary search over SCALES finds it in three or four tries)."""
    low, high, best = 0, len(SCALES) - 1, None
    if not (smallest := attempt(card, rect, kit, SCALES[high], level)).fits:
        return None
    best = smallest
    while low < high:
        middle = (low + high) // 2
        found = attempt(card, rect, kit, SCALES[middle], level)
        if found.fits:
            best, high = found, middle
        else:
            low = middle + 1
    return best


def _spared(card: Card, rect: pygame.Rect, kit: CardKit, last: CardLayout) -> CardLayout:
    spared = card
    for n, part in enumerate(SPARE, 1):
        spared = _without(spared, part)
        last = replace(attempt(spared, rect, kit, 1.0, TIGHT), left_out=SPARE[:n])
        if last.fits:
            break
    return last


def _without(card: Card, part: str) -> Card:
    if part == "date":
        return replace(card, date="")
    if part == "symptom":
        return replace(card, symptom="")
    if part == "picture":
        return replace(card, item=None)
    if part == "title":
        return replace(card, title="")
    return replace(card, note="")


def frame(rect: pygame.Rect, kit: CardKit, level: int = ROOMY) -> tuple[int, int, int, int]:
    """(margin, stub, edge, shadow) of a card this size."""
    w, h = rect.size
    margin = max(6, min(40, round(min(w, h * 1.6) * 0.035)))
    stub = max(8, round(margin * 0.9)) if level != TIGHT else 5
    edge = max(5, margin // 2) if level != TIGHT else 4
    shadow = (max(2, margin // 5) if level != TIGHT else 1) if kit.look.shadow else 0
    return margin, stub, edge, shadow


def attempt(
    card: Card, rect: pygame.Rect, kit: CardKit, scale: float, level: int = ROOMY
) -> CardLayout:
    """One layout of `card` in `rect` at `scale` times the kit's sizes and `level`."""
    small = kit.small_px  # labels, number, date: the floor; the phrase and name grow instead
    body = max(small, round(kit.body_px * scale))
    large = max(body, round(kit.large_px * scale))
    if level == TIGHT:
        large = max(small, round(small * 1.15))
    margin, stub, edge, shadow = frame(rect, kit, level)
    gap = max(4, margin // 2) if level != TIGHT else 2
    plan = Plan(card, kit, rect, Sizes(small, body, large, gap), level)
    inner = pygame.Rect(
        rect.x + margin,
        rect.y + stub + plan.sizes.gap,
        rect.width - 2 * margin - shadow,
        rect.height - stub - edge - shadow - 2 * plan.sizes.gap,
    )
    if inner.width <= 0 or inner.height <= 0:
        decor = Decor(rect.size, stub, edge, shadow, pygame.Rect(0, 0, 0, 0), None, card.item)
        return CardLayout(decor, (), False)
    picture: pygame.Rect | None = None
    if card.title:
        seal, top = header(plan, inner)
        picture, top = _symptom_and_medicine(plan, inner, top)
    else:
        seal, top = seal_and_medicine(plan, inner)
        top = _note(plan, inner, top)
    bottom = _dosage_and_step(plan, inner)
    _phrase(plan, inner, top, bottom)
    decor = Decor(
        rect.size,
        stub,
        edge,
        shadow,
        seal.move(-rect.x, -rect.y),
        picture.move(-rect.x, -rect.y) if picture is not None else None,
        card.item,
        tuple(r.move(-rect.x, -rect.y) for r in plan.rules),
        tuple(r.move(-rect.x, -rect.y) for r in plan.dashes),
        tuple(r.move(-rect.x, -rect.y) for r in plan.chips),
    )
    return CardLayout(decor, tuple(plan.blocks), plan.fits)


def _chip(plan: Plan, label: str, x: int, y: int, color: RGB) -> pygame.Rect:
    """A label in a thin outline ("복용법"); returns its rect."""
    s = plan.sizes
    pad = max(3, s.gap // 2)
    width = plan.width(label, s.small, bold=True) + 2 * pad
    chip = pygame.Rect(x, y, width, plan.lh(s.small))
    plan.chips.append(chip)
    plan.text(label, chip, s.small, color, bold=True, align="center", valign="middle", max_lines=1)
    return chip


def _symptom_and_medicine(
    plan: Plan, inner: pygame.Rect, top: int
) -> tuple[pygame.Rect | None, int]:
    """The symptom (with its label) and the medicine's name, the gift's picture beside them."""
    s, look, card = plan.sizes, plan.kit.look, plan.card
    line, big = plan.lh(s.small), plan.lh(s.large)
    symptom_own_row = bool(card.symptom) and (
        plan.level == ROOMY or not _symptom_fits_beside(plan, inner)
    )
    block_h = big + (line if symptom_own_row else 0)
    side = min(block_h, inner.width // 4) if card.item is not None else 0
    picture = pygame.Rect(inner.right - side, top, side, side) if side else None
    text_w = inner.width - side - s.gap
    y = top
    if card.symptom and symptom_own_row:
        chip = _chip(plan, card.symptom_label, inner.x, y, look.muted)
        box = pygame.Rect(chip.right + s.gap, y, inner.x + text_w - chip.right - s.gap, line)
        plan.text(card.symptom, box, s.small, look.ink, max_lines=1)
        y += line
    medicine_w = text_w
    if card.symptom and not symptom_own_row:
        medicine_w = plan.width(card.medicine, s.large, bold=True) + s.gap
    plan.text(
        card.medicine,
        pygame.Rect(inner.x, y, medicine_w, big),
        s.large,
        look.accent,
        bold=True,
        valign="middle",
        max_lines=1,
    )
    if card.symptom and not symptom_own_row:
        x = inner.x + medicine_w + s.gap
        label = f"{card.symptom_label} · {card.symptom}"
        box = pygame.Rect(x, y, inner.x + text_w - x, big)
        plan.text(label, box, s.small, look.muted, align="right", valign="middle", max_lines=1)
    y = _note(plan, inner, y + big)
    return picture, max(y, picture.bottom if picture else y) + s.gap


def _note(plan: Plan, inner: pygame.Rect, y: int) -> int:
    """No gift today: said where its picture would be. Returns the y below."""
    s, card = plan.sizes, plan.card
    if card.item is not None or not card.note:
        return y
    lines = 1 if plan.width(card.note, s.small) <= inner.width else 2
    box = pygame.Rect(inner.x, y, inner.width, lines * plan.lh(s.small))
    return plan.text(card.note, box, s.small, plan.kit.look.muted, max_lines=lines).box.bottom


def _symptom_fits_beside(plan: Plan, inner: pygame.Rect) -> bool:
    s, card = plan.sizes, plan.card
    side = min(plan.lh(s.large), inner.width // 4)
    need = (
        plan.width(card.medicine, s.large, bold=True)
        + plan.width(f"{card.symptom_label} · {card.symptom}", s.small)
        + side
        + 3 * s.gap
    )
    return need <= inner.width


def _dosage_and_step(plan: Plan, inner: pygame.Rect) -> int:
    """복용법 and the next step, standing on the bottom; returns the y above them."""
    s, look, card = plan.sizes, plan.kit.look, plan.card
    bottom = inner.bottom
    rows: list[tuple[str, str, RGB, int]] = []
    if card.step:
        rows.append(
            (
                card.step_label,
                card.step,
                look.warn if card.gentle else look.ink,
                3,
            )
        )
    rows.append((card.dosage_label, card.dosage, look.ink, 2))
    for label, text, color, most in rows:
        bottom = _labelled(plan, inner, bottom, label, text, color, most) - s.gap // 2
    dash = pygame.Rect(inner.x, bottom - max(1, s.gap // 3), inner.width, max(1, s.gap // 4))
    plan.dashes.append(dash)
    return dash.y - s.gap


def _labelled(
    plan: Plan,
    inner: pygame.Rect,
    bottom: int,
    label: str,
    text: str,
    color: RGB,
    most: int,
) -> int:
    """A chip and its text, standing on `bottom`; the text wraps beside the chip, or under
    it when the card is too narrow for both. Returns the top."""
    s = plan.sizes
    line = plan.lh(s.small)
    chip_w = plan.width(label, s.small, bold=True) + 2 * max(3, s.gap // 2) if label else 0
    beside = inner.width - chip_w - s.gap >= inner.width * 0.55
    space = max(6, s.gap)
    x = inner.x + (chip_w + space if label and beside else 0)
    width = inner.right - x
    for n in range(1, most + 1):
        box = pygame.Rect(x, bottom - n * line, width, n * line)
        block = plan.ts.block(text, box, px=s.small, color=color, max_lines=n)
        if not block.truncated:
            break
    plan.text(text, box, s.small, color, max_lines=n)
    top = box.y
    if label:
        chip_y = top if beside else top - line
        _chip(plan, label, inner.x, chip_y, plan.kit.look.muted)
        top = chip_y
    return top


def _phrase(plan: Plan, inner: pygame.Rect, top: int, bottom: int) -> None:
    """The phrase: the card's body, as large as its room allows (up to the medicine's size)."""
    s, look = plan.sizes, plan.kit.look
    indent = s.gap
    box = pygame.Rect(inner.x + indent, top, inner.width - 2 * indent, bottom - top)
    block = plan.text(plan.card.phrase, box, s.body, look.ink, valign="middle")
    if block.lines and block.lines[0].px < s.body * 0.85:
        plan.fits = False  # a larger name over a shrunken phrase: try a smaller scale
