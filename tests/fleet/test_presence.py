"""Offline detection: a kiosk whose agent or network dies shows offline within 1.5 times
the keepalive, and online again when it returns."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.fleet.conftest import needs_mosquitto
from tests.fleet.support import (
    KEEPALIVE,
    AgentProcess,
    Broker,
    Fleet,
    agent_toml,
    open_ledger,
    running_server,
    server_config,
    site_view,
)

pytestmark = needs_mosquitto

# The will still travels from the broker to the centre and into its store (a batch, an
# fsync); on a busy machine that, and the broker's loop waking late, may take this long.
SLACK_S = 1.0


def test_offline_within_one_and_a_half_keepalives_and_back(
    fleet: Fleet, broker: Broker, tmp_path: Path
) -> None:
    ledger = open_ledger(tmp_path / "ledger.sqlite3")
    conf = agent_toml(fleet.dir, "site-11", broker, tmp_path / "a", ledger.path, KEEPALIVE)
    agent = AgentProcess(conf, tmp_path / "agent.log")
    config = server_config(fleet.dir, broker, tmp_path / "centre.sqlite3", KEEPALIVE)
    with running_server(config) as (server, watch):

        def online() -> bool | None:
            view = site_view(server, "site-11")
            return None if view is None else bool(view["online"])

        agent.start()
        try:
            assert watch.wait_for(lambda: online() is True, 15)

            # The network dies: the agent is frozen with its connection open (no FIN, no
            # keepalive), as when the LTE router loses its signal.
            agent.signal(signal.SIGSTOP)
            cut = time.monotonic()
            assert watch.wait_for(lambda: online() is False, 1.5 * KEEPALIVE + SLACK_S + 2)
            assert time.monotonic() - cut <= 1.5 * KEEPALIVE + SLACK_S
            agent.signal(signal.SIGCONT)
            assert watch.wait_for(lambda: online() is True, 10), "back online when it returns"

            # The agent dies: the broker sees the connection close and says so at once.
            agent.kill()
            died = time.monotonic()
            assert watch.wait_for(lambda: online() is False, 5)
            assert time.monotonic() - died <= 1.5 * KEEPALIVE + SLACK_S
            agent.start()
            assert watch.wait_for(lambda: online() is True, 15)
            view = site_view(server, "site-11")
            assert view is not None and view["last_seen"]
        finally:
            agent.signal(signal.SIGCONT)
            agent.stop()

        # A clean stop says "offline" itself (the broker drops the will on a clean end).
        assert watch.wait_for(lambda: online() is False, 5)
