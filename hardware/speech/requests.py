"""What the voice's threads pass each other: requests to say, phrases made, stops, volume,
reroutes; and the small rules the voice runs on (the route for an earphone, volume and speed
steps). Plain data, no threads."""

from __future__ import annotations

from dataclasses import dataclass

from hardware.speech.audio_out import Effect
from hardware.speech.cache import Phrase, Spoken
from hardware.speech.events import Route
from hardware.speech.settings import SPEED_STEPS, VOLUME_STEPS

__all__ = ["SPEED_STEPS", "VOLUME_STEPS", "route_for", "step"]


def route_for(earphone_present: bool, speaker_enabled: bool) -> Route:
    """An earphone takes all the sound; without one, the speaker, if it may talk."""
    if earphone_present:
        return Route.EARPHONE
    return Route.SPEAKER if speaker_enabled else Route.SILENT


def step(levels: tuple[float, ...], current: float, direction: int) -> float:
    """The next level up (direction > 0) or down from `current`, staying within `levels`."""
    if direction > 0:
        return next((v for v in levels if v > current + 1e-9), levels[-1])
    return next((v for v in reversed(levels) if v < current - 1e-9), levels[0])


@dataclass(frozen=True)
class Say:
    generation: int
    phrases: tuple[Phrase, ...]
    speed: float
    lead_s: float = 0.0
    tail: bool = False  # the rest of an utterance whose first phrase is already playing

    @property
    def text(self) -> str:
        return " ".join(text for text, _ in self.phrases)

    @property
    def lang(self) -> str:
        return self.phrases[0][1]


@dataclass(frozen=True)
class Made:
    request: Say
    spoken: Spoken
    # "whole"; or "head" (the first phrase, played while the rest is made) and "tail" (the
    # rest, played right after the head).
    part: str = "whole"


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class Volume:
    volume: float


@dataclass(frozen=True)
class Reroute:
    route: Route


Command = Say | Made | Stop | Volume | Reroute | Effect
