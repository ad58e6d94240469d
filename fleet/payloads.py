r"""What travels on the fleet's topics (`fleet.topics`): compact JSON, checked field by field
at the centre.

Records (counters … content) carry the agent's `epoch` (its cursor's identity) and a `seq`;
the centre answers with receipts and the agent keeps a record until its receipt comes. Counts
are absolute totals per (site, hour, counter), never increments, and the centre keeps the
larger of what it has and what arrives: a record sent twice, or late, changes nothing.

Everything in a payload is an id, a number or a time: the ledger's anonymous counts, never
anything about a visitor. An id matches `[\w.:-]{0,64}`, so no sentence fits. The one
exception is a delivery refusal, whose reason and issues are sentences about the content
files the centre itself sent (`Delivery`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from fleet.topics import KIOSK_WRITES, MAX_PAYLOAD, BadMessage, Kind

_ID = re.compile(r"^[\w.:-]{0,64}$")  # the ledger's statistics ids, item ids, alert kinds
_HOUR = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:00$")
_EPOCH = re.compile(r"^[0-9a-f]{8,32}$")
_MAX_COUNT = 2**31 - 1
_MAX_ITEMS = 2000  # keys in one hour, events in one batch
_MAX_TEXT = 200


@dataclass(frozen=True)
class Status:
    state: str  # "online" | "offline"
    epoch: str
    conn: int  # goes up with every start of the agent: a late will of an older run loses


@dataclass(frozen=True)
class Heartbeat:
    epoch: str
    conn: int
    uptime_s: int
    outbox: int  # records waiting for a receipt
    problems: tuple[str, ...]  # problem codes (fleet.status.Problem)


@dataclass(frozen=True)
class Envelope:
    """What every record carries: who sent it, in which order."""

    epoch: str
    seq: int


@dataclass(frozen=True)
class Counters:
    env: Envelope
    ledger: str  # the ledger's identity: a replaced ledger's counts add up, never collide
    hour: str  # the kiosk's local hour, "YYYY-MM-DDTHH:00"
    counts: tuple[tuple[str, str, int], ...]  # (event, key, total in that hour)


@dataclass(frozen=True)
class Vends:
    env: Envelope
    ledger: str
    hour: str
    vends: tuple[tuple[str, int, str, int], ...]  # (kind, slot, outcome, total in that hour)


@dataclass(frozen=True)
class AlertEvent:
    id: int  # the ledger's own, growing
    at: str  # UTC ISO-8601, the kiosk's clock
    kind: str
    slot: int | None
    item: str
    count: int
    detail: str
    state: str  # "raised" | "cleared"


@dataclass(frozen=True)
class OpenAlert:
    kind: str
    slot: int | None
    item: str
    count: int
    detail: str
    since: str


@dataclass(frozen=True)
class Alerts:
    env: Envelope
    ledger: str  # the ledger's identity: alert ids are unique within one ledger
    events: tuple[AlertEvent, ...]
    open: tuple[OpenAlert, ...]


@dataclass(frozen=True)
class SlotStock:
    slot: int
    item: str
    count: int
    capacity: int
    enabled: bool
    needs_staff: bool
    low: bool


@dataclass(frozen=True)
class Stock:
    """The slots that changed (a vend changes one: one slot travels, not the cabinet)."""

    env: Envelope
    slots: tuple[SlotStock, ...]
    numbers: tuple[int, ...]  # every slot the kiosk has now (one taken away is dropped)


@dataclass(frozen=True)
class ContentVersion:
    env: Envelope
    version: str


@dataclass(frozen=True)
class Delivery:
    """What the kiosk's agent did with published content: taken, or refused and why. The
    reason and the issues speak of content files, never of a visitor."""

    env: Envelope
    publication: int  # 0: the bundle could not be read far enough to know
    version: str
    state: str  # "accepted" | "refused"
    code: str  # "accepted", or why not: "bad-signature", "content-check", …
    reason: str  # Korean, for the dashboard
    issues: tuple[str, ...]  # the first content problems, "file:line: message [code]"


@dataclass(frozen=True)
class Receipt:
    epoch: str
    seqs: tuple[tuple[int, int], ...]  # inclusive ranges


Record = Counters | Vends | Alerts | Stock | ContentVersion | Delivery
RECORD_TYPES = (Counters, Vends, Alerts, Stock, ContentVersion, Delivery)
MAX_ISSUES = 10  # content problems a refusal carries; the rest are counted in the reason
MAX_ISSUE_TEXT = 300
Message = Status | Heartbeat | Record


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(kind: Kind, payload: bytes) -> Message:
    """A kiosk's message, checked field by field. BadMessage says what is wrong."""
    if kind not in KIOSK_WRITES:
        raise BadMessage(f"a kiosk does not send {kind.value}")
    if len(payload) > MAX_PAYLOAD:
        raise BadMessage(f"{len(payload)} bytes, more than {MAX_PAYLOAD}")
    try:
        raw = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BadMessage(f"not JSON: {exc}") from None
    body = _obj(raw, kind.value)
    if kind is Kind.STATUS:
        state = _text(body, "state")
        if state not in ("online", "offline"):
            raise BadMessage(f"status: state {state!r}")
        return Status(state, _epoch(body), _int(body, "conn"))
    if kind is Kind.HEARTBEAT:
        problems = tuple(_id(p, "problems[]") for p in _list(body, "problems", 32))
        return Heartbeat(
            _epoch(body),
            _int(body, "conn"),
            _int(body, "uptime_s"),
            _int(body, "outbox"),
            problems,
        )
    env = Envelope(_epoch(body), _int(body, "seq"))
    if kind is Kind.COUNTERS:
        counts = tuple(_counter(c) for c in _list(body, "counts"))
        return Counters(env, _ident(body, "ledger"), _hour(body), counts)
    if kind is Kind.VENDS:
        vends = tuple(_vend(v) for v in _list(body, "vends"))
        return Vends(env, _ident(body, "ledger"), _hour(body), vends)
    if kind is Kind.ALERTS:
        events = tuple(_alert_event(e) for e in _list(body, "events"))
        opened = tuple(_open_alert(a) for a in _list(body, "open"))
        return Alerts(env, _ident(body, "ledger"), events, opened)
    if kind is Kind.STOCK:
        slots = tuple(_slot(s) for s in _list(body, "slots", 16))
        numbers = tuple(_count(n, "numbers[]") for n in _list(body, "numbers", 16))
        return Stock(env, slots, numbers)
    if kind is Kind.DELIVERY:
        state = _text(body, "state")
        if state not in ("accepted", "refused"):
            raise BadMessage(f"delivery: state {state!r}")
        issues = tuple(
            _short(i, "issues[]", MAX_ISSUE_TEXT) for i in _list(body, "issues", MAX_ISSUES)
        )
        return Delivery(
            env,
            _int(body, "publication"),
            _ident(body, "version"),
            state,
            _ident(body, "code"),
            _text(body, "reason", MAX_ISSUE_TEXT),
            issues,
        )
    return ContentVersion(env, _ident(body, "version"))


