"""The display test of `hwtest`: colour bars, then a touch grid that measures the touch offset.

The grid logic (`TouchGrid`: cells, hits, offset) is pure and has no pygame in it. The pygame
part (`DisplaySession`) draws on the kiosk's screen while the questions are asked in the
terminal, and turns touches into grid hits. Both tests are `hardware.diagnostics.Check`s of
group "display"; they need a person, so `--yes` skips them, and so does a missing display.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hardware.diagnostics import (
    Answer,
    Check,
    CheckResult,
    Clock,
    Prompter,
    Sleep,
    failed,
    passed,
    skipped,
)

# Half the smallest touch target the kiosk draws (9 mm): beyond that, visitors miss buttons.
MAX_OFFSET_MM = 4.5

BAR_COLOURS: tuple[tuple[str, tuple[int, int, int]], ...] = (
    ("white", (255, 255, 255)),
    ("yellow", (255, 255, 0)),
    ("cyan", (0, 255, 255)),
    ("green", (0, 255, 0)),
    ("magenta", (255, 0, 255)),
    ("red", (255, 0, 0)),
    ("blue", (0, 0, 255)),
    ("black", (0, 0, 0)),
)


# --- the grid, pure -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    col: int
    row: int
    left: int
    top: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.width / 2, self.top + self.height / 2)

    @property
    def label(self) -> str:
        """1-based, as a technician counts: "row 2, column 3"."""
        return f"row {self.row + 1}, column {self.col + 1}"

    def contains(self, x: float, y: float) -> bool:
        return self.left <= x < self.left + self.width and self.top <= y < self.top + self.height


@dataclass(frozen=True)
class Offset:
    """Mean distance from the crosses to the touches; + is right and down."""

    dx_px: float
    dy_px: float
    worst_px: float  # the largest single miss, to spot a warped panel
    px_per_mm: float

    @property
    def dx_mm(self) -> float:
        return self.dx_px / self.px_per_mm

    @property
    def dy_mm(self) -> float:
        return self.dy_px / self.px_per_mm

    @property
    def size_mm(self) -> float:
        return math.hypot(self.dx_mm, self.dy_mm)

    def describe(self) -> str:
        horizontal = "right" if self.dx_px >= 0 else "left"
        vertical = "below" if self.dy_px >= 0 else "above"
        return (
            f"touches land {abs(self.dx_px):.0f} px ({abs(self.dx_mm):.1f} mm) {horizontal} "
            f"and {abs(self.dy_px):.0f} px ({abs(self.dy_mm):.1f} mm) {vertical} "
            f"of the crosses"
        )


@dataclass
class TouchGrid:
    """`cols` × `rows` cells over a `width` × `height` screen; every cell must be touched."""

    width: int
    height: int
    cols: int = 4
    rows: int = 3
    px_per_mm: float = 1.0
    touches: dict[Cell, list[tuple[float, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.cols < 1 or self.rows < 1 or self.width < self.cols or self.height < self.rows:
            raise ValueError("grid too small for the screen")

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(self._cell(col, row) for row in range(self.rows) for col in range(self.cols))

    def _cell(self, col: int, row: int) -> Cell:
        # Integer edges that tile the screen exactly, so no pixel belongs to no cell.
        left, right = col * self.width // self.cols, (col + 1) * self.width // self.cols
        top, bottom = row * self.height // self.rows, (row + 1) * self.height // self.rows
        return Cell(col, row, left, top, right - left, bottom - top)

    def cell_at(self, x: float, y: float) -> Cell | None:
        if not (0 <= x < self.width and 0 <= y < self.height):
            return None
        # The first column (row) whose right (bottom) edge lies beyond the point: exact for
        # the integer tiling above, so every pixel has exactly one cell.
        col = next(c for c in range(self.cols) if x < (c + 1) * self.width // self.cols)
        row = next(r for r in range(self.rows) if y < (r + 1) * self.height // self.rows)
        return self._cell(col, row)

    def touch(self, x: float, y: float) -> Cell | None:
        """Record a touch; returns the cell it landed in (None: off the screen)."""
        cell = self.cell_at(x, y)
        if cell is not None:
            self.touches.setdefault(cell, []).append((x, y))
        return cell

    @property
    def missing(self) -> list[Cell]:
        return [c for c in self.cells if c not in self.touches]

    @property
    def complete(self) -> bool:
        return not self.missing

    def offset(self) -> Offset | None:
        """Mean offset over each cell's first touch (later touches are corrections)."""
        misses = [
            (pts[0][0] - c.centre[0], pts[0][1] - c.centre[1]) for c, pts in self.touches.items()
        ]
        if not misses:
            return None
        dx = sum(m[0] for m in misses) / len(misses)
        dy = sum(m[1] for m in misses) / len(misses)
        worst = max(math.hypot(*m) for m in misses)
        return Offset(dx, dy, worst, self.px_per_mm)


