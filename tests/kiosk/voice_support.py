"""A kiosk with its real voice for the tests: the app as `run` builds it, espeak-ng, the phrase
cache (one folder for the whole session, so a phrase is made once), pygame's mixer under
SDL_AUDIODRIVER=dummy. Waits are on the inbox's wake-up, bounded, never sleeps."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from hardware.dispenser import SimulatedDispenser
from hardware.speech import Speech, build_speech
from hardware.speech.audio_out import Effect, PygameAudioOut
from hardware.speech.events import SpeechStarted
from hardware.speech.settings import SpeechSettings
from kiosk.shell.config import KioskConfig
from kiosk.shell.input import Nav
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.ui.theme import panel
from tests.kiosk.ui_support import bundled, fonts

WAIT_S = 20.0  # bound for anything the voice does here; normally well under a second


class HeardAudioOut(PygameAudioOut):
    """The real mixer output, noting the effects and phrases it was given (any thread)."""

    def __init__(self) -> None:
        super().__init__()
        self.effects: list[Effect] = []
        self.volumes: list[float] = []
        self.seconds: list[float] = []  # each phrase's length as played
        self.changed = threading.Condition()

    def play_effect(self, effect: Effect, volume: float) -> None:
        super().play_effect(effect, volume)
        with self.changed:
            self.effects.append(effect)
            self.changed.notify_all()

    def play_speech(self, wav: bytes, volume: float) -> float:
        length = super().play_speech(wav, volume)
        with self.changed:
            self.volumes.append(volume)
            self.seconds.append(length)
            self.changed.notify_all()
        return length

    def wait_for(self, done: Callable[[], bool]) -> None:
        with self.changed:
            assert self.changed.wait_for(done, WAIT_S), "the sound never came"


class VoiceRig:
    """The app with its voice attached; `press` is a key on the keypad, then a frame."""

    def __init__(self, cache: Path, settings: SpeechSettings | None = None) -> None:
        config = replace(KioskConfig(), display=panel(1280, 800))
        self.gate = threading.Event()  # a vend waits on it: the dispensing screen can be heard
        self.rt: Runtime = build_runtime(
            config,
            0.0,
            dispenser=SimulatedDispenser(wait=self.gate),
            seed=1,
            fonts=fonts(),
            content=bundled(),
        )
        self.app = self.rt.app
        self.posted = threading.Event()
        self.rt.inbox.on_post(self.posted.set)
        self.audio = HeardAudioOut()
        self.speech: Speech = build_speech(
            settings or SpeechSettings(), cache, emit=self.rt.inbox.post, audio=self.audio
        )
        self.speech.start()
        self.app.voice.attach(self.speech.voice)
        self.now = 1.0
        self.keys = 0  # keys pressed: each should tick
        self.app.refresh(self.now)

    def frame(self, seconds: float = 0.0) -> None:
        self.now += seconds
        self.app.tick(self.now)
        self.app.refresh(self.now)

    def press(self, nav: Nav) -> None:
        self.keys += 1
        self.now += 1.0
        self.app.feed(nav, self.now)
        self.frame()

    def post(self, event: object) -> None:
        self.rt.inbox.post(event)
        self.frame()

    def wait(self, done: Callable[[], bool], what: str) -> None:
        """Frames as the inbox wakes them, until `done` (bounded)."""
        for _ in range(1000):
            if done():
                return
            self.posted.clear()
            if done():
                return
            assert self.posted.wait(WAIT_S), f"nothing came while waiting for {what}"
            self.frame()
        raise AssertionError(f"never: {what}")

    def started(self) -> list[str]:
        return [event.text for event in self.app.voice.started]

    def hear(self, *parts: str) -> SpeechStarted:
        """Waits until the voice starts the newest words, which hold all of `parts`."""
        said = self.app.voice.said[-1].utterance.text.replace("\n", " ")
        for part in parts:
            assert part in said, (part, said)

        def begun() -> bool:
            return bool(self.app.voice.started) and self.app.voice.started[-1].text == said

        self.wait(begun, f"the voice to say {said[:60]!r}")
        return self.app.voice.started[-1]

    def close(self) -> None:
        self.gate.set()
        self.speech.close()
        self.rt.close()
