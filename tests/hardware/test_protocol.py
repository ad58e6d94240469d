"""The MDP/1 codec and parser: the datasheet's example frames, resynchronisation, hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.errors import BoardProtocolError
from hardware.protocol import (
    MAX_FRAME,
    BoardInfo,
    BoardState,
    BoardStatus,
    Cmd,
    Frame,
    FrameError,
    FrameParser,
    Sensors,
    VendCode,
    VendResultCode,
    crc16_ccitt_false,
    decode,
    encode,
    unpack_vend_code,
    unpack_vend_result,
    vend_request,
    vend_result_request,
)

# The datasheet's "Example frames (hex)", with the frame each one must be.
DATASHEET = [
    ("A5 00 01 01 EF 8C", Frame(1, Cmd.HELLO)),
    (
        "A5 0C 01 81 01 06 01 02 4D 59 30 30 30 30 34 32 56 B4",
        Frame(1, 0x81, BoardInfo(1, 6, 1, 2, "MY000042").pack()),
    ),
    ("A5 03 02 10 00 2A 03 46 9A", Frame(2, Cmd.VEND, vend_request(42, 3))),
    ("A5 03 02 90 00 2A 00 AB C1", Frame(2, 0x90, bytes([0, 42, VendCode.ACCEPTED]))),
    ("A5 02 03 11 00 2A 3F 28", Frame(3, Cmd.VEND_RESULT, vend_result_request(42))),
    ("A5 03 03 91 00 2A 01 67 05", Frame(3, 0x91, bytes([0, 42, VendResultCode.DONE]))),
    ("A5 02 04 FF 33 01 10 FA", Frame(4, 0xFF, bytes([0x33, 0x01]))),
    (
        "A5 09 05 82 00 00 00 00 00 00 00 0E 10 1E AA",
        Frame(5, 0x82, BoardStatus(BoardState.IDLE, 0, 0, 3600).pack()),
    ),
]


def test_crc_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1


@pytest.mark.parametrize(("hex_bytes", "frame"), DATASHEET)
def test_datasheet_frames_encode_byte_for_byte(hex_bytes: str, frame: Frame) -> None:
    assert encode(frame) == bytes.fromhex(hex_bytes)


@pytest.mark.parametrize(("hex_bytes", "frame"), DATASHEET)
def test_datasheet_frames_decode_and_parse(hex_bytes: str, frame: Frame) -> None:
    raw = bytes.fromhex(hex_bytes)
    assert decode(raw) == frame
    assert FrameParser().feed(raw, now=0.0) == [frame]


def test_datasheet_payloads_mean_what_the_datasheet_says() -> None:
    hello = decode(bytes.fromhex(DATASHEET[1][0]))
    assert BoardInfo.unpack(hello.payload) == BoardInfo(1, 6, 1, 2, "MY000042")
    status = decode(bytes.fromhex(DATASHEET[7][0]))
    assert BoardStatus.unpack(status.payload) == BoardStatus(BoardState.IDLE, 0, 0, 3600)
    assert unpack_vend_code(decode(bytes.fromhex(DATASHEET[3][0])).payload, 42) is (
        VendCode.ACCEPTED
    )
    assert unpack_vend_result(decode(bytes.fromhex(DATASHEET[5][0])).payload, 42) is (
        VendResultCode.DONE
    )


def test_reply_about_another_vend_id_is_a_protocol_error() -> None:
    with pytest.raises(BoardProtocolError, match="vend_id 42, not 43"):
        unpack_vend_result(bytes([0, 42, 1]), 43)


@pytest.mark.parametrize(
    ("payload", "parse"),
    [
        (b"\x01\x06", BoardInfo.unpack),
        (b"\x00" * 8, BoardStatus.unpack),
        (b"\x00" * 7, Sensors.unpack),
        (bytes([9, 0, 0, 0, 0, 0, 0, 0, 0]), BoardStatus.unpack),  # state 9 does not exist
    ],
)
def test_malformed_reply_payloads_are_protocol_errors(payload: bytes, parse: object) -> None:
    with pytest.raises(BoardProtocolError):
        parse(payload)  # type: ignore[operator]


@pytest.mark.parametrize(
    "raw",
    [
        "A5 00 01 01 EF 8D",  # CRC off by one
        "A5 21 01 01" + " 00" * 33 + " 00 00",  # LEN 33
        "A5 00 01 01 EF",  # short
        "5A 00 01 01 EF 8C",  # no SOF
    ],
)
def test_decode_rejects_anything_but_one_valid_frame(raw: str) -> None:
    with pytest.raises(FrameError):
        decode(bytes.fromhex(raw))


def test_frame_refuses_payload_over_32_bytes() -> None:
    with pytest.raises(FrameError):
        Frame(1, 1, bytes(33))


HELLO = bytes.fromhex("A5 00 01 01 EF 8C")
VEND = bytes.fromhex("A5 03 02 10 00 2A 03 46 9A")


def test_bad_crc_drops_only_the_sof_so_a_frame_inside_is_found() -> None:
    # A damaged frame whose LEN (3) swallows the start of the next, good frame.
    damaged = bytes.fromhex("A5 03 07 10")
    parser = FrameParser()
    assert parser.feed(damaged + HELLO + VEND, now=0.0) == [decode(HELLO), decode(VEND)]
    assert parser.stats.bad_crc == 1


def test_bad_length_drops_only_the_sof() -> None:
    parser = FrameParser()
    assert parser.feed(bytes([0xA5, 0xA5]) + HELLO[1:], now=0.0) == [decode(HELLO)]
    assert parser.feed(bytes([0xA5, 0x40]) + HELLO, now=0.0) == [decode(HELLO)]
    assert parser.stats.bad_length == 2


def test_partial_frame_is_completed_by_bytes_within_20_ms() -> None:
    parser = FrameParser()
    assert parser.feed(VEND[:4], now=1.000) == []
    assert parser.feed(VEND[4:], now=1.019) == [decode(VEND)]


def test_partial_frame_is_dropped_after_20_ms_of_silence() -> None:
    parser = FrameParser()
    assert parser.feed(VEND[:4], now=1.000) == []
    # The rest of the old frame arrives too late: it must not complete anything.
    assert parser.feed(VEND[4:], now=1.021) == []
    assert parser.stats.timeouts == 1
    assert parser.buffered == 0
    assert parser.feed(HELLO, now=1.030) == [decode(HELLO)]


def test_silence_alone_drops_the_partial_and_frees_a_frame_hidden_behind_it() -> None:
    # A stray SOF with LEN 32 holds back the good frame after it until 20 ms of silence.
    parser = FrameParser()
    assert parser.feed(bytes([0xA5, 0x20]) + HELLO, now=2.0) == []
    assert parser.expires_at == pytest.approx(2.020)
    assert parser.feed(b"", now=2.019) == []
    assert parser.feed(b"", now=2.020) == [decode(HELLO)]
    assert parser.buffered == 0


# --- hypothesis --------------------------------------------------------------------------------

frames = st.builds(
    Frame,
    seq=st.integers(0, 255),
    cmd=st.integers(0, 255),
    payload=st.binary(max_size=32),
)
# Noise rich in SOF bytes and plausible lengths, so false frame starts are common.
noise = st.lists(
    st.one_of(st.integers(0, 255), st.just(0xA5), st.integers(0, 40)), max_size=48
).map(bytes)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(noise, frames), max_size=8), noise, st.data())
def test_frames_between_noise_are_all_recovered(
    pairs: list[tuple[bytes, Frame]], tail: bytes, data: st.DataObject
) -> None:
    stream = b"".join(n + encode(f) for n, f in pairs) + tail
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    parser = FrameParser()
    got: list[Frame] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        got += parser.feed(stream[start:end], now=0.0)  # all within one instant
    got += parser.feed(b"", now=1.0)  # then silence
    expected = [f for _, f in pairs]
    # Noise may itself hold a valid frame, so expect ours in order, maybe with extras between.
    remaining = iter(got)
    assert all(any(g == f for g in remaining) for f in expected), (expected, got)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.binary(max_size=64), st.floats(0, 0.05)), max_size=12))
def test_no_input_raises_and_the_buffer_stays_bounded(
    chunks: list[tuple[bytes, float]],
) -> None:
    parser = FrameParser()
    now = 0.0
    for chunk, gap in chunks:
        now += gap
        for frame in parser.feed(chunk, now):
            assert decode(encode(frame)) == frame
        assert parser.buffered < MAX_FRAME


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.lists(st.integers(0, 200), max_size=8))
def test_chunking_does_not_change_what_is_parsed(stream: bytes, cuts: list[int]) -> None:
    whole = FrameParser().feed(stream, now=0.0)
    parser = FrameParser()
    pieces: list[Frame] = []
    bounds = sorted(min(c, len(stream)) for c in cuts)
    for start, end in zip([0, *bounds], [*bounds, len(stream)], strict=True):
        pieces += parser.feed(stream[start:end], now=0.0)
    assert pieces == whole


@settings(max_examples=200, deadline=None)
@given(frames)
def test_encode_decode_round_trip(frame: Frame) -> None:
    raw = encode(frame)
    assert len(raw) == len(frame.payload) + 6
    assert decode(raw) == frame
