"""Builds the physical cabinet from the configuration: board, GPIO parts, ledger, dispenser.

    cabinet = build_cabinet(config, port_override=args.port)
    runtime = build_runtime(config, now, dispenser=cabinet.dispenser, stock=cabinet,
                            stats=cabinet.ledger)
    ...
    cabinet.close()

Which hardware, loudly:

- simulation (`hardware.simulated` and no `--port`): a `PtyBoardServer` with a simulated board
  in this process, mock GPIO pins, the board's revolutions wired to the mock drop sensor and the
  mock service door closed. The screen and the log say "simulation".
- `--port URL`, or a cabinet configuration: the real driver on that port, the pin factory the
  configuration names. With mock pins and an outside board (another simulator's pty) the drop
  follows the board's DONE (logged).

A configured part that fails never falls back to a mock: the cabinet comes up with `board_fault` set
(shown as out of service, logged as an error, the attention LED lit where it still can be) and
vends are refused until it is fixed. A board that stops answering is retried at the next vend.

At start, before any vend, every vend left unfinished by the last run is settled with the board
(`hardware.vend.reconcile`); it is never sent again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from hardware.board import READY_TIMEOUT_S, Board
from hardware.dispenser import Dispenser, VendOutcome, VendResult
from hardware.errors import BoardError, GpioError
from hardware.gpio import CabinetIO, PinFactory, make_pin_factory
from hardware.sim_wiring import DropOnDone, close_door, wire_drop_sensor
from hardware.simulator import PtyBoardServer, SimulatedBoard
from hardware.vend import BoardDispenser, BoardLink, VendKind, reconcile
from kiosk.cabinet.ledger import Ledger
from kiosk.shell.clock import ClockSync
from kiosk.shell.config import KioskConfig

_log = logging.getLogger(__name__)

LEDGER_FILE = "ledger.sqlite3"
BOARD_DEADLINE_S = 8.0  # one VEND to its final result: a 4 s stall plus a BUSY wait
BOARD_RETRY_S = 5.0  # how often a lost board is looked for between vends


class NoDispensing:
    """The dispenser while a part is broken: every vend is refused before the board hears it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @property
    def simulated(self) -> bool:
        return False

    def vend(self, slot: int) -> VendResult:
        return VendResult(
            VendOutcome.BOARD_UNREACHABLE, slot, None, f"out of service: {self.reason}"
        )

    def close(self) -> None:
        return None