def decode_receipt(payload: bytes) -> Receipt:
    try:
        body = _obj(json.loads(payload.decode("utf-8")), "receipt")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BadMessage(f"not JSON: {exc}") from None
    ranges = []
    for r in _list(body, "seqs"):
        if not (isinstance(r, list) and len(r) == 2):
            raise BadMessage("receipt: a range is [first, last]")
        first, last = _count(r[0], "seqs[0]"), _count(r[1], "seqs[1]")
        ranges.append((first, last))
    return Receipt(_epoch(body), tuple(ranges))


def receipt_body(epoch: str, seqs: list[int]) -> dict[str, Any]:
    """Seqs as few inclusive ranges (a batch from one agent is mostly one run)."""
    ranges: list[list[int]] = []
    for s in sorted(set(seqs)):
        if ranges and s == ranges[-1][1] + 1:
            ranges[-1][1] = s
        else:
            ranges.append([s, s])
    return {"epoch": epoch, "seqs": ranges}


# --- field checks ---------------------------------------------------------------------------


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadMessage(f"{where}: not an object")
    return value


def _field(body: dict[str, Any], name: str) -> Any:
    if name not in body:
        raise BadMessage(f"missing {name!r}")
    return body[name]


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COUNT:
        raise BadMessage(f"{name}: not a count: {str(value)[:40]!r}")
    return value


