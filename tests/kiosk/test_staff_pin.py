"""The staff PIN: kept only as a salted hash, checked in constant time, and five wrong PINs
lock staff mode for five minutes (time passed in, no sleeping)."""

from __future__ import annotations

import pytest

from kiosk.staff.events import (
    Back,
    Digit,
    Erase,
    LockedOut,
    Open,
    PinChecked,
    StaffScreen,
    Submit,
    Tick,
    VerifyPin,
)
from kiosk.staff.lockout import LOCKOUT_S, MAX_FAILURES, PinGate
from kiosk.staff.pin import PinError, hash_pin, is_valid_pin, parse_pin_hash, verify_pin
from kiosk.staff.state import StaffState, step

FAST = 1000  # iterations: the tests check behaviour, not the cost


def test_a_pin_is_four_to_eight_digits() -> None:
    assert all(is_valid_pin(p) for p in ("0000", "1234", "12345678"))
    assert not any(is_valid_pin(p) for p in ("", "123", "123456789", "12a4", " 1234", "١٢٣٤"))
    with pytest.raises(PinError):
        hash_pin("123")


def test_the_hash_keeps_no_pin_and_a_fresh_salt_each_time() -> None:
    first, second = hash_pin("4321", iterations=FAST), hash_pin("4321", iterations=FAST)
    assert first != second  # salted
    assert "4321" not in first
    scheme, iterations, salt, digest = first.split("$")
    assert (scheme, iterations) == ("pbkdf2_sha256", str(FAST))
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32


def test_the_default_cost_is_the_documented_one() -> None:
    assert parse_pin_hash(hash_pin("2468")).iterations == 200_000


def test_only_the_right_pin_matches() -> None:
    stored = parse_pin_hash(hash_pin("2468", iterations=FAST))
    assert verify_pin("2468", stored)
    assert not verify_pin("2469", stored)
    assert not verify_pin("24680", stored)
    assert not verify_pin("abcd", stored)


@pytest.mark.parametrize(
    "broken",
    ["", "2468", "md5$1$00$00", "pbkdf2_sha256$x$00$00", "pbkdf2_sha256$1000$zz$00",
     "pbkdf2_sha256$0$0011$" + "00" * 32, "pbkdf2_sha256$1000$0011$0011"],
)  # fmt: skip
def test_a_broken_stored_hash_is_refused_not_guessed(broken: str) -> None:
    with pytest.raises(PinError):
        parse_pin_hash(broken)


# --- lockout, as pure time arithmetic ------------------------------------------------------------


def test_five_wrong_pins_lock_for_five_minutes_then_the_count_starts_again() -> None:
    gate = PinGate()
    for n in range(MAX_FAILURES - 1):
        gate = gate.attempt(False, now=10.0 + n)
        assert not gate.locked(10.0 + n)
    gate = gate.attempt(False, now=20.0)
    assert gate.locked(20.0) and gate.locked(20.0 + LOCKOUT_S - 0.01)
    assert gate.minutes_left(20.0) == 5
    # Even the right PIN does nothing while locked.
    assert gate.attempt(True, now=100.0).locked(100.0)
    assert not gate.locked(20.0 + LOCKOUT_S)
    after = gate.attempt(False, now=20.0 + LOCKOUT_S)
    assert after.failures == 1 and not after.locked(20.0 + LOCKOUT_S)


def test_a_right_pin_clears_the_count() -> None:
    gate = PinGate().attempt(False, 1.0).attempt(False, 2.0).attempt(True, 3.0)
    assert gate == PinGate()


# --- the PIN screen in the staff machine ---------------------------------------------------------


def typed(state: StaffState, pin: str, now: float) -> tuple[StaffState, list[object]]:
    commands: list[object] = []
    for d in pin:
        state, out = step(state, Digit(int(d)), now)
        commands += out
    state, out = step(state, Submit(), now)
    return state, commands + out


def opened(now: float = 0.0, state: StaffState | None = None) -> StaffState:
    return step(state or StaffState(), Open(), now)[0]


def test_the_pin_goes_to_the_checker_and_a_right_one_opens_the_overview() -> None:
    state, commands = typed(opened(), "2468", 1.0)
    assert commands == [VerifyPin("2468")]
    assert state.checking and state.digits == ""  # nothing kept while it is checked
    state, _ = step(state, Digit(1), 1.1)
    assert state.digits == ""  # keys wait for the answer
    state, _ = step(state, PinChecked(True), 1.5)
    assert state.screen is StaffScreen.OVERVIEW


def test_erase_and_the_eight_digit_limit() -> None:
    state = opened()
    for d in "123456789":
        state, _ = step(state, Digit(int(d)), 1.0)
    assert state.digits == "12345678"
    state, _ = step(state, Erase(), 1.0)
    assert state.digits == "1234567"


def wrong(state: StaffState, now: float) -> tuple[StaffState, list[object]]:
    state, _ = typed(state, "0000", now)
    state, commands = step(state, PinChecked(False), now)
    return state, list(commands)


def test_five_wrong_pins_lock_the_keypad_and_it_opens_again_after_five_minutes() -> None:
    state = opened()
    for n in range(MAX_FAILURES - 1):
        state, commands = wrong(state, 1.0 + n)
        assert state.wrong and commands == []
    state, commands = wrong(state, 10.0)
    assert commands == [LockedOut(LOCKOUT_S)]
    # Locked: keys do nothing, and leaving and coming back does not unlock.
    state, out = typed(state, "2468", 11.0)
    assert out == [] and state.digits == ""
    state, _ = step(state, Back(), 12.0)
    state = opened(13.0, state)
    state, out = typed(state, "2468", 14.0)
    assert out == []
    # The unattended keypad closed itself meanwhile; five minutes on it takes a PIN again.
    later = 10.0 + LOCKOUT_S
    state, _ = step(state, Tick(), later - 1)
    assert not state.active
    state, out = typed(opened(later - 1, state), "2468", later - 1)
    assert out == []
    state, out = typed(opened(later, state), "2468", later)
    assert out == [VerifyPin("2468")]


def test_cancelling_while_a_wrong_pin_is_checked_still_counts_it() -> None:
    state = opened()
    for n in range(MAX_FAILURES - 1):
        state, _ = wrong(state, float(n))
    state, _ = typed(state, "0000", 5.0)
    state, _ = step(state, Back(), 5.1)  # walk away before the answer
    state, _ = step(state, PinChecked(False), 5.2)
    assert state.gate.locked(6.0)


def test_a_right_answer_after_cancelling_opens_nothing() -> None:
    state, _ = typed(opened(), "2468", 1.0)
    state, _ = step(state, Back(), 1.1)
    state, _ = step(state, PinChecked(True), 1.2)
    assert not state.active


def test_a_too_short_pin_is_just_wrong() -> None:
    state, commands = typed(opened(), "12", 1.0)
    assert commands == [] and state.wrong and state.gate.failures == 1
