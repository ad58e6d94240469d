"""The prescriptions as a spreadsheet (CSV) for staff who work in Excel, and back.

One row per prescription. Columns (header names as written, any order on import):

    file          the file under prescriptions/ the row lives in (e.g. loneliness.toml);
                  a new name makes a new file, a name no row uses any more is removed
    id            the prescription's id
    categories    category ids, separated by commas ("loneliness, low_mood")
    items         item ids it fits, best first, separated by commas (may be empty)
    gentle        TRUE or FALSE (also true/false, 1/0, yes/no, 예/아니오; empty is FALSE)
    weight        relative chance, a number (empty is 1)
    next_step     a hotline, place or programme id (may be empty)
    medicine_ko, phrase_ko, dosage_ko         Korean texts (required)
    medicine_en, phrase_en, dosage_en         English texts (empty: the Korean is shown)
    medicine_<lang>, phrase_<lang>, dosage_<lang>   any other language the content has

Export writes UTF-8 with a byte-order mark and CRLF line ends, which Excel opens correctly,
and puts a single quote in front of every cell Excel would take for a formula
(`prescriptions.spreadsheet`; import takes exactly that quote off again).
Import accepts what Excel really saves: UTF-8 with or without the mark, CP949 ("CSV (쉼표로
분리)" on Korean Windows), UTF-16 "유니코드 텍스트" with tabs, line breaks inside cells,
upper-case TRUE/FALSE and blank trailing rows. It checks the whole result exactly as
`content check` would and rewrites the prescription files only when everything passes; a file
whose prescriptions did not change is left alone, comments and all.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
from prescriptions.loader import read_content, snapshot_of
from prescriptions.model import Localized, Prescription
from prescriptions.schema import (
    KNOWN_LANGUAGES,
    PRESCRIPTIONS_DIR,
    control_character_issue,
    issue,
    normalize_text,
)
from prescriptions.sheets import FILE_NAME
from prescriptions.spreadsheet import (
    EXCEL_ERRORS,
    decode,
    escape_cell,
    read_spreadsheet,
    rows,
    unescape_cell,
)
from prescriptions.tomlwrite import prescriptions_toml

TEXT_FIELDS = ("medicine", "phrase", "dosage")
PLAIN_COLUMNS = ("file", "id", "categories", "items", "gentle", "weight", "next_step")
REQUIRED_COLUMNS = ("file", "id", "categories", *(f"{f}_ko" for f in TEXT_FIELDS))
_TRUE = frozenset({"true", "1", "yes", "y", "예", "o"})
_FALSE = frozenset({"false", "0", "no", "n", "아니오", "아니요", "x", ""})

_LIST_SPLIT = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class Entry:
    """One prescription and the file it lives in (a name under prescriptions/)."""

    file: str
    prescription: Prescription


@dataclass(frozen=True)
class ImportResult:
    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    prescriptions: int


# ── export ────────────────────────────────────────────────────────────────────────────────


def _languages(entries: Sequence[Entry]) -> list[str]:
    found = {lang for e in entries for t in e.prescription.texts().values() for lang in t.languages}
    return ["ko", "en", *sorted(found - {"ko", "en"})]


def header_for(entries: Sequence[Entry]) -> list[str]:
    return [*PLAIN_COLUMNS, *(f"{f}_{lang}" for lang in _languages(entries) for f in TEXT_FIELDS)]


def _row(entry: Entry, header: Sequence[str]) -> list[str]:
    p = entry.prescription
    cells = {
        "file": entry.file,
        "id": p.id,
        "categories": ", ".join(p.categories),
        "items": ", ".join(p.items),
        "gentle": "TRUE" if p.gentle else "FALSE",
        "weight": repr(p.weight),
        "next_step": p.next_step or "",
    }
    for name, text in p.texts().items():
        for lang, value in text.texts:
            cells[f"{name}_{lang}"] = value
    return [escape_cell(cells.get(column, "")) for column in header]


def entries_to_csv(entries: Sequence[Entry]) -> bytes:
    """The spreadsheet for `entries`: UTF-8 with BOM, CRLF, as Excel expects."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    header = header_for(entries)
    writer.writerow(header)
    writer.writerows(_row(e, header) for e in entries)
    return out.getvalue().encode("utf-8-sig")


