"""The quick machine check: does the board answer, is the door closed, does the drop sensor
see a hand waved through the chute. Nothing here blocks: the board check runs as a job, the
door and the sensor are read as the hardware reports them."""

from __future__ import annotations

import math

import pygame

from kiosk.staff.events import ChangePaper, CheckBoard, StaffEvent, StartDropTest
from kiosk.staff.screens.base import (
    Line,
    StaffPage,
    StaffView,
    chrome,
    flow,
    staff_button,
)
from kiosk.staff.screens.notice import notice_line
from kiosk.ui.scene import TextBlock


def board_line(sv: StaffView) -> Line:
    if sv.live.dispensing_fault is None:
        return Line(sv.t("staff.hardware.board_ok"), tone="good", bold=True)
    return Line(sv.t("staff.hardware.board_lost"), tone="warn", bold=True)


def door_line(sv: StaffView) -> Line:
    closed = sv.live.door_closed
    if closed is None:
        return Line(sv.t("staff.hardware.door_unknown"), tone="muted", bold=True)
    if closed:
        return Line(sv.t("staff.hardware.door_closed"), tone="good", bold=True)
    return Line(sv.t("staff.hardware.door_open"), tone="warn", bold=True)


def drop_line(sv: StaffView) -> Line:
    until = sv.state.drop_test_until
    if until is not None:
        seconds = max(0, math.ceil(until - sv.now))
        return Line(sv.t("staff.hardware.drop_waiting", seconds=seconds), tone="normal", bold=True)
    return Line(sv.t("staff.hardware.drop_none"), tone="muted", bold=True)


def printer_line(sv: StaffView) -> Line:
    """The printer's state in a word, and the paper left by the estimate."""
    printer = sv.live.printer
    assert printer is not None
    state = printer.state or "starting"
    known = f"staff.hardware.printer_{state}" in sv.v.texts.translations.tables["ko"]
    text = sv.t(f"staff.hardware.printer_{state}" if known else "staff.hardware.printer_fault")
    if printer.paper is not None and state not in ("not_configured", "paper_out"):
        metres = printer.paper.left_mm / 1000
        text += " · " + sv.t("staff.hardware.paper_left", metres=f"{metres:.0f}")
    good = state in ("ready", "unchecked")
    return Line(text, tone="good" if good else "warn", bold=True)


def build(sv: StaffView) -> StaffPage:
    page = StaffPage()
    area = chrome(sv, page)
    m = sv.v.metrics
    title = flow(sv, [Line(sv.t("staff.hardware.title"), heading=True)], area) or []
    page.add(*title)
    top = max((b.box.bottom for b in title), default=area.y) + m.gap
    body = pygame.Rect(area.x, top, area.width, area.bottom - top)
    checks: list[tuple[Line, tuple[str, str, StaffEvent] | None]] = [
        (board_line(sv), ("check-board", sv.t("staff.hardware.check_board"), CheckBoard())),
        (door_line(sv), None),
        (drop_line(sv), ("drop-test", sv.t("staff.hardware.drop_test"), StartDropTest())),
    ]
    if sv.live.printer is not None:
        paper = ("paper-changed", sv.t("staff.hardware.paper_changed"), ChangePaper())
        checks.append((printer_line(sv), paper))
    extra = notice_line(sv, "staff.hardware.busy")
    if sv.snap.simulated:
        extra.append(Line(sv.t("staff.hardware.simulated"), tone="muted"))
    if sv.live.dispensing_fault is not None:  # for the technician; dropped when there is no room
        extra.append(Line(sv.live.dispensing_fault, tone="muted"))
    if m.portrait:
        _stacked(sv, page, body, checks, extra)
    else:
        _side_by_side(sv, page, body, checks, extra)
    return page


Check = tuple[Line, tuple[str, str, StaffEvent] | None]


def _side_by_side(
    sv: StaffView, page: StaffPage, body: pygame.Rect, checks: list[Check], extra: list[Line]
) -> None:
    """One row per check, as tall as its words (a button's height at least): what it says on
    the left, its button on the right; the notice and notes in the room left below."""
    m = sv.v.metrics
    button_w = min(body.width // 3, 6 * m.target_px)
    y = body.y
    for line, action in checks:
        room = pygame.Rect(body.x, y, body.width - button_w - m.gap, body.bottom - y)
        placed = flow(sv, [line], room) or []
        page.add(*placed)
        height = max((b.box.bottom for b in placed), default=y) - y
        if action is not None:
            height = max(height, m.target_px)
            _button(sv, page, pygame.Rect(body.right - button_w, y, button_w, height), action)
        y += height + m.gap
    page.add(*_extra(sv, extra, pygame.Rect(body.x, y, body.width, body.bottom - y)))


def _extra(sv: StaffView, extra: list[Line], area: pygame.Rect) -> list[TextBlock]:
    """The notice and notes; the last ones are left out when they do not all fit."""
    for keep in range(len(extra), -1, -1):
        blocks = flow(sv, extra[:keep], area)
        if blocks is not None:
            return blocks
    return []


def _stacked(
    sv: StaffView, page: StaffPage, body: pygame.Rect, checks: list[Check], extra: list[Line]
) -> None:
    """Portrait: each check's words, and its button under them."""
    m = sv.v.metrics
    y = body.y
    for line, action in checks:
        placed = flow(sv, [line], pygame.Rect(body.x, y, body.width, body.bottom - y)) or []
        page.add(*placed)
        y = max((b.box.bottom for b in placed), default=y) + m.gap // 2
        if action is not None:
            _button(sv, page, pygame.Rect(body.x, y, body.width, m.target_px), action)
            y += m.target_px + m.gap
        y += m.gap
    page.add(*_extra(sv, extra, pygame.Rect(body.x, y, body.width, body.bottom - y)))


def _button(
    sv: StaffView, page: StaffPage, area: pygame.Rect, action: tuple[str, str, StaffEvent]
) -> None:
    m = sv.v.metrics
    name, label, event = action
    rect = pygame.Rect(0, 0, area.width, m.target_px)
    rect.midtop = area.midtop  # level with the first line of what it checks
    page.add_button(staff_button(sv, name, rect, label, event, primary=name == "check-board"))
