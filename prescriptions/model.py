"""The content as the kiosk uses it: frozen records, looked up by id.

Text a visitor reads is `Localized`: one string per language, Korean required, any other
language falling back to Korean when it is missing. Everything here is plain data; the files it
comes from are read by `prescriptions.loader` and checked by `prescriptions.checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import TypeVar

from prescriptions.guards import REQUIRED_HOTLINES

BASE_LANGUAGE = "ko"

# The help screen shows these hotlines, in this order; hotlines.toml must define all of them,
# with the numbers prescriptions.guards fixes.
HELP_HOTLINES = tuple(h.id for h in REQUIRED_HOTLINES)
HOTLINE_120 = "hotline-120"

# UCLA 3-item loneliness scale (Hughes et al. 2004): three answers of 1..3, total 3..9.
UCLA_MIN_TOTAL = 3
UCLA_MAX_TOTAL = 9
UCLA_HIGH_FROM = 6  # the research convention for "lonely"; not a clinical cut-off
UCLA_MODERATE_FROM = 5


class Intensity(Enum):
    """How heavy the visitor's mood check came out. SKIPPED when they chose not to answer."""

    SKIPPED = "skipped"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @classmethod
    def from_ucla(cls, total: int | None) -> Intensity:
        """The intensity for a UCLA 3-item total (3..9), or SKIPPED for None."""
        if total is None:
            return cls.SKIPPED
        if not UCLA_MIN_TOTAL <= total <= UCLA_MAX_TOTAL:
            raise ValueError(f"UCLA 3-item total must be {UCLA_MIN_TOTAL}..{UCLA_MAX_TOTAL}")
        if total >= UCLA_HIGH_FROM:
            return cls.HIGH
        if total >= UCLA_MODERATE_FROM:
            return cls.MODERATE
        return cls.LOW


@dataclass(frozen=True)
class Localized:
    """One text in several languages. Korean first; empty strings count as missing."""

    texts: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, texts: Mapping[str, str]) -> Localized:
        kept = {lang: text for lang, text in texts.items() if text}
        order = sorted(kept, key=lambda lang: (lang != BASE_LANGUAGE, lang))
        return cls(tuple((lang, kept[lang]) for lang in order))

    def get(self, lang: str) -> str:
        """The text in `lang`, else Korean, else "" (only optional texts are ever empty)."""
        as_dict = dict(self.texts)
        return as_dict.get(lang) or as_dict.get(BASE_LANGUAGE, "")

    def has(self, lang: str) -> bool:
        return any(code == lang for code, _ in self.texts)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.texts)

    def __bool__(self) -> bool:
        return bool(self.texts)


@dataclass(frozen=True)
class Category:
    id: str
    name: Localized
    # Where visitors are most often at their lowest (the preview and statistics group by it).
    # It no longer decides the help lines: a HIGH mood check brings them forward everywhere.
    low_mood: bool = False


@dataclass(frozen=True)
class Symptom:
    id: str
    category: str
    name: Localized
    description: Localized


@dataclass(frozen=True)
class Item:
    id: str
    name: Localized
    # Other words a text may use for this item ("핫팩", "hand warmer"): a text that uses one
    # names the item, and is only given with it (prescriptions.honesty).
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prescription:
    id: str
    categories: tuple[str, ...]
    medicine: Localized
    phrase: Localized
    dosage: Localized
    items: tuple[str, ...] = ()  # item ids it fits, best first
    gentle: bool = False
    weight: float = 1.0
    next_step: str | None = None  # a hotline, place or programme id

    def texts(self) -> dict[str, Localized]:
        return {"medicine": self.medicine, "phrase": self.phrase, "dosage": self.dosage}


@dataclass(frozen=True)
class Hotline:
    id: str
    number: str
    name: Localized
    description: Localized
    then_press: str | None = None
    hours: str = ""
    also: str | None = None  # another number the record stands for (119 beside 112)


@dataclass(frozen=True)
class Place:
    id: str
    phone: str
    district: Localized
    name: Localized
    address: Localized
    hours: Localized = Localized()


@dataclass(frozen=True)
class Programme:
    id: str
    name: Localized
    description: Localized


Resource = Hotline | Place | Programme
Record = Category | Symptom | Item | Prescription | Resource
_Record = TypeVar("_Record", Category, Symptom, Item, Prescription, Hotline, Place, Programme)


def _by_id(records: tuple[_Record, ...]) -> dict[str, _Record]:
    found: dict[str, _Record] = {}
    for record in records:
        found.setdefault(record.id, record)  # the first wins; checks report the duplicate
    return found


@dataclass(frozen=True)
class Content:
    """Everything the kiosk shows. Lookups raise KeyError for an unknown id."""

    categories: tuple[Category, ...] = ()
    symptoms: tuple[Symptom, ...] = ()
    items: tuple[Item, ...] = ()
    prescriptions: tuple[Prescription, ...] = ()
    hotlines: tuple[Hotline, ...] = ()
    places: tuple[Place, ...] = ()
    programmes: tuple[Programme, ...] = ()
    banned_terms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (language, terms)

    @cached_property
    def _categories(self) -> dict[str, Category]:
        return _by_id(self.categories)

    @cached_property
    def _symptoms(self) -> dict[str, Symptom]:
        return _by_id(self.symptoms)

    @cached_property
    def _items(self) -> dict[str, Item]:
        return _by_id(self.items)

    @cached_property
    def _prescriptions(self) -> dict[str, Prescription]:
        return _by_id(self.prescriptions)

    @cached_property
    def _resources(self) -> dict[str, Resource]:
        found: dict[str, Resource] = {}
        for group in (self.hotlines, self.places, self.programmes):
            for record in group:
                found.setdefault(record.id, record)
        return found

    def category(self, category_id: str) -> Category:
        return self._categories[category_id]

    def symptom(self, symptom_id: str) -> Symptom:
        return self._symptoms[symptom_id]

    def item(self, item_id: str) -> Item:
        return self._items[item_id]

    def prescription(self, prescription_id: str) -> Prescription:
        return self._prescriptions[prescription_id]

    def resource(self, resource_id: str) -> Resource:
        """A hotline, place or programme: what a prescription's next_step names."""
        return self._resources[resource_id]

    def hotline(self, hotline_id: str) -> Hotline:
        found = self.resource(hotline_id)
        if not isinstance(found, Hotline):
            raise KeyError(hotline_id)
        return found

    def symptoms_in(self, category_id: str) -> tuple[Symptom, ...]:
        return tuple(s for s in self.symptoms if s.category == category_id)

    def prescriptions_in(self, category_id: str) -> tuple[Prescription, ...]:
        return tuple(p for p in self.prescriptions if category_id in p.categories)

    def help_hotlines(self) -> tuple[Hotline, ...]:
        """The help screen's hotlines in HELP_HOTLINES order (those that exist)."""
        found = (self._resources.get(hotline_id) for hotline_id in HELP_HOTLINES)
        return tuple(h for h in found if isinstance(h, Hotline))

    def banned(self, lang: str) -> tuple[str, ...]:
        return dict(self.banned_terms).get(lang, ())
