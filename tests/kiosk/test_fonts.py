"""Finding a Korean font and the FontBook that hands out fonts and widths."""

import shutil
from pathlib import Path

import pygame
import pytest

from kiosk.ui.fonts import (
    INSTALL_HINT,
    FontBook,
    FontMatch,
    FontNotFoundError,
    KoreanFonts,
    Weight,
    fc_match,
    find_korean_fonts,
    renders_hangul,
)

NANUM_DIR = Path("/usr/share/fonts/truetype/nanum")
NANUM_REGULAR = NANUM_DIR / "NanumGothic.ttf"
NANUM_BOLD = NANUM_DIR / "NanumGothicBold.ttf"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_MATCH = FontMatch(DEJAVU, frozenset({"en", "de", "ru"}))


def no_fontconfig(pattern: str) -> FontMatch | None:
    return None


def only_dejavu(pattern: str) -> FontMatch | None:
    return DEJAVU_MATCH


def korean_regular_only(pattern: str) -> FontMatch | None:
    return FontMatch(NANUM_REGULAR, frozenset({"ko", "en"}))


def test_nanum_gothic_is_found_on_this_machine() -> None:
    fonts = find_korean_fonts()
    assert fonts == KoreanFonts(NANUM_REGULAR, NANUM_BOLD, "fonts-nanum")


def test_nanum_comes_before_noto(tmp_path: Path) -> None:
    nanum, noto = tmp_path / "nanum", tmp_path / "noto"
    nanum.mkdir()
    noto.mkdir()
    (nanum / "NanumGothic.ttf").touch()
    (noto / "NotoSansCJK-Regular.ttc").touch()
    assert find_korean_fonts(nanum, noto, no_fontconfig).origin == "fonts-nanum"


def test_noto_cjk_is_used_when_nanum_is_missing(tmp_path: Path) -> None:
    (tmp_path / "NotoSansCJK-Regular.ttc").touch()
    (tmp_path / "NotoSansCJK-Bold.ttc").touch()
    fonts = find_korean_fonts(tmp_path / "absent", tmp_path, no_fontconfig)
    expected = KoreanFonts(
        tmp_path / "NotoSansCJK-Regular.ttc", tmp_path / "NotoSansCJK-Bold.ttc", "fonts-noto-cjk"
    )
    assert fonts == expected


def test_missing_bold_face_means_synthesised_bold(tmp_path: Path) -> None:
    (tmp_path / "NanumGothic.ttf").touch()
    assert find_korean_fonts(tmp_path, tmp_path, no_fontconfig).bold is None


def test_fontconfig_is_the_last_resort_when_it_offers_korean(tmp_path: Path) -> None:
    fonts = find_korean_fonts(tmp_path, tmp_path, korean_regular_only)
    # The same file for regular and bold means there is no real bold face.
    assert fonts == KoreanFonts(NANUM_REGULAR, None, "fontconfig")


def test_a_font_without_hangul_is_refused_with_install_advice(tmp_path: Path) -> None:
    with pytest.raises(FontNotFoundError, match=INSTALL_HINT.replace("-", r"\-")):
        find_korean_fonts(tmp_path, tmp_path, only_dejavu)
    assert "apt-get install fonts-nanum" in INSTALL_HINT


def test_no_fonts_at_all_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FontNotFoundError, match="No font with Hangul"):
        find_korean_fonts(tmp_path, tmp_path, no_fontconfig)


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig not installed")
def test_fc_match_reports_file_and_korean_coverage() -> None:
    match = fc_match("sans-serif:lang=ko")
    assert match is not None
    assert match.file.is_file()
    assert "ko" in match.languages
    dejavu = fc_match("DejaVu Sans")
    assert dejavu is not None and "ko" not in dejavu.languages


def test_fc_match_without_fontconfig_is_none() -> None:
    assert fc_match("sans-serif", executable="/nonexistent/fc-match") is None


@pytest.mark.usefixtures("pygame_font")
def test_hangul_check_tells_nanum_from_a_latin_font() -> None:
    assert renders_hangul(pygame.font.Font(NANUM_REGULAR, 24))
    assert not renders_hangul(pygame.font.Font(DEJAVU, 24))


@pytest.mark.usefixtures("pygame_font")
def test_font_book_refuses_a_font_file_without_hangul() -> None:
    book = FontBook(KoreanFonts(DEJAVU, None, "test"))
    with pytest.raises(FontNotFoundError, match="no Hangul"):
        book.regular(24)


@pytest.mark.usefixtures("pygame_font")
def test_font_book_caches_fonts_per_weight_and_size() -> None:
    book = FontBook(KoreanFonts(NANUM_REGULAR, NANUM_BOLD, "test"))
    assert book.regular(24) is book.regular(24)
    assert book.regular(24) is not book.regular(32)
    assert book.bold(24) is not book.regular(24)
    assert book.font(Weight.BOLD, 24) is book.bold(24)
    assert book.regular(32).get_height() > book.regular(24).get_height()


def ink(font: pygame.font.Font, text: str) -> int:
    """How many pixels the text darkens: bold strokes cover more of them."""
    surface = font.render(text, True, "black", "white")
    return sum(1 for byte in pygame.image.tobytes(surface, "RGB")[::3] if byte < 128)


@pytest.mark.usefixtures("pygame_font")
def test_bold_is_heavier_than_regular_real_or_synthesised() -> None:
    real = FontBook(KoreanFonts(NANUM_REGULAR, NANUM_BOLD, "test"))
    synthesised = FontBook(KoreanFonts(NANUM_REGULAR, None, "test"))
    text = "마음약방 처방전"
    for book in (real, synthesised):
        assert ink(book.bold(24), text) > ink(book.regular(24), text) * 1.2
    assert synthesised.bold(24).bold


@pytest.mark.usefixtures("pygame_font")
def test_measure_matches_the_rendered_width_even_past_the_cache_size() -> None:
    book = FontBook(KoreanFonts(NANUM_REGULAR, NANUM_BOLD, "test"), measure_cache_size=2)
    measure = book.measurer(28)
    for text in ["외로움", "안녕", "120", "외로움", "다산콜센터"]:
        assert measure(text) == book.regular(28).render(text, True, "black").get_width()


@pytest.mark.usefixtures("pygame_font")
def test_sizes_below_one_pixel_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 px"):
        FontBook(KoreanFonts(NANUM_REGULAR, None, "test")).regular(0)
