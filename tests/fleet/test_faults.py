"""Faults against a real broker: another site's topics, bad messages at the centre, wrong
credentials, an expired certificate, a broker gone for a day, a full disk at the centre, a
kiosk clock that jumps. Each gives a clear log line and an alert someone can act on, and
loses nothing the ledger holds."""

from __future__ import annotations

import json
import logging
import queue
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

from fleet.config import BrokerSettings, load_agent_config
from fleet.link import Acked, Connected, Link, LinkEvent, tls_context
from fleet.payloads import encode
from fleet.topics import Kind, topic
from kiosk.cabinet.alerts import alerts_for
from kiosk.cabinet.fleet_status import fleet_problem
from kiosk.cabinet.stock_text import alert_line
from kiosk.ui.i18n import Texts, Translations
from tests.fleet.conftest import needs_mosquitto
from tests.fleet.support import (
    Broker,
    Fleet,
    InProcessAgent,
    agent_toml,
    ledger_counts,
    open_ledger,
    running_server,
    server_config,
)

pytestmark = needs_mosquitto

HOUR = datetime(2026, 3, 2, 14, 10)


def status(path: Path) -> dict[str, object]:
    try:
        return dict(json.loads(path.read_bytes()))
    except (FileNotFoundError, ValueError):
        return {}


def until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Polls `predicate` with a short wait, to a deadline (for what gives no signal: a file
    another thread rewrites, the server's health)."""
    tick = threading.Event()
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= end:
            return False
        tick.wait(0.05)
    return True


def wait_status(
    path: Path, predicate: Callable[[dict[str, object]], bool], timeout: float = 10.0
) -> dict[str, object]:
    """The agent rewrites its status file whenever its health changes."""
    assert until(lambda: bool(status(path)) and predicate(status(path)), timeout), status(path)
    return status(path)


def staff_text(code: str, lang: str = "ko") -> str:
    texts = Texts(Translations.load(("ko", "en")), lang)
    return alert_line(alerts_for([], None, fleet_problem=code)[0], texts, lambda item: item)


class RawKiosk:
    """A kiosk's credentials driving `fleet.link.Link` by hand (no agent, no outbox)."""

    def __init__(self, config_path: Path) -> None:
        self.config = load_agent_config(config_path)
        self.events: queue.Queue[LinkEvent] = queue.Queue()
        self.link = Link(self.config.broker, f"raw-{self.config.site}", self.events.put)

    def __enter__(self) -> RawKiosk:
        self.link.start()
        self.expect(Connected)
        return self

    def __exit__(self, *exc: object) -> None:
        self.link.stop()

    def expect(self, kind: type, timeout: float = 10.0) -> LinkEvent:
        end = time.monotonic() + timeout
        while True:
            event = self.events.get(timeout=max(0.01, end - time.monotonic()))
            if isinstance(event, kind):
                return event

    def publish(self, name: str, payload: bytes) -> Acked:
        mid = self.link.publish(name, payload, qos=1)
        assert mid is not None
        while True:
            event = self.expect(Acked)
            assert isinstance(event, Acked)
            if event.mid == mid:
                return event


def counters(hour: str, seq: int, n: int = 1) -> bytes:
    body = {"epoch": "abcdef0123456789", "seq": seq, "ledger": "feed", "hour": hour}
    return encode(body | {"counts": [["visit_started", "", n]]})


def test_a_kiosk_cannot_write_or_read_as_another_site(
    fleet: Fleet, broker: Broker, tmp_path: Path
) -> None:
    ledger = open_ledger(tmp_path / "ledger.sqlite3")
    mine = agent_toml(fleet.dir, "site-01", broker, tmp_path / "a", ledger.path)
    config = server_config(fleet.dir, broker, tmp_path / "centre.sqlite3")
    with running_server(config) as (server, watch), RawKiosk(mine) as kiosk:
        forged = kiosk.publish(topic("site-02", Kind.COUNTERS), counters("2026-03-02T14:00", 1))
        assert not forged.ok and "authori" in forged.reason.lower()
        centre = kiosk.publish("maeum/v1/_centre/status", b'{"state":"offline","conn":9}')
        assert not centre.ok, "a kiosk cannot speak for the centre"
        own = kiosk.publish(topic("site-01", Kind.COUNTERS), counters("2026-03-02T14:00", 2))
        assert own.ok
        assert watch.wait_for(lambda: server.reader.counts("site-01") != {}, 10)
        assert [s["site"] for s in server.reader.sites()] == ["site-01"]
        assert server.reader.counts("site-02") == {}, "the forged record was never stored"

        # Reading: a kiosk subscribed to everything gets only what is meant for it. Another
        # kiosk's record (and with it the centre's receipt to that kiosk) reaches the broker
        # first; the spy's own receipt comes after; by then anything forbidden would be in.
        spy = mqtt_client(kiosk.config.broker, "spy", broker.port)
        heard: queue.Queue[str] = queue.Queue()
        spy.on_message = lambda c, u, m: heard.put(m.topic)
        spy.subscribe("maeum/v1/#", qos=1)
        other = agent_toml(fleet.dir, "site-02", broker, tmp_path / "b", ledger.path)
        with RawKiosk(other) as neighbour:
            hour = "2026-03-02T15:00"
            assert neighbour.publish(topic("site-02", Kind.COUNTERS), counters(hour, 5)).ok
            assert watch.wait_for(lambda: server.reader.counts("site-02") != {}, 10)
        assert kiosk.publish(topic("site-01", Kind.COUNTERS), counters(hour, 6)).ok
        topics = []
        while "maeum/v1/site-01/receipt" not in topics:
            topics.append(heard.get(timeout=10))
        spy.disconnect()
        spy.loop_stop()
        assert set(topics) <= {"maeum/v1/site-01/receipt", "maeum/v1/_centre/status"}, topics


def mqtt_client(settings: BrokerSettings, client_id: str, port: int) -> mqtt.Client:
    """A plain paho client with a kiosk's credentials, connected and looping."""
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=client_id, protocol=MQTTProtocolVersion.MQTTv5
    )
    client.username_pw_set(settings.username, settings.password)
    client.tls_set_context(tls_context(settings))
    connected = threading.Event()
    client.on_connect = lambda c, u, f, rc, p: connected.set()
    client.connect("127.0.0.1", port)
    client.loop_start()
    assert connected.wait(10)
    return client


