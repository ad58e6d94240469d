"""Prescriptions written as canonical TOML: the layout `content import` produces.

Always the same order (id, categories, items, gentle, weight, next_step, then one table per
language, Korean first), a commented header that tells staff what each field means, and texts
with line breaks written as multi-line strings so the file reads like the card.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from prescriptions.model import BASE_LANGUAGE, Prescription

HEADER = """\
# 마음약방 처방: {name}
# 이 파일은 `python main.py content import`가 엑셀(CSV)에서 다시 썼습니다.
# 직접 고쳐도 되고 엑셀로 고쳐도 됩니다. 형식: docs/content-format.md, docs/staff-guide.md
#
#   id          처방의 이름표 (영어 소문자, 숫자, -, _). 다른 처방과 겹치면 안 됩니다.
#   categories  이 처방이 나오는 분류 id들 (categories.toml)
#   items       어울리는 물품 id들, 좋은 것부터 (items.toml)
#   gentle      마음이 많이 힘든 분께 알맞으면 true
#   weight      나올 확률의 비율 (보통 1.0, 두 배로 자주 나오게 하려면 2.0)
#   next_step   다음 한 걸음: 상담전화·장소·프로그램 id (없으면 이 줄이 없습니다)
#   [prescription.ko]  한국어 (꼭 필요), [prescription.en] 영어 (없으면 한국어가 나옵니다)
"""

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


def _id_list(ids: Sequence[str]) -> str:
    return "[" + ", ".join(toml_string(i) for i in ids) + "]"


def _prescription(p: Prescription) -> list[str]:
    lines = [
        "[[prescription]]",
        f"id = {toml_string(p.id)}",
        f"categories = {_id_list(p.categories)}",
        f"items = {_id_list(p.items)}",
        f"gentle = {'true' if p.gentle else 'false'}",
        f"weight = {p.weight!r}",
    ]
    if p.next_step is not None:
        lines.append(f"next_step = {toml_string(p.next_step)}")
    texts = p.texts()
    languages: list[str] = [BASE_LANGUAGE]
    for text in texts.values():
        languages += [lang for lang in text.languages if lang not in languages]
    for lang in languages:
        lines += ["", f"[prescription.{lang}]"]
        lines += [
            f"{name} = {toml_string(dict(text.texts)[lang])}"
            for name, text in texts.items()
            if text.has(lang)
        ]
    return lines


def prescriptions_toml(name: str, prescriptions: Sequence[Prescription]) -> str:
    """The whole file `name` (e.g. "loneliness.toml") holding `prescriptions`, in order."""
    parts = [HEADER.format(name=name)]
    for p in prescriptions:
        parts.append("\n".join(_prescription(p)) + "\n")
    return "\n".join(parts)
