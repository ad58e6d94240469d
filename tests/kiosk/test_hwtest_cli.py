"""`main.py hwtest`: the display test's grid and screens, and the command end to end."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pygame
import pytest

from hardware.diagnostics import Answer, ScriptedPrompter, Status
from kiosk.diagnostics_display import (
    MAX_OFFSET_MM,
    DisplaySession,
    TouchGrid,
    colour_bars_check,
    grid_result,
    touch_grid_check,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


# --- the touch grid, pure -------------------------------------------------------------------


def test_cells_tile_the_screen_exactly() -> None:
    grid = TouchGrid(1279, 801, cols=4, rows=3)
    assert len(grid.cells) == 12
    assert sum(c.width * c.height for c in grid.cells) == 1279 * 801
    for x, y in [(0, 0), (1278, 800), (319, 266), (320, 267), (639, 533)]:
        cell = grid.cell_at(x, y)
        assert cell is not None and cell.contains(x, y)
    assert grid.cell_at(1279, 10) is None and grid.cell_at(-1, 10) is None


def test_grid_is_complete_only_when_every_cell_was_touched() -> None:
    grid = TouchGrid(400, 300, cols=2, rows=2)
    for cell in grid.cells[:3]:
        grid.touch(*cell.centre)
        grid.touch(*cell.centre)  # touching twice does not count for another cell
    assert not grid.complete
    assert [c.label for c in grid.missing] == ["row 2, column 2"]
    grid.touch(*grid.cells[3].centre)
    assert grid.complete


def test_offset_is_the_mean_miss_of_each_cells_first_touch() -> None:
    grid = TouchGrid(400, 300, cols=2, rows=2, px_per_mm=5.0)
    for cell in grid.cells:
        cx, cy = cell.centre
        grid.touch(cx + 10, cy - 5)
        grid.touch(cx, cy)  # a correction afterwards does not hide the miscalibration
    offset = grid.offset()
    assert offset is not None
    assert (offset.dx_px, offset.dy_px) == pytest.approx((10.0, -5.0))
    assert (offset.dx_mm, offset.dy_mm) == pytest.approx((2.0, -1.0))
    assert "10 px (2.0 mm) right" in offset.describe()
    assert "5 px (1.0 mm) above" in offset.describe()


def complete_grid(dx: float, dy: float, px_per_mm: float = 5.0) -> TouchGrid:
    grid = TouchGrid(800, 600, cols=4, rows=3, px_per_mm=px_per_mm)
    for cell in grid.cells:
        grid.touch(cell.centre[0] + dx, cell.centre[1] + dy)
    return grid


def test_a_well_calibrated_panel_passes_and_reports_its_offset() -> None:
    result = grid_result(complete_grid(3, 4), stopped=False)
    assert result.status is Status.PASS
    assert result.details["offset_mm"] == pytest.approx(1.0)
    assert "3 px" in result.reason


def test_an_offset_beyond_half_a_target_fails_with_a_calibration_hint() -> None:
    shift_px = (MAX_OFFSET_MM + 1) * 5.0
    result = grid_result(complete_grid(shift_px, 0), stopped=False)
    assert result.status is Status.FAIL
    assert "right" in result.reason and "calibrat" in result.next_step


def test_an_untouched_cell_fails_naming_it() -> None:
    grid = TouchGrid(800, 600, cols=2, rows=1)
    grid.touch(10, 10)
    result = grid_result(grid, stopped=False)
    assert result.status is Status.FAIL
    assert "row 1, column 2" in result.reason and "time ran out" in result.reason
    assert result.details["missing"] == ["row 1, column 2"]


# --- the display checks under SDL's dummy driver ------------------------------------------


@pytest.fixture
def session() -> Any:
    s = DisplaySession((640, 400), fullscreen=False, allow_dummy=True, px_per_mm=4.0)
    yield s
    s.close()


def test_without_a_real_display_both_checks_skip_saying_why() -> None:
    blind = DisplaySession((640, 400), fullscreen=False)  # tests run with the dummy driver
    prompter = ScriptedPrompter(answers={"display.bars": Answer.YES})
    for check in (colour_bars_check(blind, prompter), touch_grid_check(blind, prompter)):
        result = check.run()
        assert result.status is Status.SKIP
        assert "no real display" in result.reason
    assert prompter.log == []


def test_colour_bars_are_drawn_and_the_technicians_answer_decides(session: Any) -> None:
    yes = colour_bars_check(session, ScriptedPrompter(answers={"display.bars": Answer.YES}))
    assert yes.run().status is Status.PASS
    surface = session.surface
    assert surface.get_at((80, 200))[:3] == (255, 255, 0)  # the second bar is yellow
    assert surface.get_at((0, 200))[:3] == (255, 255, 255)  # the frame
    no = colour_bars_check(session, ScriptedPrompter(answers={"display.bars": Answer.NO}))
    result = no.run()
    assert result.status is Status.FAIL and "cable" in result.next_step


def taps(points: Sequence[tuple[float, float]]) -> list[pygame.event.Event]:
    return [
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=p, button=1, touch=False) for p in points
    ]


def test_touch_grid_passes_when_every_cross_is_touched(session: Any) -> None:
    clock = FakeClock()
    grid = TouchGrid(640, 400, cols=2, rows=2)
    batches = [
        taps([(c.centre[0] + 4, c.centre[1] + 2) for c in grid.cells[:2]]),
        [
            pygame.event.Event(
                pygame.FINGERDOWN,
                x=(grid.cells[2].centre[0] + 4) / 640,
                y=(grid.cells[2].centre[1] + 2) / 400,
                finger_id=0,
                touch_id=0,
                dx=0.0,
                dy=0.0,
                pressure=1.0,
            )
        ],
        # the mouse click SDL emulates for that finger must not count twice
        [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(1, 1), button=1, touch=True)],
        taps([(grid.cells[3].centre[0] + 4, grid.cells[3].centre[1] + 2)]),
    ]
    check = touch_grid_check(
        session,
        ScriptedPrompter(),
        cols=2,
        rows=2,
        clock=clock,
        sleep=clock.sleep,
        events=lambda: batches.pop(0) if batches else [],
    )
    result = check.run()
    assert result.status is Status.PASS
    assert (result.details["offset_x_px"], result.details["offset_y_px"]) == (4.0, 2.0)
    assert result.details["touched"] == 4


def test_touch_grid_times_out_naming_the_dead_cells(session: Any) -> None:
    clock = FakeClock()
    check = touch_grid_check(
        session,
        ScriptedPrompter(),
        cols=2,
        rows=1,
        timeout_s=5.0,
        clock=clock,
        sleep=clock.sleep,
        events=lambda: taps([(10, 10)]),
    )
    result = check.run()
    assert result.status is Status.FAIL
    assert "row 1, column 2" in result.reason
    assert clock.now == pytest.approx(5.0, abs=0.05)


def test_escape_stops_the_touch_grid(session: Any) -> None:
    clock = FakeClock()
    escape = [
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0)
    ]
    check = touch_grid_check(
        session, ScriptedPrompter(), clock=clock, sleep=clock.sleep, events=lambda: escape
    )
    result = check.run()
    assert result.status is Status.FAIL and "stopped by the technician" in result.reason
    assert clock.now < 1.0
