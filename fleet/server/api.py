"""The HTTP layer: JSON for people and programs, from the store and the server's health.

    GET /api/sites    one object per site: site, online, first_seen, last_seen, visits
                      (all-time), open_alerts, stock (per slot), content_version, agent
                      (its last heartbeat: uptime, records waiting, problem codes)
    GET /api/health   the centre itself: broker connection, store, bad messages (503 when
                      something is wrong, so a monitor can watch it)

stdlib `http.server`, threaded, bound to loopback by default (put a TLS reverse proxy in
front for anything else). It knows the store only through `SitesSource` and the health only
through a callable: the later web dashboard can take its place without touching the rest.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

log = logging.getLogger(__name__)


class SitesSource(Protocol):
    def sites(self) -> list[dict[str, Any]]: ...


class Api:
    def __init__(self, sites: SitesSource, health: Callable[[], dict[str, Any]]) -> None:
        self.sites = sites
        self.health = health

    def answer(self, path: str) -> tuple[HTTPStatus, Any]:
        route = path.split("?", 1)[0].rstrip("/")
        if route == "/api/sites":
            return HTTPStatus.OK, self.sites.sites()
        if route == "/api/health":
            health = self.health()
            ok = bool(health.get("ok"))
            return (HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE), health
        return HTTPStatus.NOT_FOUND, {"error": "not found", "paths": ["/api/sites", "/api/health"]}


class HttpServer:
    """`start()` serves in a thread; `port` is the one bound (0 in the settings: any free)."""

    def __init__(self, api: Api, host: str, port: int) -> None:
        handler = _handler(api)
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self.host, self.port = host, int(self._server.server_address[1])
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="http")
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(api: Api) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "maeum-fleet/1"

        def do_GET(self) -> None:
            try:
                status, body = api.answer(self.path)
            except Exception:  # a broken store must give a clear 500, not a dead thread
                log.exception("GET %s failed", self.path[:200])
                status, body = HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal error"}
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("http: " + format, *args)

    return Handler
