"""`python main.py bench`: the speed and memory targets, measured rather than asserted in tests.

Targets on a 2-core x86 machine (issue #2): first frame ≤ 0.5 s, p99 frame ≤ 4 ms, idle CPU on
the attract screen ≤ 2 %, peak RSS ≤ 80 MB; plus the board's VEND_RESULT round trip (issue #4).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pygame

from hardware.dispenser import SimulatedDispenser
from kiosk.shell.config import KioskConfig
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.ui.fonts import FontBook
from kiosk.ui.theme import panel

SCREEN_SCRIPT = (
    "attract",
    "symptom",
    "mood",
    "prescription",
    "dispensing",
    "take_item",
    "info",
    "help",
    "goodbye",
)


@dataclass
class FrameStats:
    screen: str
    redraw_p50_ms: float
    redraw_p99_ms: float
    idle_p50_ms: float
    idle_p99_ms: float


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def first_frame_seconds() -> float:
    """Wall time from starting a fresh interpreter to the kiosk's first frame on screen."""
    code = (
        "import time,sys; t=time.perf_counter(); from kiosk.tools.bench import _first_frame_child;"
        "_first_frame_child(t)"
    )
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "PYGAME_HIDE_SUPPORT_PROMPT": "1",
    }
    root = Path(__file__).resolve().parents[2]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env, check=True, cwd=root)
    interpreter = time.perf_counter() - start  # starting Python itself, before our first line
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=root
    )
    return interpreter + float(out.stdout.strip().splitlines()[-1])


def _first_frame_child(started: float) -> None:
    pygame.display.init()
    config = replace(KioskConfig(), display=panel(1280, 800))
    surface = pygame.display.set_mode((1280, 800))
    rt = build_runtime(config, time.monotonic())
    rt.app.frame(surface, [], time.monotonic())
    pygame.display.flip()
    print(time.perf_counter() - started)


def _drive_to(rt: Runtime, screen: str, now: float) -> float:
    app = rt.app
    steps = {
        "symptom": ["start"],
        "mood": ["start", "symptom"],
        "prescription": ["start", "symptom", "answer:1", "answer:2", "answer:1"],
        "dispensing": ["start", "symptom", "skip", "continue"],
        "take_item": ["start", "symptom", "skip", "continue", "@finish"],
        "info": ["start", "symptom", "skip", "continue", "@finish", "continue"],
        "help": ["help"],
        "goodbye": [
            "start",
            "symptom",
            "skip",
            "continue",
            "@finish",
            "continue",
            "@places",
            "continue",
        ],
    }.get(screen, [])
    for name in steps:
        now += 1.0
        if name == "@finish":
            gate = getattr(rt.dispenser, "wait", None)
            if gate is not None:
                gate.set()
            rt.worker.join(5)
            app.tick(now)
            continue
        app.refresh(now)
        if name == "symptom":
            name = next(b.name for b in app.page.buttons if b.name.startswith("symptom:"))
        if name == "@places":  # short screens show the places on a second info page
            if any(b.name == "places" for b in app.page.buttons):
                app.press("places", now)
            continue
        app.press(name, now)
    return now


def frame_times(size: tuple[int, int], frames: int = 200) -> list[FrameStats]:
    """Per screen: frames that redraw (focus moves, so the page is rebuilt and drawn) and
    frames where nothing changed (the common case)."""
    config = replace(KioskConfig(), display=panel(*size))
    fonts = FontBook()
    surface = pygame.Surface(size)
    out = []
    for screen in SCREEN_SCRIPT:
        gate = threading.Event()
        rt = build_runtime(
            config, 0.0, dispenser=SimulatedDispenser(wait=gate), seed=3, fonts=fonts
        )
        now = _drive_to(rt, screen, 0.0)
        app = rt.app
        for _ in range(10):  # warm the caches: the first look at a screen is timed apart
            now += 1 / 30
            app.focus = (app.focus + 1) % max(1, len(app.page.buttons))
            app.frame(surface, [], now)
        redraw, idle = [], []
        for i in range(frames):
            now += 1 / 30
            app.focus = (app.focus + 1) % max(1, len(app.page.buttons))
            t = time.perf_counter()
            app.frame(surface, [], now)
            redraw.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            app.frame(surface, [], now)
            idle.append((time.perf_counter() - t) * 1000)
            del i
        gate.set()
        rt.close()
        out.append(
            FrameStats(
                screen,
                statistics.median(redraw),
                _percentile(redraw, 0.99),
                statistics.median(idle),
                _percentile(idle, 0.99),
            )
        )
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_all(idle_seconds: float = 10.0, frames: int = 200) -> list[str]:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    pygame.display.init()  # not pygame.init(): the audio mixer would run a thread of its own
    pygame.font.init()
    lines = []
    ff = first_frame_seconds()
    lines.append(f"first frame (fresh process, 1280x800): {ff:.3f} s   target <= 0.5 s")
    for size in ((1280, 800), (1920, 1080)):
        lines.append(f"frame times at {size[0]}x{size[1]} (ms)   target p99 <= 4 ms")
        lines.append(
            f"  {'screen':<13} {'redraw p50':>10} {'redraw p99':>10} "
            f"{'idle p50':>9} {'idle p99':>9}"
        )
        for st in frame_times(size, frames):
            lines.append(
                f"  {st.screen:<13} {st.redraw_p50_ms:>10.2f} {st.redraw_p99_ms:>10.2f}"
                f" {st.idle_p50_ms:>9.3f} {st.idle_p99_ms:>9.3f}"
            )
    from kiosk.tools.bench_loop import loop_lines

    lines.extend(loop_lines(idle_seconds))
    lines.append(f"peak RSS: {peak_rss_mb():.1f} MB   target <= 80 MB")
    return lines
