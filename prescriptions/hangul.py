"""Hangul syllables taken apart and put together, for particles and for verb endings.

A syllable is an initial consonant, a vowel and an optional final consonant (받침); Unicode
numbers the 11,172 syllables so that each part can be computed. `has_final_consonant` chooses
between 을/를, 이/가 …; `with_final` and `vowel_of` let the safety check spell a verb stem's
conjugated forms ("사라지" → "사라진", "사라져").
"""

from __future__ import annotations

from types import MappingProxyType

FIRST = 0xAC00
LAST = 0xD7A3
_VOWELS = 21
_FINALS = 28

# Indexes of vowels and final consonants in the Unicode order.
VOWEL = MappingProxyType(
    {name: index for index, name in enumerate("ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ")}
)
# "-" is index 0: no final consonant.
FINAL = MappingProxyType(
    {
        name: index
        for index, name in enumerate("-ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
    }
)
_VOWEL_NAMES = {index: name for name, index in VOWEL.items()}

# Particles whose form depends on the 받침 before them: (after a consonant, after a vowel).
PARTICLES = MappingProxyType(
    {
        "을를": ("을", "를"),
        "이가": ("이", "가"),
        "은는": ("은", "는"),
        "과와": ("과", "와"),
        "으로로": ("으로", "로"),
        "이에요예요": ("이에요", "예요"),
    }
)


def is_syllable(ch: str) -> bool:
    return len(ch) == 1 and FIRST <= ord(ch) <= LAST


def parts(ch: str) -> tuple[int, int, int]:
    """(initial, vowel, final) indexes of a syllable; final 0 is no 받침."""
    code = ord(ch) - FIRST
    return code // (_VOWELS * _FINALS), (code // _FINALS) % _VOWELS, code % _FINALS


def syllable(initial: int, vowel: int, final: int = 0) -> str:
    return chr(FIRST + (initial * _VOWELS + vowel) * _FINALS + final)


def vowel_of(ch: str) -> str:
    """The vowel of a syllable by name ("ㅏ"), or "" for anything else."""
    return _VOWEL_NAMES[parts(ch)[1]] if is_syllable(ch) else ""


def with_final(ch: str, final: str) -> str:
    """The syllable with the 받침 `final` ("ㄴ") in place of none; unchanged otherwise."""
    if not is_syllable(ch):
        return ch
    initial, vowel, current = parts(ch)
    return syllable(initial, vowel, FINAL[final]) if current == 0 else ch


def with_vowel(ch: str, vowel: str) -> str:
    """The syllable with its vowel replaced (no 받침 kept)."""
    initial, _, _ = parts(ch)
    return syllable(initial, VOWEL[vowel])


# Digits as Korean reads them: 일 삼 육 칠 팔 end in a consonant, 이 사 오 구 do not; a number
# ending in 0 ends in 십, 백, 천 or 만, all with one ("120을", "109에", "1577-0199로").
_DIGIT_FINAL = frozenset("0136780")


def has_final_consonant(word: str) -> bool:
    """Whether the last sound of `word` is a consonant (받침): its last Hangul syllable's, or
    its last digit's as Korean reads it; Latin letters count as vowels."""
    for ch in reversed(word.strip()):
        if is_syllable(ch):
            return parts(ch)[2] != 0
        if ch.isdigit():
            return ch in _DIGIT_FINAL
        if ch.isalnum():
            return False
    return False


def with_particle(word: str, pair: str) -> str:
    """`word` followed by the form of the particle `pair` ("을를") its last sound asks for.
    "으로로": after ㄹ it is 로 ("서울로"), like after a vowel."""
    after_consonant, after_vowel = PARTICLES[pair]
    final = has_final_consonant(word)
    if pair == "으로로" and final:
        last = next(ch for ch in reversed(word.strip()) if is_syllable(ch))
        final = parts(last)[2] != FINAL["ㄹ"]
    return word + (after_consonant if final else after_vowel)
