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
    _drawn_generation: int | None = None
    _wake: threading.Event = field(default_factory=threading.Event)
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
        while not self._stop.is_set():
            self._wake.wait(WATCH_INTERVAL_S)
            self._wake.clear()
            if self._stop.is_set():
                return
            self.turn()

    def turn(self) -> None:
        """One turn of the worker: keep drawn content as the last good copy, then reload if
        the files changed. Never raises: the watcher outlives any failure."""
        drawn = self._drawn_generation
        if drawn is not None and self.store.unconfirmed == drawn and self.store.confirm(drawn):
            log.info("content generation %d was drawn: kept as the last good copy", drawn)
        try:
            result = self.store.reload_if_changed()
        except Exception:
            log.exception("content reload failed; keeping the current content")
            return
        if result is not None:
            self._record(result)

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

    def poll(self, session: KioskSession, now: float, drawn: Content | None = None) -> None:
        """Once per frame: hand newly accepted content to the session (taken at attract).
        `drawn` is the content a prescription card was last drawn from: once new content has
        been on the screen, the worker keeps it as the last good copy."""
        generation = self.store.generation
        if (
            drawn is not None
            and drawn is self.store.content
            and generation != self._drawn_generation
        ):
            self._drawn_generation = generation
            self._wake.set()
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
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
