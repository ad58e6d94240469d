"""Placeholders: numbers and places written once and filled everywhere; unknown placeholders
and numbers written out by hand refused with file:line and the placeholder to use."""

from __future__ import annotations

from pathlib import Path

import pytest

from prescriptions.checks import check_content
from prescriptions.facts import Facts, expand, fill_facts
from prescriptions.loader import load_content
from prescriptions.model import Content
from prescriptions.rules import RULES
from prescriptions.textcheck import handwritten_numbers, number_patterns, placeholder_problems
from tests.prescriptions.helpers import BUNDLED, GOOD, GOOD_MINIMUMS, copy_of, fake_fits

CONTENT = load_content(BUNDLED)
FACTS = Facts(CONTENT, "place-gwanak")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "content-format.md"


@pytest.mark.parametrize(
    ("text", "lang", "shown"),
    [
        ("{hotline-120.number}에 걸어 {hotline-120.then_press}번", "ko", "02-120에 걸어 5번"),
        ("{hotline-120.name:을를} 기억해요", "ko", "외로움안녕120을 기억해요"),
        ("{hotline-109.number:이가} 들어요", "ko", "109가 들어요"),
        ("Call {hotline-120.name}", "en", "Call Goodbye Loneliness 120"),
        ("channel {hotline-120.name:ko}", "en", "channel 외로움안녕120"),
        ("{hotline-112-119.number} · {hotline-112-119.also}", "ko", "112 · 119"),
        ("{place.district} {place.phone}", "ko", "관악구 02-876-0900"),
        ("{place-guro.phone}", "en", "02-837-0761"),
        ("{programme-maeum-convenience.name}", "en", "Seoul Maeum Convenience Store"),
        ("{{괄호}} 그대로", "ko", "{괄호} 그대로"),
    ],
)
def test_placeholders_are_filled_in_the_texts_language(text: str, lang: str, shown: str) -> None:
    assert expand(text, FACTS, lang) == shown


def test_a_screen_text_keeps_its_own_fields_for_the_program() -> None:
    template = "{hotline-120.name} · {seconds}초 {{x}}"
    assert fill_facts(template, FACTS, "ko") == "외로움안녕120 · {seconds}초 {{x}}"


def test_without_a_nearest_place_the_text_says_how_to_find_one() -> None:
    facts = Facts(CONTENT, "")
    assert expand("{place.name} · {place.district} · {place.phone}", facts, "ko") == (
        "서울마음편의점 · 서울 · 02-120 → 5"
    )
    assert "외로움안녕120" in expand("{place.address}", facts, "ko")
    assert expand("{place.phone}", Facts(CONTENT, "place-nowhere"), "en") == "02-120 → 5"


def test_without_content_the_required_hotlines_keep_their_numbers_and_names() -> None:
    facts = Facts(Content())
    assert expand("{hotline-1577-0199.number} {hotline-120.name}", facts, "en") == (
        "1577-0199 Goodbye Loneliness 120"
    )


@pytest.mark.parametrize(
    "text",
    [
        "{hotline-12.number}",
        "{hotline-120.nmber}",
        "{place.fax}",
        "{hotline-120.name:을}",
        "{",
        "}",
    ],
)
def test_an_unknown_placeholder_or_a_lone_brace_is_refused(text: str) -> None:
    problems = placeholder_problems(f"전화: {text}", FACTS, screen=False)
    assert [p.code for p in problems] == ["unknown-placeholder"]


def test_a_screen_text_may_hold_the_programs_own_fields() -> None:
    assert placeholder_problems("{seconds}초 {item:을를}", FACTS, screen=True) == []
    assert placeholder_problems("{seconds}초", FACTS, screen=False) != []


NUMBERS = number_patterns(CONTENT)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("02-120에 걸어 5번", "{hotline-120.number}"),
        ("02 120으로", "{hotline-120.number}"),
        ("(02)120", "{hotline-120.number}"),
        ("외로움안녕120에 전화", "{hotline-120.name}"),
        ("Loneliness Hello 120", "{hotline-120.name}"),
        ("109에 전화", "{hotline-109.number}"),
        ("1577 0199", "{hotline-1577-0199.number}"),
        ("위험하면 112", "{hotline-112-119.number}"),
        ("구급 119", "{hotline-112-119.also}"),
        ("관악 02-876-0900", "{place.phone}"),
        ("새 곳 02-555-1234", "{place.phone}"),
        ("{hotline-120.number}에 걸어 5번", "{hotline-120.then_press}"),
        ("call {hotline-120.number} and press 5", "{hotline-120.then_press}"),
    ],
)
def test_a_number_written_out_by_hand_is_refused_with_the_placeholder_to_use(
    text: str, hint: str
) -> None:
    problems = handwritten_numbers(text, NUMBERS)
    assert problems and all(p.code == "handwritten-number" for p in problems)
    assert any(hint in p.ko and hint in p.en for p in problems), problems


@pytest.mark.parametrize(
    "text",
    [
        "{hotline-120.number}에 걸어 {hotline-120.then_press}번, 24시간",
        "365일 언제나",
        "오후 3시에 10분 산책",
        "2025년 봄",
        "하루 1,200보 더 걷기",
    ],
)
def test_other_numbers_are_fine(text: str) -> None:
    assert handwritten_numbers(text, NUMBERS) == []


def test_a_handwritten_number_is_refused_on_its_line(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    fine = content / "prescriptions" / "fine.toml"
    text = fine.read_text(encoding="utf-8").replace(
        "괜찮은 날에도 쉬어 가세요.", "힘들면 02-120에 걸어 5번을 눌러요."
    )
    fine.write_text(text, encoding="utf-8")
    issues = check_content(content, fits=fake_fits, minimums=GOOD_MINIMUMS)
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "02-120" in s)
    assert [(i.file, i.line, i.code) for i in issues] == [
        ("prescriptions/fine.toml", line, "handwritten-number")
    ]
    assert "{hotline-120.number}" in issues[0].message_ko


def test_the_screens_and_the_facts_use_one_english_name_each() -> None:
    from kiosk.ui.i18n import screen_texts

    texts = [t.text for t in screen_texts()]
    for record in (*CONTENT.hotlines, *CONTENT.places, *CONTENT.programmes):
        texts += [text for _, text in record.name.texts]
        texts += [text for _, text in getattr(record, "description", record.name).texts]
    texts += [text for p in CONTENT.prescriptions for _, text in p.phrase.texts]
    joined = "\n".join(texts)
    for invented in ("Loneliness Hello", "Mind Store", "Seoul Mind", "Hello Loneliness"):
        assert invented not in joined, invented
    shown = [expand(t, FACTS, "en") for t in texts]
    assert any("Goodbye Loneliness 120" in t for t in shown)
    assert any("Seoul Maeum Convenience Store" in t for t in shown)
    assert not any("차 한 잔" in t.text for t in screen_texts())  # coffee there (FACTS.md)


def test_the_rules_in_the_workbook_are_the_rules_in_the_docs() -> None:
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    for group in RULES:
        for rule in group.rules:
            assert " ".join(rule.ko.split()) in docs, rule.ko
            assert " ".join(rule.en.split()) in docs, rule.en
