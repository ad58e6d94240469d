"""Screen text: every key the code uses exists in Korean, English is complete, a missing
translation falls back to Korean and never shows a key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hardware.dispenser import VendOutcome
from kiosk.ui.i18n import Texts, Translations, has_final_consonant

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"
LITERAL_KEY = re.compile(r"""(?:\bt|texts)\(\s*"([a-z_]+\.[a-z_0-9.]+)\"""")


def keys_used_in_code() -> set[str]:
    keys = set()
    for path in KIOSK.rglob("*.py"):
        keys.update(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    # Keys built from values (f-strings in the screens):
    keys.update(f"take_item.{o.value}" for o in VendOutcome)
    keys.update(f"take_item.{o.value}_title" for o in VendOutcome)
    keys.update(f"mood.q{i}" for i in (1, 2, 3))
    keys.update(f"mood.a{i}" for i in (1, 2, 3))
    return keys


def test_the_scan_finds_the_keys_it_should() -> None:
    keys = keys_used_in_code()
    assert {"footer.help_button", "footer.hotline", "help.title", "attract.start"} <= keys


def test_every_key_the_code_uses_exists_in_korean() -> None:
    tr = Translations.load(("ko", "en"))
    missing = sorted(k for k in keys_used_in_code() if k not in tr.tables["ko"])
    assert missing == []


def test_english_is_complete() -> None:
    assert Translations.load(("ko", "en")).missing("en") == []


def test_a_missing_english_string_falls_back_to_korean_never_to_the_key() -> None:
    tr = Translations({"ko": {"help.title": "지금 도움이 필요해요"}, "en": {}})
    assert tr.text("en", "help.title") == "지금 도움이 필요해요"
    assert tr.text("fr", "help.title") == "지금 도움이 필요해요"
    assert tr.text("en", "no.such.key") == ""


def test_a_broken_placeholder_in_a_translation_does_not_crash() -> None:
    tr = Translations({"ko": {"x.y": "고장난 {자리"}})
    assert tr.text("ko", "x.y", item="사탕") == "고장난 {자리"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("사탕", "사탕을"),
        ("손난로", "손난로를"),
        ("차", "차를"),
        ("책갈피", "책갈피를"),
        ("씨앗 종이", "씨앗 종이를"),
        ("엽서", "엽서를"),
        ("비타민", "비타민을"),
    ],
)
def test_korean_particles_follow_the_word(word: str, expected: str) -> None:
    texts = Texts(Translations({"ko": {"k": "{item:을를} 받아 가세요"}}), "ko")
    assert texts("k", item=word) == f"{expected} 받아 가세요"
    assert has_final_consonant("밤") and not has_final_consonant("바")
