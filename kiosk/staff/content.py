"""The content as staff see it: which version is serving, how much of it, what the last check
said, and a reload that only ever takes checked content.

Reloading and watching belong to the kiosk's content feed (`kiosk.visit.content_feed.ContentFeed`,
over `prescriptions.live.ContentStore`); new content reaches visitors from the next visit on.
Staff mode reads its last result and asks it to check now.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from prescriptions.errors import ContentIssue
from prescriptions.live import ReloadResult
from prescriptions.model import Content

VERSION_CHARS = 8


class ContentSource(Protocol):
    """What staff mode needs of the content feed."""

    @property
    def last_result(self) -> ReloadResult | None: ...

    @property
    def initial_fault(self) -> str | None: ...

    def reload_now(self) -> ReloadResult: ...


@dataclass(frozen=True)
class ContentStatus:
    version: str  # a short fingerprint of the content visitors see
    symptoms: int
    prescriptions: int
    items: int
    places: int
    checked: bool  # a full check has run since start
    ok: bool  # the last check passed (or, before any, the start-up load did)
    issues: int = 0
    first_issue: ContentIssue | None = None
    reason: str = ""  # why the start-up load failed, when it did


def fingerprint(content: Content) -> str:
    """The same for the same content, different when anything in it differs. Computed from
    what is served (not the files), so it names exactly what visitors see."""
    if not content.prescriptions:
        return "-"
    return hashlib.sha256(repr(content).encode("utf-8")).hexdigest()[:VERSION_CHARS]


class ContentKeeper:
    """The serving content's status (UI thread) and reloads (staff jobs)."""

    def __init__(self, source: ContentSource, serving: Callable[[], Content]) -> None:
        self._source = source
        self._serving = serving
        self._version_of: tuple[Content, str] | None = None  # the content and its fingerprint

    def status(self) -> ContentStatus:
        content = self._serving()
        result = self._source.last_result
        ok = result.accepted if result is not None else self._source.initial_fault is None
        issues = result.issues if result is not None and not result.accepted else ()
        return ContentStatus(
            version=self._version(content),
            symptoms=len(content.symptoms),
            prescriptions=len(content.prescriptions),
            items=len(content.items),
            places=len(content.places),
            checked=result is not None,
            ok=ok,
            issues=len(issues),
            first_issue=issues[0] if issues else None,
            reason=(self._source.initial_fault or "") if result is None else "",
        )

    def reload(self) -> ReloadResult:
        """Check the content folder now and take it if it passes (about a second: a job)."""
        return self._source.reload_now()

    def _version(self, content: Content) -> str:
        # Hashing the whole content takes a few milliseconds: once per content object.
        if self._version_of is None or self._version_of[0] is not content:
            self._version_of = (content, fingerprint(content))
        return self._version_of[1]
