"""The board's answers, judged: pure functions from what the board said to a verdict, so every
message is tested without a board; the board and slot checks only fetch the answers."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hardware.diagnostics.checks import CheckResult, Details, failed, passed
from hardware.dispenser import VendOutcome
from hardware.outcomes import BoardAnswer, NoAnswer
from hardware.protocol import (
    PROTOCOL_VERSION,
    BoardInfo,
    BoardState,
    BoardStatus,
    Sensors,
    VendCode,
    VendResultCode,
)

#
# Pure functions from what the board said to a verdict, so every message is tested without a
# board; the checks below only fetch the answers.

SUPPLY_MV = (11_000, 13_000)  # the datasheet's healthy motor supply
MOTOR_MA = (150, 600)  # a healthy motor's current while it turns
REVOLUTION_S = (0.8, 2.5)  # one revolution, per the datasheet
IDLE_MA_MAX = 50  # more than this with no motor running: something is powered that should not be
SLOW_MARGIN_S = 0.2  # polling every 0.1 s measures a revolution up to one poll late


def slots_in_mask(mask: int) -> list[int]:
    """Bit i-1 stands for slot i."""
    return [bit + 1 for bit in range(16) if mask >> bit & 1]


def _slot_list(slots: Sequence[int]) -> str:
    return ("slot " if len(slots) == 1 else "slots ") + ", ".join(map(str, slots))


def hello_verdict(info: BoardInfo, configured_slots: Sequence[int]) -> CheckResult:
    details = {
        "proto": info.proto,
        "slots": info.slots,
        "firmware": f"{info.fw_major}.{info.fw_minor}",
        "board_id": info.board_id,
    }
    described = (
        f"MDP/{info.proto}, {info.slots} slots, firmware "
        f"{info.fw_major}.{info.fw_minor}, id {info.board_id}"
    )
    if info.proto != PROTOCOL_VERSION:
        return failed(
            f"the board speaks protocol {info.proto}, not MDP/1 (프로토콜 불일치)",
            "this board needs other firmware or another kiosk version",
            **details,
        )
    beyond = [s for s in configured_slots if s > info.slots]
    if beyond:
        return failed(
            f"{described}; but the configuration uses {_slot_list(beyond)} (슬롯 수 불일치)",
            f"remove {_slot_list(beyond)} from [[hardware.slots]], or fit a board with more slots",
            **details,
        )
    return passed(described, **details)


def status_verdict(status: BoardStatus) -> CheckResult:
    details = {
        "state": status.state.name,
        "active_vend_id": status.active_vend_id,
        "fault_mask": status.fault_mask,
        "faulted_slots": slots_in_mask(status.fault_mask),
        "uptime_s": status.uptime_s,
    }
    uptime = _duration(status.uptime_s)
    if status.state is BoardState.VENDING:
        return failed(
            f"the board is busy with vend {status.active_vend_id} (작동 중)",
            "is the kiosk still running? stop it (systemctl stop maeum-kiosk) and run hwtest again",
            **details,
        )
    faulted = slots_in_mask(status.fault_mask)
    if faulted:
        return failed(
            f"the board marked {_slot_list(faulted)} faulted (모터 고장 기록); up {uptime}",
            "a motor stalled or was unplugged there since the board started: see the "
            "slot checks below; after the repair, power-cycle the board to clear it",
            **details,
        )
    if status.state is BoardState.FAULT:
        return failed(
            f"the board reports a fault with no slot named (보드 고장); up {uptime}",
            "power-cycle the board; if it stays, the board needs repair",
            **details,
        )
    return passed(f"idle, no faults, up {uptime}", **details)


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60:02d} min" if hours else f"{rest // 60} min {rest % 60:02d} s"


def supply_verdict(sensors: Sensors, *, idle: bool) -> CheckResult:
    volts = sensors.supply_mv / 1000
    details = {"supply_mv": sensors.supply_mv, "motor_ma": sensors.motor_ma}
    low, high = SUPPLY_MV
    if sensors.supply_mv == 0:
        return failed(
            "no motor supply (0 V) (모터 전원 없음)",
            "check that the 12 V supply is plugged in and switched on, its fuse, and "
            "its connector on the board",
            **details,
        )
    if sensors.supply_mv < low:
        return failed(
            f"motor supply {volts:.1f} V is low (전원 전압 낮음); healthy is 11–13 V",
            "check the 12 V supply and its connector; a weak supply stalls motors",
            **details,
        )
    if sensors.supply_mv > high:
        return failed(
            f"motor supply {volts:.1f} V is high (전원 전압 높음); healthy is 11–13 V",
            "is the right supply fitted? The board needs 12 V",
            **details,
        )
    if idle and sensors.motor_ma > IDLE_MA_MAX:
        return failed(
            f"supply {volts:.1f} V, but {sensors.motor_ma} mA flow with no motor "
            "running (대기 전류 이상)",
            "look for a motor wire shorted to the frame, or a motor driver stuck on",
            **details,
        )
    return passed(f"motor supply {volts:.2f} V (전원 정상)", **details)


def home_verdict(sensors: Sensors, configured_slots: Sequence[int]) -> CheckResult:
    """At rest every motor is parked on its home switch (the switch closes once per turn)."""
    parked = set(slots_in_mask(sensors.home_mask))
    away = [s for s in configured_slots if s not in parked]
    details = {"home_mask": sensors.home_mask, "not_home": away}
    if away:
        return failed(
            f"{_slot_list(away)} not on the home switch at rest (홈 스위치 열림)",
            "a spiral stopped off its home position or its home switch does not close: "
            "check the switch and its wire at the motor; the slot check below turns it "
            "once",
            **details,
        )
    return passed(
        f"every configured slot is on its home switch ({len(configured_slots)})", **details
    )


@dataclass(frozen=True)
class MotorRun:
    """What happened when one slot was turned once, as a test vend through the vend path."""

    slot: int
    vend_id: int | None  # None: nothing was sent (see `outcome` and `detail`)
    answer: BoardAnswer | None  # the board's last answer; None: nothing was sent
    outcome: VendOutcome  # how the ledger filed it (hardware.outcomes)
    detail: str = ""
    seconds: float = 0.0
    peak_ma: int | None = None  # highest current sampled while turning, if sampled
    dropped: bool | None = None  # the drop sensor saw something fall; None: not watched
    stocked: bool | None = None  # the ledger counts items in the slot; None: not known


def motor_verdict(run: MotorRun) -> CheckResult:
    details: dict[str, Any] = {
        "vend_id": run.vend_id,
        "seconds": round(run.seconds, 2),
        "peak_ma": run.peak_ma,
        "item_fell": run.dropped,
        "stocked": run.stocked,
        "board_result": _name(run.answer),
        "outcome": run.outcome.value,
    }
    n, answer = run.slot, run.answer
    if answer is None:
        return _not_sent_verdict(run, details)
    if isinstance(answer, VendCode) and answer is not VendCode.ACCEPTED:
        return _refused_verdict(n, answer, details)
    if answer is VendResultCode.MOTOR_STALL:
        return failed(
            "stalled (모터 멈춤): the home switch was not reached within 4 s",
            f"check the spiral for a jam and the motor connector J{n}; then "
            "power-cycle the board to clear the fault",
            **details,
        )
    if answer is VendResultCode.NO_MOTOR:
        return failed(
            "no motor (모터 연결 없음): open circuit when the motor started",
            f"check the motor connector J{n} and the motor's wires for a break",
            **details,
        )
    if answer is NoAnswer.LINK_LOST:
        return failed(
            f"the board stopped answering during the turn (응답 끊김): {run.detail}",
            "check the serial cable, its ground wire and the board's power, then run hwtest "
            "again; the turn itself is never repeated",
            **details,
        )
    if answer is NoAnswer.ODD:
        return failed(
            f"the board answered something MDP/1 does not allow (프로토콜 오류): {run.detail}",
            "check the board's firmware version with its maker",
            **details,
        )
    if answer is not VendResultCode.DONE:
        return failed(
            f"the board lost track of the vend ({_name(answer)}) (결과 모름)",
            "did the board restart? check its power and cable, then try again",
            **details,
        )
    return _done_verdict(run, details)


def _not_sent_verdict(run: MotorRun, details: Details) -> CheckResult:
    """Nothing reached the board: the vend path refused before VEND."""
    if run.outcome is VendOutcome.NOT_RECORDED:
        return failed(
            f"the ledger cannot be written, so nothing was turned (장부 기록 실패): {run.detail}",
            "free space on the data disk or fix its permissions (data_dir), then run hwtest again",
            **details,
        )
    if run.outcome is VendOutcome.BOARD_UNREACHABLE:
        return failed(
            f"no answer from the board before the turn (보드 응답 없음): {run.detail}",
            "check the board's power and its cable, then run hwtest again",
            **details,
        )
    return failed(
        f"not turned ({run.outcome.value}): {run.detail}", "see the reason above", **details
    )


def _done_verdict(run: MotorRun, details: Details) -> CheckResult:
    n = run.slot
    fell = ""
    if run.dropped is True:
        fell = "; an item fell: put it back in the slot (stock unchanged)"
    elif run.dropped is False:
        fell = {
            False: "; nothing fell, as expected: the ledger says it is empty",
            None: "; nothing fell (slot empty, or the item is stuck)",
            True: "",  # a failure, below
        }[run.stocked]
    current = "" if run.peak_ma is None else f", {run.peak_ma} mA"
    turned = f"one turn in {run.seconds:.1f} s{current}"
    if run.seconds > REVOLUTION_S[1] + SLOW_MARGIN_S:
        return failed(
            f"turned, but slowly: {turned} (healthy up to 2.5 s) (회전 느림)",
            f"check the spiral in slot {n} for friction and the motor supply; "
            "a slow motor soon stalls",
            **details,
        )
    if run.peak_ma is not None and run.peak_ma > MOTOR_MA[1]:
        return failed(
            f"{turned}: too much current (과전류), healthy is 150–600 mA",
            f"the spiral in slot {n} binds or the motor is wearing out: check for "
            "a bent spiral or an item caught",
            **details,
        )
    if run.peak_ma is not None and run.peak_ma < MOTOR_MA[0]:
        return failed(
            f"{turned}: too little current (전류 부족), healthy is 150–600 mA",
            f"check the motor connector J{n} for a loose contact",
            **details,
        )
    if run.dropped is False and run.stocked:
        return failed(
            f"{turned}, but nothing fell although the ledger counts items in it (배출 안 됨)",
            f"look into slot {n}: an item caught on the spiral, or a spiral too tight for the "
            "item; if the slot is really empty, refill it and record the refill; if an item did "
            "fall, see the drop sensor check",
            **details,
        )
    return passed(f"{turned}{fell}", **details)


def _refused_verdict(n: int, code: VendCode, details: Details) -> CheckResult:
    if code is VendCode.SLOT_FAULTED:
        return failed(
            "the board refuses it: marked faulted earlier (고장 표시)",
            f"fix slot {n} (jam? connector J{n}?), then power-cycle the board to clear "
            "the mark and run hwtest again",
            **details,
        )
    if code is VendCode.BAD_SLOT:
        return failed(
            f"the board has no slot {n} (슬롯 없음)",
            "remove it from [[hardware.slots]] in the configuration",
            **details,
        )
    if code is VendCode.DUPLICATE:
        return failed(
            f"the board remembers every vend_id offered for slot {n} (DUPLICATE) (중복 번호)",
            "power-cycle the board so that it forgets its old vends, then run hwtest again",
            **details,
        )
    return failed(
        f"the board refused to start ({code.name}) (시작 거부)",
        "another vend is running: is the kiosk still running? stop it and try again",
        **details,
    )


def _name(code: enum.Enum | None) -> str | None:
    return None if code is None else code.name