def _int(body: dict[str, Any], name: str) -> int:
    return _count(_field(body, name), name)


def _text(body: dict[str, Any], name: str, limit: int = _MAX_TEXT) -> str:
    value = _field(body, name)
    if not isinstance(value, str) or len(value) > limit:
        raise BadMessage(f"{name}: not a short text")
    return value


def _short(value: Any, name: str, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise BadMessage(f"{name}: not a short text")
    return value


def _id(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise BadMessage(f"{name}: not an id: {str(value)[:70]!r}")
    return value


def _ident(body: dict[str, Any], name: str) -> str:
    return _id(_field(body, name), name)


def _epoch(body: dict[str, Any]) -> str:
    value = _field(body, "epoch")
    if not isinstance(value, str) or not _EPOCH.match(value):
        raise BadMessage("epoch: not an agent epoch")
    return value


def _hour(body: dict[str, Any]) -> str:
    value = _field(body, "hour")
    if not isinstance(value, str) or not _HOUR.match(value):
        raise BadMessage(f"hour: not YYYY-MM-DDTHH:00: {str(value)[:40]!r}")
    return value


def _list(body: dict[str, Any], name: str, limit: int = _MAX_ITEMS) -> list[Any]:
    value = _field(body, name)
    if not isinstance(value, list) or len(value) > limit:
        raise BadMessage(f"{name}: not a list of at most {limit}")
    return value


def _counter(value: Any) -> tuple[str, str, int]:
    if not (isinstance(value, list) and len(value) == 3):
        raise BadMessage("counts: an entry is [event, key, count]")
    return _id(value[0], "event"), _id(value[1], "key"), _count(value[2], "count")


def _vend(value: Any) -> tuple[str, int, str, int]:
    if not (isinstance(value, list) and len(value) == 4):
        raise BadMessage("vends: an entry is [kind, slot, outcome, count]")
    return (
        _id(value[0], "kind"),
        _count(value[1], "slot"),
        _id(value[2], "outcome"),
        _count(value[3], "count"),
    )


def _slot_no(body: dict[str, Any]) -> int | None:
    value = _field(body, "slot")
    return None if value is None else _count(value, "slot")


def _alert_event(value: Any) -> AlertEvent:
    body = _obj(value, "events[]")
    state = _text(body, "state")
    if state not in ("raised", "cleared"):
        raise BadMessage(f"alert state {state!r}")
    return AlertEvent(
        _int(body, "id"),
        _text(body, "at", 40),
        _ident(body, "kind"),
        _slot_no(body),
        _ident(body, "item"),
        _int(body, "count"),
        _text(body, "detail"),
        state,
    )


def _open_alert(value: Any) -> OpenAlert:
    body = _obj(value, "open[]")
    return OpenAlert(
        _ident(body, "kind"),
        _slot_no(body),
        _ident(body, "item"),
        _int(body, "count"),
        _text(body, "detail"),
        _text(body, "since", 40),
    )


def _flag(body: dict[str, Any], name: str) -> bool:
    value = _field(body, name)
    if not isinstance(value, bool):
        raise BadMessage(f"{name}: not true/false")
    return value


def _slot(value: Any) -> SlotStock:
    body = _obj(value, "slots[]")
    return SlotStock(
        _int(body, "slot"),
        _ident(body, "item"),
        _int(body, "count"),
        _int(body, "capacity"),
        _flag(body, "enabled"),
        _flag(body, "needs_staff"),
        _flag(body, "low"),
    )
