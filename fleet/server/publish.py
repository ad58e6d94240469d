"""Publishing content: a clean upload, signed for each chosen site and sent to it.

Delivery is a retained MQTT message on the site's own topic (`maeum/v1/<site>/bundle`,
QoS 1): the broker keeps the newest one per site and hands it to the kiosk's agent whenever
it connects, so a kiosk that is offline when staff publish gets the content when it comes
back, and only that kiosk may read it (the broker's ACL). A kiosk answers on its `delivery`
topic; the dashboard shows the answer beside the version it serves.

On every connect to the broker the centre sends each site's newest publication again: a
broker that lost its retained messages (a new disk) still delivers. The bytes are the same
(Ed25519 signatures are deterministic), so an agent that has it already does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fleet.bundle import Bundle, BundleError, load_private_key, make_bundle
from fleet.dashboard.records import Records
from fleet.delivery import install_folder
from fleet.topics import Kind, topic

log = logging.getLogger(__name__)

Send = Callable[[str, bytes], bool]  # (topic, payload) → handed to the broker


@dataclass(frozen=True)
class Published:
    number: int
    sent: tuple[str, ...]  # handed to the broker now
    waiting: tuple[str, ...]  # the centre is not connected: sent when it is


class Publisher:
    def __init__(
        self,
        key_path: Path,
        records: Records,
        send: Send,
        base_dir: Path,
        wall: Callable[[], datetime],
    ) -> None:
        """`base_dir`: the centre's copy of the content last published, which a CSV of
        prescriptions completes."""
        self.key_path = key_path
        self.records = records
        self._send = send
        self.base_dir = base_dir
        self._wall = wall

    def publish(
        self,
        upload_id: str,
        version: str,
        files: Mapping[str, bytes],
        sites: list[str],
        user: str,
    ) -> Published:
        """Sign and send; BundleError when the content cannot travel (then nothing is
        recorded), OSError/ValueError when the key cannot be read."""
        key = load_private_key(self.key_path)
        issued = self._wall()
        stamp = issued.isoformat(timespec="seconds")
        make_bundle(key, Bundle(sites[0], 1, stamp, version, files))  # too large? say so now
        number = self.records.add_publication(upload_id, version, issued, user, sites)
        sent: list[str] = []
        waiting: list[str] = []
        for site in sites:
            payload = make_bundle(key, Bundle(site, number, stamp, version, files))
            (sent if self._send(topic(site, Kind.BUNDLE), payload) else waiting).append(site)
        log.info(
            "content %s published as #%d by %s to %s (%d waiting for the broker)",
            version,
            number,
            user,
            ", ".join(sites),
            len(waiting),
        )
        try:
            install_folder(files, self.base_dir)
        except OSError as exc:  # the kiosks have it; only the next CSV's base is older
            log.error("the centre's copy of the published content not kept: %s", exc)
        return Published(number, tuple(sent), tuple(waiting))

    def republish(self) -> None:
        """Each site's newest publication, again (after a (re)connect to the broker)."""
        latest = self.records.latest_per_site()
        if not latest:
            return
        try:
            key = load_private_key(self.key_path)
        except (OSError, ValueError) as exc:
            log.error("cannot send published content again: the key %s: %s", self.key_path, exc)
            return
        files_of: dict[int, Mapping[str, bytes]] = {}
        for site, publication in sorted(latest.items()):
            number = publication.id
            if number not in files_of:
                files_of[number] = self.records.publication_files(number)
            bundle = Bundle(site, number, publication.issued, publication.version, files_of[number])
            try:
                self._send(topic(site, Kind.BUNDLE), make_bundle(key, bundle))
            except BundleError as exc:  # it travelled before; a bug if not now
                log.error("publication #%d for %s cannot be sent: %s", number, site, exc.en)
