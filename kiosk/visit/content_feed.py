"""Content for the running kiosk: fast at start, fully checked in the background, and renewed
when staff change the files — only ever with content that passes every check.

At start the files are loaded with the structural checks only (a tenth of a second), so the
first frame is quick. A worker thread then runs the full checks, the card-fit measurement
included, through `prescriptions.live.ContentStore`, and keeps watching the files. What it
finds reaches the frame through the inbox: `ContentReady` (the visit takes it at the attract
screen) or `ContentUnusable` (no checked content at all: out of service). Once a card from new
content has been drawn (`drawn`, called by the app), the worker keeps that content as the last
good copy a restart falls back to.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.shell.config import KioskConfig
from kiosk.shell.inbox import ContentReady, ContentUnusable
from kiosk.shell.runtime import load_first_good
from prescriptions.checks import FitCheck
from prescriptions.live import ContentStore, ReloadResult
from prescriptions.model import Content

log = logging.getLogger(__name__)


def _fit_check(content: Content) -> FitCheck:
    """The card-fit check, imported when the worker first needs it, not before the first
    frame."""
    from kiosk.ui.card import make_fit_check

    return make_fit_check(content)


WATCH_INTERVAL_S = 5.0
SNAPSHOT = "content-last-good"


@dataclass
class ContentFeed:
    store: ContentStore
    initial: Content
    initial_fault: str | None
    post: Callable[[object], None] = lambda _event: None  # the kiosk's inbox
    last_result: ReloadResult | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _wake: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _drawn_generation: int | None = None
    _offered_generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(
        cls, config: KioskConfig, post: Callable[[object], None] = lambda _e: None
    ) -> ContentFeed:
        snapshot = config.data_dir / SNAPSHOT
        store = ContentStore(config.content_dir, fits_for=_fit_check, snapshot_dir=snapshot)
        # The last good snapshot passed every check; on a first start the files get the
        # structural checks here and the worker's full check a few seconds later.
        content, fault = load_first_good(snapshot, config.content_dir, screened=snapshot)
        return cls(store, content, fault, post)

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
            content, generation = self.store.content, self.store.generation
            offer = content is not None and generation != self._offered_generation
            self._offered_generation = generation
        if offer and content is not None:  # new files, or the last good copy after a refusal
            self.post(ContentReady(content, generation))
        if result.accepted:
            return
        for issue in result.issues[:10]:
            log.error("content refused: %s", issue)
        if content is None:
            # The full check refused the files and there is no earlier good copy: the quick
            # load must not keep serving unchecked content.
            self.post(ContentUnusable("content failed its checks"))

    def reload_now(self) -> ReloadResult:
        """A staff action: check the files now (blocks about a second; call it off the UI)."""
        result = self.store.reload()
        self._record(result)
        return result

    def drawn(self, content: Content) -> None:
        """The app drew a card from `content` (UI thread; cheap): if it is the newest checked
        content, the worker keeps it as the last good copy."""
        if content is self.store.content:
            self._drawn_generation = self.store.generation
            self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
