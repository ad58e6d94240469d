"""Tap to start of speech on the path a visit really takes, for `python main.py bench`.

The kiosk as `run` builds it (`build_runtime`), voice guidance on, the real voice (espeak-ng, the
phrase cache, pygame's mixer; SDL_AUDIODRIVER=dummy on a machine without sound): a key press
goes into `App.feed`, the frame rebuilds the page, the voice guide picks the words and the voice
starts them. Measured from the key press to the voice's `SpeechStarted` (the mixer was handed
the sound; the sound card adds its buffer, about 23 ms, on top).

- a focus move ("다음" key): the button's name and its place, a few words;
- the prescription screen entered again (back from help): title, the whole card, the focused
  button, about 30 s of words;
- the help screen: every help line with its numbers digit by digit, about 40 s of words.

Each cached (said once before) and uncached (the phrase cache emptied before each press).
Targets (issue #13): cached ≤ 50 ms, uncached ≤ 300 ms at p99.
"""

from __future__ import annotations

import queue
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from hardware.speech import build_speech
from hardware.speech.bench import CACHED_TARGET_S, UNCACHED_TARGET_S, Latency
from hardware.speech.events import AudioFault, SpeechEvent, SpeechFailed, SpeechStarted
from kiosk.shell.config import KioskConfig
from kiosk.shell.input import Nav
from kiosk.shell.runtime import build_runtime
from kiosk.visit.flow import Mode, Screen, ToggleMode

WAIT_S = 15.0


def bench_visit_speech(
    samples: int = 20, clock: Callable[[], float] = time.perf_counter
) -> list[Latency]:
    """Raises RuntimeError when the voice cannot speak here (no espeak-ng, no audio)."""
    # The makers of a phrase cut off may still be writing to the cache as it is removed.
    with tempfile.TemporaryDirectory(
        prefix="maeum-bench-speech-", ignore_cleanup_errors=True
    ) as folder:
        config = replace(KioskConfig(), data_dir=Path(folder))
        rt = build_runtime(config, 0.0, seed=1)
        app, session = rt.app, rt.session
        starts: queue.SimpleQueue[float | SpeechEvent] = queue.SimpleQueue()

        def emit(event: SpeechEvent) -> None:
            starts.put(clock() if isinstance(event, SpeechStarted) else event)
            rt.inbox.post(event)

        speech = build_speech(config.speech, Path(folder), emit=emit)
        speech.start()
        app.voice.attach(speech.voice)
        now = 1.0

        def press(nav: Nav) -> float:
            """The key press, and the frame after it, as the loop does them; the latency."""
            nonlocal now
            now += 1.0
            while not starts.empty():  # what earlier presses reported
                starts.get_nowait()
            asked = clock()
            app.feed(nav, now)
            app.take_inbox(now)
            app.refresh(now)
            while True:
                got = starts.get(timeout=WAIT_S)
                if isinstance(got, float):
                    return got - asked
                if isinstance(got, AudioFault | SpeechFailed):
                    raise RuntimeError(f"the voice cannot speak: {got.error}")

        def run(
            label: str, before: Nav | None, measured: Nav, after: Nav | None, cached: bool
        ) -> Latency:
            """`samples` presses of `measured`, each between `before` and `after` (not
            measured; they bring the visit back to where it was)."""
            taken = []
            for n in range(samples + 1):  # the first round is not counted: it fills the cache
                if before is not None:
                    press(before)
                if not cached and n:
                    speech.phrasebook.cache.clear()
                took = press(measured)
                if n:
                    taken.append(took)
                if after is not None:
                    press(after)
            target = CACHED_TARGET_S if cached else UNCACHED_TARGET_S
            return Latency.of(f"{label}, {'cached' if cached else 'uncached'}", taken, target)

        try:
            session.handle(ToggleMode(Mode.VOICE), now)
            app.refresh(now)
            for nav in (Nav.SELECT, Nav.SELECT, Nav.SELECT, Nav.SELECT, Nav.SELECT):
                press(nav)  # attract → symptom → mood (three answers) → prescription
            if session.state.screen is not Screen.PRESCRIPTION:
                raise RuntimeError(f"the visit did not reach the card ({session.state.screen})")
            results = []
            for cached in (True, False):
                results.append(run("focus move", None, Nav.NEXT, Nav.PREVIOUS, cached))
                results.append(run("card screen", Nav.HELP, Nav.BACK, None, cached))
                results.append(run("help screen", None, Nav.HELP, Nav.BACK, cached))
        finally:
            speech.close()
            rt.close()
    return results


def format_visit_speech(results: list[Latency]) -> list[str]:
    ms = 1000.0
    lines = ["Tap to start of speech, as a visit does it (key → App → voice guide → voice):"]
    for r in results:
        verdict = "ok" if r.met else "OVER TARGET"
        lines.append(
            f"  {r.label:<24} p50 {r.p50_s * ms:6.1f} ms, p99 {r.p99_s * ms:6.1f} ms, "
            f"max {r.max_s * ms:6.1f} ms  (target p99 ≤ {r.target_s * ms:.0f} ms: {verdict}; "
            f"{r.samples} samples)"
        )
    return lines
