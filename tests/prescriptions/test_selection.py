"""Selection: the no-repeat window, reachability, stock and the mood check's steering."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prescriptions.history import MemoryHistory
from prescriptions.loader import load_content
from prescriptions.model import (
    HOTLINE_120,
    Category,
    Content,
    Intensity,
    Localized,
    Prescription,
    Symptom,
)
from prescriptions.selection import Selector, weighted_pick
from tests.prescriptions.helpers import GOOD

ITEMS = ("candy", "tea", "vitamin", "hand_warmer", "sticker")
TEXT = Localized.of({"ko": "글"})


@dataclass
class FixedRandom:
    """An rng that always returns the same number: steers `choose` to a chosen candidate."""

    value: float

    def random(self) -> float:
        return self.value


@st.composite
def contents(draw: st.DrawFn) -> Content:
    n_categories = draw(st.integers(1, 3))
    categories = tuple(
        Category(id=f"c{i}", name=TEXT, low_mood=draw(st.booleans())) for i in range(n_categories)
    )
    symptoms = tuple(
        Symptom(id=f"s{i}", category=c.id, name=TEXT, description=TEXT)
        for i, c in enumerate(categories)
    )
    prescriptions = []
    for category in categories:
        for n in range(draw(st.integers(1, 14))):
            extra = draw(st.sets(st.sampled_from([c.id for c in categories])))
            prescriptions.append(
                Prescription(
                    id=f"{category.id}-p{n}",
                    categories=(category.id, *sorted(extra - {category.id})),
                    medicine=TEXT,
                    phrase=TEXT,
                    dosage=TEXT,
                    items=tuple(draw(st.lists(st.sampled_from(ITEMS), unique=True, max_size=3))),
                    gentle=draw(st.booleans()),
                    weight=draw(st.floats(0.1, 10.0)),
                    next_step=draw(st.sampled_from([None, HOTLINE_120, "place-x"])),
                )
            )
    return Content(categories=categories, symptoms=symptoms, prescriptions=tuple(prescriptions))


stocks = st.dictionaries(st.integers(1, 8), st.sampled_from(ITEMS), max_size=6)
intensities = st.sampled_from(list(Intensity))


def _symptom(data: st.DataObject, content: Content) -> str:
    return data.draw(st.sampled_from([s.id for s in content.symptoms]))


@settings(max_examples=150)
@given(contents(), st.integers(0, 12), st.integers(0, 2**32 - 1), st.data())
def test_never_one_of_the_last_n_shown(
    content: Content, window: int, seed: int, data: st.DataObject
) -> None:
    history = MemoryHistory(window)
    selector = Selector(content, history, random.Random(seed))
    for _ in range(25):
        symptom = _symptom(data, content)
        intensity = data.draw(intensities)
        recent = history.recent()
        in_category = content.prescriptions_in(content.symptom(symptom).category)
        gentle = [p for p in in_category if p.gentle]
        # A high mood check draws from the gentle cards alone, and the window applies to them.
        pool = gentle if intensity is Intensity.HIGH and gentle else in_category
        chosen = selector.choose(symptom, intensity, {}).prescription
        assert chosen in pool
        if any(p.id not in recent for p in pool):
            assert chosen.id not in recent
        else:  # every one was shown lately: the one shown longest ago comes back first
            assert chosen.id == min((p.id for p in pool), key=recent.index)
        assert history.recent() == ((*recent, chosen.id)[-window:] if window else ())


@settings(max_examples=150)
@given(contents(), st.lists(st.text(min_size=1, max_size=8), max_size=10), intensities, st.data())
def test_every_eligible_prescription_can_be_chosen(
    content: Content, recent: list[str], intensity: Intensity, data: st.DataObject
) -> None:
    symptom = _symptom(data, content)
    history = MemoryHistory(10, recent)
    pool = Selector(content, history, FixedRandom(0.0)).candidates(symptom, intensity)
    weights = [w for _, w in pool]
    total = sum(weights)
    start = 0.0
    for prescription, weight in pool:
        assert weight > 0
        middle = (start + weight / 2) / total  # the middle of this prescription's share
        selector = Selector(content, MemoryHistory(10, recent), FixedRandom(middle))
        assert selector.choose(symptom, intensity, {}).prescription == prescription
        start += weight
    eligible = Selector(content, history, FixedRandom(0.0)).eligible(symptom)
    in_category = content.prescriptions_in(content.symptom(symptom).category)
    if intensity is not Intensity.HIGH or not any(p.gentle for p in in_category):
        assert {p.id for p, _ in pool} == {p.id for p in eligible}


@settings(max_examples=200)
@given(contents(), stocks, intensities, st.integers(0, 2**32 - 1), st.data())
def test_the_item_comes_from_a_stocked_slot_that_fits_when_there_is_one(
    content: Content,
    stocked: Mapping[int, str],
    intensity: Intensity,
    seed: int,
    data: st.DataObject,
) -> None:
    selector = Selector(content, MemoryHistory(5), random.Random(seed))
    choice = selector.choose(_symptom(data, content), intensity, stocked)
    if not stocked:
        assert choice.slot is None
        return
    assert choice.slot in stocked
    fitting = [item for item in choice.prescription.items if item in stocked.values()]
    if fitting:  # the best-ranked item that is in stock
        assert stocked[choice.slot] == fitting[0]


@settings(max_examples=200)
@given(
    contents(),
    st.lists(st.text(min_size=1, max_size=8), max_size=10),
    intensities,
    st.integers(0, 2**32 - 1),
    st.data(),
)
def test_a_high_mood_check_always_gets_a_gentle_card_and_the_help_lines_first(
    content: Content,
    recent: list[str],
    intensity: Intensity,
    seed: int,
    data: st.DataObject,
) -> None:
    symptom = _symptom(data, content)
    selector = Selector(content, MemoryHistory(10, recent), random.Random(seed))
    in_category = content.prescriptions_in(content.symptom(symptom).category)
    choice = selector.choose(symptom, intensity, {})
    if intensity is Intensity.HIGH and any(p.gentle for p in in_category):
        assert choice.prescription.gentle  # even when every gentle card was shown lately
    # In every category, not only the low-mood ones (issue #16).
    assert choice.show_help_first == (intensity is Intensity.HIGH)


@given(contents(), st.data())
def test_a_moderate_mood_check_favours_gentle_and_120_over_the_staff_weights(
    content: Content,
    data: st.DataObject,
) -> None:
    symptom = _symptom(data, content)
    low = dict(
        Selector(content, MemoryHistory(0), FixedRandom(0)).candidates(symptom, Intensity.LOW)
    )
    moderate = dict(
        Selector(content, MemoryHistory(0), FixedRandom(0)).candidates(symptom, Intensity.MODERATE)
    )
    for p in low:
        favoured = p.gentle or p.next_step == HOTLINE_120
        ratio = moderate[p] / low[p]
        assert ratio > 1 if favoured else ratio == 1


@given(contents(), st.integers(0, 2**32 - 1), stocks, st.data())
def test_the_same_seed_gives_the_same_choices(
    content: Content, seed: int, stocked: Mapping[int, str], data: st.DataObject
) -> None:
    asks = data.draw(
        st.lists(
            st.tuples(st.sampled_from([s.id for s in content.symptoms]), intensities),
            min_size=1,
            max_size=10,
        )
    )

    def run() -> list[tuple[str, int | None]]:
        selector = Selector(content, MemoryHistory(3), random.Random(seed))
        return [
            (c.prescription.id, c.slot) for c in (selector.choose(s, i, stocked) for s, i in asks)
        ]

    assert run() == run()


def test_staff_weights_set_how_often_a_prescription_comes_up() -> None:
    content = load_content(GOOD)  # lonely-001 weight 2, lonely-004 weight 0.5, others 1
    selector = Selector(content, MemoryHistory(0), random.Random(20250401))
    counts = Counter(
        selector.choose("lone-wolf-virus", Intensity.LOW, {}).prescription.id for _ in range(9000)
    )
    total = 2 + 1 + 1 + 0.5
    for pid, weight in {
        "lonely-001": 2,
        "lonely-002": 1,
        "lonely-003": 1,
        "lonely-004": 0.5,
    }.items():
        assert counts[pid] / 9000 == pytest.approx(weight / total, abs=0.02)


def test_with_nothing_fitting_in_stock_any_stocked_slot_is_used_and_spread_evenly() -> None:
    content = load_content(GOOD)
    selector = Selector(content, MemoryHistory(0), random.Random(7))
    slots = Counter(
        selector.choose("just-fine", Intensity.LOW, {3: "sticker", 5: "sticker"}).slot
        for _ in range(400)
    )
    assert set(slots) == {3, 5}
    assert min(slots.values()) > 150


@pytest.mark.parametrize(
    ("weights", "u", "index"),
    [
        ([1, 1], 0.0, 0),
        ([1, 1], 0.49, 0),
        ([1, 1], 0.5, 1),
        ([1, 3], 0.26, 1),
        ([2, 1, 1], 0.99999, 2),
        ([1], 0.999999999, 0),
    ],
)
def test_weighted_pick_splits_the_unit_interval_by_weight(
    weights: list[float], u: float, index: int
) -> None:
    assert weighted_pick(weights, u) == index


@pytest.mark.parametrize(
    ("total", "intensity"),
    [
        (None, Intensity.SKIPPED),
        (3, Intensity.LOW),
        (4, Intensity.LOW),
        (5, Intensity.MODERATE),
        (6, Intensity.HIGH),
        (9, Intensity.HIGH),
    ],
)
def test_ucla_totals_map_to_intensity_by_the_research_convention(
    total: int | None, intensity: Intensity
) -> None:
    assert Intensity.from_ucla(total) is intensity


@pytest.mark.parametrize("total", [0, 2, 10])
def test_impossible_ucla_totals_are_refused(total: int) -> None:
    with pytest.raises(ValueError):
        Intensity.from_ucla(total)
