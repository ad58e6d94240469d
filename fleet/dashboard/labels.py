"""The words the dashboard uses, in Korean: alert kinds, vend outcomes, figures, states.

An id the dashboard does not know (a newer kiosk's alert) is shown as it is, never hidden.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

# kiosk.cabinet.alerts.AlertKind, and the printer's and the audio's to come.
ALERTS = MappingProxyType(
    {
        "storage": "저장 장치 문제 (배출 멈춤)",
        "board": "배출 보드 응답 없음",
        "stock_unknown": "재고를 세어 채워 주세요",
        "motor_fault": "걸림·모터 고장",
        "suspected_empty": "비었을 수 있음",
        "empty": "빈 칸",
        "disabled": "사용 중지한 칸",
        "low": "재고 부족",
        "fleet": "센터 연결 문제",
        "paper_low": "용지 부족",
        "paper_out": "용지 없음",
        "printer": "프린터 고장",
        "audio": "소리 장치 고장",
    }
)
# Alerts someone must go and fix soon (shown red); the rest are shown amber.
URGENT = frozenset({"storage", "board", "motor_fault", "empty", "paper_out", "printer"})

# hardware.dispenser.VendOutcome
OUTCOMES = MappingProxyType(
    {
        "dispensed": "나왔어요",
        "no_drop": "안 떨어짐",
        "motor_fault": "걸림·모터 고장",
        "door_open": "문 열림",
        "board_unreachable": "보드 응답 없음",
        "out_of_stock": "재고 없음",
        "unverified": "확인 못 함",
        "not_recorded": "기록 실패",
    }
)

COLUMNS = MappingProxyType(
    {
        "visits": "방문",
        "completed": "끝까지 이용",
        "help": "도움 화면",
        "prescriptions": "처방전",
        "slips": "처방전 인쇄",
        "dispensed": "물건 나옴",
        "not_given": "물건 못 나옴",
    }
)

LANGUAGES = MappingProxyType({"ko": "한국어", "en": "영어"})

DELIVERY = MappingProxyType(
    {
        "accepted": "받음",
        "refused": "거부",
    }
)


def alert(kind: str) -> str:
    return ALERTS.get(kind, kind)


def outcome(kind: str) -> str:
    return OUTCOMES.get(kind, kind)


def local(stamp: str | None, zone: ZoneInfo) -> str:
    """A stored UTC time as staff read it: local, to the minute. '-' when there is none."""
    if not stamp:
        return "-"
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:16]
    if when.tzinfo is None:
        return when.strftime("%Y-%m-%d %H:%M")
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def ago(stamp: str | None, now: datetime) -> str:
    """'3시간 전' for a stored UTC time; '' when there is none."""
    if not stamp:
        return ""
    try:
        seconds = (now - datetime.fromisoformat(stamp)).total_seconds()
    except (ValueError, TypeError):
        return ""
    if seconds < 90:
        return "방금"
    minutes = seconds / 60
    if minutes < 90:
        return f"{minutes:.0f}분 전"
    hours = minutes / 60
    if hours < 36:
        return f"{hours:.0f}시간 전"
    return f"{hours / 24:.0f}일 전"
