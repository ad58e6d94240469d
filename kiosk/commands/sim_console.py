"""What `board-sim` and `printer-sim` share: print where the simulator is, then read fault
commands from the terminal (or, without one, run until Ctrl-C)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TextIO

Handler = Callable[[list[str]], str]  # the words of one command → the reply


def serve(path: str, banner: str, no_console: bool, handle: Handler) -> int:
    """The simulator's path on stdout (for scripts), the banner and the replies on stderr."""
    print(path, flush=True)
    hint = "" if no_console else ", `help` for commands"
    print(f"{banner}; Ctrl-C to stop{hint}", file=sys.stderr, flush=True)
    if no_console or not console(handle, sys.stdin, sys.stderr):
        threading.Event().wait()  # no (more) console input: run until Ctrl-C
    return 0


def console(handle: Handler, commands: TextIO, out: TextIO) -> bool:
    """Read fault commands line by line. True after `quit`, False at the end of input."""
    for line in commands:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            return True
        try:
            reply = handle(words)
        except (ValueError, IndexError) as exc:
            reply = f"? {exc}"
        print(reply, file=out, flush=True)
    return False
