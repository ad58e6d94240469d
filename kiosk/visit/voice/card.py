"""The prescription card read aloud: the symptom, the medicine, the phrase, how to take it, and
the next step with its number digit by digit.

Each piece is a phrase of its own (cached on its own): the phrase and dosage of a card are made
once, whichever symptom led to it. Built from the content and the screen text alone, so the
pre-renderer can make every card before any visitor asks for one.
"""

from __future__ import annotations

from hardware.speech.text import Dial, dial_instruction
from kiosk.ui.i18n import Texts
from prescriptions.model import Content, Hotline, Place, Prescription


def next_step_text(content: Content, resource_id: str | None, texts: Texts) -> str:
    """The card's next step as a sentence to hear: a hotline with how to call it, a place
    with its phone number, or a programme's name. "" when there is none."""
    if not resource_id:
        return ""
    try:
        found = content.resource(resource_id)
    except KeyError:
        return ""
    lang = texts.lang
    if isinstance(found, Hotline):
        how = dial_instruction(Dial(found.number, found.then_press or ""), lang)
        return texts("voice.card.hotline", name=found.name.get(lang), how=how)
    if isinstance(found, Place):
        return texts(
            "voice.card.place",
            district=found.district.get(lang),
            name=found.name.get(lang),
            phone=found.phone,
        )
    return texts("voice.card.programme", name=found.name.get(lang))


def card_texts(
    content: Content, rx: Prescription, symptom_name: str, help_first: bool, texts: Texts
) -> list[str]:
    """The card, piece by piece, in reading order (not yet made ready for the voice)."""
    lang = texts.lang
    out = []
    if symptom_name:
        out.append(texts("voice.card.symptom", name=symptom_name))
    out.append(texts("voice.card.medicine", name=rx.medicine.get(lang)))
    out.append(rx.phrase.get(lang))
    out.append(texts("voice.card.dosage", text=rx.dosage.get(lang)))
    if help_first:
        out.append(texts("prescription.gentle_help"))
    else:
        step = next_step_text(content, rx.next_step, texts)
        if step:
            out.append(texts("voice.card.next_step", text=step))
    return out
