"""The dispenser board as a pure state machine: request frames and `now` in, reply frames out.

It models what the datasheet describes: slots with spiral motors and home switches, one motor at
a time, a revolution time, the 4 s stall limit, the history of the last 16 vends, the duplicate
memory (last SEQ + CMD + reply), RESET, boot time, supply voltage and motor current. Faults are
knobs: a jammed slot (stalls), a slot without motor (open circuit), an empty slot (turns, nothing
falls). `revolutions` and `motor_starts` count what physically happened per vend_id and survive
reboots, so tests can prove at-most-once. The byte-level wire (noise, corruption, lost replies,
the pty) is `hardware.sim_pty`.
"""

from __future__ import annotations

import logging
import random
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from hardware.protocol import (
    PROTOCOL_VERSION,
    REFUSED,
    BoardInfo,
    BoardState,
    BoardStatus,
    Cmd,
    ErrorCode,
    Frame,
    Sensors,
    VendCode,
    VendResultCode,
    vend_reply,
)

HISTORY = 16  # vends the board remembers
STALL_TIMEOUT_S = 4.0  # home switch not reached within this: MOTOR_STALL
_PAYLOAD_LEN = {
    Cmd.HELLO: 0,
    Cmd.STATUS: 0,
    Cmd.VEND: 3,
    Cmd.VEND_RESULT: 2,
    Cmd.SENSORS: 0,
    Cmd.RESET: 0,
}

_log = logging.getLogger(__name__)


@dataclass
class SimSlot:
    """One spiral: its motor, its home switch and what it holds."""

    number: int
    motor: bool = True  # False: open circuit, VEND ends in NO_MOTOR
    jammed: bool = False  # True: the motor never reaches home, VEND ends in MOTOR_STALL
    stock: int | None = None  # items left; None never runs out; 0 turns but nothing falls
    at_home: bool = True  # the home switch is closed


@dataclass
class _RunningVend:
    vend_id: int
    slot: int
    started: float


