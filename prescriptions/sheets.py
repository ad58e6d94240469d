"""The content as sheets of a workbook: which sheet holds which kind, its Korean column
headers, and how each field becomes the text of a cell and back.

One sheet per kind of record (`SHEETS`), one row per record, one column per plain field and
one per text and language ("문구 (한국어)", "문구 (영어)"). Every cell is text; lists of ids are
written "a, b", true/false as TRUE/FALSE. The prescriptions sheet has a first column "파일":
the file under prescriptions/ the row lives in. Import reads a header by its Korean label or by
the field's own name ("phrase_ko"), in any order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from prescriptions.model import BASE_LANGUAGE, Localized, Record
from prescriptions.schema import KNOWN_LANGUAGES, PRESCRIPTIONS_DIR, SPECS, Kind, Spec

FILE = "file"

SHEET_NAMES = MappingProxyType(
    {
        "category": "분류",
        "symptom": "증상",
        "item": "물품",
        "prescription": "처방",
        "hotline": "상담전화",
        "place": "장소",
        "programme": "프로그램",
    }
)
RULES_SHEET = "안내"
LISTS_SHEET = "목록"

FIELD_LABELS = MappingProxyType(
    {
        FILE: "파일",
        "id": "아이디",
        "low_mood": "울적함 분류",
        "category": "분류",
        "categories": "분류",
        "items": "물품",
        "words": "다른 이름",
        "gentle": "힘든 분께",
        "weight": "비중",
        "next_step": "다음 한 걸음",
        "number": "전화번호",
        "phone": "전화번호",
        "then_press": "누를 번호",
        "also": "함께 쓰는 번호",
        "hours": "운영 시간",
        "name": "이름",
        "description": "설명",
        "medicine": "약 이름",
        "phrase": "문구",
        "dosage": "복용법",
        "district": "구",
        "address": "주소",
    }
)
LANGUAGE_LABELS = MappingProxyType(
    {
        "ko": "한국어",
        "en": "영어",
        "ja": "일본어",
        "zh": "중국어",
        "zh-hans": "중국어 간체",
        "zh-hant": "중국어 번체",
        "vi": "베트남어",
        "th": "태국어",
        "ru": "러시아어",
        "mn": "몽골어",
        "tl": "필리핀어",
        "uz": "우즈베크어",
        "ne": "네팔어",
        "fr": "프랑스어",
        "de": "독일어",
        "es": "스페인어",
    }
)

TRUE_WORDS = frozenset({"true", "1", "yes", "y", "예", "o", "참"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "아니오", "아니요", "x", "거짓", ""})
# A file name under prescriptions/: no folders, nothing Windows forbids, and not starting with
# a dot (hidden), a formula character or a space.
FILE_NAME = re.compile(r'[^/\\:*?"<>|.=+\-@\'\s][^/\\:*?"<>|]*')
_ID_SPLIT = re.compile(r"[,;\s]+")
_WORD_SPLIT = re.compile(r"[,;\n]")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: a plain field (`lang` None), a text in one language, or the
    prescriptions' file."""

    field: str
    lang: str | None = None

    @property
    def key(self) -> str:
        return f"{self.field}_{self.lang}" if self.lang else self.field

    @property
    def label(self) -> str:
        base = FIELD_LABELS.get(self.field, self.field)
        if self.lang is None:
            return base
        return f"{base} ({LANGUAGE_LABELS.get(self.lang, self.lang)})"


@dataclass(frozen=True)
class Sheet:
    """The sheet of one kind of record."""

    spec: Spec

    @property
    def name(self) -> str:
        return SHEET_NAMES[self.spec.table]

    @property
    def has_file(self) -> bool:
        return self.spec.file == PRESCRIPTIONS_DIR

    def columns(self, languages: Iterable[str]) -> list[Column]:
        langs = [BASE_LANGUAGE, "en", *sorted(set(languages) - {BASE_LANGUAGE, "en"})]
        plain = [Column(name) for name in self.spec.plain]
        texts = [Column(name, lang) for lang in langs for name in self.spec.texts]
        return [*([Column(FILE)] if self.has_file else []), *plain, *texts]

    def allowed(self) -> dict[str, Column]:
        """Every header this sheet understands (label or key, folded) → its column."""
        found: dict[str, Column] = {}
        for column in self.columns(KNOWN_LANGUAGES):
            found[fold(column.label)] = column
            found[fold(column.key)] = column
        return found


