"""Uploaded content and publications, as the dashboard keeps them.

An upload is checked once, when it arrives; its result (the problems, or the clean files
and their version) is kept under a random id, so the page that shows it can be opened again
and the files published later without checking twice. Only a clean upload has files.
A publication is one clean upload sent to some sites; the newest publication for a site is
what that site should serve, and what the centre sends again after a broker restart.
"""

from __future__ import annotations

import json
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fleet.dashboard.db import DashboardDb


@dataclass(frozen=True)
class Problem:
    """One problem found in an upload, as staff see it: where (sheet or file, row) and
    what to do."""

    where: str  # the sheet, or the content file, or the uploaded file's name
    row: int
    message: str  # Korean
    code: str


@dataclass(frozen=True)
class Upload:
    id: str
    user: str
    scope: str | None  # the site of a site's staff who uploaded it; None: the programme
    filename: str
    created: str
    ok: bool
    version: str
    summary: dict[str, int]  # categories, symptoms, prescriptions
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Publication:
    id: int
    version: str
    issued: str
    user: str
    sites: tuple[str, ...]


def pack(files: Mapping[str, bytes]) -> bytes:
    body = {name: data.decode("utf-8") for name, data in sorted(files.items())}
    return zlib.compress(json.dumps(body, ensure_ascii=False).encode("utf-8"))


def unpack(blob: bytes) -> dict[str, bytes]:
    body: dict[str, str] = json.loads(zlib.decompress(blob).decode("utf-8"))
    return {name: text.encode("utf-8") for name, text in body.items()}


class Records:
    def __init__(self, db: DashboardDb) -> None:
        self._db = db

    def add_upload(
        self,
        user: str,
        scope: str | None,
        filename: str,
        now: datetime,
        version: str,
        summary: dict[str, int],
        problems: tuple[Problem, ...],
        files: Mapping[str, bytes] | None,
    ) -> str:
        upload_id = secrets.token_urlsafe(12)
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO uploads (id, user, scope, filename, created, ok, version, summary, "
                "problems, files) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    upload_id,
                    user,
                    scope,
                    filename[:200],
                    now.isoformat(timespec="seconds"),
                    int(files is not None and not problems),
                    version,
                    json.dumps(summary),
                    json.dumps([vars(p) for p in problems], ensure_ascii=False),
                    None if files is None else pack(files),
                ),
            )
        return upload_id

    def upload(self, upload_id: str) -> Upload | None:
        with self._db.transaction() as db:
            row = db.execute(
                "SELECT id, user, scope, filename, created, ok, version, summary, problems "
                "FROM uploads WHERE id = ?",
                (upload_id,),
            ).fetchone()
        return None if row is None else _upload(row)

    def uploads(self, scope: str | None, limit: int = 20) -> list[Upload]:
        """The latest uploads (of one site's staff, or with scope None all of them)."""
        query = (
            "SELECT id, user, scope, filename, created, ok, version, summary, problems "
            "FROM uploads {} ORDER BY created DESC, rowid DESC LIMIT ?"
        )
        with self._db.transaction() as db:
            if scope is None:
                rows = db.execute(query.format(""), (limit,)).fetchall()
            else:
                rows = db.execute(query.format("WHERE scope = ?"), (scope, limit)).fetchall()
        return [_upload(r) for r in rows]

    def upload_files(self, upload_id: str) -> dict[str, bytes] | None:
        with self._db.transaction() as db:
            row = db.execute(
                "SELECT files FROM uploads WHERE id = ? AND ok = 1", (upload_id,)
            ).fetchone()
        return None if row is None or row[0] is None else unpack(row[0])

    # --- publications -----------------------------------------------------------------------

    def add_publication(
        self, upload_id: str, version: str, issued: datetime, user: str, sites: list[str]
    ) -> int:
        """A new publication of a clean upload to `sites`; its number (always growing)."""
        with self._db.transaction() as db:
            row = db.execute(
                "SELECT files FROM uploads WHERE id = ? AND ok = 1", (upload_id,)
            ).fetchone()
            if row is None or row[0] is None:
                raise ValueError(f"upload {upload_id} has no clean files")
            cursor = db.execute(
                "INSERT INTO publications (upload, version, issued, user, files) "
                "VALUES (?, ?, ?, ?, ?)",
                (upload_id, version, issued.isoformat(timespec="seconds"), user, row[0]),
            )
            number = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT INTO published_to (publication, site) VALUES (?, ?)",
                [(number, s) for s in sites],
            )
        return number

    def publication_files(self, number: int) -> dict[str, bytes]:
        with self._db.transaction() as db:
            row = db.execute("SELECT files FROM publications WHERE id = ?", (number,)).fetchone()
        if row is None:
            raise KeyError(number)
        return unpack(row[0])

    def latest_per_site(self) -> dict[str, Publication]:
        """site → the newest publication sent to it."""
        with self._db.transaction() as db:
            rows = db.execute(
                "SELECT t.site, p.id, p.version, p.issued, p.user FROM published_to t "
                "JOIN publications p ON p.id = t.publication "
                "WHERE t.publication = (SELECT MAX(publication) FROM published_to "
                "WHERE site = t.site)"
            ).fetchall()
        return {
            str(s): Publication(int(i), str(v), str(at), str(u), (str(s),))
            for s, i, v, at, u in rows
        }

    def publications(self, limit: int = 20) -> list[Publication]:
        with self._db.transaction() as db:
            rows = db.execute(
                "SELECT id, version, issued, user FROM publications ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
            sites = {
                n: tuple(
                    str(s)
                    for (s,) in db.execute(
                        "SELECT site FROM published_to WHERE publication = ? ORDER BY site",
                        (n,),
                    )
                )
                for n, *_ in rows
            }
        return [Publication(int(n), str(v), str(at), str(u), sites[n]) for n, v, at, u in rows]

    def latest(self) -> Publication | None:
        found = self.publications(1)
        return found[0] if found else None


def _upload(row: tuple[Any, ...]) -> Upload:
    problems = tuple(Problem(**p) for p in json.loads(row[8]))
    return Upload(
        str(row[0]),
        str(row[1]),
        row[2],
        str(row[3]),
        str(row[4]),
        bool(row[5]),
        str(row[6]),
        dict(json.loads(row[7])),
        problems,
    )
