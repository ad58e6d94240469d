"""Fixtures for the board tests.

`target` is what the contract suite (test_board_contract.py) runs against: the simulator over a
real pty, and also the real board when `MAEUM_BOARD_PORT` names its port, e.g.

    MAEUM_BOARD_PORT=/dev/serial/by-id/usb-... .venv/bin/pytest tests/hardware -m hardware

On the real board the suite RESETs it first and turns the motor of `MAEUM_BOARD_SLOT` (default
1): put a tray under the chute. The stall and no-motor checks run there only when the technician
has prepared such a slot and names it (`MAEUM_BOARD_STALL_SLOT`, `MAEUM_BOARD_NO_MOTOR_SLOT`).
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from hardware.board import Board
from hardware.printer import Printer, PrinterKind, PrinterSettings, open_printer
from hardware.printer.simulator import PtyPrinterServer, SimulatedPrinter
from hardware.simulator import PtyBoardServer, SimulatedBoard

PORT_ENV = "MAEUM_BOARD_PORT"
SIM_STALL_SLOT = 5
SIM_NO_MOTOR_SLOT = 6
SIM_POLL_S = 0.01


def fast_board(*, slots: int = 6, revolution_s: float = 0.03, seed: int = 0) -> SimulatedBoard:
    """A simulated board quick enough for the test suite (real ones take 0.8-2.5 s a turn)."""
    return SimulatedBoard(
        slots=slots, revolution_s=revolution_s, stall_timeout_s=0.12, boot_s=0.0, seed=seed
    )


@pytest.fixture
def sim() -> Iterator[PtyBoardServer]:
    """A quiet simulator on a pty: no power-up noise, so resend counts are exact."""
    with PtyBoardServer(fast_board(), seed=7, noise_bytes=0) as server:
        yield server


@pytest.fixture
def board(sim: PtyBoardServer) -> Iterator[Board]:
    with Board(sim.path) as b:
        yield b


@dataclass
class BoardTarget:
    """A board under test, with what the contract needs to know about it."""

    board: Board
    sim: PtyBoardServer | None  # None on real hardware
    good_slot: int
    stall_slot: int | None
    no_motor_slot: int | None
    poll_s: float
    deadline_s: float
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def new_vend_id(self) -> int:
        return next(self._ids)

    def revolutions(self, vend_id: int) -> int | None:
        """How often the motor really turned for `vend_id` (unknowable on real hardware)."""
        return None if self.sim is None else self.sim.revolutions.get(vend_id, 0)


def _env_slot(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


@pytest.fixture(params=["simulator", pytest.param("hardware", marks=pytest.mark.hardware)])
def target(request: pytest.FixtureRequest) -> Iterator[BoardTarget]:
    if request.param == "simulator":
        yield from _simulated_target()
    else:
        yield from _hardware_target()


def _simulated_target() -> Iterator[BoardTarget]:
    # Power-up noise left on: the contract must hold through it.
    with PtyBoardServer(fast_board(), seed=11) as server:
        server.stall_slot(SIM_STALL_SLOT)
        server.no_motor_slot(SIM_NO_MOTOR_SLOT)
        with Board(server.path) as b:
            yield BoardTarget(b, server, 1, SIM_STALL_SLOT, SIM_NO_MOTOR_SLOT, SIM_POLL_S, 2.0)


def _hardware_target() -> Iterator[BoardTarget]:
    port = os.environ.get(PORT_ENV)
    if not port:
        pytest.skip(f"no real board: set {PORT_ENV} to its port to run the contract on it")
    with Board(port) as b:
        b.reset()  # a known start: no faults, empty history and duplicate memory
        yield BoardTarget(
            b,
            None,
            good_slot=_env_slot("MAEUM_BOARD_SLOT") or 1,
            stall_slot=_env_slot("MAEUM_BOARD_STALL_SLOT"),
            no_motor_slot=_env_slot("MAEUM_BOARD_NO_MOTOR_SLOT"),
            poll_s=0.1,
            deadline_s=10.0,
        )


# --- the receipt printer ---------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _escpos_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    # python-escpos caches its printer database in a fresh /tmp directory per process unless
    # told where: keep it in pytest's own temporary tree.
    if "escpos" not in sys.modules:
        os.environ.setdefault(
            "ESCPOS_CAPABILITIES_PICKLE_DIR", str(tmp_path_factory.mktemp("escpos"))
        )


@pytest.fixture
def printer_sim(tmp_path: Path) -> Iterator[PtyPrinterServer]:
    """A simulated 80 mm printer on a pty, writing its slips as PNGs under tmp_path."""
    with PtyPrinterServer(SimulatedPrinter(dots=576, out_dir=tmp_path / "slips")) as server:
        yield server


def serial_settings(path: str, **changes: Any) -> PrinterSettings:
    """Settings for a printer on `path`: timeouts short enough for the suite, long enough for
    a simulator thread on a busy machine."""
    base = PrinterSettings(
        kind=PrinterKind.SERIAL, port=path, status_timeout_s=0.2, write_timeout_s=1.0
    )
    return replace(base, **changes)


@pytest.fixture
def printer(printer_sim: PtyPrinterServer) -> Iterator[Printer]:
    p = open_printer(serial_settings(printer_sim.path))
    yield p
    p.close()
