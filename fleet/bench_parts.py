"""Pieces of the fleet bench: a broker in a temporary folder, a byte-counting TCP proxy (what
a kiosk's LTE router would carry), a publisher that floods the centre, and a process's RSS."""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from fleet.config import load_agent_config
from fleet.credentials import FleetDir, broker_config, find_mosquitto
from fleet.link import Acked, Connected, Link, LinkEvent
from fleet.payloads import encode
from fleet.topics import Kind, topic


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BenchBroker:
    """mosquitto from deploy/mosquitto/maeum-fleet.conf, on a free loopback port."""

    def __init__(self, fleet: FleetDir, work: Path) -> None:
        binary = find_mosquitto()
        if binary is None:
            raise RuntimeError("mosquitto is not installed (apt-get install mosquitto)")
        self.port = free_port()
        (work / "data").mkdir(parents=True, exist_ok=True)
        conf = work / "mosquitto.conf"
        conf.write_text(
            broker_config(
                fleet.broker, work / "data", self.port, "127.0.0.1", run_as=getpass.getuser()
            )
        )
        self._log = open(work / "mosquitto.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [binary, "-c", str(conf)], stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 10
        while not _listening(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"mosquitto did not start; see {work / 'mosquitto.log'}")
            threading.Event().wait(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        self._log.close()


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class ByteCount:
    up: int = 0  # kiosk → broker
    down: int = 0
    reads: int = 0  # roughly the TCP segments: each costs about 52 bytes of IP/TCP headers
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, up: int, down: int) -> None:
        with self._lock:
            self.up += up
            self.down += down
            self.reads += 1

    def snapshot(self) -> tuple[int, int, int]:
        with self._lock:
            return self.up, self.down, self.reads


class CountingProxy:
    """Forwards one loopback port to the broker and counts what passes, both ways."""

    def __init__(self, target_port: int) -> None:
        self.port = free_port()
        self.count = ByteCount()
        self._target = target_port
        self._server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self._target))
            for a, b, up in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(target=self._pipe, args=(a, b, up), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, up: bool) -> None:
        try:
            while data := source.recv(65536):
                self.count.add(len(data) if up else 0, 0 if up else len(data))
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._server.close()


def rss_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in kB, from /proc."""
    found = {"VmRSS": 0, "VmHWM": 0}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in found:
            found[key] = int(value.split()[0])
    return found["VmRSS"], found["VmHWM"]


def start_blast(configs: list[Path], per_site: int) -> subprocess.Popen[str]:
    """A child process that publishes `per_site` counters records from each kiosk as fast
    as the broker takes them (its own process: not competing with the server's GIL)."""
    code = "import sys; from fleet.bench_parts import blast; blast(sys.argv[1:])"
    args = [sys.executable, "-c", code, str(per_site), *map(str, configs)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=dict(os.environ))


def blast(argv: list[str]) -> None:
    per_site, paths = int(argv[0]), [Path(p) for p in argv[1:]]
    threads = [threading.Thread(target=_blast_one, args=(p, per_site)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("done", flush=True)


def _blast_one(path: Path, per_site: int) -> None:
    config = load_agent_config(path)
    acked = threading.Semaphore(0)
    ready = threading.Event()

    def on_event(event: LinkEvent) -> None:
        if isinstance(event, Connected):
            ready.set()
        elif isinstance(event, Acked):
            acked.release()

    link = Link(config.broker, f"blast-{config.site}", on_event)
    link.start()
    ready.wait(30)
    name = topic(config.site, Kind.COUNTERS)
    for seq in range(1, per_site + 1):
        day, hour = divmod(seq, 24)
        body = {"epoch": "b1a57b1a57b1a57b", "seq": seq, "ledger": "blast",
                "hour": f"2020-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T{hour:02d}:00",
                "counts": [["visit_started", "", 1], ["symptom", "escape", 1]]}  # fmt: skip
        while link.publish(name, encode(body)) is None:
            threading.Event().wait(0.01)
    for _ in range(per_site):
        acked.acquire(timeout=60)
    link.stop()