def grid_result(grid: TouchGrid, *, stopped: bool) -> CheckResult:
    """The verdict on a touch grid once the person finished, gave up or ran out of time."""
    offset = grid.offset()
    details: dict[str, Any] = {
        "cells": len(grid.cells),
        "touched": len(grid.cells) - len(grid.missing),
        "missing": [c.label for c in grid.missing],
    }
    if offset is not None:
        details.update(
            offset_x_px=round(offset.dx_px, 1),
            offset_y_px=round(offset.dy_px, 1),
            offset_mm=round(offset.size_mm, 2),
            worst_px=round(offset.worst_px, 1),
        )
    if not grid.complete:
        cause = "stopped by the technician" if stopped else "time ran out"
        return failed(
            f"{cause}; no touch in {', '.join(details['missing'])} (터치 안 됨)",
            "if those cells were touched, the panel has a dead zone there: check the "
            "touch panel's ribbon cable, or replace the panel",
            **details,
        )
    assert offset is not None  # a complete grid has touches
    if offset.size_mm > MAX_OFFSET_MM:
        return failed(
            f"every cell answers, but {offset.describe()} (터치 보정 필요)",
            "recalibrate the touch panel (libinput calibration matrix), or check the "
            "display rotation in the configuration",
            **details,
        )
    return passed(f"every cell answers; {offset.describe()}", **details)


# --- drawing and events (pygame) ------------------------------------------------------------


@dataclass
class DisplaySession:
    """The kiosk's screen, opened once for both display checks.

    `allow_dummy` lets tests draw under SDL's dummy driver; a technician on a machine with no
    screen gets a SKIP, not a pass on an invisible window.
    """

    size: tuple[int, int]
    fullscreen: bool = True
    allow_dummy: bool = False
    px_per_mm: float = 1.0
    driver: str = ""  # the configuration's sdl_driver ("kmsdrm" on the Pi); "" lets SDL choose
    surface: Any = None
    unavailable: str = ""

    def open(self) -> bool:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # keep the checklist clean
        import pygame

        if self.surface is not None:
            return True
        if self.unavailable:
            return False
        if os.environ.get("SDL_VIDEODRIVER") == "dummy" and not self.allow_dummy:
            self.unavailable = "no real display (SDL_VIDEODRIVER=dummy)"
            return False
        if self.driver and "SDL_VIDEODRIVER" not in os.environ:
            os.environ["SDL_VIDEODRIVER"] = self.driver  # SDL reads it at display.init()
        try:
            pygame.display.init()
            pygame.font.init()
            flags = pygame.FULLSCREEN if self.fullscreen else 0
            self.surface = pygame.display.set_mode(self.size, flags)
            pygame.display.set_caption("마음약방 hwtest")
        except pygame.error as exc:
            self.unavailable = f"no display could be opened ({exc}); is the kiosk still running?"
            return False
        return True

    def close(self) -> None:
        if self.surface is not None:
            import pygame

            pygame.display.quit()
            self.surface = None

    def font(self, px: int) -> Any:
        import pygame

        from kiosk.ui.fonts import FontNotFoundError, find_korean_fonts

        try:
            return pygame.font.Font(str(find_korean_fonts().regular), px)
        except FontNotFoundError:
            # The kiosk itself refuses to start without Hangul; the test screen still shows
            # its English half, so the technician can finish the checklist that says so.
            return pygame.font.Font(None, px)

    def show(self) -> None:
        import pygame

        pygame.display.flip()


def draw_colour_bars(surface: Any) -> None:
    """Eight vertical bars and a one-pixel white frame (the frame shows overscan cropping)."""
    import pygame

    width, height = surface.get_size()
    for i, (_, colour) in enumerate(BAR_COLOURS):
        left, right = i * width // len(BAR_COLOURS), (i + 1) * width // len(BAR_COLOURS)
        surface.fill(colour, pygame.Rect(left, 0, right - left, height))
    pygame.draw.rect(surface, (255, 255, 255), surface.get_rect(), 1)
    # Black has no contrast with the frame's absence: a grey edge around the black bar shows it.
    last = (len(BAR_COLOURS) - 1) * width // len(BAR_COLOURS)
    pygame.draw.line(surface, (128, 128, 128), (last, 0), (last, height - 1))


