"""From the board's answer and the drop sensor to a vend's outcome: one table for every caller.

Three places learn how a vend ended: a vend (`hardware.vend.BoardDispenser`), the start-up
reconcile of a vend left unfinished (`hardware.vend.reconcile`), and the technician's test turn
(`hardware.diagnostics`, which turns motors through `BoardDispenser` too). All three ask
`vend_outcome` here, so a board answer cannot mean one thing to a visitor and another to a
technician.

What the board said (`BoardAnswer`) is one of:

- a `VendResultCode`: the last VEND_RESULT (RUNNING: still turning at the deadline; UNKNOWN:
  the board forgot the vend, i.e. it restarted or never received it);
- a `VendCode`: VEND was refused, so the motor never started (BUSY past the deadline, BAD_SLOT,
  SLOT_FAULTED, or DUPLICATE for a vend_id the board remembers from before the journal handed
  it out);
- a `NoAnswer`: the link was lost mid-vend, or the board answered what MDP/1 does not allow.

What the drop sensor saw (`fell`): True, a beam break since it was armed before VEND; False,
none within the wait; None, nobody watched (no sensor, or the host was not running then).

| board answer                                  | fell: True  | fell: False | not watched |
|-----------------------------------------------|-------------|-------------|-------------|
| DONE                                          | dispensed   | no_drop     | dispensed   |
| MOTOR_STALL, NO_MOTOR, SLOT_FAULTED, BAD_SLOT | motor_fault | motor_fault | motor_fault |
| BUSY, DUPLICATE                               | board_unreachable (nothing turned)        |
| RUNNING, UNKNOWN, ACCEPTED, link lost, odd    | dispensed   | unverified  | unverified  |

DONE not watched is `dispensed`: the spiral turned once, so the item most likely fell, and the
stock follows the cabinet (a test vend leaves the stock alone whatever it is filed as). When the
board cannot tell, the drop sensor is the only witness, and nothing is ever retried.
"""

from __future__ import annotations

import enum

from hardware.dispenser import VendOutcome
from hardware.protocol import VendCode, VendResultCode


class NoAnswer(enum.Enum):
    """What stands for the board's answer when there is none to be had."""

    LINK_LOST = "link lost"  # no VEND_RESULT answered before the deadline, or the port went away
    ODD = "odd answer"  # the board answered something MDP/1 does not allow


BoardAnswer = VendResultCode | VendCode | NoAnswer


class Meaning(enum.Enum):
    """What an answer says about the motor, which decides how long the drop is watched."""

    TURNED = "turned"  # one revolution: the drop sensor tells dispensed from empty
    FAULT = "fault"  # the motor failed or cannot run: the slot is out of use
    NOT_STARTED = "not started"  # the motor never started: nothing was done
    CANNOT_TELL = "cannot tell"  # the board cannot say: the drop sensor alone decides


# Rows, not a dict: the codes are IntEnums, so VendResultCode.DONE == VendCode.DUPLICATE == 1 and
# they would share one key. An answer is found by identity.
_TABLE: tuple[tuple[BoardAnswer, Meaning, str], ...] = (
    (VendResultCode.DONE, Meaning.TURNED, "DONE"),
    (VendResultCode.MOTOR_STALL, Meaning.FAULT, "motor stalled (home switch not reached in 4 s)"),
    (VendResultCode.NO_MOTOR, Meaning.FAULT, "no motor on this slot (open circuit)"),
    (
        VendCode.SLOT_FAULTED,
        Meaning.FAULT,
        "board reports slot {slot} faulted (a RESET clears it after repair)",
    ),
    (VendCode.BAD_SLOT, Meaning.FAULT, "the board has no slot {slot}"),
    (VendCode.BUSY, Meaning.NOT_STARTED, "board BUSY past the deadline; nothing done"),
    (
        VendCode.DUPLICATE,
        Meaning.NOT_STARTED,
        "the board remembers this vend_id from before (DUPLICATE); nothing done",
    ),
    (VendResultCode.RUNNING, Meaning.CANNOT_TELL, "still running at the deadline"),
    (
        VendResultCode.UNKNOWN,
        Meaning.CANNOT_TELL,
        "the board no longer knows this vend (restarted?)",
    ),
    (VendCode.ACCEPTED, Meaning.CANNOT_TELL, "accepted, but no result learned"),
    (NoAnswer.LINK_LOST, Meaning.CANNOT_TELL, "board lost mid-vend"),
    (NoAnswer.ODD, Meaning.CANNOT_TELL, "board answered oddly"),
)


def _row(answer: BoardAnswer) -> tuple[Meaning, str]:
    for known, kind, text in _TABLE:
        if known is answer:
            return kind, text
    raise ValueError(f"no outcome for board answer {answer!r}")


def meaning(answer: BoardAnswer) -> Meaning:
    """What `answer` says about the motor (how long a caller watches the drop sensor)."""
    return _row(answer)[0]


def vend_outcome(
    answer: BoardAnswer, fell: bool | None, *, slot: int, grace_s: float, note: str = ""
) -> tuple[VendOutcome, str]:
    """The outcome of a vend from `slot` and its detail (for logs and staff, never visitors).

    `note` is what the caller knows beyond the answer (the driver's error), shown in brackets.
    """
    kind, text = _row(answer)
    why = text.format(slot=slot) + (f" ({note})" if note else "")
    if kind is Meaning.FAULT:
        return VendOutcome.MOTOR_FAULT, why
    if kind is Meaning.NOT_STARTED:
        return VendOutcome.BOARD_UNREACHABLE, why
    if kind is Meaning.TURNED:
        if fell is None:
            return VendOutcome.DISPENSED, f"{why}; the drop was not watched"
        if fell:
            return VendOutcome.DISPENSED, f"{why}; the drop sensor saw the item fall"
        return (
            VendOutcome.NO_DROP,
            f"{why} but no beam break within {grace_s:g} s: slot suspected empty",
        )
    if fell:
        return VendOutcome.DISPENSED, f"{why}; the drop sensor saw the item fall"
    seen = "no drop seen" if fell is False else "the drop was not watched"
    return VendOutcome.UNVERIFIED, f"{why}; {seen}; never retried"
