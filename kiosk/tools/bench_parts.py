"""The hardware layers' part of `python main.py bench`: the board round trip, making a printed
slip's bytes from the visit's order (issue #15: draw, 1-bit, encode; target ≤ 150 ms here) and
tap to start of speech (issue #13, targets cached ≤ 50 ms, uncached ≤ 300 ms at p99). Each is
skipped with a line saying why when its part cannot run here (no espeak-ng, no audio device)."""

from __future__ import annotations

from dataclasses import dataclass

from hardware.link_bench import bench_vend_result, format_round_trip

SLIP_TARGET_MS = 150.0


def board_lines(samples: int = 500) -> list[str]:
    return [format_round_trip(bench_vend_result(samples))]


def printer_lines(repeats: int = 5) -> list[str]:
    """One real slip (the longest phrase of the bundled content), drawn, made 1-bit and
    encoded, on 80 mm and 58 mm paper; with the print time that length takes on paper."""
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    lines = []
    for dots in (576, 384):  # 80 mm and 58 mm paper
        b = slip_bench(dots, repeats)
        lines.append(
            f"slip {b.width}x{b.rows} (draw + 1-bit + GS v 0 + cut): best {b.best_ms:.1f} ms, "
            f"median {b.median_ms:.1f} ms, {b.job_bytes} bytes   target <= {SLIP_TARGET_MS:.0f} ms"
        )
        mm = b.rows / 8 + 17  # the picture and the feed past the cutter
        lines.append(
            f"  on paper: {mm:.0f} mm; at 80 mm/s {mm / 80:.1f} s, at 150 mm/s {mm / 150:.1f} s; "
            f"the bytes take {b.job_bytes * 10 / 115200:.1f} s at 115200 baud"
        )
    return lines


@dataclass(frozen=True)
class SlipTimes:
    width: int
    rows: int
    job_bytes: int
    best_ms: float
    median_ms: float


def slip_bench(dots: int, repeats: int = 5) -> SlipTimes:
    """Time making one slip's bytes from the visit's order: `slip_picture`, then the same
    1-bit conversion and ESC/POS encoding as the print service (the first slip, which also
    makes the QR code and opens the fonts, is not counted: the service does that at start)."""
    import statistics
    import time
    from datetime import datetime

    import pygame
    from PIL import Image

    from hardware.printer import Cutter, slip_job, to_1bit
    from kiosk.shell.config import BUNDLED_CONTENT, KioskConfig
    from kiosk.shell.runtime import load_first_good
    from kiosk.ui.fonts import FontBook
    from kiosk.ui.i18n import Translations
    from kiosk.visit.printing.slip import slip_picture
    from kiosk.visit.screens.base import PictureCache

    pygame.font.init()
    content, _ = load_first_good(BUNDLED_CONTENT)
    rx = max(content.prescriptions, key=lambda p: len(p.phrase.get("ko")))
    fonts, cache = FontBook(), PictureCache()
    translations = Translations.load(KioskConfig().languages)
    times: list[float] = []
    job, rows = b"", 0
    for i in range(max(1, repeats) + 1):
        start = time.perf_counter()
        surface = slip_picture(
            content, rx, "ko", dots, fonts, datetime(2026, 3, 5), i + 1,
            translations=translations, cache=cache,
        )  # fmt: skip
        size = surface.get_size()
        rgb = Image.frombytes("RGB", size, pygame.image.tobytes(surface, "RGB"))
        raster = to_1bit(rgb.convert("L").tobytes(), size[0])
        job = slip_job(raster, dots=dots, cutter=Cutter.PARTIAL, feed_lines=4)
        rows = raster.height
        if i:
            times.append((time.perf_counter() - start) * 1000)
    return SlipTimes(dots, rows, len(job), min(times), statistics.median(times))


def speech_lines() -> list[str]:
    """Tap to speech through the visit's own path (kiosk.tools.bench_speech): a key press in
    the app, the voice guide, the real voice."""
    from kiosk.tools.bench_speech import bench_visit_speech, format_visit_speech

    try:
        return format_visit_speech(bench_visit_speech())
    except (RuntimeError, OSError) as exc:
        return [f"tap to speech: not measured here ({exc})"]
