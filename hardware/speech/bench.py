"""Tap to start of speech: how long from `say()` until the phrase starts playing.

Targets (issue #13): a cached phrase ≤ 50 ms, an uncached one ≤ 300 ms, at p99. "Start" is
the moment the mixer was handed the sound; the sound card adds its buffer on top (512 samples,
about 23 ms at 22050 Hz, `audio_out.BUFFER_SAMPLES`).

    from hardware.speech.bench import bench_tap_to_speech, format_tap_to_speech
    print(format_tap_to_speech(bench_tap_to_speech()))
"""

from __future__ import annotations

import math
import queue
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hardware.speech.cache import Phrasebook, PhraseCache
from hardware.speech.engine import EspeakEngine
from hardware.speech.events import AudioFault, SpeechEvent, SpeechFailed, SpeechStarted
from hardware.speech.voice import Voice

CACHED_TARGET_S = 0.050
UNCACHED_TARGET_S = 0.300
SHORT_PHRASE = ("지금 도움이 필요해요. 세 개 중 두 번째", "ko")  # a focus change on a button
CARD_PHRASE = (
    "미래막막증 처방. 오늘 하루는 내일 걱정을 잠시 내려놓고, 좋아하는 노래 한 곡을 끝까지 "
    "들어 보세요. 마음이 무거울 때는 공 이, 일 이 공으로 전화하신 뒤, 오 번을 누르세요.",
    "ko",
)  # a prescription card read aloud: the longest thing the voice says


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0 … 1) by nearest rank; ValueError for no values."""
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    rank = math.ceil(q * len(ordered) - 1e-9)  # the smallest value with q of them at or below
    return ordered[min(len(ordered), max(1, rank)) - 1]


@dataclass(frozen=True)
class Latency:
    label: str
    samples: int
    p50_s: float
    p99_s: float
    max_s: float
    target_s: float

    @classmethod
    def of(cls, label: str, seconds: Sequence[float], target_s: float) -> Latency:
        return cls(
            label, len(seconds), percentile(seconds, 0.5), percentile(seconds, 0.99),
            max(seconds), target_s,
        )  # fmt: skip

    @property
    def met(self) -> bool:
        return self.p99_s <= self.target_s


def measure_tap_to_speech(
    say: Callable[[str, str], None],
    started: Callable[[], float],
    text: str,
    lang: str,
    *,
    samples: int,
    clock: Callable[[], float],
    before_each: Callable[[], None] = lambda: None,
) -> list[float]:
    """Seconds from `say(text, lang)` to `started()` (which blocks until the voice reports
    the start, and returns the clock reading taken then), `samples` times."""
    out = []
    for _ in range(samples):
        before_each()
        asked = clock()
        say(text, lang)
        out.append(started() - asked)
    return out


def bench_tap_to_speech(
    *,
    samples: int = 30,
    program: str = "espeak-ng",
    clock: Callable[[], float] = time.perf_counter,
    timeout_s: float = 10.0,
) -> list[Latency]:
    """Real espeak-ng, a fresh cache in a temporary folder, pygame's mixer (run it with
    SDL_AUDIODRIVER=dummy on a machine without sound). Raises RuntimeError when the voice
    cannot speak at all."""
    starts: queue.SimpleQueue[float | SpeechEvent] = queue.SimpleQueue()

    def emit(event: SpeechEvent) -> None:
        starts.put(clock() if isinstance(event, SpeechStarted) else event)

    def started() -> float:
        while True:
            got = starts.get(timeout=timeout_s)
            if isinstance(got, float):
                return got
            if isinstance(got, AudioFault | SpeechFailed):
                raise RuntimeError(f"the voice cannot speak: {got.error}")

    with tempfile.TemporaryDirectory(prefix="maeum-speech-bench-") as folder:
        book = Phrasebook(EspeakEngine(program), PhraseCache(Path(folder), 64 * 1024 * 1024))
        voice = Voice(book, emit)
        voice.start()
        try:
            results = []
            for label, (text, lang) in (("button", SHORT_PHRASE), ("card", CARD_PHRASE)):
                uncached, cached = _both_ways(voice, book, started, text, lang, samples, clock)
                results.append(Latency.of(f"{label}, cached", cached, CACHED_TARGET_S))
                results.append(Latency.of(f"{label}, uncached", uncached, UNCACHED_TARGET_S))
        finally:
            voice.close()
    return results


def _both_ways(
    voice: Voice,
    book: Phrasebook,
    started: Callable[[], float],
    text: str,
    lang: str,
    samples: int,
    clock: Callable[[], float],
) -> tuple[list[float], list[float]]:
    """(uncached, cached) timings of one phrase: the first set forgets it before each say."""
    key = book.key(text, lang, voice.speed)

    def forget() -> None:
        book.cache.discard(key)

    def run(n: int, before: Callable[[], None]) -> list[float]:
        return measure_tap_to_speech(
            voice.say, started, text, lang, samples=n, clock=clock, before_each=before
        )

    run(2, forget)  # warm-up: the engine's files into the page cache
    return run(samples, forget), run(samples, lambda: None)


def format_tap_to_speech(results: Sequence[Latency]) -> str:
    ms = 1000.0
    lines = ["Tap to start of speech (say() → mixer playing; espeak-ng, fresh cache):"]
    for r in results:
        verdict = "ok" if r.met else "OVER TARGET"
        lines.append(
            f"  {r.label:<18} p50 {r.p50_s * ms:6.1f} ms, p99 {r.p99_s * ms:6.1f} ms, "
            f"max {r.max_s * ms:6.1f} ms  (target p99 ≤ {r.target_s * ms:.0f} ms: {verdict}; "
            f"{r.samples} samples)"
        )
    return "\n".join(lines)
