"""Korean/English line breaking: examples a visitor would read, and properties that must
hold for any text."""

import itertools
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pygame
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.ui.linebreak import (
    BREAKING_SPACES,
    CLOSING_PUNCTUATION,
    OPENING_PUNCTUATION,
    fit_lines,
    measured_lines,
    wrap,
)

Measure = Callable[[str], int]
NANUM_GOTHIC = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")


def mono(text: str) -> int:
    """Monospace-ish: Hangul and other wide characters 2 units, everything else 1."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def uneven(text: str) -> int:
    """Proportional-ish: widths 1..5 that differ from character to character."""
    return sum(ord(char) % 5 + 1 for char in text)


def non_spaces(text: str) -> str:
    return "".join(char for char in text if char not in BREAKING_SPACES and char != "\n")


# --- examples ---------------------------------------------------------------------------


def test_korean_sentence_breaks_between_words() -> None:
    # 6 syllables a line: "외로움 없는" is 11 units, adding " 서울을" would make 18.
    lines = wrap("외로움 없는 서울을 함께 만들어요", 12, mono)
    assert lines == ["외로움 없는", "서울을 함께", "만들어요"]


def test_text_that_fits_is_one_line_unchanged() -> None:
    assert wrap("마음약방에 오신 것을 환영해요", 100, mono) == ["마음약방에 오신 것을 환영해요"]


def test_period_never_starts_a_line_the_syllable_before_comes_along() -> None:
    # "감사합니다" fills the 10 units exactly; the period must not wrap alone.
    assert wrap("감사합니다.", 10, mono) == ["감사합니", "다."]


def test_closing_punctuation_after_a_space_pulls_the_previous_word_down() -> None:
    # "잠시 쉬어 가도 괜찮아요" fits in 24 units, but the ellipsis would then start a line;
    # "괜찮아요 …" alone would then end the paragraph, so "가도" keeps it company.
    lines = wrap("잠시 쉬어 가도 괜찮아요 …", 24, mono)
    assert lines == ["잠시 쉬어", "가도 괜찮아요 …"]


def test_opening_bracket_never_ends_a_line() -> None:
    # "전화(" would fit in 5 units, but the bracket goes down with its number.
    assert wrap("전화(120)", 5, mono) == ["전화", "(120)"]


def test_opening_quote_after_a_space_stays_with_the_next_word() -> None:
    lines = wrap("처방전에 「 오늘의 한마디 」", 12, mono)
    assert lines == ["처방전에", "「 오늘의", "한마디 」"]


def test_english_breaks_at_spaces() -> None:
    lines = wrap("Call 120 and press 5 for a friendly voice", 12, mono)
    assert lines == ["Call 120 and", "press 5 for", "a friendly", "voice"]


def test_word_longer_than_the_line_breaks_per_character() -> None:
    assert wrap("supercalifragilistic", 8, mono) == ["supercal", "ifragili", "stic"]


def test_long_korean_word_breaks_per_syllable_and_starts_on_a_fresh_line() -> None:
    lines = wrap("오늘 외로움안녕백이십에전화하기", 10, mono)
    assert lines == ["오늘", "외로움안녕", "백이십에전", "화하기"]


def test_explicit_newlines_are_kept_including_empty_lines() -> None:
    assert wrap("첫 줄\n\n셋째 줄", 100, mono) == ["첫 줄", "", "셋째 줄"]


def test_spaces_at_breaks_and_edges_are_dropped_inner_spaces_kept() -> None:
    assert wrap("  가나  다라  ", 4, mono) == ["가나", "다라"]
    assert wrap("가  나", 100, mono) == ["가  나"]


def test_empty_text_is_one_empty_line() -> None:
    assert wrap("", 10, mono) == [""]


def test_character_wider_than_the_box_gets_its_own_line() -> None:
    assert wrap("가나", 1, mono) == ["가", "나"]


def test_unavoidable_run_of_punctuation_still_loses_nothing() -> None:
    lines = wrap("가!!!!", 4, mono)
    assert lines == ["가!!", "!!"]


def test_measured_lines_report_the_width_of_each_line() -> None:
    result = list(measured_lines("외로움 없는 서울을 함께", 12, mono))
    assert result == [("외로움 없는", 11), ("서울을 함께", 11)]


def test_fit_lines_gives_lines_when_they_fit() -> None:
    assert fit_lines("외로움 없는 서울을 함께", 12, 2, mono) == ["외로움 없는", "서울을 함께"]


def test_fit_lines_is_none_when_too_many_lines() -> None:
    assert fit_lines("외로움 없는 서울을 함께 만들어요", 12, 2, mono) is None


def test_fit_lines_is_none_when_a_single_character_overflows() -> None:
    assert fit_lines("가", 1, 5, mono) is None


def test_fit_lines_stops_measuring_once_it_cannot_fit() -> None:
    calls: list[str] = []

    def counting(text: str) -> int:
        calls.append(text)
        return mono(text)

    fit_lines("가 " * 200, 4, 1, counting)
    assert len(calls) < 20


# --- the real font ---------------------------------------------------------------------


@pytest.mark.usefixtures("pygame_font")
def test_nanum_gothic_lines_fit_the_box_and_keep_punctuation_attached() -> None:
    font = pygame.font.Font(NANUM_GOTHIC, 32)

    def measure(text: str) -> int:
        return font.size(text)[0]

    text = (
        "혼자라고 느껴질 때, 그 마음은 이상한 것이 아니에요. "
        "오늘은 따뜻한 차 한 잔과 함께 잠시 쉬어 가세요! "
        "이야기가 필요하면 120번(다산콜센터)에 전화해 5번을 누르세요."
    )
    width = 360
    assert all(measure(word) <= width for word in text.split(" "))  # only word breaks here
    lines = wrap(text, width, measure)
    assert len(lines) > 3
    for line in lines:
        assert measure(line) <= width
        assert line[0] not in CLOSING_PUNCTUATION
        assert line[-1] not in OPENING_PUNCTUATION
    assert non_spaces("".join(lines)) == non_spaces(text)
    # Greedy: no line could also have taken the first word of the next line.
    for line, following in itertools.pairwise(lines):
        assert measure(line + " " + following.split(" ")[0]) > width


# --- properties ------------------------------------------------------------------------

HANGUL = "가나다라마바사아자차카타파하외로움서울마음약방"
LETTERS = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789"
PUNCTUATION = "".join(sorted(CLOSING_PUNCTUATION | OPENING_PUNCTUATION))
MEASURES: list[Measure] = [mono, uneven]

any_text = st.text(alphabet=HANGUL + LETTERS + PUNCTUATION + "  \t\u3000\n\u00a0", max_size=80)
widths = st.integers(min_value=1, max_value=40)
measures = st.sampled_from(MEASURES)


@given(any_text, widths, measures)
def test_no_line_is_wider_than_the_box(text: str, width: int, measure: Measure) -> None:
    for line in wrap(text, width, measure):
        assert measure(line) <= width or len(line) == 1


@given(any_text, widths, measures)
def test_no_character_is_lost_or_added(text: str, width: int, measure: Measure) -> None:
    assert non_spaces("".join(wrap(text, width, measure))) == non_spaces(text)


@given(any_text, widths, measures)
def test_no_line_starts_or_ends_with_a_space(text: str, width: int, measure: Measure) -> None:
    for line in wrap(text, width, measure):
        assert line == "" or (line[0] not in BREAKING_SPACES and line[-1] not in BREAKING_SPACES)


@given(any_text, any_text, widths, measures)
def test_explicit_newlines_are_honoured(
    first: str, second: str, width: int, measure: Measure
) -> None:
    together = wrap(first + "\n" + second, width, measure)
    assert together == wrap(first, width, measure) + wrap(second, width, measure)


@given(any_text, widths, measures, st.integers(min_value=0, max_value=6))
def test_fit_lines_agrees_with_wrap(
    text: str, width: int, measure: Measure, max_lines: int
) -> None:
    lines = list(measured_lines(text, width, measure))
    fits = len(lines) <= max_lines and all(line_width <= width for _, line_width in lines)
    expected = [line for line, _ in lines] if fits else None
    assert fit_lines(text, width, max_lines, measure) == expected


# Words as people write them: punctuation glued to the front or back of a word, single
# spaces between. With room for three characters a line, the rules are always satisfiable.
words = st.builds(
    lambda opening, body, closing: opening + body + closing,
    st.sampled_from(["", *sorted(OPENING_PUNCTUATION)]),
    st.text(alphabet=HANGUL + LETTERS, min_size=1, max_size=8),
    st.sampled_from(["", *sorted(CLOSING_PUNCTUATION)]),
)
sentences = st.lists(words, min_size=1, max_size=15).map(" ".join)
roomy_widths = st.integers(min_value=15, max_value=60)


@given(sentences, roomy_widths, measures)
def test_punctuation_rules_hold_when_there_is_room(text: str, width: int, measure: Measure) -> None:
    for line in wrap(text, width, measure):
        assert line[0] not in CLOSING_PUNCTUATION
        assert line[-1] not in OPENING_PUNCTUATION


@given(sentences, roomy_widths, measures)
def test_every_line_is_as_full_as_it_can_be(text: str, width: int, measure: Measure) -> None:
    if any(measure(word) > width for word in text.split(" ")):
        return  # per-character breaking is covered elsewhere; this is about word breaks
    lines = wrap(text, width, measure)
    # The line before the last may give a word away, so that the last is not a lone word.
    for index, (line, following) in enumerate(itertools.pairwise(lines)):
        if index != len(lines) - 2:
            assert measure(line + " " + following.split(" ")[0]) > width


def test_a_paragraph_never_ends_on_a_lone_word() -> None:
    # "드려요." alone on the last line is what a reader's eye trips over.
    assert wrap("증상을 고르면 처방전과 선물을 드려요.", 30, mono) == [
        "증상을 고르면 처방전과",
        "선물을 드려요.",
    ]
    # A separator is not a word: "· 24시간" alone takes the word before it along.
    assert wrap("1577-0199 · 정신건강 위기상담 · 24시간", 30, mono)[-1] == "위기상담 · 24시간"


def test_a_lone_word_stays_when_the_line_above_has_nothing_to_spare() -> None:
    assert wrap("가나다라마바사아자차 카", 20, mono) == ["가나다라마바사아자차", "카"]


@given(sentences, roomy_widths, measures)
def test_no_paragraph_ends_on_a_lone_word_when_company_fits(
    text: str, width: int, measure: Measure
) -> None:
    lines = wrap(text, width, measure)
    if len(lines) < 2 or len(lines[-1].split()) != 1:
        return
    before = lines[-2].split()
    # Only when carrying one word down would not fit, or leave one word behind.
    assert len(before) < 3 or measure(before[-1] + " " + lines[-1]) > width