def draw_grid(surface: Any, grid: TouchGrid, font: Any) -> None:
    import pygame

    surface.fill((0, 0, 0))
    for cell in grid.cells:
        rect = pygame.Rect(cell.left, cell.top, cell.width, cell.height)
        if cell in grid.touches:
            surface.fill((0, 90, 40), rect)
        pygame.draw.rect(surface, (90, 90, 90), rect, 1)
        cx, cy = (round(v) for v in cell.centre)
        arm = max(8, min(cell.width, cell.height) // 8)
        pygame.draw.line(surface, (255, 255, 255), (cx - arm, cy), (cx + arm, cy), 2)
        pygame.draw.line(surface, (255, 255, 255), (cx, cy - arm), (cx, cy + arm), 2)
        for x, y in grid.touches.get(cell, []):
            pygame.draw.circle(surface, (255, 200, 0), (round(x), round(y)), 5)
    done = len(grid.cells) - len(grid.missing)
    text = f"Touch the cross in every cell · 모든 칸의 십자를 누르세요 ({done}/{len(grid.cells)})"
    label = font.render(text, True, (255, 255, 255))
    surface.blit(label, (12, surface.get_height() - label.get_height() - 8))


def touch_positions(events: Sequence[Any], size: tuple[int, int]) -> tuple[list[Any], bool]:
    """Touch and click positions in screen pixels, and whether Escape asked to stop.

    A touch screen also sends an emulated mouse click for every finger: those are skipped, so
    one touch is one hit.
    """
    import pygame

    points: list[Any] = []
    stop = False
    for event in events:
        if event.type == pygame.FINGERDOWN:
            points.append((event.x * size[0], event.y * size[1]))
        elif event.type == pygame.MOUSEBUTTONDOWN and not getattr(event, "touch", False):
            points.append(event.pos)
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            stop = True
    return points, stop


# --- the checks -----------------------------------------------------------------------------


def colour_bars_check(session: DisplaySession, prompter: Prompter) -> Check:
    def run() -> CheckResult:
        if not session.open():
            return skipped(
                f"{session.unavailable} (화면 없음)",
                "run hwtest on the kiosk itself, with the screen connected",
            )
        draw_colour_bars(session.surface)
        session.show()
        names = ", ".join(name for name, _ in BAR_COLOURS)
        answer = prompter.ask(
            "display.bars",
            f"On the kiosk screen: 8 bars ({names}) and a thin white frame "
            "on all four edges? (컬러 바와 테두리가 보이나요?)",
        )
        if answer is Answer.YES:
            return passed("colour bars and the frame look right (화면 정상)")
        if answer is Answer.SKIP:
            return skipped("the technician could not tell")
        return failed(
            "the colour bars or the frame do not look right (화면 이상)",
            "a missing colour: check the display cable (HDMI/DSI) and its seating; "
            "a missing edge: set the resolution in [display] to the panel's own "
            "(no overscan)",
        )

    return Check("display.bars", "display colour bars", "display", run, needs_person=True)


def touch_grid_check(
    session: DisplaySession,
    prompter: Prompter,
    *,
    cols: int = 4,
    rows: int = 3,
    timeout_s: float = 90.0,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    events: Callable[[], Sequence[Any]] | None = None,
) -> Check:
    """`events` defaults to pygame's queue; the loop redraws about 30 times a second."""

    def run() -> CheckResult:
        import pygame

        if not session.open():
            return skipped(
                f"{session.unavailable} (화면 없음)",
                "run hwtest on the kiosk itself, with the screen connected",
            )
        size = session.surface.get_size()
        grid = TouchGrid(size[0], size[1], cols, rows, px_per_mm=session.px_per_mm)
        font = session.font(max(16, size[1] // 30))
        get_events = events or pygame.event.get
        prompter.note(
            f"On the kiosk screen, touch the cross in each of the {cols * rows} cells "
            "(Escape on a keyboard stops) · 화면의 모든 십자를 누르세요"
        )
        start, stopped = clock(), False
        while not grid.complete and not stopped and clock() - start < timeout_s:
            points, stopped = touch_positions(get_events(), size)
            for x, y in points:
                grid.touch(x, y)
            draw_grid(session.surface, grid, font)
            session.show()
            sleep(1 / 30)
        return grid_result(grid, stopped=stopped)

    return Check("display.touch", "touch grid", "display", run, needs_person=True)
