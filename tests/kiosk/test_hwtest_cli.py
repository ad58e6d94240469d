"""`main.py hwtest`: the display test's grid and screens, and the command end to end."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygame
import pytest

from hardware.diagnostics import Answer, ScriptedPrompter, Status
from hardware.dispenser import VendOutcome
from hardware.simulator import PtyBoardServer, SimulatedBoard
from hardware.vend import VendKind
from kiosk.cabinet.cabinet import LEDGER_FILE
from kiosk.cabinet.ledger import Ledger
from kiosk.cli import build_parser
from kiosk.commands.hwtest import Environment, hwtest
from kiosk.tools.diagnostics_display import (
    MAX_OFFSET_MM,
    DisplaySession,
    TouchGrid,
    colour_bars_check,
    grid_result,
    touch_grid_check,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


# --- the touch grid, pure -------------------------------------------------------------------


def test_cells_tile_the_screen_exactly() -> None:
    grid = TouchGrid(1279, 801, cols=4, rows=3)
    assert len(grid.cells) == 12
    assert sum(c.width * c.height for c in grid.cells) == 1279 * 801
    for x, y in [(0, 0), (1278, 800), (319, 266), (320, 267), (639, 533)]:
        cell = grid.cell_at(x, y)
        assert cell is not None and cell.contains(x, y)
    assert grid.cell_at(1279, 10) is None and grid.cell_at(-1, 10) is None


def test_grid_is_complete_only_when_every_cell_was_touched() -> None:
    grid = TouchGrid(400, 300, cols=2, rows=2)
    for cell in grid.cells[:3]:
        grid.touch(*cell.centre)
        grid.touch(*cell.centre)  # touching twice does not count for another cell
    assert not grid.complete
    assert [c.label for c in grid.missing] == ["row 2, column 2"]
    grid.touch(*grid.cells[3].centre)
    assert grid.complete


def test_offset_is_the_mean_miss_of_each_cells_first_touch() -> None:
    grid = TouchGrid(400, 300, cols=2, rows=2, px_per_mm=5.0)
    for cell in grid.cells:
        cx, cy = cell.centre
        grid.touch(cx + 10, cy - 5)
        grid.touch(cx, cy)  # a correction afterwards does not hide the miscalibration
    offset = grid.offset()
    assert offset is not None
    assert (offset.dx_px, offset.dy_px) == pytest.approx((10.0, -5.0))
    assert (offset.dx_mm, offset.dy_mm) == pytest.approx((2.0, -1.0))
    assert "10 px (2.0 mm) right" in offset.describe()
    assert "5 px (1.0 mm) above" in offset.describe()


def complete_grid(dx: float, dy: float, px_per_mm: float = 5.0) -> TouchGrid:
    grid = TouchGrid(800, 600, cols=4, rows=3, px_per_mm=px_per_mm)
    for cell in grid.cells:
        grid.touch(cell.centre[0] + dx, cell.centre[1] + dy)
    return grid


def test_a_well_calibrated_panel_passes_and_reports_its_offset() -> None:
    result = grid_result(complete_grid(3, 4), stopped=False)
    assert result.status is Status.PASS
    assert result.details["offset_mm"] == pytest.approx(1.0)
    assert "3 px" in result.reason


def test_an_offset_beyond_half_a_target_fails_with_a_calibration_hint() -> None:
    shift_px = (MAX_OFFSET_MM + 1) * 5.0
    result = grid_result(complete_grid(shift_px, 0), stopped=False)
    assert result.status is Status.FAIL
    assert "right" in result.reason and "calibrat" in result.next_step


def test_an_untouched_cell_fails_naming_it() -> None:
    grid = TouchGrid(800, 600, cols=2, rows=1)
    grid.touch(10, 10)
    result = grid_result(grid, stopped=False)
    assert result.status is Status.FAIL
    assert "row 1, column 2" in result.reason and "time ran out" in result.reason
    assert result.details["missing"] == ["row 1, column 2"]


# --- the display checks under SDL's dummy driver ------------------------------------------


@pytest.fixture
def session() -> Any:
    s = DisplaySession((640, 400), fullscreen=False, allow_dummy=True, px_per_mm=4.0)
    yield s
    s.close()


def test_without_a_real_display_both_checks_skip_saying_why() -> None:
    blind = DisplaySession((640, 400), fullscreen=False)  # tests run with the dummy driver
    prompter = ScriptedPrompter(answers={"display.bars": Answer.YES})
    for check in (colour_bars_check(blind, prompter), touch_grid_check(blind, prompter)):
        result = check.run()
        assert result.status is Status.SKIP
        assert "no real display" in result.reason
    assert prompter.log == []


def test_colour_bars_are_drawn_and_the_technicians_answer_decides(session: Any) -> None:
    yes = colour_bars_check(session, ScriptedPrompter(answers={"display.bars": Answer.YES}))
    assert yes.run().status is Status.PASS
    surface = session.surface
    assert surface.get_at((80, 200))[:3] == (255, 255, 0)  # the second bar is yellow
    assert surface.get_at((0, 200))[:3] == (255, 255, 255)  # the frame
    no = colour_bars_check(session, ScriptedPrompter(answers={"display.bars": Answer.NO}))
    result = no.run()
    assert result.status is Status.FAIL and "cable" in result.next_step


def taps(points: Sequence[tuple[float, float]]) -> list[pygame.event.Event]:
    return [
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=p, button=1, touch=False) for p in points
    ]


def test_touch_grid_passes_when_every_cross_is_touched(session: Any) -> None:
    clock = FakeClock()
    grid = TouchGrid(640, 400, cols=2, rows=2)
    batches = [
        taps([(c.centre[0] + 4, c.centre[1] + 2) for c in grid.cells[:2]]),
        [
            pygame.event.Event(
                pygame.FINGERDOWN,
                x=(grid.cells[2].centre[0] + 4) / 640,
                y=(grid.cells[2].centre[1] + 2) / 400,
                finger_id=0,
                touch_id=0,
                dx=0.0,
                dy=0.0,
                pressure=1.0,
            )
        ],
        # the mouse click SDL emulates for that finger must not count twice
        [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(1, 1), button=1, touch=True)],
        taps([(grid.cells[3].centre[0] + 4, grid.cells[3].centre[1] + 2)]),
    ]
    check = touch_grid_check(
        session,
        ScriptedPrompter(),
        cols=2,
        rows=2,
        clock=clock,
        sleep=clock.sleep,
        events=lambda: batches.pop(0) if batches else [],
    )
    result = check.run()
    assert result.status is Status.PASS
    assert (result.details["offset_x_px"], result.details["offset_y_px"]) == (4.0, 2.0)
    assert result.details["touched"] == 4


def test_touch_grid_times_out_naming_the_dead_cells(session: Any) -> None:
    clock = FakeClock()
    check = touch_grid_check(
        session,
        ScriptedPrompter(),
        cols=2,
        rows=1,
        timeout_s=5.0,
        clock=clock,
        sleep=clock.sleep,
        events=lambda: taps([(10, 10)]),
    )
    result = check.run()
    assert result.status is Status.FAIL
    assert "row 1, column 2" in result.reason
    assert clock.now == pytest.approx(5.0, abs=0.05)


def test_escape_stops_the_touch_grid(session: Any) -> None:
    clock = FakeClock()
    escape = [
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0)
    ]
    check = touch_grid_check(
        session, ScriptedPrompter(), clock=clock, sleep=clock.sleep, events=lambda: escape
    )
    result = check.run()
    assert result.status is Status.FAIL and "stopped by the technician" in result.reason
    assert clock.now < 1.0


# --- the command, end to end against the simulated board ------------------------------------


@dataclass
class Run:
    status: int
    out: str
    report: dict[str, Any]

    def result(self, name: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = [c for c in self.report["checks"] if c["name"] == name]
        assert len(found) == 1, name
        return found[0]

    def failed(self) -> list[str]:
        return [c["name"] for c in self.report["checks"] if c["status"] == "FAIL"]


def fast_simulator() -> PtyBoardServer:
    board = SimulatedBoard(revolution_s=0.08, stall_timeout_s=0.3, boot_s=0.0)
    return PtyBoardServer(board, noise_bytes=0)


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh checkout: no machine configuration anywhere, data in a temporary directory."""
    monkeypatch.setattr("kiosk.shell.config.DEVICE_CONFIG", tmp_path / "no-such-kiosk.toml")
    monkeypatch.delenv("MAEUM_CONFIG", raising=False)
    monkeypatch.setenv("MAEUM_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def hwtest_cli(
    machine: Path,
    *argv: str,
    answers: str = "",
    interactive: bool = False,
) -> Run:
    report = machine / "report.json"
    args = build_parser().parse_args(["hwtest", *argv, "--report", str(report)])
    out = io.StringIO()
    env = Environment(
        simulator=fast_simulator,
        interactive=interactive,
        poll_s=0.02,
        drop_grace_s=0.3,
        sim_person_after_s=0.0,
    )
    status = hwtest(args, stdin=io.StringIO(answers), stdout=out, env=env)
    return Run(status, out.getvalue(), json.loads(report.read_text(encoding="utf-8")))


