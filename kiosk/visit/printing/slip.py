"""THE picture of a printed slip: `slip_picture(...)`, black ink on white at the paper's width.

    ┌──────────────────────────┐
    │ the prescription card     │  THE card (kiosk.visit.card.slip_image): the same parts,
    │ (medicine, phrase, …)     │  number and date as on the screen
    └──────────────────────────┘
      마음약방 · date · No. 00042
    [QR]  외로움챗봇: scan to open
    ─────────────────────────────
      help lines: 109 · 1577-0199 · 120 → 5 · 112/119
      the nearest 서울마음편의점

Sizes are for paper read in the hand, at 8 dots a millimetre: the phrase about 4 mm high on
80 mm paper (3.3 mm on 58 mm), nothing under 2.6 mm (2.2 mm on 58 mm); receipt text is 2.5
mm. Everything is drawn in pure black or white (anti-aliased text edges are gray; the 1-bit
conversion thresholds them, so Hangul keeps clean strokes). Draw it on the UI thread: it uses
the kiosk's fonts, which are not for two threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from datetime import datetime

import pygame

from kiosk.shell.config import KioskConfig
from kiosk.ui.fonts import FontBook
from kiosk.ui.i18n import Texts, Translations
from kiosk.ui.qr import qr_modules, qr_surface
from kiosk.ui.scene import Box, Op, Picture, Renderer, Typesetter, inset
from kiosk.ui.theme import Metrics, Palette
from kiosk.visit.card import card_for_visit, slip_image
from kiosk.visit.flow import FlowState, Screen, SlipStamp, Visit
from kiosk.visit.screens.base import PictureCache, UiState, View
from prescriptions.model import Content, Prescription

DOTS_PER_MM = 8  # 203 dpi, both roll widths
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
# Ink only: every colour of the screen's palette becomes black on white paper.
INK = Palette(
    background=WHITE,
    text=BLACK,
    muted=BLACK,
    primary=BLACK,
    on_primary=WHITE,
    secondary=WHITE,
    on_secondary=BLACK,
    help=BLACK,
    on_help=WHITE,
    footer=BLACK,
    on_footer=WHITE,
    focus=BLACK,
    focus_edge=BLACK,
    paper=WHITE,
    ink=BLACK,
    stamp=BLACK,
    rule=BLACK,
    badge=BLACK,
    on_badge=WHITE,
    overlay=BLACK,
)
MAX_CARD_ROWS = 4000  # the room a paragraph is given: the slip grows to fit its words
QR_MODULE_DOTS = 5  # 0.6 mm modules: phone cameras read them at arm's length


@dataclass(frozen=True)
class SlipSizes:
    """Font sizes and spacing for one roll width."""

    body_px: int
    min_px: int
    gap: int

    @classmethod
    def for_width(cls, width_px: int) -> SlipSizes:
        if width_px < 480:  # 58 mm paper: 48 mm printable
            return cls(body_px=26, min_px=21, gap=8)
        return cls(body_px=32, min_px=24, gap=12)


def print_metrics(width_px: int, height_px: int = 0) -> Metrics:
    """The card code's sizes for paper `width_px` dots wide."""
    s = SlipSizes.for_width(width_px)
    return Metrics(
        width=width_px,
        height=height_px,
        px_per_mm=float(DOTS_PER_MM),
        body_px=s.body_px,
        title_px=round(s.body_px * 1.45),
        heading_px=round(s.body_px * 1.2),
        min_px=s.min_px,
        target_px=s.body_px * 2,
        gap=s.gap,
        radius=s.gap,
        focus_width=2,
        bar_height=0,
    )


def slip_picture(
    content: Content,
    prescription: Prescription | str,
    lang: str,
    width_px: int,
    fonts: FontBook,
    when: datetime,
    slip_no: int,
    *,
    symptom: str | None = None,
    help_first: bool = False,
    stamp: SlipStamp | None = None,
    item: str | None = None,
    nearest_place: str = "",
    translations: Translations | None = None,
    cache: PictureCache | None = None,
) -> pygame.Surface:
    """The whole slip, `width_px` dots wide (384 or 576), as tall as it needs to be: white
    paper, black ink. `nearest_place` is a place id ("" = the first place, as on screen);
    `cache` keeps the QR code between slips (making it is most of a slip's time).
    Raises KeyError for a prescription the content does not have."""
    rx = content.prescription(prescription) if isinstance(prescription, str) else prescription
    texts = Texts(translations or Translations.load(KioskConfig().languages), lang)
    metrics = print_metrics(width_px)
    typesetter = Typesetter(fonts, metrics.min_px)
    view = _view(content, texts, typesetter, metrics, rx.id, symptom, help_first)
    ops: list[Op] = []
    visit = Visit(
        symptom=symptom,
        prescription=rx.id,
        slot=1 if item else None,
        show_help_first=help_first,
        stamp=stamp,
        item=item,
    )
    y = _card(visit, replace_rx(content, rx), texts, width_px, fonts, metrics.gap, ops)
    y = _stamp_line(view, when, stamp.code if stamp else f"{slip_no:05d}", y, ops)
    y = _chatbot(view, y, ops, cache or PictureCache())
    y = _help_lines(view, content, nearest_place, y, ops)
    surface = pygame.Surface((width_px, y + metrics.gap))
    surface.fill(WHITE)
    Renderer(fonts).draw(surface, ops)
    return surface


