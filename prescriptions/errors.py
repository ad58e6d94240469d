"""What is wrong with the content, said so that staff can fix it.

    ContentError          the content cannot be used; carries every ContentIssue found
    ContentIssue          one problem: file, line, English code, Korean and English message

Every issue names a file relative to the content directory (or the CSV file staff imported)
and a line, so that every message reads `file:line` and an editor can jump to it: the line of
the problem, or 1 when the problem is the file as a whole (missing, unreadable, too big). The
code is short, stable English that staff can quote and the staff guide explains; the message
says what to do, in Korean first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from prescriptions.charset import shown


class IssueCode(StrEnum):
    """Every kind of problem the checks and the CSV import can report (docs/staff-guide.md)."""

    UNREADABLE_FILE = "unreadable-file"
    MISSING_FILE = "missing-file"
    FILE_TOO_LARGE = "file-too-large"
    FOLDER_TOO_LARGE = "folder-too-large"
    FILES_CHANGING = "files-changing"
    TOML_SYNTAX = "toml-syntax"
    UNKNOWN_FIELD = "unknown-field"
    MISSING_FIELD = "missing-field"
    WRONG_TYPE = "wrong-type"
    BAD_VALUE = "bad-value"
    BAD_ID = "bad-id"
    CONTROL_CHARACTER = "control-character"
    DUPLICATE_ID = "duplicate-id"
    DANGLING_REFERENCE = "dangling-reference"
    TOO_FEW_CATEGORIES = "too-few-categories"
    TOO_FEW_SYMPTOMS = "too-few-symptoms"
    TOO_FEW_PRESCRIPTIONS = "too-few-prescriptions"
    CATEGORY_WITHOUT_SYMPTOMS = "category-without-symptoms"
    MISSING_HOTLINE = "missing-hotline"
    HOTLINE_CHANGED = "hotline-changed"
    TOO_FEW_PLACES = "too-few-places"
    BAD_PHONE = "bad-phone"
    BANNED_TERM = "banned-term"
    UNKNOWN_PLACEHOLDER = "unknown-placeholder"
    HANDWRITTEN_NUMBER = "handwritten-number"
    NAMED_ITEM = "named-item"
    GENTLE_COVERAGE = "gentle-coverage"
    NEAR_DUPLICATE = "near-duplicate"
    CARD_OVERFLOW = "card-overflow"
    CSV_ENCODING = "csv-encoding"
    CSV_HEADER = "csv-header"
    CSV_CELL = "csv-cell"
    CHECK_FAILED = "check-failed"  # the checking itself broke: a bug to report, not a typo


@dataclass(frozen=True, order=True)
class ContentIssue:
    file: str
    line: int
    code: str
    message_ko: str
    message_en: str

    def __post_init__(self) -> None:
        if self.line < 1:  # "the whole file": its first line, never a message without one
            object.__setattr__(self, "line", 1)

    def format(self, lang: str = "ko") -> str:
        """`file:line: message [code]`, the form editors and staff both read. A message may
        quote a bad value; control characters in it are shown as \\uXXXX, never sent to the
        terminal."""
        message = self.message_en if lang == "en" else self.message_ko
        return shown(f"{self.file}:{self.line}: {message} [{self.code}]")

    def __str__(self) -> str:
        return self.format()


class ContentError(Exception):
    """The content cannot be used. `issues` lists every problem, in file and line order."""

    def __init__(self, issues: Iterable[ContentIssue]) -> None:
        self.issues: tuple[ContentIssue, ...] = tuple(sorted(issues))
        if not self.issues:
            raise ValueError("ContentError needs at least one issue")
        first = self.issues[0]
        more = f" (+{len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        super().__init__(f"{first}{more}")

    @property
    def file(self) -> str:
        return self.issues[0].file

    @property
    def line(self) -> int:
        return self.issues[0].line
