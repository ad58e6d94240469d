"""Helpers for the speech tests: an inbox that collects events, and engines that wrap the real
espeak-ng to count its calls or hold it back on an Event (never sleeps)."""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Callable
from typing import TypeVar

from hardware.speech.audio_out import Effect, PygameAudioOut
from hardware.speech.engine import EspeakEngine, SpeechEngine
from hardware.speech.events import SpeechEvent
from hardware.speech.wav import write_wav

WAIT_S = 10.0  # an upper bound for anything a worker does here; normally milliseconds
E = TypeVar("E")


class Inbox:
    """What the kiosk's inbox would receive, in order."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[SpeechEvent] = queue.SimpleQueue()
        self.seen: list[SpeechEvent] = []

    def emit(self, event: SpeechEvent) -> None:
        self._queue.put(event)

    def wait_for(self, kind: type[E], where: Callable[[E], bool] = lambda _: True) -> E:
        """The next event of `kind` matching `where`; everything before it lands in `seen`."""
        while True:
            event = self.next()
            if isinstance(event, kind) and where(event):
                return event

    def next(self) -> SpeechEvent:
        event = self._queue.get(timeout=WAIT_S)
        self.seen.append(event)
        return event

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.seen if isinstance(e, kind)]


class CountingEngine:
    """The real espeak-ng, counting how often it is asked to synthesise."""

    def __init__(self, inner: SpeechEngine | None = None) -> None:
        self.inner = inner if inner is not None else EspeakEngine()
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def identity(self) -> str:
        return self.inner.identity()

    def voice_for(self, lang: str) -> str:
        return self.inner.voice_for(lang)

    def synthesize(self, text: str, lang: str, speed: float) -> bytes:
        with self._lock:
            self.calls.append(text)
        return self.inner.synthesize(text, lang, speed)


def tone_wav(seconds: float = 0.3, hz: float = 440.0) -> bytes:
    n = round(seconds * 22050)
    return write_wav(0.3 * math.sin(2 * math.pi * hz * i / 22050) for i in range(n))


class HeldEngine:
    """A slow engine: synthesising `held` text waits until `release` is set (bounded)."""

    def __init__(self, held: str) -> None:
        self.held = held
        self.release = threading.Event()
        self.entered = threading.Event()
        self.finished = threading.Event()

    def identity(self) -> str:
        return "held-test-engine"

    def voice_for(self, lang: str) -> str:
        return lang

    def synthesize(self, text: str, lang: str, speed: float) -> bytes:
        if text == self.held:
            self.entered.set()
            self.release.wait(WAIT_S)
            self.finished.set()
        return tone_wav()


class RecordingAudioOut(PygameAudioOut):
    """The real pygame output, also noting which effects and volumes it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.effects: list[Effect] = []
        self.speech_volumes: list[float] = []

    def play_effect(self, effect: Effect, volume: float) -> None:
        self.effects.append(effect)
        super().play_effect(effect, volume)

    def play_speech(self, wav: bytes, volume: float) -> float:
        self.speech_volumes.append(volume)
        return super().play_speech(wav, volume)
