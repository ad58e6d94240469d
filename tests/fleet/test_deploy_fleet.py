"""The fleet's deployment files: the agent's unit, the broker's configuration and ACL, the
installer's fleet step, and the test packages a fresh CI machine installs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fleet.credentials import BROKER_TEMPLATE, broker_config
from fleet.topics import acl_text
from kiosk.cabinet.cabinet import LEDGER_FILE as KIOSK_LEDGER_FILE
from kiosk.commands.fleet_agent import LEDGER_FILE
from tests.test_deploy import UNIT as KIOSK_UNIT
from tests.test_deploy import install, unit_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "maeum-fleet.service"
SERVER_UNIT = DEPLOY / "maeum-fleet-server.service"


def test_the_agent_is_its_own_unit_with_the_network_the_kiosk_has_not() -> None:
    agent = unit_settings(UNIT.read_text())
    service = agent["Service"]
    command = service["ExecStart"][0].split()[:2]
    assert command == ["/opt/maeum-kiosk/venv/bin/maeum-kiosk", "fleet-agent"]
    assert service["Restart"] == ["always"] and service["User"] == ["maeum"]
    assert agent["Unit"]["ConditionPathExists"] == ["/etc/maeum-fleet/agent.toml"]
    families = set(service["RestrictAddressFamilies"][0].split())
    assert {"AF_INET", "AF_INET6"} <= families and "IPAddressDeny" not in service
    assert service["ProtectSystem"] == ["strict"], "the ledger is read-only to the agent"
    # Published content is swapped into the kiosk's data folder; its ledger stays read-only.
    assert service["ReadWritePaths"] == ["/var/lib/maeum-kiosk"]
    assert service["ReadOnlyPaths"] == ["-/var/lib/maeum-kiosk/ledger.sqlite3"]
    assert service["RuntimeDirectory"] == ["maeum-fleet"]
    assert service["RuntimeDirectoryPreserve"] == ["yes"], "a dead agent's status goes stale"
    kiosk = unit_settings(KIOSK_UNIT.read_text())["Service"]
    assert kiosk["IPAddressDeny"] == ["any"], "the kiosk's own unit stays without network"
    assert "AF_INET" not in kiosk["RestrictAddressFamilies"][0]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("unit_file", [UNIT, SERVER_UNIT], ids=lambda p: p.name)
def test_the_fleet_units_pass_systemd_analyze_verify(tmp_path: Path, unit_file: Path) -> None:
    text = unit_file.read_text()
    command = Path(sys.executable).parent / "maeum-kiosk"  # the checkout's, as on the Pi
    text = text.replace("/opt/maeum-kiosk/venv/bin/maeum-kiosk", str(command))
    text = text.replace("WorkingDirectory=/var/lib/maeum-kiosk", f"WorkingDirectory={ROOT}")
    for app in ("maeum-kiosk", "maeum-fleet"):
        text = text.replace(f"/opt/{app}/venv/bin/python", sys.executable)
        text = text.replace(f"/opt/{app}/app", str(ROOT))
    unit = tmp_path / unit_file.name
    unit.write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    complaints = [line for line in result.stderr.splitlines() if unit_file.name in line]
    assert result.returncode == 0 and complaints == [], result.stderr


def test_the_agent_finds_the_ledger_where_the_kiosk_keeps_it() -> None:
    assert LEDGER_FILE == KIOSK_LEDGER_FILE


def test_the_shipped_acl_is_the_one_the_topics_make() -> None:
    assert (DEPLOY / "mosquitto" / "maeum-fleet.acl").read_text() == acl_text()


def test_the_broker_config_is_rendered_from_the_shipped_one(tmp_path: Path) -> None:
    text = broker_config(tmp_path / "b", tmp_path / "data", 18883, "127.0.0.1")
    shipped = BROKER_TEMPLATE.read_text()
    settings = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert "listener 18883 127.0.0.1" in settings
    assert not [line for line in settings if "/etc/" in line or "/var/lib/mosquitto" in line]
    for setting in ("allow_anonymous false", "require_certificate true", "persistence true"):
        assert setting in shipped and setting in text


def test_the_installer_lays_down_the_agent_unit_and_leaves_it_off_until_enrolled(
    tmp_path: Path,
) -> None:
    result = install("--prefix", str(tmp_path), "--skip-python")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "etc/systemd/system/maeum-fleet.service").read_text() == UNIT.read_text()
    assert "not enrolled" in result.stdout
    enrolled = tmp_path / "etc/maeum-fleet/agent.toml"
    enrolled.write_text('site = "gwanak"\n')
    again = install("--prefix", str(tmp_path), "--skip-python")
    assert "systemctl enable maeum-fleet.service" in again.stdout


def test_a_fresh_ci_machine_installs_the_broker_openssl_and_a_browser() -> None:
    script = (DEPLOY / "system-deps.sh").read_text()
    test_part = script[script.index('if [ "${1:-run}" = "test" ]') :]
    assert "want+=(mosquitto)" in test_part and "want+=(openssl)" in test_part
    # The dashboard's browser tests (tests/fleet/dashboard/test_browser.py).
    assert "want+=(chromium)" in test_part and "want+=(chromium-driver)" in test_part
