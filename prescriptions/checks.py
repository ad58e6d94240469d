"""Everything that must hold before the kiosk shows a piece of content.

`check_content(directory, fits)` lists every issue, each with `file:line`, an English code and
a Korean message staff can act on; an empty list means the kiosk may use the directory. The
structural checks (syntax, fields, types, ids, duplicates) happen while loading
(`prescriptions.loader`); this module adds what needs the whole picture: references between
files, minimum counts, the help hotlines, phone numbers, and over every visitor-facing text
banned words, placeholders and help numbers written out by hand (prescriptions.visible); then
the set as a whole: cards that name an item, gentle cards for a lonely visitor, near-duplicate
cards (prescriptions.editorial); and whether each card fits the screen. The card check is
injected (`fits`), because measuring needs the kiosk's real font and layout code, which this
package must not import; so are the screen texts (`screen_texts`), which the kiosk owns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from prescriptions.coverage import GENTLE_MARGIN
from prescriptions.editorial import duplicate_issues, gentle_issues, item_issues
from prescriptions.errors import ContentIssue, IssueCode
from prescriptions.files import FolderSnapshot
from prescriptions.guards import REQUIRED_HOTLINES, RequiredHotline
from prescriptions.history import DEFAULT_NO_REPEAT_WINDOW
from prescriptions.honesty import naming_cards
from prescriptions.loader import SourceMap, read_content
from prescriptions.model import BASE_LANGUAGE, Content, Prescription
from prescriptions.safety import BannedMatcher
from prescriptions.schema import PRESCRIPTIONS_DIR, Where, issue
from prescriptions.visible import VisibleText, content_texts, text_issues

# The minimum the product needs: enough choice on the symptom screen, and enough prescriptions
# per category that a visitor rarely meets the same card twice.
MIN_CATEGORIES = 7
MIN_SYMPTOMS = 16
MIN_PRESCRIPTIONS_PER_CATEGORY = 12
# Every screen's footer names the nearest 서울마음편의점: there must be one to name.
MIN_PLACES = 1

# Phone numbers as shown on screen. Hotlines may be short codes (109, 112), national
# representative numbers (1577-0199) or an area code plus a short code (02-120); places need a
# full number a visitor can dial (02-876-0900, 010-1234-5678).
_SHORT_CODE = r"1\d{2}"
_REPRESENTATIVE = r"1[5-9]\d{2}-\d{4}"
_FULL_NUMBER = r"0\d{1,2}-\d{3,4}-\d{4}"
_AREA_SHORT_CODE = r"0\d{1,2}-1\d{2}"
HOTLINE_NUMBER = re.compile(
    rf"^(?:{_SHORT_CODE}|{_REPRESENTATIVE}|{_FULL_NUMBER}|"
    rf"{_AREA_SHORT_CODE})$"
)
PLACE_PHONE = re.compile(rf"^{_FULL_NUMBER}$")
MENU_KEY = re.compile(r"^[0-9*#]{1,3}$")

# Problems after which none of a file's records were read.
_UNREAD = frozenset(
    code.value
    for code in (
        IssueCode.MISSING_FILE,
        IssueCode.UNREADABLE_FILE,
        IssueCode.TOML_SYNTAX,
        IssueCode.FILE_TOO_LARGE,
    )
)

FitCheck = Callable[[Prescription, str], "str | None"]
"""(prescription, language) → None when the card fits, else the reason it does not."""
FitCheckFor = Callable[[Content], FitCheck]
"""Builds a FitCheck for the content being checked (the card also shows symptom and place)."""


@dataclass(frozen=True)
class Minimums:
    categories: int = MIN_CATEGORIES
    symptoms: int = MIN_SYMPTOMS
    prescriptions_per_category: int = MIN_PRESCRIPTIONS_PER_CATEGORY
    places: int = MIN_PLACES
    # Gentle cards per category: the no-repeat window the machines use, plus a margin
    # (prescriptions.coverage).
    no_repeat_window: int = DEFAULT_NO_REPEAT_WINDOW
    gentle_margin: int = GENTLE_MARGIN


DEFAULT_MINIMUMS = Minimums()


@dataclass(frozen=True)
class CheckResult:
    content: Content
    sources: SourceMap
    issues: tuple[ContentIssue, ...]

    @property
    def ok(self) -> bool:
        return not self.issues


def check_directory(
    directory: Path,
    fits: FitCheck | None = None,
    minimums: Minimums = DEFAULT_MINIMUMS,
    *,
    fits_for: FitCheckFor | None = None,
    snapshot: FolderSnapshot | None = None,
    screened: bool = False,
    screen_texts: Sequence[VisibleText] = (),
) -> CheckResult:
    """Load and check `directory` (or `snapshot`, its files already read); the content is
    usable only when `result.ok`.

    The card check is `fits`, or else `fits_for(content)` once the content is loaded.
    `screened`: the files passed every check before (the kiosk's last good copy), so the
    checks of the texts and of the set as a whole (banned words, placeholders, items, gentle
    cards, near-duplicates) are not run again. `screen_texts`: the screen's
    own texts, checked like the content's (banned words, placeholders, written-out numbers)."""
    loaded = read_content(Path(directory), snapshot)
    if fits is None and fits_for is not None:
        fits = fits_for(loaded.content)
    issues = list(loaded.issues)
    if not loaded.whole_folder:
        unsure = {i.file for i in loaded.issues}
        unread = {i.file for i in loaded.issues if i.code in _UNREAD}
        issues += _check_loaded(
            loaded.content,
            loaded.sources,
            fits,
            minimums,
            unsure,
            unread,
            screened=screened,
            screen_texts=screen_texts,
        )
    return CheckResult(loaded.content, loaded.sources, tuple(sorted(set(issues))))


def check_content(
    directory: Path, fits: FitCheck | None = None, minimums: Minimums = DEFAULT_MINIMUMS
) -> list[ContentIssue]:
    """Every issue in `directory`, in file and line order; empty when the content is usable."""
    return list(check_directory(directory, fits, minimums).issues)


def _check_loaded(
    content: Content,
    sources: SourceMap,
    fits: FitCheck | None,
    minimums: Minimums,
    unsure: set[str],
    unread: set[str],
    *,
    screened: bool = False,
    screen_texts: Sequence[VisibleText] = (),
) -> list[ContentIssue]:
    """The checks over the whole content. `unsure`: files with any problem (counts over them
    would be wrong); `unread`: files none of whose records could be read."""
    found = [
        *_references(content, sources, unread),
        *_counts(content, sources, minimums, unsure),
        *_hotlines(content, sources),
        *_phones(content, sources),
    ]
    if screened:  # every check below depends on the files alone, and they passed them all
        return found + (list(_card_fit(content, sources, fits)) if fits is not None else [])
    terms = [term for _, group in content.banned_terms for term in group]
    banned = BannedMatcher(terms) if terms else None
    texts = [*content_texts(content, sources), *screen_texts]
    prescriptions_sure = not any(f.startswith(f"{PRESCRIPTIONS_DIR}/") for f in unsure)
    whole_set = prescriptions_sure and not unsure & {"categories.toml", "items.toml"}
    naming = naming_cards(content) if whole_set else {}
    found += [
        *text_issues(texts, content, banned),
        *(item_issues(content, sources, naming) if whole_set else ()),
        *(
            gentle_issues(
                content, sources, naming, minimums.no_repeat_window, minimums.gentle_margin
            )
            if whole_set and "symptoms.toml" not in unsure
            else ()
        ),
        *(duplicate_issues(content, sources) if prescriptions_sure else ()),
    ]
    if fits is not None:
        found += _card_fit(content, sources, fits)
    return found


def _dangling(
    where: Where, key: str, kind_ko: str, kind_en: str, ref: str, known: list[str]
) -> ContentIssue:
    hint = ", ".join(sorted(known)[:8])
    return issue(
        where.file,
        where.line(key),
        IssueCode.DANGLING_REFERENCE,
        f"없는 {kind_ko}입니다: '{ref}' ({key}). 있는 것: {hint}",
        f"'{key}' names {kind_en} '{ref}', which does not exist; known: {hint}",
    )


def _references(content: Content, sources: SourceMap, unread: set[str]) -> Iterator[ContentIssue]:
    """References to ids that do not exist. A reference into a file that could not be read
    is not reported: the id may well be there, and the file's own problem is the one to fix."""
    categories = [c.id for c in content.categories]
    items = [i.id for i in content.items]
    resources = [h.id for h in content.hotlines] + [p.id for p in content.places]
    resources += [p.id for p in content.programmes]
    categories_sure = "categories.toml" not in unread
    items_sure = "items.toml" not in unread
    resources_sure = not unread & {"hotlines.toml", "places.toml", "programmes.toml"}
    for symptom in content.symptoms:
        if categories_sure and symptom.category not in categories:
            yield _dangling(
                sources.where("symptom", symptom.id),
                "category",
                "분류",
                "category",
                symptom.category,
                categories,
            )
    for p in content.prescriptions:
        where = sources.where("prescription", p.id)
        for ref in p.categories:
            if categories_sure and ref not in categories:
                yield _dangling(where, "categories", "분류", "category", ref, categories)
        for ref in p.items:
            if items_sure and ref not in items:
                yield _dangling(where, "items", "물품", "item", ref, items)
        if resources_sure and p.next_step is not None and p.next_step not in resources:
            yield _dangling(
                where,
                "next_step",
                "상담전화·장소·프로그램",
                "hotline, place or programme",
                p.next_step,
                resources,
            )


def _counts(
    content: Content, sources: SourceMap, minimums: Minimums, unsure: set[str]
) -> Iterator[ContentIssue]:
    """Too few of anything. Counts over a file that failed to load (`unsure`) would be wrong
    and only repeat its problem, so they wait until that file loads."""
    if "categories.toml" not in unsure and len(content.categories) < minimums.categories:
        yield issue(
            "categories.toml",
            1,
            IssueCode.TOO_FEW_CATEGORIES,
            f"분류가 {len(content.categories)}개뿐입니다. {minimums.categories}개 이상 필요합니다.",
            f"Only {len(content.categories)} categories; at least "
            f"{minimums.categories} are needed.",
        )
    if "symptoms.toml" not in unsure and len(content.symptoms) < minimums.symptoms:
        yield issue(
            "symptoms.toml",
            1,
            IssueCode.TOO_FEW_SYMPTOMS,
            f"증상이 {len(content.symptoms)}개뿐입니다. {minimums.symptoms}개 이상 필요합니다.",
            f"Only {len(content.symptoms)} symptoms; at least {minimums.symptoms} are needed.",
        )
    if "places.toml" not in unsure and len(content.places) < minimums.places:
        yield issue(
            "places.toml",
            1,
            IssueCode.TOO_FEW_PLACES,
            f"서울마음편의점이 {len(content.places)}곳뿐입니다. 모든 화면 아래에 가까운 곳을 "
            f"보여 주므로 {minimums.places}곳 이상 필요합니다.",
            f"Only {len(content.places)} places; every screen's footer names the nearest, so "
            f"at least {minimums.places} are needed.",
        )
    prescriptions_sure = not any(f.startswith(f"{PRESCRIPTIONS_DIR}/") for f in unsure)
    for category in content.categories:
        where = sources.where("category", category.id)
        count = len(content.prescriptions_in(category.id))
        if prescriptions_sure and count < minimums.prescriptions_per_category:
            yield issue(
                where.file,
                where.line("id"),
                IssueCode.TOO_FEW_PRESCRIPTIONS,
                f"처방이 {count}개뿐인 분류입니다: '{category.id}'. "
                f"{minimums.prescriptions_per_category}개 이상 필요합니다.",
                f"Category '{category.id}' has {count} prescriptions; at least "
                f"{minimums.prescriptions_per_category} are needed.",
            )
        if "symptoms.toml" not in unsure and not content.symptoms_in(category.id):
            yield issue(
                where.file,
                where.line("id"),
                IssueCode.CATEGORY_WITHOUT_SYMPTOMS,
                f"증상이 하나도 없는 분류입니다: '{category.id}'. 화면에 나오지 않습니다.",
                f"No symptom belongs to category '{category.id}', so it never shows.",
            )


def _hotlines(content: Content, sources: SourceMap) -> Iterator[ContentIssue]:
    """The required hotlines exist with exactly the built-in numbers (prescriptions.guards):
    content may add hotlines, never remove or change these."""
    hotlines = {h.id: h for h in content.hotlines}
    for required in REQUIRED_HOTLINES:
        hotline = hotlines.get(required.id)
        if hotline is None:
            yield issue(
                "hotlines.toml",
                1,
                IssueCode.MISSING_HOTLINE,
                f"도움 화면에 꼭 필요한 상담전화가 없습니다: '{required.id}' "
                f"({required.shown}). 되살리세요.",
                f"'{required.id}' ({required.shown}) is required for the help screen.",
            )
            continue
        where = sources.where("hotline", hotline.id)
        for key, value, expected in (
            ("number", hotline.number, required.number),
            ("then_press", hotline.then_press, required.then_press),
            ("also", hotline.also, " · ".join(required.also_named) or None),
        ):
            if value != expected:
                line = where.line(key) if value is not None else where.line("id")
                yield _changed(where.file, line, required, key, _value(expected), _value(value))
        for lang, name in hotline.name.texts:
            for number in required.also_named:
                if number not in name:
                    yield _changed(
                        where.file,
                        where.line(lang, "name"),
                        required,
                        f"{lang}.name",
                        f"a name that shows {number}",
                        _value(name),
                    )


def _value(value: str | None) -> str:
    return "(none)" if value is None else f'"{value}"'


def _changed(
    file: str, line: int, required: RequiredHotline, key: str, expected: str, found: str
) -> ContentIssue:
    return issue(
        file,
        line,
        IssueCode.HOTLINE_CHANGED,
        f"꼭 있어야 하는 상담전화는 지우거나 바꿀 수 없습니다: '{required.id}' "
        f"({required.shown})의 {key}: {expected}이어야 합니다 (지금: {found}). 번호가 정말 "
        f"바뀌었다면 기술 담당자에게 알려 주세요 (prescriptions/guards.py).",
        f"'{required.id}' ({required.shown}) is a required hotline: {key} must be "
        f"{expected}, not {found}. If the number really changed, the code must change "
        f"(prescriptions/guards.py).",
    )


def _bad_phone(where: Where, key: str, value: str, example: str) -> ContentIssue:
    return issue(
        where.file,
        where.line(key),
        IssueCode.BAD_PHONE,
        f"전화번호 형식이 틀렸습니다: '{value}' ({key}). 숫자와 -만 씁니다. 예: {example}",
        f"'{key}' phone number '{value}' is malformed; digits and dashes, e.g. {example}",
    )


def _phones(content: Content, sources: SourceMap) -> Iterator[ContentIssue]:
    required = {h.id for h in REQUIRED_HOTLINES}  # held to their exact numbers by _hotlines
    for hotline in content.hotlines:
        if hotline.id in required:
            continue
        where = sources.where("hotline", hotline.id)
        if not HOTLINE_NUMBER.match(hotline.number):
            yield _bad_phone(where, "number", hotline.number, "109, 1577-0199, 02-120")
        if hotline.then_press is not None and not MENU_KEY.match(hotline.then_press):
            yield _bad_phone(where, "then_press", hotline.then_press, "5")
    for place in content.places:
        if not PLACE_PHONE.match(place.phone):
            yield _bad_phone(sources.where("place", place.id), "phone", place.phone, "02-876-0900")


def _card_fit(content: Content, sources: SourceMap, fits: FitCheck) -> Iterator[ContentIssue]:
    for p in content.prescriptions:
        where = sources.where("prescription", p.id)
        languages = {BASE_LANGUAGE}
        for text in p.texts().values():
            languages.update(text.languages)
        for lang in sorted(languages):
            reason = fits(p, lang)
            if reason is not None:
                yield issue(
                    where.file,
                    where.line(lang, "phrase"),
                    IssueCode.CARD_OVERFLOW,
                    f"가장 작은 화면의 처방전에 들어가지 않습니다: '{p.id}' ({lang}), "
                    f"{reason}. 문구를 줄이세요.",
                    f"Prescription '{p.id}' ({lang}) does not fit the card at the "
                    f"smallest resolution: {reason}. Shorten it.",
                )
