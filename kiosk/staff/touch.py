"""pygame's finger and mouse events, fed to the hidden corner press (`gesture.CornerPress`)."""

from __future__ import annotations

import pygame

from kiosk.staff.gesture import CornerPress

DOWN = (pygame.FINGERDOWN, pygame.MOUSEBUTTONDOWN)
MOVE = (pygame.FINGERMOTION, pygame.MOUSEMOTION)
UP = (pygame.FINGERUP, pygame.MOUSEBUTTONUP)


def pointer(event: pygame.event.Event, size: tuple[int, int]) -> tuple[int, int] | None:
    """Where a finger or the left mouse button is; None for anything else, including SDL's
    mouse echo of a finger (the finger events already count)."""
    if event.type in (pygame.FINGERDOWN, pygame.FINGERMOTION, pygame.FINGERUP):
        return (int(event.x * size[0]), int(event.y * size[1]))
    if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
        if getattr(event, "touch", False):
            return None
        if event.type != pygame.MOUSEMOTION and event.button != 1:
            return None
        x, y = event.pos
        return (int(x), int(y))
    return None


def feed_corner(
    corner: CornerPress, event: pygame.event.Event, size: tuple[int, int], now: float
) -> bool:
    """True for the release of a press that has opened (or now opens) staff mode: that
    release must not also act as a tap."""
    pos = pointer(event, size)
    if pos is None:
        return False
    if event.type in DOWN:
        corner.down(pos, now)
    elif event.type in MOVE:
        corner.move(pos)
    elif event.type in UP:
        return corner.up(now)
    return False
