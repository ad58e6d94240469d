"""Content that the running kiosk can take new without stopping: only ever checked content.

`ContentStore` holds the last good Content. `reload()` checks the directory and swaps the new
content in only when every check passes; on failure the old content keeps serving and the
result says why. `changed()` compares file names, sizes, modification times and inodes, which
costs a few `stat` calls, so a worker can ask every few seconds and `reload()` only when the
files moved (`reload_if_changed`, `watch`).

The files are read once per reload, as one consistent snapshot (`prescriptions.files`): a
file saved while the folder is being read makes it read again, so the kiosk never takes half
of one edit and half of the next. What is checked is exactly what was read, and with a
`snapshot_dir` (in the machine's data directory) exactly that is kept as the last good copy,
so a kiosk that restarts while the files are broken still starts on the last good content.
Passing the checks is not enough to become that copy: the kiosk must also have drawn it
(`confirm(generation)`, called once a card from it was on the screen), so content that somehow
breaks the screen is never what a restart falls back to.

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
from prescriptions.files import FolderSnapshot, Signature, signature, write_folder
from prescriptions.loader import snapshot_of
from prescriptions.model import Content

LOG = logging.getLogger(__name__)

_STAGING_PREFIX = ".content-staging-"


class Waiter(Protocol):
    """What `watch` waits on: `threading.Event` in the kiosk, a script in tests."""

    def wait(self, timeout: float | None = None) -> bool: ...


@dataclass(frozen=True)
class ReloadResult:
    accepted: bool
    issues: tuple[ContentIssue, ...]  # why it was refused; empty when accepted
    source: Path  # the directory the serving content came from


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
        self._candidate: tuple[int, FolderSnapshot] | None = None  # checked, not yet drawn

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
        """Check the directory now; take it if it passes, keep the old content if not."""
        with self._reload_lock:
            snapshot: FolderSnapshot | None = None
            staging: Path | None = None
            try:
                snapshot = snapshot_of(self.directory)
                result = check_directory(
                    self.directory,
                    minimums=self._minimums,
                    fits_for=self._fits_for,
                    snapshot=snapshot,
                )
                if not result.ok:
                    LOG.warning(
                        "content in %s refused, %d problem(s), first: %s",
                        self.directory,
                        len(result.issues),
                        result.issues[0],
                    )
                    return ReloadResult(False, result.issues, self._source)
                generation = self._take(result.content, self.directory)
                self._candidate = (generation, snapshot)  # kept once the kiosk has drawn it
                return ReloadResult(True, (), self.directory)
            except Exception as exc:  # a bug in a check must not take the kiosk down
                LOG.exception("checking the content in %s failed", self.directory)
                return ReloadResult(False, (_check_failed(self.directory, exc),), self._source)
            finally:
                # Retried when the files change again, not in a loop; files that were still
                # changing are read again at the next look.
                settled = snapshot is not None and snapshot.settled
                self._seen = snapshot.signature if snapshot is not None and settled else None
                if staging is not None:
                    shutil.rmtree(staging, ignore_errors=True)

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

    def confirm(self, generation: int) -> bool:
        """The kiosk has drawn content of `generation`: what was read for it becomes the last
        good snapshot. True if it was kept. Writes files: call it off the UI thread."""
        with self._reload_lock:
            candidate = self._candidate
            if candidate is None or candidate[0] != generation or self.snapshot_dir is None:
                return False
            self._candidate = None
            staging = self._keep_copy(candidate[1])
            if staging is None:  # no room beside the snapshot: nothing was kept
                return False
            kept = not staging.exists()  # renamed into place; still there if keeping failed
            shutil.rmtree(staging, ignore_errors=True)
            return kept

    @property
    def unconfirmed(self) -> int | None:
        """The generation waiting to be drawn before it becomes the snapshot, if any."""
        with self._reload_lock:
            return None if self._candidate is None else self._candidate[0]

    def _keep_copy(self, snapshot: FolderSnapshot) -> Path | None:
        """Write what was checked beside the snapshot and make it the last good copy. A data
        folder that cannot take it (full, read-only) costs the copy, never the new content.
        Returns the staging folder left to clean up, if any."""
        if self.snapshot_dir is None:
            return None
        try:
            self.snapshot_dir.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=self.snapshot_dir.parent))
        except OSError as exc:
            LOG.warning("cannot keep the good content beside %s: %s", self.snapshot_dir, exc)
            return None
        try:
            write_folder(snapshot, staging)
        except OSError as exc:
            LOG.warning("cannot keep the good content in %s: %s", staging, exc)
            return staging
        self._keep(staging)
        return staging

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
        line=1,
        code=IssueCode.CHECK_FAILED.value,
        message_ko=f"검사 중 프로그램 오류가 났습니다. 기술 담당자에게 알려 주세요: {exc!r}",
        message_en=f"Checking the content failed with a program error: {exc!r}",
    )
