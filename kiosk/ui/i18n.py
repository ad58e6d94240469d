"""Screen text in every language, from `kiosk/ui/locale/<lang>.toml`; none of it lives in code.

A key missing in a language falls back to Korean, never to the key itself. Korean is complete
by construction: the test suite checks every key the screens use against `ko.toml`.

Help numbers and places are not written here but named by placeholders that
`prescriptions.facts` fills from hotlines.toml and places.toml ("{hotline-120.number}",
"{place.name}"): `Texts` carries the facts of the content in use. Without content the
required hotlines still have their built-in numbers and names, so the help screen never loses
them. `screen_texts(directory)` lists every string with its file and line for `content check`.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prescriptions.facts import Facts, expand, fill_facts
from prescriptions.hangul import has_final_consonant, with_particle
from prescriptions.lines import scan
from prescriptions.visible import VisibleText

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
# "{item:을를}" gives 손난로를 / 사탕을 (prescriptions.hangul).
PARTICLES = ("을를", "이가", "은는", "과와", "으로로")
__all__ = ["Texts", "Translations", "has_final_consonant"]


class Word(str):
    """A placeholder value that understands particle format specs."""

    def __format__(self, spec: str) -> str:
        if spec not in PARTICLES:
            return format(str(self), spec)
        return with_particle(str(self), spec)


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

    def text(self, lang: str, key: str, facts: Facts | None = None, **values: object) -> str:
        table = self.tables.get(lang, {})
        template = table.get(key)
        if template is None:
            template = self.tables[BASE_LANGUAGE].get(key)
            if template is None:
                # A programming error caught by the tests; visitors never see a key.
                log.error("screen text %r missing in Korean", key)
                return ""
        template = fill_facts(template, facts or Facts(), lang)
        if "{" not in template and "}" not in template:
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
    """Translations bound to one language and the facts of the content in use:
    `t("help.title")`; `t.fill(text)` fills a content text's placeholders."""

    translations: Translations
    lang: str
    facts: Facts = field(default_factory=Facts)

    def __call__(self, key: str, **values: object) -> str:
        return self.translations.text(self.lang, key, self.facts, **values)

    def fill(self, text: str) -> str:
        """A content text (a phrase, a symptom) with its placeholders filled."""
        return expand(text, self.facts, self.lang)


def screen_texts(directory: Path = LOCALE_DIR) -> list[VisibleText]:
    """Every screen text of every language file, with its file and line, for the checks
    content texts get too (banned words, placeholders, numbers written out by hand)."""
    found: list[VisibleText] = []
    for path in sorted(directory.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        lines = {
            ".".join((*filter(None, block.table.split(".")), *key)): line
            for block in scan(text)
            for key, line in block.keys.items()
        }
        relative = f"kiosk/ui/locale/{path.name}"
        for key, value in _flatten(tomllib.loads(text)).items():
            found.append(
                VisibleText(relative, lines.get(key, 1), key, path.stem, value, screen=True)
            )
    return found
