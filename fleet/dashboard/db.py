"""The dashboard's own SQLite file (`dashboard.sqlite3`, beside the central store): staff
accounts and their sessions, uploaded content and what was published where.

Kept apart from the store, which holds only what the kiosks report and has one writer (the
ingest thread). Here the web threads write (a login, a session touched, an upload): one
connection behind a lock, WAL, `synchronous=FULL` (a publication must not be forgotten).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, site TEXT, hash TEXT NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0, first_failure TEXT, locked_until TEXT,
        created TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS sessions (
        token TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL,
        created TEXT NOT NULL, seen TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS uploads (
        id TEXT PRIMARY KEY, user TEXT NOT NULL, scope TEXT, filename TEXT NOT NULL,
        created TEXT NOT NULL, ok INTEGER NOT NULL, version TEXT NOT NULL,
        summary TEXT NOT NULL, problems TEXT NOT NULL, files BLOB)""",
    """CREATE TABLE IF NOT EXISTS publications (
        id INTEGER PRIMARY KEY AUTOINCREMENT, upload TEXT NOT NULL, version TEXT NOT NULL,
        issued TEXT NOT NULL, user TEXT NOT NULL, files BLOB NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS published_to (
        publication INTEGER NOT NULL, site TEXT NOT NULL, PRIMARY KEY (site, publication))""",
)


class DashboardDb:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            for statement in _SCHEMA:
                self._db.execute(statement)
        path.chmod(0o600)  # password hashes live here

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection, alone, inside one transaction (rolled back on an exception)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()
