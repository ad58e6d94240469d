"""What can go wrong with voice output: one small branch of the hardware exception tree.

HardwareError                    (hardware.errors)
└── SpeechError                  voice output failed; the visit goes on without it
    ├── EngineMissing            the synthesiser cannot be started (espeak-ng not installed)
    ├── SynthesisFailed          the synthesiser ran but gave no usable audio
    │   └── SynthesisTimeout     … or did not finish in time (it was killed)
    ├── CacheError               the phrase cache folder cannot be written (speech still works)
    └── AudioDeviceError         no sound can be played: the mixer or the device is dead

None of these ever reaches the kiosk's frame thread: the speech workers catch them and report
them as events (`hardware.speech.events`).
"""

from __future__ import annotations

from hardware.errors import HardwareError


class SpeechError(HardwareError):
    """Voice output failed."""


class EngineMissing(SpeechError):
    """The speech engine's program is not there or cannot be run."""


class SynthesisFailed(SpeechError):
    """The engine ran but produced no usable WAV (bad voice name, crash, empty output)."""


class SynthesisTimeout(SynthesisFailed):
    """The engine did not finish within its time limit and was stopped."""


class CacheError(SpeechError):
    """The phrase cache cannot store a phrase (folder missing, read-only, disk full)."""


class AudioDeviceError(SpeechError):
    """The audio output cannot be opened or cannot play (no device, unplugged USB audio)."""
