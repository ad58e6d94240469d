"""The dashboard part of `python main.py bench --fleet N`: a year of hourly counts for N
sites in a central store, a real `fleet-server` process serving it (connected to the
bench's broker), and the time to render its pages over HTTP as a logged-in user, with the
server's memory (RSS) after all of them.

Targets (issue #19): the overview for 25 sites with a year of hourly data in <= 300 ms, the
server's RSS under 150 MB.
"""

from __future__ import annotations

import http.cookiejar
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from fleet.bench_parts import free_port, rss_kb
from fleet.credentials import FleetDir
from fleet.dashboard.sample import fill
from fleet.dashboard.staging import BUNDLED
from fleet.server.store import Store
from prescriptions.csvio import entries_in, entries_to_csv
from prescriptions.loader import read_content

ROOT = Path(__file__).resolve().parents[1]
OVERVIEW_TARGET_MS = 300.0
RSS_TARGET_MB = 150.0
ROUNDS = 20
USER, PASSWORD = "bench", "bench-password-2026"


def _server_toml(fleet: FleetDir, store: Path, broker_port: int, http_port: int) -> Path:
    """The centre's server.toml (its broker login and certificates), pointed at the bench's
    broker, store and a free port; beside it, so its relative paths still hold."""
    text = (fleet.centre / "server.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^port = \d+$", f"port = {broker_port}", text)
    text = re.sub(r'(?m)^store = ".*"$', f'store = "{store}"', text)
    text = re.sub(r"(?m)^http_port = \d+$", f"http_port = {http_port}", text)
    text += "cookie_secure = false\n"
    path = fleet.centre / "bench-server.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    tick = threading.Event()
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError("fleet-server ended at start")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        tick.wait(0.1)
    raise RuntimeError("fleet-server did not listen")


class Browser:
    """Cookies and the login form, as a browser does them (urllib)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[float, bytes]:
        start = time.perf_counter()
        with self.opener.open(self.base + path, timeout=60) as answer:
            body = answer.read()
        return (time.perf_counter() - start) * 1000, body

    def upload(self, name: str, data: bytes) -> float:
        """Post a content file through the upload form (multipart, as a browser does);
        the time to the result page, in ms."""
        _, page = self.get("/content")
        token = re.search(rb'name="csrf" value="([^"]+)"', page)
        assert token is not None
        boundary = "maeumbench" + str(time.monotonic_ns())
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
                f"{token[1].decode()}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f'name="file"; filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            self.base + "/content/upload",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        start = time.perf_counter()
        with self.opener.open(request, timeout=120) as answer:
            answer.read()
            if "/content/uploads/" not in answer.geturl():
                raise RuntimeError("the bench's upload was not taken")
        return (time.perf_counter() - start) * 1000

    def log_in(self) -> None:
        _, page = self.get("/login")
        token = re.search(rb'name="login_token" value="([^"]+)"', page)
        assert token is not None
        form = urllib.parse.urlencode(
            {"name": USER, "password": PASSWORD, "login_token": token[1].decode()}
        ).encode()
        with self.opener.open(self.base + "/login", data=form, timeout=60) as answer:
            if "/login" in answer.geturl():
                raise RuntimeError("the bench user could not log in")


def _times(browser: Browser, path: str, rounds: int = ROUNDS) -> tuple[float, float, int]:
    """(median ms, max ms, bytes) over `rounds` requests, after two to warm up."""
    for _ in range(2):
        browser.get(path)
    samples = []
    size = 0
    for _ in range(rounds):
        ms, body = browser.get(path)
        samples.append(ms)
        size = len(body)
    return statistics.median(samples), max(samples), size


def dashboard_bench(
    fleet: FleetDir, broker_port: int, work: Path, sites: int, days: int = 365
) -> Iterator[str]:
    work.mkdir(parents=True, exist_ok=True)
    store_path = work / "fleet.sqlite3"
    content = read_content(BUNDLED).content
    names = [f"site-{n:02d}" for n in range(1, sites + 1)]
    today = date.today()
    start = time.monotonic()
    store = Store(store_path)
    rows = fill(store, names, today - timedelta(days=days - 1), today,
                [s.id for s in content.symptoms], [p.id for p in content.prescriptions],
                "bench0001")  # fmt: skip
    store.close()
    size_mb = store_path.stat().st_size / 1e6
    yield (
        f"dashboard: {sites} sites x {days} days of hourly counts: {rows} counter rows, "
        f"store {size_mb:.0f} MB, made in {time.monotonic() - start:.0f} s"
    )
    port = free_port()
    config = _server_toml(fleet, store_path, broker_port, port)
    main = [sys.executable, str(ROOT / "main.py"), "fleet-server", "--server-config", str(config)]
    subprocess.run(
        [*main, "add-user", USER, "--role", "programme", "--password-stdin", "--replace"],
        input=PASSWORD.encode(),
        check=True,
        capture_output=True,
    )
    with open(work / "fleet-server.log", "wb") as log:
        server = subprocess.Popen(main, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            _wait_for_port(port, server)
            yield from _measure(Browser(f"http://127.0.0.1:{port}"), server.pid, today)
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()


def _measure(browser: Browser, pid: int, today: date) -> Iterator[str]:
    browser.log_in()
    overview = _times(browser, "/")
    verdict = "ok" if overview[0] <= OVERVIEW_TARGET_MS else "OVER"
    yield (
        f"  overview page: median {overview[0]:.0f} ms, max {overview[1]:.0f} ms "
        f"({overview[2] // 1024} KiB; {ROUNDS} requests)   target <= "
        f"{OVERVIEW_TARGET_MS:g} ms: {verdict}"
    )
    month = today.replace(day=1)
    year_ago = (today - timedelta(days=364)).isoformat()
    for label, path, rounds in (
        ("site page, 30 days", "/sites/site-01", 10),
        ("site page, a year", f"/sites/site-01?from={year_ago}&to={today.isoformat()}", 5),
        ("monthly report, all sites (.xlsx)", f"/reports/{month:%Y-%m}.xlsx", 3),
    ):
        median, worst, size = _times(browser, path, rounds)
        yield f"  {label}: median {median:.0f} ms, max {worst:.0f} ms ({size // 1024} KiB)"
    csv = entries_to_csv(entries_in(BUNDLED))
    checks = [browser.upload("prescriptions.csv", csv) for _ in range(3)]
    yield (
        f"  upload and check the bundled prescriptions (CSV, {len(csv) // 1024} KiB, the card "
        f"check included): first {checks[0]:.0f} ms, then {statistics.median(checks[1:]):.0f} ms"
    )
    rss, peak = rss_kb(pid)
    verdict = "ok" if peak / 1024 < RSS_TARGET_MB else "OVER"
    yield (
        f"  fleet-server RSS after these: {rss / 1024:.0f} MB, peak (VmHWM) {peak / 1024:.0f} MB"
        f"   target < {RSS_TARGET_MB:g} MB: {verdict}"
    )