def test_bad_messages_are_logged_and_dropped_and_the_centre_goes_on(
    fleet: Fleet, broker: Broker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="fleet.server.ingest")
    ledger = open_ledger(tmp_path / "ledger.sqlite3")
    mine = agent_toml(fleet.dir, "site-04", broker, tmp_path / "a", ledger.path)
    bad = [
        b"not json at all",
        b"\xff\xfe\x00 not utf-8",
        b'{"epoch": "abcdef0123456789", "seq": 1}',  # counters without an hour
        counters("2026-03-02T14:30", 1),  # not on the hour
        counters("2026-03-02T14:00", -3),  # a negative count
        b"[" * 50_000 + b"]" * 50_000,  # nesting deeper than any parser's stack
        b'{"pad": "' + b"x" * 70_000 + b'"}',  # larger than the centre takes
    ]
    hour = "2026-03-02T14:00"
    config = server_config(fleet.dir, broker, tmp_path / "centre.sqlite3")
    with running_server(config) as (server, watch), RawKiosk(mine) as kiosk:
        for payload in bad:
            assert kiosk.publish(topic("site-04", Kind.COUNTERS), payload).ok
        assert kiosk.publish(topic("site-04", Kind.STOCK), b'{"slots": "none"}').ok
        assert kiosk.publish(topic("site-04", Kind.COUNTERS), counters(hour, 9, 4)).ok
        assert watch.wait_for(lambda: server.reader.counts("site-04") != {}, 10)
        health = server.ingest.health.snapshot()
        assert health["messages_dropped"] == len(bad) + 1
        assert health["dropped_by_site"] == {"site-04": len(bad) + 1}
        sites = server.reader.sites()
        assert [(s["site"], s["visits"]) for s in sites] == [("site-04", 4)]
    dropped = [r.getMessage() for r in caplog.records if "dropped a bad message" in r.getMessage()]
    assert len(dropped) == 5, "the first few are logged, then every hundredth"
    assert all("site-04" in line and "counters" in line for line in dropped)
    assert any("not JSON" in line for line in dropped)


