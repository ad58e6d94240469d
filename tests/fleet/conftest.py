"""Fixtures: the fleet's credentials once per session, a fresh broker per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fleet.credentials import FleetDir, enroll_kiosks, find_mosquitto, init_centre
from tests.fleet.support import Broker, Fleet

SITES = tuple(f"site-{n:02d}" for n in range(1, 26))

needs_mosquitto = pytest.mark.skipif(
    find_mosquitto() is None or shutil.which("openssl") is None,
    reason="mosquitto and openssl are needed (deploy/system-deps.sh test)",
)


@pytest.fixture(scope="session")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    """A CA, the broker's and the centre's credentials, and 25 enrolled kiosks."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed")
    folder = FleetDir(tmp_path_factory.mktemp("fleet"))
    init_centre(folder, ("localhost", "127.0.0.1"), port=8883)
    enroll_kiosks(folder, list(SITES), "127.0.0.1")
    return Fleet(folder, SITES)


@pytest.fixture
def broker(fleet: Fleet, tmp_path: Path) -> Iterator[Broker]:
    if find_mosquitto() is None:
        pytest.skip("mosquitto is needed")
    running = Broker(fleet.dir, tmp_path / "broker")
    running.start()
    try:
        yield running
    finally:
        running.stop()
