"""`python main.py hwtest`: the technician's guided hardware checklist.

One line per check, PASS / FAIL / SKIP, the reason and the next thing to look at:

    configuration → serial port → board HELLO → serial link → STATUS → supply → home switches
    → each slot's motor (one test turn) → drop sensor → door → service button → keypad keys
    → chute light → attention LED → speech program → speaker → earphone jack → display colour
    bars → touch grid → receipt printer (present, status, a test slip, read by the technician)

The checks themselves live in `hardware.diagnostics` (and the display's in
`kiosk.tools.diagnostics_display`); this module builds them from the configuration, prints them and
writes the JSON report (docs/hwtest.md). Exit status 0 only when every check that ran passed.

With no machine configuration and no `--port` it trains: it starts a simulated board, uses mock
GPIO pins, says SIMULATION loudly, and a simulated technician performs the physical steps;
`--sim-fault stall:3` and friends put the simulator's faults in.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from hardware.board import Board
    from hardware.diagnostics import (
        BoardSession,
        Check,
        CheckResult,
        GpioSession,
        Outcome,
        Prompter,
    )
    from hardware.dispenser import VendOutcome
    from hardware.simulator import PtyBoardServer
    from hardware.vend import PendingVend, VendKind
    from kiosk.cabinet.ledger import Ledger
    from kiosk.shell.config import KioskConfig

NAME = "hwtest"
HELP = "technician's guided hardware checklist"

GROUPS = ("board", "slots", "gpio", "audio", "display", "printer")
# --sim-fault KIND:VALUE → what it sets on the simulator, and the value's type.
SIM_FAULTS: Mapping[str, tuple[str, type]] = {
    "stall": ("slot jammed: its motor stalls", int),
    "no-motor": ("slot without motor: open circuit", int),
    "empty": ("slot empty: it turns, nothing falls", int),
    "corrupt": ("share of replies garbled, 0..1", float),
    "drop": ("share of replies lost, 0..1", float),
    "delay": ("seconds added before every reply", float),
    "revolution": ("seconds per motor turn", float),
    "supply": ("motor supply in mV", int),
}


@dataclass(frozen=True)
class SimFault:
    kind: str
    value: float

    def __str__(self) -> str:
        return f"{self.kind}:{self.value:g}"


def parse_groups(text: str) -> tuple[str, ...]:
    groups = tuple(g.strip() for g in text.split(",") if g.strip())
    unknown = [g for g in groups if g not in (*GROUPS, "config")]
    if unknown or not groups:
        raise argparse.ArgumentTypeError(
            f"unknown group(s) {', '.join(unknown) or '(none)'}; choose from {','.join(GROUPS)}"
        )
    return groups


def parse_fault(text: str) -> SimFault:
    kind, _, value = text.partition(":")
    if kind not in SIM_FAULTS:
        raise argparse.ArgumentTypeError(f"unknown fault {kind!r}; known: {', '.join(SIM_FAULTS)}")
    try:
        number = SIM_FAULTS[kind][1](value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: {kind} needs a number after the colon"
        ) from None
    return SimFault(kind, number)


def configure(parser: argparse.ArgumentParser) -> None:
    faults = "; ".join(
        f"{k}:{'N' if t is int else 'X'} = {what}" for k, (what, t) in SIM_FAULTS.items()
    )
    parser.add_argument(
        "--port",
        metavar="URL",
        help="the board's serial port or pyserial URL (a real port, or the pty that "
        "`main.py board-sim` prints); default: the configuration's",
    )
    parser.add_argument(
        "--only",
        metavar="GROUPS",
        type=parse_groups,
        help=f"check only these groups, comma-separated: {','.join(GROUPS)} "
        "(the configuration is always checked; slots also need the board's port and HELLO)",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="ask nothing: skip every step that needs a person at the cabinet, and say so",
    )
    parser.add_argument(
        "--report",
        metavar="FILE.json",
        help="also write every check, result, reason, timing and version as JSON "
        "(schema: docs/hwtest.md)",
    )
    parser.add_argument(
        "--sim-fault",
        metavar="KIND:VALUE",
        type=parse_fault,
        action="append",
        default=[],
        help=f"simulation only, for training; repeatable: {faults}",
    )
    parser.add_argument(
        "--wait",
        metavar="SECONDS",
        type=float,
        default=20.0,
        help="how long to wait for each thing asked of the technician (default 20)",
    )


def run(args: argparse.Namespace) -> int:
    return hwtest(args, stdin=sys.stdin, stdout=sys.stdout)


@dataclass
class Environment:
    """What the command takes from the world; tests replace the slow or physical parts."""

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    # Builds the simulated board in simulation (tests make it turn fast).
    simulator: Callable[[], PtyBoardServer] | None = None
    # Person at the cabinet: None = whether stdin is a terminal.
    interactive: bool | None = None
    poll_s: float = 0.1
    drop_grace_s: float | None = None  # None: the configuration's drop_grace
    allow_dummy_display: bool = False
    sim_person_after_s: float = 1.0  # the simulated technician acts after this long


def hwtest(
    args: argparse.Namespace,
    *,
    stdin: TextIO,
    stdout: TextIO,
    env: Environment | None = None,
) -> int:
    """The whole command: build, run, print, report. Returns the exit status."""
    from hardware.diagnostics import exit_status, run_checks

    env = env or Environment()
    started = env.clock()
    plan = Plan.build(args, stdin, stdout, env)
    if plan is None:
        return 2
    printer = ChecklistPrinter(stdout, person_present=plan.person_present)
    try:
        printer.banner(plan)
        with _quiet_vend_log():
            outcomes = run_checks(
                plan.checks, person_present=plan.person_present, clock=env.clock, listener=printer
            )
    finally:
        plan.close()
    printer.summary(outcomes)
    if args.report:
        write_report(args.report, outcomes, plan, env.clock() - started, stdout)
    return exit_status(outcomes)


@contextlib.contextmanager
def _quiet_vend_log() -> Iterator[None]:
    """The test turns go through the kiosk's vend path, which logs every vend and the board's
    fault bits; the checklist already says all that, so only its errors reach the terminal."""
    vend_log = logging.getLogger("hardware.vend")
    level = vend_log.level
    vend_log.setLevel(max(level, logging.ERROR))
    try:
        yield
    finally:
        vend_log.setLevel(level)


# --- building the checklist -----------------------------------------------------------------


@dataclass
class Plan:
    """The checks to run and everything they hold open."""

    checks: list[Check]
    person_present: bool
    simulation: bool
    port: str | None
    config_source: str
    options: dict[str, Any]
    board_info: Callable[[], dict[str, Any] | None] = lambda: None
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            try:
                close()
            except Exception as exc:  # closing must go on: the next part still needs releasing
                print(f"warning: while closing: {exc}", file=sys.stderr)
        self.closers.clear()

    @classmethod
    def build(
        cls, args: argparse.Namespace, stdin: TextIO, stdout: TextIO, env: Environment
    ) -> Plan | None:
        from kiosk.shell.config import load_config
        from kiosk.shell.errors import ConfigError

        groups = set(args.only or GROUPS)
        options = {
            "only": sorted(groups - {"config"}),
            "yes": bool(args.yes),
            "sim_faults": [str(f) for f in args.sim_fault],
        }
        interactive = stdin.isatty() if env.interactive is None else env.interactive
        person_present = not args.yes and interactive
        if not args.yes and not interactive:
            print(
                "stdin is not a terminal: nobody can answer, so the steps that need a person "
                "are skipped (as with --yes)",
                file=stdout,
            )
        try:
            config = load_config(args.config)
        except ConfigError as exc:
            return cls._broken_config(str(exc), person_present, options)
        simulation = config.hardware.simulated and args.port is None
        if args.sim_fault and not simulation:
            print(
                "hwtest: --sim-fault works only in simulation (no machine configuration and "
                "no --port)",
                file=sys.stderr,
            )
            return None
        plan = cls([], person_present, simulation, None, config.source, options)
        try:
            _Builder(plan, config, args, groups, stdin, stdout, env).build()
        except BaseException:
            plan.close()
            raise
        return plan

    @classmethod
    def _broken_config(cls, error: str, person_present: bool, options: dict[str, Any]) -> Plan:
        from hardware.diagnostics import configuration_check

        check = configuration_check(
            source="",
            error=error,
            serial_port="",
            pins={},
            slots=[],
            pin_factory="",
            simulated=False,
        )
        return cls([check], person_present, False, None, "", options)


@dataclass
class _Builder:
    plan: Plan
    config: KioskConfig
    args: argparse.Namespace
    groups: set[str]
    stdin: TextIO
    stdout: TextIO
    env: Environment

    def build(self) -> None:
        from dataclasses import asdict

        from hardware.diagnostics import BoardSession, configuration_check, gpio_person_checks
        from kiosk.shell.storage_check import data_dir_check

        hw = self.config.hardware
        server = self._simulator() if self.plan.simulation else None
        port = server.path if server is not None else (self.args.port or hw.serial_port)
        self.plan.port = port
        pins = asdict(hw.pins)
        slots = [s.number for s in hw.slots]
        mock = self.plan.simulation or hw.pin_factory == "mock"
        self.plan.checks.append(
            configuration_check(
                source=self.config.source,
                error=None,
                serial_port=port,
                pins=pins,
                slots=slots,
                pin_factory="mock" if self.plan.simulation else hw.pin_factory,
                simulated=hw.simulated,
            )
        )
        # The kiosk refuses to serve with its ledger in RAM; say so here first.
        self.plan.checks.append(data_dir_check(self.config.data_dir, simulated=hw.simulated))
        board = BoardSession(lambda: self._board_driver(port))
        self.plan.closers.append(board.close)
        self.plan.board_info = lambda: _info(board)
        if self.groups & {"board", "slots"}:
            self._board_checks(board, port, slots)
        gpio = self._gpio() if "gpio" in self.groups else None
        if "slots" in self.groups:
            # Items fall through a mock beam only when this process runs the simulated board.
            watch = gpio is not None and (not mock or server is not None)
            if server is not None and gpio is not None:
                server.on_revolution = _items_fall_through(gpio)
            self._slot_checks(board, slots, gpio if watch else None)
        prompter = self._prompter(gpio if mock else None, pins)
        if gpio is not None:
            self.plan.checks += gpio_person_checks(gpio, prompter, pins, wait_s=self.args.wait)
        if "audio" in self.groups:
            from hardware.diagnostics import audio_checks

            self.plan.checks += audio_checks(self.config.speech, prompter)
        if "display" in self.groups:
            self._display(prompter)
        if "printer" in self.groups:
            from kiosk.tools.printer_check import printer_checks_for

            self.plan.checks += printer_checks_for(self.config, prompter, self.plan.closers)

    def _board_driver(self, port: str) -> Board:
        from hardware.board import Board

        return Board(port, clock=self.env.clock, sleep=self.env.sleep)

    def _board_checks(self, board: BoardSession, port: str, slots: list[int]) -> None:
        from hardware.diagnostics import board_checks

        self.plan.checks += board_checks(
            board,
            port,
            slots,
            clock=self.env.clock,
            sleep=self.env.sleep,
            include_health="board" in self.groups,
        )

    def _simulator(self) -> PtyBoardServer:
        from hardware.simulator import PtyBoardServer, SimulatedBoard

        if self.env.simulator is not None:
            server = self.env.simulator()
        else:
            slots = max((s.number for s in self.config.hardware.slots), default=1)
            server = PtyBoardServer(SimulatedBoard(slots=slots))
        for fault in self.args.sim_fault:
            apply_fault(server, fault)
        server.start()
        self.plan.closers.append(server.stop)
        return server

    def _gpio(self) -> GpioSession:
        from hardware.diagnostics import GpioSession, gpio_setup_check
        from hardware.gpio import CabinetIO, make_pin_factory

        pins = self.config.hardware.pins
        name = "mock" if self.plan.simulation else self.config.hardware.pin_factory
        session = GpioSession(lambda: CabinetIO.build(pins, make_pin_factory(name)))
        self.plan.closers.append(session.close)
        self.plan.checks.append(gpio_setup_check(session))
        return session

    def _slot_checks(self, board: BoardSession, slots: list[int], gpio: GpioSession | None) -> None:
        from hardware.diagnostics import Check, slot_checks

        books = _Books(self.config, self.plan.simulation)
        self.plan.closers.append(books.close)
        self.plan.checks.append(Check("slots.ledger", "ledger for test vends", "slots", books.open))
        checks = slot_checks(
            board,
            slots,
            books,
            drop_sensor=lambda: None if gpio is None or gpio.io is None else gpio.io.drop_sensor,
            stocked=books.stocked,
            clock=self.env.clock,
            sleep=self.env.sleep,
            poll_s=self.env.poll_s,
            drop_grace_s=self.env.drop_grace_s or self.config.hardware.drop_grace,
        )
        # No test vend without the ledger: its vend_ids are what keeps the board from
        # mistaking a test turn for an old vend.
        self.plan.checks += [replace(c, requires=(*c.requires, "slots.ledger")) for c in checks]

    def _prompter(self, mock_gpio: GpioSession | None, pins: dict[str, int]) -> Prompter:
        from hardware.diagnostics import TerminalPrompter

        # Nobody can wave at a mock beam: on mock pins a simulated technician does the steps.
        hands = simulated_hands(mock_gpio, pins) if mock_gpio is not None else {}
        return TerminalPrompter(
            self.stdin,
            self.stdout,
            self.env.clock,
            self.env.sleep,
            person=hands,
            act_after_s=self.env.sim_person_after_s,
        )

    def _display(self, prompter: Prompter) -> None:
        from kiosk.tools.diagnostics_display import (
            DisplaySession,
            colour_bars_check,
            touch_grid_check,
        )

        d = self.config.display
        session = DisplaySession(
            (d.width, d.height),
            fullscreen=d.fullscreen and not self.plan.simulation,
            allow_dummy=self.env.allow_dummy_display,
            px_per_mm=d.px_per_mm,
            driver=d.sdl_driver,
        )
        self.plan.closers.append(session.close)
        self.plan.checks += [
            colour_bars_check(session, prompter),
            touch_grid_check(session, prompter, clock=self.env.clock, sleep=self.env.sleep),
        ]


def _info(board: BoardSession) -> dict[str, Any] | None:
    info = board.info
    if info is None:
        return None
    return {
        "proto": info.proto,
        "slots": info.slots,
        "firmware": f"{info.fw_major}.{info.fw_minor}",
        "board_id": info.board_id,
    }


@dataclass
class _Books:
    """The kiosk's ledger, where each test turn is written down as a vend of kind 'test'.

    In simulation it is the simulated machine's ledger, stocked full as the simulated kiosk
    keeps it (kiosk.cabinet.cabinet); on the machine it is the kiosk's own ledger, untouched but for
    the test vends.
    """

    config: KioskConfig
    simulation: bool
    ledger: Ledger | None = None

    def open(self) -> CheckResult:
        from hardware.diagnostics import failed, passed
        from kiosk.cabinet.cabinet import LEDGER_FILE
        from kiosk.cabinet.ledger import Ledger, LedgerError

        path = self.config.data_dir / LEDGER_FILE
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.ledger = Ledger(path)
        except (LedgerError, OSError) as exc:
            return failed(
                f"cannot open the ledger (장부 열기 실패): {exc}",
                "run hwtest as the kiosk's user (the one that owns the data directory), "
                "or fix data_dir in the configuration",
            )
        if self.simulation:
            self.ledger.sync_slots(self.config.hardware.slots, fill_new=True)
        return passed(
            f"{path}: test vends get vend_ids after {self.ledger.last_vend_id()}",
            path=str(path),
        )

    @property
    def books(self) -> Ledger:
        if self.ledger is None:
            raise RuntimeError("ledger used before slots.ledger")
        return self.ledger

    def begin(self, slot: int, kind: VendKind | None = None) -> int:
        from hardware.vend import VendKind

        # Every vend hwtest makes is a test vend, whatever the caller's default.
        return self.books.begin(slot, kind or VendKind.TEST)

    def finish(self, vend_id: int, outcome: VendOutcome, detail: str = "") -> None:
        self.books.finish(vend_id, outcome, detail)

    def unfinished_vends(self) -> list[PendingVend]:
        # A vend the kiosk left unfinished (it stopped mid-vend) is settled before the first
        # test turn, as the kiosk itself would at its next start: never sent again.
        return self.books.unfinished_vends()

    def stocked(self, slot: int) -> bool | None:
        from kiosk.cabinet.ledger import LedgerError

        if self.ledger is None:
            return None
        try:
            return self.ledger.slot(slot).count > 0
        except LedgerError:  # a slot the kiosk never synced: nobody knows what is in it
            return None

    def close(self) -> None:
        if self.ledger is not None:
            self.ledger.close()
            self.ledger = None


def _items_fall_through(gpio: GpioSession) -> Callable[[int], None]:
    """The simulated board's hook: each item it pushes out falls through the mock beam."""
    from hardware.sim_wiring import fall_through_beam

    def fell(slot: int) -> None:
        if gpio.io is not None:
            fall_through_beam(gpio.io)

    return fell


