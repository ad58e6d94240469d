"""The ESC/POS bytes of one slip (pure). The subset used, and nothing else:

    ESC @                 initialise: forget any half-sent command and earlier settings
    GS v 0 m xL xH yL yH  a raster bit image, `BAND_ROWS` rows at a time
    ESC d n               feed n lines (the slip's end past the cutter or the tear bar)
    GS V m                cut (m = 1 partial: the slip hangs on a hair until it is taken)
    DLE EOT n             real-time status (hardware.printer.status)

Korean never depends on the printer's code pages or fonts: the slip is a picture.
"""

from __future__ import annotations

import enum

from hardware.printer.raster import Raster, pad_to, to_1bit

ESC = b"\x1b"
GS = b"\x1d"
INIT = ESC + b"@"
RASTER = GS + b"v0"
FEED = ESC + b"d"
CUT = GS + b"V"
RASTER_NORMAL = 0  # m of GS v 0: normal density (1 dot = 1 dot)

# Bands keep each GS v 0 within what small printers buffer (python-escpos uses 960 rows;
# cheaper 58 mm heads are happier with less), and a failing write is noticed within a band.
BAND_ROWS = 256
MAX_RASTER_ROWS = 0xFFFF
MAX_RASTER_BYTES_WIDE = 0xFFFF


class Cutter(enum.Enum):
    PARTIAL = "partial"  # GS V 1: a hinge of paper holds the slip until the visitor pulls
    FULL = "full"  # GS V 0: the slip falls into the tray
    NONE = "none"  # no cutter: feed past the tear bar


CUT_MODE = {Cutter.PARTIAL: 1, Cutter.FULL: 0}


def raster_command(raster: Raster) -> bytes:
    """One `GS v 0` with its image (at most 65535 rows)."""
    if raster.height > MAX_RASTER_ROWS or raster.row_bytes > MAX_RASTER_BYTES_WIDE:
        raise ValueError(f"{raster.width}×{raster.height} dots is too big for one GS v 0")
    return (
        RASTER
        + bytes((RASTER_NORMAL,))
        + raster.row_bytes.to_bytes(2, "little")
        + raster.height.to_bytes(2, "little")
        + raster.data
    )


def bands(raster: Raster, rows: int = BAND_ROWS) -> list[Raster]:
    """`raster` cut into pieces of at most `rows` rows, top to bottom."""
    step = raster.row_bytes * rows
    return [
        Raster(
            raster.width,
            min(rows, raster.height - top),
            raster.data[top * raster.row_bytes :][:step],
        )
        for top in range(0, raster.height, rows)
    ]


def slip_job(raster: Raster, *, dots: int, cutter: Cutter, feed_lines: int) -> bytes:
    """Every byte of one slip: initialise, the image in bands, feed, cut."""
    if not 0 <= feed_lines <= 255:
        raise ValueError(f"feed of {feed_lines} lines is not 0..255")
    paper = pad_to(raster, dots)
    out = bytearray(INIT)
    for band in bands(paper):
        out += raster_command(band)
    out += FEED + bytes((feed_lines,))
    if cutter is not Cutter.NONE:
        out += CUT + bytes((CUT_MODE[cutter],))
    return bytes(out)


def command_end(job: bytes, offset: int) -> int:
    """Where the command of `job` (made by `slip_job`) that holds byte `offset` ends."""
    pos = len(INIT) if job.startswith(INIT) else 0
    while job.startswith(RASTER, pos) and pos + 8 <= len(job):
        end = pos + 8 + _raster_size(job, pos)
        if offset < end:
            return end
        pos = end
    return min(max(offset, pos) + 3, len(job))  # the feed or the cut: 3 bytes each


def filler_after_cut_off(job: bytes, sent: int, in_flight: int) -> int:
    """How many NUL bytes finish whatever command a job cut off after `sent` confirmed bytes
    left the printer in (it reads what comes next as image data, status questions too).

    The printer may have got anything from somewhat less than `sent` (a port flush throws
    away bytes the OS still held: less than one band) to `sent + in_flight` (the piece being
    written when it failed). Enough NULs for the worst case of both: one whole band, or up
    to the end of the command the piece in flight reached. NULs past the end of an image
    are ignored by ESC/POS printers; inside one they print as white rows."""
    reached = command_end(job, min(sent + in_flight, len(job)))
    biggest = max((_raster_size(job, pos) + 8 for pos in _raster_starts(job)), default=0)
    return max(reached - sent, biggest)


def _raster_starts(job: bytes) -> list[int]:
    starts = []
    pos = len(INIT) if job.startswith(INIT) else 0
    while job.startswith(RASTER, pos) and pos + 8 <= len(job):
        starts.append(pos)
        pos += 8 + _raster_size(job, pos)
    return starts


def _raster_size(job: bytes, pos: int) -> int:
    row_bytes = int.from_bytes(job[pos + 4 : pos + 6], "little")
    return row_bytes * int.from_bytes(job[pos + 6 : pos + 8], "little")


def slip_job_from_gray(
    gray: bytes,
    width: int,
    *,
    dots: int,
    cutter: Cutter = Cutter.PARTIAL,
    feed_lines: int = 4,
) -> bytes:
    """The job for a grayscale slip (`width` pixels a row, 0 = black), text thresholded.
    For pictures, call `to_1bit` with their boxes and then `slip_job`."""
    return slip_job(to_1bit(gray, width), dots=dots, cutter=cutter, feed_lines=feed_lines)
