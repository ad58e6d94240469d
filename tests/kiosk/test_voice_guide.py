"""Voice guidance in the running app, with the real voice (espeak-ng, pygame's mixer under the
dummy driver): a whole visit with the keypad alone, eyes closed; silence in the other modes;
the prompt's chime and countdown; volume and speed; listening is not inactivity."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.speech.audio_out import Effect
from hardware.speech.events import Route, SpeechStarted
from kiosk.shell.inbox import EarphoneChanged
from kiosk.shell.input import Nav
from kiosk.visit.flow import Mode, Screen, ToggleMode
from kiosk.visit.voice.script import CHIME_LEAD_S
from tests.kiosk.voice_support import VoiceRig


@pytest.fixture(scope="session")
def speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One phrase cache for every test here: a phrase is made once per session."""
    return tmp_path_factory.mktemp("speech-cache")


@pytest.fixture
def rig(speech_cache: Path, pygame_font: None) -> Iterator[VoiceRig]:
    made = VoiceRig(speech_cache)
    try:
        yield made
    finally:
        made.close()


def test_a_whole_visit_with_the_keypad_and_the_voice_alone(rig: VoiceRig) -> None:
    """A blind visitor plugs in an earphone and goes through a visit with the four keys,
    hearing every screen in order; the speaker stays silent all along."""
    session = rig.rt.session
    rig.post(EarphoneChanged(True))
    assert Mode.VOICE in session.state.access
    rig.hear("음성 안내를 시작해요.", "마음약방", "확인 버튼을 누르세요", "처방 받으러 가기")
    assert rig.speech.voice.route is Route.EARPHONE

    rig.press(Nav.SELECT)
    rig.hear("요즘 마음에 어떤 증상이 있으세요?", "첫 번째")
    rig.press(Nav.NEXT)
    second = rig.hear("두 번째")
    assert "요즘 마음에" not in second.text  # a focus move says only the element
    rig.press(Nav.SELECT)  # the second symptom
    assert session.state.screen is Screen.MOOD
    rig.hear("처방을 고르려고 세 가지만 여쭤봐요", "질문 세 개 중 첫 번째", "거의 없어요")
    rig.press(Nav.SELECT)
    rig.hear("질문 세 개 중 두 번째")
    rig.press(Nav.SELECT)
    rig.hear("질문 세 개 중 세 번째")
    rig.press(Nav.SELECT)
    assert session.state.screen is Screen.PRESCRIPTION
    card = rig.hear("오늘의 처방전이 나왔어요", "약 이름", "복용법")
    rig.press(Nav.HELP)
    rig.hear("지금 도움이 필요해요", "일 공 구", "일 오 칠 칠, 공 일 구 구", "일 일 구")
    rig.press(Nav.BACK)
    again = rig.hear("오늘의 처방전이 나왔어요")
    assert again.text == card.text and again.from_cache  # made once, then from the cache
    rig.press(Nav.SELECT)
    assert session.state.screen is Screen.DISPENSING
    rig.hear("처방에 맞는 선물을 꺼내고 있어요")
    rig.gate.set()  # the item falls
    rig.wait(lambda: session.state.screen is Screen.TAKE_ITEM, "the item")
    rig.hear("선물이 나왔어요!", "다 받으셨으면 확인 버튼을 누르세요.")
    rig.press(Nav.SELECT)
    rig.hear("이야기 나눌 곳이 있어요", "공 이, 일 이 공")
    rig.press(Nav.SELECT)
    assert session.state.screen is Screen.GOODBYE
    rig.hear("와 주셔서 고마워요")

    screens = [said.screen for said in rig.app.voice.said if said.why == "entry"]
    assert screens == [
        "attract", "symptom", "mood", "mood", "mood", "prescription", "help",
        "prescription", "dispensing", "take_item", "info", "goodbye",
    ]  # fmt: skip
    rig.audio.wait_for(lambda: rig.audio.effects.count(Effect.CLICK) == rig.keys)  # a tick a key
    assert rig.speech.voice.route is Route.EARPHONE  # never the speaker while plugged in


