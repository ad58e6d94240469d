"""A real mosquitto on a free loopback port with the fleet's own TLS, passwords and ACL; the
central server in-process; agents in-process or as `python main.py fleet-agent` processes;
and kiosk ledgers written with the kiosk's own `Ledger`."""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from fleet.agent import Agent
from fleet.config import AgentConfig, ServerConfig, load_agent_config, load_server_config
from fleet.credentials import FleetDir, broker_config, find_mosquitto
from fleet.server.app import Server
from fleet.server.store import HourKey
from kiosk.cabinet.ledger import Ledger
from kiosk.shell.config import Slot

ROOT = Path(__file__).resolve().parents[2]
KEEPALIVE = 6  # seconds: offline shows within 9 s (1.5 x); the broker is asked for 2
# Elsewhere a longer one: paho gives a CONNACK only the keepalive to come, and a loaded test
# machine connecting 25 kiosks at once may take a few seconds.
RELAXED_KEEPALIVE = 30
FAST = {  # agent timings for tests: seconds, not minutes
    "poll_s": 0.1,
    "batch_s": 0.1,
    "heartbeat_s": 30.0,
    "receipt_timeout_s": 2.0,
    "unreachable_alert_s": 3600.0,
}
SLOTS = tuple(Slot(number=n, item=item, capacity=8) for n, item in ((1, "candy"), (2, "tea")))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Broker:
    """mosquitto with deploy/mosquitto/maeum-fleet.conf, its log kept for assertions."""

    def __init__(
        self, fleet: FleetDir, workdir: Path, port: int | None = None, files: Path | None = None
    ) -> None:
        """`files`: the broker's folder (default: the fleet's own)."""
        self.port = port or free_port()
        self.persistence = workdir / "mosquitto-data"
        self.persistence.mkdir(parents=True, exist_ok=True)
        self.conf = workdir / "mosquitto.conf"
        # As root, mosquitto would become `mosquitto`, who cannot read pytest's folders.
        text = broker_config(
            files or fleet.broker,
            self.persistence,
            self.port,
            "127.0.0.1",
            run_as=getpass.getuser(),
        )
        self.conf.write_text(text)
        self.log: list[str] = []
        self._changed = threading.Condition()
        self._process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 10.0) -> None:
        self._process = subprocess.Popen(
            [find_mosquitto() or "mosquitto", "-c", str(self.conf)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, args=(self._process,), daemon=True).start()
        assert self.wait_for_log(" running", timeout), "mosquitto did not start:\n" + "\n".join(
            self.log[-20:]
        )

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        with open(self.conf.with_suffix(".log"), "a") as kept:  # for a failed test's reader
            for line in process.stdout:
                kept.write(line)
                kept.flush()
                with self._changed:
                    self.log.append(line.rstrip())
                    self._changed.notify_all()

    def wait_for_log(self, text: str, timeout: float, after: int = 0) -> bool:
        with self._changed:
            return self._changed.wait_for(
                lambda: any(text in line for line in self.log[after:]), timeout
            )

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(10)
            self._process = None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None

    def reload(self) -> None:
        assert self._process is not None
        mark = len(self.log)
        self._process.send_signal(signal.SIGHUP)
        assert self.wait_for_log("Reloading config", 5, after=mark)


@dataclass
class Fleet:
    """The credentials made once per session: a CA, the broker's, the centre's, 25 kiosks."""

    dir: FleetDir
    sites: tuple[str, ...]


def server_config(
    fleet: FleetDir,
    broker: Broker,
    store: Path,
    keepalive: int = RELAXED_KEEPALIVE,
    **server: object,
) -> ServerConfig:
    config = load_server_config(fleet.centre / "server.toml")
    return replace(
        config,
        broker=replace(
            config.broker,
            port=broker.port,
            keepalive=keepalive,
            reconnect_min_s=0.1,
            reconnect_max_s=0.5,
        ),
        server=replace(
            config.server,
            store=store,
            http_port=0,
            kiosk_heartbeat_s=30.0,
            check_s=0.2,
            **server,
        ),
    )


def agent_toml(
    fleet: FleetDir,
    site: str,
    broker: Broker,
    work: Path,
    ledger: Path,
    keepalive: int = RELAXED_KEEPALIVE,
    **agent: float,
) -> Path:
    """The kiosk's enrolled agent.toml, pointed at this broker and ledger, fast timings;
    published content goes to `work`/content."""
    text = (fleet.kiosk(site) / "agent.toml").read_text()
    lines = [
        f"port = {broker.port}" if line.startswith("port =") else line for line in text.splitlines()
    ]
    lines = [f"keepalive = {keepalive}" if ln.startswith("keepalive =") else ln for ln in lines]
    lines.insert(lines.index("[broker]") + 1, "reconnect_min_s = 0.1\nreconnect_max_s = 0.5")
    settings = {**FAST, **agent}
    lines += [
        "",
        "[agent]",
        f'ledger = "{ledger}"',
        f'content_dir = "{work / "content"}"',
        f'state_dir = "{work / "state"}"',
        f'status_file = "{work / "status.json"}"',
    ]
    lines += [f"{k} = {float(v)}" for k, v in settings.items()]
    path = work / "agent.toml"
    work.mkdir(parents=True, exist_ok=True)
    # Beside the kiosk's credentials, which agent.toml names relative to its own folder.
    for name in ("ca.crt", "client.crt", "client.key", "content.pub"):
        target = work / name
        if not target.exists():
            target.write_bytes((fleet.kiosk(site) / name).read_bytes())
    path.write_text("\n".join(lines) + "\n")
    return path


def open_ledger(path: Path) -> Ledger:
    path.parent.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(path)
    ledger.sync_slots(SLOTS, fill_new=True)
    return ledger


def ledger_counts(ledger: Ledger) -> dict[HourKey, int]:
    rows = ledger.counts(datetime(1970, 1, 2), datetime(2100, 1, 1))
    return {HourKey(r.hour, r.event, r.key): r.count for r in rows}


class InProcessAgent:
    """An agent in a thread of the test process (for the tests that need no SIGKILL)."""

    def __init__(
        self,
        config_path: Path,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config: AgentConfig = load_agent_config(config_path)
        assert self.config.agent.ledger is not None
        self.agent = Agent(self.config, self.config.agent.ledger, clock=clock, wall=wall)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.agent.run, args=(self._stop,), daemon=True)

    def __enter__(self) -> InProcessAgent:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.agent.wake()
        self._thread.join(10)


class AgentProcess:
    """`python main.py fleet-agent`, a real process to SIGKILL and SIGSTOP."""

    def __init__(self, config_path: Path, log_path: Path) -> None:
        self.config_path = config_path
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "main.py"), "fleet-agent", "--agent-config",
                 str(self.config_path), "--log-level", "DEBUG"],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                return self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(10)


class StoreWatch:
    """Wakes the test whenever the server stores a batch (no sleeping to wait)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.batches = 0

    def stored(self, batch: object) -> None:
        with self._changed:
            self.batches += 1
            self._changed.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """True once `predicate` holds; checked after each stored batch and every 0.2 s
        (for what changes without a batch: a site marked stale)."""
        end = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            with self._changed:
                self._changed.wait(min(left, 0.2))


@contextmanager
def running_server(config: ServerConfig) -> Iterator[tuple[Server, StoreWatch]]:
    watch = StoreWatch()
    server = Server.build(config, on_stored=watch.stored)
    server.start()
    try:
        assert server.ingest.subscribed.wait(10), "the server subscribes"
        yield server, watch
    finally:
        server.stop()


def site_view(server: Server, site: str) -> dict[str, object] | None:
    return next((s for s in server.reader.sites() if s["site"] == site), None)
