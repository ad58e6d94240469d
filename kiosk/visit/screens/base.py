"""What every screen is built from: the view it sees, the page it returns, buttons, chrome.

A screen module has one function, `build(view) -> Page`. The chrome (top bar with the help
button, the footer with 외로움안녕120) is added here so no screen can forget it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, Protocol, TypeVar, cast

import pygame

from kiosk.ui.fonts import Weight
from kiosk.ui.i18n import Texts
from kiosk.ui.scene import Box, Op, TextBlock, Typesetter, inset, text_blocks
from kiosk.ui.theme import Metrics, Palette
from kiosk.visit.flow import Event, FlowState, Mode, OpenHelp
from prescriptions.model import Content

Style = Literal["primary", "secondary", "help", "choice"]
T = TypeVar("T")


@dataclass(frozen=True)
class PageTurn:
    """A screen-local action: show the next/previous page of a long list."""

    delta: int


@dataclass(frozen=True)
class AudioStep:
    """A screen-local action of the voice controls: one step of volume or speaking speed."""

    what: Literal["volume", "speed"]
    delta: int  # +1 louder / faster, -1 quieter / slower


@dataclass(frozen=True)
class VoicePanel:
    """A screen-local action: open (or close) the voice's volume and speed controls."""

    show: bool


Action = Event | PageTurn | AudioStep | VoicePanel


@dataclass(frozen=True)
class Button:
    name: str  # stable, for tests and the demo script: "help", "start", "symptom:<id>"
    rect: pygame.Rect
    action: Action
    ops: tuple[Op, ...]
    primary: bool = False  # gets the focus when the screen opens
    spoken: str = ""  # what the voice calls it, when the words on it are not enough ("◀")


class Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def ops(self) -> tuple[Op, ...]: ...


B = TypeVar("B", bound=Named)


@dataclass
class Pages(Generic[B]):
    """A display list with its buttons: what every screen builder returns."""

    ops: list[Op] = field(default_factory=list)
    buttons: list[B] = field(default_factory=list)

    def add(self, *ops: Op) -> None:
        self.ops.extend(ops)

    def add_button(self, button: B) -> None:
        self.buttons.append(button)

    def button(self, name: str) -> B:
        for b in self.buttons:
            if b.name == name:
                return b
        raise KeyError(name)

    def text_blocks(self) -> list[TextBlock]:
        blocks = text_blocks(self.ops)  # with the text set into pictures (the card)
        for b in self.buttons:
            blocks.extend(op for op in b.ops if isinstance(op, TextBlock))
        return blocks


@dataclass
class Page(Pages[Button]):
    animated: bool = False  # redraw periodically (the dispensing screen's motion)
    # Only this area changes as time passes (None: the whole page): the frame loop redraws and
    # updates just this rectangle for an animation frame.
    motion: pygame.Rect | None = None
    fps: int = 8  # animation frames a second while something moves
    still_until: float | None = None  # nothing moves before this (monotonic): no redraws


@dataclass(frozen=True)
class UiState:
    """Screen-local state that is not part of the visit (reset on every screen change)."""

    list_page: int = 0
    voice_panel: bool = False  # the voice's volume and speed controls are open over the page


# Big pictures are kept fewer: a card's paper at 1920×1080 is 4 MB (the visit's card, and
# the one before while a new visit starts, are enough).
KIND_LIMITS = {"card-paper": 2, "card-composed": 2, "card-reduced": 2}


