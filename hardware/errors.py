"""The hardware exception tree.

HardwareError               anything the physical machine did wrong
├── BoardError              the dispenser board (MDP/1)
│   ├── BoardUnreachable    no valid reply after the resends, or the port is gone
│   │   └── BoardDisconnected   the serial port itself vanished (USB unplugged, cable)
│   ├── BoardRefused        the board answered 0xFF (unknown command, bad length, bad argument)
│   │   └── VendRefused     VEND answered BUSY, BAD_SLOT or SLOT_FAULTED: nothing was done
│   └── BoardProtocolError  the board answered something MDP/1 does not allow (wrong version…)
├── PrinterError            the receipt printer (inside its driver only: `status()` and
│   │                       `print_slip()` turn these into a typed status and outcome)
│   ├── PrinterLinkLost     its device is missing or went away (cable, power, USB reset)
│   └── PrinterWriteTimeout it stopped taking bytes (stalled, jammed)
└── GpioError               a GPIO part could not be set up
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hardware.protocol import VendCode


class HardwareError(Exception):
    """Base of every hardware failure."""


class BoardError(HardwareError):
    """The dispenser board failed."""


class BoardUnreachable(BoardError):
    """No valid reply from the board (after resends), or the serial port is gone."""


class BoardDisconnected(BoardUnreachable):
    """The serial port went away (or could not be opened): a cable or USB fault, not silence."""


class BoardRefused(BoardError):
    """The board refused a request with CMD 0xFF."""

    def __init__(self, command: int, code: int) -> None:
        names = {0x01: "UNKNOWN_CMD", 0x02: "BAD_LENGTH", 0x03: "BAD_ARGUMENT"}
        super().__init__(
            f"board refused command 0x{command:02X}: {names.get(code, f'code 0x{code:02X}')}"
        )
        self.command = command
        self.code = code


class VendRefused(BoardRefused):
    """The board answered VEND with a code that means the motor was not started."""

    def __init__(self, vend_id: int, slot: int, vend_code: VendCode) -> None:
        BoardError.__init__(
            self, f"board did not start vend {vend_id} on slot {slot}: {vend_code.name}"
        )
        self.command = 0x10
        self.code = int(vend_code)
        self.vend_id = vend_id
        self.slot = slot
        self.vend_code = vend_code


class BoardProtocolError(BoardError):
    """The board spoke, but not the MDP/1 we implement."""


class GpioError(HardwareError):
    """A GPIO part could not be set up or read."""


class PrinterError(HardwareError):
    """The receipt printer failed."""


class PrinterLinkLost(PrinterError):
    """The printer's device is missing or went away."""


class PrinterWriteTimeout(PrinterError):
    """The printer stopped taking bytes within the write timeout."""
