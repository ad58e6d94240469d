"""Reading the content folder safely and all at once.

The files are edited by hand, copied from USB sticks and synced over networks, so reading
them has to survive what a file system can hold: a symlink that points at itself, a folder or
a pipe where a file should be, a 10 MB file, and an editor saving while the kiosk reads.

    read_folder(root, names)   every content file's bytes as one consistent snapshot: each
                               file read at most once and at most MAX_FILE_BYTES + 1 bytes;
                               the folder listed and stat-ed before and after, and read again
                               when anything changed in between, so that a reader never sees
                               half of one edit and half of the next
    signature(root)            (name, size, mtime, inode) of every content file: cheap to
                               compare, changes whenever a file does
    write_folder(snapshot, d)  the snapshot's files written under `d`

Problems (a file that cannot be read, a folder over its size limit, files that keep changing)
come back as ContentIssues in the snapshot; nothing here raises for a bad file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prescriptions.errors import ContentIssue, IssueCode
from prescriptions.schema import PRESCRIPTIONS_DIR

# A content file holds text typed by people: the biggest bundled one is 9 KB. A limit keeps a
# mistaken copy (a video, a database, a log) from filling the kiosk's memory.
MAX_FILE_BYTES = 1 << 20  # 1 MiB per file, about a thousand prescriptions
MAX_FOLDER_BYTES = 16 << 20  # 16 MiB for all content files together
# Reading is repeated when the files change meanwhile; an editor's save is over long before.
READ_ATTEMPTS = 3

Signature = tuple[tuple[str, int, int, int], ...]


def _issue(file: str, line: int, code: IssueCode, ko: str, en: str) -> ContentIssue:
    return ContentIssue(file=file, line=line, code=code.value, message_ko=ko, message_en=en)


def prescription_names(root: Path) -> list[str]:
    """The prescription files under `root`, as relative names, in order; [] when none."""
    try:
        names = sorted(
            entry.name
            for entry in os.scandir(root / PRESCRIPTIONS_DIR)
            if entry.name.endswith(".toml") and not entry.name.startswith(".")
        )
    except OSError:  # no folder (reported as "no prescription files"), or unreadable
        return []
    return [f"{PRESCRIPTIONS_DIR}/{name}" for name in names]


def signature(root: Path) -> Signature:
    """(name, size, mtime, inode) of every content file: changes whenever a file does.
    A file that cannot be stat-ed (a symlink loop) is listed by its link, so that fixing it
    counts as a change too."""
    found = []
    for folder in (root, root / PRESCRIPTIONS_DIR):
        try:
            entries = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".toml"))
        except OSError:
            continue
        for name in entries:
            path = folder / name
            relative = path.relative_to(root).as_posix()
            try:
                st = path.stat()
                found.append((relative, st.st_size, st.st_mtime_ns, st.st_ino))
            except OSError:
                try:
                    st = path.lstat()
                except OSError:
                    continue  # removed between listing and stat: the next call sees it gone
                found.append((relative, -1, st.st_mtime_ns, st.st_ino))
    return tuple(found)


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most `limit` + 1 bytes of the regular file `path` (one more than allowed, so the
    caller can tell it is too big). OSError for anything that is not a readable file; a pipe
    is refused before it is read, so it cannot block the reader."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode):
            kind = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
            raise OSError(kind, "not a regular file")
        return f.read(limit + 1)


def read_problem(relative: str, exc: OSError) -> ContentIssue:
    """What staff are told about a content file that cannot be read."""
    if isinstance(exc, FileNotFoundError):
        return _issue(
            relative,
            1,
            IssueCode.MISSING_FILE,
            "파일이 없습니다 (또는 가리키는 파일이 없는 링크입니다). docs/content-format.md를 "
            "보고 만드세요.",
            "The file is missing (or a link to nothing); see docs/content-format.md.",
        )
    if exc.errno == errno.ELOOP:
        ko, en = "링크가 끝없이 서로를 가리킵니다 (심볼릭 링크 순환)", "a symlink loop"
    elif exc.errno in (errno.EISDIR, errno.EINVAL):
        ko, en = "보통 파일이 아닙니다 (폴더, 파이프 또는 장치)", "not a regular file"
    else:
        ko = en = exc.strerror or type(exc).__name__
    return _issue(
        relative,
        1,
        IssueCode.UNREADABLE_FILE,
        f"파일을 읽을 수 없습니다: {ko}. 진짜 파일로 바꾸세요.",
        f"Cannot read the file: {en}. Replace it with a real file.",
    )


@dataclass(frozen=True)
class FolderSnapshot:
    """The content files as read at one moment. `files` holds what could be read (each at
    most MAX_FILE_BYTES + 1 bytes; the loader reports one that is too big), `problems` the
    files that could not be, by name. `refusal` is set when the folder as a whole cannot be
    used (too large, or its files kept changing); then nothing else is worth reporting."""

    files: Mapping[str, bytes] = field(default_factory=dict)
    problems: Mapping[str, ContentIssue] = field(default_factory=dict)
    signature: Signature = ()
    refusal: ContentIssue | None = None

    @property
    def settled(self) -> bool:
        """False when the files kept changing while they were read."""
        return self.refusal is None or self.refusal.code != IssueCode.FILES_CHANGING.value

    def with_files(
        self, replaced: Mapping[str, bytes], keep: Callable[[str], bool]
    ) -> FolderSnapshot:
        """The snapshot with only the files `keep` accepts, plus `replaced`."""
        files = {name: data for name, data in self.files.items() if keep(name)}
        problems = {name: p for name, p in self.problems.items() if keep(name)}
        return FolderSnapshot({**files, **replaced}, problems, self.signature, self.refusal)

    def whole_folder_problem(self) -> ContentIssue | None:
        """Why the folder as a whole cannot be used, if it cannot: the refusal made while
        reading, or (for files put together in memory) their total size."""
        if self.refusal is not None:
            return self.refusal
        return _over_limit(self.files)


def _over_limit(files: Mapping[str, bytes]) -> ContentIssue | None:
    """folder-too-large on the file that takes the total over MAX_FOLDER_BYTES, naming the
    biggest files so far, or None."""
    total = 0
    for relative, data in files.items():
        total += len(data)
        if total > MAX_FOLDER_BYTES:
            return folder_too_large(relative, {n: len(d) for n, d in files.items()})
    return None


def _read_once(root: Path, names: Sequence[str]) -> FolderSnapshot:
    files: dict[str, bytes] = {}
    problems: dict[str, ContentIssue] = {}
    total = 0
    for relative in names:
        try:
            data = read_bounded(root / relative)
        except OSError as exc:
            if not isinstance(exc, FileNotFoundError) or "/" not in relative:
                problems[relative] = read_problem(relative, exc)
            continue  # a prescription file that vanished since the listing: simply gone
        files[relative] = data
        total += len(data)
        if total > MAX_FOLDER_BYTES:  # stop reading: memory is the kiosk's, not the folder's
            sizes = {name: len(d) for name, d in files.items()}
            return FolderSnapshot(refusal=folder_too_large(relative, sizes))
    return FolderSnapshot(files, problems)


def folder_too_large(relative: str, sizes: Mapping[str, int]) -> ContentIssue:
    limit = MAX_FOLDER_BYTES >> 20
    biggest = sorted(sizes, key=lambda name: -sizes[name])[:3]
    named = ", ".join(f"{name} ({sizes[name] / 1e6:.1f} MB)" for name in biggest)
    return _issue(
        relative,
        1,
        IssueCode.FOLDER_TOO_LARGE,
        f"내용 파일을 모두 합해 {limit} MiB가 넘습니다 (이 파일에서 넘었습니다). 가장 큰 "
        f"파일: {named}. 필요 없는 큰 .toml 파일을 내용 폴더에서 치우세요.",
        f"The content files together are over {limit} MiB (passed at this file). Largest: "
        f"{named}. Move large stray .toml files out of the content folder.",
    )


def read_folder(root: Path, names: Sequence[str]) -> FolderSnapshot:
    """Every file in `names` (relative to `root`) and the prescription files, read as one
    consistent snapshot (see the module docstring)."""
    changed = ""
    for _ in range(READ_ATTEMPTS):
        before = signature(root)
        snapshot = _read_once(root, [*names, *prescription_names(root)])
        after = signature(root)
        if before == after:
            return FolderSnapshot(snapshot.files, snapshot.problems, before, snapshot.refusal)
        changed = _first_difference(before, after)
    return FolderSnapshot(
        refusal=_issue(
            changed,
            1,
            IssueCode.FILES_CHANGING,
            f"읽는 동안 파일이 계속 바뀌었습니다 ({READ_ATTEMPTS}번). 저장이나 복사가 끝난 "
            f"뒤 다시 검사하세요. 지금 내용은 그대로 씁니다.",
            f"The files kept changing while being read ({READ_ATTEMPTS} times); check "
            f"again once saving or copying has finished. The current content stays.",
        )
    )


def _first_difference(before: Signature, after: Signature) -> str:
    old, new = set(before), set(after)
    changed = sorted({entry[0] for entry in old ^ new})
    return changed[0] if changed else PRESCRIPTIONS_DIR


def write_folder(snapshot: FolderSnapshot, target: Path) -> None:
    """Write the snapshot's files under `target` (made if needed)."""
    (target / PRESCRIPTIONS_DIR).mkdir(parents=True, exist_ok=True)
    for relative, data in snapshot.files.items():
        (target / relative).write_bytes(data)
