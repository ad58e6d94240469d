"""The card's paper: everything but its text, drawn once into one picture per card and size.

A pharmacy envelope's stub with a perforated tear line, a torn bottom edge, a faint grain
(never in 고대비 or on paper), a soft shadow, the rules and label outlines, the red seal and
the gift's picture. Drawing it once and blitting it keeps a card's redraw to one blit and its
text lines.
"""

from __future__ import annotations

import random

import pygame

from kiosk.ui.fonts import FontBook, Weight
from kiosk.visit.card.layout import Decor
from kiosk.visit.card.look import CardLook
from kiosk.visit.card.pictures import item_picture

RGBA = tuple[int, int, int, int]
CLEAR: RGBA = (0, 0, 0, 0)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    """`a` moved `t` of the way towards `b`."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def paper(
    decor: Decor, look: CardLook, fonts: FontBook, seal_text: tuple[str, str]
) -> pygame.Surface:
    """The card's picture at `decor.size`, on the look's backdrop (the screen's background,
    which shows through the perforation and below the torn edge). Opaque, so that drawing it
    is a plain copy, not a blend: the card is the largest thing on its screens."""
    w, h = decor.size
    surface = pygame.Surface((w, h))
    surface.fill(look.paper if look.mono else look.backdrop)
    sheet = pygame.Rect(0, 0, w - decor.shadow, h - decor.shadow)
    if decor.shadow:
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill(CLEAR)
        _sheet(shade, sheet.move(decor.shadow, decor.shadow), decor.edge, (0, 0, 0, 38))
        surface.blit(shade, (0, 0))
    _sheet(surface, sheet, decor.edge, (*look.paper, 255))
    if not look.mono:
        stub = pygame.Rect(sheet.x, sheet.y, sheet.width, decor.stub)
        surface.fill((*_mix(look.paper, look.accent, 0.10), 255), stub)
    if look.texture:
        _grain(surface, sheet, look)
    _perforation(surface, sheet, decor.stub, look)
    for rule in decor.rules:
        surface.fill((*look.accent, 255), rule)
    for dash in decor.dashes:
        _dashed(surface, dash, look.muted)
    radius = max(2, min(12, min((c.height for c in decor.chips), default=8) // 4))
    for chip in decor.chips:
        pygame.draw.rect(surface, look.muted, chip, max(1, chip.height // 18), border_radius=radius)
    if decor.seal.width >= 8:
        surface.blit(seal(decor.seal.width, look, fonts, seal_text), decor.seal.topleft)
    if decor.picture is not None and decor.picture.width >= 8:
        _picture(surface, decor.picture, decor.item, look)
    return surface


def _sheet(surface: pygame.Surface, sheet: pygame.Rect, edge: int, color: RGBA) -> None:
    """The paper's outline: straight on three sides, torn (a zigzag) along the bottom."""
    teeth = max(4, sheet.width // max(6, edge * 2))
    step = sheet.width / teeth
    bottom = sheet.bottom
    points = [(sheet.x, sheet.y), (sheet.right, sheet.y), (sheet.right, bottom - edge)]
    for i in range(teeth, -1, -1):
        x = sheet.x + round(i * step)
        y = bottom - (edge if i % 2 == 0 else 0)
        points.append((x, y))
    points.append((sheet.x, bottom - edge))
    pygame.draw.polygon(surface, color, points)


def _grain(surface: pygame.Surface, sheet: pygame.Rect, look: CardLook) -> None:
    """A faint paper grain: short fibres a shade darker than the paper. The same every time
    (seeded by the size), and faint enough that text contrast is not touched (≤ 3 %)."""
    rng = random.Random(sheet.width * 7919 + sheet.height)
    fibre = (*_mix(look.paper, look.ink, 0.06), 255)
    count = sheet.width * sheet.height // 900
    for _ in range(count):
        x = rng.randrange(sheet.x, max(sheet.x + 1, sheet.right - 6))
        y = rng.randrange(sheet.y, max(sheet.y + 1, sheet.bottom - 12))
        length = rng.randrange(2, 7)
        surface.fill(fibre, (x, y, length, 1))


def _perforation(surface: pygame.Surface, sheet: pygame.Rect, y: int, look: CardLook) -> None:
    """The tear line under the stub: punched holes on a screen, a dotted line on paper."""
    r = max(1, y // 6)
    step = max(4 * r, 6)
    for x in range(sheet.x + step // 2, sheet.right - r, step):
        if look.mono:
            surface.fill((*look.ink, 255), (x - r, y - 1, 2 * r, 2))
        else:
            pygame.draw.circle(surface, (*look.backdrop, 255), (x, y), r)


def _dashed(surface: pygame.Surface, rule: pygame.Rect, color: tuple[int, int, int]) -> None:
    dash = max(4, rule.height * 6)
    for x in range(rule.x, rule.right, 2 * dash):
        surface.fill((*color, 255), (x, rule.y, min(dash, rule.right - x), rule.height))


def _picture(surface: pygame.Surface, where: pygame.Rect, item: str | None, look: CardLook) -> None:
    """The gift in a round frame (a plain outline on paper)."""
    center, radius = where.center, where.width // 2
    if not look.mono:
        pygame.draw.circle(surface, (*_mix(look.paper, look.accent, 0.12), 255), center, radius)
    pygame.draw.circle(surface, (*look.accent, 255), center, radius, max(1, radius // 18))
    side = round(where.width * 0.74)
    picture = item_picture(item, side, mono=look.mono)
    surface.blit(picture, picture.get_rect(center=center))


def seal(side: int, look: CardLook, fonts: FontBook, text: tuple[str, str]) -> pygame.Surface:
    """The pharmacy's square seal (도장): two lines of two syllables in a double frame, set a
    little askew like a hand stamp, with specks where the ink did not take (not on paper)."""
    size = max(8, side)
    big = size * 3
    stamp = pygame.Surface((big, big), pygame.SRCALPHA)
    ink = (*look.seal, 255)
    outer = max(2, big // 14)
    frame = pygame.Rect(0, 0, big, big).inflate(-outer, -outer)
    pygame.draw.rect(stamp, ink, frame, outer, border_radius=big // 10)
    inner = frame.inflate(-outer * 3, -outer * 3)
    pygame.draw.rect(stamp, ink, inner, max(1, outer // 3), border_radius=big // 14)
    glyph_px = max(6, round(inner.height * 0.48))
    for row, word in enumerate(text):
        for col, syllable in enumerate(word[:2]):
            glyph = fonts.render(syllable, glyph_px, look.seal, Weight.BOLD)
            cell = pygame.Rect(
                inner.x + col * inner.width // 2,
                inner.y + row * inner.height // 2,
                inner.width // 2,
                inner.height // 2,
            )
            stamp.blit(glyph, glyph.get_rect(center=cell.center))
    if not look.mono:
        rng = random.Random(7)
        for _ in range(big // 2):
            x, y = rng.randrange(big), rng.randrange(big)
            pygame.draw.circle(stamp, CLEAR, (x, y), max(1, big // 90))
        stamp = pygame.transform.rotate(stamp, -5)
    out = pygame.transform.smoothscale(stamp, (size, size))
    return out
