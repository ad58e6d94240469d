"""Fuzz target for the MDP/1 frame parser (`hardware.protocol.FrameParser`).

`check(data)` is the property: whatever bytes arrive, in whatever pieces and with whatever
silences, the parser never raises, never holds a whole frame's worth of bytes, and only ever
returns frames that were really in the input. Two drivers run it:

    .venv/bin/python -m pytest fuzz -m slow          # hypothesis, ~20 000 inputs, no extra install
    .venv/bin/pip install atheris                    # optional, coverage-guided (see README.md)
    .venv/bin/python -m fuzz.fuzz_parser -max_total_time=300
"""

from __future__ import annotations

import sys

from hardware.protocol import MAX_FRAME, Frame, FrameParser, decode, encode

GAP_S = 0.025  # longer than the 20 ms partial-frame limit


def check(data: bytes) -> None:
    """Raise AssertionError if the parser misbehaves on `data` (any other exception is a bug)."""
    if len(data) < 2:
        return
    chunk, gaps, stream = 1 + data[0] % 16, data[1], data[2:]
    whole = _feed_all(stream, chunk=len(stream) or 1, gap_every=0)
    assert _feed_all(stream, chunk=chunk, gap_every=0) == whole, "chunking changed the frames"
    _feed_all(stream, chunk=chunk, gap_every=gaps % 8)


def _feed_all(stream: bytes, *, chunk: int, gap_every: int) -> list[Frame]:
    parser = FrameParser()
    frames: list[Frame] = []
    now = 0.0
    for n, start in enumerate(range(0, len(stream), chunk)):
        if gap_every and n % gap_every == 0:
            now += GAP_S
        frames += parser.feed(stream[start : start + chunk], now)
        assert parser.buffered < MAX_FRAME, "a whole frame's worth of bytes is held back"
    frames += parser.feed(b"", now + 1.0)
    assert parser.buffered == 0, "bytes survived a second of silence"
    for frame in frames:
        raw = encode(frame)
        assert raw in stream, f"frame {frame} was not in the input"
        assert decode(raw) == frame
    return frames


def main() -> int:
    try:
        import atheris  # type: ignore[import-untyped]
    except ImportError:
        print(
            "atheris is not installed: `.venv/bin/pip install atheris`, or run the hypothesis"
            " fuzz instead: `.venv/bin/python -m pytest fuzz -m slow`",
            file=sys.stderr,
        )
        return 2
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