def test_without_voice_guidance_only_the_tick_and_the_chime_are_heard(rig: VoiceRig) -> None:
    rig.press(Nav.SELECT)
    rig.press(Nav.NEXT)
    assert rig.rt.session.state.screen is Screen.SYMPTOM
    rig.frame(rig.rt.config.timeouts.inactivity + 1)
    assert rig.rt.session.state.prompting
    rig.audio.wait_for(lambda: Effect.CHIME in rig.audio.effects)
    assert rig.audio.effects.count(Effect.CLICK) == 2
    assert list(rig.app.voice.said) == [] and rig.audio.volumes == []


def test_switching_voice_off_silences_it_at_once(rig: VoiceRig) -> None:
    session = rig.rt.session
    session.handle(ToggleMode(Mode.VOICE), rig.now)
    rig.frame()
    rig.hear("음성 안내를 시작해요.")
    session.handle(ToggleMode(Mode.VOICE), rig.now)
    rig.press(Nav.SELECT)
    assert session.state.screen is Screen.SYMPTOM
    assert [s.screen for s in rig.app.voice.said] == ["attract"]  # nothing new was said


def test_the_prompt_chimes_then_says_its_countdown(rig: VoiceRig) -> None:
    session = rig.rt.session
    session.handle(ToggleMode(Mode.VOICE), rig.now)
    rig.press(Nav.SELECT)
    rig.frame(rig.rt.config.timeouts.inactivity + 0.5)
    assert session.state.prompting
    prompt = rig.hear("시간이 더 필요하세요?", "15초 뒤에 처음 화면으로 돌아가요.", "네, 더 볼래요")
    assert prompt.duration_s > CHIME_LEAD_S  # the chime rings out before the words
    rig.audio.wait_for(lambda: Effect.CHIME in rig.audio.effects)
    while session.state.prompting:  # the loop wakes on every whole second of the countdown
        deadline = rig.app.next_deadline(rig.now)
        assert deadline is not None
        rig.frame(deadline - rig.now)
    marks = [s.utterance.text for s in rig.app.voice.said if s.why == "countdown"]
    assert marks == ["10초", "5초", "3초", "2초", "1초"]
    assert session.state.screen is Screen.ATTRACT and Mode.VOICE not in session.state.access


def test_the_visitor_sets_volume_and_speed_and_hears_the_new_level(rig: VoiceRig) -> None:
    voice = rig.speech.voice
    rig.rt.session.handle(ToggleMode(Mode.VOICE), rig.now)
    rig.frame()
    rig.app.on_volume(+1)  # the keypad's volume key
    assert voice.volume == 1.0
    rig.hear("소리 크기 5단계예요. 5단계까지 있어요.")
    rig.audio.wait_for(lambda: rig.audio.volumes[-1:] == [1.0])
    for _ in range(2):
        rig.app.on_volume(-1)
    assert voice.volume == pytest.approx(0.6)
    rig.app.press("voice:panel", rig.now)  # the bar's button, shown with voice on
    rig.frame()
    panel = rig.hear("음성 조절", "소리 크기와 말 빠르기를 바꿀 수 있어요.", "소리 크게")
    assert "마음약방" not in panel.text  # the panel, not the screen again
    assert rig.app.focused() is rig.app.page.button("voice:louder")
    rig.app.press("voice:slower", rig.now)
    assert voice.speed == 0.75
    rig.hear("말 빠르기 1단계예요. 4단계까지 있어요.")
    rig.app.press("voice:faster", rig.now)
    rig.app.press("voice:faster", rig.now)
    assert voice.speed == 1.25
    rig.app.press("voice:close", rig.now)
    rig.frame()
    rig.hear("마음약방", "처방 받으러 가기")  # back on the screen, heard at the new speed
    assert not any(
        b.name.startswith("voice:") and b.name != "voice:panel" for b in rig.app.page.buttons
    )


def test_time_spent_listening_is_not_inactivity(rig: VoiceRig) -> None:
    session, app = rig.rt.session, rig.app
    session.handle(ToggleMode(Mode.VOICE), rig.now)
    rig.press(Nav.SELECT)
    inactivity = rig.rt.config.timeouts.inactivity
    app.deliver(SpeechStarted("info", "ko", True, 60.0), rig.now)  # a minute of words
    rig.frame(inactivity + 1)
    assert not session.state.prompting  # still listening
    deadline = app.next_deadline(rig.now)
    assert deadline is not None
    rig.frame(deadline - rig.now)  # the words end: the visitor has heard them out
    rig.frame(inactivity - 1)
    assert not session.state.prompting
    rig.frame(2)
    assert session.state.prompting
