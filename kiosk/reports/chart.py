"""A daily bar chart of visits (started and finished) as a PNG staff can paste into a report.

Drawn with pygame and the kiosk's Korean font, headless (no display needed). Labels come from
the screen text (`staff.chart.*`), so the chart is in Korean or English like the screens.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pygame

from kiosk.reports.stats import DayVisits
from kiosk.ui.fonts import FontBook, Weight
from kiosk.ui.i18n import Texts

SIZE = (1600, 900)
WHITE = (255, 255, 255)
INK = (31, 36, 40)
GRID = (214, 210, 200)
STARTED = (127, 176, 181)  # light teal
COMPLETED = (24, 88, 94)  # the kiosk's deep teal


@dataclass(frozen=True)
class ChartFrame:
    """Where things go on a chart of `size` (pixels)."""

    size: tuple[int, int]

    @property
    def margin(self) -> int:
        return self.size[1] // 18

    @property
    def title_px(self) -> int:
        return self.size[1] // 20

    @property
    def label_px(self) -> int:
        return self.size[1] // 34

    @property
    def plot(self) -> pygame.Rect:
        w, h = self.size
        m = self.margin
        top = m + self.title_px * 3
        left = m + self.label_px * 3
        return pygame.Rect(left, top, w - left - m, h - top - m - self.label_px * 3)


def nice_ceiling(value: int) -> tuple[int, int]:
    """A round top for the axis at or above `value`, and the step between grid lines."""
    if value <= 5:
        return 5, 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (magnitude // 5 or 1, magnitude // 2 or 1, magnitude, magnitude * 2):
        if value / step <= 8:
            return step * math.ceil(value / step), step
    return value, max(1, value // 5)


def draw_daily_chart(
    days: Sequence[DayVisits], texts: Texts, fonts: FontBook, size: tuple[int, int] = SIZE
) -> pygame.Surface:
    frame = ChartFrame(size)
    surface = pygame.Surface(size)
    surface.fill(WHITE)
    _title(surface, frame, days, texts, fonts)
    top, step = nice_ceiling(max((d.started for d in days), default=0))
    _grid(surface, frame, top, step, fonts)
    _bars(surface, frame, days, top, texts, fonts)
    return surface


def save_daily_chart(
    path: Path,
    days: Sequence[DayVisits],
    texts: Texts,
    fonts: FontBook,
    size: tuple[int, int] = SIZE,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(draw_daily_chart(days, texts, fonts, size), str(path))


def _text(
    surface: pygame.Surface,
    fonts: FontBook,
    text: str,
    px: int,
    pos: tuple[int, int],
    anchor: str = "topleft",
    bold: bool = False,
    color: tuple[int, int, int] = INK,
) -> pygame.Rect:
    rendered = fonts.render(text, px, color, Weight.BOLD if bold else Weight.REGULAR)
    rect = rendered.get_rect(**{anchor: pos})
    surface.blit(rendered, rect)
    return rect


def _title(
    surface: pygame.Surface,
    frame: ChartFrame,
    days: Sequence[DayVisits],
    texts: Texts,
    fonts: FontBook,
) -> None:
    m = frame.margin
    title = _text(surface, fonts, texts("staff.chart.title"), frame.title_px, (m, m), bold=True)
    if days:
        span = texts(
            "staff.chart.range", first=days[0].day.isoformat(), last=days[-1].day.isoformat()
        )
        _text(surface, fonts, span, frame.label_px, (title.right + m, title.bottom), "bottomleft")
    # The legend, top right.
    x = frame.size[0] - m
    y = title.bottom + frame.label_px
    for key, color in (("staff.chart.completed", COMPLETED), ("staff.chart.started", STARTED)):
        label = _text(surface, fonts, texts(key), frame.label_px, (x, y), "topright")
        swatch = pygame.Rect(0, 0, frame.label_px, frame.label_px)
        swatch.midright = (label.x - frame.label_px // 2, label.centery)
        pygame.draw.rect(surface, color, swatch)
        x = swatch.x - frame.label_px * 2


def _grid(surface: pygame.Surface, frame: ChartFrame, top: int, step: int, fonts: FontBook) -> None:
    plot = frame.plot
    for value in range(0, top + 1, step):
        y = plot.bottom - round(plot.height * value / top)
        pygame.draw.line(surface, GRID if value else INK, (plot.x, y), (plot.right, y), 2)
        _text(
            surface,
            fonts,
            str(value),
            frame.label_px,
            (plot.x - frame.label_px // 2, y),
            "midright",
        )


def _bars(
    surface: pygame.Surface,
    frame: ChartFrame,
    days: Sequence[DayVisits],
    top: int,
    texts: Texts,
    fonts: FontBook,
) -> None:
    if not days:
        return
    plot = frame.plot
    slot = plot.width / len(days)
    bar = max(1, int(slot * 0.35))
    weekdays = texts("staff.chart.weekdays").split(",")
    # Every day is labelled while the labels fit; on long ranges every n-th day.
    label_w = frame.label_px * 4
    every = max(1, math.ceil(label_w / slot))
    for i, d in enumerate(days):
        x = plot.x + slot * i + slot / 2
        for offset, value, color in ((-bar, d.started, STARTED), (0, d.completed, COMPLETED)):
            height = round(plot.height * value / top)
            rect = pygame.Rect(round(x + offset), plot.bottom - height, bar, height)
            pygame.draw.rect(surface, color, rect)
            if value and bar >= frame.label_px:
                _text(surface, fonts, str(value), frame.label_px * 4 // 5, rect.midtop, "midbottom")
        if i % every == 0:
            date_label = texts("staff.chart.date", month=d.day.month, day=d.day.day)
            weekday = weekdays[d.day.weekday()] if len(weekdays) == 7 else ""
            below = _text(
                surface, fonts, date_label, frame.label_px, (round(x), plot.bottom + 4), "midtop"
            )
            if weekday:
                _text(surface, fonts, weekday, frame.label_px, below.midbottom, "midtop")
