"""Sound out: the speaker or the earphone, through pygame's mixer (SDL, ALSA on the Pi).

`AudioOut` is the small interface the voice plays through; `PygameAudioOut` is the real one.
Every call comes from the voice's own thread, never from the frame. Under
`SDL_AUDIODRIVER=dummy` (tests, CI) the mixer runs without a sound card.

Two mixer channels are reserved: one for speech (a new phrase replaces the old one), one for the
click and the chime (a tap does not cut the voice short). The mixer runs in mono at espeak-ng's
own rate, so a phrase's samples go to the mixer as they are, without conversion: a minute of
words starts in about a millisecond (in stereo SDL converted it first, 20 ms and more).

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
from hardware.speech.wav import SAMPLE_RATE, wav_frames

_log = logging.getLogger(__name__)

BUFFER_SAMPLES = 512  # about 23 ms at 22050 Hz: the tap-to-sound latency the mixer adds
MIXER_CHANNELS = 1  # speech is mono; one speaker or one earphone pair hears the same


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

    def queue_speech(self, wav: bytes, volume: float) -> float:
        """Play a phrase right after the one playing (at once if none is); its length."""
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
        self._queued: pygame.mixer.Sound | None = None
        self._nothing: pygame.mixer.Sound | None = None  # two samples of silence

    def open(self, device: str) -> None:
        if self._device == device and pygame.mixer.get_init():
            return
        self.close()
        try:
            pygame.mixer.init(
                frequency=SAMPLE_RATE,
                size=-16,
                channels=MIXER_CHANNELS,
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
            self._nothing = pygame.mixer.Sound(buffer=bytes(4 * MIXER_CHANNELS))
        except pygame.error as exc:
            self.close()
            where = f"device {device!r}" if device else "the default device"
            raise AudioDeviceError(f"cannot open audio on {where}: {exc}") from exc
        self._device = device
        _log.info("audio out: %s, %s", device or "default device", pygame.mixer.get_init())

    def close(self) -> None:
        self._speech = self._effects = self._playing = self._queued = self._nothing = None
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
            sound = _sound(wav)
            sound.set_volume(volume)  # on the sound, before it starts: no loud first buffer
            speech.play(sound)
        except pygame.error as exc:
            raise AudioDeviceError(f"cannot play speech: {exc}") from exc
        self._playing = sound  # the channel must not outlive its sound
        return sound.get_length()

    def queue_speech(self, wav: bytes, volume: float) -> float:
        speech, _ = self._channels()
        if not speech.get_busy():
            return self.play_speech(wav, volume)
        try:
            sound = _sound(wav)
            sound.set_volume(volume)
            speech.queue(sound)  # starts the moment the phrase playing ends: no gap
        except pygame.error as exc:
            raise AudioDeviceError(f"cannot play speech: {exc}") from exc
        self._queued = sound
        return sound.get_length()

    def stop_speech(self) -> None:
        if self._speech is not None:
            if self._speech.get_queue() is not None and self._nothing is not None:
                # A stopped channel starts what is queued (pygame): queue nothing first.
                self._speech.queue(self._nothing)
            self._speech.stop()
        self._playing = self._queued = None

    def set_volume(self, volume: float) -> None:
        for sound in (self._playing, self._queued):
            if sound is not None:
                sound.set_volume(volume)

    def play_effect(self, effect: Effect, volume: float) -> None:
        _, effects = self._channels()
        try:
            sound = self._sounds[effect]
            sound.set_volume(volume)
            effects.play(sound)
        except pygame.error as exc:
            raise AudioDeviceError(f"cannot play the {effect.value}: {exc}") from exc


def _sound(wav: bytes) -> pygame.mixer.Sound:
    """A sound from WAV bytes: the samples as they are when they match the mixer's format
    (espeak-ng's always do), else through SDL's own WAV loader, which converts them."""
    try:
        frames = wav_frames(wav)
    except ValueError:
        frames = None
    mixer = pygame.mixer.get_init()
    if frames is not None and mixer == (frames.rate, -16, frames.channels):
        return pygame.mixer.Sound(buffer=frames.data)
    return pygame.mixer.Sound(file=io.BytesIO(wav))


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
