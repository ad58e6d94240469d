"""`python main.py staff-pin`: set the staff PIN (4 to 8 digits).

Asks twice without showing it, then writes only its salted hash into the machine
configuration (`--config FILE`, `$MAEUM_CONFIG`, else /etc/maeum-kiosk/kiosk.toml), keeping
every other line and comment. `--stdin` reads the PIN (and, on a second line, the repeat) from
standard input, for scripts. The kiosk takes the new PIN when it restarts.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TextIO

NAME = "staff-pin"
HELP = "set the staff PIN (stored only as a salted hash in the configuration)"

Prompt = Callable[[str], str]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stdin", action="store_true", help="read the PIN from standard input (no prompt)"
    )


def run(
    args: argparse.Namespace,
    stdin: TextIO | None = None,
    prompt: Prompt = getpass.getpass,
) -> int:
    from kiosk.shell.config import DEVICE_CONFIG, find_config_file
    from kiosk.shell.config_file import read_config_text
    from kiosk.shell.errors import ConfigError
    from kiosk.staff.config_edit import write_pin_hash
    from kiosk.staff.pin import MAX_DIGITS, MIN_DIGITS, hash_pin, is_valid_pin

    path = find_config_file(args.config) or DEVICE_CONFIG
    create = args.config is not None
    try:  # before asking for the PIN: a file that cannot be changed is said at once
        read_config_text(path, missing_ok=create)
    except ConfigError as exc:
        print(f"staff-pin: {exc}", file=sys.stderr)
        return 2
    pin, again = _read(args.stdin, stdin or sys.stdin, prompt)
    if pin is None:
        return 1
    if not is_valid_pin(pin):
        print(f"staff-pin: a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits; nothing changed.",
              file=sys.stderr)  # fmt: skip
        return 2
    if again is not None and again != pin:
        print("staff-pin: the two PINs differ; nothing changed.", file=sys.stderr)
        return 2
    try:
        write_pin_hash(path, hash_pin(pin), create=create)
    except ConfigError as exc:
        print(f"staff-pin: {exc}", file=sys.stderr)
        return 2
    except PermissionError:
        print(f"staff-pin: cannot write {path} (try with sudo); nothing changed.", file=sys.stderr)
        return 2
    print(f"The staff PIN is set in {path}.")
    print("Restart the kiosk to use it: sudo systemctl restart maeum-kiosk")
    return 0


def _read(from_stdin: bool, stdin: TextIO, prompt: Prompt) -> tuple[str | None, str | None]:
    """The PIN and its repeat (None when a script gave only one line)."""
    if from_stdin:
        lines = [line.strip() for line in stdin.read().splitlines() if line.strip()]
        if not lines:
            print("staff-pin: no PIN on standard input", file=sys.stderr)
            return None, None
        return lines[0], lines[1] if len(lines) > 1 else None
    try:
        pin = prompt("New staff PIN (4-8 digits): ").strip()
        again = prompt("The same PIN again: ").strip()
    except (EOFError, KeyboardInterrupt):
        print("", file=sys.stderr)
        return None, None
    return pin, again
