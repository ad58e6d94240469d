"""A dashboard with made-up kiosks, for `python main.py demo --dashboard DIR`: every page
in a real headless browser, at a phone's width and a desktop's, as PNGs to look at.

No broker here: the store is filled with sample reports (`fleet.dashboard.sample`), and what
the kiosks' agents would answer to a publication is written into the store as they would
send it (the real round trip is tested in tests/dashboard/test_browser.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fleet.bundle import make_signing_key
from fleet.config import ServerSettings
from fleet.dashboard.accounts import PROGRAMME, SITE, Accounts
from fleet.dashboard.db import DashboardDb
from fleet.dashboard.records import Records
from fleet.dashboard.sample import EPOCH, fill
from fleet.dashboard.staging import BUNDLED, ContentStager
from fleet.dashboard.web import Dashboard, create_app
from fleet.kiosk_checks import card_check, content_version
from fleet.payloads import ContentVersion, Delivery, Envelope, Message
from fleet.server.publish import Publisher
from fleet.server.queries import Analytics
from fleet.server.store import Store, StoreReader
from fleet.server.web import WebServer
from prescriptions.checks import FitCheckFor
from prescriptions.loader import read_content

log = logging.getLogger(__name__)

DISTRICTS = ("gangnam", "gwanak", "mapo", "nowon", "jongno", "songpa", "eunpyeong", "seongdong")
PROGRAMME_USER = ("programme", "maeum-programme-2026")
SITE_USER = ("gwanak-staff", "gwanak-staff-2026")


@dataclass
class Showcase:
    url: str
    store: Store
    dashboard: Dashboard
    web: WebServer
    db: DashboardDb

    def answer(self, site: str, publication: int, accepted: bool, reason: str = "",
               issues: tuple[str, ...] = ()) -> None:  # fmt: skip
        """What a kiosk's agent reports after a publication (and, taken, the version the
        kiosk then serves)."""
        version = self.dashboard.records.latest_per_site()[site].version
        env = Envelope(EPOCH, 2 * 10**9 + publication)
        state = "accepted" if accepted else "refused"
        code = "accepted" if accepted else "content-check"
        messages: list[tuple[str, Message]] = [
            (site, Delivery(env, publication, version, state, code, reason, issues)),
        ]
        if accepted:
            messages.append((site, ContentVersion(Envelope(EPOCH, env.seq + 1), version)))
        self.store.write(messages, self.dashboard.wall().isoformat(timespec="seconds"))


@contextmanager
def showcase(
    work: Path,
    sites: tuple[str, ...] = DISTRICTS,
    days: int = 90,
    fits_for: FitCheckFor | None = None,
    wall: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Iterator[Showcase]:
    """A dashboard on a free loopback port over a store of sample reports."""
    settings = replace(
        ServerSettings(store=work / "fleet.sqlite3", http_port=0, cookie_secure=False),
        signing_key=work / "content-signing.key",
    ).resolved()
    make_signing_key(settings.signing_key, work / "content-signing.pub")
    store = Store(settings.store)
    content = read_content(BUNDLED).content
    today = wall().date()
    fill(
        store,
        sites,
        today - timedelta(days=days - 1),
        today,
        [s.id for s in content.symptoms],
        [p.id for p in content.prescriptions],
        content_version(content),
        wall(),
    )
    db = DashboardDb(settings.accounts)
    accounts = Accounts(db, wall, timedelta(minutes=settings.session_minutes))
    accounts.add(PROGRAMME_USER[0], PROGRAMME, None, PROGRAMME_USER[1], replace=True)
    accounts.add(SITE_USER[0], SITE, "gwanak", SITE_USER[1], replace=True)
    records = Records(db)
    publisher = Publisher(
        settings.signing_key, records, lambda _topic, _payload: True, settings.content_dir, wall
    )
    dashboard = Dashboard(
        settings=settings,
        accounts=accounts,
        records=records,
        reader=StoreReader(settings.store),
        analytics=Analytics(settings.store),
        stager=ContentStager(settings.content_dir, fits_for or card_check(), content_version),
        publisher=publisher,
        health=lambda: {"ok": True, "problems": []},
        wall=wall,
    )
    web = WebServer(create_app(dashboard), "127.0.0.1", 0, settings.http_threads)
    web.start()
    try:
        yield Showcase(f"http://127.0.0.1:{web.port}", store, dashboard, web, db)
    finally:
        web.stop()
        store.close()
        db.close()
