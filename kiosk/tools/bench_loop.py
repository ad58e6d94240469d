"""The frame loop's part of `python main.py bench`, measured on the real assembly and the real
`Shell` (offscreen SDL, simulated hardware):

- idle CPU on an untouched attract screen (target ≤ 0.2 %);
- tap → flip: a tap injected as the touchscreen would (an SDL event, and the input device
  becoming readable), until the frame that shows it is on the screen; p50 and p99 of the
  whole and of what the loop adds to the frame's own work (target ≤ 2 ms);
- start-up: from spawning `python main.py` to its systemd READY=1, side by side with a bare
  pygame-ce process that opens the same window, loads the same font, draws a line and flips
  (target: within 3×).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pygame

from kiosk.shell.assembly import Kiosk, assemble
from kiosk.shell.config import KioskConfig
from kiosk.shell.loop import Shell
from kiosk.shell.shutdown import ShutdownCoordinator
from kiosk.shell.systemd import Notifier
from kiosk.shell.wait import Sleeper
from kiosk.ui.fonts import find_korean_fonts
from kiosk.ui.theme import panel

ROOT = Path(__file__).resolve().parents[2]
# The voice's start-up work (every phrase of the content into the cache, then its output
# resting after 30 s of silence) is waited for, up to this, before idle is measured.
VOICE_SETTLE_S = 400.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _kiosk(
    data_dir: Path, motion: bool = True
) -> tuple[Kiosk, pygame.Surface, ShutdownCoordinator]:
    pygame.display.init()
    display = replace(panel(1280, 800), attract_motion=motion)
    config = replace(KioskConfig(), display=display, data_dir=data_dir)
    surface = pygame.display.set_mode((1280, 800))
    shutdown = ShutdownCoordinator(signals=())
    kiosk = assemble(config, notifier=Notifier(None), shutdown=shutdown)
    kiosk.start(None)
    kiosk.wait_for_cabinet()
    return kiosk, surface, shutdown


def _settle(kiosk: Kiosk, limit_s: float = 60.0, voice_limit_s: float = 0.0) -> None:
    """Until the start-up work is over: the content's full check (a second or two of CPU,
    once) and the first frame; with `voice_limit_s`, also the voice's pre-rendering of every
    phrase of the content (once per content, minutes) and its output's rest after silence."""
    end = time.monotonic() + limit_s
    while kiosk.feed.last_result is None and time.monotonic() < end:
        time.sleep(0.05)
    if voice_limit_s:
        kiosk.wait_for_audio(voice_limit_s)
        voice_end = time.monotonic() + voice_limit_s
        kiosk.runtime.app.voice.prerendered.wait(voice_limit_s)
        if kiosk.speech is not None:
            kiosk.speech.voice.rested.wait(max(0.0, voice_end - time.monotonic()))
    time.sleep(0.5)


def _run_loop(
    kiosk: Kiosk,
    surface: pygame.Surface,
    shutdown: ShutdownCoordinator,
    drive: Callable[[], None],
) -> None:
    """The real Shell in this thread while `drive` runs in another; stops when it returns."""

    def driver() -> None:
        try:
            drive()
        finally:
            shutdown.request("bench over")
            kiosk.waker.wake()

    sleeper = Sleeper(kiosk.waker, [], poll_input=False)  # offscreen: no input devices
    thread = threading.Thread(target=driver, name="bench-driver")
    thread.start()
    Shell(kiosk.runtime, surface, True, kiosk.notifier, shutdown, sleeper).run()
    thread.join()
    shutdown.shut_down()


def idle_cpu_percent(seconds: float, motion: bool = True) -> float:
    """CPU of the whole process (every thread) on an untouched attract screen, with its
    animation (`motion`) or still."""
    with tempfile.TemporaryDirectory() as data:
        kiosk, surface, shutdown = _kiosk(Path(data), motion)
        measured: list[float] = []

        def drive() -> None:
            _settle(kiosk, voice_limit_s=VOICE_SETTLE_S)
            cpu0, wall0 = time.process_time(), time.monotonic()
            time.sleep(seconds)
            measured.append(100 * (time.process_time() - cpu0) / (time.monotonic() - wall0))

        _run_loop(kiosk, surface, shutdown, drive)
        pygame.display.quit()
    return measured[0]


@dataclass
class TapLatency:
    total_p50_ms: float
    total_p99_ms: float
    added_p50_ms: float  # tap → flip, less the frame's own input handling, layout and drawing
    added_p99_ms: float


