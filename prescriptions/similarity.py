"""Cards that say the same thing: two phrases too alike to both be worth a visitor's draw.

Each Korean phrase is reduced to its letters (spaces and punctuation out, every placeholder one
mark, so "{hotline-120.number}에 전화" stays a recognisable pitch) and cut into overlapping
two-letter pieces; two phrases are near-duplicates when the Jaccard index of their pieces
(shared / all) is at least `THRESHOLD`. A Hangul syllable already carries much of a word, so
pieces of two catch a copy reworded in its particles and endings ("말 한마디 못 하셨나요" /
"말 한마디도 못 했나요", 0.49), where pieces of three change with every ending and let such
copies through (0.25-0.39).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from prescriptions.facts import _TOKEN
from prescriptions.model import BASE_LANGUAGE, Prescription
from prescriptions.safety import squeezed

N = 2
# Measured (tests/prescriptions/test_similarity.py, docs/content-format.md): copies reworded in
# their endings or a word or two score 0.33-0.49; the 113 cards of the first bundled content
# scored at most 0.27 apart from its copied 120 pitches (0.30, 0.36).
THRESHOLD = 0.3
_MARK = "◆"


def pieces(text: str) -> frozenset[str]:
    """The overlapping N-letter pieces of `text`'s letters (placeholders as one mark)."""
    letters = squeezed(_TOKEN.sub(_MARK, text)).replace(_MARK.casefold(), _MARK)
    letters = "".join(ch for ch in letters if ch.isalnum() or ch == _MARK)
    if len(letters) <= N:
        return frozenset({letters}) if letters else frozenset()
    return frozenset(letters[i : i + N] for i in range(len(letters) - N + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Pair:
    first: Prescription
    second: Prescription
    score: float


def _needed(size: int, threshold: float) -> int:
    """Pieces two sets must share for a Jaccard index of `threshold`, at least, when one of
    them has `size` pieces (the small tolerance keeps 0.3 x 10 from rounding up to 4)."""
    return math.ceil(threshold * size - 1e-9)


def near_duplicates(
    prescriptions: Sequence[Prescription], threshold: float = THRESHOLD
) -> Iterator[Pair]:
    """Each prescription whose Korean phrase is at least `threshold` alike an earlier one's,
    with the earlier one it is most like; each card is named once, however many it copies.

    Comparing every pair grows with the square of the cards (a 5,000-row import would take
    minutes), so candidates are found by prefix filtering (Bayardo et al., "Scaling up all
    pairs similarity search", 2007): with every phrase's pieces in one order, rarest first, two
    phrases that reach the threshold always share one of the first |pieces| - needed + 1 of
    each. Only phrases sharing such a piece are compared: exact, and for phrases that differ
    close to linear."""
    first_of: dict[frozenset[str], Prescription] = {}
    distinct: list[tuple[Prescription, frozenset[str]]] = []
    for p in prescriptions:
        cut = pieces(p.phrase.get(BASE_LANGUAGE))
        if not cut:
            continue
        if cut in first_of:  # the same phrase again: no need to look further
            yield Pair(first_of[cut], p, 1.0)
            continue
        first_of[cut] = p
        distinct.append((p, cut))
    frequency = Counter(piece for _, cut in distinct for piece in cut)
    index: dict[str, list[int]] = {}
    for i, (p, cut) in enumerate(distinct):
        ordered = sorted(cut, key=lambda piece: (frequency[piece], piece))
        prefix = ordered[: len(cut) - _needed(len(cut), threshold) + 1]
        best: tuple[float, int] | None = None
        for j in sorted({j for piece in prefix for j in index.get(piece, ())}):
            other = distinct[j][1]
            small, large = sorted((len(cut), len(other)))
            if small / large < threshold:  # the sizes alone keep the index below it
                continue
            score = jaccard(cut, other)
            if score >= threshold and (best is None or score > best[0]):
                best = (score, j)
        if best is not None:
            yield Pair(distinct[best[1]][0], p, best[0])
        for piece in prefix:
            index.setdefault(piece, []).append(i)
