"""The safety guards live in code: content can add hotlines and banned words, never remove or
change the required ones (issue #11, defect 4)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from prescriptions.checks import check_directory
from prescriptions.errors import ContentIssue
from prescriptions.guards import BUILT_IN_BANNED, REQUIRED_HOTLINES, effective_banned
from prescriptions.model import HELP_HOTLINES
from tests.prescriptions.helpers import GOOD, GOOD_MINIMUMS, copy_of, fake_fits


def _check(content: Path) -> list[ContentIssue]:
    return list(check_directory(content, fake_fits, GOOD_MINIMUMS).issues)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_the_built_in_hotlines_are_the_crisis_lines_of_facts_md() -> None:
    assert [(h.id, h.number, h.then_press, h.also_named) for h in REQUIRED_HOTLINES] == [
        ("hotline-109", "109", None, ()),
        ("hotline-1577-0199", "1577-0199", None, ()),
        ("hotline-120", "02-120", "5", ()),
        ("hotline-112-119", "112", None, ("119",)),
    ]
    assert tuple(h.id for h in REQUIRED_HOTLINES) == HELP_HOTLINES


def test_the_guards_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        REQUIRED_HOTLINES[1].number = "1577-0000"  # type: ignore[misc]
    with pytest.raises(TypeError):
        BUILT_IN_BANNED["ko"] = ()  # type: ignore[index]


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('number = "1577-0199"', 'number = "1577-0000"', 'number = "1577-0000"'),
        ('number = "109"', 'number = "119"', 'number = "119"'),
        ('then_press = "5"', 'then_press = "9"', 'then_press = "9"'),
        ('name = "경찰 112 · 119"', 'name = "경찰 112"', 'name = "경찰 112"'),
    ],
    ids=["1577-0199 changed", "109 changed", "120 menu key", "119 dropped from the name"],
)
def test_a_changed_required_hotline_is_refused_at_its_line(
    tmp_path: Path, old: str, new: str, needle: str
) -> None:
    content = copy_of(GOOD, tmp_path)
    hotlines = content / "hotlines.toml"
    _replace(hotlines, old, new)
    issues = _check(content)
    assert [(i.file, i.line, i.code) for i in issues] == [
        ("hotlines.toml", _line_of(hotlines, needle), "hotline-changed")
    ]
    assert "prescriptions/guards.py" in issues[0].message_ko


def test_a_dropped_menu_key_is_refused_on_the_hotline_id(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    hotlines = content / "hotlines.toml"
    _replace(hotlines, 'then_press = "5"\n', "")
    issues = _check(content)
    assert [(i.line, i.code) for i in issues] == [
        (_line_of(hotlines, 'id = "hotline-120"'), "hotline-changed")
    ]
    assert "02-120 → 5" in issues[0].message_ko


def test_a_dropped_required_hotline_is_refused_and_named(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    hotlines = content / "hotlines.toml"
    text = hotlines.read_text(encoding="utf-8")
    start = text.index('[[hotline]]\nid = "hotline-1577-0199"')
    hotlines.write_text(text[:start] + text[text.index("[[hotline]]", start + 1) :])
    issues = _check(content)
    assert [(i.file, i.line, i.code) for i in issues] == [("hotlines.toml", 1, "missing-hotline")]
    assert "1577-0199" in str(issues[0])


def test_content_may_add_a_hotline(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    with (content / "hotlines.toml").open("a", encoding="utf-8") as f:
        f.write(
            '\n[[hotline]]\nid = "hotline-local"\nnumber = "02-2133-0000"\n'
            '[hotline.ko]\nname = "동네 상담"\ndescription = "가까운 곳"\n'
        )
    assert _check(content) == []


@pytest.mark.parametrize(
    "banned_file",
    ["", "ko = []\nen = []\n", "# every word removed\n"],
    ids=["empty file", "empty lists", "comments only"],
)
def test_an_emptied_banned_list_still_refuses_the_built_in_terms(
    tmp_path: Path, banned_file: str
) -> None:
    content = copy_of(GOOD, tmp_path)
    (content / "banned-terms.toml").write_text(banned_file, encoding="utf-8")
    fine = content / "prescriptions" / "fine.toml"
    _replace(fine, "괜찮은 날에도 쉬어 가세요.", "극단적 선택은 답이 아니에요.")
    result = check_directory(content, fake_fits, GOOD_MINIMUMS)
    assert [(i.file, i.line, i.code) for i in result.issues] == [
        ("prescriptions/fine.toml", _line_of(fine, "극단적 선택"), "banned-term")
    ]
    assert set(BUILT_IN_BANNED["ko"]) <= set(result.content.banned("ko"))


def test_the_file_adds_to_the_built_in_list() -> None:
    merged = dict(effective_banned((("ko", ("새 낱말", "극단적 선택")), ("ja", ("言葉",)))))
    assert merged["ko"][: len(BUILT_IN_BANNED["ko"])] == BUILT_IN_BANNED["ko"]
    assert merged["ko"].count("극단적 선택") == 1 and "새 낱말" in merged["ko"]
    assert merged["ja"] == ("言葉",)
    assert merged["en"] == BUILT_IN_BANNED["en"]


def test_an_empty_places_file_is_refused(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    (content / "places.toml").write_text("# 모두 지웠어요\n", encoding="utf-8")
    for p in (content / "prescriptions").glob("*.toml"):  # nothing may point at a place now
        text = p.read_text(encoding="utf-8")
        p.write_text(text.replace('next_step = "place-gwanak"', 'next_step = "hotline-120"'))
    issues = _check(content)
    assert [(i.file, i.line, i.code) for i in issues] == [("places.toml", 1, "too-few-places")]
