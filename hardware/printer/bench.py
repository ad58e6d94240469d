"""How long one slip takes to become printer bytes (1-bit conversion + ESC/POS encoding).

`measure_slip_bytes()` builds a card-like grayscale slip (anti-aliased "text" strokes and a
gradient picture box), then times `to_1bit` + `slip_job` on it. The kiosk's own renderer is
timed by the kiosk; the three together should stay under 150 ms on the Pi.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from hardware.printer.commands import Cutter, slip_job
from hardware.printer.raster import Box, Dither, to_1bit


@dataclass(frozen=True)
class SlipBench:
    width: int
    rows: int
    job_bytes: int
    best_ms: float
    median_ms: float


def card_like_slip(width: int, rows: int) -> tuple[bytes, Box]:
    """A grayscale slip with text-like strokes (black cores, gray edges) and one picture box
    of a smooth gradient, as a renderer would draw them. Built with bytes arithmetic."""
    blank = bytes([255]) * width
    stroke = (bytes([255, 190, 40, 0, 0, 40, 190, 255, 255, 255]) * (width // 10 + 1))[:width]
    text_rows = [stroke if (y // 4) % 6 < 4 else blank for y in range(8)]
    box = Box(width // 4, rows // 3, width // 2, min(rows // 3, 240))
    lines = []
    for y in range(rows):
        if box.y <= y < box.y + box.height:
            shade = bytes((255 * x // box.width) for x in range(box.width))
            lines.append(blank[: box.x] + shade + blank[box.x + box.width :])
        elif (y // 24) % 2 == 0:
            lines.append(text_rows[y % 8])
        else:
            lines.append(blank)
    return b"".join(lines), box


def measure_slip_bytes(
    width: int = 576,
    rows: int = 1200,
    *,
    repeats: int = 5,
    clock: Callable[[], float] = time.perf_counter,
) -> SlipBench:
    """Time making one slip's bytes from a grayscale slip `width` × `rows` (the paper's full
    width): threshold for text, Floyd–Steinberg for the picture box, GS v 0 bands, cut."""
    gray, box = card_like_slip(width, rows)
    times = []
    job = b""
    for _ in range(max(1, repeats)):
        start = clock()
        raster = to_1bit(gray, width, pictures=[box], picture_dither=Dither.FLOYD_STEINBERG)
        job = slip_job(raster, dots=width, cutter=Cutter.PARTIAL, feed_lines=4)
        times.append((clock() - start) * 1000)
    return SlipBench(width, rows, len(job), min(times), statistics.median(times))
