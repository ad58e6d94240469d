"""The ESC/POS bytes of a slip, the status bytes' meaning, the decoder and the settings (pure)."""

from __future__ import annotations

import functools
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.printer.commands import (
    BAND_ROWS,
    Cutter,
    bands,
    filler_after_cut_off,
    slip_job,
    slip_job_from_gray,
)
from hardware.printer.decoder import (
    Cut,
    EscPosDecoder,
    Feed,
    Init,
    Padding,
    RasterImage,
    StatusQuery,
    Unknown,
)
from hardware.printer.raster import Raster, to_1bit
from hardware.printer.settings import Paper, PrinterKind, PrinterSettings
from hardware.printer.simulator import SimulatedPrinter
from hardware.printer.status import PrinterState, read_status, status_query

OK = 0x12


@pytest.mark.parametrize(
    ("printer", "cause", "paper", "state"),
    [
        (OK, OK, OK, PrinterState.READY),
        (OK, OK, OK | 0x0C, PrinterState.PAPER_NEAR_END),
        (OK, OK, OK | 0x04, PrinterState.PAPER_NEAR_END),  # one bit of the pair is enough
        (OK | 0x08, OK | 0x20, OK | 0x60, PrinterState.PAPER_OUT),
        (OK | 0x08, OK | 0x20, OK, PrinterState.PAPER_OUT),  # stopped at the paper end
        (OK | 0x08, OK | 0x04, OK, PrinterState.COVER_OPEN),
        (OK | 0x08, OK | 0x04, OK | 0x60, PrinterState.COVER_OPEN),  # cover first: lid to shut
        (OK | 0x08, OK | 0x40, OK, PrinterState.OFFLINE),
        (OK | 0x08, OK | 0x08, OK, PrinterState.OFFLINE),
        (0x00, OK, OK, PrinterState.GARBAGE),
        (OK, 0xFF, OK, PrinterState.GARBAGE),
        (OK, OK, 0x13, PrinterState.GARBAGE),
    ],
)
def test_status_bytes_read_as_the_state_a_technician_would_name(
    printer: int, cause: int, paper: int, state: PrinterState
) -> None:
    status = read_status(printer, cause, paper)
    assert status.state is state
    assert status.can_print is (state in (PrinterState.READY, PrinterState.PAPER_NEAR_END))
    assert status.replies == bytes((printer, cause, paper))


def test_only_dle_eot_1_2_and_4_are_asked() -> None:
    assert [status_query(n) for n in (1, 2, 4)] == [
        b"\x10\x04\x01",
        b"\x10\x04\x02",
        b"\x10\x04\x04",
    ]
    with pytest.raises(ValueError):
        status_query(3)


@functools.cache
def slip_raster(width: int, rows: int) -> Raster:
    gray = bytes((x * 7 + y * 13) % 256 for y in range(rows) for x in range(width))
    return to_1bit(gray, width)


def test_a_slip_job_is_init_bands_feed_and_cut() -> None:
    raster = slip_raster(576, 600)
    job = slip_job(raster, dots=576, cutter=Cutter.PARTIAL, feed_lines=5)
    commands = EscPosDecoder().feed(job)
    assert commands[0] == Init()
    images = [c for c in commands if isinstance(c, RasterImage)]
    assert [i.raster.height for i in images] == [BAND_ROWS, BAND_ROWS, 600 - 2 * BAND_ROWS]
    assert b"".join(i.raster.data for i in images) == raster.data
    assert commands[-2:] == [Feed(5), Cut(1)]
    assert len(commands) == 1 + len(images) + 2


def test_without_a_cutter_the_slip_is_fed_past_the_tear_bar() -> None:
    job = slip_job(slip_raster(384, 10), dots=384, cutter=Cutter.NONE, feed_lines=6)
    assert EscPosDecoder().feed(job)[-1] == Feed(6)
    gray_job = slip_job_from_gray(bytes(384 * 10), 384, dots=384, cutter=Cutter.FULL)
    assert EscPosDecoder().feed(gray_job)[-1] == Cut(0)