def simulated_hands(gpio: GpioSession, pins: Mapping[str, int]) -> dict[str, Callable[[], None]]:
    """In simulation nobody can wave at a mock beam: these do what the technician is asked."""

    def level(pin: int, low: bool) -> Callable[[], None]:
        def act() -> None:
            mock = gpio.parts.pin_factory.pin(pin)
            if low:
                mock.drive_low()
            else:
                mock.drive_high()

        return act

    def tap(pin: int, times: int = 1) -> Callable[[], None]:
        def act() -> None:
            for _ in range(times):
                level(pin, True)()
                level(pin, False)()

        return act

    hands = {
        "drop.wave": tap(pins["drop_sensor"], 3),
        "door.open": level(pins["door"], False),  # the reed switch opens: the pin pulls up
        "door.close": level(pins["door"], True),
        "service.press": tap(pins["service_button"]),
    }
    for key in ("previous", "next", "select", "help"):
        hands[f"key.{key}"] = tap(pins[f"key_{key}"])
    return hands


def apply_fault(server: PtyBoardServer, fault: SimFault) -> None:
    """Put one of the simulator's faults in, for training."""
    value = fault.value
    if fault.kind == "stall":
        server.stall_slot(int(value))
    elif fault.kind == "no-motor":
        server.no_motor_slot(int(value))
    elif fault.kind == "empty":
        server.empty_slot(int(value))
    elif fault.kind == "corrupt":
        server.corrupt_fraction = value
    elif fault.kind == "drop":
        server.drop_fraction = value
    elif fault.kind == "delay":
        server.delay_s = value
    elif fault.kind == "revolution":
        server.revolution_s = value
    elif fault.kind == "supply":
        server.board.supply_mv = int(value)


