"""Cards that name an item, and the item they promise.

A phrase that says "이 손난로만큼 따뜻한 곳" promises a hand warmer; given with a candy, or with
nothing, it tells the visitor something that is not true. So a text that names an item (by its
name in any language or one of the other `words` items.toml lists for it) names that item's
card: `content check` refuses it unless its `items` are exactly that one item, and selection
gives it only when that item is in stock (prescriptions.selection).

Names are matched as banned terms are (prescriptions.safety): spacing, particles and English
plurals do not matter; an English name's article is left out ("a candy" → "candy").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from prescriptions.facts import without_placeholders
from prescriptions.model import Content, Item, Prescription
from prescriptions.safety import BannedMatcher

_ARTICLE = re.compile(r"^(?:a|an|the|a sheet of|a pack of|a bag of)\s+", re.IGNORECASE)


def item_words(item: Item) -> list[str]:
    """Every word that names `item`: its names (without an English article) and its words."""
    names = [_ARTICLE.sub("", text).strip() for _, text in item.name.texts]
    return [w for w in dict.fromkeys([*names, *item.words]) if w]


@dataclass(frozen=True)
class ItemNames:
    """Finds the items a text names."""

    matcher: BannedMatcher
    item_of: Mapping[str, str]  # word → item id

    @classmethod
    def of(cls, content: Content) -> ItemNames:
        item_of = {word: item.id for item in reversed(content.items) for word in item_words(item)}
        return cls(BannedMatcher(item_of), item_of)

    def named(self, text: str) -> list[str]:
        """The ids of the items `text` names."""
        found = self.matcher.find(without_placeholders(text))
        return list(dict.fromkeys(self.item_of[word] for word in found))

    def named_by(self, prescription: Prescription) -> list[str]:
        """Every item any text of the card names, in any language."""
        found: dict[str, None] = {}
        for text in prescription.texts().values():
            for _, value in text.texts:
                found.update(dict.fromkeys(self.named(value)))
        return list(found)


def naming_cards(content: Content) -> dict[str, tuple[str, ...]]:
    """prescription id → the items its text names, for the cards that name any."""
    names = ItemNames.of(content)
    found = {}
    for p in content.prescriptions:
        named = names.named_by(p)
        if named:
            found[p.id] = tuple(named)
    return found


@dataclass(frozen=True)
class Broken:
    """A card whose text names items its `items` do not match."""

    prescription: Prescription
    named: tuple[str, ...]


def broken_promises(content: Content, naming: Mapping[str, tuple[str, ...]]) -> Iterator[Broken]:
    """The cards whose text names items their `items` do not match exactly."""
    for p in content.prescriptions:
        named = naming.get(p.id, ())
        if named and (len(named) > 1 or p.items != named):
            yield Broken(p, named)
