"""The demo's voice: beside each screenshot, what voice guidance says on that screen, as text
(`.txt`, a phrase a line, exactly the phrases the voice is given) and as sound (`.wav`, the same
phrases made by the kiosk's engine and joined as the voice joins them).

The phrases come from the kiosk's own voice guide (`App.voice.here`: everything said since the
screen was entered), so what is written is what a visitor would hear there. The WAVs are made
through the kiosk's phrase cache in its data folder, so a second run costs little.
"""

from __future__ import annotations

import logging
from pathlib import Path

from hardware.speech import CACHE_FOLDER
from hardware.speech.cache import Phrasebook, PhraseCache
from hardware.speech.engine import make_engine
from hardware.speech.errors import SpeechError
from kiosk.shell.config import KioskConfig
from kiosk.shell.voice_guide import Said

log = logging.getLogger(__name__)


class VoiceShots:
    """Writes `<shot>.txt` and `<shot>.wav` beside a screenshot."""

    def __init__(self, config: KioskConfig) -> None:
        engine = make_engine(config.speech)
        folder = config.data_dir / CACHE_FOLDER
        self.book = Phrasebook(engine, PhraseCache(folder, config.speech.cache_mb * 1024 * 1024))
        self.speed = config.speech.speed
        self.wavs = 0
        self.failed = ""  # why no WAV could be made (espeak-ng missing, say), once

    def write(self, png: Path, said: list[Said]) -> None:
        text = "\n\n".join(s.utterance.text for s in said)
        png.with_suffix(".txt").write_text(text + "\n" if text else "", encoding="utf-8")
        phrases = [p for s in said for p in s.utterance.phrases]
        if not phrases or self.failed:
            return
        lead = said[0].utterance.lead_s
        try:
            wav = self.book.utterance(phrases, self.speed, lead_s=lead)
        except SpeechError as exc:
            self.failed = str(exc)
            log.error("demo: no .wav files, the voice cannot speak here: %s", exc)
            return
        png.with_suffix(".wav").write_bytes(wav)
        self.wavs += 1