@dataclass
class PictureCache:
    """Things that are costly to make (the QR code, a card's paper), kept per key: one per
    app, not global. The least recently used goes first; `KIND_LIMITS` bounds the big ones
    by the first part of their key."""

    size: int = 32
    _items: dict[tuple[object, ...], object] = field(default_factory=dict)

    def get(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        if key in self._items:
            self._items[key] = self._items.pop(key)  # now the most recently used
            return cast(T, self._items[key])
        kind = key[0] if key else None
        limit = KIND_LIMITS.get(kind) if isinstance(kind, str) else None
        if limit is not None:
            same = [k for k in self._items if k and k[0] == kind]
            for old in same[: max(0, len(same) - limit + 1)]:
                del self._items[old]
        while len(self._items) >= self.size:
            del self._items[next(iter(self._items))]
        self._items[key] = made = make()
        return made


@dataclass(frozen=True)
class View:
    """Everything a screen may look at. Screens read it and return a Page; nothing else."""

    state: FlowState
    texts: Texts
    typesetter: Typesetter
    metrics: Metrics
    palette: Palette
    content: Content
    simulated: bool
    now: float
    ui: UiState
    item_name: Callable[[int | None], str]  # slot -> the item's name in this language
    low_screen: bool = False
    pictures: PictureCache | None = None  # keeps costly pictures (the QR code) between frames
    nearest_place: str = ""  # "동대문구 · 02-920-4500 · 월–금 9–18시", already localized
    nearest_place_short: str = ""  # the same without the hours, for a narrow footer
    nearest_id: str = ""  # the nearest place's id ("" = the first in places.toml)
    wall: datetime | None = None  # local wall time (opening hours), never for timeouts
    person_call: str = "help"  # where "직원 불러 주세요" shows: off, help, present (config)
    attract_motion: bool = True  # the attract screen's gentle animation

    @property
    def screen_rect(self) -> pygame.Rect:
        return pygame.Rect(0, 0, self.metrics.width, self.metrics.height)

    def t(self, key: str, **values: object) -> str:
        return self.texts(key, **values)

    def text(
        self,
        text: str,
        box: pygame.Rect,
        *,
        px: int | None = None,
        bold: bool = False,
        color: tuple[int, int, int] | None = None,
        align: Literal["left", "center", "right"] = "left",
        valign: Literal["top", "middle", "bottom"] = "top",
        max_lines: int | None = None,
    ) -> TextBlock:
        return self.typesetter.block(
            text,
            box,
            px=px or self.metrics.body_px,
            color=color or self.palette.text,
            weight=Weight.BOLD if bold else Weight.REGULAR,
            align=align,
            valign=valign,
            max_lines=max_lines,
        )


def button(
    v: View,
    name: str,
    rect: pygame.Rect,
    label: str,
    action: Action,
    style: Style = "secondary",
    primary: bool = False,
    sublabel: str = "",
) -> Button:
    p, m = v.palette, v.metrics
    fill, ink = {
        "primary": (p.primary, p.on_primary),
        "secondary": (p.secondary, p.on_secondary),
        "help": (p.help, p.on_help),
        "choice": (p.paper, p.text),
    }[style]
    ops: list[Op] = [Box(rect, fill, m.radius)]
    if style == "choice":
        ops.append(Box(rect, fill, m.radius, border=2, border_color=p.muted))
    pad = max(m.gap, m.radius)
    inner = inset(rect, pad, max(4, m.gap // 2))
    title_h = v.typesetter.line_height(m.body_px)
    if sublabel and inner.height >= title_h + v.typesetter.line_height(m.min_px):
        top = pygame.Rect(inner.x, inner.y, inner.width, title_h)
        rest = pygame.Rect(inner.x, top.bottom, inner.width, inner.bottom - top.bottom)
        ops.append(v.text(label, top, bold=True, color=ink, max_lines=1))
        note = v.text(sublabel, rest, px=m.min_px, color=ink if style != "choice" else p.muted)
        if not note.truncated:  # a description is a bonus: whole, or not at all
            ops.append(note)
    else:
        ops.append(v.text(label, inner, bold=True, color=ink, align="center", valign="middle"))
    return Button(name, rect, action, tuple(ops), primary)


LeftButton = tuple[str, str, Action]  # (name, label, action)


def chrome(
    v: View, left: Sequence[LeftButton], page: Page, action: LeftButton | None = None
) -> pygame.Rect:
    """Top bar (left buttons, the screen's action on short screens, the help button) and the
    footer (외로움안녕120, the nearest 서울마음편의점). Returns the area left for the screen.

    The SIMULATION badge sits in the bar when there is room, else in the footer. In
    low-screen mode (wheelchair reach) the bar sits at the bottom, above the footer.
    """
    m = v.metrics
    screen = v.screen_rect
    inner_w = screen.width - 2 * m.gap
    help_label = v.t("footer.help_button")
    # Portrait: the help button gets a full-width row of its own above the footer.
    help_row = m.portrait
    help_w = inner_w if help_row else min(inner_w // 2, _label_width(v, help_label) + 4 * m.gap)
    room = inner_w if help_row else inner_w - help_w - m.gap
    lefts = [
        min(_label_width(v, label) + 3 * m.gap, room // (len(left) + 1)) for _, label, _ in left
    ]
    lefts = [max(w, m.target_px) for w in lefts]
    action_w = 0
    if action is not None:
        action_w = min(
            room - sum(lefts) - m.gap * (len(left) + 1), _label_width(v, action[1]) + 4 * m.gap
        )
    free = room - sum(lefts) - action_w - m.gap * (len(left) + 2)
    voice_w = _voice_width(v, free)
    free -= voice_w + m.gap if voice_w else 0
    badge_w = _badge_width(v) if v.simulated else 0
    badge_in_bar = v.simulated and free >= badge_w + 2 * m.gap

    foot = footer(v, page, badge=v.simulated and not badge_in_bar)
    bottom = foot.y
    if help_row:
        help_rect = pygame.Rect(m.gap, foot.y - m.gap - m.target_px, inner_w, m.target_px)
        bottom = help_rect.y - m.gap
    bar_y = bottom - m.bar_height if v.low_screen else 0
    bar = pygame.Rect(0, bar_y, screen.width, m.bar_height)
    inner = inset(bar, m.gap, (m.bar_height - m.target_px) // 2)
    if not help_row:
        help_rect = pygame.Rect(inner.right - help_w, inner.y, help_w, inner.height)
    page.add_button(button(v, "help", help_rect, help_label, OpenHelp(), style="help"))
    x = inner.x
    for (name, label, event), width in zip(left, lefts, strict=True):
        rect = pygame.Rect(x, inner.y, width, inner.height)
        page.add_button(button(v, name, rect, label, event))
        x = rect.right + m.gap
    if voice_w:  # the voice's controls open from here, in the room the bar has left
        rect = pygame.Rect(x, inner.y, voice_w, inner.height)
        page.add_button(button(v, "voice:panel", rect, _voice_label(v), VoicePanel(True)))
        x = rect.right + m.gap
    right = inner.right if help_row else help_rect.x - m.gap
    if action is not None:  # the screen's main action, in the bar on short screens: next to
        # the left buttons, so that the free room keeps it well away from the help button
        name, label, event = action
        rect = pygame.Rect(x, inner.y, action_w, inner.height)
        page.add_button(button(v, name, rect, label, event, style="primary", primary=True))
        x = rect.right + m.gap
    if badge_in_bar:
        slot = pygame.Rect(x, inner.y, right - x, inner.height)
        _badge(v, page, pygame.Rect(0, 0, badge_w, v.typesetter.line_height(m.min_px)), slot)
    if v.low_screen:
        return pygame.Rect(0, 0, screen.width, bar.y).inflate(-2 * m.gap, -2 * m.gap)
    return pygame.Rect(0, bar.bottom, screen.width, bottom - bar.bottom).inflate(
        -2 * m.gap, -2 * m.gap
    )


def _voice_label(v: View) -> str:
    return v.t("voice_controls.open")


def _voice_width(v: View, free: int) -> int:
    """With voice guidance on, the width of the button that opens the voice's controls, when
    the bar has room for it (else 0: the keypad's volume keys still work on this screen)."""
    if Mode.VOICE not in v.state.access:
        return 0
    width = max(v.metrics.target_px, _label_width(v, _voice_label(v)) + 3 * v.metrics.gap)
    return width if free >= width + v.metrics.gap else 0


def _badge_width(v: View) -> int:
    label = v.t("app.simulation")
    return v.typesetter.fonts.measure(label, v.metrics.min_px, Weight.BOLD) + 2 * v.metrics.gap


def _badge(v: View, page: Pages[Any], badge: pygame.Rect, within: pygame.Rect) -> None:
    """The SIMULATION badge: the hardware behind this screen is not real."""
    badge.center = within.center
    page.add(Box(badge, v.palette.badge, v.metrics.radius))
    page.add(
        v.text(
            v.t("app.simulation"),
            badge,
            px=v.metrics.min_px,
            bold=True,
            color=v.palette.on_badge,
            align="center",
            valign="middle",
            max_lines=1,
        )
    )


def footer(v: View, page: Pages[Any], badge: bool, *, one_row: bool = False) -> pygame.Rect:
    """The footer at the bottom of the screen (the staff screens have it too): 외로움안녕120 and
    the nearest 서울마음편의점, on one line when they fit side by side, else two; `one_row`: the
    hotline alone then (staff screens past the PIN, short of room; help is one tap away)."""
    m, p = v.metrics, v.palette
    fonts, px = v.typesetter.fonts, m.min_px
    hotline = v.t("footer.hotline")
    badge_w = _badge_width(v) + m.gap if badge else 0
    line_h = v.typesetter.line_height(px)
    full = m.width - 2 * m.gap
    place = v.t("footer.nearest", place=v.nearest_place) if v.nearest_place else ""
    if v.nearest_place_short and fonts.measure(place, px) > full - badge_w:
        place = v.t("footer.nearest", place=v.nearest_place_short)  # the hours do not fit
    parts = [hotline, place] if place else [hotline]
    one_line = "   ·   ".join(parts)
    rows = [one_line] if fonts.measure(one_line, px) <= full - badge_w else parts
    if one_row:
        rows = rows[:1]
    # The badge goes on the line with the most room left, or on a line of its own.
    widths = [fonts.measure(r, px) for r in rows]
    badge_row = widths.index(min(widths))
    if badge and widths[badge_row] > full - badge_w:
        rows.append("")
        badge_row = len(rows) - 1
    height = line_h * len(rows) + m.gap
    footer = pygame.Rect(0, m.height - height, m.width, height)
    page.add(Box(footer, p.footer))
    for i, row in enumerate(rows):
        width = full - (badge_w if i == badge_row else 0)
        line = pygame.Rect(footer.x + m.gap, footer.y + m.gap // 2 + i * line_h, width, line_h)
        page.add(v.text(row, line, px=px, color=p.on_footer, valign="middle", max_lines=1))
    if badge:
        y = footer.y + m.gap // 2 + badge_row * line_h
        slot = pygame.Rect(footer.right - m.gap - badge_w + m.gap, y, badge_w - m.gap, line_h)
        _badge(v, page, pygame.Rect(0, 0, badge_w - m.gap, line_h), slot)
    return footer


def _label_width(v: View, label: str, px: int | None = None) -> int:
    return v.typesetter.fonts.measure(label, px or v.metrics.body_px, Weight.BOLD)
