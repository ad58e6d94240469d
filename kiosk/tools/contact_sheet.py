"""Contact sheets for review: every screen of a demo run side by side, one sheet a resolution
(`python main.py demo --contact-sheet` writes `contact-sheet-WxH.png`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import pygame

from kiosk.ui.fonts import FontBook

COLUMNS = 5
LABEL_PX = 18
PAD = 12
BACKDROP = (60, 64, 70)
LABEL = (240, 240, 240)


def write_sheets(
    paths: Sequence[Path], out: Path, fonts: FontBook, scale: float = 0.4
) -> list[Path]:
    """One sheet per resolution from the screenshots `paths` (named WxH-lang-NN-screen.png,
    or lang-NN-screen.png for a single resolution); returns the sheets written."""
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        size = path.name.split("-", 1)[0]
        groups[size if "x" in size else "single"].append(path)
    written = []
    for size, members in groups.items():
        images = [(p.stem, pygame.image.load(str(p))) for p in sorted(members)]
        name = f"contact-sheet-{size}.png" if size != "single" else "contact-sheet.png"
        target = out / name
        pygame.image.save(sheet(images, fonts, scale), str(target))
        written.append(target)
    return written


def sheet(
    images: Sequence[tuple[str, pygame.Surface]], fonts: FontBook, scale: float
) -> pygame.Surface:
    """The images as labelled thumbnails, COLUMNS to a row."""
    w, h = images[0][1].get_size()
    thumb = (max(1, round(w * scale)), max(1, round(h * scale)))
    cell = (thumb[0] + PAD, thumb[1] + LABEL_PX + PAD + 4)
    rows = -(-len(images) // COLUMNS)
    surface = pygame.Surface((COLUMNS * cell[0] + PAD, rows * cell[1] + PAD))
    surface.fill(BACKDROP)
    for i, (label, image) in enumerate(images):
        x = PAD + (i % COLUMNS) * cell[0]
        y = PAD + (i // COLUMNS) * cell[1]
        surface.blit(fonts.render(label, LABEL_PX, LABEL), (x, y))
        surface.blit(pygame.transform.smoothscale(image, thumb), (x, y + LABEL_PX + 4))
    return surface
