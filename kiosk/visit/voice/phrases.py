"""Everything the voice can be asked to say with a given content, for the pre-renderer: the
screens' fixed words, the buttons' names, the positions, the countdown, and every card.

Built from the screen text and the content only (no pages, no pygame), so it runs before any
visitor comes. What it misses (a label only a page knows) is made on first use and cached then.
The order is the order of need: the screens and buttons first, the cards last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hardware.dispenser import VendOutcome
from hardware.speech.text import position
from kiosk.ui.i18n import Texts, Translations
from kiosk.visit.flow import UCLA_QUESTIONS
from kiosk.visit.voice.card import card_texts
from kiosk.visit.voice.script import COUNTDOWN_SAID, Phrase, Words
from prescriptions.model import Content

MAX_FOCUS_RING = 24  # positions "n of m" made ahead for m up to this; longer rings on use

_FIXED = (
    "attract.title",
    "attract.subtitle",
    "attract.start",
    "attract.language_ko",
    "attract.language_en",
    "footer.help_button",
    "footer.home",
    "footer.back",
    "symptom.title",
    "symptom.hint",
    "symptom.more",
    "mood.title",
    "mood.hint",
    "mood.skip",
    "mood.choosing",
    "prescription.no_item",
    "prescription.no_item_note",
    "prescription.gentle_help",
    "dispensing.title",
    "dispensing.wait",
    "take_item.next",
    "info.title",
    "info.hotline_title",
    "info.hotline",
    "info.chatbot_title",
    "info.places_title",
    "info.places_next",
    "info.finish",
    "goodbye.title",
    "goodbye.text",
    "help.title",
    "help.intro",
    "help.close",
    "help.line_120",
    "help.line_109",
    "help.line_1577",
    "help.emergency",
    "more_time.title",
    "more_time.yes",
    "more_time.home",
    "out_of_service.title",
    "out_of_service.text",
    "voice.on",
    "voice.keys",
    "prescription.ready",
    "goodbye.ask",
    "goodbye.helped",
    "goodbye.unsure",
    "goodbye.thanks",
    "person.call",
    "person.called",
    "person.asked",
    "voice.do.attract",
    "voice.do.symptom",
    "voice.do.next",
    "voice.do.take_item",
    "voice.do.info",
    "voice.do.info_places",
    "voice.do.goodbye",
    "voice.do.help",
    "voice.do.more_time",
    "voice.button.page_prev",
    "voice.button.page_next",
    "voice_controls.open",
    "voice_controls.title",
    "voice_controls.hint",
    "voice_controls.close",
    "voice_controls.quieter",
    "voice_controls.louder",
    "voice_controls.slower",
    "voice_controls.faster",
)


def fixed_phrases(texts: Texts, content_items: Mapping[int, str], more_time_s: int) -> list[str]:
    """The screens' words in one language (`content_items`: slot → the item's name)."""
    t = texts
    out = [t(key) for key in _FIXED]
    out += [t(f"mood.a{i}") for i in (1, 2, 3)]
    out += [t(f"mood.q{i}") for i in range(1, UCLA_QUESTIONS + 1)]
    out += [
        t(
            "voice.mood.question",
            position=position(i, UCLA_QUESTIONS, t.lang),
            n=i,
            of=UCLA_QUESTIONS,
        )
        for i in range(1, UCLA_QUESTIONS + 1)
    ]
    out.append(t("voice.chatbot", channel=t("chatbot.kakao_channel")))
    out.append(t("more_time.countdown", seconds=more_time_s))
    out += [t("voice.countdown", seconds=s) for s in COUNTDOWN_SAID]
    for name in dict.fromkeys(content_items.values()):
        out.append(t("voice.do.prescription", item=name))
        out.append(t("prescription.get_item", item=name))
    for outcome in VendOutcome:
        out.append(t(f"take_item.{outcome.value}_title"))
        for name in dict.fromkeys(content_items.values()):
            out.append(t(f"take_item.{outcome.value}", item=name))
    return out


def all_phrases(
    translations: Translations,
    content: Content,
    languages: Iterable[str],
    item_names: Mapping[str, Mapping[int, str]],
    more_time_s: int,
) -> list[Phrase]:
    """Every phrase, made ready for the voice, in the order they are needed.
    `item_names`: per language, slot → item name."""
    langs = list(dict.fromkeys(languages))
    out: list[Phrase] = []
    for lang in langs:
        texts = Texts(translations, lang)
        words = Words(texts).add(*fixed_phrases(texts, item_names.get(lang, {}), more_time_s))
        for symptom in content.symptoms:
            words.add(symptom.name.get(lang))
            described = ", ".join(
                part for part in (symptom.name.get(lang), symptom.description.get(lang)) if part
            )
            words.add(described)
        for place in content.places:
            words.key(
                "voice.card.place",
                district=place.district.get(lang),
                name=place.name.get(lang),
                phone=place.phone,
            )
        for total in range(1, MAX_FOCUS_RING + 1):
            words.add(*(position(i, total, lang) for i in range(1, total + 1)))
        out += words.phrases
    for lang in langs:  # the cards last: the longest to make, and each heard once a visit
        texts = Texts(translations, lang)
        words = Words(texts)
        for rx in content.prescriptions:
            words.add(*card_texts(content, rx, "", False, texts))
            for symptom in content.symptoms:
                if symptom.category in rx.categories:
                    words.key("voice.card.symptom", name=symptom.name.get(lang))
        out += words.phrases
    return list(dict.fromkeys(out))
