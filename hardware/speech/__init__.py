"""Offline voice output: text to speech (espeak-ng first), a phrase cache, audio out.

Knows nothing of `kiosk` or `prescriptions`. The kiosk builds it once and wires three things:

    speech = build_speech(settings, data_dir, emit=inbox.put, switch_output=None)
    speech.start()
    speech.prerender(fixed_strings + card_texts)            # after the content is checked
    speech.voice.say("지금 도움이 필요해요", "ko")              # on focus; returns at once
    speech.voice.click()                                    # on a tap
    speech.voice.set_earphone(True)                         # from the jack switch
    speech.close()                                          # at shutdown

Workers report through `emit` (`hardware.speech.events`); nothing raises into the caller.
Modules: engine (SpeechEngine, EspeakEngine), cache (PhraseCache, Phrasebook), prerender,
audio_out (AudioOut, PygameAudioOut), voice (Voice, routing), tones (click, chime), text
(phone numbers and positions for speaking), wav (measurements), bench (tap-to-speech),
build (`Speech`, `build_speech`).

Importing a part (`hardware.speech.text`, `.events`, `.settings`) does not load the others:
the kiosk's first frame needs the words and the settings, not the engine, the mixer or the
threads, which are loaded when the sound is built, after the first frame.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hardware.speech.build import CACHE_FOLDER, Speech, build_speech

__all__ = ["CACHE_FOLDER", "Speech", "build_speech"]


def __getattr__(name: str) -> object:
    if name in __all__:
        return getattr(importlib.import_module("hardware.speech.build"), name)
    raise AttributeError(f"module 'hardware.speech' has no attribute {name!r}")
