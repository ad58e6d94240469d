"""The topic tree and payload schemas: what the centre accepts, and that nothing a kiosk
could send makes the decoder fail in any other way than BadMessage."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleet.payloads import Counters, Stock, decode, decode_receipt, encode, receipt_body
from fleet.topics import (
    CENTRE,
    CENTRE_STATUS,
    MAX_PAYLOAD,
    BadMessage,
    Kind,
    acl_text,
    parse_topic,
    topic,
    valid_site,
)

EPOCH = "0123456789abcdef"


def test_the_topic_tree_is_versioned_per_site() -> None:
    assert topic("gwanak", Kind.COUNTERS) == "maeum/v1/gwanak/counters"
    assert parse_topic("maeum/v1/gwanak/stock") == ("gwanak", Kind.STOCK)
    assert CENTRE_STATUS == "maeum/v1/_centre/status"
    assert not valid_site(CENTRE), "no kiosk can be enrolled under the centre's name"
    for bad in (
        "maeum/v2/gwanak/stock",
        "maeum/v1/Gwanak/stock",
        "maeum/v1/g/stock",
        "maeum/v1/gwanak/stock/extra",
        "maeum/v1/gwanak/secrets",
    ):
        with pytest.raises(BadMessage):
            parse_topic(bad)
    with pytest.raises(ValueError):
        topic("../other", Kind.STATUS)


def test_records_decode_with_every_field_checked() -> None:
    body = {"epoch": EPOCH, "seq": 7, "ledger": "a1b2", "hour": "2026-03-02T14:00"}
    found = decode(Kind.COUNTERS, encode(body | {"counts": [["symptom", "escape", 3]]}))
    assert isinstance(found, Counters)
    assert found.env.seq == 7 and found.counts == (("symptom", "escape", 3),)
    slot = {
        "slot": 1,
        "item": "tea",
        "count": 0,
        "capacity": 8,
        "enabled": True,
        "needs_staff": True,
        "low": True,
    }
    body = {"epoch": EPOCH, "seq": 8, "slots": [slot], "numbers": [1, 2]}
    stock = decode(Kind.STOCK, encode(body))
    assert isinstance(stock, Stock) and stock.slots[0].needs_staff and stock.numbers == (1, 2)


@pytest.mark.parametrize(
    ("kind", "payload", "why"),
    [
        (Kind.COUNTERS, b"{", "not JSON"),
        (Kind.COUNTERS, b"[]", "not an object"),
        (Kind.COUNTERS, b'{"epoch": "0123456789abcdef", "seq": 1}', "missing"),
        (Kind.STATUS, b'{"state": "gone", "epoch": "0123456789abcdef", "conn": 1}', "state"),
        (Kind.STATUS, b'{"state": "online", "epoch": "XYZ", "conn": 1}', "epoch"),
        (Kind.STATUS, b'{"state": "online", "epoch": "0123456789abcdef", "conn": true}', "count"),
        (Kind.CONTENT, b'{"epoch": "0123456789abcdef", "seq": 1, "version": "a b"}', "id"),
        (Kind.RECEIPT, b"{}", "does not send"),
    ],
)
def test_bad_payloads_say_what_is_wrong(kind: Kind, payload: bytes, why: str) -> None:
    with pytest.raises(BadMessage, match=why):
        decode(kind, payload)


def test_free_text_and_personal_looking_values_are_refused() -> None:
    """Keys are ids (as the ledger keeps them); a sentence, a phone number with spaces or
    an email address is not an id and never gets into the store."""
    for key in ("010 1234 5678", "kim@example.com", "I feel alone", "x" * 65):
        body = {
            "epoch": EPOCH,
            "seq": 1,
            "ledger": "a",
            "hour": "2026-03-02T14:00",
            "counts": [["symptom", key, 1]],
        }
        with pytest.raises(BadMessage):
            decode(Kind.COUNTERS, encode(body))


def test_oversized_and_deep_payloads_are_refused() -> None:
    with pytest.raises(BadMessage, match="bytes"):
        decode(Kind.COUNTERS, b" " * (MAX_PAYLOAD + 1))
    with pytest.raises(BadMessage):
        decode(Kind.COUNTERS, b"[" * 100_000 + b"]" * 100_000)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(list(Kind)))
def test_any_bytes_decode_or_raise_bad_message(payload: bytes, kind: Kind) -> None:
    with contextlib.suppress(BadMessage):
        decode(kind, payload)


flat = st.none() | st.booleans() | st.integers(-5, 2**33) | st.text("ab:-_ 한\x00", max_size=12)
json_values = flat | st.lists(flat | st.lists(flat, max_size=4), max_size=4)
FIELDS = ["epoch", "seq", "ledger", "hour", "counts", "vends", "events", "open", "slots",
          "numbers", "version", "state", "conn", "uptime_s", "outbox", "problems"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), json_values), st.sampled_from(list(Kind)))
def test_any_json_object_decodes_or_raises_bad_message(body: dict[str, object], kind: Kind) -> None:
    with contextlib.suppress(BadMessage):
        decode(kind, json.dumps(body).encode())


def test_receipts_are_few_ranges() -> None:
    body = receipt_body(EPOCH, [5, 3, 4, 9, 10, 12, 4])
    assert body == {"epoch": EPOCH, "seqs": [[3, 5], [9, 10], [12, 12]]}
    assert decode_receipt(encode(body)).seqs == ((3, 5), (9, 10), (12, 12))
    with pytest.raises(BadMessage):
        decode_receipt(b'{"epoch": "0123456789abcdef", "seqs": [[1]]}')


def test_the_acl_lets_a_kiosk_write_only_its_own_topics() -> None:
    lines = [line for line in acl_text().splitlines() if line and not line.startswith("#")]
    kiosk = lines[: lines.index(f"user {CENTRE}")]
    assert all(line.startswith("pattern ") for line in kiosk)
    writes = [line for line in kiosk if line.startswith("pattern write")]
    assert writes and all("/%u/" in line for line in writes)
    assert "pattern write maeum/v1/%u/receipt" not in kiosk
    assert "pattern write maeum/v1/%u/bundle" not in kiosk, "only the centre publishes content"
    reads = [line.split()[-1] for line in kiosk if line.startswith("pattern read")]
    assert sorted(reads) == ["maeum/v1/%u/bundle", "maeum/v1/%u/receipt", CENTRE_STATUS]
    centre = lines[lines.index(f"user {CENTRE}") + 1 :]
    assert "topic write maeum/v1/+/receipt" in centre
    assert "topic write maeum/v1/+/bundle" in centre


def test_the_broker_is_asked_for_a_keepalive_that_keeps_the_promise() -> None:
    """mosquitto expires a client keepalive*3//2 s after its last packet, up to 6 s late."""
    from fleet.link import BROKER_LATE_S, broker_keepalive

    for configured in (6, 10, 60, 300):
        asked = broker_keepalive(configured)
        assert asked * 3 // 2 + BROKER_LATE_S <= 1.5 * configured
        assert (asked + 1) * 3 // 2 + BROKER_LATE_S > 1.5 * configured, "no shorter than needed"
    assert broker_keepalive(60) == 56 and broker_keepalive(1) == 1
