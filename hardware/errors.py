"""The hardware exception tree.

    HardwareError               anything the physical machine did wrong
    ├── BoardError              the dispenser board (MDP/1)
    │   ├── BoardUnreachable    no valid reply after the resends, or the port is gone
    │   ├── BoardRefused        the board answered 0xFF (unknown command, bad length, bad argument)
    │   └── BoardProtocolError  the board answered something MDP/1 does not allow (wrong version…)
    └── GpioError               a GPIO part could not be set up
"""


class HardwareError(Exception):
    """Base of every hardware failure."""


class BoardError(HardwareError):
    """The dispenser board failed."""


class BoardUnreachable(BoardError):
    """No valid reply from the board (after resends), or the serial port is gone."""


class BoardRefused(BoardError):
    """The board refused a request with CMD 0xFF."""

    def __init__(self, command: int, code: int) -> None:
        names = {0x01: "UNKNOWN_CMD", 0x02: "BAD_LENGTH", 0x03: "BAD_ARGUMENT"}
        super().__init__(
            f"board refused command 0x{command:02X}: {names.get(code, f'code 0x{code:02X}')}"
        )
        self.command = command
        self.code = code


class BoardProtocolError(BoardError):
    """The board spoke, but not the MDP/1 we implement."""


class GpioError(HardwareError):
    """A GPIO part could not be set up or read."""
