"""The app shell: pages from the flow state, input to actions, drawing only when needed.

With staff mode on the screen (the service button, or a long press in the top-left corner),
pages come from the staff screens and input goes to staff mode; the visit waits, untouched.
Leaving staff mode returns to attract, or, when nobody got past the PIN, resumes the visit;
the help button and key on every staff screen leave it the same way, then show the help lines.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pygame

from kiosk.shell import failsafe
from kiosk.shell.config import KioskConfig
from kiosk.shell.fade import Fade
from kiosk.shell.inbox import (
    AlertsChanged,
    Attach,
    ContentReady,
    EarphoneChanged,
    Inbox,
    KeypadPressed,
    ServiceButtonPressed,
)
from kiosk.shell.input import InputMapper, Nav, Tap, UiInput
from kiosk.shell.voice_guide import VoiceGuide, phrases_for
from kiosk.staff import events as staff_events
from kiosk.staff.events import Leave, StaffEvent, StaffScreen
from kiosk.staff.gesture import CornerPress
from kiosk.staff.jobs import StaffJobDone
from kiosk.staff.touch import DOWN, feed_corner
from kiosk.ui.fonts import FontBook
from kiosk.ui.i18n import Texts, Translations
from kiosk.ui.scene import Box, Renderer, Typesetter
from kiosk.ui.theme import Metrics, Palette, metrics_for
from kiosk.visit.flow import (
    Back,
    CloseHelp,
    Event,
    GoHome,
    Listening,
    Mode,
    MoreTime,
    OpenHelp,
    Screen,
    ToggleMode,
)
from kiosk.visit.screens import build_page
from kiosk.visit.screens.base import (
    AudioStep,
    Button,
    Page,
    PageTurn,
    PictureCache,
    UiState,
    View,
    VoicePanel,
)
from kiosk.visit.session import KioskSession
from prescriptions.facts import Facts
from prescriptions.model import Content

if TYPE_CHECKING:  # staff mode is imported only once the cabinet joins (kiosk.shell.assembly)
    from kiosk.staff.mode import StaffMode
    from kiosk.staff.screens.base import StaffButton, StaffPage

log = logging.getLogger(__name__)

CHROME = ("help", "home", "back", "close", "lang:ko", "lang:en", "voice:panel")
CARD_SCREENS = (Screen.PRESCRIPTION, Screen.DISPENSING, Screen.TAKE_ITEM)
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
    staff: StaffMode | None = None  # None: this kiosk has no staff mode (tests, the demo)
    inbox: Inbox = field(default_factory=Inbox)  # what background work reports, per frame
    # Told (on the UI thread, cheaply) when a card from new content was first drawn.
    card_drawn: Callable[[Content], None] | None = None
    # What the visitor hears: the screens with voice guidance on, the tap tick, the chime.
    voice: VoiceGuide = field(default_factory=VoiceGuide)

    def __post_init__(self) -> None:
        d = self.config.display
        self.metrics: Metrics = metrics_for(d, glyph_ratio(self.fonts))
        self.typesetter = Typesetter(self.fonts, self.metrics.min_px)
        self.renderer = Renderer(self.fonts)
        self.mapper = InputMapper((d.width, d.height))
        self.page: Page = Page()
        self.pictures = PictureCache()
        self._key: tuple[object, ...] | None = None
        self._screen_key: tuple[object, ...] | None = None
        self._changed_at = -1e9
        self.staff_page: StaffPage | None = None  # built once staff mode is on the screen
        # The content a prescription card was last drawn from (it then becomes "last good").
        self.card_drawn_from: Content | None = None
        self.last_flip: float | None = None  # perf_counter time of the last flip
        self.last_frame_s = 0.0  # how long the last drawn frame took, input to drawing
        self._failsafe_since: float | None = None  # showing the failsafe screen since
        self.corner = CornerPress(size=self.metrics.target_px)
        self._dirty = True  # the page changed since it was last drawn
        self._motion_only = False  # only the page's `motion` area changed (an animation frame)
        self.fade = Fade()  # a change of screen fades in
        # What the last drawn frame changed, for the display: None = the whole screen.
        self.flip_rects: list[pygame.Rect] | None = None

    # ---- input -----------------------------------------------------------------------------

    @property
    def staff_on(self) -> bool:
        return self.staff is not None and self.staff.active

    def handle_pygame(self, event: pygame.event.Event, now: float) -> None:
        if self._staff_input(event, now):
            return
        ui_input = self.mapper.map(event)
        if ui_input is not None:
            self.feed(ui_input, now)

    def _staff_input(self, event: pygame.event.Event, now: float) -> bool:
        """The service button, the corner press and typed digits; True when used up here."""
        if self.staff is None:
            return False
        if self._corner(event, now):
            return True
        if not self.staff.active:
            return False
        if self.staff.state.screen is StaffScreen.PIN and event.type == pygame.KEYDOWN:
            typed = getattr(event, "unicode", "")
            if typed.isdigit() and typed.isascii():  # a USB keyboard: then Enter means OK
                self._staff_act(staff_events.Digit(int(typed)), now)
                names = [b.name for b in self._order()]
                self.focus = names.index("ok") if "ok" in names else self.focus
                return True
        return False

    def _corner(self, event: pygame.event.Event, now: float) -> bool:
        """Feed the hidden corner press; True for the release of the press that opened staff
        mode (it must not also press the button under the finger on the PIN screen)."""
        if self.staff_on and event.type in DOWN:
            return False  # on the staff screens a press is just a press
        if feed_corner(self.corner, event, self.mapper.size, now):
            self.open_staff(now)
            return True
        return False

    def open_staff(self, now: float) -> None:
        """The PIN keypad over whatever the visitor was doing (which waits)."""
        if self.staff is not None and not self.staff.active and self.staff.open(now):
            self.refresh(now)

    def feed(self, ui_input: UiInput, now: float) -> None:
        self.refresh(now)  # act on the page the visitor is looking at
        if isinstance(ui_input, Tap):
            if now - self._changed_at < TAP_GUARD_S:
                return
            hit = self._hit(ui_input.pos)
            if hit is not None:
                self.voice.confirm()
                self.focus = self._order().index(hit)
                self._press(hit, now)
            return
        self.voice.confirm()
        if self.staff_on:
            self._staff_nav(ui_input, now)
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
                self._press(order[self.focus % len(order)], now)

    def _staff_nav(self, ui_input: Nav, now: float) -> None:
        """Keys on a staff screen: the same focus ring; Esc goes back; the help key (H on a
        keyboard) leaves staff mode for the help lines, as on every screen."""
        order = self._order()
        if ui_input is Nav.HELP:
            self._staff_act(staff_events.Help(), now)
        elif ui_input is Nav.BACK:
            self._staff_act(staff_events.Back(), now)
        elif ui_input in (Nav.NEXT, Nav.PREVIOUS) and order:
            self.focus = (self.focus + (1 if ui_input is Nav.NEXT else -1)) % len(order)
            self._key = None
        elif ui_input is Nav.SELECT and order:
            self._press(order[self.focus % len(order)], now)

    def press(self, name: str, now: float) -> None:
        """Press a button by name (the demo script and tests)."""
        self.refresh(now)
        if self.staff_on:
            self._press(self._staff_page().button(name), now)
        else:
            self._press(self.page.button(name), now)

    def _press(self, b: Button | StaffButton, now: float) -> None:
        if isinstance(b, Button):
            self._act(b.action, now)
        else:
            self._staff_act(b.action, now)

    def _staff_page(self) -> StaffPage:
        if self.staff_page is None:
            from kiosk.staff.screens.base import StaffPage

            self.staff_page = StaffPage()
        return self.staff_page

    def _staff_act(self, event: StaffEvent, now: float) -> None:
        if self.staff is None:
            return
        leave = self.staff.handle(event, now)
        if leave is not None:
            self._leave_staff(leave, now)
        self.refresh(now)

    def _leave_staff(self, leave: Leave, now: float) -> None:
        """Back to the visitor screens: the paused visit resumes, or the kiosk goes home."""
        self.session.tick(now)  # vends that finished meanwhile are counted first
        self.session.handle(MoreTime() if leave.resume_visit else GoHome(), now)
        if leave.show_help:
            self.session.handle(OpenHelp(), now)
        self._screen_key = None
        self._key = None

    def _act(self, action: Event | PageTurn | AudioStep | VoicePanel, now: float) -> None:
        if isinstance(action, PageTurn):
            self.ui = replace(self.ui, list_page=self.ui.list_page + action.delta)
        elif isinstance(action, AudioStep):
            self._audio_step(action.what, action.delta)
        elif isinstance(action, VoicePanel):
            self.ui = replace(self.ui, voice_panel=action.show)
            self.focus = -1  # the panel's first control (or the screen's main action) takes it
        else:
            self.session.handle(action, now)
        self.refresh(now)

    def on_volume(self, delta: int) -> None:
        """The keypad's volume keys: one step louder (+1) or quieter (-1)."""
        self._audio_step("volume", delta)

    def on_speed(self, delta: int) -> None:
        """One step faster (+1) or slower (-1) speech."""
        self._audio_step("speed", delta)

    def _audio_step(self, what: str, delta: int) -> None:
        state = self.session.state
        self.voice.step(what, delta, state, Texts(self.translations, state.language))

    def _buttons(self) -> list[Button | StaffButton]:
        return list(self._staff_page().buttons if self.staff_on else self.page.buttons)

    def flipped(self, at: float) -> None:
        """The frame just drawn is on the screen (for the tap-to-screen measurement)."""
        self.last_flip = at

    def _hit(self, pos: tuple[int, int]) -> Button | StaffButton | None:
        for b in reversed(self._buttons()):
            if b.rect.collidepoint(pos):
                return b
        return None

    def focused(self) -> Button | StaffButton | None:
        """The element with the focus ring: what the keypad's select key presses."""
        order = self._order()
        return order[self.focus % len(order)] if order else None

    def _order(self) -> list[Button | StaffButton]:
        """Focus order: the screen's own buttons first, then the bars."""
        buttons = self._buttons()
        return [b for b in buttons if b.name not in CHROME] + [
            b for b in buttons if b.name in CHROME
        ]

    # ---- frame -----------------------------------------------------------------------------

    def deliver(self, event: object, now: float) -> None:
        """One event from the inbox, on the UI thread."""
        if self.voice.deliver(event, now):
            return
        if isinstance(event, ContentReady):  # checked content: its phrases into the cache
            content = event.content
            self.voice.prerender_when_ready(
                lambda: phrases_for(self.config, self.translations, content)
            )
        if isinstance(event, EarphoneChanged):
            if self.voice.earphone_changed(event.present):
                self.session.handle(ToggleMode(Mode.VOICE), now)
            return
        if self.session.deliver(event, now):
            return
        if isinstance(event, AlertsChanged):
            self._key = None  # a staff screen may show them
            return
        if isinstance(event, KeypadPressed):
            self.feed(event.nav, now)
            return
        if isinstance(event, ServiceButtonPressed):
            self.open_staff(now)
            return
        if isinstance(event, StaffJobDone):
            if self.staff is not None:
                leave = self.staff.handle(event.event, now)
                self._staff_present()
                if leave is not None:
                    self._leave_staff(leave, now)
                self._key = None
            return
        if isinstance(event, Attach):
            event.attach()
            self._key = None
            return
        log.warning("inbox: no one takes %r", event)

    def _staff_present(self) -> None:
        """Staff got past the PIN: they are at the kiosk, so a visitor's call is answered."""
        staff = self.staff
        if staff is not None and staff.active and staff.state.screen is not StaffScreen.PIN:
            self.session.person_call_answered()

    def next_deadline(self, now: float) -> float | None:
        """When the loop must wake even without input or inbox events (timeouts, the
        countdown, an animation frame, a long press), or None: sleep until something comes."""
        if self._failsafe_since is not None:
            return self._failsafe_since + failsafe.RETRY_S
        due: list[float] = []
        if self.staff is not None and self.staff.active:
            if (staff_due := self.staff.next_deadline(now)) is not None:
                due.append(staff_due)
        else:
            if (session_due := self.session.next_deadline()) is not None:
                due.append(session_due)
            left = self.session.state.seconds_left(now)
            if left is not None:  # the countdown's number changes on the whole second
                due.append(now + (left - int(left) or 1.0))
            if self.voice.speaking_until is not None:  # the timers wait while the voice reads
                due.append(self.voice.speaking_until)
        if self.corner.pressed_since is not None:
            due.append(self.corner.pressed_since + self.corner.hold_s)
        if self.page.animated and not self.staff_on:
            still = self.page.still_until
            if still is not None and now < still:
                due.append(still)
            else:
                fps = max(1, self.page.fps)
                due.append((int(now * fps) + 1) / fps)
        if (fading := self.fade.next_frame(now)) is not None:
            due.append(fading)
        return min(due, default=None)

    def take_inbox(self, now: float) -> None:
        """Everything background work reported since the last frame."""
        for event in self.inbox.drain():
            self.deliver(event, now)

    def tick(self, now: float) -> None:
        self.take_inbox(now)
        if self.staff is not None and self.staff.active:
            leave = self.staff.tick(now)  # the visit waits: no timeouts, no prompts
            self._staff_present()
            if leave is not None:
                self._leave_staff(leave, now)
            return
        if self.staff is not None:
            self.staff.watch(now)  # a PIN lockout runs out (and is written down) while closed
        if self.corner.due(now):
            self.open_staff(now)
            return
        if self.voice.listening(now, self.session.next_deadline()):
            self.session.handle(Listening(), now)
        self.session.tick(now)
        state = self.session.state
        self.voice.tick(state, now, Texts(self.translations, state.language))

    def view(self, now: float) -> View:
        state = self.session.state
        texts = Texts(self.translations, state.language, self.facts())
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
            nearest_place_short=texts("footer.place_short"),
            pictures=self.pictures,
            nearest_id=self.config.nearest_place,
            wall=self.session.wall(),
            person_call=self.config.staff.person_call,
            attract_motion=self.config.display.attract_motion,
        )

    def refresh(self, now: float) -> bool:
        """Rebuild the page if anything visible changed; True when it did."""
        if self.staff is not None and self.staff.active:
            return self._refresh_staff(self.staff, now)
        state = self.session.state
        screen_key: tuple[object, ...] = (
            state.screen,
            state.prompting,
            state.visit.answers,
            state.visit.mood_skipped,
        )
        if screen_key != self._screen_key:
            if self._screen_key is not None and screen_key[0] != self._screen_key[0]:
                self.ui = UiState()
                self.fade.screen_changed(state.access)
            self._new_screen(screen_key, now)
        key = (
            state,
            self.ui,
            self.focus,
            id(self.session.content),
            None if state.prompt_until is None else int(state.seconds_left(now) or 0),
            self._animation_tick(now),
        )
        if key == self._key:
            return False
        # An animation frame: the same page but for its moving part.
        motion_only = (
            self._key is not None and key[:-1] == self._key[:-1] and self.page.motion is not None
        )
        before = self.page.motion
        self.page = build_page(self.view(now))
        self._motion_only = motion_only and self.page.motion == before and not self._dirty
        self._dirty = True
        if self.focus < 0:
            order = self._order()
            primary = [i for i, b in enumerate(order) if b.primary]
            self.focus = primary[0] if primary else 0
        # The new page's own animation tick: a page that rests now is not rebuilt next frame.
        self._key = (state, self.ui, self.focus, *key[3:5], self._animation_tick(now))
        order = self._order()
        self.voice.observe(state, self.page, order, self.focus, lambda: self.view(now), self.ui)
        return True

    def _animation_tick(self, now: float) -> object:
        """What changes the page's look as time passes: an animation frame number, or the
        end of a still moment; None for a page that does not move."""
        page = self.page
        if not page.animated:
            return None
        if page.still_until is not None and now < page.still_until:
            return ("still", page.still_until)
        return int(now * max(1, page.fps))

    def _new_screen(self, screen_key: tuple[object, ...], now: float) -> None:
        self._screen_key = screen_key
        self._changed_at = now
        self.focus = -1  # the primary button takes the focus

    def _refresh_staff(self, staff: StaffMode, now: float) -> bool:
        self.voice.silence()  # the visit waits, and so does its voice
        state = staff.state
        screen_key = ("staff", state.screen, state.slot)
        if screen_key != self._screen_key:
            self._new_screen(screen_key, now)
        key = ("staff", staff.key(now), self.focus)
        if key == self._key:
            return False
        self.staff_page = staff.build(self.view(now), now)
        self._dirty = True
        if self.focus < 0:
            order = self._order()
            primary = [i for i, b in enumerate(order) if b.primary]
            self.focus = primary[0] if primary else 0
        self._key = ("staff", staff.key(now), self.focus)
        return True

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(self.palette.background)
        self.renderer.draw(surface, self._staff_page().ops if self.staff_on else self.page.ops)
        for b in self._buttons():
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
        content = self.session.content
        on_card = not self.staff_on and self.session.state.screen in CARD_SCREENS
        if on_card and content is not self.card_drawn_from:
            self.card_drawn_from = content  # drawn without failing
            if self.card_drawn is not None:
                self.card_drawn(content)
        self.frames_drawn += 1
        self._dirty = False

    def frame(self, surface: pygame.Surface, events: list[pygame.event.Event], now: float) -> bool:
        """One turn of the loop: inputs, results, timeouts; draw only if something changed.
        Whatever fails in it ends on the failsafe screen, never in a dead kiosk."""
        if self._failsafe_since is not None:
            if not self._failsafe_over(events, now):
                self.take_inbox(now)  # vends and the cabinet still report
                return False
            events = []
        started = time.perf_counter()
        try:
            for event in events:
                self.handle_pygame(event, now)
            self.tick(now)
            self.refresh(now)
            fading = self.fade.active
            if self._dirty or fading:  # input handled above may already have rebuilt the page
                motion = self.page.motion
                if self._motion_only and motion is not None and not fading and self.frames_drawn:
                    surface.set_clip(motion)  # an animation frame: only its area is drawn
                    try:
                        self.draw(surface)
                    finally:
                        surface.set_clip(None)
                    self.flip_rects = [motion.copy()]
                else:
                    self.fade.start(surface, now, allowed=bool(self.frames_drawn))
                    self.draw(surface)
                    self.fade.blend(surface, now, allowed=not self.staff_on)
                    self.flip_rects = None
                self._motion_only = False
                self.last_frame_s = time.perf_counter() - started
                return True
            return False
        except Exception:
            log.exception("a screen failed: the visit is reset and the failsafe screen shown")
            self._fail_safe(surface, now)
            return True

    def _fail_safe(self, surface: pygame.Surface, now: float) -> None:
        self._failsafe_since = now
        self.voice.silence()
        try:
            if self.staff is not None and self.staff.active:
                self.staff.handle(staff_events.Exit(), now)  # staff mode closes with the visit
            self.session.reset(now)
        except Exception:
            log.exception("failsafe: the visit could not be reset")
        self._screen_key = None
        self._key = None
        try:
            texts = Texts(self.translations, self.session.state.language, self.facts())
            failsafe.draw(surface, self.fonts.regular, failsafe.lines(texts))
        except Exception:
            log.exception("failsafe: drawing with the kiosk's font failed")
            failsafe.draw(surface, _system_font, failsafe.BUILT_IN)

    def _failsafe_over(self, events: list[pygame.event.Event], now: float) -> bool:
        """A touch or a key press, or the retry time, ends the failsafe screen."""
        since = self._failsafe_since
        touched = any(
            e.type in (pygame.MOUSEBUTTONUP, pygame.FINGERUP, pygame.KEYDOWN) for e in events
        )
        if touched or (since is not None and now - since >= failsafe.RETRY_S):
            self._failsafe_since = None
            self._dirty = True
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

    def facts(self) -> Facts:
        """Where screen texts and phrases take numbers and places from: the content in use and
        this machine's nearest place (prescriptions.facts; without one configured, how to
        find the nearest, never some other district's)."""
        return Facts(self.session.content, self.config.nearest_place)

    def nearest_place(self, texts: Texts) -> str:
        return texts("footer.place")


def _system_font(px: int) -> pygame.font.Font:
    return pygame.font.Font(None, px)
