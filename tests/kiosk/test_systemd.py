"""The sd_notify client against a real AF_UNIX datagram socket standing in for systemd."""

from __future__ import annotations

import itertools
import logging
import os
import secrets
import select
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.shell.systemd import Notifier, read_boot_id

FRAME = 1 / 30  # seconds per frame of the simulated loop


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    """A datagram socket bound in a temp dir, as systemd's NOTIFY_SOCKET is."""
    path = tmp_path / "notify"
    assert len(str(path)) < 100, "AF_UNIX paths are limited to 108 bytes"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.setblocking(False)
    yield str(path), sock
    sock.close()


def drain(sock: socket.socket) -> list[str]:
    """Every datagram already delivered (sendto on AF_UNIX delivers before it returns)."""
    messages = []
    while True:
        try:
            messages.append(sock.recv(4096).decode())
        except BlockingIOError:
            return messages


def test_ready_reaches_the_notify_socket(notify_socket: tuple[str, socket.socket]) -> None:
    path, sock = notify_socket
    notifier = Notifier.from_environ({"NOTIFY_SOCKET": path})
    assert notifier.enabled
    notifier.ready()
    notifier.ready()  # a frame loop calling it every frame still says it once
    notifier.status("attract screen\nshown")
    notifier.stopping()
    assert drain(sock) == ["READY=1", "STATUS=attract screen shown", "STOPPING=1"]
    notifier.close()


def test_abstract_namespace_socket_is_supported() -> None:
    name = f"maeum-test-{os.getpid()}-{secrets.token_hex(4)}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name.encode())
        sock.setblocking(False)
        notifier = Notifier.from_environ({"NOTIFY_SOCKET": "@" + name})
        notifier.ready()
        assert drain(sock) == ["READY=1"]
        notifier.close()


def test_outside_systemd_everything_is_a_no_op() -> None:
    notifier = Notifier.from_environ({})
    assert not notifier.enabled
    notifier.ready()
    notifier.stopping()
    assert not notifier.watchdog_due(0.0)
    assert notifier.watchdog(0.0) is False


def test_relative_notify_socket_is_refused() -> None:
    with pytest.raises(ValueError, match="NOTIFY_SOCKET"):
        Notifier.from_environ({"NOTIFY_SOCKET": "run/notify"})


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WATCHDOG_USEC": "10000000"}, 10.0),
        ({"WATCHDOG_USEC": "10000000", "WATCHDOG_PID": "4242"}, 10.0),
        ({"WATCHDOG_USEC": "10000000", "WATCHDOG_PID": "4243"}, None),  # another process's
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "ten"}, None),
        ({}, None),
    ],
)
def test_watchdog_interval_follows_systemd_rules(
    notify_socket: tuple[str, socket.socket], env: dict[str, str], expected: float | None
) -> None:
    path, _ = notify_socket
    notifier = Notifier.from_environ({"NOTIFY_SOCKET": path, **env}, pid=4242)
    assert notifier.watchdog_interval == expected


def run_frames(notifier: Notifier, sock: socket.socket, start: float, end: float) -> list[float]:
    """A frame loop in passed-in time; returns the frame times at which a ping arrived."""
    arrivals = []
    frames = round((end - start) / FRAME)
    for i in range(frames):
        now = start + i * FRAME
        notifier.watchdog(now)
        arrivals += [now for message in drain(sock) if message == "WATCHDOG=1"]
    return arrivals


def test_watchdog_is_rate_limited_to_half_the_interval(
    notify_socket: tuple[str, socket.socket],
) -> None:
    path, sock = notify_socket
    notifier = Notifier.from_environ({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"})
    arrivals = run_frames(notifier, sock, start=100.0, end=120.0)

    assert arrivals[0] == 100.0, "the first frame pings at once"
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    # Never more often than every 1 s (half of 2 s), never later than one frame after that.
    assert all(1.0 - 1e-9 <= gap <= 1.0 + FRAME + 1e-9 for gap in gaps), gaps
    assert len(arrivals) >= 20 / (1.0 + FRAME)


class FakeSystemdWatchdog:
    """systemd's side: the service is killed when no ping came within the interval."""

    def __init__(self, interval: float, started: float) -> None:
        self.interval = interval
        self.last = started

    def receive(self, sock: socket.socket, now: float) -> None:
        if "WATCHDOG=1" in drain(sock):
            self.last = now

    def expired(self, now: float) -> bool:
        return now - self.last > self.interval


def test_watchdog_stops_when_the_frame_loop_stalls(
    notify_socket: tuple[str, socket.socket],
) -> None:
    path, sock = notify_socket
    notifier = Notifier.from_environ({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "10000000"})
    systemd = FakeSystemdWatchdog(interval=10.0, started=0.0)
    now = 0.0
    while now < 60.0:  # a minute of a healthy UI
        notifier.watchdog(now)
        systemd.receive(sock, now)
        assert not systemd.expired(now)
        now += FRAME

    # The frame loop freezes (say, a blocking call in a screen): nobody calls watchdog().
    stalled_at = now
    while now < stalled_at + 11.0:
        systemd.receive(sock, now)
        now += FRAME
    assert drain(sock) == [], "nothing pings on the frozen loop's behalf"
    assert systemd.expired(now), "systemd restarts the kiosk"


CHILD = textwrap.dedent(
    """
    import sys, time
    from kiosk.shell.systemd import Notifier
    notifier = Notifier.from_environ()
    notifier.ready()
    pings = 0
    while pings < 3:                      # the frame loop, paced as clock.tick() would
        if notifier.watchdog(time.monotonic()):
            pings += 1
        time.sleep(1 / 60)
    print("stalled", flush=True)
    sys.stdin.read()                      # frozen until the test lets go
    """
)


def test_a_child_process_reaches_the_socket_through_its_environment(
    notify_socket: tuple[str, socket.socket],
) -> None:
    """As under systemd: a separate process, configured only by NOTIFY_SOCKET/WATCHDOG_USEC."""
    path, sock = notify_socket
    env = {**os.environ, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000"}
    root = Path(__file__).resolve().parents[2]
    with subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=root,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "stalled"
        messages = drain(sock)
        assert messages[0] == "READY=1"
        assert messages[1:] == ["WATCHDOG=1"] * 3
        # Three half-intervals of the stalled child: no ping may come from anywhere.
        readable, _, _ = select.select([sock], [], [], 0.15)
        assert readable == [], drain(sock)
        child.stdin.close()
        assert child.wait(timeout=10) == 0


def test_a_socket_that_is_gone_does_not_stop_the_kiosk(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    notifier = Notifier.from_environ(
        {"NOTIFY_SOCKET": str(tmp_path / "gone"), "WATCHDOG_USEC": "1000000"}
    )
    with caplog.at_level(logging.WARNING, logger="kiosk.shell.systemd"):
        notifier.ready()
        assert notifier.watchdog(5.0) is False
        assert notifier.watchdog(6.0) is False
    assert len([r for r in caplog.records if "sd_notify" in r.getMessage()]) == 1


def test_boot_id_tells_one_boot_from_another(tmp_path: Path) -> None:
    boot_id = tmp_path / "boot_id"
    boot_id.write_text("5e1f0c3a-2b7d-4a57-9c0e-1d2f3a4b5c6d\n")
    assert read_boot_id(boot_id) == "5e1f0c3a-2b7d-4a57-9c0e-1d2f3a4b5c6d"
    assert read_boot_id(tmp_path / "missing") == ""
