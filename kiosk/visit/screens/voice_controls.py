"""The voice's own controls: quieter, louder, slower, faster. With voice guidance on, one
button in the bar ("음성 조절") opens them as a panel over the screen, so no screen gives up any
of its room; the keypad's volume keys do the same steps through `App.on_volume`.
The panel is screen-local (`UiState.voice_panel`): it closes with its button or the screen."""

from __future__ import annotations

import pygame

from kiosk.ui.scene import Box, Picture, inset, split_cols, split_rows
from kiosk.visit.flow import Mode
from kiosk.visit.screens.base import AudioStep, Page, View, VoicePanel, button

# (button name, label key, action), row by row.
ROWS = (
    (
        ("voice:quieter", "voice_controls.quieter", AudioStep("volume", -1)),
        ("voice:louder", "voice_controls.louder", AudioStep("volume", +1)),
    ),
    (
        ("voice:slower", "voice_controls.slower", AudioStep("speed", -1)),
        ("voice:faster", "voice_controls.faster", AudioStep("speed", +1)),
    ),
)


def shown(v: View) -> bool:
    return v.ui.voice_panel and Mode.VOICE in v.state.access and not v.state.prompting


def overlay(v: View, below: Page) -> Page:
    """The panel over the page: the help button stays live above the shade."""
    m, p = v.metrics, v.palette
    shade = pygame.Surface((m.width, m.height), pygame.SRCALPHA)
    shade.fill((*p.overlay, 170))
    page = Page(
        ops=[*below.ops, *(op for b in below.buttons for op in b.ops), Picture(shade, (0, 0))]
    )
    heading = v.typesetter.line_height(m.heading_px)
    hint = v.typesetter.line_height(m.min_px) * 2
    width = min(m.width - 4 * m.gap, max(m.width * 3 // 5, 9 * m.target_px))
    height = min(m.height - 2 * m.gap, heading + hint + 3 * m.target_px + 8 * m.gap)
    dialog = pygame.Rect(0, 0, width, height)
    dialog.center = v.screen_rect.center
    page.add(Box(dialog, p.paper, m.radius))
    inner = inset(dialog, 2 * m.gap, 2 * m.gap)
    rows = split_rows(inner, [heading, hint, None, None, m.target_px], m.gap)
    page.add(v.text(v.t("voice_controls.title"), rows[0], px=m.heading_px, bold=True, max_lines=1))
    page.add(v.text(v.t("voice_controls.hint"), rows[1], px=m.min_px, max_lines=2))
    for row, controls in zip(rows[2:4], ROWS, strict=True):
        cells = split_cols(row, [None, None], m.gap)
        for cell, (name, key, action) in zip(cells, controls, strict=True):
            page.add_button(button(v, name, cell, v.t(key), action, primary=name == "voice:louder"))
    close = pygame.Rect(0, 0, min(rows[4].width, max(rows[4].width // 2, 4 * m.target_px)), 0)
    close.height = rows[4].height
    close.midright = rows[4].midright
    page.add_button(button(v, "voice:close", close, v.t("voice_controls.close"), VoicePanel(False)))
    for b in below.buttons:
        if b.name == "help":
            page.add(*b.ops)
            page.add_button(b)
    return page
