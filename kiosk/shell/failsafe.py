"""The screen of last resort: when handling input, building or drawing a page fails, the kiosk
logs the traceback, forgets the visit and shows this plain page with the help lines, and keeps
running. It uses nothing but a font and the strings below (the translations when they load,
these built-in Korean and English lines when even they fail), so it cannot fail the same way.
A tap or a key, or `RETRY_S` seconds, tries the normal screens again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pygame

log = logging.getLogger(__name__)

RETRY_S = 30.0

# Built in on purpose: the help lines must show even when the locale files are what broke.
BUILT_IN = (
    "잠시 화면에 문제가 생겼어요 · Something went wrong on this screen",
    "109 · 자살예방 상담전화 · 24시간 (Suicide prevention, 24 h)",
    "1577-0199 · 정신건강 위기상담 · 24시간 (Mental health crisis, 24 h)",
    "02-120 → 5 · 외로움안녕120 · 24시간 (Loneliness line, 24 h)",
    "112 경찰 (Police) · 119 구급 (Ambulance)",
    "화면을 누르면 처음으로 돌아가요 · Touch the screen to start again",
)
BACKGROUND = (250, 246, 238)
INK = (20, 24, 28)
ALERT = (150, 28, 24)


def lines(texts: Callable[[str], str] | None) -> tuple[str, ...]:
    """The page's lines in the kiosk's language, or the built-in ones."""
    if texts is None:
        return BUILT_IN
    try:
        return (
            texts("failsafe.title"),
            texts("help.line_109"),
            texts("help.line_1577"),
            texts("help.line_120"),
            texts("help.emergency"),
            texts("failsafe.retry"),
        )
    except Exception:
        log.exception("failsafe: the translations failed too; using the built-in lines")
        return BUILT_IN


FontFor = Callable[[int], pygame.font.Font]


def draw(surface: pygame.Surface, font_for: FontFor, text: tuple[str, ...]) -> None:
    """Title, help lines and how to go on, all in one size (the largest that fits the width
    and the height), centred on the screen as a block."""
    surface.fill(BACKGROUND)
    width, height = surface.get_size()
    margin = max(8, width // 20)
    px = max(12, min(height // (len(text) * 2), width // 12))
    while px > 12 and max(font_for(px).size(line)[0] for line in text) > width - 2 * margin:
        px -= 1
    step = px * 3 // 2
    top = max(margin, (height - step * len(text)) // 2)
    for n, line in enumerate(text):
        color = ALERT if n == 0 else INK
        surface.blit(font_for(px).render(line, True, color), (margin, top + n * step))
