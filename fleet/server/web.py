"""The dashboard's HTTP server: waitress (a production WSGI server, pure Python, threads)
serving the Flask application, in a thread of the central server, bound to loopback by
default (a TLS reverse proxy in front for anyone else; docs/dashboard.md)."""

from __future__ import annotations

import threading
from typing import Any

from waitress import wasyncore
from waitress.server import TcpWSGIServer, create_server


class WebServer:
    """`start()` serves in a thread; `port` is the one bound (0 in the settings: any free)."""

    def __init__(self, app: Any, host: str, port: int, threads: int = 4) -> None:
        server = create_server(app, host=host, port=port, threads=threads, ident="maeum-fleet")
        if not isinstance(server, TcpWSGIServer):  # one host and port: one socket
            raise ValueError(f"cannot serve on {host}:{port}")
        self._server = server
        self.host = host
        bound = server.socket
        if bound is None:
            raise OSError(f"cannot serve on {host}:{port}")
        self.port = int(bound.getsockname()[1])
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.run, name="http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Close every socket from inside waitress's own loop (it is not thread-safe), then
        let the worker threads finish what they were doing."""
        server: Any = self._server  # the trigger and the socket map are waitress's own
        if self._thread is not None:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
            self._thread.join(10)
        server.task_dispatcher.shutdown()
