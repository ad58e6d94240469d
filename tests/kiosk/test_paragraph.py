"""Paragraphs: wrapped with the real Korean font, drawn inside their rect, sized to fit."""

from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from kiosk.ui.linebreak import wrap
from kiosk.ui.paragraph import (
    draw_paragraph,
    fit_paragraph,
    layout_paragraph,
    line_rects,
    render_paragraph,
)

NANUM_GOTHIC = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
PHRASE = (
    "혼자인 것 같은 날에도, 당신을 생각하는 사람이 어딘가에 있어요. "
    "오늘은 좋아하는 노래 한 곡을 끝까지 들어 보세요."
)
WHITE = (255, 255, 255)


@pytest.fixture
def fonts(pygame_font: None) -> Iterator[dict[int, pygame.font.Font]]:
    cache: dict[int, pygame.font.Font] = {}
    yield cache


def nanum(cache: dict[int, pygame.font.Font], px: int) -> pygame.font.Font:
    if px not in cache:
        cache[px] = pygame.font.Font(NANUM_GOTHIC, px)
    return cache[px]


def ink_bounds(surface: pygame.Surface) -> pygame.Rect | None:
    """The smallest rect holding every pixel that is not the white background."""
    mask = pygame.mask.from_threshold(surface, WHITE, (1, 1, 1, 255))
    mask.invert()
    boxes = mask.get_bounding_rects()
    return boxes[0].unionall(boxes[1:]) if boxes else None


def test_layout_wraps_with_the_font_and_reports_its_size(
    fonts: dict[int, pygame.font.Font],
) -> None:
    font = nanum(fonts, 30)
    paragraph = layout_paragraph(PHRASE, font, 400, line_spacing=1.5)
    assert list(paragraph.lines) == wrap(PHRASE, 400, lambda s: font.size(s)[0])
    assert len(paragraph.lines) >= 3
    assert paragraph.line_widths == tuple(font.size(line)[0] for line in paragraph.lines)
    assert paragraph.width <= 400
    step = round(font.get_height() * 1.5)
    assert paragraph.height == (len(paragraph.lines) - 1) * step + font.get_height()


def test_drawn_text_stays_inside_its_rect(fonts: dict[int, pygame.font.Font]) -> None:
    surface = pygame.Surface((800, 600))
    surface.fill(WHITE)
    rect = pygame.Rect(100, 50, 420, 400)
    paragraph = layout_paragraph(PHRASE, nanum(fonts, 32), rect.width)
    drawn = draw_paragraph(surface, paragraph, rect, "black")
    assert not drawn.overflow
    ink = ink_bounds(surface)
    assert ink is not None and rect.contains(ink)
    assert ink.height > 2 * paragraph.line_height  # several lines really were drawn


def test_text_too_big_for_its_rect_is_clipped_and_reported(
    fonts: dict[int, pygame.font.Font],
) -> None:
    surface = pygame.Surface((800, 600))
    surface.fill(WHITE)
    rect = pygame.Rect(200, 200, 300, 60)
    paragraph = layout_paragraph(PHRASE, nanum(fonts, 40), rect.width)
    drawn = draw_paragraph(surface, paragraph, rect, "black")
    assert drawn.overflow
    ink = ink_bounds(surface)
    assert ink is not None and rect.contains(ink)
    assert surface.get_clip() == surface.get_rect()  # the caller's clip is given back


def test_centred_lines_have_equal_margins(fonts: dict[int, pygame.font.Font]) -> None:
    rect = pygame.Rect(10, 10, 500, 400)
    paragraph = layout_paragraph(PHRASE, nanum(fonts, 28), rect.width)
    for line in line_rects(paragraph, rect, align="center"):
        assert abs((line.left - rect.left) - (rect.right - line.right)) <= 1


def test_right_aligned_lines_end_at_the_right_edge(fonts: dict[int, pygame.font.Font]) -> None:
    rect = pygame.Rect(10, 10, 500, 400)
    paragraph = layout_paragraph(PHRASE, nanum(fonts, 28), rect.width)
    assert {line.right for line in line_rects(paragraph, rect, align="right")} == {rect.right}


def test_middle_alignment_centres_the_block_vertically(fonts: dict[int, pygame.font.Font]) -> None:
    rect = pygame.Rect(0, 0, 500, 400)
    paragraph = layout_paragraph(PHRASE, nanum(fonts, 28), rect.width)
    placed = line_rects(paragraph, rect, valign="middle")
    above, below = placed[0].top - rect.top, rect.bottom - placed[-1].bottom
    assert abs(above - below) <= 1


def test_rendered_paragraph_has_its_layout_size_and_ink(fonts: dict[int, pygame.font.Font]) -> None:
    paragraph = layout_paragraph("마음약방\n처방전", nanum(fonts, 36), 300)
    surface = render_paragraph(paragraph, "black")
    assert surface.get_size() == paragraph.size
    assert pygame.mask.from_surface(surface).count() > 0


def test_fit_picks_the_largest_size_that_fits(fonts: dict[int, pygame.font.Font]) -> None:
    box = (480, 200)
    result = fit_paragraph(PHRASE, lambda px: nanum(fonts, px), box, max_px=80, min_px=12)
    assert result is not None
    px, paragraph = result
    assert 12 <= px < 80
    assert paragraph.fits(box)
    assert paragraph.font is nanum(fonts, px)
    one_bigger = layout_paragraph(PHRASE, nanum(fonts, px + 1), box[0])
    assert not one_bigger.fits(box)


def test_short_text_gets_the_maximum_size(fonts: dict[int, pygame.font.Font]) -> None:
    result = fit_paragraph("안녕", lambda px: nanum(fonts, px), (600, 300), max_px=64, min_px=12)
    assert result is not None and result[0] == 64


def test_text_that_cannot_fit_even_at_the_minimum_is_none(
    fonts: dict[int, pygame.font.Font],
) -> None:
    assert fit_paragraph(PHRASE, lambda px: nanum(fonts, px), (200, 40), 48, 24) is None


def test_fit_needs_few_layouts(fonts: dict[int, pygame.font.Font]) -> None:
    sizes: list[int] = []

    def counting(px: int) -> pygame.font.Font:
        sizes.append(px)
        return nanum(fonts, px)

    fit_paragraph(PHRASE, counting, (480, 200), max_px=120, min_px=10)
    assert len(sizes) <= 9  # 1 + log2(110), not one layout per size


def test_empty_text_is_one_empty_line(fonts: dict[int, pygame.font.Font]) -> None:
    font = nanum(fonts, 20)
    paragraph = layout_paragraph("", font, 100)
    assert paragraph.lines == ("",)
    assert paragraph.size == (0, font.get_height())
