"""The voice guide: what the visitor hears, on the UI thread, never waiting for a sound.

With voice guidance on (`Mode.VOICE` in the visit's modes) it says each screen on entry and
each element the focus moves to, the "more time?" prompt and its countdown; a newer utterance
cuts off an older one (the voice's own rule). With voice off it is silent, except for the soft
tick that confirms a tap or key and the prompt's chime (both switched in `[speech]`).

The sound itself is the `Speaker` (`hardware.speech.voice.Voice`): its threads make and play the
phrases and report through the kiosk's inbox; those reports come back here (`deliver`). The
speaker joins in the background after the first frame (`attach`); until then the guide still
decides what it would say (the demo and the tests read `said`), and says the screen again once
the speaker is there.

A voice that cannot speak (no espeak-ng, a dead sound device) is a staff alert through
`on_problem` and a log line; the visit goes on without it.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from hardware.speech.errors import EngineMissing
from hardware.speech.events import (
    AudioFault,
    OutputRouted,
    PrerenderDone,
    Route,
    SpeechFailed,
    SpeechReady,
    SpeechStarted,
)
from hardware.speech.settings import SPEED_STEPS, VOLUME_STEPS
from kiosk.shell.config import KioskConfig
from kiosk.ui.i18n import Texts, Translations
from kiosk.visit.flow import FlowState, Mode
from kiosk.visit.screens.base import Named, Page, View
from kiosk.visit.voice import script
from kiosk.visit.voice.phrases import all_phrases
from kiosk.visit.voice.script import Phrase, Utterance
from prescriptions.model import Content

log = logging.getLogger(__name__)

KEEP_SAID = 200  # utterances kept for the tests, the demo and the bench

# What is wrong with the voice, for the staff alert (`staff.alert.audio_<code>`).
ENGINE_MISSING = "engine_missing"
DEVICE = "device"


class Speaker(Protocol):
    """The sound side (`hardware.speech.voice.Voice`); every call returns at once."""

    def say_all(self, phrases: Sequence[Phrase], *, lead_s: float = 0.0) -> None: ...

    def stop(self) -> None: ...

    def click(self) -> None: ...

    def chime(self) -> None: ...

    def volume_step(self, direction: int) -> float: ...

    def speed_step(self, direction: int) -> float: ...

    def set_earphone(self, present: bool) -> None: ...


@dataclass(frozen=True)
class Said:
    """One utterance the guide asked for, and on which screen."""

    utterance: Utterance
    screen: str
    why: str  # "entry", "focus", "countdown", "volume", "speed"


Problem = Callable[[str | None, str], None]  # (code or None when it cleared, detail)


class VoiceGuide:
    def __init__(self, on_problem: Problem | None = None) -> None:
        self.speaker: Speaker | None = None
        self.on_problem = on_problem
        self.said: deque[Said] = deque(maxlen=KEEP_SAID)
        self.started: deque[SpeechStarted] = deque(maxlen=KEEP_SAID)
        self.problem: str | None = None
        self.prerendered = threading.Event()  # a pre-render batch finished (the bench waits)
        self.problem_detail = ""
        self.earphone = False
        # When the phrase playing ends (monotonic, the kiosk's clock): listening is not
        # inactivity, so the visit's timers start again from then (`flow.Listening`).
        self.speaking_until: float | None = None
        self._prerender: Callable[[Sequence[Phrase]], None] | None = None
        self._phrases_for: Callable[[], Sequence[Phrase]] | None = None
        self._voice_on = False
        self._screen_key: object = None
        self._focus_key: object = None
        self._prompting = False
        self._mark: int | None = None
        self._here: list[Said] = []
        self._volume_index = len(VOLUME_STEPS) - 1
        self._speed_index = SPEED_STEPS.index(1.0)

    # --- joining --------------------------------------------------------------------------------

    def attach(
        self, speaker: Speaker, prerender: Callable[[Sequence[Phrase]], None] | None = None
    ) -> None:
        """The sound joined (UI thread). The screen is said again at the next frame."""
        self.speaker = speaker
        self._prerender = prerender
        speaker.set_earphone(self.earphone)
        self._screen_key = None  # voice on: the current screen is said now that it can be
        if self._phrases_for is not None:
            self._submit()

    def prerender_when_ready(self, phrases: Callable[[], Sequence[Phrase]]) -> None:
        """Checked content arrived: fill the phrase cache with what it can say (now, or once
        the sound has joined)."""
        self._phrases_for = phrases
        if self._prerender is not None:
            self._submit()

    def _submit(self) -> None:
        """Listing every phrase of a content takes a few hundred milliseconds: never on the
        frame's thread. The pre-renderer's own thread then makes them."""
        prerender, phrases = self._prerender, self._phrases_for
        if prerender is None or phrases is None:
            return
        self._phrases_for = None

        def work() -> None:
            try:
                prerender(phrases())
            except Exception:  # pre-rendering is only a head start; the voice works without
                log.exception("voice: the phrases to pre-render could not be listed")

        threading.Thread(target=work, name="speech-phrases", daemon=True).start()

    # --- what the visitor sees, each frame ------------------------------------------------------

    @property
    def here(self) -> list[Said]:
        """What was said since the current screen was entered (the demo's .txt)."""
        return list(self._here)

    def observe(
        self,
        state: FlowState,
        page: Page,
        order: Sequence[Named],
        focus: int,
        view: Callable[[], View],
        ui: object = None,
    ) -> None:
        """After the page was (re)built: say what changed. Cheap when nothing did. `ui`: the
        screen's own state (the page of a long list): a new page of it is said like a new
        screen."""
        if state.prompting and not self._prompting and self.speaker is not None:
            self.speaker.chime()  # every visitor hears it, voice or not (if the chime is on)
        self._prompting = state.prompting
        screen_key = (
            state.screen,
            state.prompting,
            state.visit.answers,
            state.visit.mood_skipped,
            state.language,
            ui,
        )
        names = [b.name for b in order]
        focus_key = (focus % len(names), names[focus % len(names)]) if names else None
        voice_on = Mode.VOICE in state.access
        turned_on, self._voice_on = voice_on and not self._voice_on, voice_on
        if not voice_on:
            if self._screen_key is not None and self.speaker is not None:
                self.speaker.stop()  # switched off: silence at once
            self._screen_key = None
            self._here = []
            return
        if turned_on or screen_key != self._screen_key:
            v = view()
            words = script.entry(v, page, order, focus)
            if turned_on:
                words = script.switched_on(v.texts).then(words)
            self._here = []
            self._mark = script.seconds_left(v) if state.prompting else None
            self._say(words, state, "entry")
        elif focus_key != self._focus_key:
            self._say(script.focused(view().texts, order, focus), state, "focus")
        self._screen_key, self._focus_key = screen_key, focus_key

    def tick(self, state: FlowState, now: float, texts: Texts) -> None:
        """The prompt's countdown, said at its marks (the loop wakes on every second)."""
        if not (self._voice_on and state.prompting and self._mark is not None):
            return
        left = state.seconds_left(now)
        if left is None:
            return
        whole = -int(-left // 1)  # the number the prompt shows: seconds rounded up
        if whole < self._mark and whole in script.COUNTDOWN_SAID:
            self._mark = whole
            self._say(script.countdown(texts, whole), state, "countdown")

    def listening(self, now: float, due: float | None) -> bool:
        """Whether the visitor is to be counted as listening now: voice guidance is on, and
        its words are playing while a timer of the visit falls due (`due`), or they have just
        ended. Time spent listening is not inactivity."""
        if self.speaking_until is None:
            return False
        if now >= self.speaking_until:
            self.speaking_until = None
            return self._voice_on
        return self._voice_on and due is not None and due <= now

    def silence(self) -> None:
        """Staff mode took the screen, or the failsafe screen: stop, and say the screen again
        when the visit comes back."""
        if self.speaker is not None and self._screen_key is not None:
            self.speaker.stop()
        self._screen_key = None

    def _say(self, words: Utterance, state: FlowState, why: str) -> None:
        said = Said(words, state.screen.value, why)
        self.said.append(said)
        self._here.append(said)
        if self.speaker is not None:
            self.speaker.say_all(words.phrases, lead_s=words.lead_s)

    # --- the visitor's hands --------------------------------------------------------------------

    def confirm(self) -> None:
        """A tap on a button or a key press: the soft tick (when clicks are on)."""
        if self.speaker is not None:
            self.speaker.click()

    def step(self, what: str, delta: int, state: FlowState, texts: Texts) -> None:
        """One step of volume or speaking speed; said at the new level with voice on, else
        the tick at the new volume."""
        if self.speaker is None:
            return
        if what == "volume":
            level = self.speaker.volume_step(delta)
            self._volume_index = _nearest(VOLUME_STEPS, level)
            index, total, key = self._volume_index, len(VOLUME_STEPS), "voice.volume"
        else:
            speed = self.speaker.speed_step(delta)
            self._speed_index = _nearest(SPEED_STEPS, speed)
            index, total, key = self._speed_index, len(SPEED_STEPS), "voice.speed"
        if self._voice_on:
            self._say(script.level(texts, key, index, total), state, what)
        else:
            self.speaker.click()

    def earphone_changed(self, present: bool) -> bool:
        """The jack reported a plug; True when voice guidance should now be switched on."""
        self.earphone = present
        log.info("voice: earphone %s", "plugged in" if present else "pulled out")
        if self.speaker is not None:
            self.speaker.set_earphone(present)
        return present and not self._voice_on

    # --- what the sound side reports ------------------------------------------------------------

    def deliver(self, event: object, now: float) -> bool:
        """A speech event from the inbox; True when it was one."""
        if isinstance(event, SpeechStarted):
            if not event.continued:  # the rest of an utterance already counted
                self.started.append(event)
            self.speaking_until = now + event.duration_s
            self._clear(None)
        elif isinstance(event, SpeechFailed):
            if isinstance(event.error, EngineMissing):
                self._raise(ENGINE_MISSING, str(event.error))
        elif isinstance(event, AudioFault):
            self._raise(DEVICE, str(event.error))
        elif isinstance(event, OutputRouted):
            if event.route is not Route.SILENT:
                self._clear(DEVICE)  # the output opened again
        elif isinstance(event, PrerenderDone):
            self.prerendered.set()
        elif not isinstance(event, SpeechReady):
            return False
        return True

    def _raise(self, code: str, detail: str) -> None:
        if self.problem == code:
            return
        self.problem, self.problem_detail = code, detail
        log.error("voice: %s (%s); visits go on without the voice", code, detail)
        self._tell(code, detail)

    def _clear(self, only: str | None) -> None:
        if self.problem is None or (only is not None and self.problem != only):
            return
        log.info("voice: works again (was %s)", self.problem)
        self.problem, self.problem_detail = None, ""
        self._tell(None, "")

    def _tell(self, code: str | None, detail: str) -> None:
        if self.on_problem is None:
            return
        try:
            self.on_problem(code, detail)
        except Exception:  # an alert that cannot be raised must not stop the screen
            log.exception("voice: the staff alert could not be raised")


def _nearest(levels: tuple[float, ...], value: float) -> int:
    return min(range(len(levels)), key=lambda i: abs(levels[i] - value))


def phrases_for(config: KioskConfig, translations: Translations, content: Content) -> list[Phrase]:
    """Everything this kiosk's voice may say with `content` (for the pre-renderer)."""
    names: dict[str, dict[int, str]] = {}
    for lang in config.languages:
        fallback = Texts(translations, lang)("items.fallback")
        per_slot = {}
        for slot in config.hardware.slots:
            try:
                per_slot[slot.number] = content.item(slot.item).name.get(lang) or fallback
            except KeyError:
                per_slot[slot.number] = fallback
        names[lang] = per_slot
    return all_phrases(
        translations, content, config.languages, names, round(config.timeouts.more_time)
    )
