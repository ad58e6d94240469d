"""The central server put together: the store, the MQTT ingest loop, the publisher of
content, and the web dashboard (with its JSON API) served by waitress."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from fleet.config import ServerConfig
from fleet.dashboard.accounts import Accounts
from fleet.dashboard.db import DashboardDb
from fleet.dashboard.records import Records
from fleet.dashboard.staging import ContentStager
from fleet.dashboard.web import Dashboard, create_app
from fleet.kiosk_checks import card_check, content_version
from fleet.payloads import Message
from fleet.server.ingest import Ingest
from fleet.server.publish import Publisher
from fleet.server.queries import Analytics
from fleet.server.store import Store, StoreReader
from fleet.server.web import WebServer
from prescriptions.checks import FitCheckFor
from prescriptions.model import Content

log = logging.getLogger(__name__)


@dataclass
class Server:
    config: ServerConfig
    store: Store
    reader: StoreReader
    ingest: Ingest
    dashboard: Dashboard
    http: WebServer
    db: DashboardDb
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @classmethod
    def build(
        cls,
        config: ServerConfig,
        *,
        on_stored: Callable[[list[tuple[str, Message]]], None] | None = None,
        fits_for: FitCheckFor | None = None,
        version_of: Callable[[Content], str] = content_version,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> Server:
        """`fits_for`: the card check for uploads (default: the kiosk's own)."""
        settings = config.server.resolved()
        config = replace(config, server=settings)
        cap = settings.max_store_mb
        store = Store(settings.store, max_pages=int(cap * 1024 * 1024 / 4096) if cap else 0)
        reader = StoreReader(settings.store)
        ingest = Ingest(config, store, on_stored=on_stored, wall=wall)
        db = DashboardDb(settings.accounts)
        records = Records(db)
        publisher = None
        if settings.signing_key.exists():
            publisher = Publisher(
                settings.signing_key,
                records,
                lambda name, payload: (
                    ingest.link.publish(name, payload, qos=1, retain=True) is not None
                ),
                settings.content_dir,
                wall,
            )
            ingest.on_connected = publisher.republish
        else:
            log.warning(
                "no content signing key %s: content cannot be published (fleet-server init "
                "makes one)",
                settings.signing_key,
            )
        dashboard = Dashboard(
            settings=settings,
            accounts=Accounts(db, wall, timedelta(minutes=settings.session_minutes)),
            records=records,
            reader=reader,
            analytics=Analytics(settings.store),
            stager=ContentStager(settings.content_dir, fits_for or card_check(), version_of),
            publisher=publisher,
            health=ingest.health.snapshot,
            wall=wall,
        )
        app = create_app(dashboard)
        http = WebServer(app, settings.http_host, settings.http_port, settings.http_threads)
        return cls(config, store, reader, ingest, dashboard, http, db)

    def start(self) -> None:
        """The dashboard and the ingest loop, each in a thread."""
        self.http.start()
        self._thread = threading.Thread(target=self.ingest.run, args=(self._stop,), name="ingest")
        self._thread.start()
        log.info(
            "fleet server: store %s, dashboard http://%s:%d/, broker %s:%d",
            self.config.server.store,
            self.http.host,
            self.http.port,
            self.config.broker.host,
            self.config.broker.port,
        )

    def stop(self) -> None:
        self._stop.set()
        self.ingest.wake()
        if self._thread is not None:
            self._thread.join(10)
        self.http.stop()
        self.store.close()
        self.db.close()
