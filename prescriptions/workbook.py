"""The content as one Excel workbook (.xlsx) for staff, and back.

    export_workbook(dir, path)        write the workbook of the content in `dir`
    workbook_bytes(snapshot)          the same workbook as bytes (for a web download)
    read_workbook(data, source)       the content files a workbook holds, as TOML, or
                                      ContentError naming sheet and row: the one entry point
                                      for anything that receives a workbook (the dashboard)
    check_workbook(data, snapshot)    read_workbook + every `content check` check on the
                                      content it would make; the new snapshot, or ContentError
    import_workbook(path, dir)        check_workbook, then write the files that changed

The first sheet ("안내") holds the writing rules (prescriptions.rules); then one sheet per kind
of record (prescriptions.sheets), a hidden sheet of ids for the drop-down lists. Every cell is
typed as text, so Excel never turns 02-120 into a number or a phrase that starts with "=" into
a formula. Reading uses openpyxl's read-only mode: nothing in the file is ever
evaluated (openpyxl computes nothing), and a cell that holds a formula is refused by name,
because what it would show is not text anyone wrote.

A kind whose sheet is missing from the workbook keeps its files as they are; a sheet that is
there replaces its kind completely (a row deleted is a record removed). Import changes nothing
unless the whole result passes, and leaves alone every file whose records did not change (its
comments too).
"""

from __future__ import annotations

import bisect
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prescriptions.atomic import fsync_directory, write_atomically
from prescriptions.checks import (
    DEFAULT_MINIMUMS,
    FitCheck,
    FitCheckFor,
    Minimums,
    check_directory,
)
from prescriptions.errors import ContentError, ContentIssue, IssueCode
from prescriptions.files import FolderSnapshot
from prescriptions.lines import blocks_of, scan
from prescriptions.loader import LoadResult, read_content, snapshot_of
from prescriptions.model import Content, Record
from prescriptions.schema import PRESCRIPTIONS_DIR, issue
from prescriptions.sheets import SHEETS, Sheet
from prescriptions.workbook_io import read_sheets
from prescriptions.workbook_write import SheetRecords, write_workbook

MAX_WORKBOOK_BYTES = 8 << 20  # the bundled content's workbook is about 60 KB
RECORDS = {
    "category": "categories",
    "symptom": "symptoms",
    "item": "items",
    "prescription": "prescriptions",
    "hotline": "hotlines",
    "place": "places",
    "programme": "programmes",
}


def records_of(content: Content, table: str) -> tuple[Record, ...]:
    found: tuple[Record, ...] = getattr(content, RECORDS[table])
    return found


# ── export ────────────────────────────────────────────────────────────────────────────────


def _loaded(snapshot: FolderSnapshot) -> LoadResult:
    """The content of `snapshot`; ContentError when any file has a problem, because a
    workbook of what loaded would silently drop what did not."""
    loaded = read_content(Path(), snapshot)
    if loaded.issues:
        raise ContentError(loaded.issues)
    return loaded


def workbook_bytes(snapshot: FolderSnapshot) -> bytes:
    """The workbook of the content in `snapshot` (ContentError when it does not load)."""
    loaded = _loaded(snapshot)
    per_sheet: list[SheetRecords] = []
    for sheet in SHEETS:
        records = records_of(loaded.content, sheet.spec.table)
        files = [Path(loaded.sources.file_of(sheet.spec.table, r.id)).name for r in records]
        per_sheet.append(SheetRecords(sheet, tuple(zip(files, records, strict=True))))
    return write_workbook(per_sheet, loaded.content)


def export_workbook(directory: Path, path: Path) -> dict[str, int]:
    """Write the workbook of `directory` to `path` (atomically); records per sheet name."""
    snapshot = snapshot_of(Path(directory))
    data = workbook_bytes(snapshot)
    write_atomically(Path(path), data)
    content = read_content(Path(directory), snapshot).content
    return {s.name: len(records_of(content, s.spec.table)) for s in SHEETS}


