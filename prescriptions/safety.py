"""Finding banned words in Korean and English whatever their spacing, punctuation, letter
case, particles or conjugation.

A banned term is written once, in its plain form, and stands for every form a writer may use:

- **Spacing, punctuation and case do not matter.** Texts and terms are compared with every
  space and punctuation mark taken out (Korean) or made a single space (English), after NFKC
  and case folding: "극단적 선택", "극단적선택", "극단적-선택" are one.
- **Korean particles and endings between the words** of a term: "극단적 선택" also matches
  "극단적인 선택", "살기 싫다" matches "살기가 싫어" (`JOINERS`). Anything may follow the
  last word, so "선택을", "선택이었다" match too.
- **Korean verbs and adjectives** are written in their dictionary form, ending in 다: "자살하다"
  stands for 자살하고, 자살한, 자살할, 자살해, 자살했다 …; "사라지고 싶다" for 사라지고 싶어 …;
  "뛰어내리다" for 뛰어내린, 뛰어내려, 뛰어내렸다. A stem ending in a vowel contracts with
  -아/-어 (지 → 져, 하 → 해, 르 → ㄹ라); a stem ending in a consonant keeps its form. The few
  irregular stems (낫다 → 나아, 긋다 → 그어) are listed in both forms.
- **English words** match whole words with their inflections (s, es, ed, ing; die → dying,
  take → took, hang → hung), so "sleeping tablet" matches "Sleeping-Tablets", and two special
  words stand for a class: "one's" for my, your, his, her, their …, "oneself" for myself,
  himself, themselves … ("take one's own life" matches "took his own life").

Latin terms never match inside a longer word ("psycho" does not hit "psychology"); Korean terms
do (Korean writes words together), so a Korean term must be specific enough not to be the end
and start of two innocent words (banned-terms.toml lists what is left out on purpose and why).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from prescriptions.hangul import is_syllable, parts, vowel_of, with_final, with_vowel

# What may stand between two words of a Korean term: particles and the endings that make the
# first word describe the second ("극단적인", "살기가", "죽는 게").
JOINERS = (
    "이",
    "가",
    "을",
    "를",
    "은",
    "는",
    "의",
    "인",
    "에",
    "에서",
    "로",
    "으로",
    "도",
    "만",
    "까지",
    "조차",
    "이나",
    "나",
    "와",
    "과",
    "이라는",
    "라는",
    "적인",
    "한",
    "하는",
    "할",
    "된",
)
_JOINER = "(?:" + "|".join(sorted(JOINERS, key=len, reverse=True)) + ")?"

POSSESSIVES = ("my", "your", "his", "her", "their", "our", "its", "one's", "someone's")
REFLEXIVES = (
    "myself",
    "yourself",
    "yourselves",
    "himself",
    "herself",
    "itself",
    "oneself",
    "ourselves",
    "themselves",
    "themself",
)
# English words that do not inflect, or whose inflections mean something else.
_PLAIN = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "off",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "into",
        "onto",
        "and",
        "or",
        "own",
        "not",
        "no",
        "my",
        "your",
        "his",
        "her",
        "their",
        "our",
        "its",
        "me",
        "you",
        "him",
        "them",
        "us",
        "it",
        "i",
        "he",
        "she",
        "they",
        "we",
    ]
)
_IRREGULAR = {
    "take": ("took", "taken", "taking", "takes"),
    "die": ("died", "dying", "dies"),
    "lie": ("lying", "lay", "lain", "lies"),
    "hang": ("hung", "hanged", "hanging", "hangs"),
    "cut": ("cuts", "cutting"),
    "slit": ("slits", "slitting"),
    "shoot": ("shot", "shooting", "shoots"),
    "throw": ("threw", "thrown", "throwing", "throws"),
    "leap": ("leapt", "leaped", "leaping", "leaps"),
    "fall": ("fell", "fallen", "falling", "falls"),
    "do": ("did", "done", "doing", "does"),
    "go": ("went", "gone", "going", "goes"),
    "be": ("was", "were", "been", "being", "is", "are", "am"),
    "want": ("wanted", "wanting", "wants", "wanna"),
    "life": ("lives",),
}
_VOWEL_LETTERS = frozenset("aeiou")


def fold(text: str) -> str:
    """NFKC, case folded, curly apostrophes made straight."""
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'").replace("‘", "'")


_NOT_LETTERS = re.compile(r"[\W_]+")
_NOT_WORD = re.compile(r"[^\w']+|_+")


def squeezed(text: str) -> str:
    """For Korean matching: only letters and digits, nothing between them."""
    return _NOT_LETTERS.sub("", fold(text))


# Where Latin letters and Hangul meet ("life은"): a word boundary for the English terms.
_SCRIPT_CHANGE = re.compile(r"(?<=[a-z0-9'])(?=[\uac00-\ud7a3])|(?<=[\uac00-\ud7a3])(?=[a-z0-9'])")


def spaced(text: str) -> str:
    """For English matching: words of letters, digits and apostrophes, one space apart; a
    Korean particle written onto an English word ("life은") is a word of its own."""
    words = _SCRIPT_CHANGE.sub(" ", _NOT_WORD.sub(" ", fold(text)))
    return " " + " ".join(words.split()) + " "


def is_latin(term: str) -> bool:
    return all(ord(ch) < 0x250 for ch in term)


# ── Korean ────────────────────────────────────────────────────────────────────────────────


def _contracted(stem: str) -> list[str]:
    """The stem joined with -아/-어 (and its past -았/-었), as Korean contracts them."""
    last = stem[-1]
    head = stem[:-1]
    vowel = vowel_of(last)
    if last == "하":
        return [head + "해", head + "했", head + "하여", head + "하였"]
    if last == "르" and head and is_syllable(head[-1]):  # 르 irregular: 모르 → 몰라
        before = head[-1]
        bright = vowel_of(before) in ("ㅏ", "ㅗ")
        ending = "라" if bright else "러"
        joined = head[:-1] + with_final(before, "ㄹ") + ending
        return [joined, joined[:-1] + with_final(ending, "ㅆ")]
    changed = {
        "ㅣ": "ㅕ",
        "ㅗ": "ㅘ",
        "ㅜ": "ㅝ",
        "ㅚ": "ㅙ",
        "ㅡ": "ㅏ" if head and vowel_of(head[-1]) in ("ㅏ", "ㅗ") else "ㅓ",
    }.get(vowel, vowel)
    if not changed:
        return []
    joined = head + with_vowel(last, changed)
    return [joined, joined[:-1] + with_final(joined[-1], "ㅆ")]


def verb_forms(stem: str) -> list[str]:
    """The starts of every form of a verb or adjective stem (its dictionary form without
    다): itself (-고, -는, -지, -게 …), with ㄴ/ㄹ/ㅁ/ㅂ as its last 받침 (-ㄴ, -ㄹ, -ㅁ,
    -ㅂ니다) and contracted with -아/-어 when it ends in a vowel."""
    last = stem[-1]
    if not is_syllable(last) or parts(last)[2] != 0:
        return [stem]
    forms = [stem, *(stem[:-1] + with_final(last, f) for f in ("ㄴ", "ㄹ", "ㅁ", "ㅂ"))]
    return forms + _contracted(stem)


def korean_pattern(term: str) -> str:
    words = [squeezed(w) for w in fold(term).split()]
    words = [w for w in words if w]
    if not words:
        return ""
    last = words[-1]
    if last.endswith("다") and len(last) > 1:
        forms = sorted(set(verb_forms(last[:-1])), key=len, reverse=True)
        tail = "(?:" + "|".join(re.escape(f) for f in forms) + ")"
    else:
        tail = re.escape(last)
    return _JOINER.join([*(re.escape(w) for w in words[:-1]), tail])


# ── English ───────────────────────────────────────────────────────────────────────────────


def english_forms(word: str) -> list[str]:
    """A word and its inflections."""
    if word == "one's":
        return list(POSSESSIVES)
    if word == "oneself":
        return list(REFLEXIVES)
    if word in _PLAIN or not word.isalpha() or len(word) < 3:
        return [word]
    forms = {word, *_IRREGULAR.get(word, ())}
    forms |= {word + "s", word + "es", word + "ed", word + "d", word + "ing"}
    if word.endswith("e"):
        forms.add(word[:-1] + "ing")
    if word.endswith("y") and word[-2] not in _VOWEL_LETTERS:
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if (
        word[-1] not in _VOWEL_LETTERS | {"w", "x", "y"}
        and word[-2] in _VOWEL_LETTERS
        and word[-3] not in _VOWEL_LETTERS
    ):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return sorted(forms, key=len, reverse=True)


def english_pattern(term: str) -> str:
    words = spaced(term).split()
    if not words:
        return ""
    alternatives = ["(?:" + "|".join(re.escape(f) for f in english_forms(w)) + ")" for w in words]
    # Words may also be written together ("selfharm", "killmyself").
    return r"(?<=[ ])" + " ?".join(alternatives) + r"(?=[ ])"


# ── the matcher ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Normalised:
    """A text made ready for matching once, however many terms are looked for in it."""

    korean: str  # letters and digits only
    latin: str  # words one space apart, a space at each end

    @classmethod
    def of(cls, text: str) -> Normalised:
        return cls(squeezed(text), spaced(text))


def _needle(term: str) -> str:
    """Letters every form of `term` contains, in its normalised text: a plain substring test
    finds the few texts worth a regular expression. "" when there is no such part."""
    if is_latin(term):
        words = [
            w
            for w in spaced(term).split()
            if w not in ("one's", "oneself") and w not in _IRREGULAR and w not in _PLAIN
        ]
        if not words:
            return ""
        longest = max(words, key=len)
        # Inflections change at most the last letter (overdose → overdosing, carry → carried).
        return longest[:-1] if len(longest) > 3 else longest
    words = [squeezed(w) for w in fold(term).split()]
    words = [w for w in words if w]
    if not words:
        return ""
    if len(words) > 1:
        return words[0]
    word = words[0]
    if word.endswith("다") and len(word) > 1:
        return word[:-2]  # the stem without its last syllable, which conjugation changes
    return word


@dataclass
class _Term:
    term: str
    latin: bool
    needle: str
    plain: bool  # a Korean noun of one word: the substring test is the whole match
    pattern: re.Pattern[str] | None = None

    def found_in(self, text: Normalised) -> bool:
        haystack = text.latin if self.latin else text.korean
        if self.needle not in haystack:
            return False
        if self.plain:
            return True
        if self.pattern is None:  # compiled when first needed: most terms never are
            source = english_pattern(self.term) if self.latin else korean_pattern(self.term)
            self.pattern = re.compile(source)
        return self.pattern.search(haystack) is not None


@dataclass
class BannedMatcher:
    """Finds which of a list of terms a text contains. Built once per check; each text is
    normalised once (`Normalised`); only the terms whose needle starts with two letters the
    text has are tried, with a substring test and, where the needle is there, a regular
    expression."""

    terms: Iterable[str]
    _terms: list[_Term] = field(init=False)
    _by_start: dict[tuple[bool, str], list[int]] = field(init=False)
    _always: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self._terms = []
        self._by_start = {}
        self._always = []
        for term in dict.fromkeys(self.terms):
            latin = is_latin(term)
            korean = None if latin else [squeezed(w) for w in fold(term).split()]
            plain = korean is not None and len(korean) == 1 and not korean[0].endswith("다")
            needle = _needle(term)
            if (latin and not english_pattern(term)) or (korean is not None and not any(korean)):
                continue
            index = len(self._terms)
            self._terms.append(_Term(term, latin, needle, plain))
            if len(needle) >= 2:
                self._by_start.setdefault((latin, needle[:2]), []).append(index)
            else:
                self._always.append(index)

    def find(self, text: str | Normalised) -> list[str]:
        """The terms in `text`, in the order of the list."""
        if not self._terms:
            return []
        ready = text if isinstance(text, Normalised) else Normalised.of(text)
        tried = set(self._always)
        for latin, haystack in ((False, ready.korean), (True, ready.latin)):
            pairs = {(latin, haystack[i : i + 2]) for i in range(len(haystack) - 1)}
            for key in pairs & self._by_start.keys():
                tried.update(self._by_start[key])
        return [self._terms[i].term for i in sorted(tried) if self._terms[i].found_in(ready)]
