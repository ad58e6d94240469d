"""The voice, through pygame's real mixer (SDL_AUDIODRIVER=dummy) and the real espeak-ng."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pygame
import pytest

from hardware.speech import build_speech
from hardware.speech.audio_out import Effect, output_device_names
from hardware.speech.cache import Phrasebook, PhraseCache
from hardware.speech.engine import EspeakEngine, SpeechEngine
from hardware.speech.errors import EngineMissing
from hardware.speech.events import (
    AudioFault,
    OutputRouted,
    PrerenderDone,
    Route,
    SpeechEvent,
    SpeechFailed,
    SpeechStarted,
)
from hardware.speech.settings import SpeechSettings
from hardware.speech.voice import SPEED_STEPS, VOLUME_STEPS, Voice, route_for, step
from hardware.speech.wav import is_wav, join_wavs, read_wav, write_wav
from tests.hardware.speech_kit import (
    CountingEngine,
    HeldEngine,
    Inbox,
    RecordingAudioOut,
    tone_wav,
)

DUMMY_DEVICE = "System audio output device"  # the one device SDL's dummy driver names
HELP = "지금 도움이 필요해요"


class Rig:
    """A started voice with its inbox, engine, audio output and output-switch hook."""

    def __init__(
        self,
        folder: Path,
        engine: SpeechEngine,
        settings: SpeechSettings,
        switch_fails: bool,
    ) -> None:
        self.inbox = Inbox()
        self.engine = engine
        self.book = Phrasebook(engine, PhraseCache(folder, 16 * 1024 * 1024))
        self.audio = RecordingAudioOut()
        self.routes: list[Route] = []
        self.switch_fails = switch_fails
        self.voice = Voice(
            self.book,
            self.inbox.emit,
            settings=settings,
            audio=self.audio,
            switch_output=self._switch,
        )
        self.voice.start()
        self.opening: SpeechEvent = self.inbox.next()  # OutputRouted, or AudioFault

    def _switch(self, route: Route) -> None:
        self.routes.append(route)
        if self.switch_fails:
            raise OSError("amixer: cannot find the control")

    def said(self, text: str) -> SpeechStarted:
        return self.inbox.wait_for(SpeechStarted, lambda e: e.text == text)


MakeRig = Callable[..., Rig]


@pytest.fixture
def make_rig(tmp_path: Path) -> Iterator[MakeRig]:
    made: list[Rig] = []

    def make(
        engine: SpeechEngine | None = None,
        settings: SpeechSettings | None = None,
        switch_fails: bool = False,
    ) -> Rig:
        folder = tmp_path / f"cache{len(made)}"
        new = Rig(folder, engine or CountingEngine(), settings or SpeechSettings(), switch_fails)
        made.append(new)
        return new

    yield make
    for rig in made:
        rig.voice.close()


def test_say_returns_while_the_phrase_is_still_being_made(make_rig: MakeRig) -> None:
    engine = HeldEngine(held=HELP)
    rig = make_rig(engine)
    rig.voice.say(HELP, "ko")
    # say() has returned; the worker is inside the engine, which is still held back.
    assert engine.entered.wait(10)
    assert not engine.finished.is_set()
    engine.release.set()
    started = rig.said(HELP)
    assert not started.from_cache
    assert started.duration_s == pytest.approx(0.3, abs=0.01)


def test_a_newer_say_replaces_a_phrase_still_being_made(make_rig: MakeRig) -> None:
    engine = HeldEngine(held="첫 번째 버튼")
    rig = make_rig(engine)
    rig.voice.say("첫 번째 버튼", "ko")
    assert engine.entered.wait(10)
    rig.voice.say("두 번째 버튼", "ko")  # the focus moved on
    engine.release.set()
    rig.said("두 번째 버튼")
    assert [e.text for e in rig.inbox.of(SpeechStarted)] == ["두 번째 버튼"]


def test_a_newer_say_cuts_off_the_phrase_playing(make_rig: MakeRig) -> None:
    rig = make_rig()
    long = "외로움안녕120은 하루 스물네 시간, 일 년 내내 전화를 받습니다. 누구나 걸 수 있어요."
    rig.voice.say(long, "ko")
    assert rig.said(long).duration_s > 3.0
    second_text = "Goodbye Loneliness one two zero answers all day, every day of the year."
    rig.voice.say(second_text, "en")
    second = rig.said(second_text)  # long, so that it is surely still playing when looked at
    playing = pygame.mixer.Channel(0).get_sound()
    assert playing is not None
    assert playing.get_length() == pytest.approx(second.duration_s)


def test_a_cached_phrase_plays_without_synthesis(make_rig: MakeRig) -> None:
    engine = CountingEngine()
    rig = make_rig(engine)
    rig.book.prerender(HELP, "ko", rig.voice.speed)
    assert len(engine.calls) == 1
    rig.voice.say(HELP, "ko")
    started = rig.said(HELP)
    assert started.from_cache
    assert len(engine.calls) == 1
    assert started.duration_s > 1.0


def test_speed_and_volume_reach_the_visitor(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.voice.say(HELP, "ko")
    normal = rig.said(HELP).duration_s
    assert rig.voice.speed_step(+1) == 1.25
    rig.voice.set_volume(0.3)
    rig.voice.say(HELP, "ko")
    faster = rig.said(HELP)
    assert faster.duration_s < normal * 0.9
    assert not faster.from_cache  # another speed is another phrase
    assert rig.audio.speech_volumes == [0.8, 0.3]


def test_a_missing_engine_is_an_event_and_logged_once(
    make_rig: MakeRig, caplog: pytest.LogCaptureFixture
) -> None:
    rig = make_rig(CountingEngine(EspeakEngine("/nonexistent/espeak-ng")))
    with caplog.at_level(logging.WARNING, logger="hardware.speech"):
        for text in ("하나", "둘"):
            rig.voice.say(text, "ko")
            failed = rig.inbox.wait_for(SpeechFailed, lambda e, t=text: e.text == t)
            assert isinstance(failed.error, EngineMissing)
    assert len([r for r in caplog.records if "EngineMissing" in r.getMessage()]) == 1
    assert not rig.inbox.of(SpeechStarted)


def test_a_dead_device_is_a_fault_and_speech_becomes_a_no_op(make_rig: MakeRig) -> None:
    engine = CountingEngine()
    settings = SpeechSettings(speaker_device="no such device", earphone_device="nor this one")
    rig = make_rig(engine, settings)
    assert isinstance(rig.opening, AudioFault)
    assert "no such device" in str(rig.opening.error)
    rig.voice.say(HELP, "ko")
    rig.voice.click()
    rig.voice.set_earphone(True)  # a change of route tries again: the earphone is dead too
    second = rig.inbox.wait_for(AudioFault)
    assert "nor this one" in str(second.error)
    assert not rig.inbox.of(SpeechStarted) and not rig.inbox.of(SpeechFailed)
    assert engine.calls == [] and rig.audio.effects == []


def test_the_technician_can_list_the_device_names() -> None:
    assert DUMMY_DEVICE in output_device_names()


def test_the_earphone_output_works_when_the_speaker_device_is_dead(make_rig: MakeRig) -> None:
    settings = SpeechSettings(speaker_device="no such device", earphone_device=DUMMY_DEVICE)
    rig = make_rig(settings=settings)
    assert isinstance(rig.opening, AudioFault)
    rig.voice.set_earphone(True)
    assert rig.inbox.wait_for(OutputRouted).route is Route.EARPHONE
    rig.voice.say("Hello", "en")
    assert rig.said("Hello").duration_s > 0.3


def test_an_earphone_takes_the_sound_from_the_speaker(make_rig: MakeRig) -> None:
    rig = make_rig()
    assert rig.opening == OutputRouted(Route.SPEAKER)
    rig.voice.set_earphone(True)
    assert rig.inbox.wait_for(OutputRouted).route is Route.EARPHONE
    assert rig.voice.earphone_present and rig.voice.route is Route.EARPHONE
    rig.voice.set_earphone(True)  # no change, no second switch
    rig.voice.set_earphone(False)
    assert rig.inbox.wait_for(OutputRouted).route is Route.SPEAKER
    assert rig.routes == [Route.SPEAKER, Route.EARPHONE, Route.SPEAKER]


def test_plugging_in_an_earphone_stops_the_speaker_mid_phrase(make_rig: MakeRig) -> None:
    rig = make_rig()
    long = "외로움안녕120은 하루 스물네 시간, 일 년 내내 전화를 받습니다."
    rig.voice.say(long, "ko")
    rig.said(long)
    assert pygame.mixer.Channel(0).get_busy()
    rig.voice.set_earphone(True)
    rig.inbox.wait_for(OutputRouted)
    assert not pygame.mixer.Channel(0).get_busy()


def test_a_failing_output_switch_keeps_the_speaker_silent(make_rig: MakeRig) -> None:
    engine = CountingEngine()
    rig = make_rig(engine, switch_fails=True)
    assert isinstance(rig.opening, AudioFault)
    assert "cannot switch the output to speaker" in str(rig.opening.error)
    rig.voice.set_earphone(True)
    assert "earphone" in str(rig.inbox.wait_for(AudioFault).error)
    rig.voice.say(HELP, "ko")
    rig.voice.set_earphone(False)
    rig.inbox.wait_for(AudioFault)
    assert engine.calls == [] and not rig.inbox.of(SpeechStarted)


def test_with_the_speaker_off_only_an_earphone_hears_anything(make_rig: MakeRig) -> None:
    engine = CountingEngine()
    rig = make_rig(engine, SpeechSettings(speaker=False))
    assert rig.opening == OutputRouted(Route.SILENT)
    rig.voice.say(HELP, "ko")
    rig.voice.click()
    rig.voice.set_earphone(True)
    rig.inbox.wait_for(OutputRouted)
    assert engine.calls == [] and rig.audio.effects == []
    rig.voice.say(HELP, "ko")
    rig.said(HELP)


def test_clicks_and_the_chime_follow_their_settings(make_rig: MakeRig) -> None:
    rig = make_rig(settings=SpeechSettings(clicks=False))
    rig.voice.click()
    rig.voice.chime()
    rig.voice.say("Hello", "en")  # commands run in order: after this, both were handled
    rig.said("Hello")
    assert rig.audio.effects == [Effect.CHIME]
    rig.voice.clicks_enabled = True
    rig.voice.click()
    rig.voice.say("Hello again", "en")
    rig.said("Hello again")
    assert rig.audio.effects == [Effect.CHIME, Effect.CLICK]


def test_an_empty_say_stops_the_voice(make_rig: MakeRig) -> None:
    rig = make_rig()
    long = "외로움안녕120은 하루 스물네 시간, 일 년 내내 전화를 받습니다."
    rig.voice.say(long, "ko")
    rig.said(long)
    rig.voice.say("  ", "ko")
    rig.voice.set_earphone(True)  # a marker: once it is reported, the empty say was handled
    rig.inbox.wait_for(OutputRouted)
    assert not pygame.mixer.Channel(0).get_busy()


def test_a_broken_inbox_does_not_stop_the_voice(tmp_path: Path) -> None:
    inbox = Inbox()

    def emit(event: SpeechEvent) -> None:
        inbox.emit(event)
        raise RuntimeError("inbox full")

    book = Phrasebook(CountingEngine(), PhraseCache(tmp_path, 1024 * 1024))
    voice = Voice(book, emit, audio=RecordingAudioOut())
    voice.start()
    try:
        assert isinstance(inbox.next(), OutputRouted)
        voice.say("Hello", "en")
        assert inbox.wait_for(SpeechStarted).text == "Hello"
    finally:
        voice.close()


def test_build_speech_assembles_a_working_voice(tmp_path: Path) -> None:
    inbox = Inbox()
    speech = build_speech(SpeechSettings(), tmp_path, inbox.emit, audio=RecordingAudioOut())
    speech.start()
    try:
        speech.prerender([(HELP, "ko"), ("I need help now", "en")])
        assert inbox.wait_for(PrerenderDone).rendered == 2
        speech.voice.say(HELP, "ko")
        assert inbox.wait_for(SpeechStarted).from_cache
    finally:
        speech.close()
    assert len(list((tmp_path / "speech-cache").glob("*.wav"))) == 2


def test_steps_and_routes() -> None:
    assert route_for(earphone_present=True, speaker_enabled=True) is Route.EARPHONE
    assert route_for(earphone_present=True, speaker_enabled=False) is Route.EARPHONE
    assert route_for(earphone_present=False, speaker_enabled=True) is Route.SPEAKER
    assert route_for(earphone_present=False, speaker_enabled=False) is Route.SILENT
    assert step(VOLUME_STEPS, 0.8, +1) == 1.0
    assert step(VOLUME_STEPS, 1.0, +1) == 1.0
    assert step(VOLUME_STEPS, 0.5, -1) == 0.4
    assert step(VOLUME_STEPS, 0.2, -1) == 0.2
    assert step(SPEED_STEPS, 1.0, -1) == 0.75
    assert step(SPEED_STEPS, 1.1, +1) == 1.25


# --- utterances of several phrases -------------------------------------------------------------


def test_phrases_are_joined_as_they_are_with_silence_first() -> None:
    one, two = tone_wav(0.3), tone_wav(0.5, 660.0)
    joined = read_wav(join_wavs([one, two], lead_s=0.2))
    assert joined.duration_s == pytest.approx(1.0, abs=0.001)
    assert max(abs(s) for s in joined.samples[: round(0.2 * 22050)]) == 0  # the lead is quiet
    assert joined.samples[round(0.2 * 22050) :] == read_wav(one).samples + read_wav(two).samples
    with pytest.raises(ValueError):
        join_wavs([one, write_wav([0.1] * 100, rate=16000)])
    assert not is_wav(one[:-2]) and not is_wav(b"RIFF....WAVE") and is_wav(one)


def test_the_first_phrase_plays_at_once_and_the_rest_follows_without_a_gap(
    make_rig: MakeRig,
) -> None:
    rig = make_rig()
    first, rest = "마음약방", "요즘 마음에 어떤 증상이 있으세요? 하나만 골라 주세요."
    for text in (first, rest):
        rig.book.prerender(text, "ko", rig.voice.speed)
    rig.voice.say_all([(first, "ko"), (rest, "ko")])
    head = rig.said(f"{first} {rest}")
    follow = rig.inbox.wait_for(SpeechStarted, lambda e: e.continued)
    assert head.from_cache and follow.text == rest
    channel = pygame.mixer.Channel(0)
    assert channel.get_queue() is not None or channel.get_sound() is not None
    assert follow.duration_s > head.duration_s  # the rest is longer, and starts after the head


def test_stopping_the_speech_drops_what_is_queued_after_it() -> None:
    out = RecordingAudioOut()
    out.open("")
    try:
        out.play_speech(tone_wav(2.0), 0.8)
        assert out.queue_speech(tone_wav(3.0, 660.0), 0.8) == pytest.approx(3.0, abs=0.01)
        channel = pygame.mixer.Channel(0)
        assert channel.get_queue() is not None
        out.stop_speech()  # pygame would start the queued phrase on a stop: it must not
        assert channel.get_queue() is None
        playing = channel.get_sound()
        assert playing is None or playing.get_length() < 0.01
    finally:
        out.close()


def test_an_unmade_rest_does_not_hold_up_the_first_phrase_or_a_newer_one(
    make_rig: MakeRig,
) -> None:
    engine = HeldEngine(held="천천히 만들어지는 긴 문장")
    rig = make_rig(engine)
    rig.voice.say_all([("제목", "ko"), ("천천히 만들어지는 긴 문장", "ko")])
    rig.said("제목 천천히 만들어지는 긴 문장")  # the title plays while the rest is made
    assert engine.entered.wait(10) and not engine.finished.is_set()
    rig.voice.say("다음 버튼", "ko")  # the visitor moved on before the rest was made
    rig.said("다음 버튼")
    assert not engine.finished.is_set()  # it did not wait for the slow phrase
    engine.release.set()
    assert not [e for e in rig.inbox.seen if isinstance(e, SpeechStarted) and e.continued]


def test_the_cache_can_be_emptied(tmp_path: Path) -> None:
    book = Phrasebook(CountingEngine(), PhraseCache(tmp_path, 1 << 20))
    book.prerender(HELP, "ko", 1.0)
    assert len(book.cache) == 1
    book.cache.clear()
    assert len(book.cache) == 0 and not list(tmp_path.glob("*.wav"))


def test_after_a_silence_the_output_rests_and_wakes_for_the_next_sound(
    make_rig: MakeRig,
) -> None:
    """An open mixer mixes silence all the time; after `rest_after_s` of quiet the output is
    closed, and the next phrase or click opens it again."""
    rig = make_rig(settings=SpeechSettings(rest_after_s=0.05))
    rig.voice.say("하나", "ko")
    rig.said("하나")
    assert rig.voice.rested.wait(10)
    assert not pygame.mixer.get_init()
    rig.voice.say("둘", "ko")
    assert rig.said("둘").duration_s > 0.2 and pygame.mixer.get_init()
    assert not rig.voice.rested.is_set()
    assert rig.voice.rested.wait(10)
    rig.voice.click()  # a tap on a quiet kiosk is heard too
    rig.voice.say("셋", "ko")
    rig.said("셋")
    assert Effect.CLICK in rig.audio.effects


def test_closing_while_the_rest_is_made_ends_quietly(
    make_rig: MakeRig, caplog: pytest.LogCaptureFixture
) -> None:
    engine = HeldEngine(held="천천히 만들어지는 긴 문장")
    rig = make_rig(engine)
    rig.voice.say_all([("제목", "ko"), ("천천히 만들어지는 긴 문장", "ko"), ("끝", "ko")])
    rig.said("제목 천천히 만들어지는 긴 문장 끝")
    assert engine.entered.wait(10)
    with caplog.at_level(logging.ERROR, logger="hardware.speech"):
        rig.voice.close(timeout_s=0.5)  # the slow phrase is still being made
        engine.release.set()
        rig.voice.close()  # the threads have ended: a second close is harmless
    assert not caplog.records, [r.getMessage() for r in caplog.records]
