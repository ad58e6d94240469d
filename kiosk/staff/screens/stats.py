"""Today's statistics, in words: visits, where visits stopped, help views, the mood check,
gifts, languages and the symptoms chosen most."""

from __future__ import annotations

from kiosk.reports.stats import (
    HELP_VIEW,
    INTENSITY,
    LANGUAGE,
    MOOD,
    SYMPTOM,
    VISIT_ABANDONED,
    VISIT_COMPLETED,
    VISIT_STARTED,
    Totals,
    least_liked,
)
from kiosk.staff.screens.base import Line, StaffPage, StaffView, chrome, flow, flow_columns

TOP_SYMPTOMS = 3


def build(sv: StaffView) -> StaffPage:
    page = StaffPage()
    area = chrome(sv, page)
    day = sv.snap.day.isoformat() if sv.snap.day is not None else ""
    title = Line(sv.t("staff.stats.title", date=day), heading=True)
    placed = flow(sv, [title], area) or []
    page.add(*placed)
    top = max((b.box.bottom for b in placed), default=area.y) + sv.v.metrics.gap
    rest = area.copy()
    rest.height, rest.y = area.bottom - top, top
    body = lines(sv, sv.snap.today)
    # Fewer symptoms named when the screen is small; the counts always show.
    for trimmed in (body, body[:-1]):
        blocks = flow_columns(sv, trimmed, rest)
        if blocks is not None:
            page.add(*blocks)
            break
    return page


def lines(sv: StaffView, today: Totals) -> list[Line]:
    started = today.total(VISIT_STARTED)
    # An unclean stop (crash, power cut) is worth a line even on a day with no visitors.
    crashes = (
        [Line(sv.t("staff.stats.crashes", n=n), tone="warn")] if (n := today.total("crash")) else []
    )
    if started == 0 and today.total(HELP_VIEW) == 0:
        return [*crashes, Line(sv.t("staff.stats.none"), tone="muted")]
    out = [
        *crashes,
        Line(
            sv.t(
                "staff.stats.visits",
                started=started,
                completed=today.total(VISIT_COMPLETED),
                abandoned=today.total(VISIT_ABANDONED),
            ),
            bold=True,
        ),
    ]
    stopped = today.by_key(VISIT_ABANDONED)
    if stopped:
        screen = next(iter(stopped))
        out.append(Line(sv.t("staff.stats.abandoned_at", screen=sv.t(f"staff.screen.{screen}"))))
    out.append(Line(sv.t("staff.stats.help", n=today.total(HELP_VIEW))))
    mood = today.by_key(MOOD)
    out.append(
        Line(sv.t("staff.stats.mood", taken=mood.get("taken", 0), skipped=mood.get("skipped", 0)))
    )
    bands = today.by_key(INTENSITY)
    if bands:
        out.append(Line(sv.t("staff.stats.intensity", **{b: bands.get(b, 0) for b in BANDS})))
    out.append(Line(_items(sv, today)))
    printed, failed = today.slips()
    if printed or failed:
        out.append(Line(sv.t("staff.stats.slips", printed=printed, failed=failed)))
    out.append(Line(sv.t("staff.stats.languages", list=_languages(sv, today))))
    liked = _least_liked(sv, today)
    if liked:  # before the symptoms: on a small screen the last line gives way first
        out.append(Line(sv.t("staff.stats.least_liked", list=liked)))
    symptoms = _symptoms(sv, today)
    if symptoms:
        out.append(Line(sv.t("staff.stats.symptoms", list=symptoms)))
    return out


def _least_liked(sv: StaffView, today: Totals) -> str:
    """The cards visitors answered 글쎄요 to most today, by the medicine's name."""
    lang = sv.v.texts.lang
    names = []
    for card in least_liked(today):
        try:
            name = sv.v.content.prescription(card.prescription).medicine.get(lang)
        except KeyError:
            name = card.prescription
        names.append(f"{name} {card.unsure}/{card.answers}")
    return ", ".join(names)


BANDS = ("low", "moderate", "high")


def _items(sv: StaffView, today: Totals) -> str:
    dispensed = failed = 0
    for outcomes in today.outcomes_by_slot().values():
        for outcome, n in outcomes.items():
            if outcome == "dispensed":
                dispensed += n
            else:
                failed += n
    return sv.t("staff.stats.items", dispensed=dispensed, failed=failed)


def _languages(sv: StaffView, today: Totals) -> str:
    parts = [
        f"{sv.t(f'attract.language_{lang}') or lang} {n}"
        for lang, n in today.by_key(LANGUAGE).items()
    ]
    return " · ".join(parts) or "-"


def _symptoms(sv: StaffView, today: Totals) -> str:
    lang = sv.v.texts.lang
    names = []
    for symptom_id, n in list(today.by_key(SYMPTOM).items())[:TOP_SYMPTOMS]:
        try:
            name = sv.v.content.symptom(symptom_id).name.get(lang)
        except KeyError:
            name = symptom_id
        names.append(f"{name} {n}")
    return ", ".join(names)
