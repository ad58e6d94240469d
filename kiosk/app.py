"""The app shell: pages from the flow state, input to actions, drawing only when needed."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import pygame

from kiosk.config import KioskConfig
from kiosk.flow import Back, CloseHelp, Event, MoreTime, OpenHelp, Screen
from kiosk.i18n import Texts, Translations
from kiosk.input import InputMapper, Nav, Tap, UiInput
from kiosk.screens import build_page
from kiosk.screens.base import Button, Page, PageTurn, PictureCache, UiState, View
from kiosk.session import KioskSession
from kiosk.ui.fonts import FontBook
from kiosk.ui.scene import Box, Renderer, Typesetter
from kiosk.ui.theme import Metrics, Palette, metrics_for

log = logging.getLogger(__name__)

CHROME = ("help", "home", "back", "close", "lang:ko", "lang:en")
TAP_GUARD_S = 0.35  # taps this soon after a screen change are a mashed screen, not a choice
ANIMATION_FPS = 8


def glyph_ratio(fonts: FontBook) -> float:
    """Hangul ink height per font pixel for this font (about 0.8 to 0.9), the smallest seen at
    the sizes the kiosk uses: hinting rounds small sizes down, and text must never come out
    under 4.8 mm."""
    ratios = []
    for px in range(22, 50, 3):
        probe = fonts.regular(px).render("가나다라마바사", True, (0, 0, 0))
        ratios.append((probe.get_bounding_rect().height - 1) / px)
    return min(ratios)


@dataclass
class App:
    config: KioskConfig
    session: KioskSession
    fonts: FontBook
    translations: Translations
    simulated: bool
    palette: Palette = field(default_factory=Palette)
    ui: UiState = field(default_factory=UiState)
    focus: int = 0
    frames_drawn: int = 0

    def __post_init__(self) -> None:
        d = self.config.display
        self.metrics: Metrics = metrics_for(d, glyph_ratio(self.fonts))
        self.typesetter = Typesetter(self.fonts, self.metrics.min_px)
        self.renderer = Renderer(self.fonts)
        self.mapper = InputMapper((d.width, d.height))
        self.page: Page = Page()
        self.pictures = PictureCache()
        self._key: object = None
        self._screen_key: tuple[Screen, bool, tuple[int, ...], bool] | None = None
        self._changed_at = -1e9
        self._dirty = True  # the page changed since it was last drawn

    # ---- input -----------------------------------------------------------------------------

    def handle_pygame(self, event: pygame.event.Event, now: float) -> None:
        ui_input = self.mapper.map(event)
        if ui_input is not None:
            self.feed(ui_input, now)

    def feed(self, ui_input: UiInput, now: float) -> None:
        self.refresh(now)  # act on the page the visitor is looking at
        if isinstance(ui_input, Tap):
            if now - self._changed_at < TAP_GUARD_S:
                return
            hit = self._hit(ui_input.pos)
            if hit is not None:
                self.focus = self._order().index(hit)
                self._act(hit.action, now)
            return
        if ui_input is Nav.HELP:
            self._act(OpenHelp(), now)
        elif ui_input is Nav.BACK:
            state = self.session.state
            event: Event = (
                CloseHelp()
                if state.screen is Screen.HELP
                else (MoreTime() if state.prompting else Back())
            )
            self._act(event, now)
        elif ui_input in (Nav.NEXT, Nav.PREVIOUS):
            order = self._order()
            if order:
                step = 1 if ui_input is Nav.NEXT else -1
                self.focus = (self.focus + step) % len(order)
                self._key = None
        elif ui_input is Nav.SELECT:
            order = self._order()
            if order:
                self._act(order[self.focus % len(order)].action, now)

    def press(self, name: str, now: float) -> None:
        """Press a button by name (the demo script and tests)."""
        self.refresh(now)
        self._act(self.page.button(name).action, now)

    def _act(self, action: Event | PageTurn, now: float) -> None:
        if isinstance(action, PageTurn):
            self.ui = replace(self.ui, list_page=self.ui.list_page + action.delta)
        else:
            self.session.handle(action, now)
        self.refresh(now)

    def _hit(self, pos: tuple[int, int]) -> Button | None:
        for b in reversed(self.page.buttons):
            if b.rect.collidepoint(pos):
                return b
        return None

    def _order(self) -> list[Button]:
        """Focus order: the screen's own buttons first, then the bars."""
        buttons = self.page.buttons
        return [b for b in buttons if b.name not in CHROME] + [
            b for b in buttons if b.name in CHROME
        ]

    # ---- frame -----------------------------------------------------------------------------

    def tick(self, now: float) -> None:
        self.session.tick(now)

    def view(self, now: float) -> View:
        state = self.session.state
        texts = Texts(self.translations, state.language)
        return View(
            state=state,
            texts=texts,
            typesetter=self.typesetter,
            metrics=self.metrics,
            palette=self.palette,
            content=self.session.content,
            simulated=self.simulated,
            now=now,
            ui=self.ui,
            item_name=lambda slot: self.item_name(slot, texts),
            low_screen=self.config.display.low_screen,
            nearest_place=self.nearest_place(texts),
            pictures=self.pictures,
        )

    def refresh(self, now: float) -> bool:
        """Rebuild the page if anything visible changed; True when it did."""
        state = self.session.state
        screen_key: tuple[Screen, bool, tuple[int, ...], bool] = (
            state.screen,
            state.prompting,
            state.visit.answers,
            state.visit.mood_skipped,
        )
        if screen_key != self._screen_key:
            if self._screen_key is not None and screen_key[0] != self._screen_key[0]:
                self.ui = UiState()
            self._screen_key = screen_key
            self._changed_at = now
            self.focus = -1  # the primary button takes the focus
        key = (
            state,
            self.ui,
            self.focus,
            id(self.session.content),
            None if state.prompt_until is None else int(state.seconds_left(now) or 0),
            int(now * ANIMATION_FPS) if self.page.animated else None,
        )
        if key == self._key:
            return False
        self.page = build_page(self.view(now))
        self._dirty = True
        if self.focus < 0:
            order = self._order()
            primary = [i for i, b in enumerate(order) if b.primary]
            self.focus = primary[0] if primary else 0
        self._key = (state, self.ui, self.focus, *key[3:])
        return True

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(self.palette.background)
        self.renderer.draw(surface, self.page.ops)
        for b in self.page.buttons:
            self.renderer.draw(surface, b.ops)
        order = self._order()
        if order:
            focused = order[self.focus % len(order)]
            ring = focused.rect.inflate(self.metrics.focus_width * 2, self.metrics.focus_width * 2)
            self.renderer.draw(
                surface,
                [
                    Box(ring.inflate(4, 4), self.palette.focus_edge, self.metrics.radius, border=2),
                    Box(
                        ring,
                        self.palette.focus,
                        self.metrics.radius,
                        border=self.metrics.focus_width,
                        border_color=self.palette.focus,
                    ),
                ],
            )
        self.frames_drawn += 1
        self._dirty = False

    def frame(self, surface: pygame.Surface, events: list[pygame.event.Event], now: float) -> bool:
        """One turn of the loop: inputs, results, timeouts; draw only if something changed."""
        for event in events:
            self.handle_pygame(event, now)
        self.tick(now)
        self.refresh(now)
        if self._dirty:  # input handled above may already have rebuilt the page
            self.draw(surface)
            return True
        return False

    # ---- names -----------------------------------------------------------------------------

    def item_name(self, slot: int | None, texts: Texts) -> str:
        fallback = texts("items.fallback")
        for s in self.config.hardware.slots:
            if s.number == slot:
                try:
                    return self.session.content.item(s.item).name.get(texts.lang) or fallback
                except KeyError:
                    return fallback
        return fallback

    def nearest_place(self, texts: Texts) -> str:
        places = self.session.content.places
        chosen = [p for p in places if p.id == self.config.nearest_place] or list(places[:1])
        if not chosen:
            return ""
        p, lang = chosen[0], texts.lang
        return f"{p.district.get(lang)} · {p.phone}"