@dataclass
class Cabinet:
    """Everything physical, built together and closed together."""

    dispenser: Dispenser
    ledger: Ledger
    io: CabinetIO | None
    board: BoardLink  # the driver (`hardware.board.Board`), wrapped when mock pins need it
    server: PtyBoardServer | None
    simulated: bool
    port: str
    reconciled: list[VendResult] = field(default_factory=list)
    setup_fault: str | None = None
    _vending: BoardDispenser | None = None
    _stop_watch: threading.Event = field(default_factory=threading.Event)
    # Called after anything that may change the faults or the stock (a vend, a board check),
    # from whichever thread did it: the kiosk re-reads its alerts and dispensing status.
    on_change: Callable[[], None] = lambda: None
    _watch: threading.Thread | None = None

    @property
    def board_fault(self) -> str | None:
        """Why the cabinet cannot dispense now (a part that failed at start, or the board not
        answering), or None. The kiosk shows it as out of service; visitors still get their
        prescription and the help lines."""
        if self.setup_fault is not None:
            return self.setup_fault
        if self._vending is not None and not self._vending.board_reachable:
            return self._vending.last_error
        return None

    @property
    def storage_fault(self) -> str | None:
        """Why vends cannot be written down now (the ledger's disk), or None. No vend is
        made meanwhile; outcomes that could not be written wait in memory."""
        if self.ledger.write_fault is not None:
            return self.ledger.write_fault
        if self._vending is not None and self._vending.unwritten:
            return f"{self._vending.unwritten} vend outcome(s) not yet written to the ledger"
        return None

    def stocked_slots(self) -> dict[int, str]:
        """Slot → item that may be offered now; none while a part is out of service."""
        if self.setup_fault is not None:
            return {}
        return self.ledger.stocked_slots()

    @property
    def door_closed(self) -> bool:
        """The service door is closed (False also when the door switch cannot be read)."""
        return self.io is not None and self.io.door.is_closed

    def check_board(self) -> bool:
        """Try to reach a lost board now (blocks up to about a second; not on the UI thread),
        writing down first any outcome the ledger could not take. True if all is well; then
        `on_change` tells the kiosk (dispensing, alerts, the attention LED)."""
        if self._vending is None:
            return False
        try:
            return self._vending.check_link()
        finally:
            self.on_change()

    def watch_board(self, every_s: float) -> None:
        """While the board is lost or the ledger cannot be written, look again every
        `every_s` seconds in a background thread, so the kiosk comes back into service
        without waiting for a visitor's vend."""

        def watch() -> None:
            while not self._stop_watch.wait(every_s):
                if self.storage_fault is not None:
                    self.ledger.probe()  # the disk may have room again
                    self.check_board()  # writes down what waits in memory
                elif self._vending is not None and not self._vending.board_reachable:
                    self.check_board()
                else:  # what other processes report (the fleet agent's status file)
                    self.on_change()

        self._watch = threading.Thread(target=watch, name="board-watch", daemon=True)
        self._watch.start()

    def test_vend(self, slot: int) -> VendResult:
        """A technician's vend (recorded as kind 'test'); same checks and outcomes."""
        try:
            if self._vending is None:
                return self.dispenser.vend(slot)
            return self._vending.vend(slot, VendKind.TEST)
        finally:
            self.on_change()

    def chute_off(self) -> None:
        """The take-item screen is over: the chute light stops pulsing."""
        if self.io is not None:
            self.io.chute_light.off()

    def close(self) -> None:
        """Lights off, board port closed, simulator stopped, ledger closed (cleanly)."""
        self._stop_watch.set()
        if self._watch is not None:
            self._watch.join(timeout=5.0)
        try:
            self.dispenser.close()
            self.board.close()
            if self.io is not None:
                self.io.close()
            if self.server is not None:
                self.server.stop()
        finally:
            self.ledger.close()


def build_cabinet(
    config: KioskConfig,
    port_override: str | None = None,
    *,
    sim_board: SimulatedBoard | None = None,
    pin_factory: PinFactory | None = None,
    board_retry_s: float | None = BOARD_RETRY_S,
) -> Cabinet:
    """The machine the configuration (and `--port`) describe, with unfinished vends settled.

    `sim_board` replaces the default simulated board (tests make it fast); `pin_factory`
    replaces the configured one (tests use gpiozero's MockFactory with a real port);
    `board_retry_s` is how often a lost board is looked for (None: only at the next vend).
    Raises `LedgerError` if the ledger cannot be opened: no vend may be made without it.
    """
    hw = config.hardware
    # config.data_dir is already $MAEUM_DATA_DIR when that is set (kiosk.shell.config).
    config.data_dir.mkdir(parents=True, exist_ok=True)
    # Counters recorded before NTP sets the clock (a Pi 4 has no battery clock) are marked.
    ledger = Ledger(config.data_dir / LEDGER_FILE, clock_synced=ClockSync())
    if ledger.recovered_from is not None:
        _log.error(
            "the ledger was empty (kept as %s): started a new one; stock counts are unknown "
            "until staff count and refill every slot",
            ledger.recovered_from,
        )
    fresh_ledger = ledger.last_vend_id() == 0
    server: PtyBoardServer | None = None
    io: CabinetIO | None = None
    try:
        if hw.simulated and port_override is None:
            server = _simulator(config, sim_board)
        port = server.path if server is not None else (port_override or hw.serial_port)
        io, gpio_fault = _gpio(config, server is not None, pin_factory)
        board, link = _link(port, io, server)
        simulated = server is not None or (io is not None and io.is_mock)
        ledger.sync_slots(hw.slots, fill_new=simulated)
        reconciled = _connect(board, link, ledger, io, fresh_ledger and server is None, port)
    except BaseException:
        if io is not None:
            io.close()
        if server is not None:
            server.stop()
        ledger.close()
        raise
    vending = None if io is None else _board_dispenser(config, link, io, ledger, simulated)
    if vending is not None and not board.is_open:
        vending.last_error = f"board not answering on {port}"
        _log.error("OUT OF SERVICE until the board answers: %s", vending.last_error)
    inner: Dispenser = vending if vending is not None else NoDispensing(gpio_fault or "")
    cabinet = Cabinet(
        dispenser=inner,
        ledger=ledger,
        io=io,
        board=link,
        server=server,
        simulated=simulated,
        port=port,
        reconciled=reconciled,
        setup_fault=gpio_fault,
        _vending=vending,
    )
    if vending is not None and board_retry_s is not None:
        cabinet.watch_board(board_retry_s)
    return cabinet


