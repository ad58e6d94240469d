"""What a visitor at their lowest meets (issue #16): with a high loneliness score, only gentle
cards and the help lines first, in every category; a card that names an item only with that
item; and `content check` refuses a set that could do otherwise."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from prescriptions.checks import check_content
from prescriptions.history import DEFAULT_NO_REPEAT_WINDOW, MemoryHistory
from prescriptions.honesty import naming_cards
from prescriptions.loader import load_content
from prescriptions.model import Intensity
from prescriptions.selection import Selector
from tests.prescriptions.helpers import BUNDLED, GOOD, GOOD_MINIMUMS, copy_of, fake_fits

CONTENT = load_content(BUNDLED)
ITEMS = tuple(i.id for i in CONTENT.items)
SYMPTOMS = tuple(s.id for s in CONTENT.symptoms)
stocks = st.dictionaries(st.integers(1, 8), st.sampled_from(ITEMS), max_size=6)


@settings(max_examples=40)
@given(
    visits=st.lists(
        st.tuples(st.sampled_from(SYMPTOMS), st.sampled_from(list(Intensity)), stocks),
        min_size=30,
        max_size=60,
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_lonely_visitor_only_ever_gets_a_gentle_card_with_the_help_lines_first(
    visits: list[tuple[str, Intensity, Mapping[int, str]]], seed: int
) -> None:
    """Visits of every kind on one machine, in any order, whatever is in stock: each visitor
    whose mood check came out HIGH gets a gentle card and the help lines first, and not one
    of the last cards the machine showed that visitor's kind of card could avoid."""
    history = MemoryHistory(DEFAULT_NO_REPEAT_WINDOW)
    selector = Selector(CONTENT, history, random.Random(seed))
    for symptom, intensity, stocked in visits:
        recent = history.recent()
        choice = selector.choose(symptom, intensity, stocked)
        if intensity is Intensity.HIGH:
            assert choice.prescription.gentle, (symptom, choice.prescription.id)
            assert choice.show_help_first
            assert choice.prescription.id not in recent  # the check keeps enough of them


@settings(max_examples=60)
@given(
    symptom=st.sampled_from(SYMPTOMS),
    intensity=st.sampled_from(list(Intensity)),
    stocked=stocks,
    seed=st.integers(0, 2**32 - 1),
)
def test_a_card_that_names_an_item_comes_only_with_that_item(
    symptom: str, intensity: Intensity, stocked: Mapping[int, str], seed: int
) -> None:
    naming = naming_cards(CONTENT)
    assert naming, "the bundled cards name items (이 손난로, 비타민): the test needs some"
    selector = Selector(CONTENT, MemoryHistory(0), random.Random(seed))
    choice = selector.choose(symptom, intensity, stocked)
    named = naming.get(choice.prescription.id)
    if named is not None:
        assert choice.slot is not None and stocked[choice.slot] == named[0]


def test_the_bundled_cards_that_name_an_item_list_only_it() -> None:
    for pid, named in naming_cards(CONTENT).items():
        assert CONTENT.prescription(pid).items == named, pid


def _line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_a_category_without_enough_gentle_cards_is_refused_on_its_line(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    fine = content / "prescriptions" / "fine.toml"
    fine.write_text(fine.read_text(encoding="utf-8").replace("gentle = true", "gentle = false"))
    issues = check_content(content, fits=fake_fits, minimums=GOOD_MINIMUMS)
    categories = content / "categories.toml"
    assert [(i.file, i.line, i.code) for i in issues] == [
        ("categories.toml", _line(categories, 'id = "fine"'), "gentle-coverage")
    ]
    assert "'fine'" in issues[0].message_ko


def test_a_gentle_card_that_names_an_item_does_not_count(tmp_path: Path) -> None:
    """Without its item in stock it cannot be given, so it cannot stand in for the others."""
    content = copy_of(GOOD, tmp_path)
    fine = content / "prescriptions" / "fine.toml"
    text = fine.read_text(encoding="utf-8")
    fine.write_text(text.replace("괜찮은 날에도 쉬어 가세요.", "이 사탕처럼 달콤하게 쉬어 가세요."))
    codes = [i.code for i in check_content(content, fits=fake_fits, minimums=GOOD_MINIMUMS)]
    assert "gentle-coverage" in codes and "named-item" in codes
