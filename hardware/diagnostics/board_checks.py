"""The board: port, HELLO (which opens it for the checks after it), link, STATUS, supply, home."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hardware.board import Board
from hardware.diagnostics.checks import Check, CheckResult, Clock, Sleep, failed, passed
from hardware.diagnostics.configuration import serial_port_check
from hardware.diagnostics.verdicts import (
    hello_verdict,
    home_verdict,
    status_verdict,
    supply_verdict,
)
from hardware.errors import BoardDisconnected, BoardProtocolError, BoardUnreachable
from hardware.protocol import BoardInfo, BoardState

LINK_REQUESTS = 20  # STATUS round trips for the link check
LINK_MAX_RESENDS = 1  # one late reply can be bad luck; two in twenty is a bad line
LINK_MAX_MEDIAN_S = 0.020  # the datasheet promises a reply within 10 ms; allow the host's share
BOOT_WAIT_S = 1.6  # power-on to ready is at most 1.5 s (datasheet)


@dataclass
class BoardSession:
    """The board, opened by the HELLO check and shared by the checks after it."""

    connect: Callable[[], Board]
    board: Board | None = None
    info: BoardInfo | None = None

    def open(self) -> BoardInfo:
        self.close()
        board = self.connect()
        self.info = board.open()
        self.board = board
        return self.info

    @property
    def opened(self) -> Board:
        if self.board is None:  # the runner only calls these checks after board.hello passed
            raise RuntimeError("board used before board.hello")
        return self.board

    def close(self) -> None:
        if self.board is not None:
            self.board.close()
            self.board = None


def board_checks(
    session: BoardSession,
    port: str,
    configured_slots: Sequence[int],
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    include_health: bool = True,
) -> list[Check]:
    """Port and HELLO (needed by the slots too); then link, STATUS, supply and home switches.

    `include_health=False` keeps only what the slot checks need (for `--only slots`).
    """
    hello = ("board.hello",)
    checks = [
        serial_port_check(port),
        Check(
            "board.hello",
            "board HELLO",
            "board",
            lambda: _hello(session, port, configured_slots, clock, sleep),
            requires=("board.port",),
        ),
    ]
    if include_health:
        checks += [
            Check(
                "board.link",
                "serial link",
                "board",
                lambda: _link(session.opened, clock),
                requires=hello,
            ),
            Check(
                "board.status",
                "board STATUS",
                "board",
                lambda: status_verdict(session.opened.status()),
                requires=hello,
            ),
            Check(
                "board.supply",
                "motor supply voltage",
                "board",
                lambda: _supply(session.opened),
                requires=hello,
            ),
            Check(
                "board.home",
                "home switches",
                "board",
                lambda: home_verdict(session.opened.sensors(), configured_slots),
                requires=hello,
            ),
        ]
    return checks


def _hello(
    session: BoardSession, port: str, configured_slots: Sequence[int], clock: Clock, sleep: Sleep
) -> CheckResult:
    try:
        info = _open_while_booting(session, clock, sleep)
    except BoardDisconnected as exc:
        return failed(
            f"cannot open {port} (포트 열기 실패): {exc}",
            "check the cable; if the port exists, is another program using it "
            "(the kiosk: systemctl stop maeum-kiosk)?",
        )
    except BoardProtocolError as exc:
        return failed(
            f"the board answers, but not in MDP/1 (프로토콜 오류): {exc}",
            "check the board's firmware version with its maker",
        )
    except BoardUnreachable as exc:
        return failed(
            f"no answer from the board (보드 응답 없음): {exc}",
            "check the board's power (12 V, its LED), that TX goes to RX and RX to TX, "
            "and the ground wire between the Pi and the board",
        )
    return hello_verdict(info, configured_slots)


def _open_while_booting(session: BoardSession, clock: Clock, sleep: Sleep) -> BoardInfo:
    """A board switched on a moment ago is deaf for up to 1.5 s: keep saying HELLO that long."""
    end = clock() + BOOT_WAIT_S
    while True:
        try:
            return session.open()
        except BoardDisconnected:
            raise
        except BoardUnreachable:
            if clock() >= end:
                raise
        sleep(0.1)


def _link(board: Board, clock: Clock) -> CheckResult:
    before = (board.stats.resends, board.stats.unanswered)
    times = []
    for _ in range(LINK_REQUESTS):
        start = clock()
        try:
            board.status()
        except BoardDisconnected:
            raise
        except BoardUnreachable:
            continue  # counted in the board's statistics; the verdict below says it
        times.append(clock() - start)
    resends = board.stats.resends - before[0]
    unanswered = board.stats.unanswered - before[1]
    if not times:
        raise BoardUnreachable(f"none of {LINK_REQUESTS} STATUS requests was answered")
    median = sorted(times)[len(times) // 2]
    details = {
        "requests": LINK_REQUESTS,
        "resends": resends,
        "unanswered": unanswered,
        "median_ms": round(median * 1000, 1),
        "worst_ms": round(max(times) * 1000, 1),
    }
    if resends > LINK_MAX_RESENDS or unanswered:
        return failed(
            f"{resends} resends for {LINK_REQUESTS} requests, {unanswered} never answered: "
            "replies are lost or damaged (통신 불량)",
            "check the serial cable and its ground wire, keep it away from the motor "
            "wires, and make sure the baud rate is 115200",
            **details,
        )
    if median > LINK_MAX_MEDIAN_S:
        return failed(
            f"the board answers slowly: {median * 1000:.0f} ms (응답 느림); "
            "it should answer within 10 ms",
            "a USB hub or adapter in between? connect the board directly; otherwise "
            "the board's firmware is overloaded",
            **details,
        )
    return passed(
        f"{LINK_REQUESTS} requests, {resends} resent, replies in "
        f"{median * 1000:.1f} ms (통신 정상)",
        **details,
    )


def _supply(board: Board) -> CheckResult:
    idle = board.status().state is not BoardState.VENDING
    return supply_verdict(board.sensors(), idle=idle)
