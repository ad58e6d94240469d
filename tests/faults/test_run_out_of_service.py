"""`python main.py run` with a configuration it cannot use, started the way systemd starts it:
its own process, a real X display (Xvfb), NOTIFY_SOCKET and WATCHDOG_USEC in the environment.
It must come up (READY after the first frame, the watchdog fed, the status line saying why)
and stay up until it is stopped, then end with status 0: no restart every two seconds."""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0  # a loaded test machine; the kiosk itself is up in a few seconds


@pytest.fixture
def x_display() -> Iterator[str]:
    """A private Xvfb server; its display name, as it reports it (-displayfd)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (deploy/system-deps.sh test)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x600x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], START_TIMEOUT_S)
        assert ready, "Xvfb did not start"
        number = os.read(read_end, 64).decode().strip()
        assert number.isdigit(), number
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(timeout=10)


class Watched:
    """The kiosk process and its notify socket, read as they speak (select, bounded)."""

    def __init__(self, process: subprocess.Popen[bytes], sock: socket.socket) -> None:
        self.process = process
        self.sock = sock
        self.err = b""
        self.told: list[str] = []

    def until(self, message: str, timeout: float = START_TIMEOUT_S) -> None:
        """Read until the kiosk told "systemd" `message`; fail at once if it exits first."""
        assert self.process.stderr is not None
        err = self.process.stderr.fileno()
        while not any(message in m for m in self.told):
            ready, _, _ = select.select([self.sock, err], [], [], timeout)
            assert ready, f"no {message!r} within {timeout} s; got {self.told}"
            if self.sock in ready:
                self.told.append(self.sock.recv(4096).decode())
            elif err in ready:
                chunk = os.read(err, 65536)
                assert chunk, f"the kiosk exited before {message!r}: {self.err.decode()}"
                self.err += chunk


def test_run_with_an_unusable_configuration_comes_up_and_stays_up(
    x_display: str, open_dir: Path
) -> None:
    broken = open_dir / "kiosk.toml"
    broken.mkdir()  # a folder where the file should be
    notify = open_dir / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    env = {
        **os.environ,
        "DISPLAY": x_display,
        "SDL_VIDEODRIVER": "x11",
        "SDL_AUDIODRIVER": "dummy",
        "NOTIFY_SOCKET": str(notify),
        "WATCHDOG_USEC": "2000000",
        "MAEUM_DATA_DIR": str(open_dir / "data"),
    }
    env.pop("WATCHDOG_PID", None)
    kiosk = subprocess.Popen(
        [sys.executable, "main.py", "run", "--config", str(broken)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    watched = Watched(kiosk, sock)
    try:
        watched.until("READY=1")
        watched.until("WATCHDOG=1")
        assert kiosk.poll() is None, "it must stay up, not exit into a restart loop"
        status = [m for m in watched.told if m.startswith("STATUS=")]
        assert status and status[0].startswith(
            f"STATUS=OUT OF SERVICE: configuration: {broken}: is a folder"
        )
        kiosk.send_signal(signal.SIGTERM)
        _, rest = kiosk.communicate(timeout=30)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.communicate()
        sock.close()
    err = (watched.err + rest).decode()
    assert kiosk.returncode == 0, err
    assert "Traceback" not in err
    assert f"OUT OF SERVICE: the configuration cannot be used: {broken}" in err
    assert not (open_dir / "data").exists(), "no ledger, nothing written: the data is unknown"
