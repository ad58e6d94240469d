"""Info: 외로움안녕120, the 외로움챗봇 (QR code and KakaoTalk channel), and the 서울마음편의점."""

from __future__ import annotations

import pygame

from kiosk.ui.qr import qr_modules, qr_surface
from kiosk.ui.scene import Op, Picture, split_cols, split_rows
from kiosk.visit.flow import Back, Continue, GoHome
from kiosk.visit.screens.base import Action, Page, PageTurn, View, button, chrome


def build(v: View) -> Page:
    page = Page()
    area = chrome(
        v, [("home", v.t("footer.home"), GoHome()), ("back", v.t("footer.back"), Back())], page
    )
    m = v.metrics
    body, action = split_rows(area, [None, m.target_px], m.gap)
    if not m.portrait and m.height < 700:  # short screens: one half at a time
        if v.ui.list_page % 2 == 0:
            page.add(*_talk(v, body))
            _action(v, page, action, "places", v.t("info.places_next"), PageTurn(+1))
        else:
            page.add(*_places(v, body))
            _action(v, page, action, "continue", v.t("info.finish"), Continue())
        return page
    if m.portrait:
        left, right = split_rows(body, [body.height // 2, None], 2 * m.gap)
    else:
        left, right = split_cols(body, [None, None], 2 * m.gap)
    page.add(*_talk(v, left))
    page.add(*_places(v, right))
    _action(v, page, action, "continue", v.t("info.finish"), Continue())
    return page


def _action(v: View, page: Page, row: pygame.Rect, name: str, label: str, action: Action) -> None:
    m = v.metrics
    rect = pygame.Rect(0, 0, min(row.width, max(row.width // 3, 4 * m.target_px)), row.height)
    rect.midright = row.midright
    page.add_button(button(v, name, rect, label, action, style="primary", primary=True))


def _talk(v: View, area: pygame.Rect) -> list[Op]:
    m, p = v.metrics, v.palette
    head_h = v.typesetter.line_height(m.heading_px)
    text_h = v.typesetter.line_height(m.min_px) * 2
    rows = split_rows(area, [head_h, text_h, None], m.gap // 2)
    ops: list[Op] = [
        v.text(
            v.t("info.hotline_title"),
            rows[0],
            px=m.heading_px,
            bold=True,
            color=p.primary,
            max_lines=1,
        ),
        v.text(v.t("info.hotline"), rows[1], px=m.min_px),
    ]
    qr_side = min(rows[2].height, rows[2].width // 2)
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
    ops.append(v.text(v.t("info.chatbot_title"), caption, px=m.min_px, bold=True, max_lines=2))
    line_h = v.typesetter.line_height(m.min_px)
    title_lines = (
        2 if v.typesetter.fonts.measure(v.t("info.chatbot_title"), m.min_px) > caption.width else 1
    )
    rest = pygame.Rect(
        caption.x,
        caption.y + line_h * title_lines,
        caption.width,
        caption.height - line_h * title_lines,
    )
    ops.append(v.text(v.t("info.chatbot", channel=v.t("chatbot.kakao_channel")), rest, px=m.min_px))
    return ops


def _places(v: View, area: pygame.Rect) -> list[Op]:
    m, p, lang = v.metrics, v.palette, v.texts.lang
    nearest = v.texts.facts.nearest  # this machine's (kiosk.toml nearest_place) comes first
    places = tuple(sorted(v.content.places, key=lambda place: place != nearest))
    line_h = v.typesetter.line_height(m.min_px)
    flexible: list[int | None] = [None] * max(1, len(places))
    rows = split_rows(area, [line_h * 2, *flexible], m.gap // 2)
    roomy = rows[-1].height >= line_h
    if not roomy:  # a short screen: a one-line heading leaves a line for every place
        rows = split_rows(area, [line_h, *flexible], m.gap // 2)
    title = v.t("info.places_title" if roomy else "info.places_title_short")
    ops: list[Op] = [v.text(title, rows[0], px=m.min_px, bold=True, color=p.primary, max_lines=2)]
    for place, row in zip(places, rows[1:], strict=False):
        line = v.t(
            "info.place_line",
            district=place.district.get(lang),
            name=place.name.get(lang),
            phone=place.phone,
        )
        if place == nearest:  # with its hours, where they fit
            with_hours = v.text(v.t("info.nearest_line"), row, px=m.min_px, max_lines=2)
            if not with_hours.truncated:
                ops.append(with_hours)
                continue
        block = v.text(line, row, px=m.min_px, valign="middle", max_lines=2)
        if block.truncated:  # a small screen: the district and the phone number are enough
            short = f"{place.district.get(lang)} · {place.phone}"
            block = v.text(short, row, px=m.min_px, valign="middle", max_lines=1)
        ops.append(block)
    return ops
