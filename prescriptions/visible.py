"""Every text a visitor may read, with where it is written, and the checks made on each one:
banned words (prescriptions.safety), placeholders and help numbers written out by hand
(prescriptions.textcheck).

The texts come from the content files and, when the caller passes them, from the screen texts
(kiosk/ui/locale/*.toml, read by the kiosk, which this package does not know).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from prescriptions.errors import ContentIssue, IssueCode
from prescriptions.facts import Facts
from prescriptions.loader import SourceMap
from prescriptions.model import Content, Localized, Record
from prescriptions.safety import BannedMatcher, Normalised
from prescriptions.schema import issue
from prescriptions.textcheck import handwritten_numbers, number_patterns, placeholder_problems

# Where facts are written: their texts may show the numbers themselves.
FACT_FILES = frozenset({"hotlines.toml", "places.toml"})


@dataclass(frozen=True)
class VisibleText:
    """One text in one language, and where it is written."""

    file: str
    line: int
    field: str  # "phrase", "help.line_120"
    lang: str
    text: str
    screen: bool = False  # a screen text: its other {name} fields are the program's to fill


def content_texts(content: Content, sources: SourceMap) -> list[VisibleText]:
    """Every visitor-facing text of the content, in file order."""
    groups: tuple[tuple[str, tuple[Record, ...]], ...] = (
        ("category", content.categories),
        ("symptom", content.symptoms),
        ("item", content.items),
        ("prescription", content.prescriptions),
        ("hotline", content.hotlines),
        ("place", content.places),
        ("programme", content.programmes),
    )
    found = []
    for table, records in groups:
        for record in records:
            where = sources.where(table, record.id)
            for name, value in vars(record).items():
                if isinstance(value, Localized):
                    for lang, text in value.texts:
                        found.append(
                            VisibleText(where.file, where.line(lang, name), name, lang, text)
                        )
    return found


def text_issues(
    texts: Iterable[VisibleText], content: Content, banned: BannedMatcher | None
) -> Iterator[ContentIssue]:
    """Banned words, bad placeholders and written-out help numbers, each with file:line."""
    facts = Facts(content)
    numbers = number_patterns(content)
    for t in texts:
        label = f"{t.lang}.{t.field}"
        terms = banned.find(Normalised.of(t.text)) if banned is not None else []
        if terms:  # one issue a text, naming every term it uses
            named = "', '".join(terms)
            yield issue(
                t.file,
                t.line,
                IssueCode.BANNED_TERM,
                f"쓰면 안 되는 말이 있습니다: '{named}' ({label}). 자살예방 보도준칙에 "
                f"따라 다른 말로 바꾸세요.",
                f"'{t.field}' ({t.lang}) contains the banned term '{named}' "
                f"(safe-messaging rules); rephrase it.",
            )
        problems = placeholder_problems(t.text, facts, screen=t.screen)
        if t.file not in FACT_FILES:
            problems += handwritten_numbers(t.text, numbers)
        for problem in problems:
            yield issue(
                t.file,
                t.line,
                IssueCode(problem.code),
                f"{problem.ko} ({label})",
                f"{problem.en} ({label})",
            )
