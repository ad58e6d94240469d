"""What voice guidance says on each screen: derived from the page a visitor sees. Every screen's
words name the screen (its biggest text) and the focused element with its place; the help lines
are read digit by digit; the card is read whole; the pre-renderer knows every phrase of them."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from hardware.speech.text import position
from kiosk.shell.app import CHROME
from kiosk.ui.i18n import Texts
from kiosk.ui.scene import TextBlock, text_blocks
from kiosk.visit.flow import Access, FlowState, Mode, Screen, Visit
from kiosk.visit.screens.base import Button, Page, UiState
from kiosk.visit.voice import script
from kiosk.visit.voice.phrases import MAX_FOCUS_RING, all_phrases
from kiosk.visit.voice.words import for_voice, language_of
from tests.kiosk.ui_support import bundled, page_for, states, translations, view

SIZES = ((800, 480), (1280, 800))
VOICE = Access(frozenset({Mode.VOICE}))

# Every number the help screen shows, as a Korean and an English announcer read it.
HELP_NUMBERS = {
    "ko": (
        "공 이, 일 이 공, 다음에 오 번",
        "일 공 구",
        "일 오 칠 칠, 공 일 구 구",
        "일 일 이",
        "일 일 구",
    ),
    "en": (
        "zero two, one two zero, then five",
        "one zero nine",
        "one five seven seven, zero one nine nine",
        "one one two",
        "one one nine",
    ),
}


def order(page: Page) -> list[Button]:
    """The shell's focus order: the screen's own buttons, then the bars."""
    own = [b for b in page.buttons if b.name not in CHROME]
    return own + [b for b in page.buttons if b.name in CHROME]


def primary(buttons: list[Button]) -> int:
    return next((i for i, b in enumerate(buttons) if b.primary), 0)


def title(page: Page) -> str:
    """The screen's biggest text outside its buttons: what a sighted visitor reads first. On
    a screen with nothing bigger than its footer (the card fills a 7-inch screen), the card's
    own text, set into its picture, counts."""
    plain = [op for op in page.ops if isinstance(op, TextBlock) and op.lines]
    smallest = min(line.px for b in plain for line in b.lines)
    if all(line.px == smallest for b in plain for line in b.lines):
        plain = [op for op in text_blocks(page.ops) if op.lines]
    blocks = plain
    return max(blocks, key=lambda b: max(line.px for line in b.lines)).source


def voiced(state: FlowState) -> FlowState:
    return replace(state, access=VOICE)


def spoken(state: FlowState, size: tuple[int, int]) -> tuple[str, Page, list[Button], int]:
    state = voiced(state)
    page = page_for(state, size)
    buttons = order(page)
    focus = primary(buttons)
    words = script.entry(view(state, size, bundled()), page, buttons, focus)
    return words.text, page, buttons, focus


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ("ko", "en"))
def test_every_screen_says_its_title_and_the_focused_element_with_its_place(
    lang: str, size: tuple[int, int], pygame_font: None
) -> None:
    texts = Texts(translations(), lang)
    for name, state in states(bundled(), lang).items():
        text, page, buttons, focus = spoken(state, size)
        heading = texts("more_time.title") if state.prompting else title(page)
        assert for_voice(heading, lang) in text, (name, heading, text)
        focused = script.label(buttons[focus], texts)
        assert f"{for_voice(focused, lang)}\n{position(focus + 1, len(buttons), lang)}" in text, (
            name,
            text,
        )
        assert text.endswith(position(focus + 1, len(buttons), lang)), name


@pytest.mark.parametrize("lang", ("ko", "en"))
def test_the_help_lines_are_read_digit_by_digit(lang: str, pygame_font: None) -> None:
    for name in ("help", "out_of_service", "help-more-time"):
        state = states(bundled(), lang)[name]
        if state.prompting:  # the prompt is said first; the help screen once it is answered
            state = replace(state, prompt_until=None)
        text, *_ = spoken(state, (1280, 800))
        for number in HELP_NUMBERS[lang]:
            assert number in text, (name, number, text)
        for raw in ("1577", "0199", "109", "112", "119", "02-120"):
            assert raw not in text, (name, raw)  # never as 천오백칠십칠 or 백구


def test_the_card_is_read_whole_with_its_next_step_number_by_number(pygame_font: None) -> None:
    content = bundled()
    texts = Texts(translations(), "ko")
    rx = next(
        p
        for p in content.prescriptions
        if p.next_step == "hotline-120" and p.categories and "{" not in p.phrase.get("ko")
    )
    symptom = next(s for s in content.symptoms if s.category in rx.categories)
    state = FlowState(
        Screen.PRESCRIPTION,
        "ko",
        "ko",
        visit=Visit(symptom=symptom.id, answers=(1, 1, 1), prescription=rx.id, slot=2),
        access=VOICE,
    )
    text, *_ = spoken(state, (1024, 600))
    for part in (
        symptom.name.get("ko"),
        rx.medicine.get("ko"),
        for_voice(rx.phrase.get("ko"), "ko"),
        for_voice(rx.dosage.get("ko"), "ko"),
        "공 이, 일 이 공",  # the next step's number, digit by digit
    ):
        assert part in text, (part, text)
    assert text.index(rx.medicine.get("ko")) < text.index(for_voice(rx.phrase.get("ko"), "ko"))
    gentle = replace(state, visit=replace(state.visit, show_help_first=True))
    text, *_ = spoken(gentle, (1024, 600))
    assert for_voice(texts("prescription.gentle_help"), "ko") in text
    assert "공 이, 일 이 공, 다음에 오 번" in text


def test_the_prompt_says_the_seconds_left_after_the_chime(pygame_font: None) -> None:
    state = voiced(states(bundled(), "ko")["more-time"])  # 10 s left at the view's time
    page = page_for(state, (1280, 800))
    buttons = order(page)
    words = script.entry(view(state, (1280, 800), bundled()), page, buttons, primary(buttons))
    assert words.lead_s >= 0.5  # the chime rings out first
    assert words.phrases[0][0] == "시간이 더 필요하세요?"
    assert "10초 뒤에 처음 화면으로 돌아가요." in words.text
    assert "네, 더 볼래요" in words.text
    assert script.countdown(Texts(translations(), "en"), 5).text == "5 seconds"


def test_the_mood_questions_say_which_of_three(pygame_font: None) -> None:
    base = voiced(states(bundled(), "ko")["mood"])
    first, *_ = spoken(base, (1280, 800))
    second, *_ = spoken(replace(base, visit=replace(base.visit, answers=(2,))), (1280, 800))
    why = for_voice(Texts(translations(), "ko")("mood.title"), "ko")  # why, and nothing kept
    assert "질문 세 개 중 첫 번째" in first and why in first
    assert "질문 세 개 중 두 번째" in second and why not in second
    en, *_ = spoken(voiced(states(bundled(), "en")["mood"]), (1280, 800))
    assert "Question 1 of 3." in en


def test_screen_text_is_made_ready_for_a_voice() -> None:
    assert (
        for_voice("109 · 자살예방 상담전화 · 24시간", "ko") == "일 공 구, 자살예방 상담전화, 24시간"
    )
    assert for_voice("지금 위험하다면 112(경찰) · 119(구급)", "ko") == (
        "지금 위험하다면 일 일 이, 경찰, 일 일 구, 구급"
    )
    # The programme's name keeps its 백이십; the number to dial is read digit by digit.
    assert for_voice("외로움안녕120(02-120 → 5)이나", "ko") == (
        "외로움안녕120, 공 이, 일 이 공, 다음에 오 번이나"
    )
    assert for_voice("다른 증상 ▶", "ko") == "다른 증상"
    assert for_voice("처방전을 쓰고 있어요…", "ko") == "처방전을 쓰고 있어요."
    assert for_voice("Danger now: 112 police · 24 h", "en") == (
        "Danger now: one one two police, 24 hours"
    )
    assert language_of("English", "ko") == "en" and language_of("한국어", "en") == "ko"
    assert language_of("마음약방 Mind", "ko") == "ko"


def test_every_voice_text_exists_in_both_languages(
    caplog: pytest.LogCaptureFixture, pygame_font: None
) -> None:
    with caplog.at_level(logging.ERROR, logger="kiosk.ui.i18n"):
        for lang in ("ko", "en"):
            for state in states(bundled(), lang).values():
                spoken(state, (1280, 800))
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    voice_keys = [k for k in translations().tables["ko"] if k.startswith("voice")]
    assert voice_keys and all(k in translations().tables["en"] for k in voice_keys)


@pytest.mark.parametrize("lang", ("ko", "en"))
def test_the_pre_renderer_knows_every_phrase_of_every_screen(lang: str, pygame_font: None) -> None:
    """What a visit says is in the phrase cache before the visitor asks: every phrase of every
    screen's words (the positions of focus rings up to MAX_FOCUS_RING) is in the list."""
    content = bundled()
    fallback = Texts(translations(), lang)("items.fallback")  # the test views' item name
    known = set(all_phrases(translations(), content, (lang,), {lang: {4: fallback}}, 10))
    missing = []
    for size in SIZES:
        for name, state in states(content, lang).items():
            state = voiced(state)
            page = page_for(state, size)
            buttons = order(page)
            words = script.entry(view(state, size, content), page, buttons, primary(buttons))
            for index in range(len(buttons)):
                words = words.then(script.focused(Texts(translations(), lang), buttons, index))
            assert len(buttons) <= MAX_FOCUS_RING
            missing += [(name, p) for p in words.phrases if p not in known]
    assert not missing, missing[:10]


