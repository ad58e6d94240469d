"""Screen text made ready for a voice: numbers digit by digit, symbols the voice would read
out or stumble on turned into pauses, and the language each piece is read in.

Pure functions. The phone-number rules themselves are `hardware.speech.text` (hyphenated
numbers and "120 → 5"); this adds the kiosk's own short numbers (109, 112, 119) and the symbols
the screens use for layout ("·", "▶", line breaks).
"""

from __future__ import annotations

import re

from hardware.speech.text import phone_digits, speakable

# A standalone 1xx number is a service number in Korea (109, 112, 119) and is read digit by
# digit (일일구, never 백십구). Not after a letter or a hyphen: "외로움안녕120" is the programme's
# name, and the "120" of "02-120" is part of a longer number, already read digit by digit.
_SERVICE_NUMBER = re.compile(r"(?<![\w-])1\d\d(?![\d-])")
_PAUSE = re.compile(r"\s*[·•|/]\s*|\s*\n+\s*")
_DROP = re.compile(r"[▶◀►◄▲▼★☆…]+")
# "112(경찰)" → "112, 경찰,"; before a particle the particle joins the words: "(02-120 → 5)이나".
_BRACKETS = re.compile(r"\s*\(([^()]*)\)(?![가-힣])")
_BRACKETS_PARTICLE = re.compile(r"\s*\(([^()]*)\)(?=[가-힣])")
_EN_UNITS = ((re.compile(r"(\d)\s*h\b"), r"\1 hours"), (re.compile(r"(\d)\s*s\b"), r"\1 seconds"))
_HANGUL = re.compile(r"[가-힣]")
_LATIN = re.compile(r"[A-Za-z]")


def for_voice(text: str, lang: str) -> str:
    """`text` as the voice should read it: "109 · 자살예방" → "일 공 구, 자살예방"."""
    out = speakable(text.replace("…", "."), lang)
    out = _SERVICE_NUMBER.sub(lambda m: phone_digits(m.group(0), lang), out)
    out = _DROP.sub("", out)
    out = _BRACKETS.sub(r", \1,", out)
    out = _BRACKETS_PARTICLE.sub(r", \1", out)
    if lang != "ko":
        for pattern, spelled in _EN_UNITS:
            out = pattern.sub(spelled, out)
    out = _PAUSE.sub(", ", out)
    out = re.sub(r"\s*,\s*(,\s*)+", ", ", out)  # "a, , b" after the rewrites above
    out = re.sub(r"\s*,\s*([.?!])", r"\1", out)
    out = re.sub(r"([.?!])\s*,", r"\1", out)  # a line break after a full stop
    return " ".join(out.split()).strip(" ,")


def language_of(text: str, lang: str) -> str:
    """The voice to read `text` with: a Latin-only label on a Korean screen ("English") is
    read by the English voice, a Hangul-only one on an English screen ("한국어") by the Korean."""
    if lang == "ko" and _LATIN.search(text) and not _HANGUL.search(text):
        return "en"
    if lang != "ko" and _HANGUL.search(text) and not _LATIN.search(text):
        return "ko"
    return lang
