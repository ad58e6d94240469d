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

from dataclasses import dataclass, field, replace

import pygame

from kiosk.ui.fonts import Weight
from kiosk.ui.scene import Align, TextBlock, Typesetter, VAlign
from kiosk.ui.theme import RGB
from kiosk.visit.card.look import CardKit
from kiosk.visit.card.model import Card

# Type sizes tried from large to small (a big card gets big type); then a tighter header.
SCALES = (1.9, 1.7, 1.5, 1.35, 1.2, 1.1, 1.0)


@dataclass(frozen=True)
class Decor:
    """What the card's picture shows besides its text (rects relative to the card)."""

    size: tuple[int, int]
    stub: int  # the perforation runs this far below the top
    edge: int  # height of the torn bottom edge
    shadow: int
    seal: pygame.Rect
    picture: pygame.Rect | None
    item: str | None
    rules: tuple[pygame.Rect, ...] = ()  # solid rules (under the header)
    dashes: tuple[pygame.Rect, ...] = ()  # dashed rules (above the dosage)
    chips: tuple[pygame.Rect, ...] = ()  # the outlines around 증상, 복용법, 다음 한 걸음


@dataclass(frozen=True)
class CardLayout:
    decor: Decor
    blocks: tuple[TextBlock, ...]
    fits: bool  # every text whole, at or above the smallest size
    left_out: tuple[str, ...] = ()  # parts a small screen had no room for (see SPARE)


# What a card too long for a 7-inch screen leaves out, in this order, before any text would
# be cut: the date, then the symptom (chosen one screen before), then the gift's picture.
# The printed slip always has all of them.
# Last, the words "처 방 전": the seal then stands beside the medicine's name and the number.
SPARE = ("date", "symptom", "picture", "title")


@dataclass
class _Sizes:
    small: int
    body: int
    large: int
    gap: int


@dataclass
class _Plan:
    """One attempt at laying the card out; collects what goes where."""

    card: Card
    kit: CardKit
    rect: pygame.Rect
    sizes: _Sizes
    level: int
    blocks: list[TextBlock] = field(default_factory=list)
    rules: list[pygame.Rect] = field(default_factory=list)
    dashes: list[pygame.Rect] = field(default_factory=list)
    chips: list[pygame.Rect] = field(default_factory=list)
    fits: bool = True

    @property
    def ts(self) -> Typesetter:
        return self.kit.typesetter

    def lh(self, px: int) -> int:
        return self.ts.line_height(px)

    def text(
        self,
        text: str,
        box: pygame.Rect,
        px: int,
        color: RGB,
        *,
        bold: bool = False,
        align: Align = "left",
        valign: VAlign = "top",
        max_lines: int | None = None,
    ) -> TextBlock:
        block = self.ts.block(
            text,
            box,
            px=px,
            color=color,
            weight=Weight.BOLD if bold else Weight.REGULAR,
            align=align,
            valign=valign,
            min_px=self.sizes.small,
            max_lines=max_lines,
        )
        if block.truncated or box.width <= 0 or box.height <= 0:
            self.fits = False
        self.blocks.append(block)
        return block

    def width(self, text: str, px: int, bold: bool = False) -> int:
        return self.ts.fonts.measure(text, px, Weight.BOLD if bold else Weight.REGULAR)


ROOMY, COMPACT, TIGHT = 0, 1, 2  # the arrangements, from the most generous


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
        return replace(card, item=None, note="")
    return replace(card, title="")


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
    plan = _Plan(card, kit, rect, _Sizes(small, body, large, gap), level)
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
        seal, top = _header(plan, inner)
        picture, top = _symptom_and_medicine(plan, inner, top)
    else:
        seal, top = _seal_and_medicine(plan, inner)
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


def _header(plan: _Plan, inner: pygame.Rect) -> tuple[pygame.Rect, int]:
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


def _seal_and_medicine(plan: _Plan, inner: pygame.Rect) -> tuple[pygame.Rect, int]:
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


def _header_side(plan: _Plan, inner: pygame.Rect, height: int) -> bool:
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


def _header_stacked(plan: _Plan, inner: pygame.Rect, height: int) -> int:
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


def _header_line(plan: _Plan, inner: pygame.Rect, height: int) -> bool:
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


def _chip(plan: _Plan, label: str, x: int, y: int, color: RGB) -> pygame.Rect:
    """A label in a thin outline ("복용법"); returns its rect."""
    s = plan.sizes
    pad = max(3, s.gap // 2)
    width = plan.width(label, s.small, bold=True) + 2 * pad
    chip = pygame.Rect(x, y, width, plan.lh(s.small))
    plan.chips.append(chip)
    plan.text(label, chip, s.small, color, bold=True, align="center", valign="middle", max_lines=1)
    return chip


def _symptom_and_medicine(
    plan: _Plan, inner: pygame.Rect, top: int
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
    y += big
    if card.item is None and card.note:  # no gift today: said where its picture would be
        lines = 1 if plan.width(card.note, s.small) <= inner.width else 2
        box = pygame.Rect(inner.x, y, inner.width, lines * line)
        y = plan.text(card.note, box, s.small, look.muted, max_lines=lines).box.bottom
    return picture, max(y, picture.bottom if picture else y) + s.gap


def _symptom_fits_beside(plan: _Plan, inner: pygame.Rect) -> bool:
    s, card = plan.sizes, plan.card
    side = min(plan.lh(s.large), inner.width // 4)
    need = (
        plan.width(card.medicine, s.large, bold=True)
        + plan.width(f"{card.symptom_label} · {card.symptom}", s.small)
        + side
        + 3 * s.gap
    )
    return need <= inner.width


def _dosage_and_step(plan: _Plan, inner: pygame.Rect) -> int:
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
    plan: _Plan,
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


def _phrase(plan: _Plan, inner: pygame.Rect, top: int, bottom: int) -> None:
    """The phrase: the card's body, as large as its room allows (up to the medicine's size)."""
    s, look = plan.sizes, plan.kit.look
    indent = s.gap
    box = pygame.Rect(inner.x + indent, top, inner.width - 2 * indent, bottom - top)
    block = plan.text(plan.card.phrase, box, s.body, look.ink, valign="middle")
    if block.lines and block.lines[0].px < s.body * 0.85:
        plan.fits = False  # a larger name over a shrunken phrase: try a smaller scale