def tap_latency(taps: int = 100) -> TapLatency:
    """Taps on the language buttons of the attract screen (each one redraws the screen)."""
    with tempfile.TemporaryDirectory() as data:
        kiosk, surface, shutdown = _kiosk(Path(data))
        app = kiosk.runtime.app
        totals: list[float] = []
        added: list[float] = []

        def drive() -> None:
            _settle(kiosk)
            for n in range(taps):
                name = "lang:en" if n % 2 == 0 else "lang:ko"
                center = app.page.button(name).rect.center
                sent = time.perf_counter()
                for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
                    pygame.event.post(pygame.event.Event(kind, pos=center, button=1))
                kiosk.waker.wake()  # what the touchscreen's device does for the real loop
                while (flip := app.last_flip) is None or flip < sent:
                    time.sleep(0.0002)
                totals.append((flip - sent) * 1000)
                added.append(max(0.0, flip - sent - app.last_frame_s) * 1000)
                time.sleep(0.02)

        _run_loop(kiosk, surface, shutdown, drive)
        pygame.display.quit()
    return TapLatency(
        statistics.median(totals),
        _percentile(totals, 0.99),
        statistics.median(added),
        _percentile(added, 0.99),
    )


# --- start-up, side by side ---------------------------------------------------------------------

BARE = """
import os, socket, sys
import pygame
pygame.display.init(); pygame.font.init()
surface = pygame.display.set_mode((1280, 800))
font = pygame.font.Font(sys.argv[1], 32)
surface.fill((250, 246, 238))
surface.blit(font.render("마음약방", True, (0, 0, 0)), (40, 40))
pygame.display.flip()
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])
"""

KIOSK_CONFIG = """
[display]
width = 1280
height = 800
fullscreen = false
sdl_driver = "offscreen"

[hardware]
simulated = true
"""


def _until_ready(argv: list[str], env: dict[str, str], timeout: float = 30.0) -> float:
    """Seconds from spawning `argv` to its READY=1 on a notify socket of our own."""
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "notify")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        listener.bind(path)
        listener.settimeout(timeout)
        started = time.perf_counter()
        child = subprocess.Popen(
            argv,
            env={**env, "NOTIFY_SOCKET": path},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while b"READY=1" not in listener.recv(4096):
                pass
            return time.perf_counter() - started
        finally:
            child.terminate()
            child.wait(10)
            listener.close()


def startup_side_by_side(runs: int = 5) -> tuple[float, float]:
    """Median seconds to READY=1: the kiosk, and the bare pygame-ce process."""
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "offscreen",
        "SDL_AUDIODRIVER": "dummy",
        "PYGAME_HIDE_SUPPORT_PROMPT": "1",
    }
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "kiosk.toml"
        config.write_text(KIOSK_CONFIG, encoding="utf-8")
        env["MAEUM_DATA_DIR"] = str(Path(tmp) / "data")
        kiosk_argv = [sys.executable, "main.py", "--config", str(config)]
        bare_argv = [sys.executable, "-c", BARE, str(find_korean_fonts().regular)]
        kiosk, bare = [], []
        for _ in range(runs):  # alternated, so that load on the machine hits both alike
            kiosk.append(_until_ready(kiosk_argv, env))
            bare.append(_until_ready(bare_argv, env))
    return statistics.median(kiosk), statistics.median(bare)


def loop_lines(idle_seconds: float) -> list[str]:
    kiosk_s, bare_s = startup_side_by_side()
    lines = [
        f"start-up to READY=1 (median of 5): kiosk {kiosk_s:.3f} s, bare pygame-ce "
        f"{bare_s:.3f} s, ratio {kiosk_s / bare_s:.2f}   target <= 3",
    ]
    cpu = idle_cpu_percent(idle_seconds, motion=False)
    lines.append(
        f"idle CPU on a still attract for {idle_seconds:.0f} s (whole process, simulated "
        f"cabinet, after the voice's pre-rendering): {cpu:.2f} %   target <= 0.2 %"
    )
    cpu = idle_cpu_percent(idle_seconds, motion=True)
    lines.append(
        f"idle CPU on attract with its animation for {idle_seconds:.0f} s: {cpu:.2f} %"
        "   target <= 3 %"
    )
    tap = tap_latency()
    lines.append(
        f"tap -> flip: p50 {tap.total_p50_ms:.2f} ms, p99 {tap.total_p99_ms:.2f} ms; "
        f"beyond the frame's own work: p50 {tap.added_p50_ms:.2f} ms, "
        f"p99 {tap.added_p99_ms:.2f} ms   target <= 2 ms"
    )
    return lines
