"""Content for the running kiosk: fast at start, fully checked in the background, and renewed
when staff change the files — only ever with content that passes every check.

At start the files are loaded with the structural checks only (a tenth of a second), so the
first frame is quick. A worker thread then runs the full checks, the card-fit measurement
included, through `prescriptions.live.ContentStore`, and keeps watching the files. The frame
loop calls `poll` once per frame: it costs a lock and an integer compare.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from kiosk.config import KioskConfig
from kiosk.runtime import load_first_good
from kiosk.session import KioskSession
from kiosk.ui.card import make_fit_check
from prescriptions.live import ContentStore, ReloadResult
from prescriptions.model import Content

log = logging.getLogger(__name__)

WATCH_INTERVAL_S = 5.0
SNAPSHOT = "content-last-good"


@dataclass
class ContentFeed:
    store: ContentStore
    initial: Content
    initial_fault: str | None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _seen_generation: int = 0
    last_result: ReloadResult | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, config: KioskConfig) -> ContentFeed:
        snapshot = config.data_dir / SNAPSHOT
        store = ContentStore(config.content_dir, fits_for=make_fit_check, snapshot_dir=snapshot)
        # The last good snapshot passed every check; on a first start the files get the
        # structural checks here and the worker's full check a few seconds later.
        content, fault = load_first_good(snapshot, config.content_dir)
        return cls(store, content, fault)

    def start(self) -> None:
        """The full check and then the file watcher, in a worker thread."""
        self._thread = threading.Thread(target=self._work, name="content", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        self._record(self.store.start())
        self.store.watch(self._stop, WATCH_INTERVAL_S, self._record)

    def _record(self, result: ReloadResult) -> None:
        with self._lock:
            self.last_result = result
        if not result.accepted:
            for issue in result.issues[:10]:
                log.error("content refused: %s", issue)

    def reload_now(self) -> ReloadResult:
        """A staff action: check the files now (blocks about a second; call it off the UI)."""
        result = self.store.reload()
        self._record(result)
        return result

    def poll(self, session: KioskSession, now: float) -> None:
        """Once per frame: hand newly accepted content to the session (taken at attract)."""
        generation = self.store.generation
        if generation != self._seen_generation:
            self._seen_generation = generation
            content = self.store.content
            if content is not None:
                session.offer_content(content)
                session.set_service_fault(None, now)
            return
        with self._lock:
            result = self.last_result
        if result is not None and self.store.content is None and generation == 0:
            # The full check refused the files and there is no earlier good copy: the quick
            # load must not keep serving unchecked content.
            session.set_service_fault("content failed its checks", now)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
