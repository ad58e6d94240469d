"""Which prescriptions this machine showed last, so a visitor rarely sees a repeat.

`History` is the small interface selection needs; `JsonHistory` keeps it in a JSON file in the
machine's data directory, written the safe way (temporary file, fsync, `os.replace`), so a
power cut leaves either the old list or the new one, never half a file. The ledger can host the
same interface later. A missing or damaged file is not an error: the worst outcome is one repeat.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from prescriptions.atomic import write_atomically

LOG = logging.getLogger(__name__)
HISTORY_FILE = "recent-prescriptions.json"
# How many of the last prescriptions a machine never repeats, unless configured otherwise
# (kiosk.toml `no_repeat_window`). The content check asks for more gentle cards per category
# than this (prescriptions.coverage).
DEFAULT_NO_REPEAT_WINDOW = 10
_FORMAT_VERSION = 1


class History(Protocol):
    """The last `window` prescription ids shown on this machine, oldest first."""

    @property
    def window(self) -> int: ...

    def recent(self) -> tuple[str, ...]: ...

    def record(self, prescription_id: str) -> None: ...


class MemoryHistory:
    """History that lives only as long as the process (tests, demos)."""

    def __init__(self, window: int, initial: Iterable[str] = ()) -> None:
        if window < 0:
            raise ValueError("window must be >= 0")
        self._window = window
        self._recent: tuple[str, ...] = _trim(tuple(initial), window)

    @property
    def window(self) -> int:
        return self._window

    def recent(self) -> tuple[str, ...]:
        return self._recent

    def record(self, prescription_id: str) -> None:
        self._recent = _trim((*self._recent, prescription_id), self._window)


class JsonHistory(MemoryHistory):
    """History persisted to `path` after every change, so it survives restarts."""

    def __init__(
        self, path: Path, window: int, defer: Callable[[Callable[[], None]], None] | None = None
    ) -> None:
        """`defer` hands the file write to another thread (the kiosk's disk writer), so the
        caller never waits for the fsync; without it the write happens at once."""
        super().__init__(window, _read(path))
        self.path = path
        self._defer = defer

    @classmethod
    def in_data_dir(
        cls,
        data_dir: Path,
        window: int,
        defer: Callable[[Callable[[], None]], None] | None = None,
    ) -> JsonHistory:
        return cls(Path(data_dir) / HISTORY_FILE, window, defer)

    def record(self, prescription_id: str) -> None:
        before = self.recent()
        super().record(prescription_id)
        if self.recent() != before:
            if self._defer is None:
                self._save()
            else:
                self._defer(self._save)  # writes whatever is most recent when it runs

    def _save(self) -> None:
        data = json.dumps({"version": _FORMAT_VERSION, "recent": list(self.recent())})
        try:
            write_atomically(self.path, data.encode("utf-8"))
        except OSError as exc:
            # Losing the history costs at most a repeated card; never stop a visit for it.
            LOG.warning("could not save prescription history to %s: %s", self.path, exc)


def _trim(ids: tuple[str, ...], window: int) -> tuple[str, ...]:
    return ids[max(0, len(ids) - window) :] if window else ()


def _read(path: Path) -> tuple[str, ...]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    except (OSError, ValueError) as exc:
        LOG.warning("prescription history %s unreadable, starting afresh: %s", path, exc)
        return ()
    recent = raw.get("recent") if isinstance(raw, dict) else None
    if not isinstance(recent, list) or not all(isinstance(i, str) for i in recent):
        LOG.warning("prescription history %s has an unexpected shape, starting afresh", path)
        return ()
    return tuple(recent)
