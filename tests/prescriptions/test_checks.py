"""The content checks: each fires on a deliberately broken example, at the right line, and stays
quiet on good content, including the content bundled with the kiosk."""

from __future__ import annotations

from pathlib import Path

import pytest

from prescriptions.checks import (
    DEFAULT_MINIMUMS,
    HOTLINE_NUMBER,
    MIN_CATEGORIES,
    MIN_PRESCRIPTIONS_PER_CATEGORY,
    MIN_SYMPTOMS,
    PLACE_PHONE,
    Minimums,
    check_content,
    check_directory,
)
from prescriptions.errors import ContentError, IssueCode
from prescriptions.loader import load_content
from prescriptions.model import Prescription
from tests.prescriptions.helpers import (
    BROKEN,
    BROKEN_MINIMUMS,
    BUNDLED,
    GOOD,
    GOOD_MINIMUMS,
    SPARSE,
    SPARSE_MINIMUMS,
    copy_of,
    expected_marks,
    fake_fits,
)

# Codes that are not about what content files say: the spreadsheet import's own, a broken
# check, and the file system's faults (tests/faults/test_content_faults.py makes those: a
# fixture cannot hold a 1 MiB file or keep changing).
NOT_CONTENT = {
    IssueCode.CSV_ENCODING,
    IssueCode.CSV_HEADER,
    IssueCode.CSV_CELL,
    IssueCode.CHECK_FAILED,
    IssueCode.FILE_TOO_LARGE,
    IssueCode.FOLDER_TOO_LARGE,
    IssueCode.FILES_CHANGING,
}


BAD_EXAMPLES = [(BROKEN, BROKEN_MINIMUMS), (SPARSE, SPARSE_MINIMUMS)]


@pytest.mark.parametrize(("directory", "minimums"), BAD_EXAMPLES, ids=["broken", "sparse"])
def test_bad_examples_report_exactly_the_marked_problems_at_their_lines(
    directory: Path, minimums: Minimums
) -> None:
    issues = check_content(directory, fits=fake_fits, minimums=minimums)
    assert {(i.file, i.line, i.code) for i in issues} == expected_marks(directory)


def test_the_bad_examples_exercise_every_content_check() -> None:
    codes = {code for d, _ in BAD_EXAMPLES for _, _, code in expected_marks(d)}
    assert codes == {c.value for c in IssueCode} - {c.value for c in NOT_CONTENT}


