"""Setting up the centre and enrolling kiosks from the command line, and the settings files
those commands write: every mistake is a clear message, never a traceback."""

from __future__ import annotations

import base64
import hashlib
import stat
from pathlib import Path

import pytest

from fleet.config import FleetConfigError, load_agent_config, load_server_config
from fleet.credentials import FleetDir, cert_dates, password_hash, password_users
from kiosk.cli import main
from tests.fleet.conftest import needs_mosquitto


def fleet_server(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["fleet-server", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


@needs_mosquitto
def test_init_enroll_revoke_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = FleetDir(tmp_path / "fleet")
    d = str(folder.root)
    status, out, _ = fleet_server(capsys, "--dir", d, "init", "--host", "fleet.example.org")
    assert status == 0 and "mosquitto.conf" in out
    assert stat.S_IMODE((folder.ca / "ca.key").stat().st_mode) == 0o600
    server = load_server_config(folder.centre / "server.toml")
    assert (server.broker.host, server.broker.port, server.broker.username) == (
        "fleet.example.org", 8883, "_centre")  # fmt: skip

    status, out, _ = fleet_server(capsys, "--dir", d, "enroll", "gwanak", "dobong")
    assert status == 0 and "gwanak: credentials in" in out and "systemctl reload" in out
    agent = load_agent_config(folder.kiosk("gwanak") / "agent.toml")
    assert (agent.site, agent.broker.host, agent.broker.username) == (
        "gwanak", "fleet.example.org", "gwanak")  # fmt: skip
    assert password_users(folder.passwd) == ["_centre", "gwanak", "dobong"]
    start, end = cert_dates(folder.kiosk("gwanak") / "client.crt") or (None, None)
    assert start is not None and end is not None and (end - start).days >= 800

    status, _, err = fleet_server(capsys, "--dir", d, "enroll", "Gwanak_1")
    assert status == 1 and "not a site id" in err
    status, _, err = fleet_server(capsys, "--dir", d, "enroll", "_centre")
    assert status == 1 and "not a site id" in err, "nobody is enrolled as the centre"
    status, out, _ = fleet_server(capsys, "--dir", d, "revoke", "dobong")
    assert status == 0 and password_users(folder.passwd) == ["_centre", "gwanak"]
    status, _, err = fleet_server(capsys, "--dir", d, "revoke", "dobong")
    assert status == 1 and "not enrolled" in err


def test_enroll_before_init_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = fleet_server(capsys, "--dir", str(tmp_path), "enroll", "gwanak")
    assert status == 1 and "server.toml" in err


def test_the_password_hash_is_mosquittos_pbkdf2_sha512() -> None:
    _, seven, iterations, salt, digest = password_hash("s3cret").split("$")
    assert seven == "7" and int(iterations) >= 101  # mosquitto_passwd's own default
    expected = hashlib.pbkdf2_hmac("sha512", b"s3cret", base64.b64decode(salt), int(iterations))
    assert base64.b64decode(digest) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('site = "Bad Site"\n', "site must be a site id"),
        ('site = "gwanak"\n[broker]\nusername = "dobong"\npassword = "x"\n', "username must be"),
        ('site = "gwanak"\n[broker]\nusername = "gwanak"\n', "username and password"),
        ('site = "gwanak"\ncolour = 1\n[broker]\nusername = "gwanak"\npassword = "x"\n',
         "unknown key"),
        ('site = "gwanak"\n[broker]\nusername = "gwanak"\npassword = "x"\nport = "8883"\n',
         "port must be int"),
        ('site = "gwanak"\n[broker]\nusername = "gwanak"\npassword = "x"\n[agent]\npoll_s = 0\n',
         "positive"),
        ("site = ", "unreadable"),
    ],
)  # fmt: skip
def test_a_broken_agent_file_names_the_key(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "agent.toml"
    path.write_text(text)
    with pytest.raises(FleetConfigError, match=says):
        load_agent_config(path)


def test_the_agent_command_refuses_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agent.toml"
    path.write_text('site = "gwanak"\n')
    assert main(["fleet-agent", "--agent-config", str(path)]) == 2
    assert "username and password" in capsys.readouterr().err
    assert main(["fleet-agent", "--agent-config", str(tmp_path / "none.toml")]) == 2
    assert "not found" in capsys.readouterr().err
