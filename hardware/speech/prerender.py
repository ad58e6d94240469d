"""The pre-renderer: a worker that fills the phrase cache ahead of time.

Feed it the fixed strings of the screens and the text of every card once the content is
checked; by the time a visitor turns voice on, most phrases play straight from the cache.

    pre = Prerenderer(phrasebook, emit)
    pre.start()
    pre.submit([("지금 도움이 필요해요", "ko"), ("I need help now", "en")], speed=1.0)

For each batch it emits one `SpeechReady` per phrase it made, one `SpeechFailed` per phrase it
could not make, and a closing `PrerenderDone` with the counts. A missing engine or an unusable
cache stops the batch at the first phrase (one failure reported, the rest counted as failed):
three hundred identical errors help nobody. A cache nearly full stops the batch too: going on
would push out the phrases made first, which are the ones needed most (the batch is in the
order of need), so the rest is made when first used.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hardware.speech.cache import Phrasebook
from hardware.speech.errors import CacheError, EngineMissing, SpeechError
from hardware.speech.events import Emit, PrerenderDone, SpeechFailed, SpeechReady, emit_safely

_log = logging.getLogger(__name__)

FULL_SHARE = 0.9  # the share of the cache's bound past which pre-rendering stops


@dataclass(frozen=True)
class _Batch:
    phrases: tuple[tuple[str, str], ...]
    speed: float


class Prerenderer:
    """One worker thread rendering batches of (text, lang) in the order they were submitted."""

    def __init__(
        self, phrasebook: Phrasebook, emit: Emit, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._book = phrasebook
        self._emit = emit
        self._clock = clock
        self._batches: queue.SimpleQueue[_Batch | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="speech-prerender", daemon=True)
            self._thread.start()

    def submit(self, phrases: Iterable[tuple[str, str]], speed: float = 1.0) -> None:
        """Queue (text, lang) pairs; blank texts and repeats are dropped. Returns at once."""
        seen: dict[tuple[str, str], None] = {}
        for text, lang in phrases:
            if text.strip():
                seen.setdefault((text, lang), None)
        self._batches.put(_Batch(tuple(seen), speed))

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop after the phrase in hand (a phrase is bounded by the engine's timeout)."""
        if self._thread is not None:
            self._stopping.set()
            self._batches.put(None)
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        while (batch := self._batches.get()) is not None and not self._stopping.is_set():
            try:
                self._render(batch)
            except Exception:  # a bug here must not end pre-rendering for good
                _log.exception("speech: pre-render batch failed")

    def _render(self, batch: _Batch) -> None:
        started = self._clock()
        rendered = cached = failed = left_out = 0
        cache = self._book.cache
        last = 0  # the size of the phrase made last: the next one is taken to be as big
        for index, (text, lang) in enumerate(batch.phrases):
            if self._stopping.is_set():
                return  # shutting down: no summary for a batch cut short
            before = cache.total_bytes
            if before + last > FULL_SHARE * cache.max_bytes:
                left_out = len(batch.phrases) - index
                _log.warning(
                    "speech: the phrase cache is nearly full (%d MB): %d phrases are left to "
                    "be made on first use; raise [speech] cache_mb",
                    cache.total_bytes // (1024 * 1024),
                    left_out,
                )
                break
            try:
                if self._book.prerender(text, lang, batch.speed):
                    last = max(0, cache.total_bytes - before)
                    rendered += 1
                    emit_safely(self._emit, SpeechReady(text, lang, batch.speed))
                else:
                    cached += 1
            except (EngineMissing, CacheError) as exc:
                _log.warning("speech: pre-render stopped: %s", exc)
                emit_safely(self._emit, SpeechFailed(text, lang, exc))
                failed += len(batch.phrases) - index
                break
            except SpeechError as exc:
                _log.warning("speech: cannot pre-render %r (%s): %s", text[:40], lang, exc)
                emit_safely(self._emit, SpeechFailed(text, lang, exc))
                failed += 1
        done = PrerenderDone(
            total=len(batch.phrases),
            rendered=rendered,
            already_cached=cached,
            failed=failed,
            seconds=self._clock() - started,
            left_out=left_out,
        )
        _log.info(
            "speech: pre-rendered %d phrases (%d new, %d cached, %d failed) in %.1f s",
            done.total,
            rendered,
            cached,
            failed,
            done.seconds,
        )
        emit_safely(self._emit, done)