# ── reading ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class WorkbookFiles:
    """The content files a workbook makes. `files`: path in the content folder → TOML bytes;
    `tables`: the kinds the workbook held (their files are replaced: for prescriptions every
    file under prescriptions/); `rows`: for each file, the (sheet, row) of each record in it,
    in order, so that a problem found later in a file can be told as a sheet and row."""

    source: str
    files: Mapping[str, bytes]
    tables: frozenset[str]
    rows: Mapping[str, tuple[tuple[str, int], ...]]
    _starts: dict[str, list[int]] = field(default_factory=dict, compare=False, repr=False)

    def replaces(self, relative: str) -> bool:
        """Whether the workbook's files stand in for `relative` in the content folder."""
        for sheet in SHEETS:
            if sheet.spec.table not in self.tables:
                continue
            if sheet.has_file and relative.startswith(f"{PRESCRIPTIONS_DIR}/"):
                return True
            if relative == sheet.spec.file:
                return True
        return False

    def staged(self, snapshot: FolderSnapshot) -> FolderSnapshot:
        """`snapshot` as it would be after the import."""
        return snapshot.with_files(self.files, keep=lambda name: not self.replaces(name))

    def where(self, found: ContentIssue) -> ContentIssue:
        """`found` (about a file this workbook made) told as the sheet and row it came from;
        any other issue as it is."""
        rows = self.rows.get(found.file)
        if rows is None:
            return found
        starts = self._starts.get(found.file)
        if starts is None:
            text = self.files[found.file].decode("utf-8")
            table = _table_of(found.file)
            starts = self._starts[found.file] = [b.line for b in blocks_of(scan(text), table)]
        index = bisect.bisect_right(starts, found.line) - 1
        sheet, row = rows[index] if 0 <= index < len(rows) else (_sheet_of(found.file), 1)
        return ContentIssue(
            sheet_file(self.source, sheet), row, found.code, found.message_ko, found.message_en
        )


def sheet_file(source: str, sheet: str) -> str:
    """How a message names a sheet: `content.xlsx:처방`, then `:row`."""
    return f"{source}:{sheet}"


def _sheet_for(relative: str) -> Sheet:
    for sheet in SHEETS:
        if relative == sheet.spec.file or (
            sheet.has_file and relative.startswith(f"{PRESCRIPTIONS_DIR}/")
        ):
            return sheet
    raise KeyError(relative)


def _table_of(relative: str) -> str:
    return _sheet_for(relative).spec.table


def _sheet_of(relative: str) -> str:
    return _sheet_for(relative).name


def _refused(
    source: str, ko: str, en: str, code: IssueCode = IssueCode.UNREADABLE_FILE
) -> ContentError:
    return ContentError([issue(source, 1, code, ko, en)])


