"""MQTT into the store: every kiosk's topics, checked, stored in batches, then confirmed.

One loop owns the store; the MQTT thread only fills its inbox. Messages that arrive within
`batch_s` of each other are stored in one transaction (one fsync), and only after it commits
does each kiosk get a receipt for its records. A message that is not JSON, breaks the schema
or is too large is logged and dropped: it never reaches the store and never stops the loop.
A store that cannot write (a full disk) sends no receipts: the kiosks keep their records and
send them again, and `/api/health` says what is wrong.

Offline: the broker publishes a kiosk's will ("offline") 1.5 keepalives after it last heard
from it. A site that still looks online but has said nothing for two heartbeats and a
keepalive and a half (a will lost with a broker restart) is marked offline here.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fleet.config import ServerConfig
from fleet.link import (
    Acked,
    Connected,
    ConnectFailed,
    Disconnected,
    Link,
    LinkEvent,
    Received,
    Subscribed,
    Will,
)
from fleet.payloads import RECORD_TYPES, Message, decode, encode, receipt_body
from fleet.server.store import Store, StoreError
from fleet.topics import CENTRE_STATUS, KIOSK_WRITES, ROOT, BadMessage, Kind, parse_topic, topic

log = logging.getLogger(__name__)

LOG_BAD_FIRST = 5  # per site: the first few bad messages are logged, then every hundredth


@dataclass
class ServerHealth:
    """What the operator should know about the centre itself (`GET /api/health`). Written by
    the ingest loop, read by the HTTP threads."""

    broker_connected: bool = False
    broker_problem: str = ""
    store_problem: str = ""
    stored: int = 0
    dropped: int = 0
    dropped_by_site: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            problems = [p for p in (self.broker_problem, self.store_problem) if p]
            return {
                "ok": not problems,
                "problems": problems,
                "broker_connected": self.broker_connected,
                "messages_stored": self.stored,
                "messages_dropped": self.dropped,
                "dropped_by_site": dict(self.dropped_by_site),
            }

    def count_dropped(self, site: str) -> int:
        """One more bad message from `site`; how many so far."""
        with self._lock:
            self.dropped += 1
            n = self.dropped_by_site[site] = self.dropped_by_site.get(site, 0) + 1
            return n

    def store_failed(self, text: str) -> bool:
        """True when the store was fine until now."""
        with self._lock:
            first = not self.store_problem
            self.store_problem = f"store cannot write: {text}"
            return first

    def store_wrote(self, n: int) -> bool:
        """True when the store had been failing."""
        with self._lock:
            self.stored += n
            was, self.store_problem = bool(self.store_problem), ""
            return was

    def broker_up(self) -> None:
        with self._lock:
            self.broker_connected, self.broker_problem = True, ""

    def broker_down(self, text: str) -> bool:
        """True when this is news (it was connected, or no reason was known)."""
        with self._lock:
            first = self.broker_connected or not self.broker_problem
            self.broker_connected = False
            self.broker_problem = f"broker unreachable: {text}"
            return first


class Ingest:
    def __init__(
        self,
        config: ServerConfig,
        store: Store,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_stored: Callable[[list[tuple[str, Message]]], None] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.health = ServerHealth()
        self._clock = clock
        self._wall = wall
        self._on_stored = on_stored
        # Called (in the ingest thread) on every connect: the publisher sends the content
        # bundles again in case the broker lost its retained copies.
        self.on_connected: Callable[[], None] | None = None
        self.inbox: queue.Queue[LinkEvent | None] = queue.Queue()
        self._conn = secrets.randbelow(2**30)  # new on every connect: agents resend then
        self.subscribed = threading.Event()  # set once the broker confirmed the subscriptions
        subscriptions = tuple(f"{ROOT}/+/{k.value}" for k in KIOSK_WRITES)
        self.link = Link(
            config.broker,
            "maeum-centre",
            self.inbox.put,
            will=Will(CENTRE_STATUS, encode({"state": "offline", "conn": 0})),
            subscriptions=subscriptions,
            session_expiry_s=30 * 24 * 3600,
        )

    def wake(self) -> None:
        self.inbox.put(None)

    def run(self, stop: threading.Event) -> None:
        settings = self.config.server
        self.link.start()
        batch: list[tuple[str, Message]] = []
        batch_since = 0.0
        next_check = self._clock()
        try:
            while not stop.is_set():
                now = self._clock()
                wait = min(next_check - now, settings.check_s)
                if batch:
                    wait = min(wait, batch_since + settings.batch_s - now)
                try:
                    event = self.inbox.get(timeout=max(0.0, wait))
                except queue.Empty:
                    event = None
                if isinstance(event, Received):
                    found = self._decode(event)
                    if found is not None:
                        if not batch:
                            batch_since = self._clock()
                        batch.append(found)
                elif event is not None:
                    self._link_event(event)
                now = self._clock()
                if batch and (now - batch_since >= settings.batch_s or self.inbox.empty()):
                    self._flush(batch)
                    batch = []
                if now >= next_check:
                    next_check = now + settings.check_s
                    self._mark_stale()
        finally:
            if batch:
                self._flush(batch)
            self.link.stop()

    # --- messages ---------------------------------------------------------------------------

    def _decode(self, event: Received) -> tuple[str, Message] | None:
        if event.topic == CENTRE_STATUS:
            return None
        site = event.topic.split("/")[2] if event.topic.count("/") >= 2 else "?"
        try:
            site, kind = parse_topic(event.topic)
            if kind is Kind.RECEIPT:
                return None
            return site, decode(kind, event.payload)
        except BadMessage as exc:
            self._dropped(site, event.topic, len(event.payload), str(exc))
            return None
        except Exception as exc:  # whatever the bytes, the centre keeps running
            log.exception("unexpected failure reading a message on %s", event.topic[:100])
            self._dropped(site, event.topic, len(event.payload), repr(exc))
            return None

    def _dropped(self, site: str, where: str, size: int, why: str) -> None:
        n = self.health.count_dropped(site)
        if n <= LOG_BAD_FIRST or n % 100 == 0:
            log.warning(
                "dropped a bad message from %s on %s (%d bytes): %s [%d from this site]",
                site,
                where[:100],
                size,
                why,
                n,
            )

    def _flush(self, batch: list[tuple[str, Message]]) -> None:
        now = self._wall().isoformat(timespec="seconds")
        try:
            self.store.write(batch, now)
        except StoreError as exc:
            if self.health.store_failed(str(exc)):
                log.error(
                    "THE STORE CANNOT WRITE (%s): nothing is confirmed to the kiosks, which "
                    "keep their records and send them again. Free disk space on the central "
                    "machine.",
                    exc,
                )
            return
        if self.health.store_wrote(len(batch)):
            log.info("the store writes again")
        self._confirm(batch)
        if self._on_stored is not None:
            self._on_stored(batch)

    def _confirm(self, batch: list[tuple[str, Message]]) -> None:
        seqs: dict[tuple[str, str], list[int]] = defaultdict(list)
        for site, message in batch:
            if isinstance(message, RECORD_TYPES):
                seqs[(site, message.env.epoch)].append(message.env.seq)
        for (site, epoch), numbers in seqs.items():
            self.link.publish(topic(site, Kind.RECEIPT), encode(receipt_body(epoch, numbers)))

    def _mark_stale(self) -> None:
        settings = self.config.server
        stale_s = 2 * settings.kiosk_heartbeat_s + 1.5 * self.config.broker.keepalive
        now = self._wall()
        try:
            seen = self.store.online_last_seen()
            stale = [s for s, t in seen.items() if (now - _parse(t)).total_seconds() > stale_s]
            if stale:
                self.store.mark_offline(stale, now.isoformat(timespec="seconds"))
                log.warning("no word from %s for %.0f s: shown offline", ", ".join(stale), stale_s)
        except StoreError as exc:
            log.error("cannot mark silent sites offline: %s", exc)

    # --- the connection ---------------------------------------------------------------------

    def _link_event(self, event: LinkEvent) -> None:
        if isinstance(event, Connected):
            self._conn += 1
            online = encode({"state": "online", "conn": self._conn})
            self.link.publish(CENTRE_STATUS, online, qos=1, retain=True)
            self.health.broker_up()
            resumed = "resumed" if event.session_present else "new"
            log.info("connected to the broker (session %s)", resumed)
            if self.on_connected is not None:
                self.on_connected()
        elif isinstance(event, Disconnected | ConnectFailed):
            text = event.reason if isinstance(event, Disconnected) else event.error
            if self.health.broker_down(text):
                log.error("the broker is unreachable (%s): trying again", text)
        elif isinstance(event, Subscribed):
            if event.ok:
                self.subscribed.set()
            else:
                log.error("the broker refused a subscription: check the ACL for _centre")
        elif isinstance(event, Acked) and not event.ok:
            log.error("the broker refused a receipt (%s): check the ACL for _centre", event.reason)


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)
