"""Simulation "physics" between the simulated board and the mock GPIO parts.

On the real machine an item falling from a spiral breaks the chute's IR beam, and the door's
magnet holds the reed switch closed. In simulation both are mock pins, so something has to play
their part:

- `wire_drop_sensor`: the simulated board's `on_revolution` hook (called only when an item
  really falls: not for an empty slot, a stalled or a missing motor) drives the mock drop-sensor
  pin LOW and back HIGH, and the sensor's edge callback counts the break, exactly as a falling
  item would. No real sleep: the edge is what counts, not its 5-50 ms length.
- `DropOnDone`: when the board is another process's simulator (`--port` with mock pins), nothing
  here can see its revolutions; the drop then follows the board's DONE (so an empty slot in that
  simulator still "drops"). Logged, because it hides NO_DROP. A DONE learned only later (a vend
  found finished at start-up, never seen turning) drops nothing: nobody was watching then.
- `close_door`: the mock door starts open (pull-up, no magnet); simulation closes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from hardware.errors import GpioError
from hardware.gpio import CabinetIO
from hardware.protocol import BoardStatus, VendResultCode
from hardware.sim_pty import PtyBoardServer
from hardware.vend import BoardLink

_log = logging.getLogger(__name__)


def _require_mock(io: CabinetIO) -> None:
    if not io.is_mock:
        raise GpioError("simulation wiring needs mock pins; these are real")


def fall_through_beam(io: CabinetIO) -> None:
    """One item falls past the drop sensor: its pin goes LOW, then HIGH again."""
    pin = io.pin_factory.pin(io.drop_sensor.pin)
    pin.drive_low()
    pin.drive_high()


def wire_drop_sensor(server: PtyBoardServer, io: CabinetIO) -> None:
    """Each item the simulated board pushes out falls through the mock drop sensor."""
    _require_mock(io)

    def item_fell(slot: int) -> None:
        fall_through_beam(io)

    server.on_revolution = item_fell


def close_door(io: CabinetIO) -> None:
    """The mock service door is shut (its reed switch pulled LOW)."""
    _require_mock(io)
    io.pin_factory.pin(io.door.pin).drive_low()


def open_door(io: CabinetIO) -> None:
    _require_mock(io)
    io.pin_factory.pin(io.door.pin).drive_high()


class DropOnDone:
    """A board link whose DONE makes an item fall through the mock drop sensor.

    For mock pins with a board this process cannot see into (another simulator's pty).
    """

    def __init__(self, board: BoardLink, io: CabinetIO) -> None:
        _require_mock(io)
        self._board = board
        self._io = io
        self._turning: set[int] = set()
        _log.warning(
            "mock drop sensor with an outside board: every DONE counts as a drop (NO_DROP "
            "cannot happen)"
        )

    @property
    def is_open(self) -> bool:
        return self._board.is_open

    def status(self) -> BoardStatus:
        return self._board.status()

    def vend_result(self, vend_id: int) -> VendResultCode:
        # Start-up reconciliation watches a vend that was still turning: its item falls when
        # the board's answer turns from RUNNING to DONE.
        result = self._board.vend_result(vend_id)
        if result is VendResultCode.RUNNING:
            self._turning.add(vend_id)
        elif vend_id in self._turning:
            self._turning.discard(vend_id)
            if result is VendResultCode.DONE:
                fall_through_beam(self._io)
        return result

    def vend(
        self,
        vend_id: int,
        slot: int,
        *,
        deadline_s: float = 10.0,
        poll_s: float = 0.1,
        fresh_id: bool = False,
        on_poll: Callable[[], None] | None = None,
    ) -> VendResultCode:
        result = self._board.vend(
            vend_id, slot, deadline_s=deadline_s, poll_s=poll_s, fresh_id=fresh_id, on_poll=on_poll
        )
        if result is VendResultCode.DONE:
            fall_through_beam(self._io)
        return result

    def reconnect(self, timeout_s: float) -> object:
        return self._board.reconnect(timeout_s)

    def close(self) -> None:
        self._board.close()

    def __getattr__(self, name: str) -> Any:
        # Everything else (open, sensors, reset, info, stats) is the real driver's.
        return getattr(self._board, name)
