"""One slot: what is in it, refill to full or to a count, take it out of use or back in."""

from __future__ import annotations

import pygame

from kiosk.cabinet.stock_text import status_key
from kiosk.staff.events import ChangeCount, RefillFull, RefillToCount, SetEnabled
from kiosk.staff.screens.base import Line, StaffPage, StaffView, chrome, flow, staff_button
from kiosk.staff.screens.notice import notice_line
from kiosk.ui.scene import TextBlock, split_cols, split_rows


def build(sv: StaffView) -> StaffPage:
    page = StaffPage()
    area = chrome(sv, page)
    m = sv.v.metrics
    number = sv.state.slot
    slot = sv.slot(number) if number is not None else None
    if slot is None:  # gone from the configuration since the list was drawn
        page.add(*(flow(sv, [Line(sv.t("staff.overview.no_slots"), tone="warn")], area) or []))
        return page
    item = sv.item(slot.item)
    lines = [
        Line(sv.t("staff.slot.title", slot=slot.number, item=item), heading=True),
        Line(
            sv.t(
                "staff.slot.now",
                count=slot.count,
                capacity=slot.capacity,
                status=sv.t(status_key(slot)),
            )
        ),
    ]
    checked = not slot.enabled or slot.motor_fault or slot.suspected_empty
    hint = [Line(sv.t("staff.slot.enable_note"), tone="muted")] if checked else []
    note = notice_line(sv, "staff.slot.busy")  # what the last action did: kept before the hint
    texts = ([*lines, *hint, *note], [*lines, *note], lines)
    blocks, controls = _place(sv, area, 3 * m.target_px + 2 * m.gap, texts)
    page.add(*blocks)
    _controls(sv, page, controls, slot.capacity, slot.enabled and not slot.motor_fault)
    return page


def _place(
    sv: StaffView, area: pygame.Rect, controls_h: int, texts: tuple[list[Line], ...]
) -> tuple[list[TextBlock], pygame.Rect]:
    """The first of `texts` (the fullest first) that fits, and where the buttons go: the words
    above the buttons, else (landscape) beside them, where the buttons take the wider side, for
    their words must fit on one line."""
    m = sv.v.metrics
    text_area, controls = split_rows(area, [None, controls_h], 2 * m.gap)
    controls.width = min(controls.width, 14 * m.target_px)  # not a metre-wide button
    layouts = [(text_area, controls)]
    if not m.portrait:
        text_area, controls = split_cols(area, [None, area.width * 3 // 5], 2 * m.gap)
        controls = pygame.Rect(controls.x, controls.bottom - controls_h, controls.width, controls_h)
        layouts.append((text_area, controls))
    for said in texts:
        for text_area, controls in layouts:
            blocks = flow(sv, said, text_area)
            if blocks is not None:
                return blocks, controls
    return [], layouts[-1][1]


def _controls(
    sv: StaffView, page: StaffPage, area: pygame.Rect, capacity: int, in_use: bool
) -> None:
    m, state = sv.v.metrics, sv.state
    full, counts, use = split_rows(area, [m.target_px] * 3, m.gap)
    page.add_button(
        staff_button(
            sv,
            "fill",
            full,
            sv.t("staff.slot.fill", capacity=capacity),
            RefillFull(),
            style="primary",
            primary=True,
        )
    )
    minus, shown, plus, save = split_cols(
        counts, [m.target_px * 3 // 2, m.target_px * 2, m.target_px * 3 // 2, None], m.gap
    )
    page.add_button(staff_button(sv, "minus", minus, sv.t("staff.slot.minus"), ChangeCount(-1)))
    page.add(
        sv.v.text(
            sv.t("staff.slot.count", count=state.count),
            shown,
            bold=True,
            align="center",
            valign="middle",
            max_lines=1,
        )
    )
    page.add_button(staff_button(sv, "plus", plus, sv.t("staff.slot.plus"), ChangeCount(+1)))
    page.add_button(
        staff_button(sv, "save", save, sv.t("staff.slot.save", count=state.count), RefillToCount())
    )
    if in_use:
        label, event, name = sv.t("staff.slot.disable"), SetEnabled(False), "disable"
    else:
        label, event, name = sv.t("staff.slot.enable"), SetEnabled(True), "enable"
    page.add_button(staff_button(sv, name, use, label, event))
