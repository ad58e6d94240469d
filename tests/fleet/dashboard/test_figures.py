"""The site page's numbers come from the very counters the kiosk keeps: a slip counts as printed
only when the kiosk says it printed (kiosk.reports.stats: event "slip", key = the result)."""

from __future__ import annotations

from datetime import date

from fleet.dashboard.figures import figures
from fleet.server.queries import SiteCounts


def test_only_printed_slips_count_as_slips_printed() -> None:
    day = date(2026, 11, 30)
    counts = SiteCounts(
        days=[
            ("2026-11-30", "visit_started", "", 5),
            ("2026-11-30", "slip", "printed", 3),
            ("2026-11-30", "slip", "not_printed", 1),
            ("2026-11-30", "slip", "interrupted", 1),
        ],
        keys=[],
        hours=[],
    )
    found = figures(counts, day, day)
    assert found.days[day].slips == 3
    assert found.days[day].visits == 5
