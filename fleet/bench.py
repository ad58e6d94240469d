"""`python main.py bench --fleet N`: the fleet measured on one machine, over a real broker.

  1. latency from a ledger write to the central store (p50/p99), with N agents as real
     `python main.py fleet-agent` processes at their default timings;
  2. the agent's memory (RSS, and its peak) — target ≤ 35 MB;
  3. messages per second the central server stores, flooded by N kiosks at once;
  4. bytes per kiosk per day through a counting proxy (what an LTE router carries): a day's
     visits, keepalives, heartbeats and a reconnect;
  5. the web dashboard over a year of hourly counts for N sites: page times and the server's
     RSS (fleet/bench_dashboard.py).

Everything runs on loopback in a temporary folder: its own CA, broker, store and ledgers.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from fleet.bench_dashboard import dashboard_bench
from fleet.bench_parts import BenchBroker, CountingProxy, rss_kb, start_blast
from fleet.config import DEFAULT_KEEPALIVE_S, AgentSettings, ServerSettings, load_server_config
from fleet.credentials import FleetDir, enroll_kiosks, init_centre
from fleet.link import broker_keepalive
from fleet.payloads import Counters, Message, encode
from fleet.server.app import Server
from fleet.topics import Kind, topic
from hardware.dispenser import VendOutcome
from kiosk.cabinet.ledger import Ledger
from kiosk.shell.config import Slot

ROOT = Path(__file__).resolve().parents[1]
SLOTS = tuple(Slot(number=n, item=i, capacity=10) for n, i in enumerate(("candy", "tea"), 1))
RSS_TARGET_MB = 35.0


class Stored:
    """The server's stored batches, as they happen: (site, event) → highest count, and when."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.totals: dict[tuple[str, str], tuple[int, float]] = {}
        self.messages = 0
        self.first: float | None = None
        self.last = 0.0

    def __call__(self, batch: list[tuple[str, Message]]) -> None:
        now = time.monotonic()
        with self._changed:
            self.messages += len(batch)
            self.first = self.first if self.first is not None else now
            self.last = now
            for site, m in batch:
                if isinstance(m, Counters):
                    for event, _, n in m.counts:
                        if n > self.totals.get((site, event), (0, 0.0))[0]:
                            self.totals[(site, event)] = (n, now)
            self._changed.notify_all()

    def wait(self, site: str, event: str, at_least: int, timeout: float) -> float | None:
        """When (site, event) reached `at_least` at the centre, or None."""
        with self._changed:
            ok = self._changed.wait_for(
                lambda: self.totals.get((site, event), (0, 0.0))[0] >= at_least, timeout
            )
            return self.totals[(site, event)][1] if ok else None

    def wait_messages(self, n: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.messages >= n, timeout)


def run_fleet_bench(
    kiosks: int, visits_per_day: int = 80, only_dashboard: bool = False
) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="maeum-fleet-bench-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        fleet = FleetDir(work / "fleet")
        init_centre(fleet, ("localhost", "127.0.0.1"))
        sites = [f"kiosk-{n:02d}" for n in range(1, kiosks + 2)]  # the last one: proxied
        enroll_kiosks(fleet, sites, "127.0.0.1")
        broker = BenchBroker(fleet, work / "broker")
        stack.callback(broker.stop)
        if only_dashboard:
            yield from dashboard_bench(fleet, broker.port, work / "dashboard", kiosks)
            return
        stored = Stored()
        server = _server(fleet, broker.port, work, stored)
        server.start()
        running = stack.enter_context(ExitStack())
        running.callback(server.stop)
        server.ingest.subscribed.wait(30)
        yield f"fleet bench: {kiosks} kiosks, broker and server on loopback ({work})"

        ledgers = {s: _ledger(work / s) for s in sites}
        agents = {
            s: _agent(fleet, s, broker.port, work / s, ledgers[s].path, AgentSettings())
            for s in sites[:-1]
        }
        for agent in agents.values():
            stack.callback(_stop, agent)
        yield from _latency(stored, ledgers, list(agents))
        yield from _memory(agents)
        for agent in agents.values():
            _stop(agent)
        yield from _throughput(stored, fleet, broker.port, work, sites[:-1])
        yield from _bandwidth(stored, fleet, broker.port, work, sites[-1], ledgers[sites[-1]],
                              visits_per_day)  # fmt: skip
        running.close()  # the dashboard's server is a process of its own, the centre's login
        yield from dashboard_bench(fleet, broker.port, work / "dashboard", kiosks)


