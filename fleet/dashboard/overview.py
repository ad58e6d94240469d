"""Every site at a glance: what the overview page shows of each, made from the store's view
of the sites (`StoreReader.sites`), today's visits and the publications. Pure.

A site's content is one of:
    same      it serves the version last published to it
    waiting   published, no answer from the kiosk yet (offline, or checking)
    taken     the kiosk took it and will serve it from its next visit
    refused   the kiosk refused it (the reason is shown); it serves what it had
    none      nothing was ever published to it from here
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fleet.dashboard import labels
from fleet.dashboard.records import Publication


@dataclass(frozen=True)
class AlertLine:
    label: str
    urgent: bool
    slot: int | None
    item: str
    count: int
    detail: str
    since: str


@dataclass(frozen=True)
class SlotLine:
    slot: int
    item: str
    count: int
    capacity: int
    low: bool
    enabled: bool

    @property
    def empty(self) -> bool:
        return self.count == 0


@dataclass(frozen=True)
class ContentLine:
    state: str  # same | waiting | taken | refused | none
    serving: str  # the version the kiosk reports serving
    published: Publication | None
    reason: str = ""
    issues: tuple[str, ...] = ()
    refused_id: int = 0  # the publication refused (0: a bundle that named none)


@dataclass(frozen=True)
class Card:
    site: str
    online: bool
    since: str  # local time the state began
    since_ago: str
    last_seen: str
    visits_today: int
    alerts: tuple[AlertLine, ...]
    stock: tuple[SlotLine, ...]
    content: ContentLine
    problems: tuple[str, ...] = field(default=())  # the agent's own (heartbeat)

    @property
    def urgent(self) -> bool:
        return not self.online or any(a.urgent for a in self.alerts)


def content_line(view: Mapping[str, Any], published: Publication | None) -> ContentLine:
    serving = str(view.get("content_version") or "-")
    delivery = view.get("delivery") or {}
    answered = published is not None and delivery.get("publication") == published.id
    # A refusal of this publication, or of anything that arrived after it (a bundle that
    # was not signed or not readable names no publication).
    later = published is None or str(delivery.get("at", "")) >= published.issued
    if delivery.get("state") == "refused" and (answered or later):
        return ContentLine(
            "refused",
            serving,
            published,
            str(delivery.get("reason", "")),
            tuple(str(i) for i in delivery.get("issues", ())),
            int(delivery.get("publication") or 0),
        )
    if published is None:
        return ContentLine("none", serving, None)
    if serving == published.version:
        return ContentLine("same", serving, published)
    if answered:
        return ContentLine("taken", serving, published, str(delivery.get("reason", "")))
    return ContentLine("waiting", serving, published)


def cards(
    sites: Sequence[Mapping[str, Any]],
    visits_today: Mapping[str, int],
    published: Mapping[str, Publication],
    now: datetime,
    zone: ZoneInfo,
) -> list[Card]:
    found = []
    for view in sites:
        site = str(view["site"])
        alerts = tuple(
            AlertLine(
                labels.alert(str(a.get("kind", ""))),
                str(a.get("kind", "")) in labels.URGENT,
                a.get("slot"),
                str(a.get("item", "")),
                int(a.get("count", 0)),
                str(a.get("detail", "")),
                labels.local(a.get("since"), zone),
            )
            for a in view.get("open_alerts", [])
        )
        stock = tuple(
            SlotLine(
                int(s["slot"]),
                str(s.get("item", "")),
                int(s.get("count", 0)),
                int(s.get("capacity", 0)),
                bool(s.get("low")),
                bool(s.get("enabled", True)),
            )
            for s in view.get("stock", [])
        )
        agent = view.get("agent") or {}
        found.append(
            Card(
                site=site,
                online=bool(view.get("online")),
                since=labels.local(view.get("since"), zone),
                since_ago=labels.ago(view.get("since"), now),
                last_seen=labels.local(view.get("last_seen"), zone),
                visits_today=int(visits_today.get(site, 0)),
                alerts=alerts,
                stock=stock,
                content=content_line(view, published.get(site)),
                problems=tuple(str(p) for p in agent.get("problems", ())),
            )
        )
    return found
