"""Content that the running kiosk can take new without stopping: only ever checked content.

`ContentStore` holds the last good Content. `reload()` checks the directory and swaps the new
content in only when every check passes; on failure the old content keeps serving and the
result says why. `changed()` compares file names, sizes, modification times and inodes, which
costs a few `stat` calls, so a worker can ask every few seconds and `reload()` only when the
files moved (`reload_if_changed`, `watch`).

With a `snapshot_dir` (in the machine's data directory) accepted content is also copied there,
so a kiosk that restarts while the files are broken still starts on the last good content
instead of none. Passing the checks is not enough to become that "last good" copy: the kiosk
must also have drawn it (`confirm(generation)`, called once a card from it was on the screen),
so content that somehow breaks the screen is never what a restart falls back to.

Thread-safety: `content` never waits for a reload (a reload with the card check takes about a
second); reloads themselves run one at a time.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from prescriptions.atomic import fsync_directory
from prescriptions.checks import (
    DEFAULT_MINIMUMS,
    CheckResult,
    FitCheckFor,
    Minimums,
    check_directory,
)
from prescriptions.errors import ContentIssue, IssueCode
from prescriptions.model import Content
from prescriptions.schema import PRESCRIPTIONS_DIR

LOG = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int, int], ...]
_STAGING_PREFIX = ".content-staging-"


class Waiter(Protocol):
    """What `watch` waits on: `threading.Event` in the kiosk, a script in tests."""

    def wait(self, timeout: float | None = None) -> bool: ...


@dataclass(frozen=True)
class ReloadResult:
    accepted: bool
    issues: tuple[ContentIssue, ...]  # why it was refused; empty when accepted
    source: Path  # the directory the serving content came from


def signature(directory: Path) -> Signature:
    """(name, size, mtime, inode) of every content file: changes whenever a file does."""
    found = []
    for folder in (directory, directory / PRESCRIPTIONS_DIR):
        try:
            paths = sorted(folder.glob("*.toml"))
        except OSError:
            continue
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue  # removed between listing and stat: the next call sees it gone
            found.append(
                (path.relative_to(directory).as_posix(), st.st_size, st.st_mtime_ns, st.st_ino)
            )
    return tuple(found)


class ContentStore:
    """The content the kiosk serves, replaced only by content that passes every check."""

    def __init__(
        self,
        directory: Path,
        *,
        fits_for: FitCheckFor | None = None,
        minimums: Minimums = DEFAULT_MINIMUMS,
        snapshot_dir: Path | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.snapshot_dir = snapshot_dir
        self._fits_for = fits_for
        self._minimums = minimums
        self._reload_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._content: Content | None = None
        self._source = self.directory
        self._generation = 0
        self._seen: Signature | None = None
        self._candidate: tuple[int, Path] | None = None  # checked, not yet drawn

    @property
    def content(self) -> Content | None:
        """The last good content, or None before any content has passed the checks."""
        with self._state_lock:
            return self._content

    @property
    def generation(self) -> int:
        """Goes up by one each time new content is taken: cheap to compare per visit."""
        with self._state_lock:
            return self._generation

    def start(self) -> ReloadResult:
        """The first load. When the directory fails, fall back to the last good snapshot."""
        if self.snapshot_dir is not None:  # copies left by a reload a power cut interrupted
            for stale in self.snapshot_dir.parent.glob(f"{_STAGING_PREFIX}*"):
                shutil.rmtree(stale, ignore_errors=True)
        result = self.reload()
        if result.accepted or self.snapshot_dir is None or not self.snapshot_dir.is_dir():
            return result
        fallback = self._check(self.snapshot_dir)
        if fallback.ok:
            LOG.warning(
                "content in %s refused; serving the last good copy from %s",
                self.directory,
                self.snapshot_dir,
            )
            self._take(fallback.content, self.snapshot_dir)
        return ReloadResult(False, result.issues, self._source)

    def reload(self) -> ReloadResult:
        """Check the directory now; take it if it passes, keep the old content if not.

        The files are copied first and the copy is checked, so an edit landing halfway
        through cannot mix checked and unchecked files; the copy becomes the snapshot."""
        with self._reload_lock:
            seen = signature(self.directory)  # before reading: a later edit counts as a change
            staging: Path | None = None
            try:
                staging = self._staging_dir()
                copy_files(self.directory, staging, seen)
                result = self._check(staging)
                if not result.ok:
                    LOG.warning(
                        "content in %s refused, %d problem(s), first: %s",
                        self.directory,
                        len(result.issues),
                        result.issues[0],
                    )
                    return ReloadResult(False, result.issues, self._source)
                generation = self._take(result.content, self.directory)
                if self.snapshot_dir is not None:
                    self._set_candidate(generation, staging)
                    staging = None  # kept until the kiosk has drawn it
                return ReloadResult(True, (), self.directory)
            except Exception as exc:  # a bug in a check must not take the kiosk down
                LOG.exception("checking the content in %s failed", self.directory)
                return ReloadResult(False, (_check_failed(self.directory, exc),), self._source)
            finally:
                self._seen = seen  # retried when the files change again, not in a loop
                if staging is not None:
                    shutil.rmtree(staging, ignore_errors=True)

    def confirm(self, generation: int) -> bool:
        """The kiosk has drawn content of `generation`: it becomes the last good snapshot.
        True if it was kept. Writes files: call it off the UI thread."""
        with self._reload_lock:
            candidate = self._candidate
            if candidate is None or candidate[0] != generation:
                return False
            self._candidate = None
            self._keep(candidate[1])
            shutil.rmtree(candidate[1], ignore_errors=True)  # left there only if keeping failed
            return True

    @property
    def unconfirmed(self) -> int | None:
        """The generation waiting to be drawn before it becomes the snapshot, if any."""
        with self._reload_lock:
            return None if self._candidate is None else self._candidate[0]

    def _set_candidate(self, generation: int, staging: Path) -> None:
        if self._candidate is not None:
            shutil.rmtree(self._candidate[1], ignore_errors=True)
        self._candidate = (generation, staging)

    def changed(self) -> bool:
        """Whether the files differ from what the last reload saw."""
        return signature(self.directory) != self._seen

    def reload_if_changed(self) -> ReloadResult | None:
        return self.reload() if self.changed() else None

    def watch(
        self,
        stop: Waiter,
        interval: float,
        report: Callable[[ReloadResult], None] = lambda _: None,
    ) -> None:
        """Reload whenever the files change, until `stop` is set (run it in a worker thread).
        A failure inside never ends the loop: the kiosk keeps its content and its watcher."""
        while not stop.wait(interval):
            try:
                result = self.reload_if_changed()
            except Exception:
                LOG.exception("content reload failed; keeping the current content")
                continue
            if result is not None:
                report(result)

    def _check(self, directory: Path) -> CheckResult:
        return check_directory(directory, minimums=self._minimums, fits_for=self._fits_for)

    def _take(self, content: Content, source: Path) -> int:
        with self._state_lock:
            self._content = content
            self._source = source
            self._generation += 1
            return self._generation

    def _staging_dir(self) -> Path:
        # Beside the snapshot when there is one, so that keeping it is a rename.
        if self.snapshot_dir is not None:
            try:
                self.snapshot_dir.parent.mkdir(parents=True, exist_ok=True)
                return Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=self.snapshot_dir.parent))
            except OSError as exc:
                LOG.warning("cannot stage content beside %s: %s", self.snapshot_dir, exc)
        return Path(tempfile.mkdtemp(prefix="maeum-content-"))

    def _keep(self, staging: Path) -> None:
        if self.snapshot_dir is None:
            return
        old = self.snapshot_dir.with_name(f".{self.snapshot_dir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        try:
            if self.snapshot_dir.exists():
                self.snapshot_dir.rename(old)
            staging.rename(self.snapshot_dir)
            fsync_directory(self.snapshot_dir.parent)
        except OSError as exc:
            LOG.warning("could not keep the good content in %s: %s", self.snapshot_dir, exc)
            if old.exists() and not self.snapshot_dir.exists():
                old.rename(self.snapshot_dir)  # the previous good copy is better than none
        shutil.rmtree(old, ignore_errors=True)


def _check_failed(directory: Path, exc: Exception) -> ContentIssue:
    return ContentIssue(
        file=str(directory),
        line=0,
        code=IssueCode.CHECK_FAILED.value,
        message_ko=f"검사 중 프로그램 오류가 났습니다. 기술 담당자에게 알려 주세요: {exc!r}",
        message_en=f"Checking the content failed with a program error: {exc!r}",
    )


def copy_files(source: Path, target: Path, files: Signature) -> None:
    """Copy the content files named in `files` from `source` into `target`."""
    (target / PRESCRIPTIONS_DIR).mkdir(parents=True, exist_ok=True)
    for relative, *_ in files:
        try:
            shutil.copyfile(source / relative, target / relative)
        except FileNotFoundError:
            continue  # removed since it was listed: the check sees it as missing
