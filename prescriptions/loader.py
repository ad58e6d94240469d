"""Read the content directory (TOML) into `Content`, with a `file:line` for every problem.

`read_content(directory)` reads everything it can and returns the Content together with the
structural issues (syntax, unknown or missing fields, wrong types, bad ids, duplicates) and a
`SourceMap` that says where each record and key came from, so that `prescriptions.checks` can
put a line number on what it finds later. `load_content` is the strict form: the Content, or
ContentError. `tomllib` reports no positions, so lines come from scanning the text
(`prescriptions.lines`). The layout is described in docs/content-format.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prescriptions.errors import ContentError, ContentIssue, IssueCode
from prescriptions.guards import effective_banned
from prescriptions.lines import Block, blocks_of, scan
from prescriptions.model import Content
from prescriptions.schema import (
    KNOWN_LANGUAGES,
    PRESCRIPTIONS_DIR,
    SPECS,
    RecordReader,
    Spec,
    Where,
    control_character_issue,
    issue,
    normalize_text,
)

BANNED_TERMS_FILE = "banned-terms.toml"


@dataclass
class SourceMap:
    """Where every record came from, by (table, id); the first occurrence of an id wins."""

    records: dict[tuple[str, str], Where] = field(default_factory=dict)
    banned_terms: dict[str, Where] = field(default_factory=dict)  # language → where

    def where(self, table: str, record_id: str) -> Where:
        return self.records.get((table, record_id), Where("", None))

    def file_of(self, table: str, record_id: str) -> str:
        return self.where(table, record_id).file


@dataclass
class LoadResult:
    content: Content
    sources: SourceMap
    issues: list[ContentIssue]


Parsed = tuple[dict[str, Any], list[Block]]


def parse_toml(relative: str, raw: bytes, issues: list[ContentIssue]) -> Parsed | None:
    """The TOML in `raw` and its line index, or None after adding the problem to `issues`."""
    try:
        text = raw.decode("utf-8-sig")  # Notepad may add a BOM; harmless, so accepted
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        issues.append(
            issue(
                relative,
                line,
                IssueCode.UNREADABLE_FILE,
                "UTF-8이 아닌 글자가 있습니다. 'UTF-8'로 다시 저장하세요.",
                "Not UTF-8 here; save the file as UTF-8.",
            )
        )
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        issues.append(
            issue(
                relative,
                int(found.group(1)) if found else 0,
                IssueCode.TOML_SYNTAX,
                f"TOML 문법 오류입니다. 따옴표, 괄호, = 를 확인하세요 ({exc}).",
                f"TOML syntax error: {exc}",
            )
        )
        return None
    return data, scan(text)


def _read_file(root: Path, relative: str, issues: list[ContentIssue]) -> Parsed | None:
    try:
        raw = (root / relative).read_bytes()
    except FileNotFoundError:
        issues.append(
            issue(
                relative,
                1,
                IssueCode.MISSING_FILE,
                "파일이 없습니다. docs/content-format.md를 보고 만드세요.",
                "The file is missing; see docs/content-format.md.",
            )
        )
        return None
    except OSError as exc:
        issues.append(
            issue(
                relative,
                1,
                IssueCode.UNREADABLE_FILE,
                f"파일을 읽을 수 없습니다 ({exc.strerror}).",
                f"Cannot read the file ({exc.strerror}).",
            )
        )
        return None
    return parse_toml(relative, raw, issues)


@dataclass
class _Loader:
    root: Path
    issues: list[ContentIssue] = field(default_factory=list)
    sources: SourceMap = field(default_factory=SourceMap)
    records: dict[str, list[Any]] = field(default_factory=dict)

    def load(self) -> LoadResult:
        for spec in SPECS:
            self.records[spec.table] = []
            for relative in self._files(spec):
                parsed = _read_file(self.root, relative, self.issues)
                if parsed is not None:
                    self._read_records(spec, relative, *parsed)
        content = Content(
            categories=tuple(self.records["category"]),
            symptoms=tuple(self.records["symptom"]),
            items=tuple(self.records["item"]),
            prescriptions=tuple(self.records["prescription"]),
            hotlines=tuple(self.records["hotline"]),
            places=tuple(self.records["place"]),
            programmes=tuple(self.records["programme"]),
            banned_terms=self._banned(),
        )
        return LoadResult(content, self.sources, self.issues)

    def _files(self, spec: Spec) -> list[str]:
        if spec.file != PRESCRIPTIONS_DIR:
            return [spec.file]
        folder = self.root / PRESCRIPTIONS_DIR
        names = sorted(p.name for p in folder.glob("*.toml") if not p.name.startswith("."))
        if not names:
            self.issues.append(
                issue(
                    f"{PRESCRIPTIONS_DIR}/",
                    1,
                    IssueCode.MISSING_FILE,
                    "prescriptions 폴더에 처방 파일(*.toml)이 없습니다.",
                    "No prescription files (*.toml) in prescriptions/.",
                )
            )
        return [f"{PRESCRIPTIONS_DIR}/{name}" for name in names]

    def _read_records(
        self, spec: Spec, relative: str, data: dict[str, Any], blocks: list[Block]
    ) -> None:
        top = Where(relative, blocks[0])
        for key in data:
            if key != spec.table:
                self.issues.append(
                    issue(
                        relative,
                        top.line(key),
                        IssueCode.UNKNOWN_FIELD,
                        f"이 파일에는 [[{spec.table}]]만 씁니다. 모르는 항목: '{key}'",
                        f"Only [[{spec.table}]] belongs here, not '{key}'.",
                    )
                )
        entries = data.get(spec.table, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.issues.append(
                issue(
                    relative,
                    top.line(spec.table),
                    IssueCode.WRONG_TYPE,
                    f"[[{spec.table}]] 형식으로 적어야 합니다.",
                    f"Entries must be written as [[{spec.table}]] tables.",
                )
            )
            return
        located = blocks_of(blocks, spec.table)
        for index, raw in enumerate(entries):
            # When the scan and tomllib disagree (exotic syntax), say "the file", not a wrong line.
            block = located[index] if len(located) == len(entries) else None
            self._record(spec, raw, Where(relative, block))

    def _record(self, spec: Spec, raw: dict[str, Any], where: Where) -> None:
        record_id = raw.get("id")
        first = (
            self.sources.records.get((spec.table, record_id))
            if isinstance(record_id, str)
            else None
        )
        if first is not None:
            self.issues.append(
                issue(
                    where.file,
                    where.line("id"),
                    IssueCode.DUPLICATE_ID,
                    f"같은 id가 이미 있습니다: '{record_id}' (처음: "
                    f"{first.file}:{first.line('id')}). 다른 id를 쓰세요.",
                    f"Duplicate id '{record_id}'; first at {first.file}:{first.line('id')}.",
                )
            )
            return
        values = RecordReader(spec, raw, where, self.issues).read()
        if values is None:
            return
        self.sources.records[(spec.table, values["id"])] = where
        self.records[spec.table].append(spec.build(**values))

    def _banned(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The effective banned list: the built-in minimum plus what the file adds. An emptied
        or broken file can add nothing, but it cannot take the minimum away either."""
        parsed = _read_file(self.root, BANNED_TERMS_FILE, self.issues)
        if parsed is None:
            return effective_banned(())
        data, blocks = parsed
        top = Where(BANNED_TERMS_FILE, blocks[0])
        found: list[tuple[str, tuple[str, ...]]] = []
        for lang, terms in data.items():
            if lang not in KNOWN_LANGUAGES:
                self.issues.append(
                    issue(
                        BANNED_TERMS_FILE,
                        top.line(lang),
                        IssueCode.UNKNOWN_FIELD,
                        f"언어 코드가 아닙니다: '{lang}' (ko, en …)",
                        f"'{lang}' is not a language code (ko, en, …).",
                    )
                )
            elif not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                self.issues.append(
                    issue(
                        BANNED_TERMS_FILE,
                        top.line(lang),
                        IssueCode.WRONG_TYPE,
                        f"따옴표로 감싼 낱말의 목록이어야 합니다: '{lang}'",
                        f"'{lang}' must be a list of quoted terms.",
                    )
                )
            else:
                self.sources.banned_terms[lang] = top
                kept = tuple(t for t in (normalize_text(t) for t in terms) if t)
                for term in kept:
                    bad = control_character_issue(
                        BANNED_TERMS_FILE, top.line(lang), lang, term, newline_ok=False
                    )
                    if bad is not None:
                        self.issues.append(bad)
                found.append((lang, kept))
        return effective_banned(tuple(found))


def read_content(directory: Path) -> LoadResult:
    """Everything readable in `directory`, plus the structural issues found on the way."""
    return _Loader(Path(directory)).load()


def load_content(directory: Path) -> Content:
    """The content in `directory`, or ContentError listing every structural issue."""
    result = read_content(directory)
    if result.issues:
        raise ContentError(result.issues)
    return result.content
