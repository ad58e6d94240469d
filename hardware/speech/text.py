"""Text as a voice should say it: phone numbers digit by digit, positions in a list.

Pure functions, no I/O. Languages: "ko" and "en" (anything else is read like "en").

Why: espeak-ng reads "1577-0199" in Korean as 천오백칠십칠 영 일백구십구 and in English as
"one thousand five hundred seventy seven dash zero one nine nine". Nobody can dial that. A
Korean announcer reads a phone number digit by digit, zero as 공, the hyphen as a short pause:
"02-120, then 5" is 공이, 일이공 … 오 번. Digits are spaced here (공 이, 일 이 공) so that a
robotic voice gives each one its own beat; the comma between groups is the pause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_KO_DIGITS = ("공", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구")
_EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# Native Korean numbers as they stand before a counter (한 개, 스무 개) and as ordinals (첫 번째).
_KO_UNITS = ("", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉")
_KO_TENS = ("", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔")

_EN_ONES = (
    "",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_ORDINAL_SPECIAL = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}

# A phone number: digit groups joined by hyphens ("02-120", "1577-0199", "010-1234-5678").
_PHONE = r"\d{2,4}(?:-\d{3,4}){1,2}"
# "02-120 → 5", "120→5", "02-120 -> 5": call, then press a key.
_DIAL = re.compile(rf"(?<![\d-])({_PHONE}|\d{{2,4}})\s*(?:→|->)\s*(\d{{1,3}})(?![\d-])")
_PHONE_ALONE = re.compile(rf"(?<![\d-])({_PHONE})(?![\d-])")


# --- phone numbers -----------------------------------------------------------------------------


def phone_digits(number: str, lang: str) -> str:
    """ "02-120" → "공 이, 일 이 공" / "zero two, one two zero".

    Groups are the runs of digits between hyphens, spaces, dots or parentheses.
    Raises ValueError when there is no digit at all.
    """
    groups = re.findall(r"\d+", number)
    if not groups:
        raise ValueError(f"no digits in phone number {number!r}")
    digits = _KO_DIGITS if lang == "ko" else _EN_DIGITS
    return ", ".join(" ".join(digits[int(d)] for d in group) for group in groups)


def _ro(word: str) -> str:
    """The particle (으)로 after a word: 으로 after a final consonant other than ㄹ."""
    last = word[-1]
    if "가" <= last <= "힣":
        final = (ord(last) - 0xAC00) % 28
        if final not in (0, 8):  # 0: no final consonant, 8: ㄹ
            return "으로"
    return "로"


@dataclass(frozen=True)
class Dial:
    """A number to call and, optionally, a key to press once connected (120 → 5)."""

    number: str
    then: str = ""


def parse_dial(text: str) -> Dial:
    """ "02-120 → 5" → Dial("02-120", "5"); "109" → Dial("109"). ValueError when no number."""
    match = _DIAL.search(text)
    if match:
        return Dial(match.group(1), match.group(2))
    found = re.search(r"\d[\d\s().-]*\d|\d", text)
    if not found:
        raise ValueError(f"no phone number in {text!r}")
    return Dial(found.group(0).strip())


def dial_instruction(dial: Dial, lang: str) -> str:
    """A whole sentence telling how to call.

    ko: "공 이, 일 이 공으로 전화하신 뒤, 오 번을 누르세요."
    en: "Call zero two, one two zero, then press five."
    """
    spoken = phone_digits(dial.number, lang)
    if lang == "ko":
        if not dial.then:
            return f"{spoken}{_ro(spoken)} 전화하세요."
        key = " ".join(_KO_DIGITS[int(d)] for d in dial.then)
        return f"{spoken}{_ro(spoken)} 전화하신 뒤, {key} 번을 누르세요."
    if not dial.then:
        return f"Call {spoken}."
    return f"Call {spoken}, then press {' '.join(_EN_DIGITS[int(d)] for d in dial.then)}."


def speakable(text: str, lang: str, *, short_numbers: Iterable[str] = ()) -> str:
    """`text` with its phone numbers rewritten for the voice, the rest untouched.

    Hyphenated numbers are always read digit by digit, and "120 → 5" becomes
    "일 이 공, 다음에 오 번" / "one two zero, then five". Bare numbers are left alone (they may
    be counts), except those in `short_numbers`: give the hotlines that are said digit by digit
    (in Korean 112 and 119 are 일일이, 일일구, never 백십이).
    """

    def dial(match: re.Match[str]) -> str:
        key_digits = _KO_DIGITS if lang == "ko" else _EN_DIGITS
        key = " ".join(key_digits[int(d)] for d in match.group(2))
        joiner = "다음에" if lang == "ko" else "then"
        unit = " 번" if lang == "ko" else ""
        return f"{phone_digits(match.group(1), lang)}, {joiner} {key}{unit}"

    out = _DIAL.sub(dial, text)
    out = _PHONE_ALONE.sub(lambda m: phone_digits(m.group(1), lang), out)
    for number in short_numbers:
        if not number.isdigit():
            raise ValueError(f"short number {number!r} must be digits only")
        out = re.sub(rf"(?<!\d){number}(?!\d)", phone_digits(number, lang), out)
    return out


# --- positions ---------------------------------------------------------------------------------


def _ko_count(n: int) -> str:
    """Native Korean number before a counter: 1 한, 2 두, 11 열한, 20 스무, 21 스물한."""
    if n == 20:
        return "스무"
    return _KO_TENS[n // 10] + _KO_UNITS[n % 10]


def _ko_ordinal(n: int) -> str:
    """첫 for 1 alone (열한 번째, not 열첫 번째)."""
    return "첫" if n == 1 else _ko_count(n)


def _en_number(n: int) -> str:
    if n < 20:
        return _EN_ONES[n]
    tens, ones = divmod(n, 10)
    return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")


def _en_ordinal(n: int) -> str:
    words = _en_number(n)
    head, sep, last = words.rpartition("-")
    if last in _EN_ORDINAL_SPECIAL:
        last = _EN_ORDINAL_SPECIAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return f"{head}{sep}{last}"


def position(index: int, total: int, lang: str) -> str:
    """Where the focus is: position(2, 3) → "세 개 중 두 번째" / "second of three".

    `index` counts from 1. Words up to 99; beyond that, digits (still correct, less smooth).
    Raises ValueError unless 1 <= index <= total.
    """
    if not 1 <= index <= total:
        raise ValueError(f"position {index} of {total} is outside the list")
    if lang == "ko":
        if total > 99:
            return f"{total}개 중 {index}번째"
        return f"{_ko_count(total)} 개 중 {_ko_ordinal(index)} 번째"
    if total > 99:
        suffix = "th" if 10 <= index % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(index % 10)
        return f"{index}{suffix or 'th'} of {total}"
    return f"{_en_ordinal(index)} of {_en_number(total)}"
