"""Content status: which version serves, how much of it, what the last check said; reload."""

from __future__ import annotations

import pygame

from kiosk.staff.events import ReloadContent
from kiosk.staff.screens.base import Line, StaffPage, StaffView, chrome, flow, staff_button
from kiosk.staff.screens.notice import notice_line
from kiosk.ui.scene import split_rows


def lines(sv: StaffView) -> list[Line]:
    c = sv.snap.content
    out = [
        Line(sv.t("staff.content.title"), heading=True),
        Line(sv.t("staff.content.version", version=c.version), bold=True),
    ]
    out.append(
        Line(
            sv.t(
                "staff.content.counts",
                symptoms=c.symptoms,
                prescriptions=c.prescriptions,
                items=c.items,
                places=c.places,
            )
        )
    )
    if c.ok and not c.checked:
        out.append(Line(sv.t("staff.content.check_pending"), tone="muted"))
    elif c.ok:
        out.append(Line(sv.t("staff.content.check_ok"), tone="good"))
    elif c.reason:
        out.append(Line(sv.t("staff.content.start_failed", reason=c.reason), tone="warn"))
    else:
        out.append(Line(sv.t("staff.content.check_failed", n=c.issues), tone="warn"))
    return out


def first_issue(sv: StaffView) -> list[Line]:
    issue = sv.snap.content.first_issue
    if sv.snap.content.ok or issue is None:
        return []
    return [Line(issue.format(sv.state.language), tone="muted")]


def build(sv: StaffView) -> StaffPage:
    page = StaffPage()
    area = chrome(sv, page)
    m = sv.v.metrics
    text_area, action = split_rows(area, [None, m.target_px], m.gap)
    note = notice_line(sv, "staff.content.busy")
    # The first problem is a bonus: shown whole when there is room, else left to `content check`.
    page.add(
        *(
            flow(sv, [*lines(sv), *note, *first_issue(sv)], text_area)
            or flow(sv, [*lines(sv), *note], text_area)
            or flow(sv, lines(sv), text_area)
            or []
        )
    )
    rect = pygame.Rect(
        0, 0, min(action.width, max(action.width // 3, 5 * m.target_px)), m.target_px
    )
    rect.midright = action.midright
    page.add_button(
        staff_button(
            sv,
            "reload",
            rect,
            sv.t("staff.content.reload"),
            ReloadContent(),
            style="primary",
            primary=True,
        )
    )
    return page
