"""The safety guards that content files can add to but never remove or change.

Staff may edit every content file, and a typo or a hurried edit must not take away what keeps a
visitor safe: the crisis lines (FACTS.md, "Crisis lines (Korea)"; the numbers are public and
fixed, not *check* facts) and the words safe-messaging rules forbid (자살예방 보도준칙 4.0,
WHO/Samaritans). So they live here, in code, immutable:

    REQUIRED_HOTLINES   each required hotline's id, number and menu key; `hotlines.toml` must
                        have each of them exactly so (names and descriptions are the content's)
    BUILT_IN_BANNED     the minimum banned list per language; the effective list is this plus
                        whatever `banned-terms.toml` adds

Changing either is a code change with a review, not a content edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class RequiredHotline:
    """A hotline the help screen and the slips must always be able to name, exactly."""

    id: str
    number: str  # as shown and dialled
    then_press: str | None = None  # the menu key after connecting, if any
    # Other numbers the record stands for, which its name must show in every language
    # (hotline-112-119 is dialled as 112 and names 119 beside it).
    also_named: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """'02-120 → 5', '112 · 119': the number as a person would say it."""
        press = f" → {self.then_press}" if self.then_press else ""
        return " · ".join((self.number + press, *self.also_named))


# In the order the help screen shows them (FACTS.md, "Crisis lines (Korea)").
REQUIRED_HOTLINES: tuple[RequiredHotline, ...] = (
    RequiredHotline("hotline-109", "109"),  # 자살예방 상담전화, 24 h
    RequiredHotline("hotline-1577-0199", "1577-0199"),  # 정신건강 위기상담, 24 h
    RequiredHotline("hotline-120", "02-120", then_press="5"),  # 외로움안녕120: 02-120, then 5
    RequiredHotline("hotline-112-119", "112", also_named=("119",)),  # police / fire, ambulance
)

# The minimum banned list: the retired phrase, the acts, methods, means and places. Terms are
# matched as prescriptions.safety explains (spacing, particles, conjugation and inflections do
# not matter; a Korean verb is written in its dictionary form, "자해하다"). Each entry is
# specific enough never to hit innocent text (banned-terms.toml explains the words left out on
# purpose); the file's own list adds the rest, sensational and stigma words included.
BUILT_IN_BANNED: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "ko": (
            "극단적 선택",
            "극단 선택",
            "자살하다",
            "자살 방법",
            "자살 시도",
            "자살 충동",
            "동반 자살",
            "자해하다",
            "목숨 끊다",
            "죽고 싶다",
            "투신",
            "뛰어내리다",
            "목 매달다",
            "손목 긋다",
            "과다 복용",
            "번개탄",
            "착화탄",
            "연탄가스",
            "수면제",
            "농약 마시다",
            "제초제",
            "독극물",
            "자살 명소",
            "투신 장소",
            "마포대교",
        ),
        "en": (
            "commit suicide",
            "suicide attempt",
            "attempt suicide",
            "suicide pact",
            "kill oneself",
            "end one's life",
            "take one's own life",
            "want to die",
            "better off dead",
            "self-harm",
            "cut myself",
            "hang oneself",
            "noose",
            "jump off a bridge",
            "overdose",
            "sleeping pill",
            "sleeping tablet",
            "charcoal burning",
            "carbon monoxide",
            "pesticide",
            "weedkiller",
            "suicide spot",
            "suicide bridge",
            "mapo bridge",
        ),
    }
)


def effective_banned(
    from_file: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The built-in list plus the file's, per language, built-in terms first, no repeats."""
    merged: dict[str, dict[str, None]] = {
        lang: dict.fromkeys(terms) for lang, terms in BUILT_IN_BANNED.items()
    }
    for lang, terms in from_file:
        merged.setdefault(lang, {}).update(dict.fromkeys(terms))
    return tuple((lang, tuple(terms)) for lang, terms in merged.items())