def test_simulation_without_faults_passes_everything_that_runs(machine: Path) -> None:
    run = hwtest_cli(machine, "--yes")
    assert run.status == 0
    assert "SIMULATION" in run.out
    statuses = {c["name"]: c["status"] for c in run.report["checks"]}
    ran = {n for n, s in statuses.items() if s != "SKIP"}
    assert {statuses[n] for n in ran} == {"PASS"}
    assert ran >= {"config", "board.hello", "board.status", "board.supply", "gpio.setup"}
    assert {f"slots.{n}" for n in range(1, 7)} <= ran
    assert "RESULT  " in run.out and "OK (정상)" in run.out
    warning = run.out.index("keep fingers clear of the spirals")
    assert run.out.index("PASS  ledger for test vends") < warning < run.out.index("slot 1 motor")


def test_with_yes_the_person_steps_are_skipped_and_say_so(machine: Path) -> None:
    run = hwtest_cli(machine, "--yes")
    person = [c for c in run.report["checks"] if c["needs_person"]]
    assert {c["name"] for c in person} >= {"gpio.drop", "gpio.door", "display.touch"}
    assert all(c["status"] == "SKIP" and "--yes" in c["reason"] for c in person)
    assert "SKIP  drop sensor — needs a person at the cabinet" in run.out


