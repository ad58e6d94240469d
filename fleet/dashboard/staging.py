"""An uploaded content file, checked exactly as `content check` checks content.

    .csv    the prescriptions as `content export` writes them (prescriptions.csvio): they
            replace the prescriptions of the content last published; every other content
            file comes from that
    .xlsx   the whole content, one sheet per kind (prescriptions.workbook, as `content
            export` writes it); a sheet left out keeps that kind as it is

The upload is put together with the base content by the same import `content import` uses
and checked with the same checks (the kiosk's card check included); nothing outside a
temporary folder changes. The result is the problems, each with its sheet (or file) and
row, or the clean files and their version.

Uploads are parsed as data, never run: the CSV import reads text; a workbook is refused
before parsing when it is not a plain zip of bounded size, or when any of its XML parts
declares a DTD or an entity (a normal .xlsx never does), and openpyxl reads it with
defusedxml, values only.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from fleet.dashboard.records import Problem
from prescriptions.checks import FitCheckFor
from prescriptions.csvio import import_csv
from prescriptions.errors import ContentError, ContentIssue
from prescriptions.files import FolderSnapshot, Signature, signature
from prescriptions.loader import read_content, snapshot_of
from prescriptions.model import Content
from prescriptions.workbook import check_workbook

BUNDLED = Path(__file__).resolve().parents[2] / "prescriptions" / "content"
MAX_XLSX_UNPACKED = 64 << 20  # what a workbook may unpack to (a zip bomb stops here)
MAX_XLSX_PARTS = 2000
_SAFE_NAME = re.compile(r"[^\w.() -]")
# A DTD or an entity declaration, in the encodings an XML part may use.
_DECLARATIONS = tuple(
    word.encode(codec)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("ascii", "utf-16-le", "utf-16-be")
)


class UploadRefused(ValueError):
    """The file is not one the dashboard takes (its kind, its size, its make); the text is
    Korean, for the page."""


@dataclass(frozen=True)
class Staged:
    problems: tuple[Problem, ...]
    files: dict[str, bytes] | None  # the clean content's files; None when it has problems
    version: str
    summary: dict[str, int] = field(default_factory=dict)


def shown_name(filename: str) -> str:
    """The uploaded file's name as pages and messages show it: no folders, no control
    characters, not too long."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip(" .") or "upload"
    return cleaned[-80:]


class ContentStager:
    def __init__(
        self,
        base_dir: Path,
        fits_for: FitCheckFor | None,
        version_of: Callable[[Content], str],
    ) -> None:
        self.base_dir = base_dir
        self.fits_for = fits_for
        self.version_of = version_of
        self._one_at_a_time = threading.Lock()  # a check takes a second and a core
        self._names: tuple[Signature, dict[str, str], dict[str, str]] | None = None

    def names(self) -> tuple[dict[str, str], dict[str, str]]:
        """(symptom id → Korean name, item id → Korean name) of the base content, read
        again only when its files change."""
        base = self.base()
        seen = signature(base)
        if self._names is None or self._names[0] != seen:
            content = read_content(base).content
            symptoms = {s.id: s.name.get("ko") for s in content.symptoms}
            items = {i.id: i.name.get("ko") for i in content.items}
            self._names = (seen, symptoms, items)
        return self._names[1], self._names[2]

    def base(self) -> Path:
        """The content a CSV completes: the last published, or the bundled set at first."""
        if not (self.base_dir / "categories.toml").exists():
            from fleet.delivery import install_folder

            install_folder(snapshot_of(BUNDLED).files, self.base_dir)
        return self.base_dir

    def stage(self, filename: str, data: bytes) -> Staged:
        name = shown_name(filename)
        kind = name.lower().rsplit(".", 1)[-1]
        if kind not in ("csv", "xlsx"):
            raise UploadRefused(
                "CSV(.csv) 또는 엑셀(.xlsx) 파일만 올릴 수 있습니다. 엑셀에서 "
                "'CSV UTF-8' 또는 'Excel 통합 문서'로 저장하세요."
            )
        if kind == "xlsx":
            precheck_workbook(data)
            with self._one_at_a_time:
                return self._workbook(name, data)
        with self._one_at_a_time, tempfile.TemporaryDirectory(prefix="maeum-upload-") as tmp:
            work = Path(tmp) / "content"
            shutil.copytree(self.base(), work)
            source = Path(tmp) / name
            source.write_bytes(data)
            try:
                import_csv(source, work, fits_for=self.fits_for)
            except ContentError as exc:
                return Staged(tuple(_problem(i, name) for i in exc.issues), None, "-")
            return self._clean(snapshot_of(work))

    def _workbook(self, name: str, data: bytes) -> Staged:
        """A whole-content workbook: `prescriptions.workbook.check_workbook`, the one entry
        point for a workbook received (what `content import FILE.xlsx` runs, unwritten)."""
        try:
            _, staged = check_workbook(
                data, snapshot_of(self.base()), fits_for=self.fits_for, source=name
            )
        except ContentError as exc:
            return Staged(tuple(_problem(i, name) for i in exc.issues), None, "-")
        return self._clean(staged)

    def _clean(self, snapshot: FolderSnapshot) -> Staged:
        content = read_content(Path(), snapshot).content
        summary = {
            "categories": len(content.categories),
            "symptoms": len(content.symptoms),
            "prescriptions": len(content.prescriptions),
        }
        return Staged((), dict(snapshot.files), self.version_of(content), summary)


def _problem(issue: ContentIssue, source: str) -> Problem:
    """Where a workbook's problem is: its sheet ("content.xlsx:처방" → "처방")."""
    where = issue.file
    if where.startswith(f"{source}:"):
        where = where.removeprefix(f"{source}:")
    return Problem(where, issue.line, issue.message_ko, issue.code)


def precheck_workbook(data: bytes) -> None:
    """Refuse a workbook before any XML parser sees it: not a zip, too many parts, unpacking
    too large, or a DTD/entity declaration in a part."""
    not_a_workbook = UploadRefused(
        "엑셀 통합 문서(.xlsx)가 아닙니다. 엑셀에서 'Excel 통합 문서'로 다시 저장하세요."
    )
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise not_a_workbook from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_XLSX_PARTS or "[Content_Types].xml" not in archive.namelist():
            raise not_a_workbook
        if sum(p.file_size for p in parts) > MAX_XLSX_UNPACKED:
            raise UploadRefused(
                f"엑셀 파일을 풀면 {MAX_XLSX_UNPACKED >> 20} MiB가 넘습니다. 내용 파일이 맞는지 "
                "확인하세요."
            )
        for part in parts:
            if not part.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(part) as stream:
                    text = stream.read(MAX_XLSX_UNPACKED)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                raise not_a_workbook from None
            if any(mark in text for mark in _DECLARATIONS):
                raise UploadRefused(
                    "엑셀 파일 안에 허용하지 않는 XML 선언(DTD)이 있습니다. 엑셀에서 새 "
                    "통합 문서로 저장해 올려 주세요."
                )
