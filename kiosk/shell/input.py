"""Touch, mouse, keys and the cabinet's keypad → one stream of UI inputs.

A finger on the touchscreen makes SDL send both finger events and synthetic mouse events; only
the finger events count (mouse events with `touch` set are dropped), so one tap is one action.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import pygame


class Nav(enum.Enum):
    """The four keys of the tactile keypad (and their keyboard stand-ins), plus back."""

    PREVIOUS = "previous"
    NEXT = "next"
    SELECT = "select"
    HELP = "help"
    BACK = "back"


@dataclass(frozen=True)
class Tap:
    pos: tuple[int, int]


UiInput = Tap | Nav

KEYS: dict[int, Nav] = {
    pygame.K_LEFT: Nav.PREVIOUS,
    pygame.K_UP: Nav.PREVIOUS,
    pygame.K_RIGHT: Nav.NEXT,
    pygame.K_DOWN: Nav.NEXT,
    pygame.K_TAB: Nav.NEXT,
    pygame.K_RETURN: Nav.SELECT,
    pygame.K_KP_ENTER: Nav.SELECT,
    pygame.K_SPACE: Nav.SELECT,
    pygame.K_h: Nav.HELP,
    pygame.K_ESCAPE: Nav.BACK,
    pygame.K_BACKSPACE: Nav.BACK,
}


class InputMapper:
    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size

    def map(self, event: pygame.event.Event) -> UiInput | None:
        if event.type == pygame.FINGERUP:
            w, h = self.size
            x = min(w - 1, max(0, int(event.x * w)))
            y = min(h - 1, max(0, int(event.y * h)))
            return Tap((x, y))
        if event.type == pygame.MOUSEBUTTONUP:
            if getattr(event, "touch", False) or event.button != 1:
                return None  # SDL's echo of a finger, or a wheel/right button
            return Tap(event.pos)
        if event.type == pygame.KEYDOWN:
            return KEYS.get(event.key)
        return None
