"""The staff overview: the alerts, every slot at a glance (item, count/capacity, state), and
the way to content, today's statistics and the machine check."""

from __future__ import annotations

import pygame

from kiosk.cabinet.alerts import Alert, AlertKind, slot_alert
from kiosk.cabinet.ledger import SlotState
from kiosk.cabinet.stock_text import alert_line, status_key
from kiosk.staff.events import SelectSlot, Show, StaffScreen, TurnPage
from kiosk.staff.screens.base import (
    Line,
    StaffButton,
    StaffPage,
    StaffView,
    chrome,
    flow,
    staff_button,
)
from kiosk.ui.fonts import Weight
from kiosk.ui.scene import Box, TextBlock, grid, inset, split_cols, split_rows

MENU = (
    ("content", "staff.overview.content", StaffScreen.CONTENT),
    ("stats", "staff.overview.stats", StaffScreen.STATS),
    ("hardware", "staff.overview.hardware", StaffScreen.HARDWARE),
)


def build(sv: StaffView) -> StaffPage:
    page = StaffPage()
    area = chrome(sv, page)
    m = sv.v.metrics
    menu_row = pygame.Rect(area.x, area.bottom - m.target_px, area.width, m.target_px)
    for (name, key, screen), cell in zip(
        MENU, split_cols(menu_row, [None] * 3, m.gap), strict=True
    ):
        page.add_button(
            staff_button(sv, name, cell, sv.t(key), Show(screen), primary=name == "content")
        )
    above = pygame.Rect(area.x, area.y, area.width, menu_row.y - m.gap - area.y)
    if not sv.snap.slots:
        alerts = _alerts(sv, above, len(sv.snap.alerts))
        page.add(*alerts)
        key = "staff.overview.no_slots" if sv.snap.ledger_ok else "staff.overview.no_ledger"
        page.add(*(flow(sv, [Line(sv.t(key), tone="warn")], _below(sv, alerts, above)) or []))
        return page
    # The tiles show each slot's state too, so slot alerts give way before the tiles would
    # need pages; an alert about the machine itself always shows.
    budget = pygame.Rect(above.x, above.y, above.width, above.height * 2 // 5)
    slot_alerts = sum(1 for a in sv.snap.alerts if a.slot is not None)
    for listed in range(slot_alerts, -1, -1):
        alerts = _alerts(sv, budget, listed)
        tiles = _below(sv, alerts, above)
        if not _layout(sv, tiles)[2]:
            break
    page.add(*alerts)
    _slots(sv, page, tiles)
    return page


def _below(sv: StaffView, blocks: list[TextBlock], area: pygame.Rect) -> pygame.Rect:
    top = max((b.box.bottom for b in blocks), default=area.y - sv.v.metrics.gap)
    top += sv.v.metrics.gap
    return pygame.Rect(area.x, top, area.width, area.bottom - top)


def alert_text(sv: StaffView, alert: Alert) -> str:
    return alert_line(alert, sv.v.texts, sv.item)


def _alerts(sv: StaffView, area: pygame.Rect, slot_lines: int) -> list[TextBlock]:
    """The count, every machine alert and up to `slot_lines` slot alerts (as many as fit),
    then "and n more"; or one line saying all is well."""
    alerts = sv.snap.alerts
    if not alerts:
        if not sv.snap.ledger_ok:
            return []  # nothing could be read: no news is not good news here
        return (
            flow(sv, [Line(sv.t("staff.overview.all_well"), tone="good", heading=True)], area) or []
        )
    head = Line(sv.t("staff.overview.alerts", n=len(alerts)), tone="warn", heading=True)
    machine = [Line(alert_text(sv, a), tone="warn") for a in alerts if a.slot is None]
    slots = [Line(alert_text(sv, a), tone="warn") for a in alerts if a.slot is not None]
    for shown in range(min(slot_lines, len(slots)), 0, -1):
        rest = len(slots) - shown
        more = [Line(sv.t("staff.overview.more", n=rest), tone="warn")] if rest else []
        blocks = flow(sv, [head, *machine, *slots[:shown], *more], area)
        if blocks is not None:
            return blocks
    return flow(sv, [head, *machine], area) or flow(sv, [head], area) or []


def tile_text(sv: StaffView, slot: SlotState) -> str:
    name = sv.t("staff.overview.slot", slot=slot.number, item=sv.item(slot.item))
    count = sv.t("staff.overview.count", count=slot.count, capacity=slot.capacity)
    return f"{name}\n{count} · {sv.t(status_key(slot))}"


def _slots(sv: StaffView, page: StaffPage, area: pygame.Rect) -> None:
    m = sv.v.metrics
    slots = sv.snap.slots
    cols, rows, paged, needed = _layout(sv, area)
    per_page = cols * rows
    pages = max(1, -(-len(slots) // per_page))
    index = sv.state.page % pages
    tiles_area = area
    if paged:
        tiles_area, nav = split_rows(area, [None, m.target_px], m.gap)
        _nav(sv, page, nav, index, pages)
    # Tiles no taller than they need to be (a big screen shows air, not giant tiles).
    tall = max(needed, 2 * m.target_px)
    tiles_area = pygame.Rect(
        tiles_area.x,
        tiles_area.y,
        tiles_area.width,
        min(tiles_area.height, rows * tall + (rows - 1) * m.gap),
    )
    shown = slots[index * per_page : (index + 1) * per_page]
    for i, (slot, cell) in enumerate(zip(shown, grid(tiles_area, cols, rows, m.gap), strict=False)):
        page.add_button(_tile(sv, slot, cell, primary=i == 0))


def _nav(sv: StaffView, page: StaffPage, row: pygame.Rect, index: int, pages: int) -> None:
    m = sv.v.metrics
    prev, label, nxt = split_cols(row, [None, None, None], m.gap)
    page.add_button(
        staff_button(sv, "page:prev", prev, sv.t("staff.overview.previous"), TurnPage(-1))
    )
    page.add(
        sv.v.text(
            sv.t("staff.overview.page", page=index + 1, pages=pages),
            label,
            align="center",
            valign="middle",
            max_lines=1,
        )
    )
    page.add_button(staff_button(sv, "page:next", nxt, sv.t("staff.overview.next"), TurnPage(+1)))


def _layout(sv: StaffView, area: pygame.Rect) -> tuple[int, int, bool, int]:
    """Columns and rows of slot tiles, whether they need pages, and the height a tile needs:
    the most slots per page at which every tile's text fits whole; then the fewest empty
    cells; then more columns."""
    m = sv.v.metrics
    n = len(sv.snap.slots)
    step = sv.v.typesetter.line_height(m.body_px)
    pad = max(4, m.gap // 2)
    best: tuple[tuple[int, int, int], int, int, bool, int] | None = None
    for paged in (False, True):
        room = area if not paged else split_rows(area, [None, m.target_px], m.gap)[0]
        for cols in range(min(4, n), 0, -1):
            width = (room.width - (cols - 1) * m.gap) // cols
            for lines in (2, 3, 4):
                height = max(m.target_px, lines * step + 2 * pad)
                fit_rows = (room.height + m.gap) // (height + m.gap)
                if fit_rows < 1 or not _fits(sv, pygame.Rect(0, 0, width, height)):
                    continue
                shown = min(n, cols * fit_rows)
                if not paged and shown < n:
                    break
                rows = -(-shown // cols)
                score = (shown, -(cols * rows - shown), cols)
                if best is None or score > best[0]:
                    best = (score, cols, rows, paged, height)
                break
        if best is not None:
            break
    if best is None:
        return 1, 1, n > 1, m.target_px
    return best[1:]


def _fits(sv: StaffView, cell: pygame.Rect) -> bool:
    inner = _inner(sv, cell)
    return all(not _label(sv, s, inner).truncated for s in sv.snap.slots)


def _inner(sv: StaffView, cell: pygame.Rect) -> pygame.Rect:
    m = sv.v.metrics
    return inset(cell, max(m.gap, m.radius), max(4, m.gap // 2))


def _label(sv: StaffView, slot: SlotState, inner: pygame.Rect) -> TextBlock:
    m = sv.v.metrics
    return sv.v.typesetter.block(
        tile_text(sv, slot),
        pygame.Rect(0, 0, inner.width, inner.height),
        px=m.body_px,
        color=sv.v.palette.text,
        weight=Weight.REGULAR,
        valign="middle",
    )


def _tile(sv: StaffView, slot: SlotState, cell: pygame.Rect, primary: bool) -> StaffButton:
    """A slot as a button: the words say its state; a red edge marks one that needs staff."""
    p, m = sv.v.palette, sv.v.metrics
    alert = slot_alert(slot)
    edge = p.muted if alert is None or alert.kind is AlertKind.LOW else p.help
    width = 2 if alert is None else max(3, m.focus_width // 2)
    inner = _inner(sv, cell)
    label = sv.v.typesetter.block(
        tile_text(sv, slot),
        inner,
        px=m.body_px,
        color=p.text,
        weight=Weight.REGULAR,
        valign="middle",
    )
    ops = (
        Box(cell, p.paper, m.radius),
        Box(cell, p.paper, m.radius, border=width, border_color=edge),
        label,
    )
    event = SelectSlot(slot.number, slot.count, slot.capacity)
    return StaffButton(f"slot:{slot.number}", cell, event, ops, primary)
