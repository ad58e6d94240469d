"""What a visitor-facing text may not do with facts: use a placeholder that does not exist,
leave a brace alone, or write a help number or a place's phone out by hand (then changing a
number in hotlines.toml would miss it). Each problem comes with the placeholder to use.

Texts in hotlines.toml and places.toml are where the facts are written, so they are not
checked for written-out numbers; everything else is: prescriptions, symptoms, categories,
items, programmes and the screen texts (kiosk/ui/locale).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from prescriptions.facts import _FACT, _TOKEN, Facts, without_placeholders
from prescriptions.guards import REQUIRED_HOTLINES
from prescriptions.hangul import PARTICLES
from prescriptions.model import HOTLINE_120, Content
from prescriptions.schema import KNOWN_LANGUAGES


@dataclass(frozen=True)
class TextProblem:
    code: str  # "unknown-placeholder" or "handwritten-number"
    ko: str
    en: str


def placeholder_problems(text: str, facts: Facts, *, screen: bool) -> list[TextProblem]:
    """Unknown ids and fields, unknown particles, and (in content, not `screen` texts, whose
    other `{name}` fields the program fills) any other `{…}` or a brace left alone."""
    found: list[TextProblem] = []
    for match in _TOKEN.finditer(text):
        token, inner = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            continue
        fact = _FACT.fullmatch(inner) if inner is not None else None
        if fact is None:
            if screen and inner is not None and inner.strip():
                continue  # the screen's own field ({item}, {seconds}), filled by the program
            found.append(_lone(token))
            continue
        record_id, name, particle = fact.groups()
        fields = facts.knows(record_id)
        if fields is None:
            found.append(_unknown(token, f"'{record_id}'", f"'{record_id}'", _ids(facts)))
        elif name not in fields:
            found.append(_unknown(token, f"'{name}' 항목", f"field '{name}'", ", ".join(fields)))
        elif particle is not None and particle not in (*PARTICLES, *KNOWN_LANGUAGES):
            known = "을를, 이가, ko, en"
            found.append(_unknown(token, f"조사 '{particle}'", f"particle '{particle}'", known))
    return found


def _ids(facts: Facts) -> str:
    known = [*[h.id for h in facts.content.hotlines][:4], "place", "programme-…"]
    return ", ".join(known)


def _unknown(token: str, what_ko: str, what_en: str, known: str) -> TextProblem:
    return TextProblem(
        "unknown-placeholder",
        f"모르는 자리표시입니다: {token} — {what_ko}이(가) 없습니다. 쓸 수 있는 것: {known}",
        f"Unknown placeholder {token}: no {what_en}; known: {known}",
    )


def _lone(token: str) -> TextProblem:
    return TextProblem(
        "unknown-placeholder",
        f"자리표시로 읽을 수 없는 중괄호입니다: '{token}'. 자리표시는 {{hotline-120.number}}처럼 "
        f"쓰고, 중괄호 자체는 {{{{ }}}}로 씁니다.",
        f"'{token}' is not a placeholder; write one as {{hotline-120.number}}, a brace itself "
        f"as {{{{ or }}}}.",
    )


@dataclass(frozen=True)
class _Number:
    pattern: re.Pattern[str]
    shown: str
    hint: str


def _digits(number: str) -> str:
    """A number as written, with any spacing, dots or brackets a writer might use instead
    of its dashes ("02-120", "02 120", "(02)120"), never inside a longer number."""
    groups = [g for g in re.split(r"\D+", number) if g]
    body = r"[\s.()\-–]*".join(re.escape(g) for g in groups)
    return rf"(?<![\d-]){body}(?![\d])"


def number_patterns(content: Content) -> list[_Number]:
    """Every number that has a placeholder: the required hotlines (whatever the content
    says), the content's other hotlines and every place's phone. Longest first, so that
    "02-120" is found as itself, not as "120"."""
    found: list[_Number] = []
    for hotline in REQUIRED_HOTLINES:
        found.append(
            _Number(re.compile(_digits(hotline.number)), hotline.number, f"{{{hotline.id}.number}}")
        )
        for also in hotline.also_named:
            found.append(_Number(re.compile(_digits(also)), also, f"{{{hotline.id}.also}}"))
    # The short code alone ("외로움안녕120", "Loneliness 120") is the line's name or number.
    found.append(
        _Number(
            re.compile(_digits("120")), "120", f"{{{HOTLINE_120}.name}} / {{{HOTLINE_120}.number}}"
        )
    )
    required = {h.id for h in REQUIRED_HOTLINES}
    for h in content.hotlines:
        if h.id not in required:
            found.append(_Number(re.compile(_digits(h.number)), h.number, f"{{{h.id}.number}}"))
    for p in content.places:
        found.append(_Number(re.compile(_digits(p.phone)), p.phone, "{place.phone}"))
    # Any other full phone number: a place not (yet) in places.toml.
    found.append(
        _Number(
            re.compile(r"(?<![\d-])0\d{1,2}[\s.)\-]+\d{3,4}[\s.\-]+\d{4}(?!\d)"),
            "전화번호",
            "{place.phone}",
        )
    )
    return sorted(found, key=lambda n: -len(n.shown))


# "{hotline-120.number}에 걸어 5번", "… then press 5": the menu key written out by hand.
_PRESS = re.compile(r"\{hotline-120\.number\}[^{}\d]{0,24}(?<![\d-])(\d)(?!\d)", re.IGNORECASE)


def handwritten_numbers(text: str, numbers: Sequence[_Number]) -> list[TextProblem]:
    """The help numbers and phones `text` writes out instead of using a placeholder;
    `numbers` is `number_patterns(content)`, made once for all texts."""
    plain = without_placeholders(text)
    found: list[TextProblem] = []
    if not any(ch.isdigit() for ch in plain):
        found_press = _PRESS.finditer(text)
        return [_handwritten(m.group(1), f"{{{HOTLINE_120}.then_press}}") for m in found_press]
    for number in numbers:
        for match in number.pattern.finditer(plain):
            found.append(_handwritten(match.group(0), number.hint))
            plain = plain[: match.start()] + " " * len(match.group(0)) + plain[match.end() :]
    for match in _PRESS.finditer(text):
        found.append(_handwritten(match.group(1), f"{{{HOTLINE_120}.then_press}}"))
    return found


def _handwritten(written: str, hint: str) -> TextProblem:
    return TextProblem(
        "handwritten-number",
        f"번호를 손으로 썼습니다: '{written.strip()}'. 번호가 바뀌면 여기만 옛 번호로 남습니다. "
        f"자리표시를 쓰세요: {hint}",
        f"'{written.strip()}' is written out by hand and would stay behind when the number "
        f"changes; use the placeholder {hint}",
    )


def is_fact_placeholder(inner: str) -> bool:
    return _FACT.fullmatch(inner) is not None
