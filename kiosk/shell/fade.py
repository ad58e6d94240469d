"""A calm change of screen: the old frame fades out over the new one in 0.2 s.

Shorter than the tap guard (a tap during it is ignored anyway), and not in large-text or voice
mode (it helps neither a reader up close nor a listener). The frame loop asks `next_frame`
when to wake while it runs."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

import pygame

from kiosk.visit.flow import Mode

FADE_S = 0.2
FADE_FPS = 30
NO_FADE = (Mode.LARGE, Mode.VOICE)


@dataclass
class Fade:
    pending: bool = False  # the screen changed: the next frame starts the fade
    old: pygame.Surface | None = None  # the frame that was on the screen
    since: float = 0.0

    @property
    def active(self) -> bool:
        return self.pending or self.old is not None

    def screen_changed(self, modes: Container[Mode]) -> None:
        self.pending = not any(m in modes for m in NO_FADE)

    def start(self, surface: pygame.Surface, now: float, allowed: bool) -> None:
        """Before the new screen is drawn: keep what is on the screen now."""
        if self.pending and allowed:
            self.old, self.since = surface.copy(), now
        self.pending = False

    def blend(self, surface: pygame.Surface, now: float, allowed: bool = True) -> None:
        """After the new screen is drawn: the old one over it, fainter each frame."""
        if self.old is None:
            return
        left = 1.0 - (now - self.since) / FADE_S
        if left <= 0 or not allowed:
            self.old = None
            return
        self.old.set_alpha(round(255 * 0.8 * left * left))  # the new screen shows at once
        surface.blit(self.old, (0, 0))

    def next_frame(self, now: float) -> float | None:
        return now + 1 / FADE_FPS if self.active else None
