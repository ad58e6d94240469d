"""The spreadsheet import grows linearly with its rows (issue #11: 2,000 rows took 23 s and
8,000 over 300 s, because every card looked for itself through every prescription).

Timing would make these tests flaky on a busy machine, so they count work instead: the
Python function calls made, which are the same on any machine. Linear work grows by the same
amount from n to 2n rows as from 2n to 3n; quadratic work grows more each time. The card test
is the one the old code failed (2,522 calls for one card among 50 others, 3,090 among 400);
the import test guards the rest of the way (reading, checking, writing) with a cheap card.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any

from kiosk.ui.card import make_fit_check
from prescriptions.csvio import export_csv, import_csv
from prescriptions.loader import load_content
from prescriptions.model import Content, Localized, Prescription
from tests.kiosk.ui_support import bundled, fonts
from tests.prescriptions.helpers import GOOD, GOOD_MINIMUMS, copy_of, fake_fits


@contextmanager
def counting_calls() -> Iterator[list[int]]:
    """Counts every Python function call in this thread while inside."""
    count = [0]

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            count[0] += 1

    sys.setprofile(profile)
    try:
        yield count
    finally:
        sys.setprofile(None)


# Syllables no banned word is made of, for phrases that share nothing but chance pieces.
_SYLLABLES = "가나다라마바사아자카타파하거너더러머버서어저커터퍼허고노도로모보소오조코토포호"


def _distinct_phrase(n: int) -> str:
    """A phrase of its own for row `n`, so that the rows are not near-duplicates of each
    other (the check refuses copies) and the sheet stays a realistic one."""
    chance = random.Random(n)
    return "".join(chance.choice(_SYLLABLES) for _ in range(24))


def _csv_with_rows(tmp_path: Path, rows: int) -> Path:
    """GOOD's prescriptions repeated under new ids and phrases until the sheet has `rows`
    rows."""
    base = tmp_path / "base.csv"
    export_csv(GOOD, base)
    table = list(csv.reader(io.StringIO(base.read_text(encoding="utf-8-sig"), newline="")))
    header, body = table[0], table[1:]
    ids, phrase = header.index("id"), header.index("phrase_ko")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for n in range(rows):
        row = list(body[n % len(body)])
        row[ids] = f"{row[ids]}-{n}"
        row[phrase] = _distinct_phrase(n)
        writer.writerow(row)
    sheet = tmp_path / f"{rows}.csv"
    sheet.write_bytes(out.getvalue().encode("utf-8-sig"))
    return sheet


def _grows_linearly(work: Callable[[int], int], n: int) -> None:
    work(n)  # the first run also compiles patterns and fills caches: once, not per row
    first, second, third = (work(k * n) for k in (1, 2, 3))
    step, next_step = second - first, third - second
    assert step > 0
    # Linear: the same step each time (a little noise from hashing). Quadratic work makes
    # the second step larger by 2·b·n², which at these sizes is far beyond the margin.
    assert next_step <= step * 1.05, (first, second, third)


def test_importing_more_rows_costs_proportionally_more_work(tmp_path: Path) -> None:
    runs = iter(range(100))

    def work(rows: int) -> int:
        sheet = _csv_with_rows(tmp_path, rows)
        content = copy_of(GOOD, tmp_path / str(next(runs)))
        with counting_calls() as calls:
            result = import_csv(sheet, content, fake_fits, GOOD_MINIMUMS)
        assert result.prescriptions == rows
        return calls[0]

    _grows_linearly(work, 40)


def _padded(content: Content, target: Prescription, others: int) -> Content:
    """`content` with `others` more prescriptions, and `target` last: the card looked for
    itself from the start of the tuple, so last was the costliest place."""
    template = content.prescriptions[0]
    extra = tuple(
        replace(template, id=f"extra-{n}", phrase=Localized.of({"ko": f"문구 {n}"}))
        for n in range(others)
    )
    rest = tuple(p for p in content.prescriptions if p.id != target.id)
    return replace(content, prescriptions=(*rest, *extra, target))


def test_checking_one_card_costs_the_same_however_many_prescriptions_there_are(
    pygame_font: None,
) -> None:
    base = bundled()
    target = base.prescriptions[-1]
    warm_up = base.prescriptions[0]

    def work(others: int) -> int:
        content = _padded(base, target, others)
        fits = make_fit_check(content, fonts=fonts())
        fits(warm_up, "ko")  # loads fonts and fills the lookup tables: not per card
        with counting_calls() as calls:
            assert fits(target, "ko") is None
        return calls[0]

    few, many = work(50), work(400)
    assert many <= few * 1.01, (few, many)


def test_the_scaling_fixture_is_what_the_import_sees(tmp_path: Path) -> None:
    sheet = _csv_with_rows(tmp_path, 7)
    content = copy_of(GOOD, tmp_path / "content")
    import_csv(sheet, content, fake_fits, GOOD_MINIMUMS)
    ids = {p.id for p in load_content(content).prescriptions}
    assert len(ids) == 7 and all(i.rsplit("-", 1)[1].isdigit() for i in ids)