def test_wrong_password_is_an_alert_and_the_records_wait(
    fleet: Fleet, broker: Broker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="fleet.agent")
    ledger = open_ledger(tmp_path / "ledger.sqlite3")
    ledger.count("visit_started", "", HOUR)
    good = agent_toml(fleet.dir, "site-05", broker, tmp_path / "a", ledger.path)
    wrong = good.with_name("wrong.toml")
    text = good.read_text()
    password = next(line for line in text.splitlines() if line.startswith("password ="))
    wrong.write_text(text.replace(password, 'password = "guessed"'))
    config = server_config(fleet.dir, broker, tmp_path / "centre.sqlite3")
    status_file = tmp_path / "a" / "status.json"
    with running_server(config) as (server, watch):
        with InProcessAgent(wrong):
            found = wait_status(status_file, lambda s: s["staff"] == "auth")
            assert found["connected"] is False and found["outbox"] >= 1
        assert server.reader.counts("site-05") == {}
        assert any("refused this kiosk's name, password" in r.getMessage() for r in caplog.records)
        assert "다시 등록" in staff_text("auth")  # what staff read on the kiosk

        with InProcessAgent(good) as agent:  # the technician fixed the file
            assert watch.wait_for(
                lambda: server.reader.counts("site-05") == ledger_counts(ledger), 10
            )
            assert watch.wait_for(lambda: agent.agent.cursor.outbox_size() == 0, 10)
            wait_status(status_file, lambda s: s["staff"] is None and s["connected"])


