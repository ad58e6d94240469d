"""The Typesetter every screen uses: the largest size that fits, never text outside its box,
alignment as asked, and a misfit flagged rather than hidden."""

from __future__ import annotations

import pygame
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.ui.scene import Typesetter
from tests.kiosk.ui_support import fonts

INK = (0, 0, 0)
PHRASE = "외롭다는 건 마음이 사람을 좋아한다는 뜻이에요. 그 마음, 조금도 부끄러운 게 아니에요."


def setter(min_px: int = 20) -> Typesetter:
    return Typesetter(fonts(), min_px)


def test_short_text_keeps_the_size_asked_for() -> None:
    block = setter().block("마음약방", pygame.Rect(0, 0, 600, 200), px=40, color=INK)
    assert {line.px for line in block.lines} == {40} and not block.truncated


def test_it_picks_the_largest_size_that_fits() -> None:
    ts = setter()
    box = pygame.Rect(0, 0, 500, 160)
    block = ts.block(PHRASE, box, px=60, color=INK)
    size = block.lines[0].px
    assert not block.truncated and 20 <= size < 60
    # One step larger would not have fitted in the box.
    bigger = ts.block(PHRASE, box, px=size + 1, color=INK, min_px=size + 1)
    assert bigger.truncated


def test_text_that_cannot_fit_at_the_minimum_is_flagged_and_still_kept_inside() -> None:
    box = pygame.Rect(10, 10, 200, 40)
    block = setter(min_px=24).block(PHRASE, box, px=30, color=INK)
    assert block.truncated
    assert {line.px for line in block.lines} == {24}
    assert block.lines[-1].text.endswith("…")
    assert box.contains(block.ink)


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(alphabet="가나다라마 바사아자, 차카.타파하 abc!", min_size=1, max_size=80),
    width=st.integers(120, 700),
    height=st.integers(40, 300),
    align=st.sampled_from(["left", "center", "right"]),
    valign=st.sampled_from(["top", "middle", "bottom"]),
)
def test_no_text_ever_leaves_its_box(
    text: str, width: int, height: int, align: str, valign: str
) -> None:
    box = pygame.Rect(30, 20, width, height)
    block = setter().block(
        text,
        box,
        px=36,
        color=INK,
        align=align,  # type: ignore[arg-type]
        valign=valign,
    )  # type: ignore[arg-type]
    for line in block.lines:
        assert box.contains(line.rect)


def test_a_blank_line_at_the_right_edge_is_not_a_rectangle_outside_the_box() -> None:
    box = pygame.Rect(30, 20, 120, 40)
    block = setter().block(" ", box, px=36, color=INK, align="right")
    assert all(box.contains(line.rect) for line in block.lines)


def test_alignment_left_centre_right_and_middle() -> None:
    ts = setter()
    box = pygame.Rect(0, 0, 600, 300)
    centred = ts.block("가운데", box, px=30, color=INK, align="center", valign="middle")
    line = centred.lines[0].rect
    assert abs((line.left - box.left) - (box.right - line.right)) <= 1
    assert abs((line.top - box.top) - (box.bottom - line.bottom)) <= 1
    right = ts.block("오른쪽", box, px=30, color=INK, align="right").lines[0].rect
    assert right.right == box.right
    left = ts.block("왼쪽", box, px=30, color=INK).lines[0].rect
    assert left.left == box.left and left.top == box.top


def test_empty_text_is_one_empty_line() -> None:
    block = setter().block("", pygame.Rect(0, 0, 300, 100), px=30, color=INK)
    assert [line.text for line in block.lines] == [""] and not block.truncated


def test_the_same_request_is_answered_from_the_cache() -> None:
    ts = setter()
    box = pygame.Rect(0, 0, 400, 200)
    assert ts.block(PHRASE, box, px=32, color=INK) is ts.block(PHRASE, box, px=32, color=INK)
    assert ts.block(PHRASE, box, px=32, color=INK) is not ts.block(
        PHRASE, box.move(1, 0), px=32, color=INK
    )