def test_a_technician_in_training_passes_every_gpio_step(machine: Path) -> None:
    # The simulated technician waves, opens, presses; the trainee answers y to both lights.
    run = hwtest_cli(machine, "--only", "gpio", answers="y\ny\n", interactive=True)
    gpio = [c for c in run.report["checks"] if c["group"] == "gpio"]
    assert len(gpio) == 10
    assert {c["status"] for c in gpio} == {"PASS"}
    assert run.status == 0
    assert "Wave a hand through the chute" in run.out
    assert "(SIMULATION: the simulated technician does it)" in run.out


def test_without_a_display_the_display_steps_skip_with_the_reason(machine: Path) -> None:
    run = hwtest_cli(machine, "--only", "display", interactive=True)
    display = [c["status"] for c in run.report["checks"] if c["group"] == "display"]
    assert display == ["SKIP", "SKIP"]
    assert "no real display" in run.result("display.bars")["reason"]
    assert run.status == 0


@pytest.mark.parametrize(
    ("fault", "check", "reason", "next_step"),
    [
        ("stall:3", "slots.3", "stalled (모터 멈춤)", "motor connector J3"),
        ("no-motor:2", "slots.2", "no motor (모터 연결 없음)", "motor connector J2"),
        ("empty:4", "slots.4", "nothing fell although the ledger counts items", "slot 4"),
        ("corrupt:0.4", "board.link", "replies are lost or damaged", "cable"),
        ("drop:0.4", "board.link", "replies are lost or damaged", "cable"),
        ("delay:0.03", "board.link", "answers slowly", "USB hub"),
        ("supply:10400", "board.supply", "10.4 V is low", "12 V supply"),
    ],
)
def test_each_simulator_fault_fails_the_right_check_with_the_right_reason(
    machine: Path, fault: str, check: str, reason: str, next_step: str
) -> None:
    run = hwtest_cli(machine, "--yes", "--only", "board,slots,gpio", "--sim-fault", fault)
    assert run.status == 1
    assert run.failed() == [check]
    if check == "board.link":  # no motor turns on a bad line: the link is fixed first
        assert "needs 'serial link' to pass first" in run.result("slots.1")["reason"]
    result = run.result(check)
    assert reason in result["reason"] and next_step in result["next_step"]
    assert f"FAIL  {result['title']} — {result['reason']}" in run.out
    assert f"      → {result['next_step']}" in run.out
    assert run.report["options"]["sim_faults"] == [fault]


