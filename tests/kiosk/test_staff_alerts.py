"""Alerts: what needs staff (low stock, a slot out of use, the board lost) lights the attention
LED, writes one log line when it appears and one when it clears, and tops the staff overview."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from kiosk.cabinet.alerts import Alert, AlertKind, AlertMonitor, alerts_for, slot_alert
from kiosk.cabinet.ledger import SlotState
from kiosk.shell.inbox import AlertsChanged, Inbox

FINE = SlotState(1, "candy", 10, 7, True, False, False, 2)


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        ({}, None),
        ({"count": 3}, None),
        ({"count": 2}, AlertKind.LOW),  # at the threshold
        ({"count": 0}, AlertKind.EMPTY),
        ({"suspected_empty": True}, AlertKind.SUSPECTED_EMPTY),
        ({"motor_fault": True, "count": 1}, AlertKind.MOTOR_FAULT),  # worse than low
        ({"enabled": False, "motor_fault": True}, AlertKind.DISABLED),  # staff know already
    ],
)
def test_each_slot_gives_its_most_important_alert(change: dict[str, object], kind: object) -> None:
    alert = slot_alert(replace(FINE, **change))  # type: ignore[arg-type]
    assert (alert.kind if alert else None) == kind


def test_alerts_come_worst_first_and_the_board_leads() -> None:
    slots = [
        replace(FINE, number=1, count=1),
        replace(FINE, number=2, motor_fault=True),
        replace(FINE, number=3, enabled=False),
    ]
    found = alerts_for(slots, "board not answering on /dev/serial0")
    assert [(a.kind, a.slot) for a in found] == [
        (AlertKind.BOARD, None),
        (AlertKind.MOTOR_FAULT, 2),
        (AlertKind.DISABLED, 3),
        (AlertKind.LOW, 1),
    ]


class Cabinet:
    def __init__(self) -> None:
        self.slots = [FINE]
        self.fault: str | None = None
        self.led: list[bool] = []

    def monitor(self) -> AlertMonitor:
        return AlertMonitor(lambda: alerts_for(self.slots, self.fault), self.led.append)


def test_the_led_and_the_log_follow_the_alerts(caplog: pytest.LogCaptureFixture) -> None:
    m = Cabinet()
    monitor = m.monitor()
    caplog.set_level(logging.INFO, logger="kiosk.cabinet.alerts")
    monitor.check()
    assert m.led == [False] and not caplog.records
    m.slots = [replace(FINE, count=2)]
    monitor.check()
    m.slots = [replace(FINE, count=1)]  # lower still: the same alert, not a new line
    monitor.check()
    assert m.led[-1] is True
    assert [r.getMessage() for r in caplog.records] == ["ALERT slot 1 (candy): low, 2 left"]
    m.fault = "board unreachable: timeout"
    m.slots = [FINE]
    monitor.check()
    messages = [r.getMessage() for r in caplog.records][1:]
    assert "ALERT machine: board unreachable: timeout" in messages
    assert "alert cleared: slot 1 (candy): low, 1 left" in messages
    m.fault = None
    monitor.check()
    assert m.led[-1] is False


def test_a_change_in_the_alerts_reaches_the_frame_once_through_the_inbox() -> None:
    inbox = Inbox()
    standing: list[Alert] = []
    monitor = AlertMonitor(lambda: list(standing), lambda _on: None, post=inbox.post)
    monitor.check()
    assert inbox.drain() == []  # nothing to say: nothing posted
    standing.append(Alert(AlertKind.EMPTY, 1, "candy", 0))
    monitor.check()
    monitor.check()  # the same alerts again: not news
    assert inbox.drain() == [AlertsChanged((Alert(AlertKind.EMPTY, 1, "candy", 0),))]


def test_a_broken_ledger_keeps_the_last_alerts_and_the_loop_alive(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []

    def read() -> list[Alert]:
        calls.append(1)
        if len(calls) > 1:
            raise OSError("disk I/O error")
        return [Alert(AlertKind.EMPTY, 1, "candy", 0)]

    led: list[bool] = []
    monitor = AlertMonitor(read, led.append)
    monitor.check()
    assert [a.kind for a in monitor.check()] == [AlertKind.EMPTY]
    assert led == [True]
    assert "cannot read" in caplog.text