def dated_certificate(
    fleet: Fleet, name: str, out: Path, start: str, end: str, *, broker: bool = False
) -> None:
    """A certificate from the fleet's CA valid only from `start` to `end` (YYYYMMDDhhmmssZ):
    `openssl ca` can date one in the past or the future; `fleet-server` never would."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.txt").write_text("")
    (out / "serial").write_text("1000\n")
    usage = "serverAuth\nsubjectAltName = IP:127.0.0.1" if broker else "clientAuth"
    (out / "ca.cnf").write_text(
        "[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
        "default_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\n"
        f"[ext]\nbasicConstraints = critical,CA:FALSE\nextendedKeyUsage = {usage}\n"
    )
    key, crt = ("server.key", "server.crt") if broker else ("client.key", "client.crt")
    subprocess.run(
        ["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", "req.csr", "-subj", f"/CN={name}"],
        cwd=out, check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", str(fleet.dir.ca / "ca.crt"),
         "-keyfile", str(fleet.dir.ca / "ca.key"), "-in", "req.csr", "-out", crt,
         "-startdate", start, "-enddate", end, "-extensions", "ext", "-notext"],
        cwd=out, check=True, capture_output=True,
    )  # fmt: skip


def test_an_expired_certificate_is_named_and_refused(
    fleet: Fleet, broker: Broker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="fleet.agent")
    ledger = open_ledger(tmp_path / "ledger.sqlite3")
    ledger.count("visit_started", "", HOUR)
    work = tmp_path / "a"
    dated_certificate(fleet, "site-06", tmp_path / "ca-work", "20200101000000Z", "20200201000000Z")
    conf = agent_toml(fleet.dir, "site-06", broker, work, ledger.path)
    for name in ("client.crt", "client.key"):
        (work / name).write_bytes((tmp_path / "ca-work" / name).read_bytes())
    mark = len(broker.log)
    with InProcessAgent(conf):
        found = wait_status(work / "status.json", lambda s: s["staff"] == "cert_expired")
        assert found["connected"] is False and found["outbox"] >= 1
        assert broker.wait_for_log("certificate verify failed", 10, after=mark)
    assert any("certificate has expired" in r.getMessage() for r in caplog.records)
    assert "인증서 만료" in staff_text("cert_expired")


def test_a_broker_gone_for_a_day_is_an_alert_and_loses_nothing(
    fleet: Fleet, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="fleet.agent")
    broker = Broker(fleet.dir, tmp_path / "broker")  # not started: gone
    ledger = open_ledger(tmp_path / "ledger.sqlite3")
    ledger.count("visit_started", "", HOUR)
    conf = agent_toml(
        fleet.dir, "site-07", broker, tmp_path / "a", ledger.path, unreachable_alert_s=3600.0
    )
    status_file = tmp_path / "a" / "status.json"
    offset = [0.0]  # the agent's monotonic clock, which the test moves on by a day

    def clock() -> float:
        return time.monotonic() + offset[0]

    with InProcessAgent(conf, clock=clock) as agent:
        first = wait_status(status_file, lambda s: s["connected"] is False and s["outbox"] >= 1)
        assert first["staff"] is None, "a short outage is no alert"
        offset[0] = 24 * 3600.0
        agent.agent.wake()
        found = wait_status(status_file, lambda s: s["staff"] == "unreachable")
        assert "24.0 h" in str(found["problems"])
        assert fleet_problem(status_file, clock()) == "unreachable"
        assert "LTE" in staff_text("unreachable")
        for _ in range(3):
            ledger.count("visit_started", "", HOUR + timedelta(hours=1))

        broker.start()  # back after a day
        try:
            config = server_config(fleet.dir, broker, tmp_path / "centre.sqlite3")
            with running_server(config) as (server, watch):
                assert watch.wait_for(
                    lambda: server.reader.counts("site-07") == ledger_counts(ledger), 15
                )
                wait_status(status_file, lambda s: s["staff"] is None and s["outbox"] == 0)
        finally:
            broker.stop()
    assert any("unreachable for long" in r.getMessage() for r in caplog.records)


def test_a_full_disk_at_the_centre_is_reported_and_nothing_is_lost(
    fleet: Fleet, broker: Broker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="fleet.server.ingest")
    ledger = open_ledger(tmp_path / "ledger.sqlite3")
    for h in range(40):  # enough different counters to fill the few pages allowed below
        for k in range(10):
            ledger.count("symptom", f"symptom-{k:02d}", HOUR + timedelta(hours=h))
    conf = agent_toml(fleet.dir, "site-08", broker, tmp_path / "a", ledger.path)
    store = tmp_path / "centre.sqlite3"
    tiny = server_config(fleet.dir, broker, store, max_store_mb=0.05)
    with InProcessAgent(conf) as agent:
        with running_server(tiny) as (server, _):
            url = f"http://127.0.0.1:{server.http.port}/api/health"
            assert until(lambda: bool(server.ingest.health.snapshot()["problems"]))
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(url)
            assert answer.value.code == 503
            health = json.loads(answer.value.read())
            assert "disk is full" in " ".join(health["problems"])
            assert agent.agent.cursor.outbox_size() > 0, "the kiosk keeps what was not stored"
        assert any("THE STORE CANNOT WRITE" in r.getMessage() for r in caplog.records)

        roomy = server_config(fleet.dir, broker, store)  # disk space freed, server restarted
        with running_server(roomy) as (server, watch):
            assert watch.wait_for(
                lambda: server.reader.counts("site-08") == ledger_counts(ledger), 20
            )
            assert watch.wait_for(lambda: agent.agent.cursor.outbox_size() == 0, 10)
            assert server.ingest.health.snapshot()["ok"] is True


def test_a_kiosk_clock_that_jumps(fleet: Fleet, tmp_path: Path) -> None:
    """Counts land in whatever hour the kiosk's clock says; a clock years behind (a Pi
    without a battery clock, before NTP) makes TLS refuse the broker's certificate as "not
    yet valid": staff are told, and the records wait until the clock is right."""
    # The broker's certificate starts in 2099: to this kiosk's clock that is the same as its
    # own clock standing decades behind.
    files = tmp_path / "broker-files"
    shutil.copytree(fleet.dir.broker, files)
    dated_certificate(fleet, "localhost", files, "20990101000000Z", "21000101000000Z", broker=True)
    early = Broker(fleet.dir, tmp_path / "early", files=files)
    ledger = open_ledger(tmp_path / "ledger.sqlite3")
    now = datetime.now()
    for when in (now, datetime(2019, 5, 1, 3, 0), datetime(2031, 1, 1, 0, 0)):
        ledger.count("visit_started", "", when)
    conf = agent_toml(fleet.dir, "site-09", early, tmp_path / "a", ledger.path)
    early.start()
    try:
        with InProcessAgent(conf):
            found = wait_status(tmp_path / "a" / "status.json", lambda s: s["staff"] == "clock")
            assert found["outbox"] >= 1 and "not yet valid" in str(found["problems"])
    finally:
        early.stop()
    assert "시계" in staff_text("clock")

    broker = Broker(fleet.dir, tmp_path / "broker", port=early.port)  # the clock is right
    broker.start()
    try:
        config = server_config(fleet.dir, broker, tmp_path / "centre.sqlite3")
        with running_server(config) as (server, watch), InProcessAgent(conf):
            assert watch.wait_for(
                lambda: server.reader.counts("site-09") == ledger_counts(ledger), 10
            )
            # The clock jumps back years, then ahead, then back to an hour already
            # reported: each hour arrives whole, the one reported twice counted once.
            for when in (datetime(2019, 5, 1, 3, 30), datetime(2031, 1, 1, 0, 10), now):
                ledger.count("visit_started", "", when)
                ledger.count("help_view", "", when)
            assert watch.wait_for(
                lambda: server.reader.counts("site-09") == ledger_counts(ledger), 10
            )
            hours = {k.hour for k in server.reader.counts("site-09")}
            assert {"2019-05-01T03:00", "2031-01-01T00:00"} <= hours
    finally:
        broker.stop()