def one_slot_config(machine: Path, *, simulated: bool = True) -> str:
    path = machine / "kiosk.toml"
    path.write_text(
        f"[hardware]\nsimulated = {'true' if simulated else 'false'}\n"
        f'pin_factory = "{"mock" if simulated else "lgpio"}"\n'
        '[[hardware.slots]]\nnumber = 1\nitem = "candy"\n',
        encoding="utf-8",
    )
    return str(path)


def test_a_slow_motor_fails_as_slow(machine: Path) -> None:
    config = one_slot_config(machine)
    run = hwtest_cli(machine, "--config", config, "--yes", "--only", "slots",
                     "--sim-fault", "revolution:2.9")  # fmt: skip
    assert run.failed() == ["slots.1"]
    assert "slowly" in run.result("slots.1")["reason"]


REPORT_KEYS = {
    "schema", "tool", "finished_at", "duration_s", "simulation", "port", "config_source",
    "person_present", "options", "versions", "summary", "exit_status", "checks",
}  # fmt: skip
CHECK_KEYS = {
    "name", "title", "group", "needs_person", "status", "reason", "next_step", "duration_s",
    "details",
}  # fmt: skip


def test_the_report_schema(machine: Path) -> None:
    run = hwtest_cli(machine, "--yes", "--only", "board", "--sim-fault", "stall:1")
    doc = run.report
    assert set(doc) == REPORT_KEYS
    assert doc["schema"] == "maeum-hwtest/1"
    assert doc["simulation"] is True and doc["person_present"] is False
    assert doc["options"] == {"only": ["board"], "yes": True, "sim_faults": ["stall:1"]}
    assert set(doc["versions"]) == {
        "kiosk", "python", "platform", "pyserial", "gpiozero", "pygame", "board",
    }  # fmt: skip
    assert doc["versions"]["board"] == {
        "proto": 1, "slots": 6, "firmware": "1.0", "board_id": "SIM00001",
    }  # fmt: skip
    assert doc["exit_status"] == run.status == 0  # only the board group ran: no slot turned
    assert doc["summary"] == {"pass": len(doc["checks"]), "fail": 0, "skip": 0}
    for check in doc["checks"]:
        assert set(check) == CHECK_KEYS
        assert check["group"] in ("config", "board", "slots", "gpio", "display")
        assert check["status"] in ("PASS", "FAIL", "SKIP")
        assert isinstance(check["duration_s"], float) and check["duration_s"] >= 0
        assert isinstance(check["details"], dict)
    assert [c["name"] for c in doc["checks"]] == [
        "config", "config.storage", "board.port", "board.hello", "board.link", "board.status",
        "board.supply", "board.home",
    ]  # fmt: skip


def test_test_vends_are_recorded_in_the_ledger_as_test_vends(machine: Path) -> None:
    run = hwtest_cli(machine, "--yes", "--only", "slots,gpio", "--sim-fault", "stall:2")
    assert run.status == 1
    ledger = Ledger(machine / "data" / LEDGER_FILE)
    try:
        vends = ledger.vends()
    finally:
        ledger.close()
    assert len(vends) == 6
    assert {v.kind for v in vends} == {VendKind.TEST}
    outcomes = {v.slot: v.outcome for v in vends}
    assert outcomes[2] is VendOutcome.MOTOR_FAULT
    assert outcomes[1] is VendOutcome.DISPENSED  # the mock beam saw the item fall
    ids = [v.vend_id for v in vends]
    assert run.result("slots.1")["details"]["vend_id"] in ids
    # The report says how each test vend was filed, as the ledger has it.
    assert {n: run.result(f"slots.{n}")["details"]["outcome"] for n in outcomes} == {
        n: o.value for n, o in outcomes.items()
    }


