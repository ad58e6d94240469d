"""Out of service: the kiosk cannot serve visits right now; the help lines still show (and,
where staff are on site, a person to call over)."""

from __future__ import annotations

from kiosk.ui.scene import split_rows
from kiosk.visit.flow import CallPerson
from kiosk.visit.screens.base import Page, View, button, chrome
from kiosk.visit.screens.help import help_lines


def build(v: View) -> Page:
    page = Page()
    area = chrome(v, [], page)
    m = v.metrics
    call = v.person_call == "present"
    rows = split_rows(
        area,
        [
            v.typesetter.line_height(m.heading_px),
            v.typesetter.line_height(m.body_px) * 2,
            None,
            m.target_px if call else 0,
        ],
        m.gap,
    )
    page.add(v.text(v.t("out_of_service.title"), rows[0], px=m.heading_px, bold=True, max_lines=1))
    page.add(v.text(v.t("out_of_service.text"), rows[1]))
    page.add(*help_lines(v, rows[2], largest=m.title_px))
    if call:
        label = v.t("person.called" if v.state.person_called else "person.call")
        page.add_button(button(v, "call-person", rows[3], label, CallPerson(), style="help"))
    return page