def _opened(data: bytes, source: str) -> Any:
    """The workbook in `data`, opened read-only for values; ContentError for a file that is
    too large, not an .xlsx, or packed to unfold into far more than it holds."""
    if len(data) > MAX_WORKBOOK_BYTES:
        limit = MAX_WORKBOOK_BYTES >> 20
        raise _refused(
            source,
            f"엑셀 파일이 너무 큽니다: {limit} MiB까지 가져올 수 있습니다. 내용 파일이 맞는지 "
            f"확인하세요.",
            f"The workbook is too large: at most {limit} MiB. Check it is the content workbook.",
            IssueCode.FILE_TOO_LARGE,
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as packed:
            unpacked = sum(info.file_size for info in packed.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refused(
            source,
            "엑셀 통합 문서(.xlsx)가 아닙니다. 엑셀에서 'Excel 통합 문서'로 저장하세요 (암호를 "
            "건 파일은 읽을 수 없습니다).",
            "Not an Excel workbook (.xlsx); save it as 'Excel Workbook' (and without a password).",
        ) from None
    if unpacked > 8 * MAX_WORKBOOK_BYTES:  # a zip bomb: tiny file, gigabytes inside
        raise _refused(
            source,
            "엑셀 파일 안의 내용이 너무 큽니다. 내용 파일이 맞는지 확인하세요.",
            "The workbook unpacks to far too much; check it is the content workbook.",
            IssueCode.FILE_TOO_LARGE,
        )
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula comes back as its text and type, so it can be refused
        # (data_only would hand over whatever value Excel cached); neither mode evaluates.
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; all mean the same
        raise _refused(
            source,
            f"엑셀 파일을 읽을 수 없습니다 ({type(exc).__name__}). 엑셀에서 다시 저장해 보세요.",
            f"The workbook cannot be read ({type(exc).__name__}); save it again in Excel.",
        ) from None


def read_workbook(data: bytes, source: str = "content.xlsx") -> WorkbookFiles:
    """The content files the workbook `data` holds (named `source` in messages), or
    ContentError naming sheet and row for every problem in the cells themselves. The files
    are not checked yet: `check_workbook` does that."""
    book = _opened(data, source)
    try:
        read = read_sheets(book, source)
    finally:
        book.close()
    if read.issues:
        raise ContentError(read.issues)
    return WorkbookFiles(source, read.files, read.tables, read.rows)


def check_workbook(
    data: bytes,
    snapshot: FolderSnapshot,
    fits: FitCheck | None = None,
    minimums: Minimums = DEFAULT_MINIMUMS,
    *,
    fits_for: FitCheckFor | None = None,
    source: str = "content.xlsx",
) -> tuple[WorkbookFiles, FolderSnapshot]:
    """The workbook's files and the content folder as it would be with them (`snapshot` is
    the folder now), after every check `content check` makes; ContentError with sheets and
    rows otherwise. Nothing is written."""
    files = read_workbook(data, source)
    staged = files.staged(snapshot)
    result = check_directory(Path(), fits, minimums, fits_for=fits_for, snapshot=staged)
    if result.issues:
        raise ContentError(map(files.where, result.issues))
    return files, staged


# ── import ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class WorkbookImport:
    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    counts: Mapping[str, int]  # records per sheet name, for the sheets the workbook held


def _by_file(loaded: LoadResult, table: str) -> dict[str, list[Record]]:
    found: dict[str, list[Record]] = {}
    for record in records_of(loaded.content, table):
        found.setdefault(loaded.sources.file_of(table, record.id), []).append(record)
    return found


def _unchanged(before: FolderSnapshot, after: FolderSnapshot, files: WorkbookFiles) -> set[str]:
    """The workbook's files whose records are exactly those the folder has now."""
    old, new = read_content(Path(), before), read_content(Path(), after)
    same = set()
    for relative in files.files:
        table = _table_of(relative)
        if _by_file(old, table).get(relative) == _by_file(new, table).get(relative):
            same.add(relative)
    return same


def import_workbook(
    path: Path,
    content_dir: Path,
    fits: FitCheck | None = None,
    minimums: Minimums = DEFAULT_MINIMUMS,
    *,
    fits_for: FitCheckFor | None = None,
) -> WorkbookImport:
    """Replace the kinds the workbook at `path` holds in `content_dir`, or raise ContentError
    (with sheets and rows) and change nothing."""
    from prescriptions.files import read_bounded

    data = read_bounded(Path(path), MAX_WORKBOOK_BYTES)
    snapshot = snapshot_of(Path(content_dir))  # read once: checked and compared as it was
    files, staged = check_workbook(
        data, snapshot, fits, minimums, fits_for=fits_for, source=Path(path).name
    )
    unchanged = _unchanged(snapshot, staged, files)
    written = []
    for relative, text in sorted(files.files.items()):
        if relative not in unchanged:
            write_atomically(Path(content_dir) / relative, text)
            written.append(relative)
    removed = sorted(
        name for name in snapshot.files if files.replaces(name) and name not in files.files
    )
    for relative in removed:
        (Path(content_dir) / relative).unlink(missing_ok=True)
    fsync_directory(Path(content_dir) / PRESCRIPTIONS_DIR)
    fsync_directory(Path(content_dir))
    content = read_content(Path(), staged).content
    counts = {
        s.name: len(records_of(content, s.spec.table))
        for s in SHEETS
        if s.spec.table in files.tables
    }
    return WorkbookImport(tuple(written), tuple(removed), tuple(sorted(unchanged)), counts)
