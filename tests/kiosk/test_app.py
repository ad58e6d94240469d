"""The app shell as a visitor meets it: taps, keys, a mashed screen, an idle screen, the demo."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from hardware.dispenser import SimulatedDispenser, VendOutcome
from kiosk.shell.config import KioskConfig
from kiosk.shell.fade import FADE_S
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.tools.demo import run_demo
from kiosk.ui.theme import panel
from kiosk.visit.flow import Screen
from tests.kiosk.ui_support import bundled, fonts


class Recorder:
    def __init__(self) -> None:
        self.counts: list[tuple[str, str]] = []

    def count(self, event: str, key: str = "") -> None:
        self.counts.append((event, key))


def kiosk(
    gate: threading.Event | None = None, stats: Recorder | None = None, *, motion: bool = True
) -> Runtime:
    config = replace(KioskConfig(), display=replace(panel(1280, 800), attract_motion=motion))
    return build_runtime(
        config,
        0.0,
        dispenser=SimulatedDispenser(wait=gate),
        seed=1,
        stats=stats,
        fonts=fonts(),
        content=bundled(),
    )


def finger(
    kind: int, pos: tuple[int, int], size: tuple[int, int] = (1280, 800)
) -> pygame.event.Event:
    return pygame.event.Event(kind, x=pos[0] / size[0], y=pos[1] / size[1], finger_id=0, touch_id=1)


def synthetic_mouse(kind: int, pos: tuple[int, int]) -> pygame.event.Event:
    return pygame.event.Event(kind, pos=pos, button=1, touch=True)


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


def test_one_tap_is_one_action_even_with_sdls_synthetic_mouse_events() -> None:
    rt = kiosk()
    app = rt.app
    app.refresh(0.0)
    start = app.page.button("start").rect.center
    # What SDL sends for a single finger tap: finger events and their mouse echo.
    for event in (
        finger(pygame.FINGERDOWN, start),
        synthetic_mouse(pygame.MOUSEBUTTONDOWN, start),
        finger(pygame.FINGERUP, start),
        synthetic_mouse(pygame.MOUSEBUTTONUP, start),
    ):
        app.handle_pygame(event, 1.0)
    assert rt.session.state.screen is Screen.SYMPTOM
    # The echo did not go on to press whatever sits under the finger on the next screen.
    assert rt.session.state.visit.symptom is None


def test_a_mouse_click_works_like_a_tap() -> None:
    rt = kiosk()
    rt.app.refresh(0.0)
    pos = rt.app.page.button("start").rect.center
    rt.app.handle_pygame(
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=False), 1.0
    )
    assert rt.session.state.screen is Screen.SYMPTOM


def test_taps_right_after_a_screen_change_are_ignored() -> None:
    rt = kiosk()
    app = rt.app
    app.refresh(0.0)
    app.handle_pygame(finger(pygame.FINGERUP, app.page.button("start").rect.center), 1.0)
    first_symptom = next(b for b in app.page.buttons if b.name.startswith("symptom:"))
    app.handle_pygame(finger(pygame.FINGERUP, first_symptom.rect.center), 1.1)  # mashed
    assert rt.session.state.screen is Screen.SYMPTOM
    app.handle_pygame(finger(pygame.FINGERUP, first_symptom.rect.center), 2.0)  # meant
    assert rt.session.state.screen is Screen.MOOD


def test_a_whole_visit_by_the_keypad_alone() -> None:
    gate = threading.Event()
    gate.set()
    rt = kiosk(gate)
    app, now = rt.app, 0.0
    app.refresh(now)
    seen = [rt.session.state.screen]
    for k in [
        pygame.K_RETURN,  # start
        pygame.K_RIGHT,
        pygame.K_RETURN,  # the second symptom
        pygame.K_RETURN,
        pygame.K_RIGHT,
        pygame.K_RETURN,
        pygame.K_RETURN,  # mood
        pygame.K_RETURN,
    ]:  # get the item
        now += 1.0
        app.handle_pygame(key(k), now)
        if rt.session.state.screen is not seen[-1]:
            seen.append(rt.session.state.screen)
    rt.worker.join(5)
    now += 1.0
    app.tick(now)  # the vend's result arrives
    seen.append(rt.session.state.screen)
    for k in [pygame.K_RETURN, pygame.K_RETURN]:  # take it, info (finish)
        now += 1.0
        app.handle_pygame(key(k), now)
        seen.append(rt.session.state.screen)
    assert seen[:4] == [Screen.ATTRACT, Screen.SYMPTOM, Screen.MOOD, Screen.PRESCRIPTION]
    assert seen[-1] is Screen.GOODBYE
    assert Screen.TAKE_ITEM in seen and Screen.INFO in seen
    assert rt.dispenser.vends  # type: ignore[attr-defined]


def test_h_key_opens_help_and_escape_closes_it() -> None:
    rt = kiosk()
    rt.app.refresh(0.0)
    rt.app.handle_pygame(key(pygame.K_h), 1.0)
    assert rt.session.state.screen is Screen.HELP
    rt.app.handle_pygame(key(pygame.K_ESCAPE), 2.0)
    assert rt.session.state.screen is Screen.ATTRACT


def test_focus_ring_moves_with_the_arrow_keys() -> None:
    rt = kiosk()
    app = rt.app
    surface = pygame.Surface((1280, 800))

    def ring_around(name: str) -> bool:
        rect = app.page.button(name).rect
        ring = rect.inflate(app.metrics.focus_width, app.metrics.focus_width)
        return surface.get_at((ring.centerx, ring.top))[:3] == app.palette.focus

    app.refresh(0.0)
    app.draw(surface)
    assert ring_around("start")  # the main action has the focus when the screen opens
    app.handle_pygame(key(pygame.K_RIGHT), 1.0)
    app.refresh(1.0)
    app.draw(surface)
    assert not ring_around("start")
    assert sum(ring_around(b.name) for b in app.page.buttons) == 1


def test_a_tap_in_the_frame_loop_shows_the_next_screen() -> None:
    rt = kiosk()
    surface = pygame.Surface((1280, 800))
    rt.app.frame(surface, [], 0.0)
    before = pygame.image.tobytes(surface, "RGB")
    start = rt.app.page.button("start").rect.center
    drew = rt.app.frame(surface, [finger(pygame.FINGERUP, start)], 1.0)
    assert drew and rt.session.state.screen is Screen.SYMPTOM
    assert pygame.image.tobytes(surface, "RGB") != before
    assert rt.app.frame(surface, [], 1.0 + FADE_S * 1.5)  # the old screen has faded out
    assert not rt.app.frame(surface, [], 1.5)  # and then nothing more until something changes


def test_a_still_attract_screen_is_not_redrawn() -> None:
    rt = kiosk(motion=False)
    surface = pygame.Surface((1280, 800))
    assert rt.app.frame(surface, [], 0.0)
    drawn = rt.app.frames_drawn
    for i in range(1, 300):
        rt.app.frame(surface, [], i / 30)
    assert rt.app.frames_drawn == drawn
    assert rt.app.next_deadline(10.0) is None  # and the loop sleeps until something happens


def test_the_attract_animation_redraws_only_its_own_area_and_rests_in_between() -> None:
    rt = kiosk()
    app = rt.app
    surface = pygame.Surface((1280, 800))
    assert app.frame(surface, [], 0.0)
    motion = app.page.motion
    assert motion is not None and motion.width < 1280
    still_until = app.page.still_until
    assert still_until is not None
    assert app.next_deadline(0.1) == still_until  # while the card rests, the loop sleeps
    drawn = app.frames_drawn
    for i in range(1, round(still_until * 30)):
        assert not app.frame(surface, [], i / 30)
    assert app.frames_drawn == drawn
    outside = surface.copy()
    moved = [app.frame(surface, [], still_until + i / 12) for i in range(1, 12)]
    assert any(moved)
    assert app.flip_rects == [motion]  # the display is told about the moving part only
    assert pygame.image.tobytes(surface, "RGB") != pygame.image.tobytes(outside, "RGB")
    for picture in (surface, outside):  # outside the moving part, not a pixel changed
        picture.fill((0, 0, 0), motion)
    assert pygame.image.tobytes(surface, "RGB") == pygame.image.tobytes(outside, "RGB")


def test_the_kiosk_keeps_the_prescription_when_the_motor_fails() -> None:
    gate = threading.Event()
    gate.set()
    rt = kiosk(gate)
    rt.dispenser.script.append(VendOutcome.MOTOR_FAULT)  # type: ignore[attr-defined]
    app, now = rt.app, 0.0
    for name in ["start", "symptom:" + bundled().symptoms[0].id, "skip", "continue"]:
        now += 1
        app.press(name, now)
    rt.worker.join(5)
    app.tick(now + 0.1)
    state = rt.session.state
    assert state.screen is Screen.TAKE_ITEM
    assert state.visit.outcome is VendOutcome.MOTOR_FAULT
    app.refresh(now + 0.1)
    phrase = bundled().prescription(state.visit.prescription or "").phrase.get("ko")
    shown = app.view(now).texts.fill(phrase)  # its placeholders filled, as the visitor reads it
    assert "{" not in shown
    assert shown in [b.source for b in app.page.text_blocks()]


def test_statistics_are_counted_without_anything_personal() -> None:
    stats = Recorder()
    rt = kiosk(stats=stats)
    now = 0.0
    for name in [
        "start",
        "symptom:" + bundled().symptoms[0].id,
        "answer:3",
        "answer:3",
        "answer:3",
    ]:
        now += 1
        rt.app.press(name, now)
    rt.app.press("home", now + 1)
    events = [e for e, _ in stats.counts]
    assert events[:2] == ["visit_started", "language"]
    assert ("intensity", "high") in stats.counts
    assert ("visit_abandoned", "prescription") in stats.counts
    assert "category" in events


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_demo_writes_a_png_for_every_screen(tmp_path: Path, lang: str) -> None:
    config = replace(KioskConfig(), display=panel(1024, 600))
    shots = run_demo(config, tmp_path, lang=lang, fonts=fonts())
    assert {s.screen for s in shots} == set(Screen)
    for shot in shots:
        assert shot.path.exists() and shot.path.stat().st_size > 1000
        assert pygame.image.load(str(shot.path)).get_size() == (1024, 600)


class BrokenStats:
    def count(self, event: str, key: str = "") -> None:
        raise RuntimeError("disk full")


def test_a_failing_statistics_store_never_stops_a_visit() -> None:
    config = replace(KioskConfig(), display=panel(1280, 800))
    rt = build_runtime(
        config,
        0.0,
        dispenser=SimulatedDispenser(),
        seed=1,
        stats=BrokenStats(),
        fonts=fonts(),
        content=bundled(),
    )
    now = 0.0
    for name in ["start", "symptom:" + bundled().symptoms[0].id, "skip"]:
        now += 1
        rt.app.press(name, now)
    assert rt.session.state.screen is Screen.PRESCRIPTION


def test_the_attract_card_is_out_from_the_start_and_each_turn_asks_of_another_symptom() -> None:
    from kiosk.visit.screens.attract import CYCLE_S, IN_AT_S, moment

    first = moment(0.0, 0.0, motion=True)
    assert first.out == 1.0 and first.still_until == IN_AT_S  # a card, and then stillness
    later = moment(CYCLE_S + 0.5, 0.0, motion=True)
    assert later.turn == first.turn + 1
    assert moment(IN_AT_S + 0.4, 0.0, motion=True).out < 1.0  # sliding back in
    assert moment(123.0, 0.0, motion=False) == moment(0.0, 0.0, motion=False)  # still: fixed


def test_a_screen_change_fades_in_briefly_but_not_in_voice_mode() -> None:
    from kiosk.visit.flow import Mode, ToggleMode

    for voice in (False, True):
        rt = kiosk(motion=False)
        surface = pygame.Surface((1280, 800))
        rt.app.frame(surface, [], 0.0)
        if voice:
            rt.session.handle(ToggleMode(Mode.VOICE), 0.5)
        rt.app.press("start", 1.0)
        assert rt.app.frame(surface, [], 1.0)
        fading = rt.app.next_deadline(1.0)
        if voice:
            assert fading is None or fading > 1.5  # no fade frames: straight to the screen
        else:
            assert fading is not None and fading - 1.0 <= 1 / 20  # frames while it fades
            assert rt.app.frame(surface, [], 1.0 + FADE_S / 2)
            assert rt.app.frame(surface, [], 1.0 + FADE_S * 1.5)
            assert not rt.app.frame(surface, [], 2.0)
