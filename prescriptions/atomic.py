"""Writing files so that a reader or a power cut sees the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

_DEFAULT_MODE = 0o644


def write_atomically(
    path: Path,
    data: bytes,
    *,
    mode: int | None = None,
    prepare: Callable[[int], None] | None = None,
) -> None:
    """Replace `path` with `data`: temporary file in the same folder, fsync, `os.replace`,
    fsync of the folder. The new file gets `mode`, else the existing file's permissions (a
    new one 0644); `prepare(fd)` may set more on it (an owner) before it takes the place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = _DEFAULT_MODE
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), mode)  # mkstemp makes 0600; staff and the kiosk both read
            if prepare is not None:
                prepare(out.fileno())
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Make renames in `directory` durable (POSIX; skipped where folders cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.fsync(fd)
    os.close(fd)