class SimulatedBoard:
    """A board that answers MDP/1 requests. Not thread-safe: the pty server holds a lock."""

    def __init__(
        self,
        *,
        slots: int = 6,
        revolution_s: float = 1.2,
        stall_timeout_s: float = STALL_TIMEOUT_S,
        boot_s: float = 1.0,
        board_id: str = "SIM00001",
        firmware: tuple[int, int] = (1, 0),
        proto: int = PROTOCOL_VERSION,
        supply_mv: int = 12_000,
        seed: int = 0,
        on_revolution: Callable[[int], None] | None = None,
    ) -> None:
        if not 1 <= slots <= 16:
            raise ValueError(f"slots must be 1..16, not {slots}")
        self.slots = {n: SimSlot(n) for n in range(1, slots + 1)}
        self.revolution_s = revolution_s
        self.stall_timeout_s = stall_timeout_s
        self.boot_s = boot_s
        self.info = BoardInfo(proto, slots, firmware[0], firmware[1], board_id)
        self.supply_mv = supply_mv
        # Called from the simulation (the pty server's thread) each time an item falls.
        self.on_revolution = on_revolution
        self.revolutions: dict[int, int] = {}  # completed revolutions per vend_id
        self.motor_starts: dict[int, int] = {}  # motor starts per vend_id
        self.boots = 0
        self._rng = random.Random(seed)
        self._history: OrderedDict[int, VendResultCode] = OrderedDict()
        self._fault_mask = 0
        self._memory: tuple[int, int, Frame] | None = None  # SEQ, CMD, reply
        self._running: _RunningVend | None = None
        self._booted_at = 0.0
        self._ready_at = 0.0

    # --- power ---------------------------------------------------------------------------------

    def power_on(self, now: float) -> None:
        """Power-up (or RESET): history, faults and duplicate memory are lost; a turning
        motor stops where it is. Not ready for `boot_s`."""
        if self._running is not None:
            self.slots[self._running.slot].at_home = False
            self._running = None
        self._history.clear()
        self._fault_mask = 0
        self._memory = None
        self._booted_at = now
        self._ready_at = now + self.boot_s
        self.boots += 1

    def ready(self, now: float) -> bool:
        return now >= self._ready_at

    # --- fault and stock knobs -----------------------------------------------------------------

    def stall_slot(self, slot: int, jammed: bool = True) -> None:
        self._slot(slot).jammed = jammed

    def no_motor_slot(self, slot: int, missing: bool = True) -> None:
        self._slot(slot).motor = not missing

    def empty_slot(self, slot: int, empty: bool = True) -> None:
        self._slot(slot).stock = 0 if empty else None

    def set_stock(self, slot: int, items: int | None) -> None:
        self._slot(slot).stock = items

    def _slot(self, slot: int) -> SimSlot:
        if slot not in self.slots:
            raise ValueError(f"slot {slot} is not 1..{len(self.slots)}")
        return self.slots[slot]

    # --- observation ---------------------------------------------------------------------------

    @property
    def motor_running(self) -> bool:
        return self._running is not None

    @property
    def fault_mask(self) -> int:
        return self._fault_mask

    def next_event_at(self) -> float | None:
        """When `advance` next has something to do (a revolution ends, a stall is detected)."""
        vend = self._running
        if vend is None:
            return None
        limit = self.stall_timeout_s if self.slots[vend.slot].jammed else self.revolution_s
        return vend.started + limit

    # --- physics -------------------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """Let the running motor reach home, or stall."""
        vend = self._running
        if vend is None:
            return
        slot = self.slots[vend.slot]
        if slot.jammed and now >= vend.started + self.stall_timeout_s:
            self._finish(vend, VendResultCode.MOTOR_STALL)
            self._fault_mask |= 1 << (slot.number - 1)
        elif not slot.jammed and now >= vend.started + self.revolution_s:
            self.revolutions[vend.vend_id] = self.revolutions.get(vend.vend_id, 0) + 1
            slot.at_home = True
            self._finish(vend, VendResultCode.DONE)
            self._drop_item(slot)

    def _finish(self, vend: _RunningVend, result: VendResultCode) -> None:
        self._running = None
        if vend.vend_id in self._history:
            self._history[vend.vend_id] = result

    def _drop_item(self, slot: SimSlot) -> None:
        if slot.stock == 0:
            return  # the spiral turned, but there was nothing left to push out
        if slot.stock is not None:
            slot.stock -= 1
        if self.on_revolution is not None:
            try:
                self.on_revolution(slot.number)
            except Exception:  # a broken hook must not take the simulated board down
                _log.exception("on_revolution hook failed")

    # --- requests ------------------------------------------------------------------------------

    def handle(self, request: Frame, now: float) -> Frame | None:
        """The reply to `request` at `now`, or None while booting (a booting board is deaf)."""
        self.advance(now)
        if not self.ready(now):
            return None
        if self._memory is not None and self._memory[:2] == (request.seq, request.cmd):
            return self._memory[2]  # a resend: answer again, do not execute again
        reply = self._execute(request, now)
        if request.cmd == Cmd.RESET and reply.cmd != REFUSED:
            self.power_on(now)  # the reply goes out first, then the board reboots
        else:
            self._memory = (request.seq, request.cmd, reply)
        return reply

    def _execute(self, request: Frame, now: float) -> Frame:
        try:
            cmd = Cmd(request.cmd)
        except ValueError:
            return _refuse(request, ErrorCode.UNKNOWN_CMD)
        if len(request.payload) != _PAYLOAD_LEN[cmd]:
            return _refuse(request, ErrorCode.BAD_LENGTH)
        payload = self._answer(cmd, request.payload, now)
        if payload is None:
            return _refuse(request, ErrorCode.BAD_ARGUMENT)
        return Frame(request.seq, cmd.reply, payload)

    def _answer(self, cmd: Cmd, payload: bytes, now: float) -> bytes | None:
        if cmd is Cmd.HELLO:
            return self.info.pack()
        if cmd is Cmd.STATUS:
            return self._status(now).pack()
        if cmd is Cmd.SENSORS:
            return self._sensors().pack()
        if cmd is Cmd.VEND:
            return self._vend(int.from_bytes(payload[:2], "big"), payload[2], now)
        if cmd is Cmd.VEND_RESULT:
            vend_id = int.from_bytes(payload, "big")
            return vend_reply(vend_id, self._history.get(vend_id, VendResultCode.UNKNOWN))
        return b""  # RESET: an empty reply, then the reboot

    def _status(self, now: float) -> BoardStatus:
        if self._running is not None:
            state, active = BoardState.VENDING, self._running.vend_id
        else:
            state, active = (BoardState.FAULT if self._fault_mask else BoardState.IDLE), 0
        uptime = min(int(now - self._booted_at), 0xFFFFFFFF)
        return BoardStatus(state, active, self._fault_mask, uptime)

    def _sensors(self) -> Sensors:
        home = sum(1 << (s.number - 1) for s in self.slots.values() if s.at_home)
        vend = self._running
        motor_ma = 0
        if vend is not None:  # a jammed motor draws its stall current
            jammed = self.slots[vend.slot].jammed
            motor_ma = self._rng.randint(950, 1250) if jammed else self._rng.randint(300, 420)
        sag = motor_ma // 5  # the supply dips a little under load
        supply = max(0, min(0xFFFF, self.supply_mv - sag + self._rng.randint(-25, 25)))
        return Sensors(home, motor_ma, supply)

    def _vend(self, vend_id: int, slot_no: int, now: float) -> bytes | None:
        if vend_id == 0:
            return None  # BAD_ARGUMENT: vend_id is 1..65535
        code = self._vend_code(vend_id, slot_no)
        if code is VendCode.ACCEPTED:
            self._start_motor(vend_id, slot_no, now)
        return vend_reply(vend_id, code)

    def _vend_code(self, vend_id: int, slot_no: int) -> VendCode:
        if vend_id in self._history:
            return VendCode.DUPLICATE
        if slot_no not in self.slots:
            return VendCode.BAD_SLOT
        if self._fault_mask & (1 << (slot_no - 1)):
            return VendCode.SLOT_FAULTED
        if self._running is not None:
            return VendCode.BUSY
        return VendCode.ACCEPTED

    def _start_motor(self, vend_id: int, slot_no: int, now: float) -> None:
        self._history[vend_id] = VendResultCode.RUNNING
        while len(self._history) > HISTORY:
            self._history.popitem(last=False)
        self.motor_starts[vend_id] = self.motor_starts.get(vend_id, 0) + 1
        slot = self.slots[slot_no]
        if not slot.motor:  # open circuit at start: nothing turns
            self._history[vend_id] = VendResultCode.NO_MOTOR
            self._fault_mask |= 1 << (slot_no - 1)
            return
        slot.at_home = False
        self._running = _RunningVend(vend_id, slot_no, now)


def _refuse(request: Frame, code: ErrorCode) -> Frame:
    return Frame(request.seq, REFUSED, bytes((request.cmd, code)))
