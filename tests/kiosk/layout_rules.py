"""The layout rules of docs/screens.md as checks on a built page (no pixels needed):

- no paragraph ends on a line with a single word;
- no empty horizontal band taller than a quarter of the screen;
- the screen's main action at least one touch target away from the help button;
- every text whole, on the screen, inside its box;
- every screen text that exists for a screen is drawn on it (or listed here with a reason).

Each check returns what it found wrong, in words, so a failing test says what to fix.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import pygame

from kiosk.ui.linebreak import words_in
from kiosk.ui.scene import Box, Op, Picture, TextBlock
from kiosk.visit.screens.base import Page

MAIN_ACTIONS = ("start", "continue", "places", "close-big")

# Screen text (the locale's sections) that belongs to each screen.
SECTIONS: dict[str, tuple[str, ...]] = {
    "attract": ("attract",),
    "symptom": ("symptom",),
    "mood": ("mood",),
    "prescription": ("prescription", "card"),
    "dispensing": ("dispensing",),
    "take_item": ("take_item",),
    "info": ("info",),
    "goodbye": ("goodbye",),
    "help": ("help", "person"),
    "out_of_service": ("out_of_service",),
}
# Drawn only where there is room: the reason is what the small screen does instead.
ROOM_PERMITTING = {
    "prescription.ready": "7-inch: the card takes the whole screen, the action the bar",
    "prescription.read_first": "7-inch: the card takes the whole screen, the action the bar",
    "info.hotline_title": "7-inch: the footer right below says 외로움안녕120 on every screen",
    "mood.hint": "7-inch: the three answers say how often by themselves",
    "prescription.pharmacy": "7-inch: the card's seal says 마음약방",
    "info.places_title": "7-inch: the places' page says info.places_title_short",
}
# Drawn only on the small screens, where the info screen turns from the talk to the places.
SHORT_ONLY = {
    "info.places_next": "the 7-inch screens show the talk and the places one after the other",
    "info.places_title_short": "the 7-inch screens' page of places, short of room",
}
# Screens whose layout another part of the work owns (issue #13's paging of the symptom
# screen, branch `access`): checked for everything else; drop these when that lands.
OWNED_ELSEWHERE = {
    ("symptom", "empty band"): "the last page of symptoms is short until the paging is reworked",
    ("symptom", "symptom.hint"): "drawn when the symptoms fit one page; paging is reworked",
}
# Not a string of its own on the screen: the words the card shows are checked on the card.
NOT_ON_SCREEN = {
    "card.months": "the month names inside card.date",
    "card.number": "checked on the card itself (test_card.py)",
    "card.date": "checked on the card itself (test_card.py)",
    "person.call": "the button shows person.called once pressed",
    "person.called": "the button shows person.call until pressed",
    "take_item.next": "checked as the button of every take-item state",
    "prescription.medicine": "spoken by the voice guide before the name; the card shows the name",
}


def paragraphs(block: TextBlock) -> list[list[str]]:
    """The block's lines, grouped by the paragraph (text between newlines) they came from."""
    out: list[list[str]] = []
    lines = [line.text for line in block.lines]
    for paragraph in block.source.split("\n"):
        wanted = _squeeze(paragraph)
        got: list[str] = []
        while lines and _squeeze("".join(got)) != wanted:
            got.append(lines.pop(0))
        out.append(got)
    return out


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def lone_last_words(blocks: Iterable[TextBlock]) -> list[str]:
    found = []
    for block in blocks:
        if block.truncated:
            continue  # cut text is its own failure
        for lines in paragraphs(block):
            # Company from the line above must leave it two words: a line of three or more.
            if len(lines) >= 2 and words_in(lines[-1]) == 1 and words_in(lines[-2]) >= 3:
                found.append(f"{lines[-1]!r} alone at the end of {block.source[:40]!r}")
    return found


def _rects(page: Page) -> list[pygame.Rect]:
    rects: list[pygame.Rect] = []
    ops: list[Op] = [*page.ops, *(op for b in page.buttons for op in b.ops)]
    for op in ops:
        if isinstance(op, Box):
            rects.append(op.rect)
        elif isinstance(op, TextBlock):
            if op.lines:
                rects.append(op.ink)
        elif isinstance(op, Picture):
            rects.append(pygame.Rect(op.pos, op.surface.get_size()))
    rects += [b.rect for b in page.buttons]
    return rects


def empty_bands(page: Page, size: tuple[int, int]) -> list[str]:
    """Horizontal bands across the whole screen where nothing at all is drawn."""
    limit = size[1] / 4
    spans = sorted((r.top, r.bottom) for r in _rects(page) if r.width and r.height)
    found, reached = [], 0
    for top, bottom in spans:
        if top - reached > limit:
            found.append(f"nothing between y={reached} and y={top} ({top - reached} px)")
        reached = max(reached, bottom)
    if size[1] - reached > limit:
        found.append(f"nothing below y={reached}")
    return found


def gap(a: pygame.Rect, b: pygame.Rect) -> float:
    dx = max(0, max(a.left - b.right, b.left - a.right))
    dy = max(0, max(a.top - b.bottom, b.top - a.bottom))
    return math.hypot(dx, dy)


def action_near_help(page: Page, target_px: int) -> list[str]:
    names = {b.name: b.rect for b in page.buttons}
    help_rect = names.get("help")
    if help_rect is None:
        return ["no help button"]
    return [
        f"{name} is {gap(rect, help_rect):.0f} px from the help button (< {target_px})"
        for name, rect in names.items()
        if name in MAIN_ACTIONS and gap(rect, help_rect) < target_px
    ]


def cut_or_outside(page: Page, size: tuple[int, int]) -> list[str]:
    screen = pygame.Rect(0, 0, *size)
    found = []
    for block in page.text_blocks():
        if block.truncated:
            found.append(f"cut off: {block.source[:50]!r}")
        elif not screen.contains(block.box):
            found.append(f"off the screen: {block.source[:50]!r}")
        elif block.lines and not block.box.contains(block.ink):
            found.append(f"outside its box: {block.source[:50]!r}")
    return found


def template(text: str) -> re.Pattern[str]:
    """A screen text as a pattern: its {placeholders} (and particles) match anything."""
    parts = re.split(r"\{[^}]*\}", text)
    return re.compile(".*?".join(re.escape(_squeeze(p)) for p in parts), re.S)


def missing_strings(
    screen: str, pages: Sequence[Page], table: dict[str, str], *, roomy: bool, short: bool
) -> list[str]:
    """Keys of the screen's sections that none of its pages draws."""
    drawn = "\n".join(_squeeze(b.source) for page in pages for b in page.text_blocks())
    found = []
    for key, text in table.items():
        section = key.rsplit(".", 1)[0]
        if section not in SECTIONS.get(screen, ()) or key in NOT_ON_SCREEN:
            continue
        if (key in ROOM_PERMITTING and not roomy) or (key in SHORT_ONLY and not short):
            continue
        if (screen, key) in OWNED_ELSEWHERE:
            continue
        if not template(text).search(drawn):
            found.append(f"{key} ({text[:30]!r}) is never drawn")
    return found
