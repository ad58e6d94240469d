"""Phone numbers and list positions as the voice says them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.speech.text import (
    Dial,
    dial_instruction,
    parse_dial,
    phone_digits,
    position,
    speakable,
)

KO_COUNTS = (
    "한 두 세 네 다섯 여섯 일곱 여덟 아홉 열 "
    "열한 열두 열세 열네 열다섯 열여섯 열일곱 열여덟 열아홉 스무"
)
EN_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
)
EN_COUNTS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)


def test_the_loneliness_line_is_read_digit_by_digit_with_zero_as_gong() -> None:
    assert phone_digits("02-120", "ko") == "공 이, 일 이 공"
    assert phone_digits("02-120", "en") == "zero two, one two zero"


def test_the_crisis_line_is_dialable_from_what_the_voice_says() -> None:
    assert phone_digits("1577-0199", "ko") == "일 오 칠 칠, 공 일 구 구"
    assert phone_digits("1577-0199", "en") == "one five seven seven, zero one nine nine"
    assert phone_digits("(02) 876-0900", "ko") == "공 이, 팔 칠 육, 공 구 공 공"


def test_call_then_press_reads_as_an_announcer_would() -> None:
    dial = parse_dial("02-120 → 5")
    assert dial == Dial("02-120", "5")
    assert dial_instruction(dial, "ko") == "공 이, 일 이 공으로 전화하신 뒤, 오 번을 누르세요."
    assert dial_instruction(dial, "en") == "Call zero two, one two zero, then press five."
    assert parse_dial("120->5") == Dial("120", "5")
    assert dial_instruction(parse_dial("109"), "ko") == "일 공 구로 전화하세요."


@pytest.mark.parametrize(
    ("number", "ending"),
    [("112", "이로"), ("1577-0199", "구로"), ("02-993-3222", "이로"), ("120", "공으로"),
     ("02-984-6777", "칠로"), ("0103", "삼으로"), ("0106", "육으로")],
)  # fmt: skip
def test_the_particle_after_the_number_follows_its_last_syllable(number: str, ending: str) -> None:
    assert dial_instruction(Dial(number), "ko").endswith(f"{ending} 전화하세요.")


def test_numbers_inside_a_sentence_are_rewritten_and_counts_are_not() -> None:
    text = "외로움안녕120 (02-120 → 5) 또는 1577-0199, 사탕 3개"
    assert speakable(text, "ko") == (
        "외로움안녕120 (공 이, 일 이 공, 다음에 오 번) 또는 일 오 칠 칠, 공 일 구 구, 사탕 3개"
    )
    assert speakable("Call 02-120 → 5 today", "en") == (
        "Call zero two, one two zero, then five today"
    )


def test_hotlines_given_as_short_numbers_are_read_digit_by_digit() -> None:
    said = speakable("위급하면 112, 119, 상담은 109", "ko", short_numbers=("109", "112", "119"))
    assert said == "위급하면 일 일 이, 일 일 구, 상담은 일 공 구"
    assert speakable("1190명", "ko", short_numbers=("119",)) == "1190명"


def test_text_without_a_number_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="no digits"):
        phone_digits("--", "ko")
    with pytest.raises(ValueError, match="no phone number"):
        parse_dial("전화")


@given(st.lists(st.text("0123456789", min_size=1, max_size=4), min_size=1, max_size=3))
def test_every_digit_becomes_one_spoken_word(groups: list[str]) -> None:
    number = "-".join(groups)
    for lang in ("ko", "en"):
        said = phone_digits(number, lang)
        assert not re.search(r"\d", said)
        assert [len(g.split()) for g in said.split(", ")] == [len(g) for g in groups]


def test_korean_positions_from_one_to_twenty() -> None:
    counts = KO_COUNTS.split()
    for total in range(1, 21):
        assert position(total, total, "ko").startswith(f"{counts[total - 1]} 개 중 ")
    ordinals = ["첫", *counts[1:]]
    for index in range(1, 21):
        assert position(index, 20, "ko") == f"스무 개 중 {ordinals[index - 1]} 번째"
    assert position(2, 3, "ko") == "세 개 중 두 번째"
    assert position(11, 12, "ko") == "열두 개 중 열한 번째"
    assert position(21, 30, "ko") == "서른 개 중 스물한 번째"


def test_english_positions_from_one_to_twenty() -> None:
    ordinals, counts = EN_ORDINALS.split(), EN_COUNTS.split()
    for index in range(1, 21):
        assert position(index, 20, "en") == f"{ordinals[index - 1]} of twenty"
        assert position(1, index, "en") == f"first of {counts[index - 1]}"
    assert position(2, 3, "en") == "second of three"
    assert position(21, 42, "en") == "twenty-first of forty-two"
    assert position(30, 99, "en") == "thirtieth of ninety-nine"
    assert position(102, 150, "en") == "102nd of 150"


def test_a_position_outside_the_list_is_an_error() -> None:
    for index, total in ((0, 3), (4, 3)):
        with pytest.raises(ValueError, match="outside the list"):
            position(index, total, "ko")