def test_a_symbol_only_button_is_named_by_its_voice_text(pygame_font: None) -> None:
    state = voiced(states(bundled(), "ko")["symptom"])
    page = page_for(state, (800, 480))
    previous = page.button("page:prev")
    assert [op.source for op in previous.ops if isinstance(op, TextBlock)] == ["◀"]
    assert script.label(previous, Texts(translations(), "ko")) == "이전 증상들"


@pytest.mark.parametrize("size", ((800, 480), (1024, 600), (720, 1280)), ids=str)
def test_the_voice_controls_take_no_room_from_any_screen(
    size: tuple[int, int], pygame_font: None
) -> None:
    """With voice on, the bar gets one button that opens the controls as a panel: no text on
    any screen is cut short that is whole without voice, with the panel open or not."""
    for lang in ("ko", "en"):
        for name, state in states(bundled(), lang).items():
            plain = [b.source for b in page_for(state, size).text_blocks() if b.truncated]
            for ui in (UiState(), UiState(voice_panel=True)):
                page = page_for(voiced(state), size, ui=ui)
                cut = [b.source for b in page.text_blocks() if b.truncated]
                assert cut == plain, (lang, name, ui, cut)
            opened = page_for(voiced(state), size, ui=UiState(voice_panel=True))
            if not state.prompting:  # the prompt comes first; the panel waits behind it
                assert {"voice:louder", "help"} <= {b.name for b in opened.buttons}, name


def test_the_open_panel_says_itself_and_its_focused_control(pygame_font: None) -> None:
    state = voiced(states(bundled(), "ko")["symptom"])
    ui = UiState(voice_panel=True)
    page = page_for(state, (1280, 800), ui=ui)
    buttons = order(page)
    words = script.entry(
        view(state, (1280, 800), bundled(), ui=ui), page, buttons, primary(buttons)
    )
    assert words.text.startswith("음성 조절\n소리 크기와 말 빠르기를 바꿀 수 있어요.\n소리 크게\n")
    assert "요즘 마음에" not in words.text
