"""The whole fleet against a real broker: 25 kiosks, the broker killed and restarted, agents
SIGKILLed and restarted, and at the end the centre's counts equal the ledgers' exactly."""

from __future__ import annotations

import random
import time
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fleet.server.app import Server
from hardware.dispenser import VendOutcome
from kiosk.cabinet.ledger import AlertRow, Ledger
from tests.fleet.conftest import needs_mosquitto
from tests.fleet.support import (
    AgentProcess,
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

HOURS = [datetime(2026, 3, 2, 9) + timedelta(hours=h, minutes=7) for h in range(4)]
SYMPTOMS = ("future-blank", "no-energy", "escape", "people-sick")


def visit(ledger: Ledger, rng: random.Random) -> None:
    """What one visit leaves in the ledger: counters in some hour, sometimes a vend."""
    when = rng.choice(HOURS)
    ledger.count("visit_started", "", when)
    ledger.count("symptom", rng.choice(SYMPTOMS), when)
    ledger.count("mood", rng.choice(("taken", "skipped")), when)
    if rng.random() < 0.3:
        slot = rng.choice((1, 2))
        vend = ledger.begin(slot)
        ledger.finish(vend, rng.choice((VendOutcome.DISPENSED, VendOutcome.NO_DROP)))
    ledger.count("visit_completed", "", when)


def ledger_vends(ledger: Ledger) -> dict[tuple[str, int, str], int]:
    found: dict[tuple[str, int, str], int] = {}
    for v in ledger.vends():
        if v.outcome is not None:
            key = (v.kind.value, v.slot, v.outcome.value)
            found[key] = found.get(key, 0) + 1
    return found


def test_25_kiosks_lose_nothing_and_count_nothing_twice(
    fleet: Fleet, broker: Broker, tmp_path: Path
) -> None:
    """Five kiosks run `python main.py fleet-agent` as processes, to be SIGKILLed; the other
    twenty run the same agent in threads of this process (25 Python start-ups would take
    most of the time on two cores)."""
    started = time.monotonic()
    rng = random.Random(18)
    ledgers = {s: open_ledger(tmp_path / s / "ledger.sqlite3") for s in fleet.sites}
    killed = ("site-01", "site-07", "site-13", "site-19", "site-25")
    confs = {
        s: agent_toml(fleet.dir, s, broker, tmp_path / s / "agent", ledgers[s].path)
        for s in fleet.sites
    }
    processes = {s: AgentProcess(confs[s], tmp_path / s / "agent.log") for s in killed}
    threads = [InProcessAgent(confs[s]) for s in fleet.sites if s not in killed]

    def write(rounds: int) -> None:
        for _ in range(rounds):
            for ledger in ledgers.values():
                visit(ledger, rng)

    config = server_config(fleet.dir, broker, tmp_path / "centre.sqlite3")
    with running_server(config) as (server, watch), ExitStack() as stack:
        for process in processes.values():
            process.start()
            stack.callback(process.stop)
        for agent in threads:
            stack.enter_context(agent)
        write(2)
        assert watch.wait_for(lambda: sum(s["online"] for s in server.reader.sites()) == 25, 30), (
            "every kiosk comes online"
        )

        broker.kill()  # what it had taken and not yet passed on is gone with it
        write(2)
        ledgers["site-03"].refill(1, 5)
        ledgers["site-03"].record_alerts([AlertRow("low", 1, "candy", 2)])
        broker.start()

        for site in killed:
            processes[site].kill()
        write(2)
        for site in killed:
            processes[site].start()
        write(1)

        def all_there() -> bool:
            return all(server.reader.counts(s) == ledger_counts(ledgers[s]) for s in fleet.sites)

        assert watch.wait_for(all_there, 40), "the centre's counts equal the ledgers'"
        for site, ledger in ledgers.items():
            assert _by_outcome(server.reader.vends(site)) == ledger_vends(ledger), site
        visits = {s["site"]: s["visits"] for s in server.reader.sites()}
        assert visits == {s: _visits(ledgers[s]) for s in fleet.sites}
        assert watch.wait_for(
            lambda: (
                [(a["kind"], a["slot"]) for a in _site(server, "site-03")["open_alerts"]]
                == [("low", 1)]
            ),
            10,
        ), "an alert raised during the outage arrives"
        stock = {s["slot"]: s["count"] for s in _site(server, "site-03")["stock"]}
        assert stock == {s.number: s.count for s in ledgers["site-03"].slots()}
    assert time.monotonic() - started < 60


def _visits(ledger: Ledger) -> int:
    return sum(n for k, n in ledger_counts(ledger).items() if k.event == "visit_started")


def _by_outcome(vends: dict[tuple[str, str, int, str], int]) -> dict[tuple[str, int, str], int]:
    """Summed over hours (the ledger's vends all fall in the hour the test ran, or two)."""
    total: dict[tuple[str, int, str], int] = {}
    for (_, kind, slot, outcome), n in vends.items():
        total[(kind, slot, outcome)] = total.get((kind, slot, outcome), 0) + n
    return total


def _site(server: Server, site: str) -> dict[str, Any]:
    return next(s for s in server.reader.sites() if s["site"] == site)
