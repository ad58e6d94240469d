"""Content records written as canonical TOML: the layout `content import` produces.

Always the same order (the plain fields in the order of their `Spec`, then one table per
language, Korean first), a commented header that points staff to the rules, and texts with
line breaks written as multi-line strings so the file reads like the card. A record is written
from its "raw" form, the shape TOML itself has: plain values, and one table of texts per
language (`raw_of` makes it from a model record).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from prescriptions.model import BASE_LANGUAGE, Localized, Prescription, Record
from prescriptions.schema import SPECS, Spec

Raw = Mapping[str, Any]

HEADER = """\
# 마음약방 {what}: {name}
# 이 파일은 `python main.py content import`가 엑셀에서 다시 썼습니다.
# 직접 고쳐도 되고 엑셀로 고쳐도 됩니다. 형식과 문구 규칙: docs/content-format.md
"""

PRESCRIPTION_FIELDS = """\
#
#   id          처방의 이름표 (영어 소문자, 숫자, -, _). 다른 처방과 겹치면 안 됩니다.
#   categories  이 처방이 나오는 분류 id들 (categories.toml)
#   items       어울리는 물품 id들, 좋은 것부터 (items.toml)
#   gentle      마음이 많이 힘든 분께 알맞으면 true
#   weight      나올 확률의 비율 (보통 1.0, 두 배로 자주 나오게 하려면 2.0)
#   next_step   다음 한 걸음: 상담전화·장소·프로그램 id (없으면 이 줄이 없습니다)
#   [prescription.ko]  한국어 (꼭 필요), [prescription.en] 영어 (없으면 한국어가 나옵니다)
"""

WHAT = MappingProxyType(
    {
        "category": "분류",
        "symptom": "증상",
        "item": "물품",
        "prescription": "처방",
        "hotline": "상담전화",
        "place": "서울마음편의점",
        "programme": "프로그램",
    }
)

_ESCAPES = MappingProxyType(
    {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\f": "\\f", "\r": "\\r"}
)


def _escape(ch: str, keep_newline: bool) -> str:
    if ch == "\n":
        return "\n" if keep_newline else "\\n"
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"\\u{ord(ch):04X}"
    return ch


def toml_string(text: str) -> str:
    """A TOML string that reads back as `text`; multi-line when the text has line breaks."""
    if "\n" in text:
        # A newline right after the opening quotes is dropped by TOML: the text starts below.
        return '"""\n' + "".join(_escape(ch, keep_newline=True) for ch in text) + '"""'
    return '"' + "".join(_escape(ch, keep_newline=False) for ch in text) + '"'


def toml_value(value: Any) -> str:
    """A plain field's value as TOML: text, true/false, a number or a list of texts."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_string(str(v)) for v in value) + "]"
    return toml_string(str(value))


def spec_for(table: str) -> Spec:
    return next(spec for spec in SPECS if spec.table == table)


def raw_of(spec: Spec, record: Record) -> dict[str, Any]:
    """The record in the shape its TOML has: plain fields (None left out), then a table per
    language holding that language's texts."""
    raw: dict[str, Any] = {}
    for name in spec.plain:
        value = getattr(record, name)
        if value is not None:
            raw[name] = list(value) if isinstance(value, tuple) else value
    languages: list[str] = [BASE_LANGUAGE]
    texts: dict[str, Localized] = {name: getattr(record, name) for name in spec.texts}
    for text in texts.values():
        languages += [lang for lang in text.languages if lang not in languages]
    for lang in languages:
        table = {name: dict(text.texts)[lang] for name, text in texts.items() if text.has(lang)}
        if table or lang == BASE_LANGUAGE:
            raw[lang] = table
    return raw


def record_lines(spec: Spec, raw: Raw) -> list[str]:
    """One `[[table]]` entry: plain fields in the spec's order, then the language tables."""
    lines = [f"[[{spec.table}]]"]
    lines += [f"{name} = {toml_value(raw[name])}" for name in spec.plain if name in raw]
    for lang, table in raw.items():
        if lang in spec.plain or not isinstance(table, Mapping):
            continue
        lines += ["", f"[{spec.table}.{lang}]"]
        lines += [
            f"{name} = {toml_string(str(table[name]))}" for name in spec.texts if name in table
        ]
    return lines


def records_toml(spec: Spec, name: str, raws: Sequence[Raw]) -> str:
    """The whole file `name` holding `raws`, in order, with its header."""
    header = HEADER.format(what=WHAT.get(spec.table, spec.table), name=name)
    if spec.table == "prescription":
        header += PRESCRIPTION_FIELDS
    parts = [header]
    for raw in raws:
        parts.append("\n".join(record_lines(spec, raw)) + "\n")
    return "\n".join(parts)


def prescriptions_toml(name: str, prescriptions: Sequence[Prescription]) -> str:
    """The whole file `name` (e.g. "loneliness.toml") holding `prescriptions`, in order."""
    spec = spec_for("prescription")
    return records_toml(spec, name, [raw_of(spec, p) for p in prescriptions])
