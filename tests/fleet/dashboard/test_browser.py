"""The dashboard in a real browser (headless Chromium through chromium-driver): staff log
in, see the sites, open one, download its monthly report and open it, upload a bad sheet
and read its row, publish a good one and watch a kiosk — a real agent on a real mosquitto —
take it; an unsigned bundle is refused and the kiosk keeps its content.

Chromium starts once for the module. Without it the module is skipped on a developer's
machine and fails on CI (CI=true), so a CI image that lost the browser cannot pass quietly.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from fleet.dashboard.accounts import PROGRAMME
from fleet.dashboard.browser import BrowserMissing, chromium_paths, open_browser
from fleet.dashboard.demo_shots import NEW_PHRASE, log_in, sample_workbooks, submit_and_wait, upload
from fleet.dashboard.sample import fill
from fleet.dashboard.staging import BUNDLED
from fleet.kiosk_checks import card_check, content_version
from fleet.server.app import Server
from fleet.server.store import Store
from fleet.topics import Kind, topic
from kiosk.cabinet.ledger import Ledger
from prescriptions.files import signature
from prescriptions.live import ContentStore
from prescriptions.loader import read_content
from tests.fleet.conftest import needs_mosquitto
from tests.fleet.support import (
    Broker,
    Fleet,
    InProcessAgent,
    StoreWatch,
    agent_toml,
    open_ledger,
    running_server,
    server_config,
    site_view,
)

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

pytestmark = needs_mosquitto

SEOUL = ZoneInfo("Asia/Seoul")
SITE = "site-01"
VISITS = 7
USER = ("seoul-programme", "programme-password-1")


@dataclass
class Centre:
    url: str
    server: Server
    watch: StoreWatch
    ledger: Ledger
    content_dir: Path
    work: Path


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def chrome(downloads: Path) -> Iterator[Chrome]:
    try:
        chromium_paths()
        import selenium  # noqa: F401  (the dev extra)
    except (BrowserMissing, ImportError) as exc:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"the dashboard's browser tests need a browser on CI: {exc}")
        pytest.skip(f"no browser here: {exc}")
    browser = open_browser(downloads)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def centre(fleet: Fleet, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Centre]:
    work = tmp_path_factory.mktemp("centre")
    broker = Broker(fleet.dir, work / "broker")
    broker.start()
    try:
        now = datetime.now(SEOUL).replace(tzinfo=None)
        ledger = open_ledger(work / "kiosk" / "ledger.sqlite3")
        ledger.count("visit_started", "", now, VISITS)
        ledger.count("help_view", "", now, 2)
        content_dir = work / "kiosk" / "content"
        shutil.copytree(BUNDLED, content_dir)
        conf = agent_toml(fleet.dir, SITE, broker, work / "kiosk", ledger.path)
        config = server_config(fleet.dir, broker, work / "fleet.sqlite3", cookie_secure=False)
        # Two more sites, from sample reports, so that there is more than one to see.
        sample = Store(config.server.store)
        bundled = read_content(BUNDLED).content
        symptoms, prescriptions = (
            [s.id for s in bundled.symptoms],
            [p.id for p in bundled.prescriptions],
        )
        today = now.date()
        fill(sample, ["site-02", "site-03"], today - timedelta(days=2), today, symptoms,
             prescriptions, content_version(bundled))  # fmt: skip
        sample.close()
        with running_server(config) as (server, watch), InProcessAgent(conf):
            server.dashboard.accounts.add(USER[0], PROGRAMME, None, USER[1], replace=True)
            assert watch.wait_for(lambda: _visits_today(server) == VISITS, 20), "the kiosk reports"
            yield Centre(f"http://127.0.0.1:{server.http.port}", server, watch, ledger,
                         content_dir, work)  # fmt: skip
    finally:
        broker.stop()


def _visits_today(server: Server) -> int:
    today = server.dashboard.now_local().date().isoformat()
    visits = server.dashboard.analytics.event_by_site("visit_started", f"{today}T00", "9999")
    return visits.get(SITE, 0)


def text(chrome: Chrome, selector: str) -> str:
    from selenium.webdriver.common.by import By

    """What the elements say, as a reader reads it: words with single spaces."""
    return " ".join(
        " ".join(e.text.split()) for e in chrome.find_elements(By.CSS_SELECTOR, selector)
    )


def test_staff_log_in_and_see_every_site_at_a_glance(chrome: Chrome, centre: Centre) -> None:
    chrome.get(centre.url + "/")
    assert "/login" in chrome.current_url, "a stranger is asked to log in"
    log_in(chrome, centre.url, *USER)
    assert chrome.current_url.rstrip("/") == centre.url
    card = text(chrome, f"#site-{SITE}")
    assert "연결됨" in card and f"{VISITS} 오늘 방문" in card
    assert "재고" in card and "사탕" in card, "the slots by item name"
    assert text(chrome, "#site-site-02") and "끊김" in text(chrome, "#site-site-03")


def test_a_site_page_draws_its_figures(chrome: Chrome, centre: Centre) -> None:
    from selenium.webdriver.common.by import By

    chrome.find_element(By.LINK_TEXT, SITE).click()
    assert chrome.find_element(By.TAG_NAME, "h1").text.startswith(SITE)
    tiles = text(chrome, ".totals .tile")
    assert f"{VISITS} 방문" in tiles and "2 도움 화면" in tiles
    charts = chrome.find_elements(By.CSS_SELECTOR, "svg.chart.wide")
    assert len(charts) == 6 and all(c.is_displayed() for c in charts)


def test_the_monthly_report_downloads_and_opens(
    chrome: Chrome, centre: Centre, downloads: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    chrome.get(centre.url + "/reports")
    chrome.find_element(By.CSS_SELECTOR, "form.report-form button").click()  # this month, all
    month = centre.server.dashboard.now_local().strftime("%Y-%m")
    target = downloads / f"maeum-{month}-all.xlsx"
    WebDriverWait(chrome, 20, poll_frequency=0.1).until(lambda _: target.exists())
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["요약", SITE, "site-02", "site-03"]
    total = next(r for r in book[SITE].iter_rows(values_only=True) if r[0] == "합계")
    assert (total[1], total[3]) == (VISITS, 2), "visits and help screen views of the month"
    assert book["요약"]._charts and book[SITE]._charts, "native Excel charts"


def test_a_bad_sheet_shows_its_row_and_goes_nowhere(chrome: Chrome, centre: Centre) -> None:
    bad, _ = sample_workbooks(centre.work)
    upload(chrome, centre.url, bad)
    problems = text(chrome, "table.problems tbody")
    assert "처방 4 없는 분류입니다: 'no-such-category'" in problems, "sheet, row, what to do"
    assert "처방 6 빠진 항목이 있습니다: 'medicine'" in problems
    assert "고친 뒤 다시 올려 주세요" in text(chrome, "main")
    assert not text(chrome, "form.publish")


def test_a_good_sheet_published_reaches_the_kiosk(chrome: Chrome, centre: Centre) -> None:
    from selenium.webdriver.common.by import By

    _, good = sample_workbooks(centre.work)
    upload(chrome, centre.url, good)
    assert "문제가 없습니다" in text(chrome, "main")
    version = chrome.find_element(By.CSS_SELECTOR, ".pass code.version").text
    chrome.find_element(By.CSS_SELECTOR, f"input[name=site][value={SITE}]").click()
    submit_and_wait(chrome, "button[value=chosen]", "published=")
    assert "게시 #1: 보냈습니다" in text(chrome, ".message")

    def delivered() -> bool:
        view = site_view(centre.server, SITE) or {}
        return (view.get("delivery") or {}).get("state") == "accepted"

    assert centre.watch.wait_for(delivered, 30), "the kiosk's agent takes it and says so"
    chrome.get(centre.url + "/content")
    assert "게시 #1 받음" in text(chrome, f"#content-{SITE}")
    assert "게시" not in text(chrome, "#content-site-02"), "site-02 was not chosen"

    # The running kiosk takes the new folder as it does any change (prescriptions.live),
    # after its own full check, and its ledger notes the version it now serves.
    store = ContentStore(centre.content_dir, fits_for=card_check())
    assert store.start().accepted
    content = store.content
    assert content is not None
    assert NEW_PHRASE in [p.phrase.get("ko") for p in content.prescriptions]
    assert content_version(content) == version, "the version the dashboard showed"
    centre.ledger.set_content_version(version)

    def serving() -> bool:
        return (site_view(centre.server, SITE) or {}).get("content_version") == version

    assert centre.watch.wait_for(serving, 30)
    chrome.get(centre.url + "/")
    assert f"제공 중 {version} 게시 #1 적용됨" in text(chrome, f"#site-{SITE} .content-state")


def test_an_unsigned_bundle_is_refused_and_the_kiosk_keeps_its_content(
    chrome: Chrome, centre: Centre
) -> None:
    before = signature(centre.content_dir)
    sent = centre.server.ingest.link.publish(
        topic(SITE, Kind.BUNDLE), b"<content>trust me</content>", qos=1, retain=True
    )
    assert sent is not None

    def refused() -> bool:
        view = site_view(centre.server, SITE) or {}
        return (view.get("delivery") or {}).get("state") == "refused"

    assert centre.watch.wait_for(refused, 30)
    chrome.get(centre.url + "/")
    state = text(chrome, f"#site-{SITE}")
    assert "받은 내용 거부됨" in state and "서명된 내용 묶음이 아닙니다" in state
    assert signature(centre.content_dir) == before, "the last good content keeps serving"
