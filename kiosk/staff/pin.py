"""The staff PIN: 4 to 8 digits, kept only as a salted PBKDF2-SHA256 hash in the configuration.

    [staff]
    pin_hash = "pbkdf2_sha256$200000$<salt hex>$<hash hex>"

A PIN this short can be guessed offline by anyone who reads the hash, so the hash only keeps
the PIN out of plain sight; what protects staff mode on the screen is the lockout
(`kiosk.staff.lockout`). Checking takes a few hundred milliseconds on a Pi on purpose, so it
runs off the UI thread (`kiosk.staff.jobs`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from kiosk.shell.errors import KioskError

SCHEME = "pbkdf2_sha256"
ITERATIONS = 200_000  # about 0.07 s on a desktop, 0.3 s on a Pi 4: in a worker thread
MAX_ITERATIONS = 5_000_000  # a hash asking for more would freeze the check; refuse it
SALT_BYTES = 16
MIN_DIGITS = 4
MAX_DIGITS = 8


class PinError(KioskError):
    """A PIN that breaks the rules, or a stored hash that cannot be read."""


@dataclass(frozen=True)
class PinHash:
    iterations: int
    salt: bytes
    digest: bytes

    def __str__(self) -> str:
        return f"{SCHEME}${self.iterations}${self.salt.hex()}${self.digest.hex()}"


def is_valid_pin(pin: str) -> bool:
    """4 to 8 ASCII digits (a keypad PIN; no letters, no spaces)."""
    return MIN_DIGITS <= len(pin) <= MAX_DIGITS and all(c in "0123456789" for c in pin)


def hash_pin(pin: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """The configuration line's value for `pin`, with a fresh random salt."""
    if not is_valid_pin(pin):
        raise PinError(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits")
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise PinError(f"iterations must be 1..{MAX_ITERATIONS}")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    return str(PinHash(iterations, salt, _derive(pin, salt, iterations)))


def parse_pin_hash(stored: str) -> PinHash:
    """Read a stored hash; PinError names what is wrong (never the PIN)."""
    parts = stored.strip().split("$")
    if len(parts) != 4 or parts[0] != SCHEME:
        raise PinError(f"staff pin_hash is not '{SCHEME}$iterations$salt$hash'")
    try:
        iterations = int(parts[1])
        salt, digest = bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
    except ValueError as exc:
        raise PinError("staff pin_hash has a broken number or hex field") from exc
    if not 1 <= iterations <= MAX_ITERATIONS or not salt or len(digest) != 32:
        raise PinError("staff pin_hash has an impossible iteration count, salt or hash")
    return PinHash(iterations, salt, digest)


def verify_pin(pin: str, stored: PinHash) -> bool:
    """Whether `pin` matches, compared in constant time. A malformed PIN is simply wrong."""
    if not is_valid_pin(pin):
        return False
    return hmac.compare_digest(_derive(pin, stored.salt, stored.iterations), stored.digest)


def _derive(pin: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), salt, iterations)
