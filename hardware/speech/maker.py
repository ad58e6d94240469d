"""The voice's synthesis thread: makes the phrases that are not in the cache, newest request
only, and hands what it made to the output thread.

An utterance of several phrases: the first is made alone, first, and handed over at once (the
visitor hears the screen's title while the rest is made); the rest is made several phrases at
a time and follows it without a gap. A request that has a successor waiting is dropped; a
rest still being made when a newer request comes is left to finish into the cache, and the
newer request is not kept waiting behind it.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait

from hardware.speech.cache import MAKERS, Phrasebook, Spoken
from hardware.speech.errors import SpeechError, SynthesisFailed
from hardware.speech.requests import Made, Say
from hardware.speech.wav import join_wavs

_log = logging.getLogger(__name__)

POLL_S = 0.02  # how soon a newer request is noticed while the rest of an utterance is made


def join(request: Say, wavs: list[bytes]) -> bytes:
    """The request's phrases as one WAV, with its lead of silence."""
    if len(wavs) == 1 and not request.lead_s:
        return wavs[0]
    try:
        return join_wavs(wavs, lead_s=request.lead_s)
    except ValueError as exc:  # an engine whose phrases differ in rate: a setup mistake
        raise SynthesisFailed(f"phrases cannot be joined: {exc}") from exc


class Maker:
    def __init__(
        self,
        phrasebook: Phrasebook,
        deliver: Callable[[Made], None],
        is_current: Callable[[int], bool],
        failed: Callable[[Say, SpeechError], None],
    ) -> None:
        self._book = phrasebook
        self._deliver = deliver
        self._is_current = is_current
        self._failed = failed
        self._requests: queue.SimpleQueue[Say | None] = queue.SimpleQueue()
        # Makes the rest of an utterance, several phrases at once, while its first one plays.
        self._pool = ThreadPoolExecutor(max_workers=MAKERS, thread_name_prefix="speech-part")

    def put(self, request: Say) -> None:
        self._requests.put(request)

    def stop(self) -> None:
        self._requests.put(None)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def run(self) -> None:
        while (request := self._requests.get()) is not None:
            newest = self._newest(request)
            if newest is None:
                return
            if not self._is_current(newest.generation):
                continue
            try:
                self._make(newest)
            except SpeechError as exc:
                self._failed(newest, exc)
            except Exception:
                _log.exception("speech: synthesis thread error on %r", newest)

    def _make(self, request: Say) -> None:
        if request.tail or len(request.phrases) == 1:
            wavs, from_cache = self._book.render_all(request.phrases, request.speed)
            spoken = Spoken(join(request, wavs), from_cache)
            self._deliver(Made(request, spoken, "tail" if request.tail else "whole"))
            return
        text, lang = request.phrases[0]
        head = self._book.render(text, lang, request.speed)
        self._deliver(Made(request, Spoken(join(request, [head.wav]), head.from_cache), "head"))
        if not self._is_current(request.generation):
            return
        rest = Say(request.generation, request.phrases[1:], request.speed, tail=True)
        try:
            made = [
                self._pool.submit(self._book.render, text, lang, rest.speed)
                for text, lang in rest.phrases
            ]
        except RuntimeError:  # the pool was shut down meanwhile: the voice is closing
            return
        if not self._wait_while_current(rest, made):
            return  # a newer request waits: the phrases being made are cached for next time
        done = [future.result() for future in made]  # raises the first SpeechError
        wav = join(rest, [spoken.wav for spoken in done])
        self._deliver(Made(rest, Spoken(wav, all(d.from_cache for d in done)), "tail"))

    def _wait_while_current(self, request: Say, made: list[Future[Spoken]]) -> bool:
        """Until every phrase is made (True), or a newer request came (False: what has not
        started is dropped, so the newer one is not kept waiting behind it)."""
        while True:
            _, pending = wait(made, timeout=POLL_S, return_when=FIRST_EXCEPTION)
            if any(f.cancelled() for f in made):
                return False  # the voice is closing
            if not pending or any(f.done() and f.exception() for f in made):
                return True
            if not self._is_current(request.generation):
                for future in pending:
                    future.cancel()
                return False

    def _newest(self, request: Say) -> Say | None:
        """Skip requests that already have a successor waiting in the queue."""
        while True:
            try:
                later = self._requests.get_nowait()
            except queue.Empty:
                return request
            if later is None:
                return None
            request = later
