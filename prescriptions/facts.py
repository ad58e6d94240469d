"""Help numbers and places written once, in hotlines.toml and places.toml, and shown wherever a
text names them, through placeholders.

    {hotline-120.number}       "02-120"           {hotline-120.then_press}   "5"
    {hotline-120.name}         its name in the language of the text
    {place.name}, {place.district}, {place.address}, {place.hours}, {place.phone}
                               the machine's nearest 서울마음편의점 (`nearest_place` in the
                               machine configuration)
    {place-gwanak.phone}       one place by its id; {programme-<id>.name} a programme
    {hotline-120.name:을를}     with the particle its last sound asks for ("…120을")
    {hotline-120.name:ko}      in that language whatever the text's (a channel's own name)
    {{ and }}                  a brace itself

`expand(text, facts, lang)` is the one function that fills them (content texts);
`fill_facts(template, facts, lang)` fills only these and leaves the screen text's own `{name}`
fields and doubled braces to `str.format` (kiosk.ui.i18n). `problems(text, facts)` says what is
wrong with a text's placeholders and which help numbers it writes out by hand.

Without a nearest place configured (or with one places.toml does not have), `{place.…}` does
not name some district at random: it names the programme and how to find the nearest one
(`UNSET_PLACE`): name 서울마음편의점, district 서울, phone "02-120 → 5" (120 points to the
nearest centre), address "가까운 곳은 외로움안녕120에서 안내해요", hours "운영 시간은 전화로
확인해 주세요". Without content at all, the required hotlines still have their built-in numbers
(prescriptions.guards) and names (`BUILT_IN_NAMES`), so the help lines never go blank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from prescriptions.guards import REQUIRED_HOTLINES
from prescriptions.hangul import PARTICLES, with_particle
from prescriptions.model import (
    HOTLINE_120,
    Content,
    Hotline,
    Localized,
    Place,
    Programme,
)
from prescriptions.schema import KNOWN_LANGUAGES

NEAREST = "place"
PROGRAMME_MAEUM = "programme-maeum-convenience"
FIELDS: Mapping[type, tuple[str, ...]] = MappingProxyType(
    {
        Hotline: ("number", "then_press", "also", "name", "description", "hours"),
        Place: ("name", "district", "address", "hours", "phone"),
        Programme: ("name", "description"),
    }
)

BUILT_IN_NAMES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "hotline-109": {"ko": "자살예방 상담전화", "en": "Suicide Prevention Line"},
        "hotline-1577-0199": {"ko": "정신건강 위기상담 전화", "en": "Mental Health Crisis Line"},
        "hotline-120": {"ko": "외로움안녕120", "en": "Goodbye Loneliness 120"},
        "hotline-112-119": {"ko": "경찰 112 · 소방·구급 119", "en": "Police 112 · Ambulance 119"},
        PROGRAMME_MAEUM: {"ko": "서울마음편의점", "en": "Seoul Maeum Convenience Store"},
    }
)
UNSET_PLACE: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "district": {"ko": "서울", "en": "Seoul"},
        "address": {
            "ko": "가까운 곳은 {hotline-120.name}에서 안내해요",
            "en": "{hotline-120.name} can tell you the nearest one",
        },
        "hours": {
            "ko": "운영 시간은 전화로 확인해 주세요",
            "en": "Call to check the opening hours",
        },
    }
)

# `{{`, `}}`, a `{…}` field, or a brace left alone.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_FACT = re.compile(r"([a-z0-9][a-z0-9_-]*)\.([a-z_]+)(?::(\S+))?")


def _pick(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("ko", "")


@dataclass(frozen=True)
class Facts:
    """Where the placeholders' values come from: the content, and the machine's nearest place
    (a place id; "" when not configured)."""

    content: Content = field(default_factory=Content)
    nearest_place: str = ""

    @property
    def nearest(self) -> Place | None:
        """The configured nearest place, or None (not configured, or not in places.toml)."""
        found = [p for p in self.content.places if p.id == self.nearest_place]
        return found[0] if found else None

    def knows(self, record_id: str) -> tuple[str, ...] | None:
        """The fields a placeholder may ask of `record_id`, or None for an unknown id."""
        if record_id == NEAREST:
            return FIELDS[Place]
        try:
            return FIELDS[type(self.content.resource(record_id))]
        except KeyError:
            if record_id in BUILT_IN_NAMES and record_id != PROGRAMME_MAEUM:
                return FIELDS[Hotline]
            return None

    def value(self, record_id: str, name: str, lang: str) -> str:
        """The text of `{record_id.name}` in `lang`; "" for what does not exist (the check
        refuses such a placeholder before a visitor could see it)."""
        if record_id == NEAREST:
            return self._nearest(name, lang)
        try:
            record = self.content.resource(record_id)
        except KeyError:
            return self._built_in(record_id, name, lang)
        found = getattr(record, name, None) if name in FIELDS[type(record)] else None
        if isinstance(found, Localized):
            return found.get(lang)
        return found or ""

    def _built_in(self, record_id: str, name: str, lang: str) -> str:
        required = next((h for h in REQUIRED_HOTLINES if h.id == record_id), None)
        if name == "name" and record_id in BUILT_IN_NAMES:
            return _pick(BUILT_IN_NAMES[record_id], lang)
        if required is None:
            return ""
        return {
            "number": required.number,
            "then_press": required.then_press or "",
            "also": " · ".join(required.also_named),
        }.get(name, "")

    def _nearest(self, name: str, lang: str) -> str:
        place = self.nearest
        if place is not None:
            return self.value(place.id, name, lang)
        if name == "name":
            return self.value(PROGRAMME_MAEUM, "name", lang) or _pick(
                BUILT_IN_NAMES[PROGRAMME_MAEUM], lang
            )
        if name == "phone":
            number = self.value(HOTLINE_120, "number", lang)
            press = self.value(HOTLINE_120, "then_press", lang)
            return f"{number} → {press}" if press else number
        return expand(_pick(UNSET_PLACE.get(name, {}), lang), self, lang)


def _filled(match: re.Match[str], facts: Facts, lang: str) -> str | None:
    """The value of a `{record.field}` token, or None when it is not one."""
    inner = match.group(1)
    fact = _FACT.fullmatch(inner) if inner is not None else None
    if fact is None:
        return None
    record_id, name, spec = fact.groups()
    if spec in KNOWN_LANGUAGES:
        return facts.value(record_id, name, spec)
    value = facts.value(record_id, name, lang)
    if spec in PARTICLES and value:
        value = with_particle(value, spec)
    return value


def expand(text: str, facts: Facts, lang: str) -> str:
    """`text` with every placeholder filled and `{{`/`}}` made single braces. Anything the
    check refuses (an unknown placeholder, a brace alone) is left out rather than shown."""
    if "{" not in text and "}" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        filled = _filled(match, facts, lang)
        return filled if filled is not None else ""

    return _TOKEN.sub(one, text)


def fill_facts(template: str, facts: Facts, lang: str) -> str:
    """`template` with the fact placeholders filled (their braces doubled, so that
    `str.format` after this shows them as they are) and everything else untouched."""
    if "{" not in template:
        return template

    def one(match: re.Match[str]) -> str:
        filled = _filled(match, facts, lang)
        if filled is None:
            return match.group(0)
        return filled.replace("{", "{{").replace("}", "}}")

    return _TOKEN.sub(one, template)


def placeholders(text: str) -> list[tuple[str, str]]:
    """The (record id, field) of every fact placeholder in `text`, in order."""
    found = []
    for match in _TOKEN.finditer(text):
        fact = _FACT.fullmatch(match.group(1)) if match.group(1) is not None else None
        if fact is not None:
            found.append((fact.group(1), fact.group(2)))
    return found


def without_placeholders(text: str) -> str:
    """`text` with every `{…}` taken out (what the writer wrote by hand)."""
    return _TOKEN.sub(lambda m: " " if m.group(0) not in ("{{", "}}") else "", text)