def test_a_vend_the_kiosk_left_unfinished_is_settled_first_and_never_sent_again(
    machine: Path,
) -> None:
    # The kiosk died mid-vend and the technician runs hwtest before it ever starts again.
    (machine / "data").mkdir()
    ledger = Ledger(machine / "data" / LEDGER_FILE)
    try:
        left = ledger.begin(3)
    finally:
        ledger.close()
    run = hwtest_cli(machine, "--yes", "--only", "slots")
    assert run.status == 0
    ledger = Ledger(machine / "data" / LEDGER_FILE)
    try:
        vends = ledger.vends()
    finally:
        ledger.close()
    settled = [v for v in vends if v.vend_id == left]
    assert [(v.kind, v.outcome) for v in settled] == [(VendKind.VISIT, VendOutcome.UNVERIFIED)]
    assert settled[0].detail.startswith("after a restart:")
    turns = [run.result(f"slots.{n}")["details"]["vend_id"] for n in range(1, 7)]
    assert left not in turns  # the test turns took fresh ids after it


def test_test_vends_do_not_touch_stock(machine: Path) -> None:
    # With the drop sensor watching, every turn of the full simulated slots drops an item.
    run = hwtest_cli(machine, "--yes", "--only", "slots,gpio")
    assert "an item fell" in run.result("slots.1")["reason"]
    ledger = Ledger(machine / "data" / LEDGER_FILE)
    try:
        counts = {s.number: s.count for s in ledger.slots()}
        capacity = {s.number: s.capacity for s in ledger.slots()}
    finally:
        ledger.close()
    assert counts == capacity


def test_against_a_board_on_a_given_port_it_is_not_a_simulation(
    machine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = one_slot_config(machine, simulated=False)
    # Real hardware: the data folder must be on a disk, which a temporary folder may not be.
    on_disk = machine / "mountinfo"
    on_disk.write_text("1 0 8:2 / / rw,noatime - ext4 /dev/mmcblk0p2 rw\n")
    monkeypatch.setattr("kiosk.shell.storage_check.MOUNTINFO", on_disk)
    with fast_simulator() as board:
        run = hwtest_cli(machine, "--config", config, "--port", board.path, "--yes",
                         "--only", "board,slots")  # fmt: skip
    assert run.status == 0, run.out
    assert run.report["simulation"] is False and run.report["port"] == board.path
    assert "SIMULATION" not in run.out
    assert run.result("slots.1")["status"] == "PASS"


def test_mock_pins_with_an_outside_simulator_still_get_a_simulated_technician(
    machine: Path,
) -> None:
    # `main.py board-sim` in one terminal, `hwtest --port <its pty>` in another.
    with fast_simulator() as board:
        run = hwtest_cli(machine, "--port", board.path, "--only", "gpio", answers="y\ny\n",
                         interactive=True)  # fmt: skip
    assert run.report["simulation"] is False
    assert {c["status"] for c in run.report["checks"]} == {"PASS"}


def test_sim_faults_are_refused_outside_simulation(machine: Path) -> None:
    args = build_parser().parse_args(["hwtest", "--port", "loop://", "--sim-fault", "stall:1"])
    err = io.StringIO()
    assert hwtest(args, stdin=io.StringIO(), stdout=err, env=Environment()) == 2


def test_a_broken_configuration_fails_the_first_check_and_exits_1(machine: Path) -> None:
    bad = machine / "bad.toml"
    bad.write_text("[hardware\n", encoding="utf-8")
    run = hwtest_cli(machine, "--config", str(bad), "--yes")
    assert run.status == 1
    assert run.failed() == ["config"]
    assert "not valid TOML" in run.result("config")["reason"]


@pytest.mark.parametrize("argv", [["--only", "network"], ["--sim-fault", "melt:1"],
                                  ["--sim-fault", "stall:x"]])  # fmt: skip
def test_bad_flags_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["hwtest", *argv])
    assert exit_.value.code == 2


def test_the_documented_example_report_has_the_same_schema() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "hwtest.md").read_text(encoding="utf-8")
    example = json.loads(doc.split("```json\n", 1)[1].split("```", 1)[0])
    assert set(example) == REPORT_KEYS
    assert example["schema"] == "maeum-hwtest/1"
    assert all(set(check) == CHECK_KEYS for check in example["checks"])