def entries_in(directory: Path, snapshot: FolderSnapshot | None = None) -> list[Entry]:
    """The prescriptions of `directory` (or `snapshot`) with their files; ContentError when
    any prescription file has a problem, because exporting what loaded would silently drop
    what did not."""
    loaded = read_content(directory, snapshot)
    broken = [i for i in loaded.issues if i.file.startswith(f"{PRESCRIPTIONS_DIR}/")]
    if broken:
        raise ContentError(broken)
    return [
        Entry(Path(loaded.sources.file_of("prescription", p.id)).name, p)
        for p in loaded.content.prescriptions
    ]


def export_csv(directory: Path, csv_path: Path) -> int:
    """Write every prescription in `directory` to `csv_path` (atomically); returns the count."""
    entries = entries_in(directory)
    write_atomically(csv_path, entries_to_csv(entries))
    return len(entries)


# ── reading a spreadsheet ─────────────────────────────────────────────────────────────────


@dataclass
class _RowReader:
    """Turns spreadsheet rows into entries, collecting row-precise issues."""

    source: str
    header: list[str]
    issues: list[ContentIssue] = field(default_factory=list)

    def bad(
        self, row: int, column: str, ko: str, en: str, code: IssueCode = IssueCode.CSV_CELL
    ) -> None:
        self.issues.append(
            issue(self.source, row, code, f"'{column}' 칸: {ko}", f"column '{column}': {en}")
        )

    def entry(self, row: int, cells: list[str]) -> Entry | None:
        before = len(self.issues)
        padded = [*cells, *[""] * (len(self.header) - len(cells))]
        named = [""] * max(0, len(cells) - len(self.header))  # past the last header: unnamed
        values: dict[str, str] = {}
        for column, value in zip([*self.header, *named], padded, strict=True):
            if column:
                values[column] = value
            elif value.strip():  # Excel may save empty columns; only empty ones are harmless
                self.bad(row, "?", "머리글이 없는 열에 값이 있습니다", "a value under no header")
        for column, cell in values.items():
            if cell.strip() in EXCEL_ERRORS:  # as saved: a quoted '#N/A is the text "#N/A"
                self.bad(
                    row,
                    column,
                    f"엑셀 오류 값 {cell.strip()}이 들어 있습니다. = + - @로 "
                    f"시작하는 글은 엑셀이 수식으로 바꿉니다; 원래 글로 고치세요",
                    f"Excel error value {cell.strip()}; restore the original text",
                )
            values[column] = value = unescape_cell(cell)
            text = column not in PLAIN_COLUMNS  # a visitor reads it; line breaks are fine
            found = control_character_issue(
                self.source,
                row,
                f"'{column}' 칸",
                normalize_text(value) if text else value.strip(),
                newline_ok=text,
            )
            if found is not None:
                self.issues.append(found)
        prescription = Prescription(
            id=values["id"].strip(),
            categories=_ids(values["categories"]),
            items=_ids(values.get("items", "")),
            gentle=self._bool(row, values.get("gentle", "")),
            weight=self._weight(row, values.get("weight", "")),
            next_step=values.get("next_step", "").strip() or None,
            **{f: self._texts(f, values) for f in TEXT_FIELDS},
        )
        file = self._file(row, values["file"])
        return Entry(file, prescription) if len(self.issues) == before else None

    def _bool(self, row: int, cell: str) -> bool:
        value = cell.strip().lower()
        if value in _TRUE or value in _FALSE:
            return value in _TRUE
        self.bad(
            row,
            "gentle",
            f"TRUE 또는 FALSE를 쓰세요 (지금: '{cell}')",
            f"use TRUE or FALSE, not '{cell}'",
        )
        return False

    def _weight(self, row: int, cell: str) -> float:
        if not cell.strip():
            return 1.0
        try:
            return float(cell.strip())
        except ValueError:
            self.bad(
                row, "weight", f"숫자를 쓰세요 (지금: '{cell}')", f"use a number, not '{cell}'"
            )
            return 1.0

    def _file(self, row: int, cell: str) -> str:
        name = cell.strip()
        if name and not name.endswith(".toml"):
            name += ".toml"
        if not FILE_NAME.fullmatch(name):
            self.bad(
                row,
                "file",
                f"파일 이름을 쓰세요, 예: loneliness.toml (지금: '{cell}')",
                f"give a file name such as loneliness.toml, not '{cell}'",
            )
        return name

    def _texts(self, name: str, values: dict[str, str]) -> Localized:
        return Localized.of(
            {
                column.rsplit("_", 1)[1]: normalize_text(value)
                for column, value in values.items()
                if column.startswith(f"{name}_")
            }
        )


