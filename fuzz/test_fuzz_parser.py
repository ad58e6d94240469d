"""A long hypothesis run of the parser fuzz target: `pytest fuzz -m slow` (not in `make test`)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.fuzz_parser import check
from hardware.protocol import Frame, encode

# Raw bytes, plus streams built around real frames so the interesting paths are reached often.
frames = st.builds(Frame, st.integers(0, 255), st.integers(0, 255), st.binary(max_size=32)).map(
    encode
)
pieces = st.one_of(st.binary(max_size=40), frames, st.sampled_from([b"\xa5", b"\xa5\x20"]))
streams = st.lists(pieces, max_size=20).map(b"".join)


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(min_size=2, max_size=2), streams)
def test_parser_survives_anything(header: bytes, stream: bytes) -> None:
    check(header + stream)


@pytest.mark.slow
@settings(max_examples=5_000, deadline=None)
@given(st.binary(max_size=600))
def test_parser_survives_raw_bytes(data: bytes) -> None:
    check(data)
