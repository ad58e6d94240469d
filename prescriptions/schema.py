"""What each kind of record in the content files may contain, and turning one raw TOML table
into a model record while reporting every problem with its line.

A record whose required fields are sound is still built when it has other problems (an unknown
field, a bad optional value): the problem is reported and blocks the content, but the other
checks see the record, so one typo does not bury the file in follow-on messages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from prescriptions.charset import describe, shown, unsafe_character
from prescriptions.errors import ContentIssue, IssueCode
from prescriptions.lines import Block
from prescriptions.model import (
    BASE_LANGUAGE,
    Category,
    Hotline,
    Item,
    Localized,
    Place,
    Prescription,
    Programme,
    Symptom,
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
MAX_ID_LENGTH = 40
MAX_WEIGHT = 1000.0
# Languages a content file may carry; anything else is most likely a typo ("kr" for "ko").
# Indonesian ("id") cannot be one: that key is every record's id.
KNOWN_LANGUAGES = frozenset(
    {
        "ko",
        "en",
        "ja",
        "zh",
        "zh-hans",
        "zh-hant",
        "vi",
        "th",
        "ru",
        "mn",
        "tl",
        "uz",
        "ne",
        "fr",
        "de",
        "es",
    }
)
PRESCRIPTIONS_DIR = "prescriptions"


class Kind:
    """The value types of plain fields."""

    ID = "id"
    OPTIONAL_ID = "optional id"
    TEXT = "text"
    OPTIONAL_TEXT = "optional text"
    BOOL = "true/false"
    WEIGHT = "number"
    IDS = "list of ids"
    REQUIRED_IDS = "non-empty list of ids"
    WORDS = "list of words"


KIND_KO = MappingProxyType(
    {
        Kind.ID: '따옴표로 감싼 id ("lonely-001")',
        Kind.OPTIONAL_ID: '따옴표로 감싼 id ("hotline-120")',
        Kind.TEXT: '따옴표로 감싼 글 ("…")',
        Kind.OPTIONAL_TEXT: '따옴표로 감싼 글 ("…")',
        Kind.BOOL: "true 또는 false",
        Kind.WEIGHT: "숫자 (1.0)",
        Kind.IDS: 'id 목록 (["a", "b"])',
        Kind.REQUIRED_IDS: 'id 목록 (["a", "b"])',
        Kind.WORDS: '낱말 목록 (["핫팩", "hand warmer"])',
        "table": "표 ([이름.ko] 형식)",
    }
)


@dataclass(frozen=True)
class Spec:
    """One kind of record: its table name, file, plain fields and per-language texts.
    A plain field with a default is optional; every other plain field is required."""

    table: str
    file: str
    build: Callable[..., Any]
    plain: Mapping[str, str]
    texts: Mapping[str, bool]  # name → required in Korean
    defaults: Mapping[str, Any] = field(default_factory=dict)


SPECS: tuple[Spec, ...] = (
    Spec(
        "category",
        "categories.toml",
        Category,
        {"id": Kind.ID, "low_mood": Kind.BOOL},
        {"name": True},
        {"low_mood": False},
    ),
    Spec(
        "symptom",
        "symptoms.toml",
        Symptom,
        {"id": Kind.ID, "category": Kind.ID},
        {"name": True, "description": True},
    ),
    Spec(
        "item",
        "items.toml",
        Item,
        {"id": Kind.ID, "words": Kind.WORDS},
        {"name": True},
        {"words": ()},
    ),
    Spec(
        "prescription",
        PRESCRIPTIONS_DIR,
        Prescription,
        {
            "id": Kind.ID,
            "categories": Kind.REQUIRED_IDS,
            "items": Kind.IDS,
            "gentle": Kind.BOOL,
            "weight": Kind.WEIGHT,
            "next_step": Kind.OPTIONAL_ID,
        },
        {"medicine": True, "phrase": True, "dosage": True},
        {"items": (), "gentle": False, "weight": 1.0, "next_step": None},
    ),
    Spec(
        "hotline",
        "hotlines.toml",
        Hotline,
        {
            "id": Kind.ID,
            "number": Kind.TEXT,
            "then_press": Kind.OPTIONAL_TEXT,
            "also": Kind.OPTIONAL_TEXT,
            "hours": Kind.OPTIONAL_TEXT,
        },
        {"name": True, "description": True},
        {"then_press": None, "also": None, "hours": ""},
    ),
    Spec(
        "place",
        "places.toml",
        Place,
        {"id": Kind.ID, "phone": Kind.TEXT},
        {"district": True, "name": True, "address": True, "hours": False},
    ),
    Spec(
        "programme",
        "programmes.toml",
        Programme,
        {"id": Kind.ID},
        {"name": True, "description": True},
    ),
)


@dataclass(frozen=True)
class Where:
    """A record's place in the files: `line(*key)` finds a key inside it (0: unknown)."""

    file: str
    block: Block | None

    def line(self, *path: str) -> int:
        return self.block.line_of(*path) if self.block else 0


