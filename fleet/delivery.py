"""Published content arriving at a kiosk: checked twice, written whole or not at all.

The centre publishes a signed bundle (`fleet.bundle`) retained on the kiosk's own topic
`maeum/v1/<site>/bundle`. The agent, for a bundle it has not handled yet:

  1. verifies the signature with the centre's public key (copied at enrolment), and that
     the bundle is for this site;
  2. refuses a publication older than the last one it took (an old bundle replayed);
  3. runs the checks `content check` runs (`prescriptions.checks`, with the card check the
     agent is given) on the files as they arrived, before any is written;
  4. writes them into a new folder beside the content folder and swaps the two in one step
     (`renameat2(RENAME_EXCHANGE)`; two renames on a file system without it, where the
     kiosk, finding no folder for a moment, keeps the content it has);
  5. reports taken or refused, and why, to the centre (through the outbox, like any record).

The running kiosk sees the new files at its next look (every 5 s), checks them once more and
takes them at the attract screen, as for any change made by hand. A refused bundle changes
nothing on the kiosk: the last good content keeps serving.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fleet.cursor import Cursor
from fleet.payloads import MAX_ISSUE_TEXT, MAX_ISSUES
from prescriptions.atomic import fsync_directory
from prescriptions.schema import PRESCRIPTIONS_DIR

if TYPE_CHECKING:
    from fleet.bundle import Bundle
    from fleet.config import AgentConfig
    from prescriptions.checks import FitCheckFor

log = logging.getLogger(__name__)

INCOMING = ".content-incoming-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class DeliveryReport:
    publication: int
    version: str
    accepted: bool
    code: str
    reason: str  # Korean, for the dashboard
    issues: tuple[str, ...] = ()

    def body(self) -> dict[str, Any]:
        return {
            "publication": self.publication,
            "version": self.version,
            "state": "accepted" if self.accepted else "refused",
            "code": self.code,
            "reason": self.reason[:MAX_ISSUE_TEXT],
            "issues": [i[:MAX_ISSUE_TEXT] for i in self.issues[:MAX_ISSUES]],
        }


class ContentDelivery:
    """Takes bundles for `site` into `content_dir`. `fits_for` is the card check (the
    kiosk's own, from kiosk.ui.card); None checks everything else."""

    def __init__(
        self,
        site: str,
        public_key: Path,
        content_dir: Path,
        fits_for: FitCheckFor | None = None,
    ) -> None:
        self.site = site
        self.public_key = public_key
        self.content_dir = content_dir
        self.fits_for = fits_for

    @classmethod
    def for_agent(
        cls, config: AgentConfig, content_dir: Path | None, fits_for: FitCheckFor | None
    ) -> ContentDelivery | None:
        """The agent's: into `content_dir`, else agent.toml's; None when neither says."""
        target = content_dir or config.agent.content_dir
        if target is None:
            return None
        return cls(config.site, config.agent.content_key, target, fits_for)

    def receive(self, payload: bytes, cursor: Cursor) -> DeliveryReport | None:
        """A bundle from the broker, handled and its report queued for the centre; None
        when this very payload was handled before (the retained copy comes again with every
        connection)."""
        received = hashlib.sha256(payload).hexdigest()[:32]
        seen, taken = cursor.bundle_seen()
        if received == seen:
            return None
        report = self.take(payload, taken)
        taken_now = report.publication if report.accepted else None
        cursor.record_delivery(received, taken_now, report.body())
        return report

    def take(self, payload: bytes, taken: int) -> DeliveryReport:
        """Handle one bundle; `taken` is the highest publication taken before."""
        # Loaded with the first bundle: the agent's everyday memory stays small.
        from fleet.bundle import BundleError, load_public_key, open_bundle

        try:
            key = load_public_key(self.public_key)
        except (OSError, ValueError) as exc:
            log.error("no content key %s (%s): enrol this kiosk again", self.public_key, exc)
            return DeliveryReport(
                0,
                "-",
                False,
                "no-key",
                "이 키오스크에 센터의 서명 확인 열쇠가 없습니다. 다시 등록하세요 "
                "(fleet-server enroll).",
            )
        try:
            bundle = open_bundle(payload, key, self.site)
        except BundleError as exc:
            log.warning("content bundle refused: %s", exc.en)
            return DeliveryReport(0, "-", False, exc.code, f"{exc.ko}. 지금 내용을 그대로 씁니다.")
        if bundle.publication < taken:
            return DeliveryReport(
                bundle.publication,
                bundle.version,
                False,
                "stale",
                f"이미 받은 게시({taken}번)보다 오래된 내용입니다. 지금 내용을 그대로 씁니다.",
            )
        return self._check_and_write(bundle)

    def _check_and_write(self, bundle: Bundle) -> DeliveryReport:
        from prescriptions.checks import check_directory
        from prescriptions.files import FolderSnapshot

        def refused(code: str, reason: str, issues: tuple[str, ...] = ()) -> DeliveryReport:
            return DeliveryReport(bundle.publication, bundle.version, False, code, reason, issues)

        try:
            result = check_directory(
                self.content_dir,
                fits_for=self.fits_for,
                snapshot=FolderSnapshot(dict(bundle.files)),
            )
        except Exception as exc:  # a bug in a check: refuse, keep serving, say so
            log.exception("checking published content failed")
            return refused("check-failed", f"검사 중 프로그램 오류가 났습니다: {exc!r}")
        if result.issues:
            log.warning(
                "published content %s refused: %d problem(s), first: %s",
                bundle.version,
                len(result.issues),
                result.issues[0],
            )
            return refused(
                "content-check",
                f"키오스크의 내용 검사에서 문제 {len(result.issues)}개가 나왔습니다. "
                "지금 내용을 그대로 씁니다.",
                tuple(i.format("ko") for i in result.issues[:MAX_ISSUES]),
            )
        try:
            install_folder(bundle.files, self.content_dir)
        except OSError as exc:
            log.error("published content %s not written: %s", bundle.version, exc)
            return refused(
                "write-failed",
                f"내용 폴더에 쓸 수 없습니다 ({exc.strerror or exc}). 지금 내용을 그대로 씁니다.",
            )
        log.info("published content %s taken into %s", bundle.version, self.content_dir)
        return DeliveryReport(
            bundle.publication,
            bundle.version,
            True,
            "accepted",
            "받았습니다. 키오스크가 첫 화면에서 새 내용으로 바꿉니다.",
        )


def install_folder(files: Mapping[str, bytes], content_dir: Path) -> None:
    """Make `content_dir` hold exactly `files`, in one step for anyone reading it."""
    parent = content_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(f"{INCOMING}*"):  # left by a power cut halfway
        _remove(stale)
    staging = Path(tempfile.mkdtemp(prefix=INCOMING, dir=parent))
    try:
        mode = stat.S_IMODE(content_dir.stat().st_mode) if content_dir.is_dir() else 0o755
        os.chmod(staging, mode)
        (staging / PRESCRIPTIONS_DIR).mkdir(mode=mode)
        for name, data in files.items():
            target = staging / name
            with open(target, "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(target, 0o644)
        fsync_directory(staging / PRESCRIPTIONS_DIR)
        fsync_directory(staging)
        if not (content_dir.exists() or content_dir.is_symlink()):
            staging.rename(content_dir)
        elif not _exchange(staging, content_dir):
            _two_renames(staging, content_dir)
        fsync_directory(parent)
    finally:
        _remove(staging)


def _exchange(new: Path, current: Path) -> bool:
    """Swap two directory entries atomically; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:  # a C library without it
        return False
    c_int, c_path = ctypes.c_int, ctypes.c_char_p
    renameat2.argtypes = (c_int, c_path, c_int, c_path, ctypes.c_uint)
    renameat2.restype = ctypes.c_int
    code = renameat2(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(current), _RENAME_EXCHANGE)
    if code == 0:
        return True
    failure = ctypes.get_errno()
    if failure in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(failure, os.strerror(failure), str(current))


def _two_renames(new: Path, current: Path) -> None:
    old = new.with_name(new.name + "-old")
    current.rename(old)
    try:
        new.rename(current)
    except OSError:
        old.rename(current)  # the content that was there is better than none
        raise
    old.rename(new)  # removed with the staging folder


def _remove(path: Path) -> None:
    if path.is_symlink():  # the content folder was a link: the link goes, not its target
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)