def _ids(cell: str) -> tuple[str, ...]:
    return tuple(part for part in _LIST_SPLIT.split(cell.strip()) if part)


def _check_header(header: list[str], source: str) -> list[ContentIssue]:
    allowed = set(PLAIN_COLUMNS) | {f"{f}_{lang}" for f in TEXT_FIELDS for lang in KNOWN_LANGUAGES}
    problems = []
    named = [c for c in header if c]  # Excel may add empty columns at the right
    unknown = [c for c in named if c not in allowed]
    missing = [c for c in REQUIRED_COLUMNS if c not in named]
    repeated = sorted(c for c, n in Counter(named).items() if n > 1)
    for kind_ko, kind_en, names in (
        ("모르는 열", "unknown columns", unknown),
        ("빠진 열", "missing columns", missing),
        ("두 번 나온 열", "repeated columns", repeated),
    ):
        if names:
            problems.append(
                issue(
                    source,
                    1,
                    IssueCode.CSV_HEADER,
                    f"첫 줄(머리글)에 {kind_ko}이 있습니다: {', '.join(names)}",
                    f"Header row has {kind_en}: {', '.join(names)}",
                )
            )
    return problems


def entries_from_csv(raw: bytes, source: str) -> list[tuple[int, Entry]]:
    """(spreadsheet row, entry) for every filled row; ContentError naming rows otherwise."""
    numbered = rows(decode(raw, source), source)
    if not numbered:
        raise ContentError(
            [issue(source, 1, IssueCode.CSV_HEADER, "빈 파일입니다.", "The file is empty.")]
        )
    header = [c.strip().lower() for c in numbered[0][1]]
    header_issues = _check_header(header, source)
    if header_issues:
        raise ContentError(header_issues)
    reader = _RowReader(source, header)
    entries = [(n, e) for n, cells in numbered[1:] if (e := reader.entry(n, cells))]
    reader.issues += _duplicates(entries, source)
    if reader.issues:
        raise ContentError(reader.issues)
    return entries


def _duplicates(entries: Iterable[tuple[int, Entry]], source: str) -> Iterator[ContentIssue]:
    first: dict[str, int] = {}
    for row, entry in entries:
        pid = entry.prescription.id
        if pid in first:
            yield issue(
                source,
                row,
                IssueCode.DUPLICATE_ID,
                f"같은 id가 이미 있습니다: '{pid}' (처음: {first[pid]}행)",
                f"Duplicate id '{pid}', first in row {first[pid]}.",
            )
        first.setdefault(pid, row)


# ── import ────────────────────────────────────────────────────────────────────────────────


def group_by_file(entries: Iterable[Entry]) -> dict[str, list[Prescription]]:
    files: dict[str, list[Prescription]] = {}
    for entry in entries:
        files.setdefault(entry.file, []).append(entry.prescription)
    return files


