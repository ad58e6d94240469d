"""The simulated printer itself (its paper, its knobs, its PNGs) and its `printer-sim` command."""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

from hardware.printer import Paper, PrinterState, open_printer, to_1bit
from hardware.printer.commands import Cutter, slip_job
from hardware.printer.simulator import PtyPrinterServer, SimulatedPrinter, read_png
from hardware.printer.status import read_status, status_query
from kiosk.commands import printer_sim as printer_sim_command
from tests.hardware.conftest import serial_settings

REPO = Path(__file__).resolve().parents[2]
RASTER = to_1bit(bytes(range(0, 256, 2)) * 3 * 40, 384)  # 40 rows
JOB = slip_job(RASTER, dots=384, cutter=Cutter.PARTIAL, feed_lines=3)


def status_of(printer: SimulatedPrinter) -> PrinterState:
    replies = [printer.handle(status_query(n)) for n in (1, 2, 4)]
    assert all(len(r) == 1 for r in replies)
    return read_status(replies[0][0], replies[1][0], replies[2][0]).state


def test_the_knobs_set_the_status_bytes_a_real_printer_sends() -> None:
    printer = SimulatedPrinter(dots=384)
    assert status_of(printer) is PrinterState.READY
    for knob, state in (
        ("near_end", PrinterState.PAPER_NEAR_END),
        ("paper_out", PrinterState.PAPER_OUT),
        ("cover_open", PrinterState.COVER_OPEN),
        ("garbage", PrinterState.GARBAGE),
    ):
        setattr(printer, knob, True)
        assert status_of(printer) is state
        setattr(printer, knob, False)
    printer.half = True
    assert [len(printer.handle(status_query(n))) for n in (1, 2, 4)] == [1, 0, 0]


def test_without_paper_nothing_is_printed_and_the_rows_are_counted_lost() -> None:
    printer = SimulatedPrinter(dots=384)
    printer.paper_out = True
    printer.handle(JOB)
    assert printer.slips == [] and printer.lost_rows == 40
    printer.paper_out = False
    printer.paper_out_after_rows(25)
    printer.handle(JOB)
    assert printer.slips[0].raster.height == 25 and printer.lost_rows == 40 + 15
    assert status_of(printer) is PrinterState.PAPER_OUT


def test_a_stalled_printer_keeps_what_it_got_and_prints_it_when_it_runs_again() -> None:
    printer = SimulatedPrinter(dots=384)
    printer.stall_after_bytes(100)
    assert printer.handle(JOB) == b""
    assert printer.stall and printer.slips == []
    printer.stall = False
    assert printer.handle(status_query(1)) == b"\x12"
    assert [s.raster for s in printer.slips] == [RASTER]


def test_each_slip_is_a_png_and_every_byte_is_kept(tmp_path: Path) -> None:
    printer = SimulatedPrinter(dots=384, out_dir=tmp_path)
    printer.handle(JOB + JOB)
    assert [s.number for s in printer.slips] == [1, 2]
    assert all(s.cut for s in printer.slips)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "received.bin",
        "slip-0001.png",
        "slip-0002.png",
    ]
    assert read_png(tmp_path / "slip-0002.png") == RASTER
    assert (tmp_path / "received.bin").read_bytes() == JOB + JOB


def test_console_commands_turn_the_knobs(printer_sim: PtyPrinterServer) -> None:
    out = io.StringIO()
    script = (
        "near_end\ncover_open\nok cover_open\npaper_out_after 10\nunplug\nreplug\n"
        "bogus\nstatus\nquit\nstall\n"
    )
    assert printer_sim_command.console(printer_sim, io.StringIO(script), out) is True
    printer = printer_sim.printer
    assert (printer.near_end, printer.cover_open, printer.stall) == (True, False, False)
    assert printer_sim.plugged
    lines = out.getvalue().splitlines()
    assert lines[:6] == ["ok"] * 6
    assert lines[6].startswith("? unknown command 'bogus'")
    assert lines[7].startswith("0 slips")


def test_printer_sim_command_prints_a_path_a_driver_prints_to(tmp_path: Path) -> None:
    args = [sys.executable, "main.py", "printer-sim", "--paper", "58", "--near-end"]
    args += ["--out", str(tmp_path), "--no-console"]
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, "printer-sim printed no path"
        path = proc.stdout.readline().decode().strip()
        printer = open_printer(serial_settings(path, paper=Paper.MM58))
        try:
            assert printer.status().state is PrinterState.PAPER_NEAR_END
            assert printer.print_slip(RASTER, job_id="cli").printed
        finally:
            printer.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 130
        assert not os.path.exists(path)
    finally:
        proc.kill()
        proc.wait()
    assert read_png(tmp_path / "slip-0001.png") == RASTER