def _server(fleet: FleetDir, port: int, work: Path, stored: Stored) -> Server:
    config = load_server_config(fleet.centre / "server.toml")
    config = replace(
        config,
        broker=replace(config.broker, port=port),
        server=replace(
            ServerSettings(),
            store=work / "centre.sqlite3",
            http_port=0,
            signing_key=fleet.centre / "content-signing.key",
        ),
    )
    return Server.build(config, on_stored=stored)


def _ledger(folder: Path) -> Ledger:
    folder.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(folder / "ledger.sqlite3")
    ledger.sync_slots(SLOTS, fill_new=True)
    return ledger


def _agent(
    fleet: FleetDir, site: str, port: int, work: Path, ledger: Path, s: AgentSettings,
    keepalive: int = 60,
) -> subprocess.Popen[bytes]:  # fmt: skip
    text = (fleet.kiosk(site) / "agent.toml").read_text()
    text = text.replace("port = 8883", f"port = {port}").replace(
        "keepalive = 60", f"keepalive = {keepalive}"
    )
    for name in ("ca.crt", "client.crt", "client.key", "content.pub"):
        (work / name).write_bytes((fleet.kiosk(site) / name).read_bytes())
    text += (
        f'\n[agent]\nledger = "{ledger}"\ncontent_dir = "{work / "content"}"\n'
        f'state_dir = "{work / "state"}"\n'
        f'status_file = "{work / "status.json"}"\npoll_s = {s.poll_s}\nbatch_s = {s.batch_s}\n'
        f"heartbeat_s = {s.heartbeat_s}\n"
    )
    (work / "agent.toml").write_text(text)
    log = open(work / "agent.log", "wb")  # noqa: SIM115 (the child keeps it)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "fleet-agent", "--agent-config",
         str(work / "agent.toml")],
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip


def _stop(agent: subprocess.Popen[bytes]) -> None:
    if agent.poll() is None:
        agent.terminate()
        try:
            agent.wait(15)
        except subprocess.TimeoutExpired:
            agent.kill()


def _latency(stored: Stored, ledgers: dict[str, Ledger], sites: list[str]) -> Iterator[str]:
    s = AgentSettings()
    for site in sites:  # every agent up and through its first scan
        ledgers[site].count("bench", "")
    for site in sites:
        if stored.wait(site, "bench", 1, 60) is None:
            yield f"  {site}: no first record within 60 s"
    samples: list[float] = []
    rng = random.Random(2)
    for round_ in range(2, 6):
        written: dict[str, float] = {}
        for site in rng.sample(sites, len(sites)):
            ledgers[site].count("bench", "")
            written[site] = time.monotonic()
            threading.Event().wait(rng.uniform(0, s.poll_s / len(sites)))
        for site, t0 in written.items():
            t1 = stored.wait(site, "bench", round_, 30)
            if t1 is not None:
                samples.append(t1 - t0)
    samples.sort()
    p50, p99 = _pct(samples, 0.50), _pct(samples, 0.99)
    yield (
        f"latency ledger write -> central store ({len(samples)} samples, agents at poll "
        f"{s.poll_s:g} s, batch {s.batch_s:g} s): p50 {p50:.2f} s, p99 {p99:.2f} s, "
        f"max {samples[-1]:.2f} s"
    )


def _drained(status: Path, timeout: float = 30.0) -> None:
    """Until the agent's status file says its outbox is empty, and a moment more for the
    last receipt's acknowledgement."""
    tick = threading.Event()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if json.loads(status.read_bytes()).get("outbox") == 0:
                break
        except (OSError, ValueError):
            pass
        tick.wait(0.05)
    tick.wait(0.3)


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


def _memory(agents: dict[str, subprocess.Popen[bytes]]) -> Iterator[str]:
    rss = [rss_kb(a.pid) for a in agents.values() if a.poll() is None]
    now_mb = [r / 1024 for r, _ in rss]
    peak_mb = [h / 1024 for _, h in rss]
    yield (
        f"agent RSS ({len(rss)} processes): median {statistics.median(now_mb):.1f} MB, "
        f"max {max(now_mb):.1f} MB, peak (VmHWM) max {max(peak_mb):.1f} MB   "
        f"target <= {RSS_TARGET_MB:g} MB"
    )


