"""Characters that must never reach a screen, a terminal or a spreadsheet from the content.

A visitor reads every text on the kiosk; staff read messages that quote the content in a
terminal. Some characters are invisible or act as commands there: a NUL stops a C string (the
font library raises on it), an ESC starts a terminal escape sequence, a bidi override reverses
the text around it (so "02-120" can be shown as "021-20"), U+2028 breaks a line where the layout
did not plan one. None of them has a place in a phrase, a name or a phone number, so the
content schema refuses them with file and line, and the screen code replaces them as a last
resort (kiosk.ui.fonts).

    unsafe_character(text, newline_ok)   the first character that is not allowed, or None
    describe(ch)                          "U+0000 NULL" for messages
    shown(text)                           text safe to print: unsafe characters as \\uXXXX
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Invisible formatting that changes the order or direction of what is around it.
_BIDI_CONTROLS = frozenset(
    "\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LEFT-TO-RIGHT / RIGHT-TO-LEFT MARK
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)
# Line and paragraph separators: a line break the layout and the CSV do not know about.
_SEPARATORS = frozenset("\u2028\u2029")
# Not characters at all; a file with them was damaged or made by a program, not typed.
_NONCHARACTERS = frozenset("\ufffe\uffff")


# Every character `is_unsafe` refuses (a line break too), for replacing them in one pass.
UNSAFE_PATTERN = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff"
    + "".join(sorted(_BIDI_CONTROLS | _SEPARATORS | _NONCHARACTERS))
    + "]"
)


def is_unsafe(ch: str, newline_ok: bool = False) -> bool:
    """Whether `ch` may not appear in content text (`newline_ok`: a line break is allowed)."""
    if ch == "\n":
        return not newline_ok
    code = ord(ch)
    return (
        code < 0x20  # C0 controls: NUL, TAB, ESC, …
        or 0x7F <= code <= 0x9F  # DEL and the C1 controls
        or 0xD800 <= code <= 0xDFFF  # lone surrogates: no character, cannot even be encoded
        or ch in _BIDI_CONTROLS
        or ch in _SEPARATORS
        or ch in _NONCHARACTERS
    )


@dataclass(frozen=True)
class Unsafe:
    """The first character that is not allowed, and where it is (0-based, in characters)."""

    index: int
    char: str

    @property
    def column(self) -> int:
        """1-based position for people: "the 3rd character"."""
        return self.index + 1


def unsafe_character(text: str, newline_ok: bool = False) -> Unsafe | None:
    for index, ch in enumerate(text):
        if is_unsafe(ch, newline_ok):
            return Unsafe(index, ch)
    return None


_NAMES = {
    "\x00": "NUL",
    "\t": "TAB",
    "\n": "LINE FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESC",
    "\x7f": "DELETE",
}


def describe(ch: str) -> str:
    """'U+0000 NUL', 'U+202E RIGHT-TO-LEFT OVERRIDE': how a message names the character."""
    name = _NAMES.get(ch) or unicodedata.name(ch, "")
    if not name and 0xD800 <= ord(ch) <= 0xDFFF:
        name = "SURROGATE"
    return f"U+{ord(ch):04X} {name}".rstrip()


def shown(text: str) -> str:
    """`text` fit to print in a message: every unsafe character (line breaks too) as \\uXXXX,
    so that quoting a bad value can neither garble a terminal nor hide what is wrong."""
    return "".join(f"\\u{ord(ch):04X}" if is_unsafe(ch) else ch for ch in text)
