"""What the voice says, derived from the page the visitor sees. Pure: a view, a page and the
focus in; an `Utterance` (phrases in reading order) out. No sound, no threads.

On entering a screen: its title, what is on it and what to do, then the focused element with
its place in the focus order ("처방 받으러 가기, 다섯 개 중 첫 번째"). On a focus move: the
element and its place. The "more time?" prompt: its question, the seconds left and the focused
answer. Help numbers are read digit by digit (`words.for_voice`).

Most of it comes from the page's own structure (the buttons' labels, the focus order, the help
and out-of-service screens' text); what a page cannot say by itself (the title of a screen
whose heading is a question, the instruction for someone who cannot see the screen, the whole
card) comes from a small table per screen, worded in `kiosk/ui/locale/*.toml` under `voice.`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hardware.dispenser import VendOutcome
from hardware.speech.text import position
from kiosk.ui.i18n import BASE_LANGUAGE, Texts
from kiosk.ui.scene import TextBlock
from kiosk.visit.flow import UCLA_QUESTIONS, Screen
from kiosk.visit.screens.base import Named, Page, View
from kiosk.visit.voice.card import card_texts
from kiosk.visit.voice.words import for_voice, language_of

Phrase = tuple[str, str]  # (text, language), one cached phrase
CHIME_LEAD_S = 0.7  # the "more time?" words start once the chime has rung
COUNTDOWN_SAID = (10, 5, 3, 2, 1)  # seconds left on the prompt that are said aloud


@dataclass(frozen=True)
class Utterance:
    """Phrases said one after another, as one sound."""

    phrases: tuple[Phrase, ...] = ()
    lead_s: float = 0.0  # silence before the first phrase

    @property
    def text(self) -> str:
        """Exactly what is said, a phrase a line (the demo's .txt)."""
        return "\n".join(text for text, _ in self.phrases)

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def then(self, other: Utterance) -> Utterance:
        return Utterance(self.phrases + other.phrases, self.lead_s)


class Words:
    """Collects phrases in one language, each made ready for the voice; blanks are dropped."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self.phrases: list[Phrase] = []

    def add(self, *texts: str) -> Words:
        for text in texts:
            spoken = for_voice(text, self.texts.lang)
            if spoken:
                self.phrases.append((spoken, language_of(spoken, self.texts.lang)))
        return self

    def key(self, key: str, **values: object) -> Words:
        return self.add(self.texts(key, **values))

    def utterance(self, lead_s: float = 0.0) -> Utterance:
        return Utterance(tuple(self.phrases), lead_s)


# --- the focused element ---------------------------------------------------------------------


def has_key(texts: Texts, key: str) -> bool:
    return key in texts.translations.tables.get(BASE_LANGUAGE, {})


def label(button: Named, texts: Texts) -> str:
    """What a button is called aloud: its own spoken label (`Button.spoken`), else a
    `voice.button.<name>` text (for buttons that show only a symbol, like "◀"), else the
    words on it (a symptom's name and its description)."""
    spoken = getattr(button, "spoken", "")
    if spoken:
        return str(spoken)
    key = "voice.button." + button.name.replace(":", "_").replace("-", "_")
    if has_key(texts, key):
        return texts(key)
    blocks = [op.source for op in button.ops if isinstance(op, TextBlock)]
    return ", ".join(b for b in blocks if b.strip())


def focused(texts: Texts, order: Sequence[Named], focus: int) -> Utterance:
    """The focused element and its place: ("처음으로", "세 개 중 두 번째")."""
    if not order:
        return Utterance()
    index = focus % len(order)
    words = Words(texts).add(label(order[index], texts))
    return words.add(position(index + 1, len(order), texts.lang)).utterance()


# --- the screens -----------------------------------------------------------------------------


def _shown(page: Page) -> list[str]:
    return [op.source for op in page.ops if isinstance(op, TextBlock)]


def page_text(v: View, page: Page) -> list[str]:
    """Every text on the page outside its buttons, top to bottom as drawn, without the
    footer and the simulation badge (said elsewhere, or not for visitors)."""
    hotline, badge = v.t("footer.hotline"), v.t("app.simulation")
    # The nearest place's line, long or short (a narrow footer shortens it): its words up to
    # the place ("가까운 서울마음편의점: ").
    nearest = v.t("footer.nearest", place="\x00").split("\x00")[0] or None
    return [
        text
        for text in _shown(page)
        if not text.startswith(hotline)
        and text != badge
        and not (nearest and text.startswith(nearest))
    ]


def _attract(v: View, page: Page, w: Words) -> None:
    w.key("attract.title").key("attract.subtitle").key("voice.do.attract").key("voice.keys")


def _symptom(v: View, page: Page, w: Words) -> None:
    w.key("symptom.title").key("symptom.hint").key("voice.do.symptom")


def _mood(v: View, page: Page, w: Words) -> None:
    visit = v.state.visit
    answered = len(visit.answers)
    if visit.mood_skipped or answered >= UCLA_QUESTIONS:
        w.key("mood.choosing")
        return
    if answered == 0:
        w.key("mood.title")
    where = position(answered + 1, UCLA_QUESTIONS, v.texts.lang)
    w.key("voice.mood.question", position=where, n=answered + 1, of=UCLA_QUESTIONS).key(
        f"mood.q{answered + 1}"
    ).key("mood.hint")


def _prescription(v: View, page: Page, w: Words) -> None:
    w.key("prescription.ready")  # the words beside the card (where a 7-inch screen has none)
    w.add(*card(v))
    visit = v.state.visit
    if visit.slot is not None and v.state.dispensing_ok:
        w.key("voice.do.prescription", item=v.item_name(visit.slot))
    else:
        w.key("prescription.no_item_note").key("voice.do.next")


def card(v: View) -> list[str]:
    """The visit's card, piece by piece; nothing while there is none."""
    visit = v.state.visit
    if visit.prescription is None:
        return []
    try:
        rx = v.content.prescription(visit.prescription)
    except KeyError:
        return []
    name = ""
    if visit.symptom:
        try:
            name = v.content.symptom(visit.symptom).name.get(v.texts.lang)
        except KeyError:
            name = ""
    return card_texts(v.content, rx, name, visit.show_help_first, v.texts)


def _dispensing(v: View, page: Page, w: Words) -> None:
    w.key("dispensing.title").key("dispensing.wait")


def _take_item(v: View, page: Page, w: Words) -> None:
    outcome = (v.state.visit.outcome or VendOutcome.UNVERIFIED).value
    w.key(f"take_item.{outcome}_title")
    w.key(f"take_item.{outcome}", item=v.item_name(v.state.visit.slot))
    w.key("voice.do.take_item" if outcome == VendOutcome.DISPENSED.value else "voice.do.next")


def _info(v: View, page: Page, w: Words) -> None:
    shown = _shown(page)
    w.key("info.title")
    if v.t("info.hotline_title") in shown:
        w.key("info.hotline_title").key("info.hotline").key("info.chatbot_title")
        w.key("voice.chatbot", channel=v.t("chatbot.kakao_channel"))
    if v.t("info.places_title") in shown or v.t("info.places_title_short") in shown:
        w.key("info.places_title")
        lang = v.texts.lang
        for place in v.content.places:
            w.key(
                "voice.card.place",
                district=place.district.get(lang),
                name=place.name.get(lang),
                phone=place.phone,
            )
    more = any(b.name == "places" for b in page.buttons)  # a short screen: places come next
    w.key("voice.do.info_places" if more else "voice.do.info")


def _goodbye(v: View, page: Page, w: Words) -> None:
    w.key("goodbye.title").key("goodbye.text")
    visit = v.state.visit
    if visit.prescription is not None:  # "did it help?": asked once, thanked once answered
        w.key("goodbye.ask" if visit.feedback is None else "goodbye.thanks")
    w.key("voice.do.goodbye")


def _help(v: View, page: Page, w: Words) -> None:
    w.add(*page_text(v, page)).key("voice.do.help")


def _out_of_service(v: View, page: Page, w: Words) -> None:
    w.add(*page_text(v, page))


SCREENS: dict[Screen, Callable[[View, Page, Words], None]] = {
    Screen.ATTRACT: _attract,
    Screen.SYMPTOM: _symptom,
    Screen.MOOD: _mood,
    Screen.PRESCRIPTION: _prescription,
    Screen.DISPENSING: _dispensing,
    Screen.TAKE_ITEM: _take_item,
    Screen.INFO: _info,
    Screen.GOODBYE: _goodbye,
    Screen.HELP: _help,
    Screen.OUT_OF_SERVICE: _out_of_service,
}


def seconds_left(v: View) -> int:
    return math.ceil(v.state.seconds_left(v.now) or 0)


def entry(v: View, page: Page, order: Sequence[Named], focus: int) -> Utterance:
    """What is said on entering the page: the screen, what to do, and the focused element.
    With the "more time?" prompt up: the prompt (after the chime) instead of the screen."""
    w = Words(v.texts)
    lead = 0.0
    if v.state.prompting:
        w.key("more_time.title").key("more_time.countdown", seconds=seconds_left(v))
        w.key("voice.do.more_time")
        lead = CHIME_LEAD_S
    elif v.ui.voice_panel:  # the volume and speed controls, over the screen
        w.key("voice_controls.title").key("voice_controls.hint")
    else:
        SCREENS[v.state.screen](v, page, w)
    return w.utterance(lead).then(focused(v.texts, order, focus))


def countdown(texts: Texts, seconds: int) -> Utterance:
    """A mark of the prompt's countdown: "10초"."""
    return Words(texts).key("voice.countdown", seconds=seconds).utterance()


def switched_on(texts: Texts) -> Utterance:
    """Said once when voice guidance is switched on, before the screen."""
    return Words(texts).key("voice.on").utterance()


def level(texts: Texts, key: str, index: int, total: int) -> Utterance:
    """The new volume or speed: "소리 크기 4단계예요. 5단계까지 있어요." (`key`: voice.volume
    or voice.speed; `index` counts from 0)."""
    return Words(texts).key(key, n=index + 1, of=total).utterance()
