"""Near-duplicate cards: a reworded copy is refused naming both cards and their files;
distinct cards pass; the search finds exactly what comparing every pair would."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prescriptions.checks import check_content
from prescriptions.loader import load_content
from prescriptions.model import Localized, Prescription
from prescriptions.similarity import THRESHOLD, jaccard, near_duplicates, pieces
from tests.prescriptions.helpers import BUNDLED, GOOD, GOOD_MINIMUMS, copy_of, fake_fits

# Copies a writer makes without meaning to: the same sentence in other endings or words.
REWORDED = [
    (
        "오늘 하루 말 한마디 못 하셨나요? {hotline-120.number}에 걸어 "
        "{hotline-120.then_press}번을 누르면, 목소리를 반가워할 사람이 있어요.",
        "오늘 하루 말 한마디도 못 했나요? {hotline-120.number}에 전화해 "
        "{hotline-120.then_press}번을 누르면 목소리를 반가워할 누군가가 있어요.",
    ),
    (
        "동네를 한 바퀴 걸으며 가게 주인께 '안녕하세요' 한마디. "
        "인사는 아무리 많이 해도 부작용이 없어요.",
        "동네 한 바퀴 걸으면서 가게 사장님께 인사 한마디 건네 보세요. "
        "인사는 많이 해도 부작용이 없답니다.",
    ),
    (
        "혼자라고 느껴지는 날에도 당신을 생각하는 마음은 어딘가에 있어요.",
        "혼자라고 느끼는 날에도 누군가 당신을 생각하고 있어요.",
    ),
]


@pytest.mark.parametrize(("first", "second"), REWORDED)
def test_a_reworded_copy_reaches_the_threshold(first: str, second: str) -> None:
    assert jaccard(pieces(first), pieces(second)) >= THRESHOLD


def test_the_bundled_cards_are_all_distinct_enough() -> None:
    content = load_content(BUNDLED)
    assert list(near_duplicates(content.prescriptions)) == []


def _card(pid: str, phrase: str) -> Prescription:
    text = Localized.of({"ko": "글"})
    return Prescription(
        id=pid, categories=("c",), medicine=text, phrase=Localized.of({"ko": phrase}), dosage=text
    )


@settings(max_examples=60)
@given(
    st.lists(
        st.text(st.sampled_from("가나다라마바사 아자차카{}.!"), min_size=1, max_size=14),
        min_size=2,
        max_size=12,
    ),
    st.sampled_from([0.2, 0.3, 0.5]),
)
def test_the_search_finds_what_comparing_every_pair_finds(
    phrases: list[str], threshold: float
) -> None:
    cards = [_card(f"p{i}", phrase) for i, phrase in enumerate(phrases)]
    expected: dict[str, set[str]] = {}
    for a, b in combinations(cards, 2):
        pa, pb = pieces(a.phrase.get("ko")), pieces(b.phrase.get("ko"))
        if pa and pb and jaccard(pa, pb) >= threshold:
            expected.setdefault(b.id, set()).add(a.id)
    found = {pair.second.id: pair.first.id for pair in near_duplicates(cards, threshold)}
    assert set(found) == set(expected)
    for second, first in found.items():
        assert first in expected[second]


def test_a_near_duplicate_is_refused_naming_both_cards_and_files(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    fine = content / "prescriptions" / "fine.toml"
    copy = "오늘 누군가에게 안부를 물어봐 주세요."  # lonely-001: "…물어보세요."
    text = fine.read_text(encoding="utf-8").replace("괜찮은 날에도 쉬어 가세요.", copy)
    fine.write_text(text, encoding="utf-8")
    issues = check_content(content, fits=fake_fits, minimums=GOOD_MINIMUMS)
    # Files are read in name order: fine.toml first, so the card in loneliness.toml is the copy.
    lonely = (content / "prescriptions" / "loneliness.toml").read_text(encoding="utf-8")
    line = next(n for n, s in enumerate(lonely.splitlines(), 1) if "안부를 물어보세요" in s)
    assert [(i.file, i.line, i.code) for i in issues] == [
        ("prescriptions/loneliness.toml", line, "near-duplicate")
    ]
    message = issues[0].message_ko
    first = next(n for n, s in enumerate(text.splitlines(), 1) if copy in s)
    assert "fine-002" in message and "lonely-001" in message
    assert f"prescriptions/fine.toml:{first}" in message