def _view(
    content: Content,
    texts: Texts,
    typesetter: Typesetter,
    metrics: Metrics,
    prescription: str,
    symptom: str | None,
    help_first: bool,
) -> View:
    visit = Visit(symptom=symptom, prescription=prescription, show_help_first=help_first)
    return View(
        state=FlowState(Screen.PRESCRIPTION, texts.lang, texts.lang, visit=visit),
        texts=texts,
        typesetter=typesetter,
        metrics=metrics,
        palette=INK,
        content=content,
        simulated=False,
        now=0.0,
        ui=UiState(),
        item_name=lambda _slot: "",
    )


def replace_rx(content: Content, rx: Prescription) -> Content:
    """`content` with `rx` as given (a staff preview may print a card not yet saved)."""
    try:
        if content.prescription(rx.id) == rx:
            return content
    except KeyError:
        pass
    others = tuple(p for p in content.prescriptions if p.id != rx.id)
    return dataclass_replace(content, prescriptions=(*others, rx))


def _card(
    visit: Visit,
    content: Content,
    texts: Texts,
    width_px: int,
    fonts: FontBook,
    gap: int,
    ops: list[Op],
) -> int:
    """THE card (`kiosk.visit.card`), black on white at the paper's width, as long as its
    words: the same card, number and date the screen showed."""
    card = card_for_visit(visit, content, texts, "")
    if card is None:
        return gap
    image = slip_image(card, width_px, fonts)
    ops.append(Picture(image, (0, 0)))
    return image.get_height()


def _stamp_line(v: View, when: datetime, number: str, y: int, ops: list[Op]) -> int:
    m = v.metrics
    text = v.t(
        "slip.stamp",
        name=v.t("app.name"),
        date=when.strftime("%Y-%m-%d %H:%M"),
        number=number,
    )
    return _text(v, text, y + m.gap // 2, ops, px=m.min_px, align="center")


def _chatbot(v: View, y: int, ops: list[Op], cache: PictureCache) -> int:
    """The 외로움챗봇's QR code, with what it opens beside it."""
    m = v.metrics
    url = v.t("chatbot.url")
    if not url:
        return y
    top = y + m.gap
    code = slip_qr(url, cache)
    ops.append(Picture(code, (m.gap, top)))
    beside = pygame.Rect(m.gap + code.get_width() + m.gap, top, 0, 0)
    beside.width = m.width - beside.x - m.gap
    title = v.text(v.t("info.chatbot_title"), _tall(beside), px=m.body_px, bold=True)
    below = title.ink.bottom + m.gap // 2
    rest = pygame.Rect(beside.x, below, beside.width, 0)
    note = v.text(v.t("slip.qr", channel=v.t("chatbot.kakao_channel")), _tall(rest), px=m.min_px)
    ops += [title, note]
    return max(top + code.get_height(), note.ink.bottom)


def slip_qr(url: str, cache: PictureCache) -> pygame.Surface:
    """The QR code for `url` as printed: whole dots a module, made once per `cache`."""

    def make() -> pygame.Surface:
        return qr_surface(url, qr_modules(url) * QR_MODULE_DOTS, BLACK, WHITE)

    return cache.get(("slip-qr", url), make)


def _help_lines(v: View, content: Content, place_id: str, y: int, ops: list[Op]) -> int:
    """The help lines, as on every screen, and the nearest 서울마음편의점."""
    m = v.metrics
    top = y + m.gap
    ops.append(Box(pygame.Rect(m.gap, top, m.width - 2 * m.gap, 2), BLACK))
    y = _text(v, v.t("slip.help_title"), top + m.gap, ops, px=m.body_px, bold=True)
    for key in ("help.line_109", "help.line_1577", "help.line_120", "help.emergency"):
        y = _text(v, v.t(key), y + m.gap // 3, ops, px=m.min_px)
    place = _place(content, place_id, v.texts.lang)
    if place:
        y = _text(v, v.t("footer.nearest", place=place), y + m.gap, ops, px=m.min_px)
    return y


def _place(content: Content, place_id: str, lang: str) -> str:
    chosen = [p for p in content.places if p.id == place_id] or list(content.places[:1])
    if not chosen:
        return ""
    p = chosen[0]
    return f"{p.district.get(lang)} {p.name.get(lang)} · {p.phone}"


def _tall(rect: pygame.Rect) -> pygame.Rect:
    """`rect` with room for any number of lines (the slip grows to fit its words)."""
    return pygame.Rect(rect.x, rect.y, rect.width, MAX_CARD_ROWS)


def _text(
    v: View,
    text: str,
    y: int,
    ops: list[Op],
    *,
    px: int,
    bold: bool = False,
    align: str = "left",
) -> int:
    """A paragraph across the slip from `y`; returns where it ends."""
    m = v.metrics
    box = _tall(inset(pygame.Rect(0, y, m.width, 0), m.gap, 0))
    block = v.text(text, box, px=px, bold=bold, align="center" if align == "center" else "left")
    ops.append(block)
    return block.ink.bottom if block.lines else y
