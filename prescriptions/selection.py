"""Choosing a prescription: symptom → category → weighted random prescription → item.

The rules, in order:
1. Only prescriptions of the symptom's category that can be given honestly: a card whose text
   names an item ("이 손난로") only while that item is in stock (prescriptions.honesty).
2. The mood check steers (`STEERING`): a HIGH result draws only from `gentle` prescriptions,
   always, and favours the 120 next step; MODERATE favours both; LOW and SKIPPED leave the
   staff's weights alone. A visitor with a high loneliness score never gets a card that is not
   gentle while the category has a gentle one (`content check` makes sure it has enough).
3. Never one of the last N this machine showed (`History`); if every card the rules above
   leave was shown lately, the one shown longest ago.
4. The item: a card that names one comes with that one; otherwise from a stocked slot holding
   an item the prescription fits (best first), else from any stocked slot, else there is none
   and the visitor gets the phrase alone.
5. Help first: a HIGH result, whatever the category, puts the help lines first on the card.

Randomness comes from an injected `rng` (anything with `random()`, e.g. `random.Random(seed)`),
so the same seed gives the same choices in tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

from prescriptions.history import History
from prescriptions.honesty import ItemNames
from prescriptions.model import HOTLINE_120, Content, Intensity, Prescription


class RandomSource(Protocol):
    def random(self) -> float: ...


@dataclass(frozen=True)
class Steering:
    gentle_only: bool  # draw only from gentle prescriptions while any is eligible
    gentle_factor: float  # weight multiplier for gentle prescriptions
    hotline_120_factor: float  # weight multiplier for prescriptions whose next step is 120


STEERING: Mapping[Intensity, Steering] = MappingProxyType(
    {
        Intensity.SKIPPED: Steering(gentle_only=False, gentle_factor=1.0, hotline_120_factor=1.0),
        Intensity.LOW: Steering(gentle_only=False, gentle_factor=1.0, hotline_120_factor=1.0),
        Intensity.MODERATE: Steering(gentle_only=False, gentle_factor=2.0, hotline_120_factor=2.0),
        Intensity.HIGH: Steering(gentle_only=True, gentle_factor=1.0, hotline_120_factor=3.0),
    }
)


@dataclass(frozen=True)
class Choice:
    prescription: Prescription
    slot: int | None  # None: nothing to dispense, the visitor gets the phrase alone
    show_help_first: bool


def weighted_pick(weights: Sequence[float], u: float) -> int:
    """The index that `u` in [0, 1) falls on when [0, 1) is split in proportion to `weights`."""
    total = sum(weights)
    target = u * total
    running = 0.0
    for index, weight in enumerate(weights):
        running += weight
        if target < running:
            return index
    return len(weights) - 1  # u * total rounded up to total


def _spread(choices: Sequence[int], rng: RandomSource) -> int:
    # Among equal slots, pick at random so they empty evenly.
    ordered = sorted(choices)
    return ordered[min(int(rng.random() * len(ordered)), len(ordered) - 1)]


class Selector:
    """Chooses prescriptions for one machine and remembers them in `history`."""

    def __init__(self, content: Content, history: History, rng: RandomSource) -> None:
        self.content = content
        self.history = history
        self.rng = rng
        self._item_names = ItemNames.of(content)
        self._named: dict[str, str | None] = {}

    def eligible(self, symptom_id: str) -> tuple[Prescription, ...]:
        """The symptom's prescriptions not shown recently (or the one shown longest ago)."""
        category = self.content.symptom(symptom_id).category
        in_category = self.content.prescriptions_in(category)
        if not in_category:
            raise LookupError(f"no prescription in category {category!r}")
        recent = self.history.recent()
        fresh = tuple(p for p in in_category if p.id not in recent)
        if fresh:
            return fresh
        return (min(in_category, key=lambda p: recent.index(p.id)),)

    def named_item(self, prescription: Prescription) -> str | None:
        """The item the card's text names, if it names one."""
        if prescription.id not in self._named:
            named = self._item_names.named_by(prescription)
            self._named[prescription.id] = named[0] if named else None
        return self._named[prescription.id]

    def candidates(
        self,
        symptom_id: str,
        intensity: Intensity,
        stocked: Mapping[int, str] | None = None,
    ) -> tuple[tuple[Prescription, float], ...]:
        """What `choose` draws from, with each prescription's effective weight. `stocked`
        (slot → item): a card naming an item not in it is left out; None: stock unknown,
        nothing left out."""
        steering = STEERING[intensity]
        category = self.content.symptom(symptom_id).category
        in_category = self.content.prescriptions_in(category)
        if not in_category:
            raise LookupError(f"no prescription in category {category!r}")
        pool = in_category
        if stocked is not None:
            held = set(stocked.values())
            honest = tuple(p for p in pool if self.named_item(p) in (None, *held))
            pool = honest or pool  # content check makes sure there always are some
        gentle = tuple(p for p in pool if p.gentle)
        if steering.gentle_only and gentle:
            pool = gentle
        return tuple((p, _weight(p, steering)) for p in self._fresh(pool))

    def _fresh(self, pool: tuple[Prescription, ...]) -> tuple[Prescription, ...]:
        recent = self.history.recent()
        fresh = tuple(p for p in pool if p.id not in recent)
        if fresh:
            return fresh
        return (min(pool, key=lambda p: recent.index(p.id)),)

    def choose(self, symptom_id: str, intensity: Intensity, stocked: Mapping[int, str]) -> Choice:
        """A prescription for this visit, recorded in the history as shown.

        `stocked` maps slot number → item id for the slots in use that have stock.
        Raises KeyError for a symptom the content does not have."""
        pool = self.candidates(symptom_id, intensity, stocked)
        index = weighted_pick([w for _, w in pool], self.rng.random())
        prescription = pool[index][0]
        self.history.record(prescription.id)
        return Choice(
            prescription=prescription,
            slot=self.slot_for(prescription, stocked),
            show_help_first=intensity is Intensity.HIGH,
        )

    def slot_for(self, prescription: Prescription, stocked: Mapping[int, str]) -> int | None:
        named = self.named_item(prescription)
        if named is not None:  # the card promises this item: that one or none
            holding = [slot for slot, held in stocked.items() if held == named]
            return _spread(holding, self.rng) if holding else None
        for item in prescription.items:
            holding = [slot for slot, held in stocked.items() if held == item]
            if holding:
                return _spread(holding, self.rng)
        return _spread(list(stocked), self.rng) if stocked else None


def _weight(prescription: Prescription, steering: Steering) -> float:
    weight = prescription.weight
    if prescription.gentle:
        weight *= steering.gentle_factor
    if prescription.next_step == HOTLINE_120:
        weight *= steering.hotline_120_factor
    return weight
