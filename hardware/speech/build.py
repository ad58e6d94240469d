"""`Speech`: the voice and its pre-renderer, built from the settings (`build_speech`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from hardware.speech.audio_out import AudioOut
from hardware.speech.cache import Phrasebook, PhraseCache
from hardware.speech.engine import SpeechEngine, make_engine
from hardware.speech.events import Emit, Route
from hardware.speech.prerender import Prerenderer
from hardware.speech.settings import SpeechSettings
from hardware.speech.voice import Voice

CACHE_FOLDER = "speech-cache"


@dataclass
class Speech:
    """The voice and its pre-renderer, sharing one engine and one phrase cache."""

    engine: SpeechEngine
    phrasebook: Phrasebook
    voice: Voice
    prerenderer: Prerenderer

    def start(self) -> None:
        self.voice.start()
        self.prerenderer.start()

    def prerender(self, phrases: Iterable[tuple[str, str]]) -> None:
        """Queue (text, lang) pairs for the cache at the voice's current speed."""
        self.prerenderer.submit(phrases, self.voice.speed)

    def close(self) -> None:
        self.prerenderer.close()
        self.voice.close()


def build_speech(
    settings: SpeechSettings,
    data_dir: Path,
    emit: Emit,
    *,
    switch_output: Callable[[Route], None] | None = None,
    audio: AudioOut | None = None,
    engine: SpeechEngine | None = None,
) -> Speech:
    """Everything for voice output, not started yet. Raises ValueError only for an unknown
    engine name (check the settings with `engine.settings_problems` when loading them); a
    missing program, an unwritable cache or a dead sound device become events later."""
    chosen = engine if engine is not None else make_engine(settings)
    cache = PhraseCache(data_dir / CACHE_FOLDER, settings.cache_mb * 1024 * 1024)
    book = Phrasebook(chosen, cache)
    voice = Voice(book, emit, settings=settings, audio=audio, switch_output=switch_output)
    return Speech(chosen, book, voice, Prerenderer(book, emit))
