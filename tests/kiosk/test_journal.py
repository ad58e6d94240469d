"""Log lines reach the systemd journal with their real priority (`journalctl -p warning`).

systemd reads a `<N>` at the start of each line of a service's stderr stream as its syslog
priority. These tests read that stream format: a real pipe stands in for the journal's stream
socket, named in JOURNAL_STREAM exactly as systemd names it (device:inode).
"""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from kiosk.shell.journal import JournalFormatter, is_journal_stream, syslog_priority

ROOT = Path(__file__).resolve().parents[2]
PRIORITY = re.compile(r"^<([0-7])>")


def record(level: int, message: str, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("the board said no")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("kiosk.cabinet.cabinet", level, __file__, 1, message, (), exc_info)


def test_each_level_gets_the_priority_journalctl_filters_on() -> None:
    formatter = JournalFormatter()
    lines = {
        level: formatter.format(record(level, "x"))
        for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)
    }
    assert lines[logging.DEBUG].startswith("<7>")
    assert lines[logging.INFO].startswith("<6>")
    assert lines[logging.WARNING].startswith("<4>WARNING kiosk.cabinet.cabinet: x")
    assert lines[logging.ERROR].startswith("<3>")
    assert lines[logging.CRITICAL].startswith("<2>")
    # `journalctl -p warning` = priorities 0..4: warnings and worse, never info or debug.
    assert [syslog_priority(lv) <= 4 for lv in lines] == [False, False, True, True, True]


def test_every_line_of_a_traceback_carries_the_error_priority() -> None:
    text = JournalFormatter().format(record(logging.ERROR, "vend failed", exc=True))
    lines = text.splitlines()
    assert len(lines) > 3, "a traceback spans lines"
    assert all(line.startswith("<3>") for line in lines), lines
    assert lines[-1] == "<3>ValueError: the board said no"


def test_the_prefix_is_used_only_on_the_stream_systemd_named() -> None:
    read_fd, write_fd = os.pipe()
    try:
        with os.fdopen(write_fd, "w", closefd=False) as stream:
            info = os.fstat(write_fd)
            named = {"JOURNAL_STREAM": f"{info.st_dev}:{info.st_ino}"}
            assert is_journal_stream(stream, named)
            # Another file (stderr redirected by a child, a terminal) gets plain lines.
            assert not is_journal_stream(stream, {"JOURNAL_STREAM": f"{info.st_dev}:1"})
            assert not is_journal_stream(stream, {})
            assert not is_journal_stream(stream, {"JOURNAL_STREAM": "garbage"})
            assert not is_journal_stream(io.StringIO(), named)
    finally:
        os.close(read_fd)
        os.close(write_fd)


# `main` sets logging up before it runs a command: a command that stops at once (a date range
# the wrong way round) leaves that set-up in place for the lines logged after it.
LOG_THROUGH_THE_CLI = """
import logging
from kiosk.cli import main
status = main(["stats", "--from", "2026-01-02", "--to", "2026-01-01"])
log = logging.getLogger("kiosk.cabinet.cabinet")
log.info("serving visitors")
log.warning("slot 3 is low")
try:
    raise OSError("ledger disk full")
except OSError:
    log.exception("vend not recorded")
raise SystemExit(0 if status == 2 else 1)
"""


def run_logging(journal: bool) -> list[str]:
    """Runs the command-line entry point in a child whose stderr is a pipe, named as the
    journal stream (as systemd does) or not; returns the lines the kiosk's logger wrote."""
    read_fd, write_fd = os.pipe()
    info = os.fstat(write_fd)
    env = {k: v for k, v in os.environ.items() if k not in ("JOURNAL_STREAM", "MAEUM_CONFIG")}
    if journal:
        env["JOURNAL_STREAM"] = f"{info.st_dev}:{info.st_ino}"
    with subprocess.Popen(
        [sys.executable, "-c", LOG_THROUGH_THE_CLI],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=write_fd,
    ) as child:
        os.close(write_fd)
        with os.fdopen(read_fd, encoding="utf-8") as pipe:
            text = pipe.read()
        assert child.wait(timeout=60) == 0, text
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "serving visitors" in line)
    return lines[first:]


def test_the_kiosk_writes_journal_priorities_when_systemd_runs_it() -> None:
    lines = run_logging(journal=True)
    assert lines[0] == "<6>INFO kiosk.cabinet.cabinet: serving visitors"
    assert lines[1] == "<4>WARNING kiosk.cabinet.cabinet: slot 3 is low"
    assert lines[2] == "<3>ERROR kiosk.cabinet.cabinet: vend not recorded"
    assert lines[-1] == "<3>OSError: ledger disk full", "the traceback is at error too"
    assert all(line.startswith("<3>") for line in lines[2:]), lines


def test_a_terminal_gets_time_stamped_lines_without_prefixes() -> None:
    lines = run_logging(journal=False)
    assert not [line for line in lines if PRIORITY.match(line)], lines
    assert re.match(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ WARNING kiosk.cabinet.cabinet: slot 3", lines[1]
    )