SHEETS: tuple[Sheet, ...] = tuple(Sheet(spec) for spec in SPECS)


def fold(header: str) -> str:
    """A header as compared: case, spaces and brackets' spacing do not matter."""
    return re.sub(r"\s+", "", header).casefold()


def sheet_named(name: str) -> Sheet | None:
    return next((s for s in SHEETS if s.name == name.strip()), None)


# ── record → cells ────────────────────────────────────────────────────────────────────────


def cell_text(kind: str, value: Any) -> str:
    """A plain field's value as the text of its cell."""
    if value is None:
        return ""
    if kind == Kind.BOOL:
        return "TRUE" if value else "FALSE"
    if kind == Kind.WEIGHT:
        return repr(float(value))
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def row_cells(sheet: Sheet, record: Record, file: str, columns: list[Column]) -> list[str]:
    out = []
    for column in columns:
        if column.field == FILE:
            out.append(file)
        elif column.lang is None:
            out.append(cell_text(sheet.spec.plain[column.field], getattr(record, column.field)))
        else:
            text: Localized = getattr(record, column.field)
            out.append(dict(text.texts).get(column.lang, ""))
    return out


# ── cells → raw record ────────────────────────────────────────────────────────────────────


class CellProblem(ValueError):
    """A cell whose text cannot be the field's value; the message is (Korean, English)."""

    def __init__(self, ko: str, en: str, column: str = "") -> None:
        super().__init__(en)
        self.ko = ko
        self.en = en
        self.column = column  # the header of the cell, when known


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE_WORDS or value in FALSE_WORDS:
        return value in TRUE_WORDS
    raise CellProblem(
        f"TRUE 또는 FALSE를 쓰세요 (지금: '{text}')", f"use TRUE or FALSE, not '{text}'"
    )


def parse_weight(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text.strip())
    except ValueError:
        raise CellProblem(
            f"숫자를 쓰세요 (지금: '{text}')", f"use a number, not '{text}'"
        ) from None
    if not math.isfinite(value):
        raise CellProblem(f"숫자를 쓰세요 (지금: '{text}')", f"use a number, not '{text}'")
    return value


def plain_value(kind: str, text: str) -> Any:
    """The raw TOML value of a plain field from its cell; None leaves the field out."""
    if kind == Kind.BOOL:
        return parse_bool(text) if text.strip() else None
    if kind == Kind.WEIGHT:
        return parse_weight(text)
    if kind in (Kind.IDS, Kind.REQUIRED_IDS):
        return [part for part in _ID_SPLIT.split(text.strip()) if part]
    if kind == Kind.WORDS:
        return [part.strip() for part in _WORD_SPLIT.split(text) if part.strip()]
    return text.strip() or None


def raw_record(sheet: Sheet, cells: Mapping[Column, str]) -> dict[str, Any]:
    """The record in TOML's shape from one row's cells (by column). Empty text cells are
    left out, so that a missing Korean text is reported by the loader as missing."""
    raw: dict[str, Any] = {}
    for name, kind in sheet.spec.plain.items():
        text = next((v for c, v in cells.items() if c.lang is None and c.field == name), "")
        try:
            value = plain_value(kind, text)
        except CellProblem as problem:
            raise CellProblem(problem.ko, problem.en, Column(name).label) from None
        if value is not None:
            raw[name] = value
    raw[BASE_LANGUAGE] = {}
    for column, text in cells.items():
        if column.lang is not None and text.strip():
            raw.setdefault(column.lang, {})[column.field] = text
    return raw
