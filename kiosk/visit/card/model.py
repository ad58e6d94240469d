"""What a prescription card says, in words, before it is drawn anywhere.

`card_for_visit` gathers it from the visit, the content and the screen text; the screens, the
staff preview and the printed slip all draw the same `Card` through `card_ops` /
`slip_image`, so the card is the same wherever it appears.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.ui.i18n import Texts
from kiosk.visit.flow import SlipStamp, Visit
from prescriptions.model import Content, Hotline, Place

SEAL = ("마음", "약방")  # the pharmacy's seal reads the same in every language, as a seal does


@dataclass(frozen=True)
class Card:
    pharmacy: str  # 마음약방
    title: str  # 처 방 전
    number: str  # 제 2026-1130-042 호 ("" before a number was given)
    date: str  # 2026년 11월 30일
    symptom_label: str
    symptom: str  # "" when the visit's symptom is unknown
    medicine: str
    phrase: str
    dosage_label: str
    dosage: str
    step_label: str  # "" for the gentle help line, which needs no label
    step: str  # the one next step, with its number or place ("" when there is none)
    gentle: bool  # `step` is the gentle help line (a high mood score with a low-mood symptom)
    item: str | None  # the gift's item kind, for the picture (None: no gift this time)
    item_name: str
    note: str = ""  # said in the picture's place when there is no gift
    seal: tuple[str, str] = SEAL

    @property
    def texts(self) -> tuple[str, ...]:
        """Every text the card shows, for tests and the voice guide."""
        return tuple(
            t
            for t in (
                self.pharmacy,
                self.title,
                self.number,
                self.date,
                self.symptom,
                self.medicine,
                self.phrase,
                self.dosage,
                self.step,
                self.note,
            )
            if t
        )


def resource_line(content: Content, resource_id: str | None, lang: str) -> str:
    """A next step as one line: "외로움안녕120 02-120 → 5", a place with its phone, a programme."""
    if not resource_id:
        return ""
    try:
        found = content.resource(resource_id)
    except KeyError:
        return ""
    if isinstance(found, Hotline):
        press = f" → {found.then_press}" if found.then_press else ""
        return f"{found.name.get(lang)} {found.number}{press}"
    if isinstance(found, Place):
        return f"{found.district.get(lang)} {found.name.get(lang)} · {found.phone}"
    return found.name.get(lang)  # a programme: its name is the step; details are on the info


def stamp_texts(stamp: SlipStamp | None, texts: Texts) -> tuple[str, str]:
    """(number, date) as the card prints them; empty before a slip number was given."""
    if stamp is None:
        return "", ""
    months = texts("card.months").split(",")
    day = stamp.day
    month = months[day.month - 1].strip() if len(months) == 12 else str(day.month)
    return (
        texts("card.number", code=stamp.code),
        texts("card.date", year=day.year, month=month, day=day.day),
    )


def card_for_visit(visit: Visit, content: Content, texts: Texts, item_name: str) -> Card | None:
    """The card of `visit`, or None while it has no prescription (or one the content lost)."""
    if visit.prescription is None:
        return None
    try:
        rx = content.prescription(visit.prescription)
    except KeyError:
        return None
    lang = texts.lang
    symptom = ""
    if visit.symptom:
        try:
            symptom = texts.fill(content.symptom(visit.symptom).name.get(lang))
        except KeyError:
            symptom = ""
    number, date = stamp_texts(visit.stamp, texts)
    gentle = visit.show_help_first
    step = (
        texts("prescription.gentle_help") if gentle else resource_line(content, rx.next_step, lang)
    )
    return Card(
        pharmacy=texts("prescription.pharmacy"),
        title=texts("prescription.slip"),
        number=number,
        date=date,
        symptom_label=texts("prescription.symptom"),
        symptom=symptom,
        medicine=texts.fill(rx.medicine.get(lang)),
        phrase=texts.fill(rx.phrase.get(lang)),
        dosage_label=texts("prescription.dosage"),
        dosage=texts.fill(rx.dosage.get(lang)),
        step_label="" if gentle else texts("prescription.next_step"),
        step=step,
        gentle=gentle,
        item=visit.item if visit.slot is not None else None,
        item_name=item_name if visit.slot is not None else "",
        note="" if visit.slot is not None else texts("prescription.no_item_note"),
    )
