"""Grayscale to the thermal head's 1-bit rows: text stays crisp, pictures keep their tones."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from hardware.printer.bench import measure_slip_bytes
from hardware.printer.raster import (
    Box,
    Dither,
    Raster,
    bayer_threshold,
    pad_to,
    to_1bit,
)

FONTS = (
    Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


def reference(gray: bytes, width: int, dark: list[list[bool]] | None = None) -> Raster:
    """Packs rows the slow, obvious way: MSB first, 1 = black, rows padded to bytes."""
    height = len(gray) // width
    if dark is None:
        dark = [[gray[y * width + x] < 160 for x in range(width)] for y in range(height)]
    data = bytearray()
    for row in dark:
        for start in range(0, width, 8):
            byte = 0
            for bit, black in enumerate(row[start : start + 8]):
                byte |= black << (7 - bit)
            data.append(byte)
    return Raster(width, height, bytes(data))


images = st.integers(1, 40).flatmap(
    lambda width: st.tuples(
        st.just(width),
        st.integers(0, 12).flatmap(lambda h: st.binary(min_size=width * h, max_size=width * h)),
    )
)


@given(images)
def test_thresholding_marks_exactly_the_pixels_darker_than_the_threshold(
    image: tuple[int, bytes],
) -> None:
    width, gray = image
    assert to_1bit(gray, width) == reference(gray, width)


@settings(max_examples=50)
@given(images)
def test_ordered_dithering_follows_the_bayer_matrix_across_the_whole_picture(
    image: tuple[int, bytes],
) -> None:
    width, gray = image
    height = len(gray) // width
    if height == 0:
        return
    dark = [
        [255 - gray[y * width + x] > bayer_threshold(x, y) for x in range(width)]
        for y in range(height)
    ]
    whole = Box(0, 0, width, height)
    raster = to_1bit(gray, width, pictures=[whole], picture_dither=Dither.ORDERED)
    assert raster == reference(gray, width, dark)


@pytest.mark.parametrize("how", [Dither.FLOYD_STEINBERG, Dither.ORDERED])
@pytest.mark.parametrize("level", [0, 32, 64, 128, 192, 255])
def test_a_gray_picture_keeps_its_tone_as_dot_density(how: Dither, level: int) -> None:
    width, height = 64, 64
    gray = bytes([level]) * (width * height)
    raster = to_1bit(gray, width, pictures=[Box(0, 0, width, height)], picture_dither=how)
    density = raster.black_dots() / (width * height)
    assert density == pytest.approx((255 - level) / 255, abs=0.02)


def test_only_the_picture_box_is_dithered() -> None:
    width, height = 80, 40
    gray = bytes([128]) * (width * height)  # mid gray everywhere
    box = Box(16, 8, 32, 16)
    raster = to_1bit(gray, width, pictures=[box])
    inside = sum(raster.dot(x, y) for y in range(8, 24) for x in range(16, 48))
    outside = raster.black_dots() - inside
    assert 0.4 < inside / (32 * 16) < 0.6  # dithered to half tone
    assert outside == width * height - 32 * 16  # 128 < 160: thresholded to black


def hangul(text: str, size: int, ink: int = 0) -> tuple[bytes, int]:
    """`text` drawn anti-aliased in gray level `ink` on white, as a renderer would."""
    font_path = next((p for p in FONTS if p.exists()), None)
    assert font_path is not None, "no Korean font: run `make setup` (fonts-nanum)"
    font = ImageFont.truetype(str(font_path), size)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right - left + 8, bottom - top + 8), 255)
    ImageDraw.Draw(image).text((4 - left, 4 - top), text, font=font, fill=ink)
    return image.tobytes(), image.width


def isolated_dots(raster: Raster) -> int:
    """Black dots with no black neighbour left, right, above or below: specks, not strokes."""
    count = 0
    for y in range(raster.height):
        for x in range(raster.width):
            if not raster.dot(x, y):
                continue
            neighbours = [
                raster.dot(nx, ny)
                for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1))
                if 0 <= nx < raster.width and 0 <= ny < raster.height
            ]
            count += not any(neighbours)
    return count


def both_ways(gray: bytes, width: int) -> tuple[Raster, Raster]:
    """(thresholded as text, Floyd–Steinberg dithered as if it were a picture)"""
    whole = Box(0, 0, width, len(gray) // width)
    return to_1bit(gray, width), to_1bit(gray, width, pictures=[whole])


def test_black_hangul_is_printed_with_full_strokes_and_no_specks() -> None:
    gray, width = hangul("마음약방 처방전: 하루 세 번", 20)
    ink = sum(255 - v for v in gray) / 255  # the glyphs' area in whole pixels
    crisp, dithered = both_ways(gray, width)
    assert crisp.black_dots() == pytest.approx(ink, rel=0.25)
    assert isolated_dots(crisp) == 0
    assert crisp.black_dots() > 1.05 * dithered.black_dots()  # dithering thins the strokes


def test_gray_hangul_stays_whole_strokes_where_dithering_breaks_it_into_specks() -> None:
    gray, width = hangul("하루 세 번, 따뜻한 물과 함께", 24, ink=100)  # a secondary line
    crisp, dithered = both_ways(gray, width)
    assert isolated_dots(dithered) > 5 * max(1, isolated_dots(crisp))
    assert crisp.black_dots() > 1.2 * dithered.black_dots()


def test_rows_are_packed_msb_first_and_padded_with_white() -> None:
    gray = bytearray([255]) * 10 * 2
    gray[0] = 0  # row 0, x 0
    gray[10 + 9] = 0  # row 1, x 9
    raster = to_1bit(bytes(gray), 10)
    assert raster.data == bytes([0x80, 0x00, 0x00, 0x40])
    assert raster.dot(0, 0) and raster.dot(9, 1) and raster.black_dots() == 2


def test_a_narrow_slip_is_centred_and_a_wide_one_refused() -> None:
    raster = to_1bit(bytes([0]) * 16, 16)
    padded = pad_to(raster, 64)
    assert padded.width == 64
    assert [x for x in range(64) if padded.dot(x, 0)] == list(range(24, 40))
    with pytest.raises(ValueError, match="does not fit"):
        pad_to(to_1bit(bytes(100), 100), 64)


def test_bad_buffers_and_boxes_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="whole rows"):
        to_1bit(bytes(10), 3)
    with pytest.raises(ValueError, match="not inside"):
        to_1bit(bytes(100), 10, pictures=[Box(5, 5, 10, 2)])
    with pytest.raises(ValueError, match="bytes for"):
        Raster(8, 2, b"\x00")


def test_one_80mm_slip_becomes_printer_bytes_well_within_the_budget() -> None:
    bench = measure_slip_bytes(576, 1200, repeats=3)
    band = 8 + 72 * 256
    assert bench.job_bytes == 2 + 4 * band + (8 + 72 * 176) + 3 + 3
    assert bench.best_ms < 150  # the whole budget, renderer included, on the Pi
