"""Finding a font that has Hangul, and a FontBook that caches fonts and text widths.

Search order: NanumGothic (Debian/Raspberry Pi OS package `fonts-nanum`), then Noto Sans CJK
(`fonts-noto-cjk`), then whatever fontconfig says covers Korean. A font without Hangul draws
every syllable as the same empty box, so a missing Korean font is an error that names the
package to install, never a quiet fallback.

All text is measured and drawn through `FontBook.measure` and `FontBook.render` (or
`render_text`), which never raise on any string: the font library refuses a NUL, a lone
surrogate or a line too long for one surface, and one such text must not stop the frame loop.
The content checks refuse those characters long before (prescriptions.charset); this is the
last line of defence, not the only one.
"""

import logging
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pygame

from kiosk.shell.errors import KioskError
from prescriptions.charset import UNSAFE_PATTERN

log = logging.getLogger(__name__)

NANUM_DIR = Path("/usr/share/fonts/truetype/nanum")
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
INSTALL_HINT = "sudo apt-get install fonts-nanum"
# What is drawn in place of a character the screen must not or cannot show.
REPLACEMENT = "\ufffd"
# SDL surfaces are at most 16384 px wide on many drivers; a line is never meant to be longer
# than the screen, so a text that long is cut rather than refused.
MAX_RENDER_CHARS = 1000
Color = tuple[int, int, int] | str


class FontNotFoundError(KioskError):
    """No usable font with Hangul on this machine."""


class Weight(Enum):
    REGULAR = "regular"
    BOLD = "bold"


@dataclass(frozen=True)
class KoreanFonts:
    """Font files to use. `bold` is None when only a regular face exists; bold is then
    synthesised by pygame (heavier strokes from the regular outlines)."""

    regular: Path
    bold: Path | None
    origin: str  # where they were found, for the log and the technician


@dataclass(frozen=True)
class FontMatch:
    """What fontconfig offers for a pattern: the file and the languages it covers."""

    file: Path
    languages: frozenset[str]


FcMatch = Callable[[str], FontMatch | None]


