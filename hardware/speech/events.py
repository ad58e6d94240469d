"""What the speech workers report: small typed events for the kiosk's single inbox.

Every worker takes an `emit(event)` callable. It is called from the worker's own thread, so it
must be thread-safe and must not block (a `queue.SimpleQueue.put` is both). An exception raised
by `emit` is logged and otherwise ignored: a broken inbox must not kill the voice.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from hardware.speech.errors import AudioDeviceError, SpeechError

_log = logging.getLogger(__name__)


class Route(enum.Enum):
    """Where sound goes. With an earphone plugged in, the speaker stays silent."""

    SPEAKER = "speaker"
    EARPHONE = "earphone"
    SILENT = "silent"  # no earphone and the speaker is switched off in the settings


@dataclass(frozen=True)
class SpeechStarted:
    """A phrase started playing (`from_cache`: no synthesis was needed). `duration_s` lets
    the kiosk hold its inactivity timer while the voice is still reading."""

    text: str
    lang: str
    from_cache: bool
    duration_s: float
    # The rest of an utterance whose first phrase is already playing (it was being made
    # meanwhile): `duration_s` is then how long the voice goes on from now.
    continued: bool = False


@dataclass(frozen=True)
class SpeechReady:
    """The pre-renderer put a phrase into the cache."""

    text: str
    lang: str
    speed: float


@dataclass(frozen=True)
class SpeechFailed:
    """A phrase could not be spoken or pre-rendered; `error` says why."""

    text: str
    lang: str
    error: SpeechError


@dataclass(frozen=True)
class PrerenderDone:
    """A pre-render batch is finished. `rendered + already_cached + failed + left_out ==
    total`; `left_out`: not made because the cache was nearly full (they are made on use)."""

    total: int
    rendered: int
    already_cached: int
    failed: int
    seconds: float
    left_out: int = 0


@dataclass(frozen=True)
class AudioFault:
    """No sound can be played any more; speech is a no-op until the output is reopened
    (a change of route retries it)."""

    error: AudioDeviceError


@dataclass(frozen=True)
class OutputRouted:
    """Sound now goes to `route` (an earphone was plugged in or pulled out)."""

    route: Route


SpeechEvent = SpeechStarted | SpeechReady | SpeechFailed | PrerenderDone | AudioFault | OutputRouted
Emit = Callable[[SpeechEvent], None]


def emit_safely(emit: Emit, event: SpeechEvent) -> None:
    """Report an event; a failing inbox is logged, never raised into a worker."""
    try:
        emit(event)
    except Exception:
        _log.exception("speech: could not report %s", type(event).__name__)
