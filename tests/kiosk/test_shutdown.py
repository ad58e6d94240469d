"""An orderly stop: lights off, port closed, ledger closed, whichever way the stop comes."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial
from gpiozero import LED, PWMLED
from gpiozero.pins.mock import MockFactory, MockPWMPin

from kiosk.shell.shutdown import TECHNICIAN_EXIT_STATUS, ShutdownCoordinator

CHUTE_LIGHT, ATTENTION_LED = 12, 16  # the datasheet's host wiring


class TickClock:
    """A clock that moves 0.25 s each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.25
        return self.now


@pytest.fixture
def coordinator() -> Iterator[ShutdownCoordinator]:
    with ShutdownCoordinator(clock=TickClock()) as c:
        yield c


def open_ledger(path: Path) -> sqlite3.Connection:
    """A stand-in for the ledger: SQLite in WAL mode, as the real one."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS vend (id INTEGER PRIMARY KEY, outcome TEXT)")
    return db


def test_sigterm_sets_only_a_flag_then_the_loop_closes_in_reverse_order(
    coordinator: ShutdownCoordinator, tmp_path: Path
) -> None:
    pins = MockFactory(pin_class=MockPWMPin)
    chute = PWMLED(CHUTE_LIGHT, pin_factory=pins)
    attention = LED(ATTENTION_LED, pin_factory=pins)
    port = serial.serial_for_url("loop://", timeout=0)
    ledger = open_ledger(tmp_path / "ledger.sqlite3")
    order: list[str] = []

    def close_ledger() -> None:
        order.append("ledger")
        ledger.close()

    def close_port() -> None:
        order.append("port")
        port.close()

    def lights_off() -> None:
        order.append("lights")
        chute.off()
        attention.off()

    coordinator.on_shutdown("ledger closed", close_ledger)  # opened first, closed last
    coordinator.on_shutdown("board port closed", close_port)
    coordinator.on_shutdown("lights off", lights_off)

    ledger.execute("INSERT INTO vend (outcome) VALUES ('dispensed')")
    chute.pulse()  # an item waits in the chute
    attention.on()

    signal.raise_signal(signal.SIGTERM)

    assert coordinator.requested
    assert coordinator.reason == "SIGTERM"
    assert order == [], "the handler does no work: the frame loop does"
    assert attention.is_lit and port.is_open

    results = coordinator.shut_down()

    assert order == ["lights", "port", "ledger"]
    assert [r.name for r in results] == ["lights off", "board port closed", "ledger closed"]
    assert all(r.ok for r in results)
    assert pins.pin(CHUTE_LIGHT).state == 0 and pins.pin(ATTENTION_LED).state == 0
    assert not port.is_open
    assert coordinator.exit_status == 0, "a stop by systemd is a clean exit"
    check = sqlite3.connect(tmp_path / "ledger.sqlite3")
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert check.execute("SELECT outcome FROM vend").fetchall() == [("dispensed",)]
    check.close()


def test_one_failing_step_does_not_keep_the_others_from_running(
    coordinator: ShutdownCoordinator, caplog: pytest.LogCaptureFixture
) -> None:
    done: list[str] = []
    coordinator.on_shutdown("ledger closed", lambda: done.append("ledger"))

    def port_already_gone() -> None:
        raise OSError("device disconnected")

    coordinator.on_shutdown("board port closed", port_already_gone)
    coordinator.on_shutdown("lights off", lambda: done.append("lights"))
    signal.raise_signal(signal.SIGINT)

    with caplog.at_level(logging.INFO, logger="kiosk.shell.shutdown"):
        results = coordinator.shut_down()

    assert done == ["lights", "ledger"]
    failed = [r for r in results if not r.ok]
    assert [(r.name, r.error) for r in failed] == [
        ("board port closed", "OSError: device disconnected")
    ]
    assert [r.seconds for r in results] == [0.25, 0.25, 0.25]
    logged = caplog.text
    assert "shutting down (SIGINT)" in logged
    assert "lights off" in logged and "board port closed" in logged
    assert "ledger closed" in logged


def test_steps_run_once_even_if_asked_twice(coordinator: ShutdownCoordinator) -> None:
    closed: list[int] = []
    coordinator.on_shutdown("ledger closed", lambda: closed.append(1))
    coordinator.request("test")
    first = coordinator.shut_down()
    assert coordinator.shut_down() == first
    assert closed == [1]


def test_technician_exit_keeps_its_status_when_systemd_stops_too(
    coordinator: ShutdownCoordinator,
) -> None:
    assert not coordinator.requested
    coordinator.request("technician exit", exit_status=TECHNICIAN_EXIT_STATUS)
    signal.raise_signal(signal.SIGTERM)
    assert coordinator.reason == "technician exit"
    assert coordinator.exit_status == TECHNICIAN_EXIT_STATUS


def test_uninstall_puts_the_previous_handlers_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with ShutdownCoordinator():
        assert signal.getsignal(signal.SIGTERM) != before
    assert signal.getsignal(signal.SIGTERM) == before


KIOSK_TOML = """
[display]
width = 800
height = 480
fullscreen = false
sdl_driver = "offscreen"

[hardware]
simulated = true
"""


def test_sigterm_from_outside_stops_the_real_kiosk_cleanly(tmp_path: Path) -> None:
    """`python main.py` as systemd runs it (offscreen display, simulated cabinet): READY after
    the first frame, then SIGTERM while it sleeps: it wakes, stops in order, exits 0."""
    notify_path = tmp_path / "notify"
    config = tmp_path / "kiosk.toml"
    config.write_text(KIOSK_TOML, encoding="utf-8")
    data = tmp_path / "data"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(notify_path))
        sock.settimeout(30)
        env = {
            **os.environ,
            "NOTIFY_SOCKET": str(notify_path),
            "SDL_VIDEODRIVER": "offscreen",
            "MAEUM_DATA_DIR": str(data),
        }
        root = Path(__file__).resolve().parents[2]
        with subprocess.Popen(
            [sys.executable, "main.py", "--config", str(config)], cwd=root, env=env
        ) as kiosk:
            assert sock.recv(4096) == b"READY=1"  # the first frame is up
            said = [sock.recv(4096)]
            while b"joined" not in said[-1]:  # the simulated cabinet is in (logged as status)
                said.append(sock.recv(4096))
            kiosk.send_signal(signal.SIGTERM)
            assert kiosk.wait(timeout=30) == 0
        rest = []
        sock.setblocking(False)
        while True:
            try:
                rest.append(sock.recv(4096))
            except BlockingIOError:
                break
        assert rest[-1] == b"STOPPING=1"

    check = sqlite3.connect(data / "ledger.sqlite3")
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    clean = check.execute("SELECT value FROM meta WHERE key = 'clean_shutdown'").fetchone()
    check.close()
    assert clean == ("1",)
    assert not (data / "ledger.sqlite3-wal").exists(), "closed cleanly: WAL checkpointed"
