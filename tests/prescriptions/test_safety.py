"""The banned-word check understands Korean and English (issue #16): every banned term,
spaced, punctuated, in any case, with particles or conjugated, is refused, with file:line;
ordinary words that merely contain the letters are not."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prescriptions.checks import check_content
from prescriptions.guards import BUILT_IN_BANNED
from prescriptions.loader import BANNED_TERMS_FILE
from prescriptions.safety import BannedMatcher, is_latin, verb_forms
from tests.prescriptions.helpers import BUNDLED, GOOD, GOOD_MINIMUMS, copy_of, fake_fits

_FILE = tomllib.loads((BUNDLED / BANNED_TERMS_FILE).read_text(encoding="utf-8"))
TERMS = tuple(
    dict.fromkeys([*BUILT_IN_BANNED["ko"], *_FILE["ko"], *BUILT_IN_BANNED["en"], *_FILE["en"]])
)
KOREAN = tuple(t for t in TERMS if not is_latin(t))
ENGLISH = tuple(t for t in TERMS if is_latin(t))
MATCHER = BannedMatcher(TERMS)

PARTICLES = ("", "을", "를", "이", "가", "은", "는", "도", "까지", "이에요", "이었다", "처럼")
# Endings that attach to any verb stem as it is (the vowel-contracting ones are below).
ENDINGS = ("고", "는", "지 마세요", "기 전에", "게", "면", "며", "다")
SEPARATORS = ("", " ", "  ", "-", ".", "·", "\n", " , ")


def _spaced_out(draw: st.DrawFn, text: str) -> str:
    """`text` with spacing and punctuation a writer (or someone dodging the list) might use."""
    out = []
    for ch in text:
        out.append(ch)
        if ch != " " and draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


def _cased(draw: st.DrawFn, text: str) -> str:
    return "".join(ch.upper() if draw(st.booleans()) else ch for ch in text)


@st.composite
def korean_forms(draw: st.DrawFn) -> tuple[str, str]:
    term = draw(st.sampled_from(KOREAN))
    words = term.split()
    if words[-1].endswith("다") and len(words[-1]) > 1:  # a verb: a conjugated form
        stem = words[-1][:-1]
        form = draw(st.sampled_from(verb_forms(stem)))
        ending = draw(st.sampled_from(ENDINGS)) if form == stem else "요"
        words[-1] = form + ending
    else:
        words[-1] += draw(st.sampled_from(PARTICLES))
    # A particle between the words: "극단적인 선택", "살기가 싫어".
    joined = words[0]
    for word in words[1:]:
        joined += draw(st.sampled_from(("", "이", "을", "의", "인", "가"))) + " " + word
    before = draw(st.sampled_from(("", "그는 ", "오늘 ", "Sometimes ")))
    return term, before + _spaced_out(draw, joined) + draw(st.sampled_from(("", ".", "?!")))


@st.composite
def english_forms(draw: st.DrawFn) -> tuple[str, str]:
    term = draw(st.sampled_from(ENGLISH))
    words = term.replace("-", " ").split()
    special = {"one's": ("his", "her", "my", "their"), "oneself": ("himself", "themselves")}
    words = [draw(st.sampled_from(special[w])) if w in special else w for w in words]
    if words[-1] not in ("himself", "themselves", "dead", "me") and draw(st.booleans()):
        words[-1] += "s"  # a plural or a third person
    separator = draw(st.sampled_from((" ", "  ", "-", " - ", ", ", "\n")))
    text = separator.join(words)
    return term, f"{draw(st.sampled_from(('', 'He said ', '“')))}{_cased(draw, text)}."


@settings(max_examples=300)
@given(korean_forms())
def test_every_korean_term_spaced_with_particles_or_conjugated_is_refused(
    form: tuple[str, str],
) -> None:
    term, text = form
    assert MATCHER.find(text), (term, text)


@settings(max_examples=200)
@given(english_forms())
def test_every_english_term_in_any_case_spacing_or_inflection_is_refused(
    form: tuple[str, str],
) -> None:
    term, text = form
    assert MATCHER.find(text), (term, text)


# Forms named in the issue and their families, written as people write them.
REFUSED = [
    "극단적인 선택을 했다",
    "그는 자살했다",
    "살기 싫어",
    "죽는 게 나아",
    "결정장애라서 못 고르겠어요",
    "정신병자 같아요",
    "사라지고 싶은 날",
    "뛰어내렸다는 소식",
    "목숨을 끊은",
    "생을 마감했습니다",
    "세상을 등진",
    "수면제를 모아",
    "자 살 했 다",
    "극단적-선택",
    "took his own life",
    "She took her own life.",
    "sleeping tablets",
    "a suicide pact",
    "Killed Themselves",
    "self harm",
    "Overdosing",
    "better off without me",
]


@pytest.mark.parametrize("text", REFUSED)
def test_the_forms_the_review_found_are_refused(text: str) -> None:
    assert MATCHER.find(text), text


# Ordinary words that hold the letters of a banned term (the list's comment names why each
# term is left out or written as it is).
INNOCENT = [
    "자살예방 상담전화",
    "Suicide Prevention Line",
    "유서 깊은 동네",
    "무농약 채소",
    "혼자 해도 돼요",
    "마음 독서 모임",
    "마음 독하게 먹기",
    "목 매일 풀기",
    "고독 사이에서",
    "적극 약속해요",
    "사장님께 인사",
    "벙어리장갑",
    "또 라이브 공연",
    "미친 듯이 웃었어요",
    "참 혹시 몰라요",
    "선택은 극단적이지 않게",
    "극단 공연 보러 가요",
    "살기 좋은 동네",
    "죽 한 그릇",
    "사라진 우산을 찾았어요",
    "다리 건너 옥상 정원",
    "한강 산책",
    "수면 양말",
    "일을 다 끝내고 싶어요",
    "몸을 해치는 야식",
    "스스로 생각해 보세요",
    "자동차",
    "psychology",
    "The skill yourself is fine",
    "hanging out with friends",
    "pills of candy",
    "a diet",
    "cut yourself some slack",
    "in the end it all works out",
    "a tablet computer",
    "a dose of sunshine",
    "killer whale",
    "a shock absorber",
    "a crazy good day",
    "loonie",
    "tragedy",
]


@pytest.mark.parametrize("text", INNOCENT)
def test_ordinary_words_that_hold_the_letters_are_not_refused(text: str) -> None:
    assert MATCHER.find(text) == [], text


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from(INNOCENT), min_size=1, max_size=4),
    st.lists(st.sampled_from((" ", ", ", ". ", "\n", " · ")), min_size=4, max_size=4),
)
def test_sentences_of_ordinary_words_are_not_refused(words: list[str], gaps: list[str]) -> None:
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    assert MATCHER.find(text) == [], text


def _line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


@pytest.mark.parametrize("form", ["극단적인 선택", "죽는 게 나아", "took his own life"])
def test_a_banned_form_is_refused_with_its_file_and_line(tmp_path: Path, form: str) -> None:
    content = copy_of(GOOD, tmp_path)
    (content / BANNED_TERMS_FILE).write_bytes((BUNDLED / BANNED_TERMS_FILE).read_bytes())
    fine = content / "prescriptions" / "fine.toml"
    text = fine.read_text(encoding="utf-8").replace(
        "괜찮은 날에도 쉬어 가세요.", f"{form}은 없어요."
    )
    fine.write_text(text, encoding="utf-8")
    issues = check_content(content, fits=fake_fits, minimums=GOOD_MINIMUMS)
    assert [(i.file, i.line, i.code) for i in issues] == [
        ("prescriptions/fine.toml", _line(fine, form), "banned-term")
    ]


def test_the_screen_texts_are_checked_too(tmp_path: Path) -> None:
    from kiosk.ui.i18n import screen_texts

    locale = tmp_path / "locale"
    locale.mkdir()
    (locale / "ko.toml").write_text(
        '[help]\nintro = "혼자 견디지 마세요"\nbad = "극단적인 선택은 답이 아니에요"\n',
        encoding="utf-8",
    )
    issues = check_content(GOOD, fits=fake_fits, minimums=GOOD_MINIMUMS)
    assert issues == []
    from prescriptions.checks import check_directory

    result = check_directory(GOOD, fake_fits, GOOD_MINIMUMS, screen_texts=screen_texts(locale))
    assert [(i.file, i.line, i.code) for i in result.issues] == [
        ("kiosk/ui/locale/ko.toml", 3, "banned-term")
    ]


def test_the_bundled_list_is_grouped_by_family_with_a_comment_each() -> None:
    text = (BUNDLED / BANNED_TERMS_FILE).read_text(encoding="utf-8")
    families = [line for line in text.splitlines() if line.strip().startswith("# ──")]
    assert len(families) >= 12  # both languages: euphemisms, acts, wishes, methods, means …
    for family in ("methods", "means", "disappear", "euphemisms", "sensational", "stigma"):
        assert any(family in f for f in families), family
