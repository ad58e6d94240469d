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
from prescriptions.files import MAX_FILE_BYTES, FolderSnapshot, read_folder, read_problem
from prescriptions.guards import effective_banned
from prescriptions.lines import Block, blocks_of, scan, unclosed_at_end
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

    @property
    def whole_folder(self) -> bool:
        """The folder as a whole was refused (too large, files kept changing): checking what
        it holds would only add messages about files that were never read."""
        whole = (IssueCode.FOLDER_TOO_LARGE.value, IssueCode.FILES_CHANGING.value)
        return len(self.issues) == 1 and self.issues[0].code in whole


Parsed = tuple[dict[str, Any], list[Block]]


def parse_toml(relative: str, raw: bytes, issues: list[ContentIssue]) -> Parsed | None:
    """The TOML in `raw` and its line index, or None after adding the problem to `issues`."""
    if len(raw) > MAX_FILE_BYTES:
        line = raw[:MAX_FILE_BYTES].count(b"\n") + 1
        limit = MAX_FILE_BYTES >> 20
        issues.append(
            issue(
                relative,
                line,
                IssueCode.FILE_TOO_LARGE,
                f"파일이 너무 큽니다: {limit} MiB까지 쓸 수 있는데 {line}번째 줄에서 넘었습니다. "
                f"잘못 복사된 파일이 아닌지 보고, 처방이 많으면 여러 파일로 나누세요.",
                f"The file is too large: the limit of {limit} MiB is passed at line {line}. "
                f"Check it is not a wrong copy; split many prescriptions over several files.",
            )
        )
        return None
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
        issues.append(_syntax_issue(relative, text, exc))
        return None
    return data, scan(text)


def _syntax_issue(relative: str, text: str, exc: tomllib.TOMLDecodeError) -> ContentIssue:
    found = re.search(r"at line (\d+)", str(exc))
    if found:
        return issue(
            relative,
            int(found.group(1)),
            IssueCode.TOML_SYNTAX,
            f"TOML 문법 오류입니다. 따옴표, 괄호, = 를 확인하세요 ({exc}).",
            f"TOML syntax error: {exc}",
        )
    # "at end of document": the file stops in the middle of something (cut short by a copy,
    # a full disk, or a quote or bracket never closed). Name where that something began.
    open_ = unclosed_at_end(text)
    what_ko, what_en = {
        "string": ("따옴표로 연 글이 닫히지 않았습니다", "a string opened here is never closed"),
        "[": ("여기서 연 [ 괄호가 닫히지 않았습니다", "a [ opened here is never closed"),
        "{": ("여기서 연 { 괄호가 닫히지 않았습니다", "a { opened here is never closed"),
    }.get(open_.what, ("마지막 줄이 끝나지 않았습니다", "the last line is incomplete"))
    return issue(
        relative,
        open_.line,
        IssueCode.TOML_SYNTAX,
        f"파일이 중간에 끝났습니다: {what_ko}. 파일이 잘렸다면 백업에서 "
        f"되살리고, 아니면 따옴표와 괄호를 닫으세요 ({exc}).",
        f"The file ends too early: {what_en}. If it was cut short, restore it; otherwise "
        f"close the quote or bracket ({exc}).",
    )


def _read_file(
    snapshot: FolderSnapshot, relative: str, issues: list[ContentIssue]
) -> Parsed | None:
    problem = snapshot.problems.get(relative)
    if problem is not None:
        issues.append(problem)
        return None
    raw = snapshot.files.get(relative)
    if raw is None:
        issues.append(read_problem(relative, FileNotFoundError(relative)))
        return None
    return parse_toml(relative, raw, issues)


@dataclass
class _Loader:
    snapshot: FolderSnapshot
    issues: list[ContentIssue] = field(default_factory=list)
    sources: SourceMap = field(default_factory=SourceMap)
    records: dict[str, list[Any]] = field(default_factory=dict)

    def load(self) -> LoadResult:
        refusal = self.snapshot.whole_folder_problem()
        if refusal is not None:  # nothing in the folder is worth reading: say only that
            return LoadResult(Content(banned_terms=effective_banned(())), self.sources, [refusal])
        for spec in SPECS:
            self.records[spec.table] = []
            for relative in self._files(spec):
                parsed = self._read(relative)
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

    def _read(self, relative: str) -> Parsed | None:
        return _read_file(self.snapshot, relative, self.issues)

    def _files(self, spec: Spec) -> list[str]:
        if spec.file != PRESCRIPTIONS_DIR:
            return [spec.file]
        prefix = f"{PRESCRIPTIONS_DIR}/"
        names = sorted(
            name
            for name in (*self.snapshot.files, *self.snapshot.problems)
            if name.startswith(prefix)
        )
        if not names:
            self.issues.append(
                issue(
                    prefix,
                    1,
                    IssueCode.MISSING_FILE,
                    "prescriptions 폴더에 처방 파일(*.toml)이 없습니다.",
                    "No prescription files (*.toml) in prescriptions/.",
                )
            )
        return names

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
        parsed = self._read(BANNED_TERMS_FILE)
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


CONTENT_FILES = (
    *(spec.file for spec in SPECS if spec.file != PRESCRIPTIONS_DIR),
    BANNED_TERMS_FILE,
)


def snapshot_of(directory: Path) -> FolderSnapshot:
    """The content files of `directory`, read as one consistent snapshot."""
    return read_folder(Path(directory), CONTENT_FILES)


def read_content(directory: Path, snapshot: FolderSnapshot | None = None) -> LoadResult:
    """Everything readable in `directory` (or in `snapshot`, files already read), plus the
    structural issues found on the way."""
    return _Loader(snapshot if snapshot is not None else snapshot_of(directory)).load()


def load_content(directory: Path) -> Content:
    """The content in `directory`, or ContentError listing every structural issue."""
    result = read_content(directory)
    if result.issues:
        raise ContentError(result.issues)
    return result.content
