"""Screen text in every language, from `kiosk/ui/locale/<lang>.toml`; none of it lives in code.

A key missing in a language falls back to Korean, never to the key itself. Korean is complete
by construction: the test suite checks every key the screens use against `ko.toml`.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
BASE_LANGUAGE = "ko"

log = logging.getLogger(__name__)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


# Korean particles that depend on whether the word before ends in a consonant (받침):
# "{item:을를}" gives 손난로를 / 사탕을. The second of each pair follows a vowel.
PARTICLES = {"을를": ("을", "를"), "이가": ("이", "가"), "은는": ("은", "는"), "과와": ("과", "와")}


def has_final_consonant(word: str) -> bool:
    """Whether the last Hangul syllable has a 받침 (digits and Latin count as vowels)."""
    for ch in reversed(word.strip()):
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            return code % 28 != 0
        if ch.isalnum():
            return False
    return False


class Word(str):
    """A placeholder value that understands particle format specs."""

    def __format__(self, spec: str) -> str:
        pair = PARTICLES.get(spec)
        if pair is None:
            return format(str(self), spec)
        after_consonant, after_vowel = pair
        return f"{self}{after_consonant if has_final_consonant(self) else after_vowel}"


class _Keep(dict[str, object]):
    """Leaves unknown {placeholders} as they are instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Translations:
    tables: dict[str, dict[str, str]]

    @classmethod
    def load(cls, languages: tuple[str, ...], directory: Path = LOCALE_DIR) -> Translations:
        tables: dict[str, dict[str, str]] = {}
        for lang in dict.fromkeys((BASE_LANGUAGE, *languages)):
            path = directory / f"{lang}.toml"
            try:
                tables[lang] = _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                if lang == BASE_LANGUAGE:
                    raise
                log.error("screen text for %s unusable, using Korean: %s", lang, exc)
                tables[lang] = {}
        return cls(tables)

    def text(self, lang: str, key: str, **values: object) -> str:
        table = self.tables.get(lang, {})
        template = table.get(key)
        if template is None:
            template = self.tables[BASE_LANGUAGE].get(key)
            if template is None:
                # A programming error caught by the tests; visitors never see a key.
                log.error("screen text %r missing in Korean", key)
                return ""
        if not values:
            return template
        words = {k: Word(v) if isinstance(v, str) else v for k, v in values.items()}
        try:
            return template.format_map(_Keep(words))
        except (ValueError, IndexError):  # a broken placeholder in a translation file
            log.error("screen text %r has a broken placeholder", key)
            return template

    def missing(self, lang: str) -> list[str]:
        """Keys Korean has and `lang` lacks (shown by `content check`, for translators)."""
        base = self.tables[BASE_LANGUAGE]
        return sorted(k for k in base if k not in self.tables.get(lang, {}))


@dataclass(frozen=True)
class Texts:
    """Translations bound to one language: `t("help.title")`."""

    translations: Translations
    lang: str

    def __call__(self, key: str, **values: object) -> str:
        return self.translations.text(self.lang, key, **values)
