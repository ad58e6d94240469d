"""Whether a visitor at their lowest always gets a gentle card.

A HIGH mood check (UCLA 3-item total 6 or more) draws only gentle cards (prescriptions.selection),
never one of the last `window` cards this machine showed. So every category a symptom belongs
to needs more gentle cards than the no-repeat window can use up, plus a margin: otherwise the
draw runs out of fresh gentle cards and repeats one, and with fewer still a lonely visitor
would meet the same card again and again. Cards that name an item count only where they can be
given (with that item in stock), which is never certain: they are left out of the count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from prescriptions.model import Category, Content, Prescription

# Fresh gentle cards left over when the window is full of gentle cards of the same category:
# two, so that even then the draw is a choice, not a sequence.
GENTLE_MARGIN = 2


@dataclass(frozen=True)
class Shortfall:
    category: Category
    gentle: tuple[Prescription, ...]  # the gentle cards that count
    needed: int


def reachable_gentle(
    content: Content, category_id: str, naming: Mapping[str, tuple[str, ...]]
) -> tuple[Prescription, ...]:
    """The gentle cards of a category that can be given whatever the stock."""
    return tuple(
        p for p in content.prescriptions_in(category_id) if p.gentle and p.id not in naming
    )


def shortfalls(
    content: Content,
    window: int,
    naming: Mapping[str, tuple[str, ...]],
    margin: int = GENTLE_MARGIN,
) -> Iterator[Shortfall]:
    """Every category with symptoms that has fewer than `window` + `margin` gentle cards."""
    needed = window + margin
    for category in content.categories:
        if not content.symptoms_in(category.id):
            continue  # no visitor can reach it
        gentle = reachable_gentle(content, category.id, naming)
        if len(gentle) < needed:
            yield Shortfall(category, gentle, needed)
