"""The kiosk's voice: `say(text, lang)` returns at once; the words follow the focus.

Two threads of its own, so that nothing here can hold up a frame:

- "speech-out" owns the audio output. A `say` stops the phrase playing, and plays the new one
  straight from the cache when it is there. The click and the chime play here too.
- "speech-make" synthesises phrases that are not cached. Only the newest request matters: one
  still waiting when a newer `say` comes is dropped; one already being made finishes (it is
  cached for next time) but is not played. An utterance of several phrases (`say_all`) starts
  with its first phrase and queues the rest behind it, made a few at a time while it plays.

Every `say`, `stop` and change of route starts a new "generation"; a phrase plays only if its
generation is still the newest when it is ready. Failures become events (`SpeechFailed`,
`AudioFault`), never exceptions in the caller's thread. A dead output makes speech a no-op
until a change of route opens the output again.

Resting: after `[speech] rest_after_s` of silence the output is closed (an open mixer mixes
silence all the time: about 0.2 % of a core, the whole idle budget of the attract screen) and
opened again for the next sound, which then starts a few milliseconds later.

Routing (the barrier-free rule: with an earphone plugged in, the speaker stays silent): the
kiosk tells the voice about the earphone (`set_earphone`, from a GPIO jack switch or ALSA jack
detection); the voice works out the route (`route_for`), stops the phrase playing, calls the
`switch_output(route)` hook (for an `amixer` switch or an amplifier's mute pin), reopens the
output on the route's device when the settings name a different one, and reports
`OutputRouted`. If the hook fails, the voice goes silent rather than risk the speaker.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from hardware.speech.audio_out import AudioOut, Effect, PygameAudioOut
from hardware.speech.cache import Phrase, Phrasebook, Spoken
from hardware.speech.engine import clamp_speed
from hardware.speech.errors import AudioDeviceError, SpeechError
from hardware.speech.events import (
    AudioFault,
    Emit,
    OutputRouted,
    Route,
    SpeechEvent,
    SpeechFailed,
    SpeechStarted,
    emit_safely,
)
from hardware.speech.maker import Maker, join
from hardware.speech.requests import (
    SPEED_STEPS,
    VOLUME_STEPS,
    Command,
    Made,
    Reroute,
    Say,
    Stop,
    Volume,
    route_for,
    step,
)
from hardware.speech.settings import SpeechSettings

_log = logging.getLogger(__name__)

EFFECT_S = 1.0  # the click and the chime are over within this


class Voice:
    """Speech, clicks and the chime, for one kiosk. Start it, then call from any thread."""

    def __init__(
        self,
        phrasebook: Phrasebook,
        emit: Emit,
        *,
        settings: SpeechSettings | None = None,
        audio: AudioOut | None = None,
        switch_output: Callable[[Route], None] | None = None,
    ) -> None:
        self._settings = settings or SpeechSettings()
        self._book = phrasebook
        self._emit = emit
        self._audio: AudioOut = audio if audio is not None else PygameAudioOut()
        self._switch_output = switch_output
        self._lock = threading.Lock()
        self._generation = 0
        self._volume = min(1.0, max(0.0, self._settings.volume))
        self._speed = clamp_speed(self._settings.speed)
        self.clicks_enabled = self._settings.clicks  # the kiosk may switch these at any time
        self.chime_enabled = self._settings.chime
        self._earphone = False
        self._route = route_for(False, self._settings.speaker)
        self._audio_ok = False  # set by the output thread once the device is open
        self._commands: queue.SimpleQueue[Command | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._last_logged = ""
        self._head_ends = 0.0  # monotonic time the phrase playing ends (output thread only)
        self._quiet_from = 0.0  # monotonic time every sound started so far has ended
        self._resting = False  # the output is closed for silence, and opens for the next sound
        self.rested = threading.Event()  # set while resting (for the bench and the tests)
        self._maker = Maker(phrasebook, self._commands.put, self._is_current, self._failed)

    # --- life --------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the output and start the two threads. A dead device is reported as
        `AudioFault`, not raised."""
        if self._threads:
            return
        self._commands.put(Reroute(self._route))  # opens the output for the first route
        self._threads = [
            threading.Thread(target=self._output_loop, name="speech-out", daemon=True),
            threading.Thread(target=self._maker.run, name="speech-make", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop speaking and end the threads (a phrase being made may take up to the
        engine's timeout; the thread is a daemon, so the kiosk's exit never waits on it)."""
        self._next_generation()
        self._commands.put(None)
        self._maker.stop()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads = []

    # --- what the kiosk calls (any thread; each returns at once) -----------------------------

    def say(self, text: str, lang: str) -> None:
        """Speak `text`, cutting off whatever is being said. Empty text just stops."""
        self.say_all([(text, lang)])

    def say_all(self, phrases: Sequence[Phrase], *, lead_s: float = 0.0) -> None:
        """Speak the phrases one after another as one sound, cutting off whatever is being
        said. Each phrase is cached on its own, so a screen's title, a card and a button's
        name are made once each and joined when spoken. `lead_s`: silence first (after the
        chime). Blank phrases are left out; none at all just stops."""
        kept = tuple((text, lang) for text, lang in phrases if text.strip())
        with self._lock:
            self._generation += 1
            request = Say(self._generation, kept, self._speed, lead_s)
        self._commands.put(request if kept else Stop())

    def stop(self) -> None:
        """Silence now (the visitor left, or the screen changed with nothing to say)."""
        self._next_generation()
        self._commands.put(Stop())

    def click(self) -> None:
        """The soft tick that confirms a tap (when clicks are on)."""
        if self.clicks_enabled:
            self._commands.put(Effect.CLICK)

    def chime(self) -> None:
        """The soft chime of the "more time?" prompt (when the chime is on)."""
        if self.chime_enabled:
            self._commands.put(Effect.CHIME)

    @property
    def volume(self) -> float:
        return self._volume

    def set_volume(self, volume: float) -> None:
        """0.0 … 1.0; applies to the phrase playing now, too."""
        with self._lock:
            self._volume = min(1.0, max(0.0, volume))
            self._commands.put(Volume(self._volume))

    def volume_step(self, direction: int) -> float:
        """One step louder (+1) or quieter (-1) among `VOLUME_STEPS`; the new volume."""
        self.set_volume(step(VOLUME_STEPS, self._volume, direction))
        return self._volume

    @property
    def speed(self) -> float:
        return self._speed

    def set_speed(self, speed: float) -> None:
        """0.75× … 1.5×, for the next phrase (the kiosk may `say` the current one again)."""
        with self._lock:
            self._speed = clamp_speed(speed)

    def speed_step(self, direction: int) -> float:
        self.set_speed(step(SPEED_STEPS, self._speed, direction))
        return self._speed

    @property
    def route(self) -> Route:
        return self._route

    @property
    def earphone_present(self) -> bool:
        return self._earphone

    def set_earphone(self, present: bool) -> None:
        """The earphone jack's state changed (call from the GPIO or ALSA watcher)."""
        with self._lock:
            self._earphone = present
            route = route_for(present, self._settings.speaker)
            if route is self._route:
                return
            self._route = route
            self._generation += 1
        self._commands.put(Reroute(route))

    # --- the output thread -------------------------------------------------------------------

    def _output_loop(self) -> None:
        rest_after = self._settings.rest_after_s
        while True:
            resting_possible = rest_after > 0 and self._audio_ok and not self._resting
            try:
                command = self._commands.get(timeout=rest_after if resting_possible else None)
            except queue.Empty:
                self._rest()
                continue
            if command is None:
                break
            try:
                self._handle(command)
            except AudioDeviceError as exc:
                self._fault(exc)
            except Exception:  # a bug must not silence the kiosk for good
                _log.exception("speech: output thread error on %r", command)
        self._audio.close()

    def _rest(self) -> None:
        """Silence for a while: close the output until the next sound."""
        if self._route is Route.SILENT or time.monotonic() < self._quiet_from:
            return  # nothing is open, or something still plays
        self._audio.close()
        self._resting = True
        self.rested.set()
        _log.debug("speech: output closed while all is quiet")

    def _handle(self, command: Command) -> None:
        if isinstance(command, Reroute):
            self._reroute(command.route)
            return
        if not self._audio_ok or self._route is Route.SILENT:
            return  # no sound: a no-op, already reported
        if self._resting:
            if isinstance(command, Stop | Volume):
                return  # nothing plays while resting; the volume applies to the next sound
            if not self._wake():
                return
        if isinstance(command, Say):
            self._start_saying(command)
        elif isinstance(command, Made):
            if not self._is_current(command.request.generation):
                return
            if command.part == "tail":
                self._play_next(command.request, command.spoken)
            else:
                self._play(command.request, command.spoken)
        elif isinstance(command, Stop):
            self._audio.stop_speech()
        elif isinstance(command, Volume):
            self._audio.set_volume(command.volume)
        else:
            self._audio.play_effect(command, self._volume)
            self._quiet_until(EFFECT_S)

    def _wake(self) -> bool:
        """Open the resting output again for a sound; False (and a fault) if it will not."""
        try:
            self._audio.open(self._device_for(self._route))
        except AudioDeviceError as exc:
            self._awake()
            self._fault(exc)
            return False
        self._awake()
        return True

    def _awake(self) -> None:
        self._resting = False
        self.rested.clear()

    def _quiet_until(self, seconds: float) -> None:
        self._quiet_from = max(self._quiet_from, time.monotonic() + seconds)

    def _device_for(self, route: Route) -> str:
        if route is Route.EARPHONE and self._settings.earphone_device:
            return self._settings.earphone_device
        return self._settings.speaker_device

    def _start_saying(self, request: Say) -> None:
        if not self._is_current(request.generation):
            return  # a newer request is already queued behind this one
        self._audio.stop_speech()
        try:
            text, lang = request.phrases[0]
            first = self._book.cached(text, lang, request.speed)
            if first is None:
                self._maker.put(request)
                return
            # The first phrase plays at once; the others are read from the cache (or made)
            # while it plays, and follow it without a gap.
            self._play(request, Spoken(join(request, [first]), from_cache=True))
            if len(request.phrases) == 1:
                return
            rest = Say(request.generation, request.phrases[1:], request.speed, tail=True)
            cached = self._book.cached_all(rest.phrases, rest.speed)
            if cached is None:
                self._maker.put(rest)
            else:
                self._play_next(rest, Spoken(join(rest, cached), from_cache=True))
        except SpeechError as exc:  # no voice for this language
            self._failed(request, exc)

    def _play(self, request: Say, spoken: Spoken) -> None:
        duration = self._audio.play_speech(spoken.wav, self._volume)
        self._head_ends = time.monotonic() + duration
        self._quiet_until(duration)
        self._report(SpeechStarted(request.text, request.lang, spoken.from_cache, duration))

    def _play_next(self, rest: Say, spoken: Spoken) -> None:
        length = self._audio.queue_speech(spoken.wav, self._volume)
        left = max(0.0, self._head_ends - time.monotonic())
        self._quiet_until(left + length)
        self._report(SpeechStarted(rest.text, rest.lang, spoken.from_cache, left + length, True))

    def _reroute(self, route: Route) -> None:
        if self._audio_ok:
            self._audio.stop_speech()
        try:
            if self._switch_output is not None:
                self._switch_output(route)
        except Exception as exc:
            # Unsure where sound would go: stay silent rather than talk through the speaker.
            self._fault(AudioDeviceError(f"cannot switch the output to {route.value}: {exc}"))
            return
        if route is not Route.SILENT:
            self._audio.open(self._device_for(route))  # reopens only when the device changes
            self._audio_ok = True
            self._awake()
        _log.info("speech: output routed to %s", route.value)
        self._report(OutputRouted(route))

    def _fault(self, error: AudioDeviceError) -> None:
        self._audio_ok = False
        _log.error("speech: audio output is dead, the voice is off: %s", error)
        self._report(AudioFault(error))

    # --- shared ------------------------------------------------------------------------------

    def _next_generation(self) -> None:
        with self._lock:
            self._generation += 1

    def _is_current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation

    def _failed(self, request: Say, error: SpeechError) -> None:
        message = f"{type(error).__name__}: {error}"
        if message != self._last_logged:  # a missing engine would say so on every tap
            _log.warning("speech: cannot say %r (%s): %s", request.text[:40], request.lang, message)
            self._last_logged = message
        self._report(SpeechFailed(request.text, request.lang, error))

    def _report(self, event: SpeechEvent) -> None:
        emit_safely(self._emit, event)


__all__ = ["SPEED_STEPS", "VOLUME_STEPS", "Voice", "route_for", "step"]