@settings(max_examples=40)
@given(st.lists(st.integers(1, 4000), max_size=12))
def test_the_decoder_reads_a_job_the_same_however_it_is_split(cuts: list[int]) -> None:
    raster = slip_raster(384, 300)
    job = slip_job(raster, dots=384, cutter=Cutter.PARTIAL, feed_lines=4)
    decoder = EscPosDecoder()
    commands = []
    edges = sorted({0, len(job), *(c % len(job) for c in cuts)})
    for start, end in itertools.pairwise(edges):
        commands += decoder.feed(job[start:end])
    assert commands == EscPosDecoder().feed(job)
    assert decoder.pending == 0


def test_stray_bytes_never_swallow_the_commands_after_them() -> None:
    noise = b"\x1b\x99\x1dv\x07\x01\x1dv0\x00\xff\xff\xff\xff"  # unknown ESC, bad GS v, huge GS v 0
    commands = EscPosDecoder().feed(noise + b"\x00\x00\x00\x10\x04\x01\x1b@")
    assert commands[-3:] == [Padding(3), StatusQuery(1), Init()]
    assert all(isinstance(c, Unknown | Padding) for c in commands[:-3])


def test_bands_cover_the_raster_exactly() -> None:
    raster = slip_raster(64, 2 * BAND_ROWS + 1)
    pieces = bands(raster)
    assert [p.height for p in pieces] == [BAND_ROWS, BAND_ROWS, 1]
    assert b"".join(p.data for p in pieces) == raster.data


@pytest.mark.parametrize("flushed", [0, 300, 1000])
def test_after_a_job_cut_off_anywhere_the_filler_lets_the_printer_hear_status_again(
    flushed: int,
) -> None:
    """Cut the job after every few bytes; the port may also have thrown away up to `flushed`
    bytes the OS held, or sent the whole piece in flight. The printer must then take the
    filler, initialise and answer DLE EOT 1, and never print a second image."""
    raster = slip_raster(128, 600)  # three bands
    job = slip_job(raster, dots=128, cutter=Cutter.PARTIAL, feed_lines=4)
    piece = 256
    for sent in range(0, len(job) - piece, 211):
        filler = filler_after_cut_off(job, sent, piece)
        for got in {max(0, sent - flushed), sent, sent + piece // 2, sent + piece}:
            printer = SimulatedPrinter(dots=128)
            printer.handle(job[:got])
            answer = printer.handle(bytes(filler) + b"\x1b@" + status_query(1))
            assert answer == b"\x12", (sent, got)
            assert len(printer.slips) <= 1


def test_settings_from_a_configuration_table() -> None:
    usb = PrinterSettings.from_table(
        {"kind": "usb", "vendor_id": "0416", "product_id": "0x5011", "paper_mm": 58}
    )
    assert (usb.kind, usb.vendor_id, usb.product_id, usb.dots) == (
        PrinterKind.USB,
        0x0416,
        0x5011,
        384,
    )
    serial = PrinterSettings.from_table(
        {"kind": "serial", "port": "/dev/ttyUSB0", "baudrate": 38400, "cutter": "none"}
    )
    assert serial.where == "serial /dev/ttyUSB0 at 38400 baud"
    assert serial.paper is Paper.MM80 and serial.dots == 576
    assert PrinterSettings.from_table({}).kind is PrinterKind.NONE


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"kind": "usb"}, "needs vendor_id"),
        ({"kind": "serial", "baudrate": 12345}, "baudrate 12345"),
        ({"kind": "laser"}, "printer setting kind"),
        ({"paper_mm": 76}, "paper_mm"),
        ({"colour": "red"}, "unknown printer setting"),
        ({"feed_lines": "four"}, "feed_lines"),
        ({"status_timeout_s": True}, "status_timeout_s"),
        ({"kind": "usb", "vendor_id": "zz", "product_id": 1}, "vendor_id"),
    ],
)
def test_bad_settings_are_named(table: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PrinterSettings.from_table(table)