def test_a_file_that_fails_to_load_is_not_also_counted_short(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    fine = content / "prescriptions" / "fine.toml"
    fine.write_text(fine.read_text().replace('id = "fine-002"', 'id = "Fine 002"'))
    codes = [i.code for i in check_content(content, minimums=GOOD_MINIMUMS)]
    assert codes == ["bad-id"]  # not also "fine has only 3 prescriptions"


def test_good_fixture_passes() -> None:
    assert check_content(GOOD, fits=fake_fits, minimums=GOOD_MINIMUMS) == []


def test_default_minimums_are_the_product_requirements() -> None:
    assert (MIN_CATEGORIES, MIN_SYMPTOMS, MIN_PRESCRIPTIONS_PER_CATEGORY) == (7, 16, 12)
    assert (DEFAULT_MINIMUMS.no_repeat_window, DEFAULT_MINIMUMS.gentle_margin) == (10, 2)
    codes = {i.code for i in check_content(GOOD, fits=fake_fits)}
    assert codes == {
        "too-few-categories",
        "too-few-symptoms",
        "too-few-prescriptions",
        "gentle-coverage",  # 12 gentle cards a category: the window of 10 and 2 to spare
    }


def test_bundled_content_passes_every_check_but_the_card_fit() -> None:
    if not any(BUNDLED.glob("*.toml")):
        pytest.fail(f"no bundled content in {BUNDLED}")
    assert [str(i) for i in check_content(BUNDLED)] == []


def test_bundled_cards_fit_the_smallest_screen_with_the_real_layout() -> None:
    card = pytest.importorskip("kiosk.ui.card", reason="the card renderer is not written yet")
    result = check_directory(BUNDLED, fits_for=card.make_fit_check)  # as `content check` does
    assert [str(i) for i in result.issues] == []


def test_messages_are_korean_first_with_an_english_code_and_a_file_line() -> None:
    issues = [i for d, m in BAD_EXAMPLES for i in check_content(d, fits=fake_fits, minimums=m)]
    for found in issues:
        assert any("\uac00" <= ch <= "\ud7a3" for ch in found.message_ko), found
        assert found.message_en.isascii() or "'" in found.message_en
        assert str(found).startswith(f"{found.file}:{found.line}: " if found.line else found.file)
        assert str(found).endswith(f"[{found.code}]")


def test_fit_is_asked_for_korean_and_every_language_the_prescription_has() -> None:
    asked: list[tuple[str, str]] = []

    def recording_fits(prescription: Prescription, lang: str) -> str | None:
        asked.append((prescription.id, lang))
        return None

    check_content(GOOD, fits=recording_fits, minimums=GOOD_MINIMUMS)
    assert ("lonely-002", "ko") in asked
    assert ("lonely-002", "en") not in asked  # no English there: the Korean card is shown
    assert {("lonely-001", "ko"), ("lonely-001", "en")} <= set(asked)


def test_a_card_that_does_not_fit_is_reported_on_its_phrase_line(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    issues = check_content(
        content,
        fits=lambda p, lang: "3 lines too many" if (p.id, lang) == ("lonely-003", "en") else None,
        minimums=GOOD_MINIMUMS,
    )
    lines = (content / "prescriptions" / "loneliness.toml").read_text().splitlines()
    assert [(i.code, lines[i.line - 1]) for i in issues] == [
        ("card-overflow", 'phrase = "Take a walk around the block."')
    ]
    assert "3 lines too many" in issues[0].message_ko


@pytest.mark.parametrize(
    ("phrase", "banned"),
    [
        ("극단적선택은 없어요", True),  # spacing differs from the list
        ("극단적  선택", True),
        ("선택은 극단적이지 않게", False),
        ("Do not KILL YOURSELF over it", True),  # case differs
        ("The skill yourself is fine", False),  # a word that merely contains the term
    ],
)
def test_banned_terms_ignore_spacing_and_case_but_not_word_boundaries(
    tmp_path: Path, phrase: str, banned: bool
) -> None:
    content = copy_of(GOOD, tmp_path)
    path = content / "prescriptions" / "fine.toml"
    path.write_text(path.read_text().replace("Rest even on a fine day.", phrase))
    path.write_text(path.read_text().replace("괜찮은 날에도 쉬어 가세요.", phrase))
    codes = [i.code for i in check_content(content, minimums=GOOD_MINIMUMS)]
    assert codes == (["banned-term"] * 2 if banned else [])  # ko and en phrase both replaced


@pytest.mark.parametrize(
    "number", ["109", "112", "1577-0199", "02-120", "02-876-0900", "031-123-4567", "010-1234-5678"]
)
def test_hotline_numbers_people_really_dial_are_accepted(number: str) -> None:
    assert HOTLINE_NUMBER.match(number)


@pytest.mark.parametrize(
    "number",
    ["1O9", "02 120", "02--120", "-109", "109-", "02)120", "+82-2-120", "0212", "1577-01999", ""],
)
def test_malformed_hotline_numbers_are_refused(number: str) -> None:
    assert not HOTLINE_NUMBER.match(number)


def test_a_place_needs_a_full_phone_number() -> None:
    assert PLACE_PHONE.match("02-876-0900")
    assert not PLACE_PHONE.match("02-120")
    assert not PLACE_PHONE.match("876-0900")


def test_a_byte_order_mark_from_notepad_is_accepted(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    items = content / "items.toml"
    items.write_bytes(b"\xef\xbb\xbf" + items.read_bytes())
    assert check_content(content, fits=fake_fits, minimums=GOOD_MINIMUMS) == []


def test_load_content_refuses_broken_content_with_every_structural_issue() -> None:
    with pytest.raises(ContentError) as raised:
        load_content(BROKEN)
    codes = {i.code for i in raised.value.issues}
    assert {"toml-syntax", "duplicate-id", "unknown-field", "missing-file"} <= codes
    assert raised.value.file == raised.value.issues[0].file


def test_loaded_content_keeps_texts_and_falls_back_to_korean() -> None:
    content = load_content(GOOD)
    symptom = content.symptom("people-sickness")
    assert symptom.name.get("en") == "사람멀미증"
    assert content.prescription("lonely-002").phrase.get("ko") == (
        "혼자라고 느껴질 때,\n가까운 마음편의점에 들러 보세요."
    )
    assert [h.id for h in content.help_hotlines()] == [
        "hotline-109",
        "hotline-1577-0199",
        "hotline-120",
        "hotline-112-119",
    ]
    assert content.prescription("lonely-001").weight == 2.0
    assert content.prescription("fine-001").weight == 1.0
