"""Screen text in every language, from `kiosk/locale/<lang>.toml`; none of it lives in code.

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
        return template.format_map(_Keep(values)) if values else template

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