def _throughput(
    stored: Stored, fleet: FleetDir, port: int, work: Path, sites: list[str]
) -> Iterator[str]:
    per_site = 400
    configs = [work / site / "agent.toml" for site in sites]
    before = stored.messages
    stored.first = None
    start = time.monotonic()
    blaster = start_blast(configs, per_site)
    total = per_site * len(sites)
    ok = stored.wait_messages(before + total, 120)
    end = stored.last
    blaster.wait(60)
    got = stored.messages - before
    first = stored.first or start
    yield (
        f"central server: {got} of {total} records from {len(sites)} kiosks at once stored in "
        f"{end - start:.1f} s: {got / max(end - start, 1e-9):.0f} messages/s "
        f"({got / max(end - first, 1e-9):.0f}/s from the first stored)"
        + ("" if ok else " [timeout]")
    )


VISIT = (  # a visit's counts in the order the screens make them, in four moments
    (("visit_started", ""), ("language", "ko")),
    (("symptom", "future-blank"), ("category", "loneliness")),
    (("mood", "taken"), ("intensity", "medium"), ("prescription", "walk-with-me-03")),
    (("outcome", "1:dispensed"), ("visit_completed", "")),
)


def _bandwidth(
    stored: Stored, fleet: FleetDir, port: int, work: Path, site: str, ledger: Ledger,
    visits_per_day: int,
) -> Iterator[str]:  # fmt: skip
    proxy = CountingProxy(port)
    s = replace(AgentSettings(), poll_s=0.2, batch_s=0.2)
    agent = _agent(fleet, site, proxy.port, work / site, ledger.path, s, keepalive=2)
    try:
        marker = 0
        ledger.count("bench", "")
        marker += 1
        stored.wait(site, "bench", marker, 60)
        _drained(work / site / "status.json")
        connect_up, connect_down, connect_reads = proxy.count.snapshot()
        visits = 20
        for _ in range(visits):
            for moment in VISIT:
                for event, key in moment:
                    ledger.count(event, key)
                if moment is VISIT[-1]:
                    ledger.finish(ledger.begin(1), VendOutcome.DISPENSED)
                    if ledger.slot(1).count < 3:
                        ledger.refill(1)
                ledger.count("bench", "")
                marker += 1
                stored.wait(site, "bench", marker, 30)
        _drained(work / site / "status.json")  # the last visit's tail is not idle traffic
        up, down, reads = proxy.count.snapshot()
        visit_bytes = (up + down - connect_up - connect_down) / visits
        visit_reads = (reads - connect_reads) / visits
        idle_from = proxy.count.snapshot()
        idle_s = 6.5
        threading.Event().wait(idle_s)
        idle = proxy.count.snapshot()
        pings = max(1, (idle[2] - idle_from[2]) // 2)  # a request up, an answer down
        ping_bytes = (idle[0] + idle[1] - idle_from[0] - idle_from[1]) / pings
        ping_reads = 2.0
    finally:
        _stop(agent)
        proxy.close()
    keepalive = broker_keepalive(DEFAULT_KEEPALIVE_S)  # what paho really pings at
    heartbeat = AgentSettings().heartbeat_s
    beat = encode({"epoch": "0" * 16, "conn": 9, "uptime_s": 86400, "outbox": 0, "problems": []})
    beat_bytes = len(beat) + len(topic(site, Kind.HEARTBEAT)) + 5 + 22  # MQTT + TLS 1.3 record
    day = {
        "visits": visit_bytes * visits_per_day,
        "keepalive": ping_bytes * 86400 / keepalive,
        "heartbeat": beat_bytes * 86400 / heartbeat,
        "connect": connect_up + connect_down,
    }
    segments = visit_reads * visits_per_day + ping_reads * 86400 / keepalive + 96 + connect_reads
    tls = sum(day.values())
    yield (
        f"bytes per kiosk per day (TLS payload through a counting proxy; {visits_per_day} "
        f"visits, keepalive {DEFAULT_KEEPALIVE_S} s (pings every {keepalive} s), heartbeat "
        f"{heartbeat:g} s, one reconnect):"
    )
    yield (
        f"  visits {day['visits'] / 1024:.0f} KiB ({visit_bytes:.0f} B each), keepalive "
        f"{day['keepalive'] / 1024:.0f} KiB ({ping_bytes:.0f} B per ping), heartbeat "
        f"{day['heartbeat'] / 1024:.0f} KiB ({beat_bytes} B each, computed), connect "
        f"{day['connect'] / 1024:.1f} KiB"
    )
    yield (
        f"  total {tls / 1024:.0f} KiB/day TLS, about {(tls + 52 * segments) / 1024:.0f} KiB/day "
        f"with TCP/IP headers, {(tls + 52 * segments) * 30 / 1024 / 1024:.1f} MiB/month"
    )
