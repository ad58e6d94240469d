"""One module per staff screen; `build_staff_page(view)` picks the one for the staff state."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.staff.events import StaffScreen
from kiosk.staff.screens import content, hardware, overview, pin, slot, stats
from kiosk.staff.screens.base import StaffPage, StaffView

BUILDERS: dict[StaffScreen, Callable[[StaffView], StaffPage]] = {
    StaffScreen.PIN: pin.build,
    StaffScreen.OVERVIEW: overview.build,
    StaffScreen.SLOT: slot.build,
    StaffScreen.CONTENT: content.build,
    StaffScreen.STATS: stats.build,
    StaffScreen.HARDWARE: hardware.build,
}


def build_staff_page(view: StaffView) -> StaffPage:
    """The page for the staff screen on show (an empty page while staff mode is closed)."""
    builder = BUILDERS.get(view.state.screen)
    return builder(view) if builder is not None else StaffPage()
