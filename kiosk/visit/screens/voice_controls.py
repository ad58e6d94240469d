"""The voice's own controls: quieter, louder, slower, faster. Shown only while voice guidance
is on, as one row at the bottom of the screen's area (within reach in low-screen mode too),
drawn through one call from the chrome (`base.chrome`). The keypad's volume keys do the same
through `App.on_volume`."""

from __future__ import annotations

import pygame

from kiosk.ui.scene import split_cols
from kiosk.visit.flow import Mode
from kiosk.visit.screens.base import AudioStep, Page, View, button

# (button name, label key, action): names are in the shell's focus order after the screen's own.
CONTROLS = (
    ("voice:quieter", "voice_controls.quieter", AudioStep("volume", -1)),
    ("voice:louder", "voice_controls.louder", AudioStep("volume", +1)),
    ("voice:slower", "voice_controls.slower", AudioStep("speed", -1)),
    ("voice:faster", "voice_controls.faster", AudioStep("speed", +1)),
)
NAMES = tuple(name for name, _, _ in CONTROLS)


def voice_controls(v: View, page: Page, area: pygame.Rect) -> pygame.Rect:
    """Adds the row when voice is on; returns what is left of `area` for the screen."""
    if Mode.VOICE not in v.state.access:
        return area
    m = v.metrics
    row = pygame.Rect(area.x, area.bottom - m.target_px, area.width, m.target_px)
    for (name, key, action), cell in zip(
        CONTROLS, split_cols(row, [None] * len(CONTROLS), m.gap), strict=True
    ):
        page.add_button(button(v, name, cell, v.t(key), action))
    return pygame.Rect(area.x, area.y, area.width, max(0, row.y - m.gap - area.y))
