"""The places on the info screen: one format, the nearest first and marked, with its address,
its hours and whether it is open now (read from the hours staff write; unknown said as such)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from kiosk.ui.i18n import Texts
from kiosk.visit.hours import open_now, parse
from kiosk.visit.screens import build_page
from kiosk.visit.screens.base import UiState
from kiosk.visit.screens.info import ordered_places, place_lines
from prescriptions.facts import Facts
from tests.kiosk.ui_support import bundled, states, translations, view

MONDAY = datetime(2026, 11, 30, 14, 0)


@pytest.mark.parametrize(
    ("hours", "when", "expected"),
    [
        ("월–금 10–19시, 토 10–13시", MONDAY, True),
        ("월–금 10–19시, 토 10–13시", MONDAY.replace(hour=9, minute=59), False),
        ("월–금 10–19시, 토 10–13시", MONDAY.replace(hour=19), False),  # closes at 19:00
        ("월–금 10–19시, 토 10–13시", datetime(2026, 12, 5, 12, 30), True),  # Saturday
        ("월–금 10–19시, 토 10–13시", datetime(2026, 12, 6, 12, 30), False),  # Sunday
        ("월·수·금 9:30–18시", MONDAY.replace(hour=9, minute=30), True),
        ("평일 9–18시", MONDAY, True),
        ("매일 10-20시", datetime(2026, 12, 6, 19, 0), True),
        ("24시간", datetime(2026, 12, 6, 3, 0), True),
        ("운영시간은 전화로 확인해 주세요", MONDAY, None),
        ("월–금 19–10시", MONDAY, None),  # nonsense is not guessed at
        ("", MONDAY, None),
    ],
)
def test_open_now_is_read_from_the_hours_staff_write(
    hours: str, when: datetime, expected: bool | None
) -> None:
    assert open_now(hours, when) is expected


def test_every_bundled_place_has_hours_that_can_be_read_or_say_to_call() -> None:
    for place in bundled().places:
        hours = place.hours.get("ko")
        assert parse(hours) or "전화" in hours, (place.id, hours)


def page_text(hour: int, lang: str = "ko", size: tuple[int, int] = (1920, 1080)) -> list[str]:
    """The text of every page of places (◀ ▶ turn them)."""
    state = states(bundled(), lang)["info"]
    out: list[str] = []
    for turn in range(len(bundled().places)):
        v = view(state, size, bundled(), ui=UiState(list_page=turn))
        page = build_page(replace(v, wall=MONDAY.replace(hour=hour)))
        out += [b.source for b in page.text_blocks() if b.source not in out]
    return out


def test_the_nearest_place_comes_first_and_is_marked_in_words() -> None:
    v = view(states(bundled(), "ko")["info"], (1920, 1080), bundled())
    texts = Texts(translations(), "ko", Facts(bundled(), "place-dobong"))  # kiosk.toml's
    assert ordered_places(replace(v, texts=texts))[0].id == "place-dobong"
    # None configured: the places as listed, and none called the nearest.
    unset = replace(v, texts=Texts(translations(), "ko", Facts(bundled(), "")))
    assert ordered_places(unset) == list(bundled().places)
    mark = translations().text("ko", "info.nearest")
    assert not [b for b in build_page(unset).text_blocks() if b.source.startswith(mark)]
    shown = page_text(14)
    mark = translations().text("ko", "info.nearest")
    marked = [t for t in shown if t.startswith(mark)]
    assert len(marked) == 1 and bundled().places[0].name.get("ko") in marked[0]


def test_every_place_shows_its_address_hours_and_whether_it_is_open_now() -> None:
    afternoon, night = page_text(14), page_text(22)
    ko = translations().tables["ko"]
    for place in bundled().places:
        detail = next(t for t in afternoon if place.address.get("ko") in t)
        assert place.phone in detail and place.hours.get("ko") in detail
        known = open_now(place.hours.get("ko"), MONDAY) is not None
        assert (ko["info.open_now"] in detail) is known
    assert any(ko["info.closed_now"] in t for t in night)
    assert not any(ko["info.open_now"] in t for t in night)


def test_a_place_row_is_the_same_format_for_every_place() -> None:
    v = view(states(bundled(), "en")["info"], (1280, 800), bundled())
    rows = [place_lines(v, p) for p in bundled().places]
    assert all(len(row) == 2 and "\n" in row[1] for row in rows)
    assert all(" · " in row[1].split("\n")[0] for row in rows)  # address · phone, always
