"""The hardware layers' part of `python main.py bench`: the board round trip, making a printed
slip's bytes (issue #15, target ≤ 150 ms here) and tap to start of speech (issue #13, targets
cached ≤ 50 ms, uncached ≤ 300 ms at p99). Each is skipped with a line saying why when its
part cannot run here (no espeak-ng, no audio device)."""

from __future__ import annotations

from hardware.link_bench import bench_vend_result, format_round_trip

SLIP_TARGET_MS = 150.0


def board_lines(samples: int = 500) -> list[str]:
    return [format_round_trip(bench_vend_result(samples))]


def printer_lines() -> list[str]:
    from hardware.printer.bench import measure_slip_bytes

    lines = []
    for dots in (576, 384):  # 80 mm and 58 mm paper
        b = measure_slip_bytes(dots, 1200)
        lines.append(
            f"slip bytes {b.width}x{b.rows} (1-bit + GS v 0 + cut): best {b.best_ms:.1f} ms, "
            f"median {b.median_ms:.1f} ms, {b.job_bytes} bytes   target <= {SLIP_TARGET_MS:.0f} ms "
            "(without rendering the card: the card comes with issue #14)"
        )
    return lines


def speech_lines() -> list[str]:
    """Tap to speech through the visit's own path (kiosk.tools.bench_speech): a key press in
    the app, the voice guide, the real voice."""
    from kiosk.tools.bench_speech import bench_visit_speech, format_visit_speech

    try:
        return format_visit_speech(bench_visit_speech())
    except (RuntimeError, OSError) as exc:
        return [f"tap to speech: not measured here ({exc})"]