def _simulator(config: KioskConfig, sim_board: SimulatedBoard | None) -> PtyBoardServer:
    slots = max((s.number for s in config.hardware.slots), default=1)
    server = PtyBoardServer(sim_board or SimulatedBoard(slots=slots)).start()
    _log.warning("SIMULATION: simulated board on %s, mock GPIO pins", server.path)
    return server


def _gpio(
    config: KioskConfig, simulation: bool, pin_factory: PinFactory | None
) -> tuple[CabinetIO | None, str | None]:
    """The GPIO parts, or None and the reason (never a mock instead)."""
    hw = config.hardware
    try:
        if pin_factory is None:
            pin_factory = make_pin_factory("mock" if simulation else hw.pin_factory)
        return CabinetIO.build(hw.pins, pin_factory), None
    except GpioError as exc:
        _log.error("OUT OF SERVICE: GPIO parts cannot be used: %s", exc)
        return None, f"GPIO: {exc}"


def _link(
    port: str, io: CabinetIO | None, server: PtyBoardServer | None
) -> tuple[Board, BoardLink]:
    """The driver, and what vends talk to: with mock pins, the simulation's physics too."""
    board = Board(port)
    if io is None or not io.is_mock:
        return board, board
    close_door(io)
    if server is not None:
        wire_drop_sensor(server, io)
        return board, board
    return board, DropOnDone(board, io)


def _board_dispenser(
    config: KioskConfig, link: BoardLink, io: CabinetIO, ledger: Ledger, simulated: bool
) -> BoardDispenser:
    return BoardDispenser(
        link,
        drop=io.drop_sensor,
        door=io.door,
        chute=io.chute_light,
        journal=ledger,
        simulated=simulated,
        drop_grace_s=config.hardware.drop_grace,
        deadline_s=BOARD_DEADLINE_S,
    )


def _connect(
    board: Board,
    link: BoardLink,
    ledger: Ledger,
    io: CabinetIO | None,
    reset_first: bool,
    port: str,
) -> list[VendResult]:
    """Open the board (waiting for it to boot), then settle what the last run left unfinished.

    A brand-new ledger starts its vend_ids at 1, which a board that stayed powered may still
    hold in its history: a RESET makes it forget them.
    """
    try:
        board.reconnect(READY_TIMEOUT_S + 0.5)
        if reset_first:
            _log.info("new ledger: resetting the board so it forgets earlier vend_ids")
            board.reset()
        drop = io.drop_sensor if io is not None else None
        return reconcile(link, ledger, drop=drop)
    except BoardError as exc:
        _log.error("board on %s: %s (vends wait until it answers)", port, exc)
        board.close()
        return []
