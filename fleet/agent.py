"""The fleet agent: on each kiosk, its own process (`python main.py fleet-agent`), reading the
ledger read-only and reporting to the centre over MQTT.

One loop owns everything; the MQTT thread only puts events into its inbox. Each pass:

  1. every `poll_s`, ask the ledger whether anything was committed (`PRAGMA data_version`);
     `batch_s` after a change, scan it and queue what differs into the outbox (one cursor
     transaction);
  2. publish outbox records not yet handed to the broker on this connection (QoS 1), and
     again those the centre has not confirmed within `receipt_timeout_s` while it is up;
  3. receipts from the centre delete records from the outbox; content the centre published
     is checked and taken, or refused (`fleet.delivery`), and the answer queued;
  4. heartbeat, certificate check, and the status file the kiosk shows staff.

Nothing leaves the outbox before the centre has stored it, so a broker outage, a network cut,
a reboot or a SIGKILL loses nothing; and because records are absolute totals keyed by site
and hour, the centre counts a record sent twice only once.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fleet.config import AgentConfig
from fleet.credentials import cert_dates
from fleet.cursor import Cursor
from fleet.delivery import ContentDelivery
from fleet.ledger_reader import LedgerReader, LedgerUnreadable
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
from fleet.payloads import decode_receipt, encode
from fleet.status import ADVICE, Health, Problem, certificate_checks, classify, write_status
from fleet.topics import CENTRE_STATUS, BadMessage, Kind, topic

if TYPE_CHECKING:
    from prescriptions.checks import FitCheckFor

log = logging.getLogger(__name__)

WINDOW = 200  # records handed to the broker and not yet confirmed, at most
STATUS_EVERY_S = 30.0
CERT_CHECK_EVERY_S = 6 * 3600.0
QUIET_LOG_S = 600.0  # the same connection failure is logged again at most this often


@dataclass(frozen=True)
class Wake:
    """Put in the inbox to end a wait at once (a stop request)."""


class Agent:
    def __init__(
        self,
        config: AgentConfig,
        ledger: Path,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        content_dir: Path | None = None,
        fits_for: FitCheckFor | None = None,
    ) -> None:
        """`content_dir`: where published content goes (default: the agent.toml's; None:
        this agent takes none); `fits_for`: the kiosk's card check for it."""
        self.config = config
        self.site = config.site
        self.settings = config.agent
        self._clock = clock
        self._wall = wall
        self.inbox: queue.Queue[LinkEvent | Wake] = queue.Queue()
        self.cursor = Cursor(config.agent.state_dir / "agent.sqlite3")
        self.reader = LedgerReader(ledger)
        self.health = Health(config.agent.unreachable_alert_s)
        self.conn = self.cursor.next_conn()
        offline = {"state": "offline", "epoch": self.cursor.epoch, "conn": self.conn}
        self.delivery = ContentDelivery.for_agent(config, content_dir, fits_for)
        self._bundle_topic = topic(self.site, Kind.BUNDLE)
        reads = (topic(self.site, Kind.RECEIPT), CENTRE_STATUS)
        self.link = Link(
            config.broker,
            f"kiosk-{self.site}",
            self.inbox.put,
            will=Will(topic(self.site, Kind.STATUS), encode(offline)),
            subscriptions=(*reads, self._bundle_topic) if self.delivery else reads,
        )
        self._started = clock()
        self._sent: dict[int, float] = {}  # seq → when handed to the broker
        self._mids: dict[int, tuple[int, Kind]] = {}  # paho mid → (seq, kind); seq 0: status
        self._centre: tuple[str, int] | None = None  # (state, conn) of the central server
        self._dirty = True  # the outbox may have something to send
        self._status_changed = True
        self._last_failure: tuple[str, float] | None = None

    def wake(self) -> None:
        self.inbox.put(Wake())

    # --- the loop ---------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> int:
        s = self.settings
        log.info(
            "fleet agent for %s: ledger %s, broker %s:%d, epoch %s, run %d, %d record(s) waiting",
            self.site,
            self.reader.path,
            self.config.broker.host,
            self.config.broker.port,
            self.cursor.epoch,
            self.conn,
            self.cursor.outbox_size(),
        )
        self.link.start()
        now = self._clock()
        next_poll, next_status, next_cert = now, now, now
        scan_at: float | None = now
        next_heartbeat: float | None = None
        try:
            while not stop.is_set():
                now = self._clock()
                due = min(next_poll, next_status, next_cert)
                if scan_at is not None:
                    due = min(due, scan_at)
                self._take_events(max(0.0, min(due - now, s.poll_s)))
                if stop.is_set():
                    break
                now = self._clock()
                if now >= next_poll:
                    next_poll = now + s.poll_s
                    if self._ledger_changed(now) and scan_at is None:
                        scan_at = now + s.batch_s
                if scan_at is not None and now >= scan_at:
                    scan_at = None
                    self._scan(now)
                self._publish_due(now)
                if self.link.connected:
                    if next_heartbeat is None or now >= next_heartbeat:
                        next_heartbeat = now + s.heartbeat_s
                        self._heartbeat(now)
                else:
                    next_heartbeat = None  # one goes out right after the next connect
                if now >= next_cert:
                    next_cert = now + CERT_CHECK_EVERY_S
                    self._check_certificate(now)
                new = self.health.tick(now)
                if new is not None:
                    self._problem_logged(new)
                if self._status_changed or now >= next_status:
                    next_status = now + STATUS_EVERY_S
                    self._write_status(now)
        finally:
            self._shut_down()
        return 0

    def _take_events(self, wait: float) -> None:
        try:
            event = self.inbox.get(timeout=wait)
        except queue.Empty:
            return
        while True:
            if not isinstance(event, Wake):
                self._handle(event, self._clock())
            try:
                event = self.inbox.get_nowait()
            except queue.Empty:
                return

    # --- ledger → outbox --------------------------------------------------------------------

    def _ledger_changed(self, now: float) -> bool:
        try:
            changed = self.reader.changed()
        except LedgerUnreadable as exc:
            self._ledger_problem(str(exc), now)
            return False
        return changed

    def _scan(self, now: float) -> None:
        try:
            changes = self.reader.scan(self.cursor)
        except LedgerUnreadable as exc:
            self._ledger_problem(str(exc), now)
            return
        if self.health.clear(Problem.LEDGER):
            log.info("the ledger can be read again")
            self._status_changed = True
        if changes:
            self.cursor.apply(changes)
            self._dirty = True
            log.debug("queued %d change(s)", len(changes))

    def _ledger_problem(self, detail: str, now: float) -> None:
        if self.health.raise_(Problem.LEDGER, detail, now):
            log.error("%s: %s", ADVICE[Problem.LEDGER], detail)
            self._status_changed = True

    # --- outbox → broker --------------------------------------------------------------------

    def _publish_due(self, now: float) -> None:
        timeout = self.settings.receipt_timeout_s
        overdue = any(now - t >= timeout for t in self._sent.values())
        if not self.link.connected or not (self._dirty or (overdue and self._centre_up())):
            return
        self._dirty = False
        rows = self.cursor.pending(WINDOW)
        waiting = {r.seq for r in rows}
        self._sent = {seq: t for seq, t in self._sent.items() if seq in waiting}
        for row in rows:
            sent = self._sent.get(row.seq)
            if sent is not None and (now - sent < timeout or not self._centre_up()):
                continue
            body = dict(row.body, epoch=self.cursor.epoch, seq=row.seq)
            mid = self.link.publish(topic(self.site, row.kind), encode(body), qos=1)
            if mid is None:
                self._dirty = True  # the connection went; all again on the next one
                return
            self._sent[row.seq] = now
            self._mids[mid] = (row.seq, row.kind)

    def _centre_up(self) -> bool:
        return self._centre is not None and self._centre[0] == "online"

    def _heartbeat(self, now: float) -> None:
        body = {
            "epoch": self.cursor.epoch,
            "conn": self.conn,
            "uptime_s": int(now - self._started),
            "outbox": self.cursor.outbox_size(),
            "problems": self.health.codes(),
        }
        self.link.publish(topic(self.site, Kind.HEARTBEAT), encode(body), qos=0)

    # --- events from the connection ---------------------------------------------------------

    def _handle(self, event: LinkEvent, now: float) -> None:
        if isinstance(event, Connected):
            self._connected(event, now)
        elif isinstance(event, Disconnected):
            self.health.on_down(now)
            self._status_changed = True
            log.warning(
                "lost the broker (%s); %d record(s) wait in the outbox, nothing is lost",
                event.reason,
                self.cursor.outbox_size(),
            )
        elif isinstance(event, ConnectFailed):
            self._connect_failed(event, now)
        elif isinstance(event, Received):
            self._received(event)
        elif isinstance(event, Acked):
            self._acked(event, now)
        elif isinstance(event, Subscribed) and not event.ok:
            self._refused("the subscription to receipts", now)

    def _connected(self, event: Connected, now: float) -> None:
        for cleared in self.health.on_connected(now):
            log.info("cleared: %s", cleared.value)
        self._status_changed = True
        self._last_failure = None
        log.info(
            "connected to %s:%d (session %s); %d record(s) to send",
            self.config.broker.host,
            self.config.broker.port,
            "resumed" if event.session_present else "new",
            self.cursor.outbox_size(),
        )
        online = {"state": "online", "epoch": self.cursor.epoch, "conn": self.conn}
        self.link.publish(topic(self.site, Kind.STATUS), encode(online), qos=1, retain=True)
        self._sent.clear()  # this connection has carried nothing yet: everything is due
        self._mids.clear()
        self._dirty = True

    def _connect_failed(self, event: ConnectFailed, now: float) -> None:
        self.health.attempts += 1
        self.health.on_down(now)
        problem = classify(event.error, event.refused)
        if problem is not None:
            if self.health.raise_(problem, event.error, now):
                self._problem_logged(problem)
            return
        last = self._last_failure
        if last is None or last[0] != event.error or now - last[1] >= QUIET_LOG_S:
            self._last_failure = (event.error, now)
            log.warning(
                "cannot reach the broker %s:%d: %s (trying again; %d record(s) kept)",
                self.config.broker.host,
                self.config.broker.port,
                event.error,
                self.cursor.outbox_size(),
            )

    def _problem_logged(self, problem: Problem) -> None:
        self._status_changed = True
        current = self.health.problems.get(problem)
        detail = "" if current is None else f" ({current.detail})"
        log.error("%s%s", ADVICE[problem], detail)

    def _received(self, event: Received) -> None:
        if event.topic == CENTRE_STATUS:
            self._centre_status(event.payload)
            return
        if event.topic == self._bundle_topic:
            if self.delivery is not None and self.delivery.receive(event.payload, self.cursor):
                self._dirty = True  # the report goes to the centre
            return
        try:
            receipt = decode_receipt(event.payload)
        except BadMessage as exc:
            log.warning("a receipt that makes no sense was dropped: %s", exc)
            return
        if receipt.epoch != self.cursor.epoch:
            return  # for an earlier state file of this kiosk: nothing here to confirm
        if self.cursor.confirm(receipt.seqs):
            self._dirty = True  # room in the window
            self._status_changed = True  # the status file tells how many wait
        for first, last in receipt.seqs:
            for seq in [s for s in self._sent if first <= s <= last]:
                del self._sent[seq]

    def _centre_status(self, payload: bytes) -> None:
        try:
            body = json.loads(payload)
            state, conn = str(body["state"]), int(body["conn"])
        except (ValueError, KeyError, TypeError):
            log.warning("the centre's status makes no sense: %r", payload[:100])
            return
        before, self._centre = self._centre, (state, conn)
        if state == "online" and before != self._centre:
            # The server (re)started: what it missed may be gone with a broker restart.
            # Resending is harmless, so everything unconfirmed goes again.
            self._sent.clear()
            self._dirty = True

    def _acked(self, event: Acked, now: float) -> None:
        seq, kind = self._mids.pop(event.mid, (0, Kind.STATUS))
        if event.ok:
            if self.health.clear(Problem.REFUSED):
                log.info("the broker takes this kiosk's records again")
                self._status_changed = True
            return
        self._refused(f"{kind.value} record {seq}: {event.reason}", now)

    def _refused(self, detail: str, now: float) -> None:
        if self.health.raise_(Problem.REFUSED, detail, now):
            self._problem_logged(Problem.REFUSED)

    # --- certificate, status, end -----------------------------------------------------------

    def _check_certificate(self, now: float) -> None:
        dates = cert_dates(self.config.broker.cert)
        if dates is None:
            log.warning("cannot read this kiosk's certificate %s", self.config.broker.cert)
            return
        checks = certificate_checks(*dates, self._wall(), self.settings.cert_warn_days)
        for problem, found, detail in checks:
            if found and self.health.raise_(problem, detail, now):
                self._problem_logged(problem)
            elif not found and problem is not Problem.CLOCK and self.health.clear(problem):
                self._status_changed = True

    def _write_status(self, now: float) -> None:
        self._status_changed = False
        data = self.health.status_json(self.site, now, self.cursor.outbox_size())
        write_status(self.settings.status_file, data)

    def _shut_down(self) -> None:
        """A clean end: "offline" said by the agent itself (the broker drops the will on a
        clean disconnect), the state closed, and no status file left to look stale."""
        try:
            if self.link.connected:
                offline = {"state": "offline", "epoch": self.cursor.epoch, "conn": self.conn}
                mid = self.link.publish(
                    topic(self.site, Kind.STATUS), encode(offline), qos=1, retain=True
                )
                self._wait_for_ack(mid, 2.0)
        finally:
            self.link.stop()
            self.reader.close()
            self.cursor.close()
            self.settings.status_file.unlink(missing_ok=True)
            log.info("fleet agent stopped")

    def _wait_for_ack(self, mid: int | None, timeout: float) -> None:
        end = self._clock() + timeout
        while mid is not None and self._clock() < end:
            try:
                event = self.inbox.get(timeout=max(0.0, end - self._clock()))
            except queue.Empty:
                return
            if isinstance(event, Acked) and event.mid == mid:
                return
