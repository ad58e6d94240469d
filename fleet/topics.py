"""The fleet's topic tree (version 1): one place that both ends and the broker's ACL are
built from. The payloads on these topics are in `fleet.payloads`.

    maeum/v1/<site>/status     kiosk → centre  retained; "online" on connect, "offline" as will
    maeum/v1/<site>/heartbeat  kiosk → centre  QoS 0, every few minutes: health, outbox size
    maeum/v1/<site>/counters   kiosk → centre  QoS 1: one local hour's anonymous counters
    maeum/v1/<site>/vends      kiosk → centre  QoS 1: one local hour's vend outcomes
    maeum/v1/<site>/alerts     kiosk → centre  QoS 1: alerts raised and cleared, and those open
    maeum/v1/<site>/stock      kiosk → centre  QoS 1: the slots that changed, and which exist
    maeum/v1/<site>/content    kiosk → centre  QoS 1: the content version serving
    maeum/v1/<site>/delivery   kiosk → centre  QoS 1: published content taken or refused, why
    maeum/v1/<site>/bundle     centre → kiosk  retained: the content published to it, signed
    maeum/v1/<site>/receipt    centre → kiosk  QoS 1: which records the centre has stored
    maeum/v1/_centre/status    centre → all    retained; the central server online/offline
"""

from __future__ import annotations

import enum
import re

ROOT = "maeum/v1"
CENTRE = "_centre"  # not a valid site id, so no kiosk can ever be named like the centre
CENTRE_STATUS = f"{ROOT}/{CENTRE}/status"
MAX_PAYLOAD = 64 * 1024  # the centre drops anything larger (the broker's own limit is higher)

SITE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")


class Kind(enum.Enum):
    """The last level of a site's topic."""

    STATUS = "status"
    HEARTBEAT = "heartbeat"
    COUNTERS = "counters"
    VENDS = "vends"
    ALERTS = "alerts"
    STOCK = "stock"
    CONTENT = "content"
    DELIVERY = "delivery"
    RECEIPT = "receipt"
    BUNDLE = "bundle"


# What a kiosk may publish (records go through its outbox), and what it may read.
KIOSK_WRITES = (
    Kind.STATUS,
    Kind.HEARTBEAT,
    Kind.COUNTERS,
    Kind.VENDS,
    Kind.ALERTS,
    Kind.STOCK,
    Kind.CONTENT,
    Kind.DELIVERY,
)
RECORDS = (Kind.COUNTERS, Kind.VENDS, Kind.ALERTS, Kind.STOCK, Kind.CONTENT, Kind.DELIVERY)
KIOSK_READS = (Kind.RECEIPT, Kind.BUNDLE)
CENTRE_WRITES = (Kind.RECEIPT, Kind.BUNDLE)


class BadMessage(ValueError):
    """A message that does not follow the schema; the text says what is wrong."""


def valid_site(site: str) -> bool:
    return bool(SITE.match(site))


def topic(site: str, kind: Kind) -> str:
    if site != CENTRE and not valid_site(site):
        raise ValueError(f"not a site id: {site!r}")
    return f"{ROOT}/{site}/{kind.value}"


def parse_topic(name: str) -> tuple[str, Kind]:
    """(site, kind) of a kiosk's topic; BadMessage for anything else."""
    parts = name.split("/")
    if len(parts) != 4 or "/".join(parts[:2]) != ROOT:
        raise BadMessage(f"not a fleet topic: {name[:100]!r}")
    site, last = parts[2], parts[3]
    if not valid_site(site):
        raise BadMessage(f"not a site id: {site[:40]!r}")
    try:
        return site, Kind(last)
    except ValueError:
        raise BadMessage(f"unknown topic kind {last[:40]!r}") from None


def acl_text() -> str:
    """The broker's ACL: a kiosk (user name = site id) writes only its own topics and reads
    only its own receipts, its own content bundle and the centre's status; the centre reads
    all, answers and publishes content."""
    lines = [
        "# 마음약방 fleet broker ACL. Made by `python main.py fleet-server init` from",
        "# fleet/topics.py; edits here are replaced. %u is the user name, which for a kiosk",
        "# is its site id.",
        "",
    ]
    lines += [f"pattern write {ROOT}/%u/{k.value}" for k in KIOSK_WRITES]
    lines += [f"pattern read {ROOT}/%u/{k.value}" for k in KIOSK_READS]
    lines += [
        "# Every client may read the centre's status. (mosquitto warns that this pattern has",
        "# no %u or %c: that is meant.)",
        f"pattern read {CENTRE_STATUS}",
        "",
        f"user {CENTRE}",
    ]
    lines += [f"topic read {ROOT}/+/{k.value}" for k in KIOSK_WRITES]
    lines += [f"topic write {ROOT}/+/{k.value}" for k in CENTRE_WRITES]
    lines += [f"topic readwrite {CENTRE_STATUS}"]
    return "\n".join(lines) + "\n"
