"""A voice that cannot speak never stops a visit. The kiosk as `run` assembles it, with a
missing espeak-ng, a dead sound device, or an earphone adapter that is gone: the log says so,
staff get an alert (the attention LED, the staff screens, the ledger for the fleet), and the
visitor's screen keeps working."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pygame
import pytest

from hardware.speech.events import Route
from hardware.speech.settings import SpeechSettings
from kiosk.cabinet.alerts import Alert, AlertKind
from kiosk.cabinet.stock_text import alert_line
from kiosk.shell.assembly import Kiosk, assemble
from kiosk.shell.config import KioskConfig
from kiosk.shell.inbox import EarphoneChanged
from kiosk.shell.input import Nav
from kiosk.shell.shutdown import ShutdownCoordinator
from kiosk.shell.voice_guide import DEVICE, ENGINE_MISSING
from kiosk.ui.i18n import Texts
from kiosk.ui.theme import panel
from kiosk.visit.flow import Mode, Screen
from tests.kiosk.test_assembly import RecordingNotifier

SIZE = (1024, 600)
BOUND_S = 30.0


@dataclass
class Running:
    kiosk: Kiosk
    shutdown: ShutdownCoordinator
    surface: pygame.Surface
    posted: threading.Event
    now: float = 1.0

    def frame(self) -> None:
        self.now += 0.5
        self.kiosk.runtime.app.frame(self.surface, [], self.now)

    def until(self, done: Callable[[], bool], what: str) -> None:
        """Frames as the inbox wakes them (bounded), until `done`."""
        for _ in range(500):
            self.posted.clear()
            self.frame()
            if done():
                return
            assert self.posted.wait(BOUND_S), f"nothing came while waiting for {what}"
        raise AssertionError(f"never: {what}")

    def audio_alerts(self) -> list[Alert]:
        assert self.kiosk.writer.flush(BOUND_S)
        cabinet = self.kiosk.cabinet
        assert cabinet is not None and cabinet.monitor is not None
        return [a for a in cabinet.monitor.current if a.kind is AlertKind.AUDIO]

    def led(self) -> bool:
        cabinet = self.kiosk.cabinet
        assert cabinet is not None and cabinet.cabinet is not None
        io = cabinet.cabinet.io
        assert io is not None
        return io.attention_led.is_lit


@pytest.fixture
def start(tmp_path: Path, pygame_font: None) -> Iterator[Callable[[SpeechSettings], Running]]:
    running: list[Running] = []

    def make(speech: SpeechSettings) -> Running:
        config = replace(
            KioskConfig(), display=panel(*SIZE), data_dir=tmp_path / "data", speech=speech
        )
        shutdown = ShutdownCoordinator(signals=())
        kiosk = assemble(config, notifier=RecordingNotifier(), shutdown=shutdown)  # type: ignore[arg-type]
        posted = threading.Event()
        kiosk.runtime.inbox.on_post(posted.set)
        run = Running(kiosk, shutdown, pygame.Surface(SIZE), posted)
        running.append(run)
        run.frame()  # the first frame, before any hardware or sound
        kiosk.start(None)
        kiosk.wait_for_cabinet(BOUND_S)
        kiosk.wait_for_audio(BOUND_S)
        run.until(lambda: kiosk.cabinet is not None, "the cabinet")
        return run

    yield make
    for run in running:
        results = run.shutdown.shut_down()
        assert all(r.ok for r in results), results
        run.kiosk.waker.close()


def walk_on(run: Running) -> None:
    """The visitor goes on with the keypad: start, a symptom, the mood questions."""
    app, session = run.kiosk.runtime.app, run.kiosk.runtime.session
    for _ in range(2):
        run.now += 1
        app.feed(Nav.SELECT, run.now)
        run.frame()
    assert session.state.screen is Screen.MOOD
    assert app.page.button("help")  # the help lines are one key away, as always


def test_a_missing_espeak_ng_is_a_staff_alert_and_the_visit_goes_on(
    start: Callable[[SpeechSettings], Running], caplog: pytest.LogCaptureFixture
) -> None:
    run = start(SpeechSettings(espeak_program="/nonexistent/espeak-ng"))
    app = run.kiosk.runtime.app
    with caplog.at_level(logging.ERROR):
        run.kiosk.runtime.inbox.post(EarphoneChanged(True))  # voice on: the kiosk tries
        run.until(lambda: app.voice.problem == ENGINE_MISSING, "the engine to be missed")
    assert Mode.VOICE in run.kiosk.runtime.session.state.access
    [alert] = run.audio_alerts()
    assert run.led()
    texts = Texts(app.translations, "ko")
    assert "espeak-ng" in alert_line(alert, texts, lambda item: item)
    assert any("engine_missing" in r.getMessage() for r in caplog.records)
    walk_on(run)


def test_a_dead_sound_device_is_a_staff_alert_and_the_visit_goes_on(
    start: Callable[[SpeechSettings], Running],
) -> None:
    run = start(SpeechSettings(speaker_device="no such device"))
    app = run.kiosk.runtime.app
    run.until(lambda: app.voice.problem == DEVICE, "the device fault")
    [alert] = run.audio_alerts()
    assert alert.detail == DEVICE and run.led()
    texts = Texts(app.translations, "en")
    assert "sound device" in alert_line(alert, texts, lambda item: item)
    walk_on(run)


def test_an_earphone_adapter_that_is_gone_raises_an_alert_that_clears_when_unplugged(
    start: Callable[[SpeechSettings], Running],
) -> None:
    run = start(SpeechSettings(earphone_device="USB earphone adapter (unplugged)"))
    app, inbox = run.kiosk.runtime.app, run.kiosk.runtime.inbox
    inbox.post(EarphoneChanged(True))
    run.until(lambda: app.voice.problem == DEVICE, "the earphone output to fail")
    assert [a.detail for a in run.audio_alerts()] == [DEVICE]
    walk_on(run)  # the visit goes on, with the speaker silent (the earphone rule first)
    inbox.post(EarphoneChanged(False))  # the speaker's device works: the voice is back
    run.until(lambda: app.voice.problem is None, "the voice to come back")
    assert run.audio_alerts() == []


def test_plugging_an_earphone_into_the_front_jack_starts_voice_guidance(
    start: Callable[[SpeechSettings], Running],
) -> None:
    """The jack's detect switch (mock pins, as in simulation): a plug turns voice guidance on
    and the sound over to the earphone; pulled out, the speaker may talk again."""
    run = start(SpeechSettings())
    kiosk = run.kiosk
    cabinet = kiosk.cabinet
    assert cabinet is not None and cabinet.cabinet is not None and cabinet.cabinet.io is not None
    jack = cabinet.cabinet.io.earphone_jack
    assert jack is not None and not jack.present
    pin = cabinet.cabinet.io.pin_factory.pin(kiosk.config.hardware.pins.earphone_jack)
    session = kiosk.runtime.session
    assert Mode.VOICE not in session.state.access
    pin.drive_low()  # an earphone goes in
    run.until(lambda: Mode.VOICE in session.state.access, "voice guidance to start")
    speech = kiosk.speech
    assert speech is not None
    run.until(lambda: kiosk.runtime.app.voice.started, "the first words")
    assert speech.voice.route is Route.EARPHONE
    assert kiosk.runtime.app.voice.said[0].utterance.phrases[0][0] == "음성 안내를 시작해요."
    pin.drive_high()  # pulled out
    run.until(lambda: speech.voice.route is Route.SPEAKER, "the speaker to be allowed again")
