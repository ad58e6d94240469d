"""Sound out: the speaker or the earphone, through pygame's mixer (SDL, ALSA on the Pi).

`AudioOut` is the small interface the voice plays through; `PygameAudioOut` is the real one.
Every call comes from the voice's own thread, never from the frame. Under
`SDL_AUDIODRIVER=dummy` (tests, CI) the mixer runs without a sound card.

Two mixer channels are reserved: one for speech (a new phrase replaces the old one), one for the
click and the chime (a tap does not cut the voice short).

Which device: `open(device)` takes an SDL audio device name, "" for the system default. A Pi 4
with a switching 3.5 mm jack needs nothing else; two devices (a USB speaker amplifier and a USB
earphone adapter on a Pi 5) are told apart by name. See docs/accessibility.md.
"""

from __future__ import annotations

import enum
import io
import logging
from typing import Protocol

import pygame

from hardware.speech.errors import AudioDeviceError
from hardware.speech.tones import chime_wav, click_wav
from hardware.speech.wav import SAMPLE_RATE

_log = logging.getLogger(__name__)

BUFFER_SAMPLES = 512  # about 23 ms at 22050 Hz: the tap-to-sound latency the mixer adds


class Effect(enum.Enum):
    CLICK = "click"
    CHIME = "chime"


class AudioOut(Protocol):
    """Where the voice's sound goes. Each method raises AudioDeviceError when it cannot."""

    def open(self, device: str) -> None:
        """Open (or reopen) the output on `device` ("" = the system default)."""
        ...

    def close(self) -> None: ...

    def play_speech(self, wav: bytes, volume: float) -> float:
        """Start a phrase now, replacing any phrase playing; return its length in seconds."""
        ...

    def stop_speech(self) -> None: ...

    def set_volume(self, volume: float) -> None:
        """Change the volume of the phrase playing now (0.0 … 1.0)."""
        ...

    def play_effect(self, effect: Effect, volume: float) -> None: ...


class PygameAudioOut:
    """pygame-ce's mixer. One per process: the mixer itself is process-wide."""

    def __init__(self) -> None:
        self._device: str | None = None
        self._speech: pygame.mixer.Channel | None = None
        self._effects: pygame.mixer.Channel | None = None
        self._sounds: dict[Effect, pygame.mixer.Sound] = {}
        self._playing: pygame.mixer.Sound | None = None

    def open(self, device: str) -> None:
        if self._device == device and pygame.mixer.get_init():
            return
        self.close()
        try:
            pygame.mixer.init(
                frequency=SAMPLE_RATE,
                size=-16,
                channels=2,
                buffer=BUFFER_SAMPLES,
                devicename=device or None,
            )
            pygame.mixer.set_num_channels(max(2, pygame.mixer.get_num_channels()))
            pygame.mixer.set_reserved(2)
            self._speech = pygame.mixer.Channel(0)
            self._effects = pygame.mixer.Channel(1)
            self._sounds = {
                Effect.CLICK: pygame.mixer.Sound(file=io.BytesIO(click_wav())),
                Effect.CHIME: pygame.mixer.Sound(file=io.BytesIO(chime_wav())),
            }
        except pygame.error as exc:
            self.close()
            where = f"device {device!r}" if device else "the default device"
            raise AudioDeviceError(f"cannot open audio on {where}: {exc}") from exc
        self._device = device
        _log.info("audio out: %s, %s", device or "default device", pygame.mixer.get_init())

    def close(self) -> None:
        self._speech = self._effects = self._playing = None
        self._sounds = {}
        self._device = None
        if pygame.mixer.get_init():
            pygame.mixer.quit()

    def _channels(self) -> tuple[pygame.mixer.Channel, pygame.mixer.Channel]:
        if self._speech is None or self._effects is None:
            raise AudioDeviceError("audio output is not open")
        return self._speech, self._effects

    def play_speech(self, wav: bytes, volume: float) -> float:
        speech, _ = self._channels()
        try:
            sound = pygame.mixer.Sound(file=io.BytesIO(wav))
            sound.set_volume(volume)  # on the sound, before it starts: no loud first buffer
            speech.play(sound)
        except pygame.error as exc:
            raise AudioDeviceError(f"cannot play speech: {exc}") from exc
        self._playing = sound  # the channel must not outlive its sound
        return sound.get_length()

    def stop_speech(self) -> None:
        if self._speech is not None:
            self._speech.stop()
        self._playing = None

    def set_volume(self, volume: float) -> None:
        if self._playing is not None:
            self._playing.set_volume(volume)

    def play_effect(self, effect: Effect, volume: float) -> None:
        _, effects = self._channels()
        try:
            sound = self._sounds[effect]
            sound.set_volume(volume)
            effects.play(sound)
        except pygame.error as exc:
            raise AudioDeviceError(f"cannot play the {effect.value}: {exc}") from exc


def output_device_names() -> list[str]:
    """The SDL names of the sound outputs, for `speaker_device` / `earphone_device` (a
    technician's question: "which name is my USB adapter?"). Empty when there is no sound
    system at all. Opens SDL's audio briefly when the mixer is not running."""
    try:  # pygame-ce marks its SDL2 audio module experimental: used only for this listing
        from pygame._sdl2 import audio as sdl_audio
    except ImportError:
        return []
    opened_here = not pygame.mixer.get_init()
    try:
        if opened_here:
            pygame.mixer.init()
        return list(sdl_audio.get_audio_device_names(False))
    except pygame.error:
        return []
    finally:
        if opened_here and pygame.mixer.get_init():
            pygame.mixer.quit()