def issue(file: str, line: int, code: IssueCode, ko: str, en: str) -> ContentIssue:
    return ContentIssue(file=file, line=line, code=code.value, message_ko=ko, message_en=en)


def normalize_text(text: str) -> str:
    """What the kiosk stores for a text: Windows line ends made plain, outer spaces dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def control_character_issue(
    file: str, line: int, field_name: str, text: str, newline_ok: bool
) -> ContentIssue | None:
    """The issue for the first character `text` may not contain, or None when it is clean.
    Line breaks are allowed only where `newline_ok` (the texts a visitor reads; not ids, phone
    numbers or hours)."""
    found = unsafe_character(text, newline_ok)
    if found is None:
        return None
    what = describe(found.char)
    return issue(
        file,
        line,
        IssueCode.CONTROL_CHARACTER,
        f"보이지 않는 제어 문자가 있습니다: {what} ({field_name}, {found.column}번째 글자). "
        f"화면에 그릴 수 없는 글자라서 받지 않습니다. 그 글자를 지우고 다시 쓰세요.",
        f"{field_name}: character {found.column} is the control character {what}, which "
        f"the screen cannot show; delete it.",
    )


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        str: "text",
        int: "number",
        float: "number",
        list: "list",
        dict: "table",
    }.get(type(value), type(value).__name__)


_TYPE_KO = MappingProxyType(
    {
        "true/false": "true/false",
        "text": "글",
        "number": "숫자",
        "list": "목록",
        "table": "표",
    }
)


class _Invalid(Exception):
    """A value was reported as bad; the caller decides whether the record survives."""


@dataclass
class RecordReader:
    """Turns one raw TOML table into keyword arguments for a model record."""

    spec: Spec
    raw: dict[str, Any]
    where: Where
    issues: list[ContentIssue]

    def read(self) -> dict[str, Any] | None:
        """The record's fields, or None when a required part is missing or unusable."""
        for key in self.raw:
            if key not in self.spec.plain and key not in KNOWN_LANGUAGES:
                allowed = [*self.spec.plain.keys(), "ko", "en"]
                self._unknown((key,), allowed, f"[{self.spec.table}]")
        values: dict[str, Any] = {}
        usable = True
        for name, kind in self.spec.plain.items():
            required = name not in self.spec.defaults
            try:
                values[name] = self._plain(name, kind, required)
            except _Invalid:
                usable = usable and not required
                values[name] = self.spec.defaults.get(name)
        texts = self._texts()
        if texts is None:
            return None
        values.update(texts)
        return values if usable else None

    def report(self, code: IssueCode, path: tuple[str, ...], ko: str, en: str) -> None:
        self.issues.append(issue(self.where.file, self.where.line(*path), code, ko, en))

    def _unknown(self, path: tuple[str, ...], allowed: Any, table: str) -> None:
        names = ", ".join(sorted(allowed))
        self.report(
            IssueCode.UNKNOWN_FIELD,
            path,
            f"모르는 항목입니다: '{path[-1]}' ({table}). 쓸 수 있는 항목: {names}",
            f"Unknown field '{path[-1]}' in {table}; allowed: {names}",
        )

    def _missing(self, path: tuple[str, ...], table: str) -> None:
        self.report(
            IssueCode.MISSING_FIELD,
            path[:-1],
            f"빠진 항목이 있습니다: '{path[-1]}' ({table})",
            f"Field '{path[-1]}' is missing in {table}.",
        )

    def _wrong(self, path: tuple[str, ...], kind: str, value: Any) -> _Invalid:
        self.report(
            IssueCode.WRONG_TYPE,
            path,
            f"값의 형식이 틀렸습니다: '{'.'.join(path)}' — {KIND_KO[kind]} 형식으로 "
            f"씁니다 (지금: {_TYPE_KO.get(_type_name(value), _type_name(value))}).",
            f"'{'.'.join(path)}' must be {kind}, not {_type_name(value)}.",
        )
        return _Invalid()

    def _bad(self, name: str, ko: str, en: str) -> _Invalid:
        self.report(
            IssueCode.BAD_VALUE,
            (name,),
            f"쓸 수 없는 값입니다: '{name}' — {ko}.",
            f"'{name}' {en}.",
        )
        return _Invalid()

    def _plain(self, name: str, kind: str, required: bool) -> Any:
        if name not in self.raw:
            if required:
                self._missing((name,), f"[{self.spec.table}]")
                raise _Invalid()
            return self.spec.defaults[name]
        value = self.raw[name]
        if kind in (Kind.ID, Kind.OPTIONAL_ID):
            return self._id(name, value)
        if kind in (Kind.TEXT, Kind.OPTIONAL_TEXT):
            return self._text(name, kind, value)
        if kind == Kind.BOOL:
            if not isinstance(value, bool):
                raise self._wrong((name,), kind, value)
            return value
        if kind == Kind.WEIGHT:
            return self._weight(name, value)
        if kind == Kind.WORDS:
            return self._words(name, value)
        return self._ids(name, kind, value)

    def _text(self, name: str, kind: str, value: Any) -> str | None:
        if not isinstance(value, str):
            raise self._wrong((name,), kind, value)
        text = normalize_text(value)
        if self._control(text, (name,), name, newline_ok=False):
            raise _Invalid()
        if not text and kind == Kind.TEXT:
            raise self._bad(name, "비어 있습니다", "is empty")
        return text or None

    def _control(self, text: str, path: tuple[str, ...], label: str, newline_ok: bool) -> bool:
        """Report a control character in `text`; True when there was one."""
        found = control_character_issue(
            self.where.file, self.where.line(*path), label, text, newline_ok
        )
        if found is not None:
            self.issues.append(found)
        return found is not None

    def _id(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self._wrong((name,), Kind.ID, value)
        # fullmatch: `$` would let a trailing line break through ("lonely-001\n")
        if not ID_PATTERN.fullmatch(value) or len(value) > MAX_ID_LENGTH:
            self.report(
                IssueCode.BAD_ID,
                (name,),
                f"id로 쓸 수 없는 값입니다: '{shown(value)}'. 영어 소문자, 숫자, -, _ 만 "
                f"{MAX_ID_LENGTH}자 이내로 씁니다.",
                f"'{shown(value)}' is not a valid id: lowercase ASCII letters, digits, - and _"
                f", at most {MAX_ID_LENGTH} characters.",
            )
            raise _Invalid()
        return value

    def _weight(self, name: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong((name,), Kind.WEIGHT, value)
        if not (math.isfinite(value) and 0 < value <= MAX_WEIGHT):
            raise self._bad(
                name,
                f"0보다 크고 {MAX_WEIGHT:g} 이하여야 합니다",
                f"must be more than 0 and at most {MAX_WEIGHT:g}",
            )
        return float(value)

    def _ids(self, name: str, kind: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self._wrong((name,), kind, value)
        if kind == Kind.REQUIRED_IDS and not value:
            raise self._bad(name, "하나 이상 적어야 합니다", "needs at least one id")
        ids = [self._id(name, v) for v in value]  # raises on the first bad one
        return tuple(ids)

    def _words(self, name: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._wrong((name,), Kind.WORDS, value)
        words = tuple(normalize_text(v) for v in value)
        for word in words:
            if self._control(word, (name,), name, newline_ok=False):
                raise _Invalid()
            if not word or "," in word or ";" in word:
                raise self._bad(
                    name,
                    f"빈 낱말이나 쉼표·세미콜론이 든 낱말은 쓸 수 없습니다 ('{shown(word)}')",
                    f"may not hold an empty word or one with a comma or semicolon "
                    f"('{shown(word)}')",
                )
        return words

    def _texts(self) -> dict[str, Localized] | None:
        """Per-field Localized texts, or None when a required Korean text is unusable."""
        per_field: dict[str, dict[str, str]] = {name: {} for name in self.spec.texts}
        if BASE_LANGUAGE not in self.raw:
            self.report(
                IssueCode.MISSING_FIELD,
                (),
                f"한국어 부분이 없습니다: [{self.spec.table}.ko]",
                f"The Korean table [{self.spec.table}.ko] is missing.",
            )
            return None
        usable = True
        for lang in sorted(set(self.raw) & KNOWN_LANGUAGES):
            usable = self._language(lang, self.raw[lang], per_field) and usable
        return {name: Localized.of(t) for name, t in per_field.items()} if usable else None

    def _language(self, lang: str, table: Any, per_field: dict[str, dict[str, str]]) -> bool:
        base = lang == BASE_LANGUAGE
        if not isinstance(table, dict):
            self._wrong((lang,), "table", table)
            return not base
        usable = True
        for key, value in table.items():
            if key not in self.spec.texts:
                self._unknown((lang, key), self.spec.texts.keys(), f"[{self.spec.table}.{lang}]")
            elif not isinstance(value, str):
                self._wrong((lang, key), Kind.TEXT, value)
                usable = usable and not (base and self.spec.texts[key])
            else:
                text = normalize_text(value)
                # Kept even when refused: the issue blocks the content, and the other checks
                # still see the record.
                self._control(text, (lang, key), f"{key} ({lang})", newline_ok=True)
                per_field[key][lang] = text
        for key, required in self.spec.texts.items():
            if base and required and key not in table:
                self._missing((lang, key), f"[{self.spec.table}.ko]")
                usable = False
            elif base and required and key in per_field and per_field[key].get(lang) == "":
                self.report(
                    IssueCode.BAD_VALUE,
                    (lang, key),
                    f"쓸 수 없는 값입니다: '{key}' (한국어) — 비어 있습니다.",
                    f"Korean '{key}' is empty.",
                )
                usable = False
        return usable
