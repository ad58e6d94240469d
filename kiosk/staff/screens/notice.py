"""The one line that says what the last staff action did (or that it is still working)."""

from __future__ import annotations

from kiosk.staff.events import Notice, NoticeKind
from kiosk.staff.screens.base import Line, StaffView

BAD = {
    NoticeKind.FAILED,
    NoticeKind.RELOAD_REFUSED,
    NoticeKind.BOARD_LOST,
    NoticeKind.DROP_NOT_SEEN,
}


def notice_text(sv: StaffView, notice: Notice) -> str:
    return sv.t(
        f"staff.notice.{notice.kind.value}",
        slot=notice.slot,
        count=notice.count,
        detail=notice.detail,
    )


def notice_line(sv: StaffView, busy_key: str) -> list[Line]:
    """[the line] while working or after an action, else []."""
    if sv.state.busy:
        return [Line(sv.t(busy_key), tone="muted", bold=True)]
    notice = sv.state.notice
    if notice is None:
        return []
    return [Line(notice_text(sv, notice), tone="warn" if notice.kind in BAD else "good", bold=True)]
