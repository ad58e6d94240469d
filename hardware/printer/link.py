"""The cable to the printer: python-escpos opens it, this module bounds every wait on it.

python-escpos (`escpos.printer.Serial`, `Usb`, `File`) finds and opens the device and writes
to it (`_raw`). What it does not do is what a kiosk needs around that: its status query reads
with no bound we choose, its `paper_status()` calls "no answer" plenty of paper, and its
`close()` drains output (forever, if the printer stopped taking bytes). So the links below read
status with their own timeouts, write a job in pieces with a write timeout, throw away unsent
output before closing, and turn every failure of the device into one of two errors:

- `PrinterLinkLost`: the device is missing or vanished (cable, power, USB reset); reopen later.
- `PrinterWriteTimeout`: the device stopped taking bytes (a stalled or jammed printer).

python-escpos is imported on first open, not with this module: its import takes 0.3-1 s
(it parses its printer database with PyYAML, unless ESCPOS_CAPABILITIES_PICKLE_DIR names a
cache directory) and calls `logging.basicConfig()`.
"""

from __future__ import annotations

import contextlib
import logging
import termios
from typing import Any, Protocol

from hardware.errors import PrinterLinkLost, PrinterWriteTimeout
from hardware.printer.settings import PrinterKind, PrinterSettings

_log = logging.getLogger(__name__)
CHUNK = 4096  # a job goes out in pieces this big: a stall is noticed within one piece


class Link(Protocol):
    """An open connection to one printer."""

    @property
    def can_read(self) -> bool:
        """False for a write-only device: its status cannot be asked."""
        ...

    def write(self, data: bytes) -> None:
        """Send `data` (one piece); raises PrinterLinkLost or PrinterWriteTimeout."""
        ...

    def read(self, timeout_s: float) -> bytes:
        """What arrived within `timeout_s` (b"" for silence); raises PrinterLinkLost."""
        ...

    def discard_input(self) -> None:
        """Forget bytes that came before now (late or unasked answers)."""
        ...

    def close(self) -> None:
        """Close without waiting for unsent output; never raises."""
        ...


def open_link(settings: PrinterSettings) -> Link:
    """Open the printer `settings` name. Raises PrinterLinkLost when it cannot be opened."""
    try:
        escpos_printer = _escpos_printer(settings)
        escpos_printer.open(raise_not_found=True)
    except Exception as exc:
        # A third-party driver's open is a boundary: pyusb without libusb raises
        # NoBackendError, python -O turns escpos's assert into an AttributeError later...
        # whatever it is, the printer is not there.
        reason = " ".join(str(exc).split())  # escpos's messages span lines
        raise PrinterLinkLost(f"cannot open the printer ({settings.where}): {reason}") from exc
    if settings.kind is PrinterKind.SERIAL:
        return _SerialLink(escpos_printer, settings)
    if settings.kind is PrinterKind.USB:
        return _UsbLink(escpos_printer, settings)
    return _FileLink(escpos_printer, settings)


def _escpos_printer(settings: PrinterSettings) -> Any:
    # Any: python-escpos has no type information; each link below keeps to the few
    # attributes it uses.
    from escpos import printer as escpos

    if settings.kind is PrinterKind.SERIAL:
        # dsrdtr=False: many USB-serial adapters have no DSR line, and pyserial ignores it on
        # POSIX anyway; the printer's own buffer plus our write timeout stand in for it.
        return escpos.Serial(
            devfile=settings.port, baudrate=settings.baudrate, timeout=0.1, dsrdtr=False
        )
    if settings.kind is PrinterKind.USB:
        return escpos.Usb(
            settings.vendor_id,
            settings.product_id,
            timeout=int(settings.write_timeout_s * 1000),
            in_ep=settings.in_endpoint,
            out_ep=settings.out_endpoint,
        )
    if settings.kind is PrinterKind.FILE:
        return escpos.File(devfile=settings.path, auto_flush=True)
    raise PrinterLinkLost("no printer is configured")


class _SerialLink:
    """A serial printer: pyserial underneath, with its own timeouts set per read/write."""

    can_read = True

    def __init__(self, printer: Any, settings: PrinterSettings) -> None:
        import serial

        self._printer = printer
        self._port = printer.device
        self._errors = (serial.SerialException, OSError, termios.error)
        self._timeout_error = serial.SerialTimeoutException
        try:
            self._port.write_timeout = settings.write_timeout_s
        except self._errors as exc:
            self.close()
            raise PrinterLinkLost(f"serial port {settings.port}: {exc}") from exc
        self._where = settings.where

    def write(self, data: bytes) -> None:
        try:
            self._printer._raw(data)
        except self._timeout_error as exc:
            raise PrinterWriteTimeout(f"{self._where}: the printer took no bytes") from exc
        except self._errors as exc:
            raise PrinterLinkLost(f"{self._where}: {exc}") from exc

    def read(self, timeout_s: float) -> bytes:
        try:
            self._port.timeout = timeout_s
            data: bytes = self._port.read(1)
            waiting = self._port.in_waiting if data else 0
            return data + self._port.read(waiting) if waiting else data
        except self._errors as exc:
            raise PrinterLinkLost(f"{self._where}: {exc}") from exc

    def discard_input(self) -> None:
        try:
            self._port.reset_input_buffer()
        except self._errors as exc:
            raise PrinterLinkLost(f"{self._where}: {exc}") from exc

    def close(self) -> None:
        # escpos's close() flushes, which waits for the printer to take every queued byte:
        # throw the queue away first, or a stalled printer keeps us here for good.
        with contextlib.suppress(*self._errors):
            self._port.reset_output_buffer()
        with contextlib.suppress(*self._errors):
            self._port.close()
        self._printer.device = False  # escpos must not close (and flush) it again


class _UsbLink:
    """A USB printer-class device through pyusb: bulk out for jobs, bulk in for status."""

    can_read = True

    def __init__(self, printer: Any, settings: PrinterSettings) -> None:
        import usb.core

        self._printer = printer
        self._device = printer.device
        self._in = settings.in_endpoint
        self._usb_error = usb.core.USBError
        self._usb_timeout = usb.core.USBTimeoutError
        self._where = settings.where

    def write(self, data: bytes) -> None:
        try:
            self._printer._raw(data)
        except self._usb_timeout as exc:
            raise PrinterWriteTimeout(f"{self._where}: the printer took no bytes") from exc
        except (self._usb_error, OSError) as exc:
            raise PrinterLinkLost(f"{self._where}: {exc}") from exc

    def read(self, timeout_s: float) -> bytes:
        try:
            return bytes(self._device.read(self._in, 64, max(1, int(timeout_s * 1000))))
        except self._usb_timeout:
            return b""
        except (self._usb_error, OSError) as exc:
            raise PrinterLinkLost(f"{self._where}: {exc}") from exc

    def discard_input(self) -> None:
        # Whatever the printer queued arrives within a millisecond or two on USB.
        for _ in range(16):
            if not self.read(0.002):
                return

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._printer.close()


class _FileLink:
    """A device file opened for writing only (python-escpos's `File`): no status comes back."""

    can_read = False

    def __init__(self, printer: Any, settings: PrinterSettings) -> None:
        self._printer = printer
        self._where = settings.where

    def write(self, data: bytes) -> None:
        try:
            self._printer._raw(data)
        except OSError as exc:
            raise PrinterLinkLost(f"{self._where}: {exc}") from exc

    def read(self, timeout_s: float) -> bytes:
        return b""

    def discard_input(self) -> None:
        pass

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._printer.close()
