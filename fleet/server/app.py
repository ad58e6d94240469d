"""The central server put together: the store, the MQTT ingest loop and the HTTP API."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from fleet.config import ServerConfig
from fleet.payloads import Message
from fleet.server.api import Api, HttpServer
from fleet.server.ingest import Ingest
from fleet.server.store import Store, StoreReader

log = logging.getLogger(__name__)


@dataclass
class Server:
    config: ServerConfig
    store: Store
    reader: StoreReader
    ingest: Ingest
    http: HttpServer
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @classmethod
    def build(
        cls,
        config: ServerConfig,
        *,
        on_stored: Callable[[list[tuple[str, Message]]], None] | None = None,
    ) -> Server:
        cap = config.server.max_store_mb
        store = Store(config.server.store, max_pages=int(cap * 1024 * 1024 / 4096) if cap else 0)
        reader = StoreReader(config.server.store)
        ingest = Ingest(config, store, on_stored=on_stored)
        api = Api(reader, ingest.health.snapshot)
        http = HttpServer(api, config.server.http_host, config.server.http_port)
        return cls(config, store, reader, ingest, http)

    def start(self) -> None:
        """The API and the ingest loop, each in a thread."""
        self.http.start()
        self._thread = threading.Thread(target=self.ingest.run, args=(self._stop,), name="ingest")
        self._thread.start()
        log.info(
            "fleet server: store %s, API http://%s:%d/api/sites, broker %s:%d",
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