def fc_match(pattern: str, executable: str = "fc-match") -> FontMatch | None:
    """Ask fontconfig for the best file for `pattern`; None when fc-match is unavailable."""
    try:
        result = subprocess.run(
            [executable, "--format=%{file}\n%{lang}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    file, _, languages = result.stdout.partition("\n")
    if result.returncode != 0 or not file:
        return None
    return FontMatch(Path(file), frozenset(languages.strip().split("|")))


def find_korean_fonts(
    nanum_dir: Path = NANUM_DIR,
    noto_dir: Path = NOTO_DIR,
    fontconfig: FcMatch = fc_match,
) -> KoreanFonts:
    """The Korean font files to use, or FontNotFoundError saying how to install them."""
    nanum = _pair(nanum_dir / "NanumGothic.ttf", nanum_dir / "NanumGothicBold.ttf", "fonts-nanum")
    noto = _pair(
        noto_dir / "NotoSansCJK-Regular.ttc", noto_dir / "NotoSansCJK-Bold.ttc", "fonts-noto-cjk"
    )
    found = nanum or noto or _from_fontconfig(fontconfig)
    if found is None:
        raise FontNotFoundError(
            f"No font with Hangul found (looked in {nanum_dir}, {noto_dir} and fontconfig). "
            f"Install one with: {INSTALL_HINT}"
        )
    return found


def _pair(regular: Path, bold: Path, origin: str) -> KoreanFonts | None:
    if not regular.is_file():
        return None
    return KoreanFonts(regular, bold if bold.is_file() else None, origin)


def _from_fontconfig(fontconfig: FcMatch) -> KoreanFonts | None:
    # fc-match always answers with *some* font; only one that declares Korean will do.
    regular = fontconfig("sans-serif:lang=ko")
    if regular is None or "ko" not in regular.languages:
        return None
    bold = fontconfig("sans-serif:lang=ko:weight=bold")
    bold_file = None
    if bold is not None and "ko" in bold.languages and bold.file != regular.file:
        bold_file = bold.file
    return KoreanFonts(regular.file, bold_file, "fontconfig")


def drawable(text: str) -> str:
    """`text` with every character the font library cannot take (NUL, lone surrogates) or
    that must not reach a screen (controls, bidi overrides, line separators) replaced."""
    return UNSAFE_PATTERN.sub(REPLACEMENT, text)


def render_text(
    font: pygame.font.Font, text: str, color: Color, antialias: bool = True
) -> pygame.Surface:
    """`font.render` that never raises: what it cannot draw is replaced or cut, and a text it
    still refuses comes out as an empty surface of the font's height (and a log line)."""
    safe = drawable(text)
    for attempt in (safe, safe[:MAX_RENDER_CHARS]):
        try:
            return font.render(attempt, antialias, color)
        except (pygame.error, ValueError, UnicodeError, MemoryError) as exc:
            log.warning("cannot draw a text of %d characters: %r", len(text), exc)
    return pygame.Surface((0, font.get_linesize()), pygame.SRCALPHA)


def text_width(font: pygame.font.Font, text: str) -> int:
    """`font.size(text)[0]` for exactly what `render_text` draws; never raises."""
    try:
        return int(font.size(drawable(text))[0])
    except (pygame.error, ValueError, UnicodeError) as exc:
        log.warning("cannot measure a text of %d characters: %r", len(text), exc)
        return 0


def renders_hangul(font: pygame.font.Font) -> bool:
    """Whether `font` draws real Hangul: without the glyphs, 가 and 나 come out as the same
    replacement box."""
    first, second = (pygame.image.tobytes(font.render(s, False, "black"), "RGBA") for s in "가나")
    return first != second


class FontBook:
    """Loaded fonts per (weight, px), and text widths per (weight, px, text).

    One per display, passed to whoever draws text. Initialises pygame.font if needed.
    """

    def __init__(self, fonts: KoreanFonts | None = None, measure_cache_size: int = 8192) -> None:
        self.fonts = fonts if fonts is not None else find_korean_fonts()
        self._fonts: dict[tuple[Weight, int], pygame.font.Font] = {}
        self._widths: dict[tuple[Weight, int, str], int] = {}
        self._measure_cache_size = measure_cache_size

    def font(self, weight: Weight, px: int) -> pygame.font.Font:
        """The font of `weight` whose size is `px` pixels."""
        key = (weight, px)
        if key not in self._fonts:
            self._fonts[key] = self._load(weight, px)
        return self._fonts[key]

    def regular(self, px: int) -> pygame.font.Font:
        return self.font(Weight.REGULAR, px)

    def bold(self, px: int) -> pygame.font.Font:
        return self.font(Weight.BOLD, px)

    def measure(self, text: str, px: int, weight: Weight = Weight.REGULAR) -> int:
        """Width in pixels of `text` on one line."""
        key = (weight, px, text)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) >= self._measure_cache_size:
                self._widths.clear()  # crude but bounded; a layout refills what it needs
            width = self._widths[key] = text_width(self.font(weight, px), text)
        return width

    def render(
        self,
        text: str,
        px: int,
        color: Color,
        weight: Weight = Weight.REGULAR,
        antialias: bool = True,
    ) -> pygame.Surface:
        """`text` drawn on one line; never raises (see `render_text`)."""
        return render_text(self.font(weight, px), text, color, antialias)

    def measurer(self, px: int, weight: Weight = Weight.REGULAR) -> Callable[[str], int]:
        """A cached `measure` for one size, in the shape `linebreak.wrap` wants."""
        return lambda text: self.measure(text, px, weight)

    def _load(self, weight: Weight, px: int) -> pygame.font.Font:
        if px < 1:
            raise ValueError(f"font size must be at least 1 px, not {px}")
        if not pygame.font.get_init():
            pygame.font.init()
        path = self.fonts.bold if weight is Weight.BOLD else self.fonts.regular
        font = pygame.font.Font(path or self.fonts.regular, px)
        if weight is Weight.BOLD and path is None:
            font.bold = True
        if not renders_hangul(font):
            raise FontNotFoundError(
                f"{path or self.fonts.regular} has no Hangul glyphs. Install: {INSTALL_HINT}"
            )
        return font
