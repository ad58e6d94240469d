"""Info: 외로움안녕120, the 외로움챗봇 (QR code and KakaoTalk channel), and the 서울마음편의점.

The places are listed in one format, the nearest first and marked: the centre's name, its
address and phone, its opening hours and whether it is open now (from the wall clock). What
does not fit turns over to another page; on a 7-inch screen the talk and the places take
turns."""

from __future__ import annotations

import pygame

from kiosk.ui.qr import qr_modules, qr_surface
from kiosk.ui.scene import Box, Op, Picture, split_cols, split_rows
from kiosk.visit.flow import Back, Continue, GoHome
from kiosk.visit.hours import open_now
from kiosk.visit.screens.base import Action, Page, PageTurn, View, button, chrome
from kiosk.visit.screens.stage import clear_of_help
from prescriptions.model import Place


def build(v: View) -> Page:
    page = Page()
    area = chrome(
        v, [("home", v.t("footer.home"), GoHome()), ("back", v.t("footer.back"), Back())], page
    )
    m = v.metrics
    title_h = v.typesetter.line_height(m.heading_px)
    head, body, action, _clear = split_rows(
        area, [title_h, None, m.target_px, clear_of_help(v) - m.gap], m.gap
    )
    page.add(
        v.text(
            v.t("info.title"),
            head,
            px=m.heading_px,
            bold=True,
            color=v.palette.primary,
            max_lines=1,
        )
    )
    if not m.portrait and m.height < 700:  # short screens: the talk, then the places
        turn = v.ui.list_page
        if turn <= 0:
            page.add(*_talk(v, body, heading=False))
            _action(v, page, action, "places", v.t("info.places_next"), PageTurn(+1))
            return page
        _places(v, page, body, turn - 1, pager=action, short=True)
        _action(v, page, action, "continue", v.t("info.finish"), Continue())
        return page
    if m.portrait:
        left, right = split_rows(body, [body.height * 2 // 5, None], 2 * m.gap)
    else:
        left, right = split_cols(body, [body.width * 9 // 20, None], 2 * m.gap)
    page.add(*_talk(v, left))
    _places(v, page, right, max(0, v.ui.list_page), pager=action)
    _action(v, page, action, "continue", v.t("info.finish"), Continue())
    return page


def _action(v: View, page: Page, row: pygame.Rect, name: str, label: str, action: Action) -> None:
    m = v.metrics
    rect = pygame.Rect(0, 0, min(row.width, max(row.width // 3, 4 * m.target_px)), row.height)
    rect.midright = row.midright
    if v.low_screen:  # the help button is in the bar right below, at the right: keep away
        rect.midleft = row.midleft
    page.add_button(button(v, name, rect, label, action, style="primary", primary=True))


def _talk(v: View, area: pygame.Rect, *, heading: bool = True) -> list[Op]:
    """외로움안녕120 and the chatbot's QR code. `heading=False` (a 7-inch screen): the
    hotline's name is left to the footer right below, which says it on every screen."""
    m, p = v.metrics, v.palette
    head_h = v.typesetter.line_height(m.heading_px) if heading else 0
    hotline = v.t("info.hotline")
    joined = hotline.replace("\n", " ")  # on one line, where a wide screen has it to spare
    if v.typesetter.fonts.measure(joined, m.min_px) <= area.width:
        hotline = joined
    probe = v.text(hotline, pygame.Rect(0, 0, area.width, 10_000), px=m.min_px)
    text_h = v.typesetter.line_height(m.min_px) * len(probe.lines)
    rows = split_rows(area, [head_h, text_h, None], m.gap // 2)
    ops: list[Op] = [v.text(hotline, rows[1], px=m.min_px)]
    if heading:
        ops.append(
            v.text(
                v.t("info.hotline_title"),
                rows[0],
                px=m.heading_px,
                bold=True,
                color=p.primary,
                max_lines=1,
            )
        )
    # A code about 25 mm wide scans from arm's length; the caption gets the rest.
    qr_side = min(rows[2].height, max(rows[2].width // 3, round(25 * m.px_per_mm)))
    # Where the room is much taller than the code, the code and its words sit in its middle
    # (no empty band under them on a big screen).
    spare = rows[2].height - max(qr_side, 6 * v.typesetter.line_height(m.min_px))
    if spare > 0:
        rows[2] = rows[2].inflate(0, -spare)  # the same middle, less height
    url = v.t("chatbot.url")
    modules = (
        v.pictures.get(("qr-modules", url), lambda: qr_modules(url))
        if v.pictures
        else (qr_modules(url))
    )
    if qr_side >= 2 * modules:  # two pixels a module read reliably

        def make() -> pygame.Surface:
            return qr_surface(url, qr_side, (0, 0, 0), (255, 255, 255))

        qr = v.pictures.get(("qr", url, qr_side), make) if v.pictures else make()
        ops.append(Picture(qr, (rows[2].x, rows[2].y)))
        caption = pygame.Rect(
            rows[2].x + qr.get_width() + m.gap,
            rows[2].y,
            rows[2].width - qr.get_width() - m.gap,
            rows[2].height,
        )
    else:
        caption = rows[2]
    title = v.text(v.t("info.chatbot_title"), caption, px=m.min_px, bold=True, max_lines=2)
    ops.append(title)
    rest = pygame.Rect(caption.x, title.ink.bottom + m.gap // 2, caption.width, 0)
    rest.height = caption.bottom - rest.y
    ops.append(v.text(v.t("info.chatbot", channel=v.t("chatbot.kakao_channel")), rest, px=m.min_px))
    return ops


def nearest_place(v: View) -> Place | None:
    """This machine's nearest place (kiosk.toml nearest_place), or None when none is
    configured: then no place is called the nearest (no district named at random)."""
    configured = v.texts.facts.nearest
    if configured is not None:
        return configured
    return next((p for p in v.content.places if p.id == v.nearest_id), None)


def ordered_places(v: View) -> list[Place]:
    """The nearest place first, then the others as the content lists them."""
    nearest = nearest_place(v)
    places = list(v.content.places)
    return ([nearest] if nearest is not None else []) + [p for p in places if p != nearest]


def place_lines(v: View, place: Place) -> tuple[str, str]:
    """A place in the one format: its name, then where, its phone, its hours and whether it
    is open now (said only when the hours can be read)."""
    lang = v.texts.lang
    name = v.t("info.place_name", district=place.district.get(lang), name=place.name.get(lang))
    hours = place.hours.get(lang)
    state = None
    if v.wall is not None:
        state = open_now(place.hours.get("ko"), v.wall)
    status = "" if state is None else v.t("info.open_now" if state else "info.closed_now")
    details = v.t("info.place_where", address=place.address.get(lang), phone=place.phone)
    when = " · ".join(t for t in (hours, status) if t)
    return name, f"{details}\n{when}" if when else details


def _places(
    v: View, page: Page, area: pygame.Rect, turn: int, *, pager: pygame.Rect, short: bool = False
) -> None:
    """The places of page `turn`, as many as fit; ◀ ▶ beside the action when there are more
    pages."""
    m, p = v.metrics, v.palette
    line_h = v.typesetter.line_height(m.min_px)
    head = v.text(
        v.t("info.places_title_short" if short else "info.places_title"),
        pygame.Rect(area.x, area.y, area.width, 2 * line_h),
        px=m.min_px,
        bold=True,
        color=p.primary,
        max_lines=2,
    )
    page.add(head)
    room = pygame.Rect(area.x, head.ink.bottom + m.gap, area.width, 0)
    room.height = area.bottom - room.y
    pages = _paginate(v, ordered_places(v), room)
    turn = min(max(0, turn), len(pages) - 1)
    shown = pages[turn]
    # Spare room goes between the rows (up to four lines each), not in a band under them.
    used = sum(_row_height(v, place, room.width) + m.gap for place in shown)
    spread = min(4 * line_h, max(0, room.height - used) // max(1, len(shown)))
    y = room.y
    for place in shown:
        row = pygame.Rect(room.x, y, room.width, room.bottom - y)
        y = _place_row(v, page, place, row) + m.gap + spread
    if len(pages) > 1:
        half = pygame.Rect(pager.x, pager.y, pager.width // 2, pager.height)
        if v.low_screen:  # the action took the left
            half.x = pager.centerx
        prev, label, nxt = split_cols(
            half, [m.target_px * 3 // 2, None, m.target_px * 3 // 2], m.gap
        )
        page.add_button(button(v, "places:prev", prev, "◀", PageTurn(-1 if turn else 0)))
        page.add(
            v.text(
                v.t("symptom.page", page=turn + 1, pages=len(pages)),
                label,
                align="center",
                valign="middle",
                max_lines=1,
            )
        )
        more = turn + 1 < len(pages)
        page.add_button(button(v, "places:next", nxt, "▶", PageTurn(+1 if more else 0)))


def _row_texts(v: View, place: Place) -> tuple[str, str, bool]:
    """A row's two blocks, and whether it is the nearest (marked in words, not colour only)."""
    name, rest = place_lines(v, place)
    nearest = place == nearest_place(v)
    if nearest:
        name = f"{v.t('info.nearest')} · {name}"
    return name, rest, nearest


def _row_height(v: View, place: Place, width: int) -> int:
    m = v.metrics
    name, rest, _ = _row_texts(v, place)
    pad = m.gap
    inner = pygame.Rect(0, 0, width - 2 * pad, 10_000)
    lines = len(v.text(name, inner, px=m.min_px, bold=True).lines)
    lines += len(v.text(rest, inner, px=m.min_px).lines)
    return lines * v.typesetter.line_height(m.min_px) + 2 * pad


def _paginate(v: View, places: list[Place], room: pygame.Rect) -> list[list[Place]]:
    pages: list[list[Place]] = [[]]
    used = 0
    for place in places:
        height = _row_height(v, place, room.width) + v.metrics.gap
        if pages[-1] and used + height > room.height:
            pages.append([])
            used = 0
        pages[-1].append(place)
        used += height
    return pages


def _place_row(v: View, page: Page, place: Place, room: pygame.Rect) -> int:
    """One place; the nearest on a tinted card with "가장 가까운 곳". Returns its bottom."""
    m, p = v.metrics, v.palette
    name, rest, nearest = _row_texts(v, place)
    height = min(room.height, _row_height(v, place, room.width))
    box = pygame.Rect(room.x, room.y, room.width, height)
    if nearest:
        page.add(
            Box(box, p.paper, m.radius),
            Box(box, p.primary, m.radius, border=3, border_color=p.primary),
        )
    inner = box.inflate(-2 * m.gap, -2 * m.gap)
    first = v.text(name, inner, px=m.min_px, bold=True, color=p.primary if nearest else p.text)
    page.add(first)
    below = pygame.Rect(inner.x, first.ink.bottom, inner.width, inner.bottom - first.ink.bottom)
    page.add(v.text(rest, below, px=m.min_px))
    return box.bottom