@dataclass(frozen=True)
class _Plan:
    texts: dict[str, str]  # file name → new TOML text
    rows: dict[str, list[int]]  # file name → spreadsheet row of each prescription, in order


def _plan(numbered: Sequence[tuple[int, Entry]]) -> _Plan:
    rows: dict[str, list[int]] = {}
    for row, entry in numbered:
        rows.setdefault(entry.file, []).append(row)
    files = group_by_file(e for _, e in numbered)
    return _Plan({name: prescriptions_toml(name, ps) for name, ps in files.items()}, rows)


def _staged(snapshot: FolderSnapshot, plan: _Plan) -> FolderSnapshot:
    """The content as it would be after the import: the folder's other files as read, and
    the planned prescription files instead of the current ones."""
    prefix = f"{PRESCRIPTIONS_DIR}/"
    planned = {prefix + name: text.encode("utf-8") for name, text in plan.texts.items()}
    return snapshot.with_files(planned, keep=lambda name: not name.startswith(prefix))


@dataclass
class _RowMap:
    """Says an issue in a generated prescription file in terms of the spreadsheet's rows.
    Each file is scanned once, however many issues it has."""

    plan: _Plan
    source: str
    _starts: dict[str, list[int]] = field(default_factory=dict)

    def __call__(self, found: ContentIssue) -> ContentIssue:
        prefix = f"{PRESCRIPTIONS_DIR}/"
        name = found.file.removeprefix(prefix)
        if not found.file.startswith(prefix) or name not in self.plan.texts:
            return found
        if name not in self._starts:
            text = self.plan.texts[name]
            self._starts[name] = [b.line for b in blocks_of(scan(text), "prescription")]
        index = bisect.bisect_right(self._starts[name], found.line) - 1
        row = self.plan.rows[name][index] if index >= 0 else 1
        return ContentIssue(self.source, row, found.code, found.message_ko, found.message_en)


def _unchanged(
    snapshot: FolderSnapshot, plan: _Plan, numbered: Sequence[tuple[int, Entry]]
) -> set[str]:
    try:
        current = group_by_file(entries_in(Path(), snapshot))
    except ContentError:
        return set()
    new = group_by_file(e for _, e in numbered)
    return {name for name in plan.texts if current.get(name) == new[name]}


def import_csv(
    csv_path: Path,
    content_dir: Path,
    fits: FitCheck | None = None,
    minimums: Minimums = DEFAULT_MINIMUMS,
    *,
    fits_for: FitCheckFor | None = None,
) -> ImportResult:
    """Replace the prescriptions in `content_dir` with those in the spreadsheet, or raise
    ContentError (with spreadsheet rows) and change nothing. `fits`/`fits_for` as for
    `check_directory`: the new content passes exactly the checks `content check` makes."""
    source = csv_path.name
    numbered = entries_from_csv(read_spreadsheet(csv_path, source), source)
    plan = _plan(numbered)
    snapshot = snapshot_of(content_dir)  # read once: checked and compared as it was
    result = check_directory(
        content_dir, fits, minimums, fits_for=fits_for, snapshot=_staged(snapshot, plan)
    )
    if result.issues:
        raise ContentError(map(_RowMap(plan, source), result.issues))
    return _write(content_dir, plan, _unchanged(snapshot, plan, numbered), len(numbered))


def _write(content_dir: Path, plan: _Plan, unchanged: set[str], count: int) -> ImportResult:
    folder = content_dir / PRESCRIPTIONS_DIR
    written = []
    for name, text in sorted(plan.texts.items()):
        if name not in unchanged:
            write_atomically(folder / name, text.encode("utf-8"))
            written.append(name)
    removed = sorted(
        p.name
        for p in folder.glob("*.toml")
        if p.name not in plan.texts and not p.name.startswith(".")
    )
    for name in removed:
        (folder / name).unlink()
    fsync_directory(folder)
    return ImportResult(tuple(written), tuple(removed), tuple(sorted(unchanged)), count)