# --- printing and the report ----------------------------------------------------------------

_COLOURS = {"PASS": "\033[32m", "FAIL": "\033[31;1m", "SKIP": "\033[33m"}
_RESET = "\033[0m"
_RULE = "=" * 72


class ChecklistPrinter:
    """One line per check; a heading before each step that needs the technician."""

    def __init__(self, out: TextIO, *, person_present: bool) -> None:
        self.out = out
        self.person_present = person_present
        self.colour = bool(getattr(out, "isatty", lambda: False)())
        self.warned_motors = False

    def banner(self, plan: Plan) -> None:
        print("마음약방 hwtest — technician's checklist (점검표)", file=self.out)
        if plan.simulation:
            print(_RULE, file=self.out)
            print(
                "  SIMULATION (시뮬레이션): no real hardware is tested. For training.",
                file=self.out,
            )
            print(
                f"  Simulated board on {plan.port}; GPIO on mock pins; a simulated", file=self.out
            )
            print(
                "  technician does the physical steps (you still answer the questions).",
                file=self.out,
            )
            if plan.options["sim_faults"]:
                print(f"  Faults put in: {', '.join(plan.options['sim_faults'])}", file=self.out)
            print(_RULE, file=self.out)
        else:
            print(
                f"configuration: {plan.config_source or '(unusable)'} · port: {plan.port}",
                file=self.out,
            )
        if not self.person_present:
            print("Nobody to ask (--yes): steps that need a person are skipped.", file=self.out)
        print("", file=self.out)

    def started(self, check: Check, index: int, total: int) -> None:
        if check.group == "slots" and check.name != "slots.ledger" and not self.warned_motors:
            self.warned_motors = True
            print(
                "      Each slot now turns once: keep fingers clear of the spirals "
                "(손을 나선에서 떼 주세요)",
                file=self.out,
                flush=True,
            )
        if check.needs_person and self.person_present:
            print(f"\n----  {check.title} ({index + 1}/{total})", file=self.out, flush=True)

    def finished(self, check: Check, result: CheckResult) -> None:
        word = result.status.value
        if self.colour:
            word = f"{_COLOURS[word]}{word}{_RESET}"
        print(f"{word}  {check.title} — {result.reason}", file=self.out, flush=True)
        # Next steps for failures only: a skip's reason already says what it waits for.
        if result.next_step and result.status.value == "FAIL":
            print(f"      → {result.next_step}", file=self.out, flush=True)

    def summary(self, outcomes: list[Outcome]) -> None:
        from hardware.diagnostics import exit_status, summary

        counts = summary(outcomes)
        verdict = (
            "OK (정상): every check that ran passed"
            if exit_status(outcomes) == 0
            else ("NOT OK (점검 필요): see the FAIL lines above")
        )
        print(
            f"\nRESULT  {counts['pass']} passed · {counts['fail']} failed · "
            f"{counts['skip']} skipped — {verdict}",
            file=self.out,
        )


def write_report(
    path: str, outcomes: list[Outcome], plan: Plan, duration_s: float, out: TextIO
) -> None:
    """The JSON report (docs/hwtest.md), written whole or not at all."""
    import json
    import os
    import tempfile
    from datetime import UTC, datetime
    from pathlib import Path

    from hardware.diagnostics import report

    meta = {
        "tool": "maeum-kiosk hwtest",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": round(duration_s, 3),
        "simulation": plan.simulation,
        "port": plan.port,
        "config_source": plan.config_source,
        "person_present": plan.person_present,
        "options": plan.options,
        "versions": versions(plan.board_info()),
    }
    text = json.dumps(report(outcomes, meta=meta), ensure_ascii=False, indent=2) + "\n"
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"report written to {target}", file=out)


def versions(board: dict[str, Any] | None) -> dict[str, Any]:
    import platform
    from importlib import metadata

    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    return {
        "kiosk": version("maeum-kiosk"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pyserial": version("pyserial"),
        "gpiozero": version("gpiozero"),
        "pygame": version("pygame-ce"),
        "board": board,
    }
