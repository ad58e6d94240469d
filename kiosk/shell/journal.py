"""Log lines that reach the systemd journal with their real priority.

Under systemd (`StandardError=journal`) every line the kiosk writes to stderr becomes one journal
entry, at priority "info" unless the line starts with a syslog prefix `<N>` (systemd reads and
strips it: `SyslogLevelPrefix=`, on by default). Without the prefix `journalctl -p warning`
shows nothing and no journal-based alert ever fires.

systemd sets `JOURNAL_STREAM=DEV:INODE` for a service whose stdout/stderr is the journal. The
prefix is used only when stderr really is that stream (a child whose stderr was redirected, or a
technician's terminal, gets plain lines with a time stamp instead). Every line of a multi-line
record (a traceback) carries the prefix, so a traceback is one block of "err" lines, not one
error line followed by "info" ones.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import TextIO

# syslog(3) priorities, as journalctl -p names them.
EMERG, ALERT, CRIT, ERR, WARNING, NOTICE, INFO, DEBUG = range(8)

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The journal stamps each entry itself; the level name stays for grep.
JOURNAL_FORMAT = "%(levelname)s %(name)s: %(message)s"


def syslog_priority(levelno: int) -> int:
    """The syslog priority of a logging level (custom levels fall to the one below them)."""
    if levelno >= logging.CRITICAL:
        return CRIT
    if levelno >= logging.ERROR:
        return ERR
    if levelno >= logging.WARNING:
        return WARNING
    if levelno >= logging.INFO:
        return INFO
    return DEBUG


class JournalFormatter(logging.Formatter):
    """Formats a record and puts `<N>` in front of each of its lines."""

    def __init__(self, fmt: str = JOURNAL_FORMAT) -> None:
        super().__init__(fmt)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        prefix = f"<{syslog_priority(record.levelno)}>"
        return "\n".join(prefix + line for line in text.splitlines() or [""])


def is_journal_stream(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether `stream` is the journal stream systemd named in JOURNAL_STREAM."""
    env = os.environ if environ is None else environ
    device, _, inode = env.get("JOURNAL_STREAM", "").partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):  # closed, or not a real file (a test's StringIO)
        return False
    return (info.st_dev, info.st_ino) == (int(device), int(inode))


def setup_logging(
    level: int, *, stream: TextIO | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """Log to `stream` (stderr): with `<N>` prefixes when it is the journal, else with times.

    Like `logging.basicConfig`, it does nothing when the root logger already has a handler (a
    test runner's). Returns whether the journal format is used."""
    root = logging.getLogger()
    if root.handlers:
        return False
    out = sys.stderr if stream is None else stream
    journal = is_journal_stream(out, environ)
    handler = logging.StreamHandler(out)
    handler.setFormatter(JournalFormatter() if journal else logging.Formatter(PLAIN_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    if journal:
        # An exception nobody caught is logged, so that its traceback is "crit" as well.
        sys.excepthook = _log_uncaught
        threading.excepthook = _log_uncaught_in_thread
    return journal


def _log_uncaught(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    logging.getLogger("kiosk").critical("uncaught exception", exc_info=(kind, value, tb))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger("kiosk").critical(
        "uncaught exception in thread %s",
        name,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )
